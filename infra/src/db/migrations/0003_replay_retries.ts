import { type Kysely, sql } from "kysely";

// Retries of recomputations (`ops.replays`): a rebuild that fails for a transient reason (NATS or
// Postgres unreachable, the decode worker crashed, the process stopped) is retried with backoff
// until it completes, and its row says so: status `retrying`, how many attempts ran, the last
// error and when the next attempt starts. Migrations never import application code.
//
// Rows left `failed` by earlier versions (which never retried: a NATS outage ended a recompute for
// good) are turned into `retrying` unless a later full rebuild completed after them (a rebuild
// applies every settings change over all history, so it covers the earlier ones).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE ops.replays
      ADD COLUMN attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN last_error text,
      ADD COLUMN next_attempt_at timestamptz`.execute(db);
  await sql`UPDATE ops.replays SET attempts = 1 WHERE status IN ('done', 'failed')`.execute(db);
  await sql`
    UPDATE ops.replays AS f
    SET status = 'retrying', last_error = f.error, error = NULL, finished_at = NULL, next_attempt_at = now()
    WHERE f.status = 'failed'
      AND NOT EXISTS (
        SELECT 1 FROM ops.replays AS d
        WHERE d.status = 'done' AND d.reason <> 'order.overrides_changed' AND d.started_at > f.started_at
      )`.execute(db);
  await sql`CREATE INDEX replays_unfinished ON ops.replays (project_id) WHERE status IN ('running', 'retrying')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX ops.replays_unfinished`.execute(db);
  await sql`UPDATE ops.replays SET status = 'failed', error = coalesce(error, last_error) WHERE status = 'retrying'`.execute(
    db,
  );
  await sql`
    ALTER TABLE ops.replays DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN next_attempt_at`.execute(
    db,
  );
}
