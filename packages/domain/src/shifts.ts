/**
 * Shifts: the daily windows that shift deal tables and dialog analysis are cut into
 * (SPEC "Conversations and shifts": UTC+5, starts 22:00, window `[start, end)` of 24 h, reports
 * use the last fully closed shift, catch-up looks back 48–72 h; time zone, start hour and
 * lookback are per-project settings).
 *
 * A shift starts at the local wall-clock time `startHour:00` and ends where the next shift starts.
 * In a zone with DST a 24 h shift therefore lasts 23 h or 25 h on the days the clocks change: the
 * shift stays "22:00 to 22:00 local", which is what a manager's working day means. Wall times that
 * fall into a DST gap move forward, repeated wall times take their first occurrence
 * (Temporal `disambiguation: "compatible"`, the same choice as RFC 5545).
 */
import { Temporal } from "@js-temporal/polyfill";
import { type InstantInput, toEpochMs } from "./instant-input.js";
import { IssueCollector } from "./settings-error.js";
import { resolveTimeZone } from "./zone-offsets.js";

/**
 * Per-project shift settings.
 * - `timeZone`: an IANA name (`Asia/Almaty`, `Europe/Kyiv`) or a fixed offset `±hh:mm` (`+05:00`), as
 *   {@link resolveTimeZone} accepts it.
 * - `startHour`: local hour a shift starts at, integer 0–23.
 * - `lengthHours`: shift length in wall-clock hours; a divisor of 24 (1, 2, 3, 4, 6, 8, 12, 24) so that
 *   shifts tile every local day the same way, anchored at `startHour`.
 * - `lookbackHours`: how long after a shift ends late messages may still arrive (catch-up); the
 *   shift's data counts as complete only after that, integer 0–720.
 */
export interface ShiftSettings {
  readonly timeZone: string;
  readonly startHour: number;
  readonly lengthHours: number;
  readonly lookbackHours: number;
}

/** SPEC defaults: UTC+5, start 22:00, 24 h shifts, 72 h catch-up (the upper end of "48–72 h"). */
export const DEFAULT_SHIFT_SETTINGS: ShiftSettings = Object.freeze({
  timeZone: "+05:00",
  startHour: 22,
  lengthHours: 24,
  lookbackHours: 72,
});

/**
 * One shift. `start` is inclusive, `end` exclusive; both ISO-8601 UTC with milliseconds
 * (`2026-10-21T17:00:00.000Z`), so string order is time order.
 * `shiftId` is the local wall-clock start: the date `2026-10-21` for 24 h shifts, the date and time
 * `2026-10-21T22:00` for shorter ones. It is unique per project settings and sorts by time.
 */
export interface Shift {
  readonly shiftId: string;
  readonly start: string;
  readonly end: string;
}

const VALID_LENGTHS = new Set([1, 2, 3, 4, 6, 8, 12, 24]);

/**
 * Fills missing settings with {@link DEFAULT_SHIFT_SETTINGS}, validates them and canonicalises the
 * time zone (`+05` → `+05:00`).
 * @throws SettingsError (code `invalid_settings`, every issue listed) when the time zone is unknown,
 *   `startHour` is not an integer 0–23, `lengthHours` does not divide 24, or `lookbackHours` is not an
 *   integer 0–720.
 */
export function resolveShiftSettings(input: Partial<ShiftSettings> = {}): ShiftSettings {
  return checked({ ...DEFAULT_SHIFT_SETTINGS, ...definedOnly(input) });
}

function definedOnly(input: Partial<ShiftSettings>): Partial<ShiftSettings> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

