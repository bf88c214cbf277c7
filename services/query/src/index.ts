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
export {
  type Authenticator,
  adminTokenAuthenticator,
  assertAdmin,
  assertProjectAccess,
  canSeeProject,
  type Principal,
  type Role,
} from "./auth.plugin.js";
export { loadQueryConfig, QueryConfig } from "./config.js";
export type { QueryDeps } from "./deps.js";
export { AnalysisItem, AnalysisListResponse, DialogStatsResponse } from "./dialogs.schemas.js";
export {
  createOrderUpdatesFeeds,
  type JoinOutcome,
  type OrderUpdatesFeeds,
  type OrderUpdatesFeedsOptions,
} from "./order-updates.feed.js";
export { OrderListResponse, OrderRow, TimelineResponse } from "./orders.schemas.js";
export { Problem } from "./problem.handler.js";
export { ReplayDetail, ReplayListResponse } from "./replays.routes.js";
export { ShiftReportResponse } from "./reports.schemas.js";
export {
  OrderOverridesBody,
  SettingsChangeAccepted,
  SettingsKind,
} from "./settings.schemas.js";
export { ShiftDealsResponse } from "./shifts.schemas.js";
