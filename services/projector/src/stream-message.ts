import type { JsMsg } from "@nats-io/jetstream";

/**
 * One stored stream message as the projections see it, whichever way it was read (the live durable
 * consumer or a replay's ordered consumer): stream sequence, subject, payload bytes and the
 * JetStream store time as an ISO-8601 UTC instant with milliseconds.
 *
 * `timestamp` is part of the stream contents, so rows that need a time (checkpoint `updated_at`,
 * dead letters' `recorded_at`) take it instead of `now()` and a replay rebuilds them identically.
 */
export interface StreamMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly timestamp: string;
}

/**
 * Converts the store time of a JetStream message (nanoseconds since the epoch) to an ISO instant,
 * truncated to milliseconds.
 */
export function isoFromNanos(nanos: number): string {
  return new Date(Math.floor(nanos / 1_000_000)).toISOString();
}

/**
 * Adapts a delivered JetStream message to a {@link StreamMessage}; `timestamp` is computed on first
 * use (only checkpoints and dead letters need it).
 */
export function fromJsMsg(msg: JsMsg): StreamMessage {
  let timestamp: string | null = null;
  return {
    seq: msg.seq,
    subject: msg.subject,
    data: msg.data,
    get timestamp() {
      timestamp ??= isoFromNanos(msg.info.timestampNanos);
      return timestamp;
    },
  };
}
