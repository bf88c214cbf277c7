/**
 * A small JSON GET client for CRM and chat APIs with the limits they impose: at most one request per
 * `minIntervalMs` per limiter key (a project: KeyCRM allows 60 requests/min per token, SPEC "CRM API
 * limits"; amoCRM ~7/s), 429 and 5xx (and network errors/timeouts) retried with exponential backoff
 * + jitter honouring `Retry-After`, other 4xx failing at once.
 *
 * One client is meant to be shared by every worker that calls the same API of a project (ingest
 * creates one in `startIngest` for the dictionary, items, contacts and catch-up workers): the
 * throttle lives in the client, so two clients would each allow the full rate.
 */
import type { CrmKind } from "@pulse/events";
import type { Logger } from "@pulse/infra";
import pRetry from "p-retry";
import pThrottle from "p-throttle";
import type { IngestConfig } from "../ingest.config.js";
import { crmLabelsOf, crmStatusClass, ingestMetrics } from "../metrics.js";

/** A non-2xx answer of a CRM API. `retryable` for 429/5xx; `retryAfterMs` from `Retry-After`. */
export class CrmHttpError extends Error {
  readonly status: number;
  readonly retryAfterMs: number | null;
  readonly retryable: boolean;
  constructor(status: number, url: string, retryAfterMs: number | null) {
    super(`CRM API answered ${status} for GET ${url}`);
    this.name = "CrmHttpError";
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.retryable = status === 429 || status >= 500;
  }
}

/**
 * Options of {@link createCrmHttpClient}. Times in milliseconds. `minIntervalMs` is one spacing for
 * every limiter key, or a function of the key (e.g. 1000 ms for a KeyCRM project, 150 ms for an
 * amoCRM one); it is read once, when a key is first used.
 */
export interface CrmHttpOptions {
  minIntervalMs: number | ((limiterKey: string) => number);
  timeoutMs: number;
  retries: number;
  minRetryDelayMs: number;
  /** Upper bound of one backoff delay and of an honoured `Retry-After` (default 60 000). */
  maxRetryDelayMs?: number;
  log: Logger;
  fetch?: typeof fetch;
  /**
   * Told the outcome of every attempt (integration health): the HTTP status, or `null` with the
   * error's name and message when no answer came (network error, timeout); not called when the
   * caller aborted. Must not throw nor block (it runs on the request path).
   */
  onAttempt?: (limiterKey: string, outcome: { status: number | null; message?: string }, at: Date) => void;
}

