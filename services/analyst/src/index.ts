/**
 * `@pulse/analyst` — scores dialogs (SPEC "Dialog scoring (analyst)"). The facts come from an LLM
 * (OpenAI-compatible chat completions with a strict JSON schema) or, with no LLM configured, from the
 * offline rule extractor; the score always from `scoreDialog` of @pulse/domain. `analyzeDialog` adds
 * the operational guards (min incoming messages, idempotency ledger, daily token budget) and produces
 * the data of `analysis.dialog_scored` / `analysis.dialog_failed`; `toAnalysisEvent` the envelope.
 * `createAnalyst` is the service unit (scheduler of complete shifts, on-demand run responder,
 * publishing, metrics); `main.ts` the process.
 */
export {
  DEFAULT_PUBLISH_RETRY,
  type PublishOutcome,
  type PublishRetryOptions,
  publishAnalysisEvent,
} from "./analysis/analysis-event.publisher.js";
export {
  FINAL_FAILURE_CODES,
  isAnalysisDone,
  tokensUsedOnDay,
} from "./analysis/analysis-results.repository.js";
export {
  ANALYSIS_RUN_QUEUE,
  type AnalysisRunAccepted,
  type AnalysisRunRefused,
  type AnalysisRunReply,
  AnalysisRunRequest,
  analysisRunSubject,
  analysisRunWildcard,
  projectOfRunSubject,
} from "./analysis/analysis-run.contract.js";
export {
  type AnalysisDialog,
  type AnalysisEventOptions,
  type AnalysisOutcome,
  type AnalyzeDialogDeps,
  analysisIdentity,
  analyzeDialog,
  createDialogAnalyzer,
  type DialogFailedData,
  type DialogScoredData,
  OFFLINE_PROMPT_VERSION,
  type SkipReason,
  toAnalysisEvent,
} from "./analysis/analyze-dialog.js";
export {
  dialogFactsJsonSchema,
  dialogFactsSchema,
  type LlmDialogFacts,
  locateQuote,
  toDomainFacts,
} from "./analysis/dialog-facts.schema.js";
export {
  leadKey,
  type PeriodWindow,
  periodDialogKey,
  phoneKey,
  readPeriodDialogs,
  readShiftDialogs,
  shiftDialogKey,
  shiftFingerprint,
  shiftFromTable,
} from "./analysis/dialog-source.repository.js";
export { canonicalJson, type InputHashParts, inputHash } from "./analysis/input-hash.js";
export {
  type DialogExtraction,
  type DialogLanguage,
  type DialogMessage,
  type EvidenceFact,
  extractDialogFactsOffline,
  type FactEvidence,
  type MessageDirection,
  normalizeForMatch,
  type OfflineExtractorOptions,
} from "./analysis/offline-extractor.js";
export {
  type ActiveProject,
  activeProjects,
  loadShiftSettings,
  projectTimeZone,
} from "./analysis/projects.repository.js";
export {
  type Analyst,
  type AnalystDeps,
  createAnalyst,
  MAX_PERIOD_DAYS,
  type RunReport,
  type RunTrigger,
} from "./analyst.js";
export { type AnalystMetrics, type AnalystMetricsRecorder, createAnalystMetrics } from "./analyst.metrics.js";
export { createAnalystRegistry, withPrometheus } from "./analyst.prometheus.js";
export { AnalystConfig, llmSettingsOf } from "./config.js";
export {
  type AnalysisKey,
  type AnalysisLedger,
  createInMemoryAnalysisLedger,
  type LedgerOutcome,
} from "./ledger/analysis-ledger.js";
export {
  createPgAnalysisLedger,
  type PgAnalysisLedger,
  type PgAnalysisLedgerOptions,
} from "./ledger/analysis-ledger.pg.js";
export { createLimiter, type Limiter } from "./llm/limiter.js";
export {
  createLlmExtractor,
  type LlmExtraction,
  type LlmExtractor,
  type LlmExtractorOptions,
  type LlmFailureCode,
  type LlmUsage,
} from "./llm/llm-extractor.js";
export {
  buildPromptMessages,
  buildUserPrompt,
  type DialogPromptInput,
  formatLocalTime,
  PROMPT_VERSION,
  type PromptMessage,
  SYSTEM_PROMPT,
} from "./llm/prompt.js";
export {
  type BackoffOptions,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  nextDelayMs,
  retryAfterMs,
} from "./llm/retry-policy.js";
export { createInMemoryTokenBudget, type TokenBudget, utcDayOf } from "./llm/token-budget.js";
export { createPgTokenBudget, type PgTokenBudgetOptions } from "./llm/token-budget.pg.js";
