import { type Database, IN_PLACE_RECOMPUTE_REASON } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { isoOrNull } from "../http/api.schemas.js";
import type { RecomputeState } from "./recompute.schemas.js";

/** Where a recompute can be followed (`GET /api/replays/:id`). */
export function replayUrl(projectId: string, replayId: string): string {
  return `/api/replays/${encodeURIComponent(replayId)}?project=${encodeURIComponent(projectId)}`;
}

/**
 * The state of a recompute just requested by change `replayId` when `ops.replays` cannot be read:
 * `pending`, nothing else known. A stored change must still be answered 202.
 */
export function requestedRecomputeState(projectId: string, replayId: string): RecomputeState {
  return {
    status: "pending",
    replay_id: replayId,
    replay_url: replayUrl(projectId, replayId),
    attempts: 0,
    last_error: null,
    next_attempt_at: null,
  };
}

/**
 * The {@link RecomputeState} of `projectId` from `ops.replays`: its unfinished recomputes
 * (`running`/`retrying`) first; else its last failed one unless a rebuild completed after it (a
 * rebuild recomputes every project over all history, so it covers earlier requests); else
 * `up_to_date`. With `requested` (the id of a change just stored, which the projector has not picked
 * up yet), the answer is at least `pending` for that id.
 * @throws the Postgres error when the query fails.
 */
export async function projectRecomputeState(
  db: Kysely<Database>,
  projectId: string,
  requested?: string,
): Promise<RecomputeState> {
  const unfinished = await db
    .selectFrom("ops.replays")
    .select(["id", "status", "attempts", "last_error", "next_attempt_at"])
    .where("project_id", "=", projectId)
    .where("status", "in", ["running", "retrying"])
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .execute();
  if (unfinished.length > 0 || requested !== undefined) {
    const retrying = unfinished.find((r) => r.status === "retrying");
    const newest = requested ?? unfinished[0]!.id;
    const waits = unfinished.map((r) => r.next_attempt_at).filter((d): d is Date => d !== null);
    return {
      status: retrying ? "retrying" : "pending",
      replay_id: newest,
      replay_url: replayUrl(projectId, newest),
      attempts: Math.max(0, ...unfinished.map((r) => r.attempts)),
      last_error: retrying?.last_error ?? null,
      next_attempt_at: isoOrNull(
        waits.length > 0 ? new Date(Math.min(...waits.map((d) => d.getTime()))) : null,
      ),
    };
  }
  const last = await db
    .selectFrom("ops.replays as f")
    .select(["f.id", "f.status", "f.attempts", "f.error", "f.last_error"])
    .where("f.project_id", "=", projectId)
    .where("f.reason", "<>", IN_PLACE_RECOMPUTE_REASON)
    .where("f.status", "in", ["done", "failed"])
    .orderBy("f.started_at", "desc")
    .orderBy("f.id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (last === undefined) {
    return {
      status: "up_to_date",
      replay_id: null,
      replay_url: null,
      attempts: 0,
      last_error: null,
      next_attempt_at: null,
    };
  }
  const failed = last.status === "failed" && !(await supersededByRebuild(db, last.id));
  return {
    status: failed ? "failed" : "up_to_date",
    replay_id: last.id,
    replay_url: replayUrl(projectId, last.id),
    attempts: last.attempts,
    last_error: failed ? (last.error ?? last.last_error) : null,
    next_attempt_at: null,
  };
}

async function supersededByRebuild(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ops.replays d, ops.replays f
    WHERE f.id = ${id} AND d.status = 'done' AND d.reason <> ${IN_PLACE_RECOMPUTE_REASON} AND d.started_at > f.started_at`.execute(
    db,
  );
  return (r.rows[0]?.n ?? 0) > 0;
}
