import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";

/**
 * A request to rebuild every read model over all history (a recompute), whatever caused it: a
 * settings change, a dictionary change, an operator. The recompute scheduler serves every request
 * the same way, so a new kind of trigger only inserts requests.
 */
export interface RecomputeRequest {
  /** Row id in `ops.replays`; the id of the causing event when there is one (the API's `replay_id`). */
  readonly id: string;
  /** The project whose change caused it (null: the whole installation). */
  readonly projectId: string | null;
  /** Why: the causing event type (e.g. `settings.sla_changed`) or an operator's reason. */
  readonly reason: string;
  readonly triggerEventId: string | null;
  /** Who caused it (the admin's subject for a settings change), if known. */
  readonly requestedBy: string | null;
}

/**
 * Inserts `request` as an `ops.replays` row with status `running` and no attempt yet, inside the
 * caller's transaction `trx` (the one that applies the causing event, so the request commits with
 * it). Kick the scheduler after the commit. Returns false when a row with this id already exists
 * (a redelivered event requests nothing twice).
 * @throws the Postgres error when the insert fails.
 */
export async function requestRecompute(
  trx: Kysely<Database>,
  request: RecomputeRequest,
  now: Date = new Date(),
): Promise<boolean> {
  const inserted = await trx
    .insertInto("ops.replays")
    .values({
      id: request.id,
      project_id: request.projectId,
      reason: request.reason,
      trigger_event_id: request.triggerEventId,
      requested_by: request.requestedBy,
      status: "running",
      events_total: 0,
      events_done: 0,
      started_at: now,
      finished_at: null,
      error: null,
      diff: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}
