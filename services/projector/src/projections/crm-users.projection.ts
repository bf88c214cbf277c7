import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { RowOf } from "../replay/table-writer.js";
import type { Projection } from "./projection.js";

/** A `rm.crm_users` row: one CRM user (manager) of a project. */
export type CrmUserRow = RowOf<"crm_users">;

/**
 * Folds a `dictionary.users_synced` at stream position `seq` into a project's users (user id →
 * row; pure, returns a new map): every listed user is upserted with `in_last_sync: true`; users
 * missing from the sync are kept with `in_last_sync: false` (old deals and orders still name them,
 * event doc). Every row of the project gets `event_seq = seq`.
 */
export function evolveCrmUsers(
  rows: ReadonlyMap<number, CrmUserRow>,
  event: EventOfType<"dictionary.users_synced">,
  seq: number,
): Map<number, CrmUserRow> {
  const out = new Map<number, CrmUserRow>();
  for (const [id, row] of rows) out.set(id, { ...row, in_last_sync: false, event_seq: seq });
  for (const u of event.data.users) {
    out.set(u.user_id, {
      project_id: event.project_id,
      user_id: u.user_id,
      name: u.name,
      email: u.email,
      is_active: u.is_active,
      is_admin: u.is_admin,
      in_last_sync: true,
      event_seq: seq,
    });
  }
  return out;
}

/** Loads the `rm.crm_users` rows of one project, keyed by user id. */
export async function loadCrmUsers(
  db: Kysely<ReadModels>,
  projectId: string,
): Promise<Map<number, CrmUserRow>> {
  const rows = await db.selectFrom("crm_users").selectAll().where("project_id", "=", projectId).execute();
  return new Map(rows.map((r) => [r.user_id, r]));
}

/**
 * The `rm.crm_users` projection: one state per project (its users, user id → row; key: the project
 * id), evolved by {@link evolveCrmUsers}, stored as upserted rows.
 */
export const crmUsersProjection: Projection<
  EventOfType<"dictionary.users_synced">,
  ReadonlyMap<number, CrmUserRow>,
  string
> = {
  name: "crm_users",
  eventTypes: new Set(["dictionary.users_synced"]),
  keyOf: (event) => ({ projectId: event.project_id, id: event.project_id }),
  evolve: (rows, event, seq) => evolveCrmUsers(rows ?? new Map(), event, seq),
  rows: (rows) => ({ crm_users: [...rows.values()] }),
  upsert: { crm_users: { keys: ["project_id", "user_id"], action: "replace" } },
  load: async (db, projectId) => new Map([[projectId, await loadCrmUsers(db, projectId)]]),
};
