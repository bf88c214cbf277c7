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
  analyzeReadModels,
  createReadModelIndex,
  createReadModelSchema,
  READ_MODEL_INDEXES,
  READ_MODEL_VERSION,
  type ReadModelIndex,
  tableDefinition,
} from "./db/read-models.ddl.js";
export {
  type AnyTableDeclaration,
  type ColumnDeclaration,
  type ColumnSqlType,
  type ColumnsOf,
  type IndexDeclaration,
  type KyselyColumn,
  type KyselyTable,
  PROJECT_SCOPED_TABLES,
  type ProjectScopedTable,
  READ_MODEL_DECLARATION_ENTRIES,
  READ_MODEL_DECLARATIONS,
  READ_MODEL_TABLES,
  type ReadModelDeclarations,
  type ReadModelTable,
  type TableDeclaration,
} from "./db/read-models.tables.js";
export {
  IN_PLACE_RECOMPUTE_REASON,
  type RecomputeSummary,
  recomputeSummary,
} from "./db/recompute-summary.js";
export { parseShiftSettings, readSettingsData, readShiftSettings } from "./db/settings.reader.js";
export {
  answerProblem,
  answerRouteNotFound,
  frameworkErrorCode,
  installProblemHandlers,
  type ProblemAnswer,
  type ProblemHandlerOptions,
  problemAnswerOf,
  problemOfAnswer,
  ROUTER_ERROR_DETAILS,
  requestPath,
} from "./http/problem.handler.js";
export {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PROBLEM_CONTENT_TYPE,
  type ProblemDocument,
  ProblemError,
  type ProblemErrorOptions,
  problemDocument,
  problemType,
  ServiceUnavailableError,
  STATUS_TITLES,
  sendProblem,
  statusTitle,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "./http/problem.js";
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
export {
  classifyPublishFailure,
  coalescingPublisher,
  DEFAULT_PUBLISH_RETRY,
  type EventAck,
  EventPublishError,
  type EventPublishOptions,
  isTransientPublishFailure,
  type PublishCounts,
  type Publisher,
  type PublishFailure,
  type PublishRetryOptions,
  type PublishWarnLogger,
  publishBackoffDelayMs,
  publishDomainEvent,
  publishDomainEvents,
  publishEventWithRetry,
  type RetriedPublishOutcome,
} from "./nats/event.publisher.js";
export { type NatsStatus, natsStatusOf } from "./nats/status.js";
export { SERVICE_NODE_FLAGS } from "./run/node-flags.js";
