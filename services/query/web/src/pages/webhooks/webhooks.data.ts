/**
 * Shaping of `GET /api/webhooks/stats` for the Webhooks page: per source and day, and how fresh
 * each source's data is. Pure: no DOM, no fetch.
 */

/** The outcome counters of one row (SPEC "Webhook statistics count deliveries"). */
export const OUTCOMES = ["accepted", "duplicate", "ignored", "rejected", "unauthorized", "failed"] as const;
/** One outcome of a delivery. */
export type Outcome = (typeof OUTCOMES)[number];

/** A row of the answer: one source on one UTC day. */
export interface StatsRow {
  day: string;
  source: string;
  received: number;
  accepted: number;
  duplicate: number;
  ignored: number;
  rejected: number;
  unauthorized: number;
  failed: number;
  events_stored: number;
  last_received_at: string | null;
}

/** How fresh a source is: `fresh` within 1 h, `stale` within 6 h, `silent` beyond (the alert's 6 h), `never`. */
export type Freshness = "fresh" | "stale" | "silent" | "never";

/** Hours without a delivery after which a source is `silent` (infra/prometheus/alerts.yml: 6 h). */
export const SILENT_AFTER_HOURS = 6;

/** The freshness of a source whose last delivery was at `last` (ISO instant or null), seen at `nowMs`. */
export function freshnessOf(
  last: string | null,
  nowMs: number,
): { state: Freshness; ageSeconds: number | null } {
  if (last === null) return { state: "never", ageSeconds: null };
  const age = Math.max(0, Math.round((nowMs - Date.parse(last)) / 1000));
  const state: Freshness = age <= 3600 ? "fresh" : age <= SILENT_AFTER_HOURS * 3600 ? "stale" : "silent";
  return { state, ageSeconds: age };
}

/** Per day, each outcome summed over the rows (all sources, or the one the query selected), oldest first. */
export function outcomesByDay(
  rows: readonly StatsRow[],
): ({ day: string; received: number } & Record<Outcome, number>)[] {
  const byDay = new Map<string, { day: string; received: number } & Record<Outcome, number>>();
  for (const r of rows) {
    let d = byDay.get(r.day);
    if (d === undefined) {
      d = {
        day: r.day,
        received: 0,
        accepted: 0,
        duplicate: 0,
        ignored: 0,
        rejected: 0,
        unauthorized: 0,
        failed: 0,
      };
      byDay.set(r.day, d);
    }
    d.received += r.received;
    for (const o of OUTCOMES) d[o] += r[o];
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}
