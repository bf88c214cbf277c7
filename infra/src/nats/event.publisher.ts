/**
 * The one event publisher of the services (STYLE.md rule 6): a domain event goes to the events
 * stream on `eventSubject(...)` with `Nats-Msg-Id` = its dedup key (JetStream drops a re-publish
 * within the stream's duplicate window) and counts as stored only once JetStream acknowledged it.
 * Optional `expect` headers (expected stream, last sequence…) are passed through. A failure is
 * classified ({@link classifyPublishFailure}) so that callers decide between retrying, answering
 * 503 and giving up. Used by ingest (webhooks, pollers, workers), query (admin changes) and the
 * analyst (analysis results, with {@link publishEventWithRetry}).
 */
import { setTimeout as sleepMs } from "node:timers/promises";
import type { JetStreamClient, JetStreamPublishOptions } from "@nats-io/jetstream";
import { type DomainEvent, encodeEvent, eventSubject, type SubjectRoot } from "@pulse/events";

/** What publishing needs from a JetStream client (a `JetStreamClient` or a {@link coalescingPublisher}). */
export type Publisher = Pick<JetStreamClient, "publish">;

/** Options of one publish: ack timeout (ms; the client's default without) and `expect` headers. */
export interface EventPublishOptions {
  timeoutMs?: number;
  expect?: JetStreamPublishOptions["expect"];
}

/** What JetStream answered: the event's stream sequence and whether it already had the dedup key. */
export interface EventAck {
  readonly seq: number;
  /** True when the stream already had an event with this dedup key (within its window) and dropped this one. */
  readonly duplicate: boolean;
}

/**
 * Why a publish failed:
 * - `timeout`: no ack in time — the event may still have been stored; a retry with the same
 *   dedup key is then a duplicate;
 * - `no_stream`: no stream listens on the subject (503 no responders, stream missing);
 * - `closed`: the connection is closed or draining;
 * - `rejected`: the stream refused it (an `expect` header did not hold, stream limits…);
 * - `other`: anything else.
 * All but `rejected` are transient (the same publish may succeed later).
 */
export type PublishFailure = "timeout" | "no_stream" | "closed" | "rejected" | "other";

/** Classifies a publish error of nats.js v3 (see {@link PublishFailure}); by name, code and message. */
export function classifyPublishFailure(error: unknown): PublishFailure {
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "";
  const code = typeof e?.code === "string" || typeof e?.code === "number" ? String(e.code) : "";
  const message = typeof e?.message === "string" ? e.message.toLowerCase() : "";
  if (name === "TimeoutError" || code === "TIMEOUT" || message.includes("timeout")) return "timeout";
  if (name === "NoRespondersError" || code === "503" || message.includes("no responders")) return "no_stream";
  if (name === "ClosedConnectionError" || name === "DrainingConnectionError" || message.includes("closed"))
    return "closed";
  if (name === "JetStreamApiError" || name === "JetStreamError" || message.includes("wrong last"))
    return "rejected";
  return "other";
}

/** Whether a failure of this kind may pass by itself (all but `rejected`). */
export function isTransientPublishFailure(failure: PublishFailure): boolean {
  return failure !== "rejected";
}

/** A publish that was not acknowledged: the `failure` kind, the subject and the underlying error. */
export class EventPublishError extends Error {
  readonly failure: PublishFailure;
  readonly subject: string;
  constructor(subject: string, cause: unknown) {
    const c = cause as { name?: string; message?: string } | null;
    super(`JetStream did not persist the event: ${c?.name ?? "Error"}: ${c?.message ?? String(cause)}`, {
      cause,
    });
    this.name = "EventPublishError";
    this.failure = classifyPublishFailure(cause);
    this.subject = subject;
  }
}

/**
 * Publishes `event` on `eventSubject(scheme, event)` with `msgID` = `dedup_key` and resolves with
 * JetStream's ack. The event is not re-validated: build it from the catalogue's types (or validate
 * it first, as the query's admin API does).
 * @throws EventPublishError when JetStream does not acknowledge it.
 */
export async function publishDomainEvent(
  js: Publisher,
  scheme: SubjectRoot,
  event: DomainEvent,
  options: EventPublishOptions = {},
): Promise<EventAck> {
  const subject = eventSubject(scheme, event);
  try {
    const ack = await js.publish(subject, encodeEvent(event), publishOptionsOf(event, options));
    return { seq: ack.seq, duplicate: ack.duplicate };
  } catch (error) {
    throw new EventPublishError(subject, error);
  }
}

function publishOptionsOf(
  event: DomainEvent,
  options: EventPublishOptions,
): Partial<JetStreamPublishOptions> {
  const out: Partial<JetStreamPublishOptions> = { msgID: event.dedup_key };
  if (options.timeoutMs !== undefined) out.timeout = options.timeoutMs;
  if (options.expect !== undefined) out.expect = options.expect;
  return out;
}

