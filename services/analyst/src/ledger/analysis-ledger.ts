/**
 * Idempotency of the analyst: which inputs have been analysed already. An analysis is identified by
 * project, dialog key, input hash and prompt version — the same four parts as the dedup key of
 * `analysis.dialog_scored`. Checked before a model is called, so the same input under the same prompt
 * version is never paid for twice (a changed dialog, questionnaire, model or prompt has another hash or
 * version and is analysed again).
 */

/** The identity of one analysis (see the module comment). */
export interface AnalysisKey {
  readonly project_id: string;
  readonly dialog_key: string;
  readonly input_hash: string;
  readonly prompt_version: string;
}

/** What became of an analysis: `scored`, or `failed` with the failure code (`invalid_output`, …). */
export type LedgerOutcome = { readonly kind: "scored" } | { readonly kind: "failed"; readonly code: string };

/**
 * The record of analysed inputs. The in-memory implementation is below; the durable one reads the
 * read model of analysis results (`analysis_results`), which the projector fills from the
 * `analysis.*` events, so a restarted analyst does not call the model again.
 */
export interface AnalysisLedger {
  /** Whether this project's dialog with this input hash was analysed under this prompt version. */
  has(projectId: string, dialogKey: string, inputHash: string, promptVersion: string): Promise<boolean>;
  /**
   * Records that the analysis of `key` ended with `outcome`. `analyzeDialog` records every result the
   * model produced (scored, or failed on its answer) and no transient failure (see `analyze-dialog.ts`).
   */
  record(key: AnalysisKey, outcome: LedgerOutcome): Promise<void>;
}

/** An {@link AnalysisLedger} in process memory, with `size()` and `outcomeOf()` for tests and metrics. */
export function createInMemoryAnalysisLedger(): AnalysisLedger & {
  size(): number;
  outcomeOf(key: AnalysisKey): LedgerOutcome | undefined;
} {
  const entries = new Map<string, LedgerOutcome>();
  // JSON of the tuple: unambiguous whatever characters the parts contain.
  const id = (p: string, d: string, h: string, v: string): string => JSON.stringify([p, d, h, v]);
  return {
    async has(projectId, dialogKey, inputHash, promptVersion) {
      return entries.has(id(projectId, dialogKey, inputHash, promptVersion));
    },
    async record(key, outcome) {
      entries.set(id(key.project_id, key.dialog_key, key.input_hash, key.prompt_version), outcome);
    },
    size: () => entries.size,
    outcomeOf: (key) => entries.get(id(key.project_id, key.dialog_key, key.input_hash, key.prompt_version)),
  };
}
