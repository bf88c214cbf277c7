import { type DecodeResult, type DomainEvent, decodeEvent } from "@pulse/events";

/**
 * Decodes an events-stream message for projection: `decodeEvent` (JSON, upcasting, schema — its
 * `IsoInstant` rejects impossible dates such as `2026-13-45T…`, `packages/events/src/instant.ts`).
 * A failure is poison, dead-lettered by the live projector and the replay alike (STYLE.md rule 5).
 * NUL characters in strings (which Postgres `text`/`jsonb` reject) are
 * replaced by U+FFFD, so a fact that carries one is still projected. Never throws.
 */
export function decodeForProjection(bytes: Uint8Array): DecodeResult {
  const text = new TextDecoder().decode(bytes);
  const r = decodeEvent(text);
  if (!r.ok) return { ok: false, reason: withoutNul(r.reason) };
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
