import { Temporal } from "@js-temporal/polyfill";
import { utcMs } from "./instant-input.js";

/**
 * A validated time zone: `id` is the canonical name (`Europe/Kyiv`, `UTC`, `+05:00`);
 * `fixedOffsetMs` is the UTC offset in ms for a fixed-offset zone (`+05:00` → 18 000 000) and `null`
 * for an IANA zone, whose offsets come from the tz database through Temporal.
 */
export interface ResolvedTimeZone {
  readonly id: string;
  readonly fixedOffsetMs: number | null;
}

const FIXED_OFFSET = /^([+-])(\d{2})(?::?(\d{2}))?$/;
const resolved = new Map<string, ResolvedTimeZone>();

/**
 * Validates a project time zone (SPEC "Projects": IANA name or fixed offset, default UTC).
 * Accepts an IANA name (case-insensitive, as Temporal does: `europe/kyiv` → `Europe/Kyiv`; links
 * such as `Europe/Kiev` stay as given) or an offset `±HH:MM` / `±HHMM` / `±HH` up to ±23:59.
 * `UTC` is treated as the fixed offset `+00:00` internally but keeps the id `UTC`.
 * @throws RangeError for an unknown name or an offset out of range, with the name in the message.
 */
export function resolveTimeZone(name: string): ResolvedTimeZone {
  const hit = resolved.get(name);
  if (hit !== undefined) return hit;
  let zone: ResolvedTimeZone;
  const fixed = FIXED_OFFSET.exec(name);
  if (fixed !== null) {
    const [, sign, hh, mm] = fixed;
    const hours = Number(hh);
    const minutes = Number(mm ?? "0");
    if (hours > 23 || minutes > 59)
      throw new RangeError(`time zone offset out of range: ${JSON.stringify(name)}`);
    const total = hours * 60 + minutes;
    const id = `${total === 0 || sign === "+" ? "+" : "-"}${hh}:${mm ?? "00"}`;
    zone = { id, fixedOffsetMs: total === 0 ? 0 : (sign === "-" ? -1 : 1) * total * 60_000 };
  } else {
    let id: string;
    try {
      id = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
    } catch {
      throw new RangeError(
        `unknown time zone: ${JSON.stringify(name)} (use an IANA name such as Europe/Kyiv or ±HH:MM)`,
      );
    }
    zone = { id, fixedOffsetMs: id === "UTC" ? 0 : null };
  }
  resolved.set(name, zone);
  return zone;
}

interface YearTable {
  /** Offset in force at 00:00 UTC of January 1. */
  readonly startOffsetMs: number;
  /** Offset changes during the UTC year, ascending: from `atMs` on, the offset is `offsetMs`. */
  readonly transitions: readonly { readonly atMs: number; readonly offsetMs: number }[];
}

// Memo of the tz database per (zone, UTC year). Finding a transition through Temporal costs far more
// than the calendar arithmetic (docs/PERFORMANCE.md), so the tables are computed once and kept; they are a
// deterministic function of (zone, year) and never change while the process runs.
const yearTables = new Map<string, Map<number, YearTable>>();

function yearTable(zoneId: string, year: number): YearTable {
  let perZone = yearTables.get(zoneId);
  if (perZone === undefined) {
    perZone = new Map();
    yearTables.set(zoneId, perZone);
  }
  const hit = perZone.get(year);
  if (hit !== undefined) return hit;
  const from = utcMs(year, 1, 1);
  const to = utcMs(year + 1, 1, 1);
  let zdt = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zoneId);
  const startOffsetMs = zdt.offsetNanoseconds / 1e6;
  const transitions: { atMs: number; offsetMs: number }[] = [];
  for (;;) {
    const next = zdt.getTimeZoneTransition("next");
    if (next === null || next.epochMilliseconds >= to) break;
    transitions.push({ atMs: next.epochMilliseconds, offsetMs: next.offsetNanoseconds / 1e6 });
    zdt = next;
  }
  const table: YearTable = { startOffsetMs, transitions };
  perZone.set(year, table);
  return table;
}

/**
 * Splits `[fromMs, toMs)` into pieces of constant UTC offset (cut at every offset change and at
 * every UTC new year) and calls
 * `visit(pieceFromMs, pieceToMs, offsetMs)` for each, in time order (nothing when `fromMs >= toMs`).
 * Local wall-clock time inside a piece is `instant + offsetMs`, so calendar arithmetic on local
 * days is exact within it; DST changes fall exactly on piece boundaries.
 * `visit` returns `true` to stop early. Cost: one step per offset change (two a year for
 * Europe/Kyiv) plus a one-time tz lookup per zone and year.
 */
export function forEachOffsetPiece(
  zone: ResolvedTimeZone,
  fromMs: number,
  toMs: number,
  visit: (pieceFromMs: number, pieceToMs: number, offsetMs: number) => boolean | undefined,
): void {
  if (fromMs >= toMs) return;
  if (zone.fixedOffsetMs !== null) {
    visit(fromMs, toMs, zone.fixedOffsetMs);
    return;
  }
  let cur = fromMs;
  let year = new Date(fromMs).getUTCFullYear();
  const first = yearTable(zone.id, year);
  let offset = first.startOffsetMs;
  for (const t of first.transitions) {
    if (t.atMs > fromMs) break;
    offset = t.offsetMs;
  }
  for (;;) {
    const table = yearTable(zone.id, year);
    for (const t of table.transitions) {
      if (t.atMs <= cur) continue;
      if (t.atMs >= toMs) break;
      if (t.offsetMs === offset) continue;
      if (visit(cur, t.atMs, offset) === true) return;
      cur = t.atMs;
      offset = t.offsetMs;
    }
    const yearEnd = utcMs(year + 1, 1, 1);
    if (yearEnd >= toMs) break;
    // Visit at every year end too, so that a caller who stops early (addWorkingSeconds) never
    // makes us load tz tables for years it does not reach.
    if (cur < yearEnd) {
      if (visit(cur, yearEnd, offset) === true) return;
      cur = yearEnd;
    }
    year += 1;
  }
  visit(cur, toMs, offset);
}

/** The UTC offset in ms in force at `atMs` (e.g. 10 800 000 for EEST). */
export function offsetAt(zone: ResolvedTimeZone, atMs: number): number {
  let result = 0;
  forEachOffsetPiece(zone, atMs, atMs + 1, (_from, _to, offsetMs) => {
    result = offsetMs;
    return true;
  });
  return result;
}