function checked(s: ShiftSettings): ShiftSettings {
  const issues = new IssueCollector();
  let timeZone = s.timeZone;
  try {
    timeZone = resolveTimeZone(s.timeZone).id;
  } catch (error) {
    issues.add("timeZone", error instanceof Error ? error.message : String(error));
  }
  if (!Number.isInteger(s.startHour) || s.startHour < 0 || s.startHour > 23) {
    issues.add("startHour", `expected an integer 0–23, got ${s.startHour}`);
  }
  if (!VALID_LENGTHS.has(s.lengthHours)) {
    issues.add("lengthHours", `expected a divisor of 24 (1, 2, 3, 4, 6, 8, 12, 24), got ${s.lengthHours}`);
  }
  if (!Number.isInteger(s.lookbackHours) || s.lookbackHours < 0 || s.lookbackHours > 720) {
    issues.add("lookbackHours", `expected an integer 0–720, got ${s.lookbackHours}`);
  }
  issues.throwIfAny();
  return timeZone === s.timeZone ? s : { ...s, timeZone };
}

function toInstant(value: InstantInput, what: string): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(toEpochMs(value, what));
}

function iso(instant: Temporal.Instant): string {
  return instant.toString({ smallestUnit: "millisecond" });
}

/** The wall-clock start of shift `k` (0-based) of local day `day`. */
function wallStart(day: Temporal.PlainDate, k: number, s: ShiftSettings): Temporal.PlainDateTime {
  return day.toPlainDateTime({ hour: s.startHour }).add({ hours: k * s.lengthHours });
}

function boundary(day: Temporal.PlainDate, k: number, s: ShiftSettings): Temporal.Instant {
  return wallStart(day, k, s).toZonedDateTime(s.timeZone, { disambiguation: "compatible" }).toInstant();
}

function makeShift(day: Temporal.PlainDate, k: number, s: ShiftSettings): Shift {
  const perDay = 24 / s.lengthHours;
  const end = k + 1 < perDay ? boundary(day, k + 1, s) : boundary(day.add({ days: 1 }), 0, s);
  const shiftId =
    s.lengthHours === 24 ? day.toString() : wallStart(day, k, s).toString({ smallestUnit: "minute" });
  return { shiftId, start: iso(boundary(day, k, s)), end: iso(end) };
}

/** Local day and index of the shift containing `instant` (settings already validated). */
function locate(instant: Temporal.Instant, s: ShiftSettings): { day: Temporal.PlainDate; k: number } {
  let day = instant.toZonedDateTimeISO(s.timeZone).toPlainDate();
  // Usually at most one step; the loops keep it right across odd zone transitions.
  while (Temporal.Instant.compare(instant, boundary(day, 0, s)) < 0) day = day.subtract({ days: 1 });
  while (Temporal.Instant.compare(instant, boundary(day.add({ days: 1 }), 0, s)) >= 0)
    day = day.add({ days: 1 });
  let k = 24 / s.lengthHours - 1;
  while (k > 0 && Temporal.Instant.compare(instant, boundary(day, k, s)) < 0) k -= 1;
  return { day, k };
}

function shiftAt(instant: Temporal.Instant, s: ShiftSettings): Shift {
  const { day, k } = locate(instant, s);
  return makeShift(day, k, s);
}

function previousShift(shift: Shift, s: ShiftSettings): Shift {
  return shiftAt(Temporal.Instant.from(shift.start).subtract({ nanoseconds: 1 }), s);
}

/**
 * The shift whose window `[start, end)` contains `instant`: 21:59:59 local belongs to the shift that
 * started the day before, 22:00:00 local starts a new one (default settings).
 * @throws RangeError when `instant` is neither epoch ms nor an ISO-8601 instant with `Z`/offset;
 *   SettingsError when the settings are invalid.
 */
export function shiftOf(instant: InstantInput, settings: ShiftSettings = DEFAULT_SHIFT_SETTINGS): Shift {
  const s = checked(settings);
  return shiftAt(toInstant(instant, "instant"), s);
}

/**
 * The last shift that is fully closed at `now` (its `end` ≤ `now`): the shift before the current one.
 * Reports use it (SPEC "reports use the last fully closed shift").
 * @throws RangeError on an invalid instant; SettingsError on invalid settings.
 */
