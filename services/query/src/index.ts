/**
 * `@pulse/query` — the read API of the CRM analytics and its live order stream (SSE).
 * `buildQueryApp(deps)` is the testable unit; `server.ts` is the process.
 */

export { apiTokenAuthenticator, principalOfUser, sessionAuthenticator } from "./accounts/accounts.auth.js";
export { AccountError, createAccount, type NewAccount } from "./accounts/accounts.bootstrap.js";
export {
  findUserByLogin,
  insertApiToken,
  insertUser,
  isUniqueViolation,
  putMembership,
} from "./accounts/accounts.repository.js";
export { Me } from "./accounts/accounts.schemas.js";
export { type AuditEntry, maskSecrets, recordAudit } from "./accounts/audit.repository.js";
export { hashPassword, newSecret, sha256Hex, verifyPassword } from "./accounts/passwords.js";
export {
  ANALYSIS_RUN_TIMEOUT_MS,
  AnalysisRunAccepted,
  AnalysisRunRefused,
  AnalysisRunReply,
  AnalysisRunRequest,
  analysisRunSubject,
} from "./analysis/analysis.contract.js";
export { StatusDurationsQuery, StatusDurationsResponse } from "./analytics/analytics.schemas.js";
export { loadQueryConfig, QueryConfig } from "./config.js";
export type { QueryDeps } from "./deps.js";
export { AnalysisItem, AnalysisListResponse, DialogStatsResponse } from "./dialogs/dialogs.schemas.js";
export { buildQueryApp, type QueryApp } from "./http/app.js";
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
} from "./http/auth.plugin.js";
export { Problem } from "./http/problem.handler.js";
export {
  createOrderUpdatesFeeds,
  type JoinOutcome,
  type OrderUpdatesFeeds,
  type OrderUpdatesFeedsOptions,
} from "./live/order-updates.feed.js";
export { OrderListResponse, OrderRow, TimelineResponse } from "./orders/orders.schemas.js";
export { ReplayDetail, ReplayListResponse } from "./projects/replays.routes.js";
export { ShiftReportResponse } from "./reports/reports.schemas.js";
export {
  OrderOverridesBody,
  SettingsChangeAccepted,
  SettingsKind,
} from "./settings/settings.schemas.js";
export { ShiftDealsResponse } from "./shifts/shifts.schemas.js";
