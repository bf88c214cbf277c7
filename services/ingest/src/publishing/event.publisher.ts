/**
 * Publishing domain events to JetStream (with `Nats-Msg-Id` = dedup key, awaited; STYLE.md rule 6)
 * through the shared publisher of `@pulse/infra` (`publishDomainEvents`); a failure becomes ingest's
 * 503 with `Retry-After`. Webhook receipts go through `receipt.batcher.ts`.
 */
import type { DomainEvent, SubjectRoot } from "@pulse/events";
import {
  EventPublishError,
  type Publisher,
  publishDomainEvents,
  ServiceUnavailableError,
} from "@pulse/infra";

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
 * @throws ServiceUnavailableError when any publish fails (ack timeout, no responders / stream missing,
 *   connection closed, stream limits). Some events of the delivery may be stored already; the
 *   CRM's retry re-publishes them and the msgID dedup keeps the stream exact.
 */
export async function publishEvents(
  js: Publisher,
  scheme: SubjectRoot,
  events: readonly DomainEvent[],
  opts: PublishOptions,
): Promise<PublishOutcome> {
  try {
    return await publishDomainEvents(js, scheme, events, { timeoutMs: opts.timeoutMs });
  } catch (error) {
    const cause = (error instanceof EventPublishError ? error.cause : error) as Error | undefined;
    throw new ServiceUnavailableError(
      "unavailable",
      `JetStream did not persist the delivery: ${cause?.name ?? "Error"}: ${cause?.message ?? cause}`,
      { retryAfterSeconds: opts.retryAfterSeconds, cause },
    );
  }
}
