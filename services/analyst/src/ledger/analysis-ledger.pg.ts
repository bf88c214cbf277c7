/**
 * The durable {@link AnalysisLedger}: an analysis is done when `rm.analysis_results` holds its
 * finished result (`isAnalysisDone`), or when this process recorded it a moment ago. The second part
 * matters because the projector writes the table asynchronously: between `analyzeDialog` recording a
 * result and the projector storing the published event, a second run (an on-demand request during a
 * scheduled one, the next tick) must already see it as done.
 *
 * A restarted analyst starts with an empty memory and relies on the table, so nothing the projector
 * has stored is sent to the model again. (A result published but not yet projected at the moment of
 * the restart is analysed once more; its event then carries the same dedup key and JetStream drops it
 * within the stream's duplicate window.)
 */
import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { isAnalysisDone } from "../analysis/analysis-results.repository.js";
import type { AnalysisKey, AnalysisLedger, LedgerOutcome } from "./analysis-ledger.js";

/** Options of {@link createPgAnalysisLedger}. */
export interface PgAnalysisLedgerOptions {
  /**
   * Most results kept in memory (default 100 000; the oldest are forgotten first). They only need to
   * outlive the projector's lag, after which the table answers.
   */
  readonly recentCapacity?: number;
}

/** The ledger of {@link createPgAnalysisLedger}: an {@link AnalysisLedger} plus `forget` and `recentSize`. */
export interface PgAnalysisLedger extends AnalysisLedger {
  /**
   * Drops a result recorded in memory, so that a later run analyses the input again. Used when the
   * result's event could not be published: without the event the table will never hold it.
   */
  forget(key: AnalysisKey): void;
  /** Results currently held in memory. */
  recentSize(): number;
}

/**
 * Creates the durable ledger over `db` (see the module comment). `has` rejects with the Postgres
 * error when the table cannot be read (the caller counts the dialog as not analysed and retries later).
 * @throws RangeError when `recentCapacity` is not an integer ≥ 1.
 */
export function createPgAnalysisLedger(
  db: Kysely<Database>,
  options: PgAnalysisLedgerOptions = {},
): PgAnalysisLedger {
  const capacity = options.recentCapacity ?? 100_000;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`recentCapacity must be an integer >= 1, got ${capacity}`);
  // Insertion-ordered: the first entry is the oldest. JSON of the tuple is unambiguous.
  const recent = new Map<string, LedgerOutcome>();
  const id = (k: AnalysisKey): string =>
    JSON.stringify([k.project_id, k.dialog_key, k.input_hash, k.prompt_version]);
  return {
    async has(projectId, dialogKey, inputHash, promptVersion) {
      const key: AnalysisKey = {
        project_id: projectId,
        dialog_key: dialogKey,
        input_hash: inputHash,
        prompt_version: promptVersion,
      };
      if (recent.has(id(key))) return true;
      return isAnalysisDone(db, key);
    },
    async record(key, outcome) {
      const k = id(key);
      recent.delete(k);
      recent.set(k, outcome);
      while (recent.size > capacity) {
        const oldest = recent.keys().next().value;
        if (oldest === undefined) break;
        recent.delete(oldest);
      }
    },
    forget(key) {
      recent.delete(id(key));
    },
    recentSize: () => recent.size,
  };
}
