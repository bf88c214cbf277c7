/**
 * The projector process: reads the configuration (see `projector.config.ts`), connects to NATS and
 * Postgres, runs {@link createProjector} until SIGINT/SIGTERM, then stops it and closes the
 * connections. Exits 1 when it cannot start. Its ops listener (`/health`, `/ready`, `/metrics`)
 * listens on `PROJECTOR_HTTP_PORT` (default 3002, `off` = none) at `PROJECTOR_HTTP_HOST` (default
 * `0.0.0.0`); a port in use is logged and the service runs without it.
 */
import { connectNats, createDb, createLogger, opsPortFromEnv, startOpsServer } from "@pulse/infra";
import { createProjectorMetrics } from "./metrics.js";
import { projectorReadiness } from "./ops.js";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector } from "./projector.js";

const logger = createLogger("projector");

async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const nats = await connectNats(config.NATS_URL, "projector");
  const db = createDb(config.DATABASE_URL, 10, { logger });
  const metrics = createProjectorMetrics({ nats, db, config });
  const projector = createProjector({ nats, db, config, logger, metrics });
  const opsPort = opsPortFromEnv(process.env, "PROJECTOR_HTTP_PORT", 3002);
  const ops =
    opsPort === null
      ? null
      : await startOpsServer({
          port: opsPort,
          host: process.env["PROJECTOR_HTTP_HOST"] || "0.0.0.0",
          registry: metrics.registry,
          readiness: () => projectorReadiness({ nats, db }),
          token: process.env["METRICS_TOKEN"] || undefined,
          logger,
        }).catch((error: unknown) => {
          // The service works without it; Prometheus reports the target down (alert PulseServiceDown).
          logger.error({ err: error, port: opsPort }, "ops listener not started; running without /metrics");
          return null;
        });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    try {
      await projector.stop();
      await ops?.close();
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
