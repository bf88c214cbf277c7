import { type DecodeResult, type DomainEvent, decodeEvent } from "@pulse/events";

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/**
 * True when `s` (already matching the `IsoInstant` pattern `YYYY-MM-DDTHH:MM:SS.sssZ`) names a real
 * instant Postgres can store: year ≥ 1, month 1–12, a day that exists in that month, hour < 24,
 * minute and second < 60. Field checks instead of `Date` round-trips: this runs for every instant
 * of every event in a replay.
 */
function validInstant(s: string | null): boolean {
  if (s === null) return true;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= maxDay && digits(s, 11, 13) < 24 && digits(s, 14, 16) < 60 && digits(s, 17, 19) < 60;
}

/** The instants of an event that become `timestamptz` columns. */
function instantsOf(event: DomainEvent): (string | null)[] {
  const out: (string | null)[] = [event.occurred_at, event.recorded_at];
  switch (event.type) {
    case "order.status_changed":
      out.push(event.data.status_changed_at, event.data.order_created_at);
      if (event.data.lead) out.push(event.data.lead.created_at, event.data.lead.updated_at);
      break;
    case "deal.created":
    case "deal.updated":
      out.push(event.data.lead.created_at, event.data.lead.updated_at);
      break;
    default:
      break;
  }
  return out;
}

/**
 * Decodes an events-stream message for projection: `decodeEvent` (JSON, upcasting, schema), plus a
 * check that every instant written to a `timestamptz` column is a real date (the schema's pattern
 * admits `2026-13-45T…`). A failure is poison, dead-lettered by the live projector and the replay
 * alike (STYLE.md rule 5). NUL characters in strings (which Postgres `text`/`jsonb` reject) are
 * replaced by U+FFFD, so a fact that carries one is still projected. Never throws.
 */
export function decodeForProjection(bytes: Uint8Array): DecodeResult {
  const text = new TextDecoder().decode(bytes);
  const r = decodeEvent(text);
  if (!r.ok) return { ok: false, reason: withoutNul(r.reason) };
  const bad = instantsOf(r.event).find((s) => !validInstant(s));
  if (bad !== undefined) return { ok: false, reason: withoutNul(`invalid instant: ${JSON.stringify(bad)}`) };
  // JSON writes NUL as the escape \u0000; only then walk the event (Postgres text cannot hold NUL).
  return text.includes("\\u0000") ? { ok: true, event: withoutNulDeep(r.event) as DomainEvent } : r;
}

/** `s` with NUL replaced by U+FFFD. */
function withoutNul(s: string): string {
  return s.includes("\u0000") ? s.replaceAll("\u0000", "\ufffd") : s;
}

function withoutNulDeep(value: unknown): unknown {
  if (typeof value === "string") return withoutNul(value);
  if (Array.isArray(value)) return value.map(withoutNulDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNulDeep(v)]));
  }
  return value;
}