/** See {@link createCrmHttpClient}. */
export interface CrmHttpClient {
  /**
   * GETs `url` with `Authorization: Bearer {token}` and returns the parsed JSON (`null` for 204).
   * Calls of one `projectId` are spaced by `minIntervalMs`.
   * @throws CrmHttpError (non-retryable status, or retries exhausted); Error for a body that is not JSON.
   */
  getJson(projectId: string, url: string, token: string, signal?: AbortSignal): Promise<unknown>;
  /**
   * GETs `url` with the given request headers (e.g. Radist's `X-Api-Key`), spaced with the other
   * calls of `limiterKey`; same retries, answers and errors as {@link CrmHttpClient.getJson}.
   * Header values are never logged.
   */
  getJsonWith(
    limiterKey: string,
    url: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<unknown>;
}

/** Creates a {@link CrmHttpClient} (throttles are per project and live as long as the client). */
export function createCrmHttpClient(opts: CrmHttpOptions): CrmHttpClient {
  const doFetch = opts.fetch ?? fetch;
  const maxDelay = opts.maxRetryDelayMs ?? 60_000;
  const throttles = new Map<string, <T>(fn: () => Promise<T>) => Promise<T>>();
  const throttleOf = (projectId: string) => {
    let t = throttles.get(projectId);
    if (!t) {
      const interval =
        typeof opts.minIntervalMs === "function" ? opts.minIntervalMs(projectId) : opts.minIntervalMs;
      t = interval <= 0 ? (fn) => fn() : spacedStarts(interval);
      throttles.set(projectId, t);
    }
    return t;
  };

  const once = async (
    limiterKey: string,
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<unknown> => {
    signal?.throwIfAborted();
    // One controller per request, tied to the caller's signal by a listener removed when the request
    // ends. (`AbortSignal.any([signal, …])` would leave a reference on the caller's signal per request
    // — a worker's signal lives as long as the process, so that grew with every request.)
    const request = new AbortController();
    const onAbort = () => request.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () =>
        request.abort(new DOMException(`CRM request timed out after ${opts.timeoutMs} ms`, "TimeoutError")),
      opts.timeoutMs,
    );
    const labels = crmLabelsOf(limiterKey);
    try {
      const res = await doFetch(url, {
        headers: { accept: "application/json", ...headers },
        signal: request.signal,
      }).catch((error: unknown) => {
        ingestMetrics.crmRequests.inc({ ...labels, status: crmStatusClass(null) });
        if (!signal?.aborted) {
          const e = error as Error;
          opts.onAttempt?.(limiterKey, { status: null, message: `${e.name}: ${e.message}` }, new Date());
        }
        throw error;
      });
      ingestMetrics.crmRequests.inc({ ...labels, status: crmStatusClass(res.status) });
      opts.onAttempt?.(limiterKey, { status: res.status }, new Date());
      if (!res.ok) {
        await res.arrayBuffer().catch(() => undefined);
        throw new CrmHttpError(res.status, url, retryAfterMs(res.headers.get("retry-after")));
      }
      if (res.status === 204) return null;
      const text = await res.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`CRM API answered non-JSON for GET ${url}`);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  };

  const getJsonWith = (
    projectId: string,
    url: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<unknown> => {
    const throttle = throttleOf(projectId);
    const api = crmLabelsOf(projectId).api;
    // One attempt: wait for the limiter (timed), then call.
    const attempt = () => {
      const endWait = ingestMetrics.crmThrottleWait.startTimer({ api });
      return throttle(() => {
        endWait();
        return once(projectId, url, headers, signal);
      });
    };
    return pRetry(attempt, {
      signal,
      retries: opts.retries,
      factor: 2,
      minTimeout: opts.minRetryDelayMs,
      maxTimeout: maxDelay,
      randomize: true,
      shouldRetry: ({ error }) =>
        !signal?.aborted &&
        (error instanceof CrmHttpError
          ? error.retryable
          : !error.message.startsWith("CRM API answered non-JSON")),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        opts.log.warn(
          { project: projectId, url, attempt: attemptNumber, retriesLeft, err: error.message },
          "CRM request failed",
        );
        if (error instanceof CrmHttpError && error.retryable && error.retryAfterMs && retriesLeft > 0) {
          await sleep(Math.min(error.retryAfterMs, maxDelay), signal);
        }
      },
    });
  };

  return {
    getJson: (projectId, url, token, signal) =>
      getJsonWith(projectId, url, { authorization: `Bearer ${token}` }, signal),
    getJsonWith,
  };
}

/**
 * The CRM client of a deployment, shared by every worker that calls a project's CRM API: requests
 * of an amoCRM project are `AMOCRM_MIN_REQUEST_INTERVAL_MS` apart (amoCRM allows ~7/s), those of
 * any other project `CRM_MIN_REQUEST_INTERVAL_MS` (KeyCRM: 60/min per token → 1000 ms); `kindOf`
 * tells a project's kind (e.g. from the registry), read when the project is first called.
 */
export function createProjectCrmHttpClient(
  config: Pick<
    IngestConfig,
    | "CRM_MIN_REQUEST_INTERVAL_MS"
    | "AMOCRM_MIN_REQUEST_INTERVAL_MS"
    | "CRM_HTTP_TIMEOUT_MS"
    | "CRM_RETRIES"
    | "CRM_RETRY_MIN_DELAY_MS"
  >,
  kindOf: (projectId: string) => CrmKind | undefined,
  log: Logger,
  fetchImpl?: typeof fetch,
  onAttempt?: CrmHttpOptions["onAttempt"],
): CrmHttpClient {
  return createCrmHttpClient({
    minIntervalMs: (projectId) =>
      kindOf(projectId) === "amocrm"
        ? config.AMOCRM_MIN_REQUEST_INTERVAL_MS
        : config.CRM_MIN_REQUEST_INTERVAL_MS,
    timeoutMs: config.CRM_HTTP_TIMEOUT_MS,
    retries: config.CRM_RETRIES,
    minRetryDelayMs: config.CRM_RETRY_MIN_DELAY_MS,
    log,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(onAttempt ? { onAttempt } : {}),
  });
}

/**
 * A per-key throttle: the calls it wraps start at least `intervalMs` apart, measured between the
 * moments they actually start (for a request, when it is handed to `fetch`). p-throttle (strict, one
 * call per interval) schedules the turns; it spaces the times it *scheduled*, and a timer that fires
 * late on a busy machine makes a call start after its scheduled time, so a call that started late
 * would be followed too closely. Each call therefore also waits, when needed, until `intervalMs` after
 * the previous call's actual start (`lastStart`, epoch ms). Callers take their turn one after
 * another: a caller is queued in p-throttle only once the previous caller has started. The calls
 * themselves may overlap: a slow answer does not hold the next start back.
 */
function spacedStarts(intervalMs: number): <T>(fn: () => Promise<T>) => Promise<T> {
  const throttled = pThrottle({ limit: 1, interval: intervalMs, strict: true })(
    (fn: () => Promise<unknown>) => fn(),
  );
  let lastStart = Number.NEGATIVE_INFINITY;
  const untilSpaced = async (): Promise<void> => {
    for (
      let wait = lastStart + intervalMs - Date.now();
      wait > 0;
      wait = lastStart + intervalMs - Date.now()
    ) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  // Resolves when the latest caller has started; p-throttle never rejects a call (no abort is used).
  let previousStarted: Promise<void> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const result = previousStarted.then(() =>
      throttled(async () => {
        await untilSpaced();
        lastStart = Date.now();
        markStarted();
        return fn();
      }),
    );
    previousStarted = started;
    return result as Promise<T>;
  };
}

/**
 * Parses a `Retry-After` header: delta seconds (`"5"`) or an HTTP date. Returns milliseconds, or
 * `null` when absent or unparseable.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d{1,6}$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Waits `ms` milliseconds, or less when `signal` aborts (then it resolves, never rejects): the wait
 * of an honoured `Retry-After` / `retry_after` between two attempts.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
