/**
 * `@pulse/infra` — configuration, logging, Postgres (Kysely) and NATS plumbing shared by the services.
 */
export { BaseConfig, loadConfig } from "./config.js";
export type * from "./db/accounts.tables.js";
export type * from "./db/database.js";
export { type CreateDbOptions, createDb, dropDatabase, ensureDatabase, migrate } from "./db/db.js";
export {
  type DatabaseErrorSummary,
  databaseErrorSummary,
  guardPool,
  isDatabaseUnavailable,
} from "./db/pool-errors.js";
export {
  createReadModelIndex,
  createReadModelSchema,
  READ_MODEL_INDEXES,
  READ_MODEL_TABLES,
  READ_MODEL_VERSION,
} from "./db/read-models.ddl.js";
export {
  IN_PLACE_RECOMPUTE_REASON,
  type RecomputeSummary,
  recomputeSummary,
} from "./db/recompute-summary.js";
export { problemClientErrorHandler } from "./http-client-error.js";
export { createLogger, type Logger, REDACT_PATHS, urlWithoutQuery } from "./logger.js";
export {
  cachedReading,
  createMetricsRegistry,
  type MetricsService,
  metricsRequestAllowed,
  type OpsReadiness,
  type OpsServer,
  type OpsServerOptions,
  opsPortFromEnv,
  startOpsServer,
} from "./metrics.js";
export { connectNats, ensureStreams, isNotFound, type Nats, natsServers } from "./nats/connection.js";
export { type NatsStatus, natsStatusOf } from "./nats/status.js";
export { SERVICE_NODE_FLAGS } from "./run/node-flags.js";
