/**
 * The analyst process: reads the configuration from the environment (`AnalystConfig`: NATS, Postgres,
 * LLM, scheduler), connects to Postgres (migrating it, like the other services) and NATS, runs {@link createAnalyst} until SIGINT/SIGTERM,
 * then stops it (dialogs in flight finish, at most {@link STOP_GRACE_MS}) and closes the connections.
 * No API: the query service is the API (it reaches the analyst over NATS). Its ops listener
 * (`/health`, `/ready`, `/metrics`) listens on `ANALYST_HTTP_PORT` (default 3003, `off` = none) at
 * `ANALYST_HTTP_HOST` (default `0.0.0.0`; a port in use is logged and the
 * service runs without it). Exits 1 when it cannot start or does not stop cleanly.
 */
import {
  connectNats,
  createDb,
  createLogger,
  loadConfig,
  migrate,
  natsStatusOf,
  opsPortFromEnv,
  startOpsServer,
} from "@pulse/infra";
import { sql } from "kysely";
import { createAnalyst } from "./analyst.js";
import { createAnalystRegistry } from "./analyst.prometheus.js";
import { AnalystConfig } from "./config.js";

/** Longest wait for the dialogs in flight when stopping, ms (an LLM call may take its timeout). */
const STOP_GRACE_MS = 30_000;

const logger = createLogger("analyst");

async function main(): Promise<void> {
  const config = loadConfig(AnalystConfig);
  logger.level = config.LOG_LEVEL;
  const db = createDb(config.DATABASE_URL, Math.max(4, Math.min(20, config.LLM_CONCURRENCY + 4)), {
    logger,
  });
  // Idempotent and serialised with the other services: makes sure `rm` exists before the first read.
  const { needsRebuild } = await migrate(db);
  if (needsRebuild)
    logger.warn(
      "read models are from an older DDL version; the projector rebuilds them, dialogs may be missing until then",
    );
  const nats = await connectNats(config.NATS_URL, "analyst");
  const registry = createAnalystRegistry();
  const analyst = createAnalyst({ nats, db, config, logger, clock: () => new Date(), registry });
  const opsPort = opsPortFromEnv(process.env, "ANALYST_HTTP_PORT", 3003);
  const ops =
    opsPort === null
      ? null
      : await startOpsServer({
          port: opsPort,
          host: process.env["ANALYST_HTTP_HOST"] || "0.0.0.0",
          registry,
          // Ready while NATS is connected and PostgreSQL answers.
          readiness: async () => {
            // Down while the client reconnects, not only once it gave up (`natsStatusOf`).
            const natsDown = natsStatusOf(nats.nc).reason();
            const natsOk = natsDown === null;
            const pgOk = await sql`SELECT 1`.execute(db).then(
              () => true,
              () => false,
            );
            return {
              ready: natsOk && pgOk,
              body: {
                nats: natsOk ? "ok" : "down",
                postgres: pgOk ? "ok" : "down",
                ...(natsOk && pgOk
                  ? {}
                  : {
                      detail: `not ready: ${[natsOk ? null : `NATS (${natsDown})`, pgOk ? null : "Postgres"]
                        .filter((x) => x !== null)
                        .join(" and ")} not answering`,
                    }),
              },
            };
          },
          token: process.env["METRICS_TOKEN"] || undefined,
          logger,
        }).catch((error: unknown) => {
          // The service works without it; Prometheus reports the target down (alert PulseServiceDown).
          logger.error({ err: error, port: opsPort }, "ops listener not started; running without /metrics");
          return null;
        });
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    let clean = true;
    const grace = new Promise<"timeout">((resolve) =>
      setTimeout(() => resolve("timeout"), STOP_GRACE_MS).unref(),
    );
    try {
      if ((await Promise.race([analyst.stop().then(() => "stopped" as const), grace])) === "timeout") {
        clean = false;
        logger.warn({ grace_ms: STOP_GRACE_MS }, "dialogs still in flight; stopping anyway");
      }
      await ops?.close();
      await nats.nc.drain();
      await db.destroy();
    } catch (error) {
      clean = false;
      logger.error({ err: error }, "unclean stop");
    }
    process.exit(clean ? 0 : 1);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  await analyst.start();
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "analyst failed to start");
  process.exit(1);
});
