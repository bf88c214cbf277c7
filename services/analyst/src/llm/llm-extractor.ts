/**
 * The LLM fact extractor (SPEC "The LLM extracts the facts … as structured output validated by a
 * schema"): one OpenAI-compatible chat completion per dialog with `response_format: json_schema`
 * (strict) generated from {@link dialogFactsSchema}; the answer is validated with the same schema and
 * mapped to the domain's `DialogFacts` + verbatim evidence. The score is never asked of the model.
 *
 * Operational rules:
 * - **concurrency**: at most `concurrency` requests in flight per extractor (queued FIFO; a request
 *   keeps its slot while it backs off, so a throttled provider sees less traffic, not more);
 * - **timeout**: `timeoutMs` per attempt, from sending the request to the parsed body;
 * - **retries**: the SDK's own retries are off (`maxRetries: 0`); this module retries up to
 *   `maxRetries` times on 408/409/429/5xx, timeouts and connection errors, waiting `Retry-After`
 *   (`retry-after-ms` or `Retry-After`) when the server sends one, else exponential backoff with
 *   jitter (`retry-policy.ts`); a `Retry-After` above `backoff.maxRetryAfterMs` ends the attempts.
 *   Other 4xx are final at once (`http_4xx`).
 * - **invalid output is not retried**: strict structured output makes a malformed or mismatching answer
 *   rare and mostly systematic for the input (a refusal, a truncated answer, a server that ignores
 *   `json_schema`); a second paid call would usually repeat it. It is a final `invalid_output`, recorded
 *   as `analysis.dialog_failed`; a new prompt version re-analyses such dialogs.
 * The API key goes to the HTTP client only: it is never logged and is scrubbed from error messages.
 */
import { setTimeout as sleepMs } from "node:timers/promises";
import { DEFAULT_QUESTIONNAIRE, type DialogFacts } from "@pulse/domain";
import type { Logger } from "@pulse/infra";
import OpenAI from "openai";
import { dialogFactsJsonSchema, dialogFactsSchema, toDomainFacts } from "../analysis/dialog-facts.schema.js";
import type { FactEvidence } from "../analysis/offline-extractor.js";
import { createLimiter } from "./limiter.js";
import { buildPromptMessages, type DialogPromptInput, PROMPT_VERSION } from "./prompt.js";
import {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  nextDelayMs,
  retryAfterMs,
} from "./retry-policy.js";

/**
 * Stable failure codes of an extraction (they become `analysis.dialog_failed.code`):
 * - `invalid_output`: the answer is not JSON, does not match the schema, was refused or truncated;
 * - `timeout`: the last attempt exceeded `timeoutMs`;
 * - `http_429`: still rate-limited after the retries (or asked to wait longer than allowed);
 * - `http_4xx`: any other client error (401 bad key, 404 unknown model, 400 bad request), not retried;
 * - `http_5xx`: server errors beyond the retries;
 * - `network`: the connection failed (refused, reset, DNS) beyond the retries.
 */
export type LlmFailureCode = "invalid_output" | "timeout" | "http_429" | "http_4xx" | "http_5xx" | "network";

/** Tokens of one answer as the server reported them in `usage` (0 when it did not). */
export interface LlmUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

/**
 * The result of {@link LlmExtractor.extract}; never thrown. `attempts` counts HTTP requests sent
 * (1 + retries). `usage` is that of the answer that ended the extraction (0 when none came).
 * On success `droppedQuotes` counts model quotes that were not verbatim and were left out.
 */
export type LlmExtraction =
  | {
      readonly ok: true;
      readonly facts: DialogFacts;
      readonly evidence: readonly FactEvidence[];
      readonly droppedQuotes: number;
      readonly usage: LlmUsage;
      readonly attempts: number;
    }
  | {
      readonly ok: false;
      readonly code: LlmFailureCode;
      /** Short, free of secrets, at most 500 characters. */
      readonly message: string;
      /** HTTP status of the last response, `null` for timeouts, connection errors and invalid output. */
      readonly status: number | null;
      readonly usage: LlmUsage;
      readonly attempts: number;
    };

