/**
 * Readers for the scalar values CRM webhooks carry: ids (numbers or numeric strings), timestamps
 * (KeyCRM ISO with microseconds or `YYYY-MM-DD HH:MM:SS`; amoCRM unix seconds as strings) and
 * prices — and the **plausibility rules** every normalizer and API mapper of ingest shares, each
 * defined once here (services/ingest/README.md "Plausibility rules"):
 *
 * - an entity id (order, lead, status, pipeline, chat, custom field…) is a positive safe integer
 *   ({@link readCrmId}, {@link isCrmId}); a user id may be 0, amoCRM's robot/integration
 *   ({@link readUserId}, amocrm.md §8.7);
 * - an event time lies in [2000-01-01T00:00:00Z, receipt + 1 day] ({@link implausibleTimeReason});
 * - a time field that is present must be a time: `""` is malformed, not "no time"
 *   ({@link readOptionalEventTime}, {@link readOptionalUnixEventTime});
 * - a body nests at most {@link MAX_BODY_DEPTH} levels ({@link jsonDepthExceeds}), checked without
 *   recursion before anything re-serialises it.
 *
 * Webhook readers throw {@link ValidationError} naming the field and the value's problem, so the
 * delivery is answered 400 and nothing of it is stored; API mappers use the predicates and skip the
 * item with the same reason (formats/keycrm.md §6, amocrm.md §8).
 */
import { daysInMonth } from "@pulse/domain";
import type { IsoInstant } from "@pulse/events";
import { ValidationError } from "../http/http.errors.js";

const DIGITS = /^\d{1,16}$/;
/** Latest instant the syntax readers accept (2999-12-31): guards the date arithmetic against garbage years. */
const MAX_MS = Date.UTC(3000, 0, 1) - 1;

/**
 * A value as it appears in a 400 reason: strings quoted and cut to 40 characters, control
 * characters escaped (JSON string form), so a NUL byte or a line break is visible, not raw.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40)).slice(0, -1)}…"` : JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return String(value);
}
const describe = describeValue;

// ---- ids -------------------------------------------------------------------------------------

/**
 * True for a plausible entity id as a JSON number: a positive safe integer. No CRM numbers its
 * orders, leads, statuses, pipelines, chats or custom fields from 0 (KeyCRM and amoCRM ids are
 * auto-increment keys, formats/keycrm.md §2, amocrm.md §3); a 0 is a default value of a broken
 * sender, not an entity.
 */
export function isCrmId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function parseIdText(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : null;
  if (typeof value === "string" && DIGITS.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/**
 * Reads an entity id (order, lead, status, status group, pipeline, tag, custom field): a positive
 * safe integer given as a JSON number or a string of digits (`15001`, `"15001"`; form bodies carry
 * every value as a string, amocrm.md §8.1). See {@link isCrmId} for why 0 is rejected.
 * @throws ValidationError when absent, empty, zero, negative, fractional, non-numeric or too large.
 */
export function readCrmId(value: unknown, field: string): number {
  const n = parseIdText(value);
  if (n !== null && n > 0) return n;
  throw new ValidationError(
    value === undefined
      ? `${field} is required`
      : `${field} must be a positive integer id, got ${describe(value)}`,
  );
}

/**
 * Like {@link readCrmId} but `undefined`, `null` and `""` mean "not given" and give `null`.
 * @throws ValidationError when a value is given and is not a positive id.
 */
export function readOptionalCrmId(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  return readCrmId(value, field);
}

/**
 * Reads an optional user id (responsible, created or modified by, manager): a non-negative safe
 * integer — 0 is amoCRM's "a robot or an integration did it" (`modified_user_id = 0`,
 * `created_by = 0`, formats/amocrm.md §8.7), so it is a real value here. `undefined`, `null` and
 * `""` give `null`.
 * @throws ValidationError when a value is given and is not a non-negative integer.
 */
export function readOptionalUserId(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === "") return null;
  const n = parseIdText(value);
  if (n !== null && n >= 0) return n;
  throw new ValidationError(`${field} must be a non-negative integer user id, got ${describe(value)}`);
}

/** Printable ASCII, 1–200 characters: the shape of a chat message id (WhatsApp `3EB0…`, Radist ids). */
const MESSAGE_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * True for a plausible chat message id: 1–200 printable ASCII characters, no spaces or control
 * characters (WhatsApp ids are hex such as `3A554E20ECABF3D45BB2`, evolution-api.md §2; Radist
 * gives WhatsApp ids or numbers, radist-online.md §2). The id is the dedup key of the message.
 */
export function isMessageId(value: unknown): value is string {
  return typeof value === "string" && MESSAGE_ID.test(value);
}

// ---- the plausibility window of event times ----------------------------------------------------

/** Earliest plausible event time, `2000-01-01T00:00:00Z` (epoch ms): no CRM or chat in scope predates it. */
export const EARLIEST_EVENT_TIME_MS = Date.UTC(2000, 0, 1);

/**
 * How far after its receipt an event time may lie (ms): 1 day — generous for a sender's clock skew
 * or a wrong zone (Evolution's false-`Z` `date_time` is hours off, evolution-api.md §5.4), far below
 * the years of a garbage value (2100, 2999).
 */
export const MAX_EVENT_TIME_AHEAD_MS = 86_400_000;

/**
 * Why an event time is implausible, or `null` when it lies in the window
 * [{@link EARLIEST_EVENT_TIME_MS}, `receivedAt` + {@link MAX_EVENT_TIME_AHEAD_MS}], both ends
 * inclusive (receipt + 1 day exactly is accepted, 1 ms more is not). `receivedAt` is the webhook's
 * receipt time or the poller's fetch time.
 * @returns e.g. `"1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z"`.
 */
export function implausibleTimeReason(epochMs: number, receivedAt: Date): string | null {
  if (!Number.isFinite(epochMs)) return "is not a time";
  // Beyond ±8.64e15 ms a Date cannot show the instant: name the number instead.
  const shown = Math.abs(epochMs) <= 8.64e15 ? new Date(epochMs).toISOString() : `${epochMs} ms after 1970`;
  if (epochMs < EARLIEST_EVENT_TIME_MS) return `${shown} is before 2000-01-01T00:00:00Z`;
  if (epochMs - receivedAt.getTime() > MAX_EVENT_TIME_AHEAD_MS)
    return `${shown} is more than 1 day after the receipt time ${receivedAt.toISOString()}`;
  return null;
}

/**
 * Throws when `epochMs` is outside the plausibility window of {@link implausibleTimeReason}.
 * @throws ValidationError `"<field> is implausible: <instant> is before 2000-01-01T00:00:00Z"` or
 *   `"… is more than 1 day after the receipt time …"`.
 */
export function assertPlausibleTime(epochMs: number, field: string, receivedAt: Date): void {
  const reason = implausibleTimeReason(epochMs, receivedAt);
  if (reason !== null) throw new ValidationError(`${field} is implausible: ${reason}`);
}

function presentButEmpty(field: string): ValidationError {
  return new ValidationError(
    `${field} is present but empty: a time field is either absent or a time, never ""`,
  );
}

const CRM_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a KeyCRM timestamp to an ISO-8601 UTC instant with milliseconds (`Date#toISOString`).
 * Accepts `2026-10-12T04:27:45.000000Z` (fraction of 1–9 digits, truncated to ms), an explicit
 * offset (`+03:00`), and the zone-less `YYYY-MM-DD HH:MM:SS` / `…THH:MM:SS` forms, which are UTC
 * (KeyCRM: "time in all entities is UTC", formats/keycrm.md §5, §6.1). Syntax only: an event time
 * also goes through the plausibility window ({@link readEventTime}).
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
 * Reads a required event time in KeyCRM's forms ({@link readCrmTimestamp}: ISO, zone-less = UTC,
 * kept to the millisecond) and checks it against the plausibility window of `receivedAt`.
 * @throws ValidationError when absent, unparseable or implausible.
 */
