/**
 * `@pulse/query` — the read API of the CRM analytics and its live order stream (SSE).
 * `buildQueryApp(deps)` is the testable unit; `server.ts` is the process.
 */

export { apiTokenAuthenticator, principalOfUser, sessionAuthenticator } from "./accounts.auth.js";
export {
  findUserByLogin,
  insertApiToken,
  insertUser,
  isUniqueViolation,
  putMembership,
} from "./accounts.repository.js";
export { Me } from "./accounts.schemas.js";
export {
  ANALYSIS_RUN_TIMEOUT_MS,
  AnalysisRunAccepted,
  AnalysisRunRefused,
  AnalysisRunReply,
  AnalysisRunRequest,
  analysisRunSubject,
} from "./analysis.contract.js";
export { StatusDurationsQuery, StatusDurationsResponse } from "./analytics.schemas.js";
export {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from "./app.errors.js";
export { buildQueryApp, type QueryApp } from "./app.js";
export { type AuditEntry, maskSecrets, recordAudit } from "./audit.repository.js";
export {
  type Authenticator,
  assertAdmin,
  assertOwner,
  assertProjectAccess,
  assertProjectAdmin,
  CSRF_HEADER,
  canSeeProject,
  type Principal,
  type Role,
  roleIn,
  SESSION_COOKIE,
  type SessionAuthenticator,
} from "./auth.plugin.js";
export { loadQueryConfig, QueryConfig } from "./config.js";
export type { QueryDeps } from "./deps.js";
export { AnalysisItem, AnalysisListResponse, DialogStatsResponse } from "./dialogs.schemas.js";
export {
  createOrderUpdatesFeed,
  type OrderUpdate,
  type OrderUpdatesFeed,
  type OrderUpdatesSubscription,
} from "./nats.plugin.js";
export { OrderListResponse, OrderRow, TimelineResponse } from "./orders.schemas.js";
export { hashPassword, newSecret, sha256Hex, verifyPassword } from "./passwords.js";
export { Problem } from "./problem.handler.js";
export { ReplayDetail, ReplayListResponse } from "./replays.routes.js";
export { ShiftReportResponse } from "./reports.schemas.js";
export {
  OrderOverridesBody,
  SettingsChangeAccepted,
  SettingsKind,
} from "./settings.schemas.js";
export { ShiftDealsResponse } from "./shifts.schemas.js";
