/**
 * One-shot start-up step of a deployment (the compose `migrate` service): creates the database if it
 * is missing, runs the `ops` migrations and creates the read-model schema ({@link migrate}), and
 * creates or updates the JetStream streams ({@link ensureStreams}). Idempotent: running it again
 * changes nothing. A read model with an older DDL version is left to the projector, which rebuilds it
 * from the stream when it starts. Env: `NATS_URL`, `DATABASE_URL`, `EVENTS_STREAM`, `SUBJECT_ROOT`
 * (see `BaseConfig`). Exits 0 when done, 1 (with the reason logged) when a step fails.
 */
import { BaseConfig, loadConfig } from "../config.js";
import { createDb, ensureDatabase, migrate } from "../db/db.js";
import { createLogger } from "../logger.js";
import { connectNats, ensureStreams } from "../nats/connection.js";

const logger = createLogger("migrate");

async function main(): Promise<void> {
  const config = loadConfig(BaseConfig);
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, 1, { logger });
  try {
    const { needsRebuild } = await migrate(db);
    logger.info({ read_model_rebuild_pending: needsRebuild }, "database migrated");
  } finally {
    await db.destroy();
  }
  const nats = await connectNats(config.NATS_URL, "migrate", 10_000);
  try {
    const streams = await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
    logger.info({ streams }, "streams ready");
  } finally {
    await nats.nc.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    logger.fatal({ err: error }, "migration failed");
    process.exit(1);
  },
);
