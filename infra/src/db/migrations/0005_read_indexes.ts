import { type Kysely, sql } from "kysely";

/**
 * Indexes for the paged lists of the operational and account tables, newest first with ties by id
 * (the order the API lists them in):
 * - `ops.replays` of one project (`GET /api/replays?project=…`), optionally by status;
 * - `auth.audit` of one project (`GET /api/audit?project=…`; replaces `audit_project`, which lacked
 *   the id tie-break), of one actor, and of one entity type.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX replays_project_started ON ops.replays (project_id, started_at DESC, id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX audit_project_at ON auth.audit (project_id, at DESC, id DESC)`.execute(db);
  await sql`DROP INDEX auth.audit_project`.execute(db);
  await sql`CREATE INDEX audit_actor_at ON auth.audit (actor, at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_entity_at ON auth.audit (entity, at DESC, id DESC)`.execute(db);
}

/** Restores the indexes of `0004_accounts` and drops those above. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX auth.audit_entity_at`.execute(db);
  await sql`DROP INDEX auth.audit_actor_at`.execute(db);
  await sql`CREATE INDEX audit_project ON auth.audit (project_id, at DESC)`.execute(db);
  await sql`DROP INDEX auth.audit_project_at`.execute(db);
  await sql`DROP INDEX ops.replays_project_started`.execute(db);
}
