import { DEFAULT_MIN_INCOMING } from "@pulse/domain";
import { BaseConfig } from "@pulse/infra";
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** An unset or empty variable is "not configured" (a blank `LLM_BASE_URL=` in a .env file means offline). */
const optionalText = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.string().optional(),
);

/**
 * Configuration of the analyst: {@link BaseConfig} (`NATS_URL`, `EVENTS_STREAM`, `SUBJECT_ROOT`,
 * `LOG_LEVEL`, …) plus:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `LLM_BASE_URL` | — (unset = offline) | OpenAI-compatible API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`; unset or empty → the offline rule extractor |
 * | `LLM_API_KEY` | — | bearer token of that API (secret: never logged; local servers may need none) |
 * | `LLM_MODEL` | `gpt-4o-mini` | chat model; must support `response_format: json_schema` (strict) |
 * | `LLM_TIMEOUT_MS` | `30000` | timeout of one HTTP attempt, from request to parsed answer |
 * | `LLM_MAX_RETRIES` | `4` | retries after the first attempt on 429, 5xx, timeouts and connection errors |
 * | `LLM_CONCURRENCY` | `4` | LLM requests in flight at once, per process |
 * | `LLM_DAILY_TOKEN_BUDGET` | `2000000` | tokens (prompt + completion) per project per UTC day |
 * | `ANALYSIS_MIN_INCOMING` | `3` | dialogs with fewer incoming (client) messages are skipped (SPEC `minIncoming`) |
 * | `ANALYST_TICK_SECONDS` | `60` | period of the scheduler that analyses complete shifts (and logs the metrics); `0` turns it off (on-demand runs only) |
 * | `ANALYST_BACKFILL_SHIFTS` | `7` | how many complete shifts per project the scheduler keeps checking, the newest included |
 *
 * `LLM_BASE_URL` must be an http(s) URL; the numbers are integers within sane bounds.
 */
export const AnalystConfig = BaseConfig.extend({
  LLM_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  LLM_API_KEY: optionalText,
  LLM_MODEL: optionalText.pipe(z.string().default("gpt-4o-mini")),
  LLM_TIMEOUT_MS: int(100, 600_000).default(30_000),
  LLM_MAX_RETRIES: int(0, 20).default(4),
  LLM_CONCURRENCY: int(1, 256).default(4),
  LLM_DAILY_TOKEN_BUDGET: int(0, Number.MAX_SAFE_INTEGER).default(2_000_000),
  ANALYSIS_MIN_INCOMING: int(0, 1000).default(DEFAULT_MIN_INCOMING),
  ANALYST_TICK_SECONDS: int(0, 86_400).default(60),
  ANALYST_BACKFILL_SHIFTS: int(1, 366).default(7),
});
/** The parsed analyst configuration (see {@link AnalystConfig} for variables and defaults). */
export type AnalystConfig = z.infer<typeof AnalystConfig>;

/**
 * The LLM connection settings of a parsed config, or `null` when `LLM_BASE_URL` is not set (offline
 * mode). `apiKey` is the secret: pass it to the client only, never to a logger.
 */
export function llmSettingsOf(config: AnalystConfig): {
  baseURL: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
} | null {
  if (config.LLM_BASE_URL === undefined) return null;
  return {
    baseURL: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
    maxRetries: config.LLM_MAX_RETRIES,
    concurrency: config.LLM_CONCURRENCY,
  };
}
