import { DomainEvent } from "@pulse/events";
import { z } from "zod";

/**
 * The events of `events` that do not match their catalogue schema, as `"{type} {dedup_key}: {zod
 * issues}"` lines (empty when all match). Ingest publishes the events its normalizers and mappers
 * build without re-validating them (STYLE rule 2: types are trusted inside), so the tests over the
 * fixture corpora and generated bodies hold them to the schema with this.
 */
export function catalogueMismatches(events: readonly DomainEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const parsed = DomainEvent.safeParse(event);
    if (!parsed.success) out.push(`${event.type} ${event.dedup_key}: ${z.prettifyError(parsed.error)}`);
  }
  return out;
}
