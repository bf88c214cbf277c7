import { type Kysely, sql } from "kysely";

// `ops.replays`: progress and outcome of every rebuild of the read models (blue/green), readable
// while it runs. Migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ops.replays (
      id text PRIMARY KEY,
      project_id text,
      reason text NOT NULL,
      trigger_event_id text,
      requested_by text,
      status text NOT NULL,
      events_total bigint NOT NULL DEFAULT 0,
      events_done bigint NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      error text,
      diff jsonb
    )`.execute(db);
  await sql`CREATE INDEX ON ops.replays (started_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE ops.replays`.execute(db);
}
