/**
 * Retry policy of the LLM client: which failures are retried, and how long to wait. Pure: the random
 * source and "now" come in as arguments so that tests can pin them.
 *
 * Retried: HTTP 408, 409, 429, every 5xx, timeouts and connection errors (the request may not have
 * reached the model, or the provider is overloaded). Not retried: every other 4xx (the request itself
 * is wrong — bad key, unknown model, context too long) and invalid output (see `llm-extractor.ts`).
 */

/** Backoff settings. Delays in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (default 500 ms). */
  readonly baseDelayMs: number;
  /** Cap of one exponential delay (default 30 000 ms). */
  readonly maxDelayMs: number;
  /**
   * Longest `Retry-After` the client will sleep (default 60 000 ms). A server asking for more (e.g. a
   * daily quota reset) makes the failure final instead: the dialog is tried again by a later run.
   */
  readonly maxRetryAfterMs: number;
}

/** Defaults of {@link BackoffOptions}: 500 ms base, 30 s cap, 60 s longest `Retry-After`. */
export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/** Whether an HTTP status is worth another attempt: 408, 409, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Delay before retry number `retry` (0 = the first retry), in ms: "equal jitter" exponential backoff,
 * `d = min(maxDelayMs, baseDelayMs · 2^retry)`, result uniformly in `[d/2, d)` — never zero, so
 * synchronized clients spread out, and never more than the cap.
 * @param random a source in `[0, 1)` (pass `Math.random`).
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random(), 0), 1));
}

/**
 * Reads how long the server asks us to wait, in ms, from response headers: OpenAI's `retry-after-ms`
 * (milliseconds) first, then the standard `Retry-After` — delta-seconds (`"2"`, `"0.5"`) or an
 * HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`, relative to `nowMs`). Negative waits become 0.
 * Returns `null` when neither header is present or parseable.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  nowMs: number,
): number | null {
  if (headers === undefined) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * The wait before the next attempt, in ms, or `null` when the server's `Retry-After` is longer than
 * `maxRetryAfterMs` (give up now). A `Retry-After` is honoured as given (it is the server's promise of
 * when to come back); without one the exponential backoff applies.
 */
export function nextDelayMs(
  retry: number,
  serverRetryAfterMs: number | null,
  options: BackoffOptions,
  random: () => number,
): number | null {
  if (serverRetryAfterMs === null) return backoffDelayMs(retry, options, random);
  return serverRetryAfterMs > options.maxRetryAfterMs ? null : serverRetryAfterMs;
}
