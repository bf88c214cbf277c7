import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { canonicalJson } from "./deals-current.projection.js";
import type { Projection } from "./projection.js";

/**
 * A `rm.analysis_results` row: times ISO-8601 UTC, `facts`/`evidence`/`reasons` as canonical JSON
 * text, `status` `scored` | `failed`, `qualification_complete` null when unknown.
 */
export type AnalysisResultRow = RowOf<"analysis_results"> & { status: "scored" | "failed" };

/** Identity of a result: the table's primary key `(project, dialog_key, input_hash, prompt_version)`. */
export function analysisResultKey(
  r: Pick<AnalysisResultRow, "project_id" | "dialog_key" | "input_hash" | "prompt_version">,
): string {
  return [r.project_id, r.dialog_key, r.input_hash, r.prompt_version].join("\u0000");
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Whether every question of the facts' questionnaire (`facts.questionnaire`: question id → answer or
 * null, one entry per question of the project's questionnaire) has a non-blank answer — the
 * "qualification complete" filter (`questionnaireProgress` of `@pulse/domain` applies the same
 * rule against a known questionnaire). `null` when the facts carry no questionnaire object or an
 * empty one.
 */
export function qualificationComplete(facts: Readonly<Record<string, unknown>>): boolean | null {
  const q = facts["questionnaire"];
  if (q === null || typeof q !== "object" || Array.isArray(q)) return null;
  const answers = Object.values(q);
  if (answers.length === 0) return null;
  return answers.every((a) => typeof a === "string" && a.trim() !== "");
}

/**
 * The `rm.analysis_results` row of an `analysis.dialog_scored` or `analysis.dialog_failed` at stream
 * position `seq` (pure): `funnel_stage` from `facts.funnel_stage`; a failure has no score/facts,
 * `error_code` = `data.code`; tokens from `usage`; `recorded_at` = the event's `recorded_at`.
 */
export function analysisResultRow(
  event: EventOfType<"analysis.dialog_scored"> | EventOfType<"analysis.dialog_failed">,
  seq: number,
): AnalysisResultRow {
  const d = event.data;
  const ref = {
    project_id: event.project_id,
    dialog_key: d.dialog_key,
    input_hash: d.input_hash,
    prompt_version: d.prompt_version,
    mode: d.mode,
    model: d.model,
    lead_id: d.lead_id,
    phone: d.phone,
    shift_id: d.shift_id,
    window_start: d.window_start,
    window_end: d.window_end,
    manager_id: d.manager_id,
    prompt_tokens: d.usage.prompt_tokens,
    completion_tokens: d.usage.completion_tokens,
    recorded_at: event.recorded_at,
    event_seq: seq,
  };
  if (event.type === "analysis.dialog_scored") {
    const s = event.data;
    return {
      ...ref,
      status: "scored",
      score: s.score,
      interest: s.interest,
      funnel_stage: stringOrNull(s.facts["funnel_stage"]),
      qualification_complete: qualificationComplete(s.facts),
      facts: canonicalJson(s.facts),
      evidence: canonicalJson(s.evidence),
      reasons: canonicalJson(s.reasons),
      incoming: s.incoming,
      outgoing: s.outgoing,
      duration_ms: s.duration_ms,
      error_code: null,
      error_message: null,
    };
  }
  const f = event.data;
  return {
    ...ref,
    status: "failed",
    score: null,
    interest: null,
    funnel_stage: null,
    qualification_complete: null,
    facts: null,
    evidence: null,
    reasons: null,
    incoming: null,
    outgoing: null,
    duration_ms: null,
    error_code: f.code,
    error_message: f.message,
  };
}

/**
 * The result kept when `next` (later in the stream) meets `current` of the same identity (pure): a
 * `scored` result replaces a `failed` one and is never replaced by one; otherwise the later event
 * wins (the newest failure's code and tokens; a re-scored input's newest score).
 */
export function evolveAnalysisResult(
  current: AnalysisResultRow | undefined,
  next: AnalysisResultRow,
): AnalysisResultRow {
  if (current?.status === "scored" && next.status === "failed") return current;
  return next;
}

/**
 * Upserts results (one per identity, already folded with {@link evolveAnalysisResult}) with the
 * same rule against the stored rows: a stored `scored` row is never replaced by a `failed` one.
 * @throws the Postgres error.
 */
export async function writeAnalysisResults(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly AnalysisResultRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const keys = ["project_id", "dialog_key", "input_hash", "prompt_version"];
  // The stored rows this batch must not touch: scored ones met by a failure.
  const failed = rows.filter((r) => r.status === "failed");
  let guarded = rows;
  if (failed.length > 0) {
    const stored = await sql<{
      project_id: string;
      dialog_key: string;
      input_hash: string;
      prompt_version: string;
    }>`
      SELECT t.project_id, t.dialog_key, t.input_hash, t.prompt_version
      FROM ${sql.id(schema, "analysis_results")} AS t
      JOIN unnest(${failed.map((r) => r.project_id)}::text[], ${failed.map((r) => r.dialog_key)}::text[],
                  ${failed.map((r) => r.input_hash)}::text[], ${failed.map((r) => r.prompt_version)}::text[])
        AS f(p, d, h, v) ON t.project_id = f.p AND t.dialog_key = f.d AND t.input_hash = f.h AND t.prompt_version = f.v
      WHERE t.status = 'scored'`.execute(db);
    const keep = new Set(stored.rows.map(analysisResultKey));
    guarded = rows.filter((r) => !(r.status === "failed" && keep.has(analysisResultKey(r))));
  }
  await writeRows(db, schema, "analysis_results", guarded, {
    keys,
    action: "replace",
  });
}

/** The analyst's result events. */
type AnalysisEvent = EventOfType<"analysis.dialog_scored"> | EventOfType<"analysis.dialog_failed">;

/**
 * The `rm.analysis_results` projection: one state per result identity (key:
 * `{dialog_key}\u0000{input_hash}\u0000{prompt_version}`), folded by {@link evolveAnalysisResult};
 * the live write applies the same rule against the stored rows ({@link writeAnalysisResults}).
 */
export const analysisResultsProjection: Projection<AnalysisEvent, AnalysisResultRow, string> = {
  name: "analysis_results",
  eventTypes: new Set(["analysis.dialog_scored", "analysis.dialog_failed"]),
  keyOf: (event) => ({
    projectId: event.project_id,
    id: [event.data.dialog_key, event.data.input_hash, event.data.prompt_version].join("\u0000"),
  }),
  evolve: (row, event, seq) => evolveAnalysisResult(row ?? undefined, analysisResultRow(event, seq)),
  rows: (row) => ({ analysis_results: [row as unknown as RowOf<"analysis_results">] }),
  write: writeAnalysisResults,
};
