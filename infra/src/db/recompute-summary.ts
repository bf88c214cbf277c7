import { type Kysely, sql } from "kysely";
import type { Database } from "./database.js";

/** `ops.replays.reason` of an order-override recompute: done in place, not a rebuild over all history. */
export const IN_PLACE_RECOMPUTE_REASON = "order.overrides_changed";

/**
 * Recomputes of the read models that have not completed, over the whole installation (both
 * `/ready` endpoints report it):
 * - `status`: the worst of the counts — `failed` > `retrying` > `pending` > `up_to_date`;
 * - `reason`: one line for operators when not up to date (`recomputes of the read models 1
 *   retrying: NatsUnavailableError: …`), else null;
 * - `pending`: requested or running; `retrying`: waiting for the next attempt after a transient
 *   failure; `failed`: failed deterministically and not covered by a later completed rebuild (a
 *   rebuild recomputes every project over all history, so it covers earlier requests);
 * - `last_error`: the newest error of a retrying or failed one, or null.
 */
export interface RecomputeSummary {
  status: "up_to_date" | "pending" | "retrying" | "failed";
  reason: string | null;
  pending: number;
  retrying: number;
  failed: number;
  last_error: string | null;
}

/**
 * Reads the {@link RecomputeSummary} from `ops.replays`.
 * @throws the Postgres error when the query fails.
 */
export async function recomputeSummary(db: Kysely<Database>): Promise<RecomputeSummary> {
  const r = await sql<{ pending: number; retrying: number; failed: number; last_error: string | null }>`
    SELECT
      count(*) FILTER (WHERE status = 'running')::int AS pending,
      count(*) FILTER (WHERE status = 'retrying')::int AS retrying,
      count(*) FILTER (
        WHERE status = 'failed' AND reason <> ${IN_PLACE_RECOMPUTE_REASON} AND NOT EXISTS (
          SELECT 1 FROM ops.replays d
          WHERE d.status = 'done' AND d.reason <> ${IN_PLACE_RECOMPUTE_REASON} AND d.started_at > f.started_at)
      )::int AS failed,
      (SELECT coalesce(last_error, error) FROM ops.replays
        WHERE status IN ('retrying', 'failed') ORDER BY started_at DESC LIMIT 1) AS last_error
    FROM ops.replays f
    WHERE status IN ('running', 'retrying', 'failed')`.execute(db);
  const pending = r.rows[0]?.pending ?? 0;
  const retrying = r.rows[0]?.retrying ?? 0;
  const failed = r.rows[0]?.failed ?? 0;
  const lastError = retrying > 0 || failed > 0 ? (r.rows[0]?.last_error ?? null) : null;
  const status = failed > 0 ? "failed" : retrying > 0 ? "retrying" : pending > 0 ? "pending" : "up_to_date";
  const counts = [
    failed > 0 ? `${failed} failed` : null,
    retrying > 0 ? `${retrying} retrying` : null,
    pending > 0 ? `${pending} pending` : null,
  ].filter((x) => x !== null);
  return {
    status,
    reason:
      status === "up_to_date"
        ? null
        : `recomputes of the read models ${counts.join(", ")}${lastError ? `: ${lastError}` : ""}`,
    pending,
    retrying,
    failed,
    last_error: lastError,
  };
}
