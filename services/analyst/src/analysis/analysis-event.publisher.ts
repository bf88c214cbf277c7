/**
 * Publishing analysis results to the events stream (STYLE.md rule 6): `analysis.dialog_scored` /
 * `analysis.dialog_failed` on `eventSubject(...)` (`{root}.events.{project}.dialog.{dialog token}`)
 * with `msgID` = the event's dedup key, so a re-published result is dropped by JetStream's duplicate
 * window. A failed publish (no ack in time, stream unavailable, connection down) is an infrastructure
 * fault: retried with exponential backoff and jitter, up to a number of attempts.
 */
import { setTimeout as sleepMs } from "node:timers/promises";
import type { JetStreamClient } from "@nats-io/jetstream";
import { type DialogFailed, type DialogScored, encodeEvent, eventSubject } from "@pulse/events";
import type { Logger } from "@pulse/infra";
import { type BackoffOptions, backoffDelayMs } from "../llm/retry-policy.js";

/** Retry settings of {@link publishAnalysisEvent}. Delays in milliseconds. */
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

/** How a publish ended: acknowledged (`seq`, and whether the stream already had the dedup key) or not. */
export type PublishOutcome =
  | { readonly ok: true; readonly seq: number; readonly duplicate: boolean; readonly attempts: number }
  | { readonly ok: false; readonly attempts: number; readonly error: unknown };

/**
 * Publishes `event` and waits for JetStream's ack, retrying failures (see the module comment) until
 * `retry.attempts` are used or `signal` aborts (a stopping analyst does not wait out the backoff).
 * Never rejects: the last error is returned in `{ok: false}`.
 */
export async function publishAnalysisEvent(
  js: JetStreamClient,
  subjectRoot: string,
  event: DialogScored | DialogFailed,
  options: {
    readonly retry?: Partial<PublishRetryOptions>;
    readonly signal?: AbortSignal;
    readonly logger?: Logger;
    readonly random?: () => number;
  } = {},
): Promise<PublishOutcome> {
  const retry = { ...DEFAULT_PUBLISH_RETRY, ...options.retry };
  const backoff: BackoffOptions = {
    baseDelayMs: retry.baseDelayMs,
    maxDelayMs: retry.maxDelayMs,
    maxRetryAfterMs: retry.maxDelayMs,
  };
  const subject = eventSubject({ root: subjectRoot }, event);
  const payload = encodeEvent(event);
  let lastError: unknown;
  for (let attempt = 1; attempt <= Math.max(1, retry.attempts); attempt++) {
    try {
      const ack = await js.publish(subject, payload, { msgID: event.dedup_key });
      return { ok: true, seq: ack.seq, duplicate: ack.duplicate, attempts: attempt };
    } catch (error) {
      lastError = error;
      options.logger?.warn(
        { err: error, subject, dedup_key: event.dedup_key, attempt },
        "analysis event not acknowledged",
      );
      if (attempt >= retry.attempts || options.signal?.aborted)
        return { ok: false, attempts: attempt, error };
      const delay = backoffDelayMs(attempt - 1, backoff, options.random ?? Math.random);
      try {
        await sleepMs(delay, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        return { ok: false, attempts: attempt, error };
      }
    }
  }
  return { ok: false, attempts: Math.max(1, retry.attempts), error: lastError };
}
