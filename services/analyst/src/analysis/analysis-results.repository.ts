/**
 * What the analyst reads back from `rm.analysis_results` (filled by the projector from the
 * `analysis.dialog_scored` / `analysis.dialog_failed` events it published): which inputs are done, and
 * how many LLM tokens a project spent on a UTC day. Plain functions taking `db` first.
 */
import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import type { AnalysisKey } from "../ledger/analysis-ledger.js";

/**
 * Failure codes that end an input for good: the model answered and the answer was unusable, so the
 * same input under the same prompt version is never sent (paid for) again — the ledger policy of
 * `analyze-dialog.ts`. Every other code (`timeout`, `http_429`, `http_4xx`, `http_5xx`, `network`,
 * `budget_exhausted`) leaves the input open for a later run.
 */
export const FINAL_FAILURE_CODES: readonly string[] = Object.freeze(["invalid_output"]);

/**
 * True when `rm.analysis_results` holds a finished result of this analysis identity: status `scored`,
 * or `failed` with a code of {@link FINAL_FAILURE_CODES}.
 * @throws the Postgres error when the query fails.
 */
export async function isAnalysisDone(db: Kysely<Database>, key: AnalysisKey): Promise<boolean> {
  const row = await db
    .selectFrom("rm.analysis_results")
    .select(sql<number>`1`.as("one"))
    .where("project_id", "=", key.project_id)
    .where("dialog_key", "=", key.dialog_key)
    .where("input_hash", "=", key.input_hash)
    .where("prompt_version", "=", key.prompt_version)
    .where((eb) =>
      eb.or([
        eb("status", "=", "scored"),
        eb.and([eb("status", "=", "failed"), eb("error_code", "in", [...FINAL_FAILURE_CODES])]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Tokens (prompt + completion) recorded in `rm.analysis_results` for `projectId` on the UTC day `day`
 * (`YYYY-MM-DD`), by `recorded_at` (the moment of the analysis): `[day 00:00Z, next day 00:00Z)`.
 * Failed results count too (their tokens were paid). 0 when there are none.
 * @throws RangeError when `day` is not a `YYYY-MM-DD` date; the Postgres error when the query fails.
 */
export async function tokensUsedOnDay(db: Kysely<Database>, projectId: string, day: string): Promise<number> {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(start))
    throw new RangeError(`expected a UTC day YYYY-MM-DD, got ${day}`);
  const row = await db
    .selectFrom("rm.analysis_results")
    .select(sql<string | number | null>`sum(prompt_tokens + completion_tokens)`.as("tokens"))
    .where("project_id", "=", projectId)
    .where("recorded_at", ">=", new Date(start))
    .where("recorded_at", "<", new Date(start + 86_400_000))
    .executeTakeFirst();
  return Number(row?.tokens ?? 0);
}
