/**
 * Publishing the events the admin API produces (settings changes, order overrides) to the events
 * stream, the source of truth (STYLE.md rule 6: `msgID` = dedup key, answer only after the ack).
 */
import { DomainEvent, encodeEvent, eventSubject } from "@pulse/events";
import type { Nats } from "@pulse/infra";
import type { FastifyBaseLogger } from "fastify";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { ServiceUnavailableError } from "./app.errors.js";

const nextUlid = monotonicFactory();

/**
 * A new event id: a ULID whose time part is `now` (monotonic within one millisecond, so ids minted
 * under a pinned test clock still sort by creation).
 */
export function newEventId(now: Date): string {
  return nextUlid(now.getTime());
}

/** What JetStream answered: the event's stream sequence and whether it was a duplicate of a stored one. */
export interface PublishedEvent {
  readonly seq: number;
  /** True when the stream already had an event with this dedup key (within its 24 h window) and dropped this one. */
  readonly duplicate: boolean;
}

/**
 * Validates `candidate` against the event catalogue, publishes it on `eventSubject(...)` with
 * `msgID` = `dedup_key`, and resolves once JetStream has acknowledged it.
 * @throws Error (a bug: 500) when the candidate does not match its schema — nothing is published.
 * @throws ServiceUnavailableError `events_unavailable` (503) when the publish fails (no stream,
 *   NATS down, ack timeout); the cause is logged, never echoed. On a timeout the event may still
 *   have been stored: a retry with the same dedup key is then a duplicate.
 */
export async function publishEvent(
  nats: Nats,
  subjectRoot: string,
  candidate: { readonly type: string } & Readonly<Record<string, unknown>>,
  log: Pick<FastifyBaseLogger, "warn">,
): Promise<PublishedEvent & { readonly event: DomainEvent }> {
  const parsed = DomainEvent.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(
      `built an invalid ${candidate.type} event: ${z.prettifyError(parsed.error).slice(0, 1000)}`,
    );
  }
  const event = parsed.data;
  const subject = eventSubject({ root: subjectRoot }, event);
  try {
    const ack = await nats.js.publish(subject, encodeEvent(event), { msgID: event.dedup_key });
    return { event, seq: ack.seq, duplicate: ack.duplicate };
  } catch (error) {
    log.warn({ err: error, subject, event_id: event.id, type: event.type }, "could not publish an event");
    throw new ServiceUnavailableError(
      "events_unavailable",
      "the change could not be stored in the event log; retry later",
    );
  }
}
