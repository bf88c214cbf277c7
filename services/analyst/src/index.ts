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
} from "./analysis-event.publisher.js";
export {
  type AnalysisKey,
  type AnalysisLedger,
  createInMemoryAnalysisLedger,
  type LedgerOutcome,
} from "./analysis-ledger.js";
export {
  createPgAnalysisLedger,
  type PgAnalysisLedger,
  type PgAnalysisLedgerOptions,
} from "./analysis-ledger.pg.js";
export { FINAL_FAILURE_CODES, isAnalysisDone, tokensUsedOnDay } from "./analysis-results.repository.js";
export {
  ANALYSIS_RUN_QUEUE,
  type AnalysisRunAccepted,
  type AnalysisRunRefused,
  type AnalysisRunReply,
  AnalysisRunRequest,
  analysisRunSubject,
  analysisRunWildcard,
  projectOfRunSubject,
} from "./analysis-run.contract.js";
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
} from "./analyze-dialog.js";
export { AnalystConfig, llmSettingsOf } from "./config.js";
export {
  dialogFactsJsonSchema,
  dialogFactsSchema,
  type LlmDialogFacts,
  locateQuote,
  toDomainFacts,
} from "./dialog-facts.schema.js";
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
} from "./dialog-source.repository.js";
export { canonicalJson, type InputHashParts, inputHash } from "./input-hash.js";
export { createLimiter, type Limiter } from "./limiter.js";
export {
  createLlmExtractor,
  type LlmExtraction,
  type LlmExtractor,
  type LlmExtractorOptions,
  type LlmFailureCode,
  type LlmUsage,
} from "./llm-extractor.js";
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
} from "./offline-extractor.js";
export {
  type ActiveProject,
  activeProjects,
  loadShiftSettings,
  projectTimeZone,
} from "./projects.repository.js";
export {
  buildPromptMessages,
  buildUserPrompt,
  type DialogPromptInput,
  formatLocalTime,
  PROMPT_VERSION,
  type PromptMessage,
  SYSTEM_PROMPT,
} from "./prompt.js";
export {
  type BackoffOptions,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  nextDelayMs,
  retryAfterMs,
} from "./retry-policy.js";
export { createInMemoryTokenBudget, type TokenBudget, utcDayOf } from "./token-budget.js";
export { createPgTokenBudget, type PgTokenBudgetOptions } from "./token-budget.pg.js";
