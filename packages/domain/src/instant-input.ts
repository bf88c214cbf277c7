/**
 * An instant as the calendar, SLA and cycle functions accept it:
 * - epoch milliseconds (a safe integer), or
 * - an ISO-8601 instant with `Z` or a numeric offset: `2026-10-12T04:27:45.000Z` (the event
 *   catalogue's `IsoInstant`), `2026-10-12T04:27:45.000000Z` (KeyCRM, microseconds),
 *   `2026-10-12T07:27:45+03:00`. Seconds and the fraction are optional; a fraction finer than
 *   1 ms is truncated.
 * A local date-time without an offset (KeyCRM's `closed_at` `"2026-10-16 07:11:09"`) is **not** an
 * instant and is rejected.
 */
export type InstantInput = number | string;

/** The earliest instant accepted: 0001-01-01T00:00:00Z, in epoch ms. */
export const MIN_INSTANT_MS = -62_135_596_800_000;
/** The latest instant accepted: 9999-12-31T23:59:59.999Z, in epoch ms. */
export const MAX_INSTANT_MS = 253_402_300_799_999;

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Normalises an {@link InstantInput} to epoch milliseconds.
 * @param what names the argument in the error message (`"start"`, `"now"` …).
 * @throws RangeError when a number is not a safe integer, a string is not an ISO-8601 instant with
 *   an offset (or names an impossible date such as February 30), or the instant is outside
 *   [{@link MIN_INSTANT_MS}, {@link MAX_INSTANT_MS}].
 */
export function toEpochMs(input: InstantInput, what = "instant"): number {
  let ms: number;
  if (typeof input === "number") {
    if (!Number.isSafeInteger(input))
      throw new RangeError(`${what}: epoch ms must be a safe integer, got ${input}`);
    ms = input;
  } else if (typeof input === "string") {
    const canonical = canonicalInstantMs(input);
    if (canonical !== null) {
      if (Number.isNaN(canonical))
        throw new RangeError(`${what}: impossible date or time in ${JSON.stringify(input)}`);
      return canonical;
    }
    const m = ISO_INSTANT.exec(input.trim());
    if (m === null)
      throw new RangeError(`${what}: not an ISO-8601 instant with Z or an offset: ${JSON.stringify(input)}`);
    const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = s === undefined ? 0 : Number(s);
    const millis = frac === undefined ? 0 : Number(frac.padEnd(3, "0").slice(0, 3));
    if (
      month < 1 ||
      month > 12 ||
      day < 1 ||
      day > daysInMonth(year, month) ||
      hour > 23 ||
      minute > 59 ||
      second > 59
    ) {
      throw new RangeError(`${what}: impossible date or time in ${JSON.stringify(input)}`);
    }
    let offsetMinutes = 0;
    if (z === undefined) {
      const offH = Number(oh);
      const offM = Number(om);
      if (offH > 23 || offM > 59)
        throw new RangeError(`${what}: impossible offset in ${JSON.stringify(input)}`);
      offsetMinutes = (sign === "-" ? -1 : 1) * (offH * 60 + offM);
    }
    ms = utcMs(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  } else {
    throw new RangeError(`${what}: expected epoch ms or an ISO-8601 string, got ${typeof input}`);
  }
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    throw new RangeError(`${what}: outside the years 0001–9999: ${String(input)}`);
  }
  return ms;
}

/**
 * Epoch ms of 00:00 UTC of a proleptic-Gregorian date (any year, unlike `Date.UTC` for 0–99):
 * the day count of H. Hinnant's `days_from_civil` ("chrono-Compatible Low-Level Date Algorithms"),
 * pure arithmetic — replays call this for every instant of every event.
 */
export function utcMs(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return (era * 146_097 + dayOfEra - 719_468) * 86_400_000;
}

/** Value of the ASCII digits `s[from..to)`, or NaN when one is not a digit. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The fast path of {@link toEpochMs} for the catalogue's own form `YYYY-MM-DDTHH:MM:SS.sssZ` (what
 * `Date#toISOString` writes for years 0–9999): epoch ms; `NaN` for that shape with an impossible
 * date or time; `null` for any other shape (the general parser decides).
 */
function canonicalInstantMs(s: string): number | null {
  if (
    s.length !== 24 ||
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46 || // .
    s.charCodeAt(23) !== 90 // Z
  )
    return null;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 7);
  const day = digitsAt(s, 8, 10);
  const hour = digitsAt(s, 11, 13);
  const minute = digitsAt(s, 14, 16);
  const second = digitsAt(s, 17, 19);
  const millis = digitsAt(s, 20, 23);
  // NaN (a non-digit) fails every comparison: hand such strings to the general parser.
  if (
    !(
      year >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      hour >= 0 &&
      minute >= 0 &&
      second >= 0 &&
      millis >= 0
    )
  )
    return Number.isNaN(year + month + day + hour + minute + second + millis) ? null : Number.NaN;
  if (day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = utcMs(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return ms < MIN_INSTANT_MS ? Number.NaN : ms;
}

/** Number of days of a month (1–12) in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
