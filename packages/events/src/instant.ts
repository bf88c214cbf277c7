/**
 * The one parser of instants written as text (ISO-8601 date-times), used by the event contract
 * (`IsoInstant`), the domain (`toEpochMs`), ingest (`readCrmTimestamp`) and the projector. Pure
 * arithmetic on the proleptic Gregorian calendar, no `Date` parsing: `Date.parse` accepts
 * `2026-02-30` (it rolls over to March 2), and this parser must not.
 */

/** Number of days of a month (1–12) in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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

/** The earliest instant of year 0001: 0001-01-01T00:00:00Z, in epoch ms. */
export const YEAR_ONE_MS = -62_135_596_800_000;

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
 * Epoch ms of the event contract's own form `YYYY-MM-DDTHH:MM:SS.sssZ` (what `Date#toISOString`
 * writes for years 0001–9999): epoch ms; `NaN` for that shape with an impossible date or time
 * (`2026-13-45…`, `2026-02-30…`, `…T24:00:00.000Z`, year 0000); `null` for any other shape.
 * No allocation: the fast path of every decoder.
 */
export function canonicalInstantMs(s: string): number | null {
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
  // NaN (a non-digit) fails every comparison: such strings are not of this shape.
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
  return ms < YEAR_ONE_MS ? Number.NaN : ms;
}

/**
 * Whether `s` is an instant of the event contract's form (`YYYY-MM-DDTHH:MM:SS.sssZ`) naming a real
 * date and time of the years 0001–9999 (see {@link canonicalInstantMs}).
 */
export function isCanonicalInstant(s: string): boolean {
  const ms = canonicalInstantMs(s);
  return ms !== null && !Number.isNaN(ms);
}

/**
 * The written forms {@link parseInstant} reads:
 * - `offset`: an instant with `Z` or a numeric offset (`2026-10-12T04:27:45.000Z`,
 *   `2026-10-12T07:27:45+03:00`, `…+0300`); `T` or `t`; seconds and the fraction (`.` or `,`, 1–9
 *   digits) optional; offsets up to ±23:59; surrounding blanks ignored. A zone-less date-time is
 *   not an instant.
 * - `crm`: the CRM forms (KeyCRM formats/keycrm.md §5, §6.1): `T` or a space, seconds required,
 *   an optional `.` fraction, `Z`, a numeric offset up to ±14:59 — or no zone at all, which is UTC.
 */
export type InstantDialect = "offset" | "crm";

const OFFSET_FORM =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const CRM_FORM =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/** Why {@link parseInstant} rejected a text. */
export type InstantRejection = "malformed" | "impossible" | "offset";

/** A text {@link parseInstant} rejected: `reason` says whether its shape, date/time or offset is wrong. */
export class InstantParseError extends RangeError {
  readonly reason: InstantRejection;
  constructor(reason: InstantRejection, text: string) {
    super(`${reason} instant: ${JSON.stringify(text)}`);
    this.name = "InstantParseError";
    this.reason = reason;
  }
}

/** A parsed instant: epoch ms, the written year (before the offset) and the offset in minutes. */
export interface ParsedInstant {
  ms: number;
  year: number;
  offsetMinutes: number;
}

/**
 * Parses an ISO-8601 date-time of `dialect` ({@link InstantDialect}) to epoch ms (a fraction finer
 * than 1 ms is truncated). Range limits (which years are plausible) are the caller's.
 * @throws InstantParseError `malformed` for another shape, `impossible` for a date or time that
 *   does not exist (`2026-13-45`, February 30, 24:00), `offset` for an offset beyond the dialect's.
 */
export function parseInstant(text: string, dialect: InstantDialect = "offset"): ParsedInstant {
  const m = dialect === "offset" ? OFFSET_FORM.exec(text.trim()) : CRM_FORM.exec(text);
  if (m === null) throw new InstantParseError("malformed", text);
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
  )
    throw new InstantParseError("impossible", text);
  let offsetMinutes = 0;
  if (z === undefined && sign !== undefined) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > (dialect === "offset" ? 23 : 14) || offM > 59) throw new InstantParseError("offset", text);
    offsetMinutes = (sign === "-" ? -1 : 1) * (offH * 60 + offM);
  }
  const ms = utcMs(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  return { ms, year, offsetMinutes };
}
