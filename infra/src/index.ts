/**
 * `@pulse/infra` — configuration, logging, Postgres (Kysely) and NATS plumbing shared by the services.
 */
export { BaseConfig, loadConfig } from "./config.js";
export type * from "./db/database.js";
export { createDb, dropDatabase, ensureDatabase, migrate } from "./db/db.js";
export {
  createReadModelIndex,
  createReadModelSchema,
  READ_MODEL_INDEXES,
  READ_MODEL_TABLES,
  READ_MODEL_VERSION,
} from "./db/read-models.ddl.js";
export { problemClientErrorHandler } from "./http-client-error.js";
export { createLogger, type Logger, REDACT_PATHS, urlWithoutQuery } from "./logger.js";
export { connectNats, ensureStreams, isNotFound, type Nats } from "./nats/connection.js";
export { SERVICE_NODE_FLAGS } from "./run/node-flags.js";
