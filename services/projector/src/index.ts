/**
 * `@pulse/projector` — builds the PostgreSQL read models from the JetStream streams: the live
 * projector (`createProjector`), the blue/green rebuild (`replayReadModels`) and a schema
 * comparison for tests and operators (`compareReadModels`).
 */
export { PROJECTOR_LOCK_KEY } from "./checkpoints.repository.js";
export {
  createProjectorMetrics,
  type ProjectorMetrics,
  type ProjectorMetricsDeps,
  SCRAPE_CACHE_MS,
} from "./metrics.js";
export { PROJECTOR_READY_TIMEOUT_MS, projectorReadiness } from "./ops.js";
export { loadProjectorConfig, type ProjectorConfig, projectorNames } from "./projector.config.js";
export {
  type BatchInfo,
  type ConsumedStream,
  createProjector,
  type Projector,
  type ProjectorDeps,
  type ProjectorHooks,
} from "./projector.js";
export {
  classifyRecomputeFailure,
  DeterministicRecomputeError,
  NatsUnavailableError,
  type RecomputeFailureKind,
} from "./recompute/recompute.failure.js";
export {
  type ProjectRecomputeOptions,
  type ProjectRecomputeResult,
  recomputeProject,
} from "./recompute/recompute.project.js";
export { type RecomputeRequest, requestRecompute } from "./recompute/recompute.requests.js";
export type { RecomputeAttempt, RecomputeHooks } from "./recompute/recompute.scheduler.js";
export {
  compareReadModels,
  type ReadModelComparison,
  type TableDifference,
} from "./replay/read-models.compare.js";
export {
  type ReplayDeps,
  type ReplayOptions,
  type ReplayProgress,
  type ReplayProjectDone,
  type ReplayResult,
  replayReadModels,
} from "./replay/replay.js";
export { DIFF_LIMIT, type DiffChange, diffSchemas, type ReplayDiff } from "./replay/replay-diff.js";
export { countStreamMessages } from "./replay/stream-range.reader.js";
