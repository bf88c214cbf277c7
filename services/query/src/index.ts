/**
 * `@pulse/query` — the read API of the CRM analytics and its live order stream (SSE).
 * `buildQueryApp(deps)` is the testable unit; `server.ts` is the process.
 */

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
export {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from "./http/app.errors.js";
export { buildQueryApp, type QueryApp } from "./http/app.js";
export {
  type Authenticator,
  adminTokenAuthenticator,
  assertAdmin,
  assertProjectAccess,
  canSeeProject,
  type Principal,
  type Role,
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
