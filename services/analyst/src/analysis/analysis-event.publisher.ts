/**
 * Publishing analysis results to the events stream (STYLE.md rule 6): `analysis.dialog_scored` /
 * `analysis.dialog_failed` on `eventSubject(...)` (`{root}.events.{project}.dialog.{dialog token}`)
 * with `msgID` = the event's dedup key, so a re-published result is dropped by JetStream's duplicate
 * window. A failed publish (no ack in time, stream unavailable, connection down) is an infrastructure
 * fault: retried with exponential backoff and jitter, up to a number of attempts — the shared
 * publisher of `@pulse/infra` (`publishEventWithRetry`).
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import type { DialogFailed, DialogScored } from "@pulse/events";
import {
  type Logger,
  type PublishRetryOptions,
  publishEventWithRetry,
  type RetriedPublishOutcome,
} from "@pulse/infra";

export { DEFAULT_PUBLISH_RETRY, type PublishRetryOptions } from "@pulse/infra";

/** How a publish ended: acknowledged (`seq`, and whether the stream already had the dedup key) or not. */
export type PublishOutcome = RetriedPublishOutcome;

/**
 * Publishes `event` and waits for JetStream's ack, retrying failures (see the module comment) until
 * `retry.attempts` are used or `signal` aborts (a stopping analyst does not wait out the backoff).
 * Never rejects: the last error is returned in `{ok: false}`.
 */
export function publishAnalysisEvent(
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
  return publishEventWithRetry(js, { root: subjectRoot }, event, {
    ...options,
    message: "analysis event not acknowledged",
  });
}
