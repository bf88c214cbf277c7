import type { Database } from "@pulse/infra";
import type { Kysely, Selectable } from "kysely";
import { isoOrNull } from "../http/api.schemas.js";

type ReplayRow = Selectable<Database["ops.replays"]>;

/** One recomputation of the read models, as the API shows it (see `ReplaySummary` in `replays.routes.ts`). */
export interface Replay {
  id: string;
  project_id: string | null;
  reason: string;
  trigger_event_id: string | null;
  requested_by: string | null;
  status: string;
  events_total: number;
  events_done: number;
  /** `events_done / events_total` clamped to [0, 1]; 1 when done; null while the total is unknown (0). */
  progress: number | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  /** Attempts started so far. */
  attempts: number;
  /** Error of the last failed attempt (also after a later success), or null. */
  last_error: string | null;
  /** When the next attempt starts (`retrying` only), ISO-8601 UTC. */
  next_attempt_at: string | null;
}

function toReplay(r: Omit<ReplayRow, "diff">): Replay {
  const progress =
    r.status === "done"
      ? 1
      : r.events_total > 0
        ? Math.min(1, Math.max(0, r.events_done / r.events_total))
        : null;
  return {
    id: r.id,
    project_id: r.project_id,
    reason: r.reason,
    trigger_event_id: r.trigger_event_id,
    requested_by: r.requested_by,
    status: r.status,
    events_total: r.events_total,
    events_done: r.events_done,
    progress,
    started_at: r.started_at.toISOString(),
    finished_at: isoOrNull(r.finished_at),
    error: r.error,
    attempts: r.attempts,
    last_error: r.last_error,
    next_attempt_at: isoOrNull(r.next_attempt_at),
  };
}

const SUMMARY_COLUMNS = [
  "id",
  "project_id",
  "reason",
  "trigger_event_id",
  "requested_by",
  "status",
  "events_total",
  "events_done",
  "started_at",
  "finished_at",
  "error",
  "attempts",
  "last_error",
  "next_attempt_at",
] as const;

/**
 * The most recent replays of `projectId` (`ops.replays`, newest `started_at` first, then id),
 * at most `limit`, optionally only those with `status`. Replays of the whole installation
 * (`project_id` null, e.g. a DDL rebuild) are not listed: they may describe other projects.
 * @throws the Postgres error when the query fails.
 */
export async function listReplays(
  db: Kysely<Database>,
  projectId: string,
  limit: number,
  status?: string,
): Promise<Replay[]> {
  const rows = await db
    .selectFrom("ops.replays")
    .select(SUMMARY_COLUMNS)
    .where("project_id", "=", projectId)
    .$if(status !== undefined, (qb) => qb.where("status", "=", status as string))
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toReplay);
}

/**
 * One replay of `projectId` with its `diff` (the projector's JSON, `null` until it finishes), or
 * `undefined` when there is none with this id in the project (yet: the row appears when the
 * projector starts the recomputation).
 * @throws the Postgres error when the query fails.
 */
export async function findReplay(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<(Replay & { diff: unknown }) | undefined> {
  const row = await db
    .selectFrom("ops.replays")
    .select([...SUMMARY_COLUMNS, "diff"])
    .where("id", "=", id)
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { ...toReplay(row), diff: row.diff ?? null };
}