export function lastClosedShift(now: InstantInput, settings: ShiftSettings = DEFAULT_SHIFT_SETTINGS): Shift {
  const s = checked(settings);
  return previousShift(shiftAt(toInstant(now, "now"), s), s);
}

/**
 * True when the shift's data is complete at `now`: the shift has closed and its catch-up window has
 * passed too, i.e. `now ≥ end + lookbackHours` (SPEC "Analysis runs for a shift only after its data is
 * complete (shift closed + catch-up)").
 * @throws RangeError on an invalid instant; SettingsError on invalid settings.
 */
export function isShiftComplete(
  shift: Shift,
  now: InstantInput,
  settings: ShiftSettings = DEFAULT_SHIFT_SETTINGS,
): boolean {
  const s = checked(settings);
  const completeAt = Temporal.Instant.from(shift.end).add({ hours: s.lookbackHours });
  return Temporal.Instant.compare(toInstant(now, "now"), completeAt) >= 0;
}

/**
 * The latest shift that {@link isShiftComplete} at `now`: the one before the shift containing
 * `now − lookbackHours`.
 * @throws RangeError on an invalid instant; SettingsError on invalid settings.
 */
export function lastCompleteShift(
  now: InstantInput,
  settings: ShiftSettings = DEFAULT_SHIFT_SETTINGS,
): Shift {
  const s = checked(settings);
  const horizon = toInstant(now, "now").subtract({ hours: s.lookbackHours });
  return previousShift(shiftAt(horizon, s), s);
}

/**
 * Every shift whose window intersects `[from, to)`, oldest first; `[]` when `to ≤ from`. The first
 * one may start before `from` and the last one end after `to` (catch-up re-analyses whole shifts).
 * Shifts of zero length (a sub-daily boundary that a DST gap swallowed) are skipped.
 * @throws RangeError on an invalid instant; SettingsError on invalid settings.
 */
export function shiftsBetween(
  from: InstantInput,
  to: InstantInput,
  settings: ShiftSettings = DEFAULT_SHIFT_SETTINGS,
): Shift[] {
  const s = checked(settings);
  const end = toInstant(to, "to");
  const out: Shift[] = [];
  let cursor = toInstant(from, "from");
  while (Temporal.Instant.compare(cursor, end) < 0) {
    const shift = shiftAt(cursor, s);
    out.push(shift);
    cursor = Temporal.Instant.from(shift.end);
  }
  return out;
}

/**
 * The shift with the given {@link Shift.shiftId} (`YYYY-MM-DD` for 24 h shifts, `YYYY-MM-DDTHH:mm`
 * otherwise), or `null` when the id does not name a shift start under these settings.
 * @throws SettingsError on invalid settings.
 */
export function shiftById(shiftId: string, settings: ShiftSettings = DEFAULT_SHIFT_SETTINGS): Shift | null {
  const s = checked(settings);
  let wall: Temporal.PlainDateTime;
  try {
    wall =
      s.lengthHours === 24
        ? Temporal.PlainDate.from(shiftId).toPlainDateTime({ hour: s.startHour })
        : Temporal.PlainDateTime.from(shiftId);
  } catch {
    return null;
  }
  if (s.lengthHours === 24 && !/^\d{4}-\d{2}-\d{2}$/.test(shiftId)) return null;
  // The local day of a shift is the date of its day's first start (startHour), so step back from the wall time.
  const sinceAnchor = (wall.hour - s.startHour + 24) % 24;
  if (wall.minute !== 0 || wall.second !== 0 || sinceAnchor % s.lengthHours !== 0) return null;
  const k = sinceAnchor / s.lengthHours;
  const day = wall.subtract({ hours: sinceAnchor }).toPlainDate();
  const shift = makeShift(day, k, s);
  return shift.shiftId === shiftId ? shift : null;
}