/** Options of {@link createLlmExtractor}. Durations in milliseconds. */
export interface LlmExtractorOptions {
  /** API root, e.g. `https://api.openai.com/v1` (requests go to `{baseURL}/chat/completions`). */
  readonly baseURL: string;
  /** Bearer token; local servers may need none (a placeholder is sent then). Never logged. */
  readonly apiKey?: string | undefined;
  /** Model name sent in every request; also the `model` of the results. */
  readonly model: string;
  /** Timeout of one attempt (`LLM_TIMEOUT_MS`, default 30 000). */
  readonly timeoutMs: number;
  /** Retries after the first attempt on retryable failures (`LLM_MAX_RETRIES`, default 4). */
  readonly maxRetries: number;
  readonly logger: Logger;
  /** Requests in flight at once (`LLM_CONCURRENCY`, default 4). */
  readonly concurrency?: number;
  /** Backoff settings (default {@link DEFAULT_BACKOFF}); tests pass tiny delays. */
  readonly backoff?: Partial<BackoffOptions>;
  /** Waits `ms` (default a real timer); tests inject a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in `[0, 1)` (default `Math.random`). */
  readonly random?: () => number;
  /** Wall clock in epoch ms, for HTTP-date `Retry-After` values (default `Date.now`). */
  readonly now?: () => number;
  /** Sampling temperature (default 0: the same dialog should give the same facts). */
  readonly temperature?: number;
  /** Cap of completion tokens per answer (default 2000; a facts answer needs ~300–900). */
  readonly maxCompletionTokens?: number;
}

/** The LLM extractor: see the module comment. */
export interface LlmExtractor {
  /** The configured model name. */
  readonly model: string;
  /** {@link PROMPT_VERSION} of the prompt it sends. */
  readonly promptVersion: string;
  /**
   * A deliberately high estimate of the tokens one extraction of `input` costs (prompt characters / 3
   * + the completion cap), used to reserve the daily token budget before the call.
   * @throws RangeError for an unknown time zone.
   */
  estimateTokens(input: DialogPromptInput): number;
  /**
   * Extracts the facts of one dialog. Waits for a concurrency slot, then sends up to
   * `1 + maxRetries` requests. Never rejects for HTTP or output problems: they are `{ok: false}`.
   * @throws RangeError for an unknown time zone in `input` (a configuration error, before any request).
   */
  extract(input: DialogPromptInput): Promise<LlmExtraction>;
  /** Extractions holding a concurrency slot now (sending, or backing off between attempts). */
  inFlight(): number;
  /** Extractions waiting for a concurrency slot. */
  queued(): number;
}

const NO_USAGE: LlmUsage = Object.freeze({ prompt_tokens: 0, completion_tokens: 0 });
const SCHEMA_NAME = "dialog_facts";

/** `baseURL` without credentials or query, for logs. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid url)";
  }
}

const nonNegativeInt = (v: unknown): number =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;

/** A failure of one attempt, classified. */
interface AttemptFailure {
  readonly code: LlmFailureCode;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly message: string;
}

/**
 * Creates the LLM extractor (see the module comment).
 * @throws RangeError when `concurrency` < 1, or `timeoutMs`/`maxRetries` are not non-negative numbers.
 */
