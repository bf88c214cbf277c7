/**
 * The query service process: reads the configuration, connects to Postgres (migrating it) and NATS,
 * makes sure the streams exist, builds the app and listens on `HOST:PORT`. SIGINT/SIGTERM close the app
 * (ending SSE streams and deleting their consumers), then the connections. The only file that
 * listens (STYLE.md rule 7).
 */
import { connectNats, createDb, createLogger, ensureStreams, migrate } from "@pulse/infra";
import { loadQueryConfig } from "./config.js";
import { buildQueryApp } from "./http/app.js";

const config = loadQueryConfig();
const logger = createLogger("query", config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, 10, { logger });
// Idempotent and serialised with the other services: makes sure `rm` exists before the first read.
const { needsRebuild } = await migrate(db);
if (needsRebuild)
  logger.warn(
    "read models are from an older DDL version; answers may be stale until the projector rebuilds them",
  );
const nats = await connectNats(config.NATS_URL, "query");
await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
const app = await buildQueryApp({
  db,
  nats,
  config,
  logger,
  clock: () => new Date(),
  metricsToken: process.env["METRICS_TOKEN"] || undefined,
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ signal }, "shutting down");
  const force = setTimeout(() => {
    logger.error("shutdown took longer than 10 s; exiting");
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await app.close();
    await nats.nc.drain();
    await db.destroy();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));

try {
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ address }, "query service listening");
} catch (error) {
  logger.fatal({ err: error }, "cannot listen");
  await nats.nc.drain().catch(() => undefined);
  await db.destroy().catch(() => undefined);
  process.exit(1);
}
