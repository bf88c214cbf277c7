/**
 * Publishing domain events to JetStream (with `Nats-Msg-Id` = dedup key, awaited). STYLE.md rule 6.
 * Webhook receipts go through `receipt.batcher.ts`.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { type DomainEvent, encodeEvent, eventSubject, type SubjectRoot } from "@pulse/events";
import { UnavailableError } from "../http/http.errors.js";

/** What publishing needs from a JetStream client (a `JetStreamClient` or a {@link coalescingPublisher}). */
export type Publisher = Pick<JetStreamClient, "publish">;

/**
 * Wraps `js` so that publishes requested during one event-loop turn are issued together in the next
 * check phase (`setImmediate`). nats.js flushes its outbound buffer once per microtask burst, so the
 * publishes of concurrent webhook requests then share one socket write instead of one each — under
 * load, that write was the largest cost of a webhook. Each caller still gets its own ack or error.
 */
export function coalescingPublisher(js: JetStreamClient): Publisher {
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

/** Counts of one publish: events the stream stored now, and events it already had (`PubAck.duplicate`). */
export interface PublishOutcome {
  accepted: number;
  duplicates: number;
}

/** Options of {@link publishEvents}: ack timeout per event (ms) and the `Retry-After` of a failure (s). */
export interface PublishOptions {
  timeoutMs: number;
  retryAfterSeconds: number;
}

/**
 * Publishes every event to the events stream on `eventSubject(...)` with `msgID` = `dedup_key`, and
 * resolves once every one is acknowledged.
 *
 * The events are not re-validated against their zod schemas here: they are built by ingest's own
 * normalizers and mappers from bodies validated at the HTTP/API boundary, and typed by the catalogue
 * (STYLE rule 2). That every event they build matches its schema is held by the tests over the
 * fixture corpora and generated bodies (`catalogueMismatches`); the re-check cost about 5 % of a
 * webhook's CPU.
 * @throws UnavailableError when any publish fails (ack timeout, no responders / stream missing,
 *   connection closed, stream limits). Some events of the delivery may be stored already; the
 *   CRM's retry re-publishes them and the msgID dedup keeps the stream exact.
 */
export async function publishEvents(
  js: Publisher,
  scheme: SubjectRoot,
  events: readonly DomainEvent[],
  opts: PublishOptions,
): Promise<PublishOutcome> {
  const results = await Promise.allSettled(
    events.map((e) =>
      js.publish(eventSubject(scheme, e), encodeEvent(e), { msgID: e.dedup_key, timeout: opts.timeoutMs }),
    ),
  );
  let accepted = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === "rejected") {
      const cause = r.reason as Error;
      throw new UnavailableError(
        `JetStream did not persist the delivery: ${cause?.name ?? "Error"}: ${cause?.message ?? cause}`,
        opts.retryAfterSeconds,
        { cause },
      );
    }
    if (r.value.duplicate) duplicates++;
    else accepted++;
  }
  return { accepted, duplicates };
}
