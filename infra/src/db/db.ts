import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Logger } from "../logger.js";
import type { Database } from "./database.js";
import * as m0001 from "./migrations/0001_ops.js";
import * as m0002 from "./migrations/0002_replays.js";
import * as m0003r from "./migrations/0003_replay_retries.js";
import * as m0004a from "./migrations/0004_accounts.js";
import * as m0005r from "./migrations/0005_read_indexes.js";
import { guardPool } from "./pool-errors.js";
import { createReadModelSchema, READ_MODEL_VERSION } from "./read-models.ddl.js";

// int8 and numeric as JS numbers: every bigint we store (CRM ids, stream sequences, counters)
// is far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
// `date` columns stay ISO strings (`2026-10-12`), never shifted through a local-time Date.
pg.types.setTypeParser(1082, (v) => v);

/** Options of {@link createDb}: where lost connections are logged (default: nowhere) and as what. */
export interface CreateDbOptions {
  readonly logger?: Logger;
  /** `pool` field of those log lines (default `db`). */
  readonly name?: string;
}

/**
 * Creates a Kysely instance over a pg pool. `max` is the pool size (default 10). The pool is
 * guarded ({@link guardPool}): a connection PostgreSQL drops (restart, `57P01`) is logged at `warn`
 * without secrets and replaced on next use; the statement that was using it rejects (callers retry
 * or answer 503, see `isDatabaseUnavailable`), the process never crashes on it.
 */
export function createDb(databaseUrl: string, max = 10, options: CreateDbOptions = {}): Kysely<Database> {
  const pool = guardPool(new pg.Pool({ connectionString: databaseUrl, max }), options.logger, options.name);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const migrations: Record<string, Migration> = {
  "0001_ops": m0001,
  "0002_replays": m0002,
  "0003_replay_retries": m0003r,
  "0004_accounts": m0004a,
  "0005_read_indexes": m0005r,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Brings the database up to date: runs the `ops` migrations, and creates the read-model schema
 * `rm` if it does not exist. Returns `needsRebuild: true` when `rm` exists with an older DDL
 * version — the projector then rebuilds it from the stream.
 * @throws when a migration fails.
 */
export async function migrate(db: Kysely<Database>): Promise<{ needsRebuild: boolean }> {
  // Serialise concurrent starters (several services migrate on boot).
  return await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(724001)`.execute(conn);
    try {
      const migrator = new Migrator({ db: conn, provider: new StaticMigrationProvider() });
      const { error } = await migrator.migrateToLatest();
      if (error) throw error;
      const exists = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'rm'`.execute(conn);
      if ((exists.rows[0]?.n ?? 0) === 0) {
        await createReadModelSchema(conn as unknown as Kysely<unknown>, "rm");
        return { needsRebuild: false };
      }
      const v = await sql<{ value: string }>`SELECT value FROM rm.meta WHERE key = 'ddl_version'`.execute(
        conn,
      );
      return { needsRebuild: v.rows[0]?.value !== String(READ_MODEL_VERSION) };
    } finally {
      await sql`SELECT pg_advisory_unlock(724001)`.execute(conn);
    }
  });
}

/**
 * Creates the database named in `databaseUrl` if it is missing (connecting to `postgres` on the same
 * server). Used by the local runner and by tests that make a database each.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Drops the database named in `databaseUrl` (tests' cleanup). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
