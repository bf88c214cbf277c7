/**
 * Telegram Bot API `sendMessage` (`POST {TELEGRAM_API_URL}/bot{token}/sendMessage`, JSON body
 * `{chat_id, text, disable_web_page_preview}`), with retries (p-retry, exponential backoff + jitter)
 * on 429, 5xx and network errors, honouring the Bot API's `parameters.retry_after` (seconds).
 * The token is part of the URL path: neither the URL nor the token is ever logged or put in an
 * error message.
 */
import pRetry from "p-retry";
import { sleep } from "../crm/crm-http.client.js";

/** A failed `sendMessage`: the HTTP status (null = no answer), the Bot API's `description` and `retry_after` (s). */
export class TelegramApiError extends Error {
  readonly status: number | null;
  readonly description: string;
  readonly retryAfterSeconds: number | null;
  constructor(status: number | null, description: string, retryAfterSeconds: number | null) {
    super(
      status === null ? `Telegram API unreachable: ${description}` : `Telegram API ${status}: ${description}`,
    );
    this.name = "TelegramApiError";
    this.status = status;
    this.description = description;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The retry policy of one failed attempt (pure): retry on no answer, 429 and 5xx; never on other
 * statuses (400 chat not found, 401 bad token, 403 bot blocked — sending again cannot help).
 * `waitMs` = `retry_after` × 1000 when the Bot API gave one (capped at `maxWaitMs`), else null
 * (the backoff's own delay applies).
 */
export function telegramRetryDecision(
  error: TelegramApiError,
  maxWaitMs: number,
): { retry: boolean; waitMs: number | null } {
  const retry = error.status === null || error.status === 429 || error.status >= 500;
  const waitMs =
    retry && error.retryAfterSeconds !== null ? Math.min(error.retryAfterSeconds * 1000, maxWaitMs) : null;
  return { retry, waitMs };
}

/** Options of {@link sendTelegramMessage}. Times in ms. */
export interface TelegramSendOptions {
  /** Bot API root, e.g. `https://api.telegram.org` (`TELEGRAM_API_URL`). */
  apiUrl: string;
  token: string;
  chatId: string;
  text: string;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff delay (default 1000). */
  minRetryDelayMs?: number;
  /** Upper bound of one delay and of an honoured `retry_after` (default 60 000). */
  maxRetryDelayMs?: number;
  /** Timeout of one attempt (default 10 000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Told each failed attempt (for logs: never includes the token). */
  onFailedAttempt?: (error: TelegramApiError, attempt: number, retriesLeft: number) => void;
}

/**
 * Sends one message and returns the Bot API's `message_id` (null when the answer has none).
 * @throws TelegramApiError when the Bot API refused (non-retryable status) or retries ran out;
 *   the caller's abort reason when `signal` aborted.
 */
export async function sendTelegramMessage(opts: TelegramSendOptions): Promise<number | null> {
  const doFetch = opts.fetch ?? fetch;
  const maxDelay = opts.maxRetryDelayMs ?? 60_000;
  const url = `${opts.apiUrl.replace(/\/+$/, "")}/bot${opts.token}/sendMessage`;
  const attempt = async (): Promise<number | null> => {
    opts.signal?.throwIfAborted();
    const signal = opts.signal
      ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)])
      : AbortSignal.timeout(opts.timeoutMs ?? 10_000);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ chat_id: opts.chatId, text: opts.text, disable_web_page_preview: true }),
        signal,
      });
    } catch (error) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      // The fetch error's message never holds the URL for undici; keep only its name to be sure.
      throw new TelegramApiError(null, (error as Error).name || "network error", null);
    }
    const body = (await res.json().catch(() => null)) as {
      ok?: boolean;
      description?: unknown;
      result?: { message_id?: unknown };
      parameters?: { retry_after?: unknown };
    } | null;
    if (res.ok && body?.ok !== false) {
      const id = body?.result?.message_id;
      return typeof id === "number" && Number.isInteger(id) ? id : null;
    }
    const description =
      typeof body?.description === "string" ? body.description.slice(0, 300) : res.statusText;
    const retryAfter = body?.parameters?.retry_after;
    throw new TelegramApiError(
      res.status,
      description,
      typeof retryAfter === "number" && retryAfter >= 0 ? retryAfter : null,
    );
  };
  return pRetry(attempt, {
    retries: opts.retries ?? 5,
    factor: 2,
    minTimeout: opts.minRetryDelayMs ?? 1000,
    maxTimeout: maxDelay,
    randomize: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    shouldRetry: ({ error }) =>
      !opts.signal?.aborted &&
      error instanceof TelegramApiError &&
      telegramRetryDecision(error, maxDelay).retry,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (!(error instanceof TelegramApiError)) return;
      opts.onFailedAttempt?.(error, attemptNumber, retriesLeft);
      const { retry, waitMs } = telegramRetryDecision(error, maxDelay);
      if (retry && waitMs !== null && retriesLeft > 0) await sleep(waitMs, opts.signal);
    },
  });
}