export function readEventTime(value: unknown, field: string, receivedAt: Date): IsoInstant {
  if (value === undefined || value === null) throw new ValidationError(`${field} is required`);
  if (value === "") throw presentButEmpty(field);
  const iso = readCrmTimestamp(value, field);
  assertPlausibleTime(Date.parse(iso), field, receivedAt);
  return iso;
}

/**
 * Like {@link readEventTime}, for a time that may be absent: `undefined` (key missing) and `null`
 * (KeyCRM's "not set", keycrm.md §2) give `null`, so a fallback applies; `""` is malformed — a time
 * field that is there but empty is a broken delivery, not "no time".
 * @throws ValidationError when the value is `""`, does not parse or is implausible.
 */
export function readOptionalEventTime(value: unknown, field: string, receivedAt: Date): IsoInstant | null {
  if (value === undefined || value === null) return null;
  return readEventTime(value, field, receivedAt);
}

/**
 * Reads amoCRM unix **seconds** (a digit string or a number, amocrm.md §3) and returns the whole
 * seconds, range-checked to 1970–2999. Syntax only: an event time also goes through the
 * plausibility window ({@link readUnixEventTime}).
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
 * Reads a required event time in unix seconds ({@link readUnixSeconds}: amoCRM webhook times,
 * Evolution `messageTimestamp`) and checks it against the plausibility window of `receivedAt`.
 * @returns the whole seconds.
 * @throws ValidationError when absent, `""`, not unix seconds or implausible.
 */
export function readUnixEventTime(value: unknown, field: string, receivedAt: Date): number {
  if (value === "") throw presentButEmpty(field);
  const seconds = readUnixSeconds(value, field);
  assertPlausibleTime(seconds * 1000, field, receivedAt);
  return seconds;
}

/**
 * Like {@link readUnixEventTime}, for a time that may be absent: `undefined` and `null` give `null`;
 * `""` (a form key with nothing after `=`) is malformed, not absent.
 * @throws ValidationError when the value is `""`, not unix seconds or implausible.
 */
export function readOptionalUnixEventTime(value: unknown, field: string, receivedAt: Date): number | null {
  if (value === undefined || value === null) return null;
  return readUnixEventTime(value, field, receivedAt);
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

// ---- nesting ---------------------------------------------------------------------------------

/**
 * Deepest nesting of objects and arrays a JSON body may have (the body itself is level 1). Real
 * bodies stay far below it (an Evolution message with a quoted reply: ~8 levels); it is also far
 * below the depth at which `JSON.stringify`, a recursive walk, overflows the stack (a few thousand).
 */
export const MAX_BODY_DEPTH = 64;

/**
 * True when `value` nests objects/arrays deeper than `maxDepth` levels. Walks iteratively (an
 * explicit stack, never recursion), stops at the first path that is too deep, and visits each
 * container once, so a hostile body costs at most its own size.
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number = MAX_BODY_DEPTH): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [object, number];
    if (depth > maxDepth) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children)
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Rejects a body nested deeper than {@link MAX_BODY_DEPTH} levels, before anything recursive
 * (`JSON.stringify`) walks it.
 * @throws ValidationError `"<what> nests deeper than 64 levels"`.
 */
export function assertBodyDepth(value: unknown, what = "body"): void {
  if (jsonDepthExceeds(value, MAX_BODY_DEPTH))
    throw new ValidationError(`${what} nests deeper than ${MAX_BODY_DEPTH} levels`);
}