export function createLlmExtractor(options: LlmExtractorOptions): LlmExtractor {
  if (!(options.timeoutMs > 0)) throw new RangeError("timeoutMs must be > 0");
  if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0)
    throw new RangeError("maxRetries must be an integer >= 0");
  const apiKey = options.apiKey ?? "";
  const client = new OpenAI({
    baseURL: options.baseURL,
    // The SDK refuses to start without a key; OpenAI-compatible local servers ignore it.
    apiKey: apiKey === "" ? "unused" : apiKey,
    timeout: options.timeoutMs,
    maxRetries: 0,
    logLevel: "off",
    // Not read from OPENAI_ORG_ID / OPENAI_PROJECT_ID: those belong to other tools on the host.
    organization: null,
    project: null,
  });
  const limit = createLimiter(options.concurrency ?? 4);
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxCompletionTokens = options.maxCompletionTokens ?? 2000;
  const log = options.logger.child({
    component: "llm-extractor",
    llm_url: safeUrl(options.baseURL),
    model: options.model,
  });
  const jsonSchemas = new Map<string, Record<string, unknown>>();
  const validators = new Map<string, ReturnType<typeof dialogFactsSchema>>();

  const scrub = (text: string): string => {
    const clean = apiKey.length >= 4 ? text.split(apiKey).join("[redacted]") : text;
    return clean.length > 500 ? `${clean.slice(0, 497)}...` : clean;
  };

  const schemasFor = (input: DialogPromptInput) => {
    const questionnaire = input.questionnaire ?? DEFAULT_QUESTIONNAIRE;
    const key = JSON.stringify(questionnaire.map((q) => q.id));
    let json = jsonSchemas.get(key);
    let validator = validators.get(key);
    if (json === undefined || validator === undefined) {
      json = dialogFactsJsonSchema(questionnaire);
      validator = dialogFactsSchema(questionnaire);
      jsonSchemas.set(key, json);
      validators.set(key, validator);
    }
    return { questionnaire, json, validator };
  };

  const classify = (error: unknown, timedOut: boolean): AttemptFailure => {
    if (timedOut || error instanceof OpenAI.APIConnectionTimeoutError)
      return {
        code: "timeout",
        status: null,
        retryable: true,
        retryAfterMs: null,
        message: `no answer within ${options.timeoutMs} ms`,
      };
    if (error instanceof OpenAI.APIError && typeof error.status === "number") {
      const status = error.status;
      const code: LlmFailureCode = status === 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
      return {
        code,
        status,
        retryable: isRetryableStatus(status),
        retryAfterMs: retryAfterMs(error.headers, now()),
        message: scrub(error.message || `HTTP ${status}`),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { code: "network", status: null, retryable: true, retryAfterMs: null, message: scrub(message) };
  };

  /** One HTTP request; resolves with the completion or rejects with what the SDK threw. */
  const send = async (
    body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
  ): Promise<
    { completion: OpenAI.Chat.Completions.ChatCompletion } | { error: unknown; timedOut: boolean }
  > => {
    // The SDK's own timeout stops at the response headers; this one also covers reading the body.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
      const completion = await client.chat.completions.create(body, {
        signal: controller.signal,
        timeout: options.timeoutMs,
        maxRetries: 0,
      });
      return { completion };
    } catch (error) {
      return { error, timedOut: controller.signal.aborted };
    } finally {
      clearTimeout(timer);
    }
  };

  const interpret = (
    completion: OpenAI.Chat.Completions.ChatCompletion,
    input: DialogPromptInput,
    validator: ReturnType<typeof dialogFactsSchema>,
    attempts: number,
  ): LlmExtraction => {
    const usage: LlmUsage = {
      prompt_tokens: nonNegativeInt(completion.usage?.prompt_tokens),
      completion_tokens: nonNegativeInt(completion.usage?.completion_tokens),
    };
    const invalid = (message: string): LlmExtraction => ({
      ok: false,
      code: "invalid_output",
      message: scrub(message),
      status: null,
      usage,
      attempts,
    });
    const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
    if (choice === undefined) return invalid("the answer has no choices");
    const message = choice.message;
    if (typeof message?.refusal === "string" && message.refusal !== "")
      return invalid(`the model refused: ${message.refusal}`);
    if (choice.finish_reason === "length")
      return invalid(`the answer was cut at ${maxCompletionTokens} completion tokens`);
    const content = message?.content;
    if (typeof content !== "string" || content.trim() === "") return invalid("the answer is empty");
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch (error) {
      return invalid(`the answer is not JSON: ${(error as Error).message}`);
    }
    const parsed = validator.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      return invalid(`the answer does not match the facts schema: ${issues}`);
    }
    const mapped = toDomainFacts(parsed.data, input.messages, input.questionnaire ?? DEFAULT_QUESTIONNAIRE);
    if (mapped.droppedQuotes > 0)
      log.debug({ dropped_quotes: mapped.droppedQuotes }, "model quotes not found verbatim were dropped");
    return { ok: true, ...mapped, usage, attempts };
  };

  const extractNow = async (input: DialogPromptInput): Promise<LlmExtraction> => {
    const { json, validator } = schemasFor(input);
    const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
      model: options.model,
      messages: buildPromptMessages(input),
      temperature: options.temperature ?? 0,
      max_completion_tokens: maxCompletionTokens,
      response_format: {
        type: "json_schema",
        json_schema: { name: SCHEMA_NAME, strict: true, schema: json },
      },
    };
    for (let attempt = 1; ; attempt++) {
      const result = await send(body);
      if ("completion" in result) return interpret(result.completion, input, validator, attempt);
      const failure = classify(result.error, result.timedOut);
      const retry = attempt - 1;
      const delay =
        failure.retryable && retry < options.maxRetries
          ? nextDelayMs(retry, failure.retryAfterMs, backoff, random)
          : null;
      if (delay === null) {
        log.warn(
          {
            attempts: attempt,
            code: failure.code,
            status: failure.status,
            retry_after_ms: failure.retryAfterMs,
          },
          "llm request failed for good",
        );
        return {
          ok: false,
          code: failure.code,
          message: failure.message,
          status: failure.status,
          usage: NO_USAGE,
          attempts: attempt,
        };
      }
      log.info(
        { attempt, code: failure.code, status: failure.status, delay_ms: delay },
        "llm request failed, retrying",
      );
      await sleep(delay);
    }
  };

  return {
    model: options.model,
    promptVersion: PROMPT_VERSION,
    estimateTokens(input) {
      const chars = buildPromptMessages(input).reduce((n, m) => n + m.content.length, 0);
      const schemaChars = JSON.stringify(schemasFor(input).json).length;
      return Math.ceil((chars + schemaChars) / 3) + maxCompletionTokens;
    },
    extract: (input) => limit(() => extractNow(input)),
    inFlight: () => limit.active(),
    queued: () => limit.pending(),
  };
}
