/**
 * `@pulse/analyst` — scores dialogs (SPEC "Dialog scoring (analyst)"). The facts come from an LLM
 * (OpenAI-compatible chat completions with a strict JSON schema) or, with no LLM configured, from the
 * offline rule extractor; the score always from `scoreDialog` of @pulse/domain. `analyzeDialog` adds
 * the operational guards (min incoming messages, idempotency ledger, daily token budget) and produces
 * the data of `analysis.dialog_scored` / `analysis.dialog_failed`; `toAnalysisEvent` the envelope.
 */
export {
  type AnalysisKey,
  type AnalysisLedger,
  createInMemoryAnalysisLedger,
  type LedgerOutcome,
} from "./analysis-ledger.js";
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
