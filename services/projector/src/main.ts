/**
 * The projector process: reads the configuration (see `projector.config.ts`), connects to NATS and
 * Postgres, runs {@link createProjector} until SIGINT/SIGTERM, then stops it and closes the
 * connections. With `PROJECTOR_HTTP_PORT` it serves `GET /health` and `GET /ready` there
 * (`health.server.ts`). Exits 1 when it cannot start.
 */
import { connectNats, createDb, createLogger } from "@pulse/infra";
import { startHealthServer } from "./health.server.js";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector } from "./projector.js";

const logger = createLogger("projector");

async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const nats = await connectNats(config.NATS_URL, "projector");
  const db = createDb(config.DATABASE_URL, 10, { logger });
  const projector = createProjector({ nats, db, config, logger });
  const health =
    config.PROJECTOR_HTTP_PORT > 0
      ? await startHealthServer({ nats, db, logger, port: config.PROJECTOR_HTTP_PORT })
      : null;
  if (health) logger.info({ port: health.port }, "probes listening (/health, /ready)");
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    try {
      await projector.stop();
      await health?.close();
      await nats.nc.drain();
      await db.destroy();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "unclean stop");
      process.exit(1);
    }
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  await projector.start();
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "projector failed to start");
  process.exit(1);
});
