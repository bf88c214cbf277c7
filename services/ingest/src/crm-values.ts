/**
 * Readers for the scalar values CRM webhooks carry: ids (numbers or numeric strings), timestamps
 * (KeyCRM ISO with microseconds or `YYYY-MM-DD HH:MM:SS`; amoCRM unix seconds as strings) and
 * prices. Each one either returns a normalised value or throws {@link ValidationError} naming the
 * field, so a malformed delivery is rejected with a reason (formats/keycrm.md §6, amocrm.md §8).
 */
import { daysInMonth } from "@pulse/domain";
import type { IsoInstant } from "@pulse/events";
import { ValidationError } from "./http.errors.js";

const DIGITS = /^\d{1,16}$/;
/** Earliest/latest instant accepted anywhere (1970-01-01 … 2999-12-31): guards against garbage years. */
const MAX_MS = Date.UTC(3000, 0, 1) - 1;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? `"${value.slice(0, 40)}…"` : `"${value}"`;
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * Reads a CRM id: a non-negative safe integer given as a JSON number or a string of digits
 * (`15001`, `"15001"`). Form bodies carry every value as a string (amocrm.md §8.1).
 * @throws ValidationError when absent, empty, negative, fractional, non-numeric or too large.
 */
export function readCrmId(value: unknown, field: string): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } else if (typeof value === "string" && DIGITS.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new ValidationError(
    value === undefined
      ? `${field} is required`
      : `${field} must be a non-negative integer id, got ${describe(value)}`,
  );
}

/**
 * Like {@link readCrmId} but `undefined`, `null` and `""` mean "not given" and give `null`.
 * @throws ValidationError when a value is given and is not an id.
 */
export function readOptionalCrmId(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  return readCrmId(value, field);
}

const CRM_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a KeyCRM timestamp to an ISO-8601 UTC instant with milliseconds (`Date#toISOString`).
 * Accepts `2026-10-12T04:27:45.000000Z` (fraction of 1–9 digits, truncated to ms), an explicit
 * offset (`+03:00`), and the zone-less `YYYY-MM-DD HH:MM:SS` / `…THH:MM:SS` forms, which are UTC
 * (KeyCRM: "time in all entities is UTC", formats/keycrm.md §5, §6.1).
 * @throws ValidationError for any other shape, an impossible calendar date or a year outside 1970–2999.
 */
export function readCrmTimestamp(value: unknown, field: string): IsoInstant {
  const m = typeof value === "string" ? CRM_TIME.exec(value) : null;
  if (!m)
    throw new ValidationError(
      `${field} must be a timestamp like 2026-10-12T04:27:45.000000Z, got ${describe(value)}`,
    );
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const s = Number(ss);
  const ms3 = frac ? frac.slice(0, 3).padEnd(3, "0") : "000";
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new ValidationError(`${field} is not a valid date/time: ${describe(value)}`);
  }
  // UTC already (KeyCRM's own forms): the instant is the matched fields, written in ISO form.
  if (!zone || zone === "Z") {
    if (y > 2999) throw new ValidationError(`${field} is out of range: ${describe(value)}`);
    return `${ys}-${mos}-${ds}T${hs}:${mis}:${ss}.${ms3}Z`;
  }
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const oh = Number(digits.slice(0, 2));
  const om = Number(digits.slice(2));
  if (oh > 14 || om > 59) throw new ValidationError(`${field} has an invalid UTC offset: ${describe(value)}`);
  const offsetMinutes = sign * (oh * 60 + om);
  const epochMs = Date.UTC(y, mo - 1, d, h, mi, s, Number(ms3)) - offsetMinutes * 60_000;
  if (epochMs < 0 || epochMs > MAX_MS)
    throw new ValidationError(`${field} is out of range: ${describe(value)}`);
  return new Date(epochMs).toISOString();
}

/**
 * Like {@link readCrmTimestamp}; `undefined`, `null` and `""` give `null`.
 * @throws ValidationError when a value is given and does not parse.
 */
export function readOptionalCrmTimestamp(value: unknown, field: string): IsoInstant | null {
  if (value === undefined || value === null || value === "") return null;
  return readCrmTimestamp(value, field);
}

/**
 * Reads amoCRM unix **seconds** (a digit string or a number, amocrm.md §3) and returns the whole
 * seconds, range-checked to 1970–2999.
 * @throws ValidationError when not a non-negative integer or out of range.
 */
export function readUnixSeconds(value: unknown, field: string): number {
  let n = Number.NaN;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^\d{1,12}$/.test(value)) n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n * 1000 > MAX_MS) {
    throw new ValidationError(
      value === undefined ? `${field} is required` : `${field} must be unix seconds, got ${describe(value)}`,
    );
  }
  return n;
}

/**
 * Like {@link readUnixSeconds}; `undefined`, `null` and `""` give `null`.
 * @throws ValidationError when a value is given and is not unix seconds.
 */
export function readOptionalUnixSeconds(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  return readUnixSeconds(value, field);
}

/** Unix seconds → {@link IsoInstant} (`1615985846` → `2021-03-17T12:57:26.000Z`). */
export function unixSecondsToIso(seconds: number): IsoInstant {
  return new Date(seconds * 1000).toISOString();
}

/**
 * Reads a money amount: `""`, `null` or absent → `null` (amoCRM sends `price=` for a lead without a
 * budget); a number or a decimal string (`"0"`, `"22500"`, `"90.00"`) → that number.
 * @throws ValidationError for anything else.
 */
export function readPrice(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d{1,15}(\.\d{1,6})?$/.test(value)) return Number(value);
  throw new ValidationError(`${field} must be a number, got ${describe(value)}`);
}

/**
 * Reads an optional text field: a string is kept as is; `undefined`/`null` give `null`.
 * @throws ValidationError when the value is not a string (an object or array in a form body).
 */
export function readOptionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  throw new ValidationError(`${field} must be text, got ${describe(value)}`);
}

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The items of a PHP-style indexed collection as `qs` decodes it: an array (`[0]`, `[1]` → array)
 * or an object keyed by index or id (large or sparse keys, `linked_leads_id[<id>]`). Object keys
 * are visited in numeric order when numeric.
 * @throws ValidationError when the value is neither (e.g. a bare string where items are expected).
 */
export function itemsOf(value: unknown, field: string): unknown[] {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined);
  if (isRecord(value)) {
    const keys = Object.keys(value);
    keys.sort((a, b) => {
      const na = Number(a);
      const nb = Number(b);
      return Number.isNaN(na) || Number.isNaN(nb) ? (a < b ? -1 : a > b ? 1 : 0) : na - nb;
    });
    return keys.map((k) => value[k]);
  }
  throw new ValidationError(`${field} must be a list of items, got ${describe(value)}`);
}
