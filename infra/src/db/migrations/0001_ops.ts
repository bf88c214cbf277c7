import { type Kysely, sql } from "kysely";

// Operational schema `ops`: state that a replay must not swap away (the notice outbox).
// Migrations never import application code (kysely docs, "Migrations").

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS ops`.execute(db);
  await sql`
    CREATE TABLE ops.outbox (
      id bigserial PRIMARY KEY,
      subject text NOT NULL,
      msg_id text NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA ops CASCADE`.execute(db);
}