/** Counts of a batch publish: events the stream stored now, and events it already had. */
export interface PublishCounts {
  accepted: number;
  duplicates: number;
}

/**
 * Publishes every event (concurrently, see {@link publishDomainEvent}) and resolves once every one
 * is acknowledged.
 * @throws EventPublishError of the first failed publish. Some events may be stored already; a
 *   retry of the whole batch re-publishes them and the msgID dedup keeps the stream exact.
 */
export async function publishDomainEvents(
  js: Publisher,
  scheme: SubjectRoot,
  events: readonly DomainEvent[],
  options: EventPublishOptions = {},
): Promise<PublishCounts> {
  const results = await Promise.allSettled(events.map((e) => publishDomainEvent(js, scheme, e, options)));
  let accepted = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === "rejected") throw r.reason;
    if (r.value.duplicate) duplicates++;
    else accepted++;
  }
  return { accepted, duplicates };
}

/** Retry settings of {@link publishEventWithRetry}. Delays in milliseconds. */
export interface PublishRetryOptions {
  /** Attempts in all, the first included (default 6: about 6 s of retries with the default delays). */
  readonly attempts: number;
  /** Delay before the first retry, before jitter (default 200). */
  readonly baseDelayMs: number;
  /** Cap of one delay (default 5000). */
  readonly maxDelayMs: number;
}

/** Defaults of {@link PublishRetryOptions}. */
export const DEFAULT_PUBLISH_RETRY: PublishRetryOptions = Object.freeze({
  attempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 5000,
});

/**
 * Delay before retry number `retry` (0 = the first retry), in ms: "equal jitter" exponential backoff,
 * `d = min(maxDelayMs, baseDelayMs · 2^retry)`, result uniformly in `[d/2, d)`.
 * @param random a source in `[0, 1)` (pass `Math.random`).
 */
export function publishBackoffDelayMs(
  retry: number,
  options: Pick<PublishRetryOptions, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random(), 0), 1));
}

/** How a retried publish ended: acknowledged (`seq`, `duplicate`) or not (the last error). */
export type RetriedPublishOutcome =
  | { readonly ok: true; readonly seq: number; readonly duplicate: boolean; readonly attempts: number }
  | { readonly ok: false; readonly attempts: number; readonly error: unknown };

/** Logger of {@link publishEventWithRetry}: only `warn` is used. */
export interface PublishWarnLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Publishes `event` (see {@link publishDomainEvent}), retrying a failed publish with exponential
 * backoff and jitter ({@link publishBackoffDelayMs}) until `retry.attempts` are used or `signal`
 * aborts (a stopping service does not wait out the backoff). Never rejects: the last error is
 * returned in `{ok: false}`. Each failure is logged at `warn` with `message`.
 */
export async function publishEventWithRetry(
  js: Publisher,
  scheme: SubjectRoot,
  event: DomainEvent,
  options: {
    readonly retry?: Partial<PublishRetryOptions>;
    readonly signal?: AbortSignal;
    readonly logger?: PublishWarnLogger;
    readonly random?: () => number;
    readonly message?: string;
    readonly publish?: EventPublishOptions;
  } = {},
): Promise<RetriedPublishOutcome> {
  const retry = { ...DEFAULT_PUBLISH_RETRY, ...options.retry };
  const attempts = Math.max(1, retry.attempts);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const ack = await publishDomainEvent(js, scheme, event, options.publish);
      return { ok: true, seq: ack.seq, duplicate: ack.duplicate, attempts: attempt };
    } catch (e) {
      const error = e instanceof EventPublishError ? e.cause : e;
      lastError = error;
      options.logger?.warn(
        {
          err: error,
          subject: e instanceof EventPublishError ? e.subject : undefined,
          dedup_key: event.dedup_key,
          attempt,
        },
        options.message ?? "event not acknowledged",
      );
      if (attempt >= retry.attempts || options.signal?.aborted)
        return { ok: false, attempts: attempt, error };
      const delay = publishBackoffDelayMs(attempt - 1, retry, options.random ?? Math.random);
      try {
        await sleepMs(delay, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        return { ok: false, attempts: attempt, error };
      }
    }
  }
  return { ok: false, attempts, error: lastError };
}

/**
 * Wraps `js` so that publishes requested during one event-loop turn are issued together in the next
 * check phase (`setImmediate`). nats.js flushes its outbound buffer once per microtask burst, so the
 * publishes of concurrent requests then share one socket write instead of one each — under webhook
 * load, that write was the largest cost of a request. Each caller still gets its own ack or error.
 */
export function coalescingPublisher(js: Publisher): Publisher {
  let queue: (() => void)[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    for (const run of batch) run();
  };
  return {
    publish(subject, payload, options) {
      return new Promise((resolve, reject) => {
        queue.push(() => {
          js.publish(subject, payload, options).then(resolve, reject);
        });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
