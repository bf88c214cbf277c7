/**
 * Working calendars (SPEC "Order status analytics" → "Working hours"): per weekday a list of
 * wall-clock windows, holidays, and a time zone. The duration of a status interval is its overlap
 * with the calendar.
 *
 * The rule, precisely: an instant is **working time** when its wall-clock reading in the calendar's
 * time zone falls inside a window — `[start, end)` on the local date the window starts, continuing
 * past midnight into the next date for a window that crosses midnight — and that start date is not
 * a holiday. Consequences at DST changes (Europe/Kyiv):
 * - Windows keep their wall-clock times: `09:00` is 06:00Z in summer (EEST, +03:00) and 07:00Z in
 *   winter (EET, +02:00), e.g. before and after 2026-10-25 01:00Z.
 * - A local day is 23, 24 or 25 hours long: 24/7 counts exactly the elapsed time.
 * - When clocks go back (04:00 EEST → 03:00 EET), the readings 03:00–03:59 happen twice, and a
 *   window covering them counts both hours (`03:00-04:00` that night = 2 h).
 * - When clocks go forward (03:00 EET → 04:00 EEST), the readings 03:00–03:59 never happen and
 *   count nothing (`03:30-04:30` that night = 30 min: 04:00–04:30 EEST).
 *
 * Computation: the interval is cut at the zone's offset changes (via Temporal's tz data, cached per
 * zone and year); inside each constant-offset piece local time is UTC-like, and the working time is
 * a difference of a weekly cumulative pattern plus a correction for the holidays in range (binary
 * search over prefix sums). Cost is O(offset changes + log holidays) per call, independent of the
 * number of days: a year in Europe/Kyiv is three pieces.
 */
import { type InstantInput, MAX_INSTANT_MS, toEpochMs, utcMs } from "./instant-input.js";
import { IssueCollector, isRecord, quote, SettingsError } from "./settings-error.js";
import { forEachOffsetPiece, type ResolvedTimeZone, resolveTimeZone } from "./zone-offsets.js";

/** A weekday key, as in `projects.json` `working_hours`: `mon` … `sun`. */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** The weekday keys in ISO order (Monday first; index 0 = ISO day 1). */
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/**
 * One working window, in wall-clock minutes from 00:00 of the local date it **starts** on.
 * `0 <= startMinute < 1440` and `startMinute < endMinute <= startMinute + 1440`; an `endMinute`
 * above 1440 means the window crosses midnight into the next date (`22:00-06:00` is
 * `{startMinute: 1320, endMinute: 1800}`). `24:00` is `endMinute: 1440`.
 */
export interface WorkingWindow {
  readonly startMinute: number;
  readonly endMinute: number;
}

/**
 * A working calendar.
 * - `timeZone`: IANA name (`Europe/Kyiv`) or fixed offset (`+05:00`); `UTC` by default.
 * - `week`: the windows of each weekday, sorted by start, non-overlapping (also across midnight and
 *   from Sunday into Monday); `[]` = day off.
 * - `holidays`: local ISO dates `YYYY-MM-DD`, sorted, unique. A holiday removes the windows that
 *   **start** on that date, including their part after midnight. A window that starts the evening
 *   before a holiday and crosses midnight still counts in full.
 * Build one with {@link parseWorkingCalendar} (from settings JSON) or {@link alwaysOpenCalendar};
 * a hand-built value is validated on first use ({@link validateWorkingCalendar}).
 */
export interface WorkingCalendar {
  readonly timeZone: string;
  readonly week: Readonly<Record<Weekday, readonly WorkingWindow[]>>;
  readonly holidays: readonly string[];
}

/**
 * Working-hours settings as stored per project and status group (the `projects.json` shape):
 * `{"time_zone": "Europe/Kyiv", "working_hours": {"mon": ["09:00-13:00", "14:00-18:00"], …, "sun": []},
 * "holidays": ["2026-12-25"]}`. Every field may be missing or `null`: no `time_zone` = `UTC`, no
 * `working_hours` = 24/7 (SPEC default), no `holidays` = none.
 */
export interface WorkingCalendarSettings {
  readonly time_zone?: string | null;
  readonly working_hours?: Readonly<Partial<Record<Weekday, readonly string[]>>> | null;
  readonly holidays?: readonly string[] | null;
}

const MINUTES_PER_DAY = 1440;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const TIME = /^(\d{1,2}):(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * 24/7 in the given zone (default `UTC`): every instant is working time, so working time equals
 * elapsed time. The SPEC default for a group without working hours.
 * @throws SettingsError for an unknown time zone.
 */
export function alwaysOpenCalendar(timeZone = "UTC"): WorkingCalendar {
  const all: readonly WorkingWindow[] = [{ startMinute: 0, endMinute: MINUTES_PER_DAY }];
  const calendar: WorkingCalendar = {
    timeZone: canonicalZone(timeZone, "time_zone"),
    week: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all },
    holidays: [],
  };
  return calendar;
}

/** The default working calendar: 24/7 in UTC (SPEC "Working hours … Default 24/7"). */
export const DEFAULT_WORKING_CALENDAR: WorkingCalendar = alwaysOpenCalendar("UTC");

/**
 * Parses one window: `"09:00-13:00"`, `"22:00-06:00"` (crosses midnight: the end is at or before
 * the start), `"18:00-24:00"`. Hours take one or two digits (`9:00`), minutes two; the separator is
 * `-`, `–` or `—` with optional spaces. `24:00` is allowed only as an end; `"09:00-09:00"` is a 24-hour
 * window ending at 09:00 the next day.
 * @throws SettingsError (path `window`) for anything else.
 */
export function parseWorkingWindow(text: string): WorkingWindow {
  const result = parseWindowText(text);
  if (typeof result === "string") throw new SettingsError([{ path: "window", message: result }]);
  return result;
}

/** Formats a window back to `HH:MM-HH:MM` (`{1320, 1800}` → `"22:00-06:00"`, `{0, 1440}` → `"00:00-24:00"`). */
export function formatWorkingWindow(window: WorkingWindow): string {
  const end = window.endMinute === MINUTES_PER_DAY ? MINUTES_PER_DAY : window.endMinute % MINUTES_PER_DAY;
  return `${hhmm(window.startMinute)}-${hhmm(end)}`;
}

/**
 * Parses and validates working-hours settings ({@link WorkingCalendarSettings}) into a
 * {@link WorkingCalendar}. When `working_hours` is present it must name all seven weekdays (use `[]`
 * for a day off) so that a forgotten day is an error, not silently a day off or 24 h.
 * @param path prefix for issue paths, e.g. `groups.3`.
 * @throws SettingsError listing every issue: unknown or missing weekday keys, a day that is not an
 *   array, a malformed window or time (`"25:00-26:00"`, `"9-13"`, `"24:00-01:00"`), windows that overlap
 *   (within a day, across midnight, or from Sunday into Monday; touching windows such as `09:00-13:00`
 *   and `13:00-18:00` are fine), an invalid holiday date, an unknown time zone.
 */
export function parseWorkingCalendar(settings: unknown, path = ""): WorkingCalendar {
  const issues = new IssueCollector();
  const at = (field: string): string => (path === "" ? field : `${path}.${field}`);
  if (settings === null || settings === undefined) return DEFAULT_WORKING_CALENDAR;
  if (!isRecord(settings)) {
    throw new SettingsError([
      { path: path === "" ? "(root)" : path, message: `expected an object, got ${quote(settings)}` },
    ]);
  }
  for (const key of Object.keys(settings)) {
    if (key !== "time_zone" && key !== "working_hours" && key !== "holidays") {
      issues.add(at(key), "unknown field (expected time_zone, working_hours, holidays)");
    }
  }

  let timeZone = "UTC";
  const tz = settings["time_zone"];
  if (tz !== undefined && tz !== null) {
    if (typeof tz !== "string") issues.add(at("time_zone"), `expected a string, got ${quote(tz)}`);
    else {
      try {
        timeZone = resolveTimeZone(tz.trim()).id;
      } catch (error) {
        issues.add(at("time_zone"), (error as Error).message);
      }
    }
  }

  const all: readonly WorkingWindow[] = [{ startMinute: 0, endMinute: MINUTES_PER_DAY }];
  const week: Record<Weekday, WorkingWindow[]> = {
    mon: [],
    tue: [],
    wed: [],
    thu: [],
    fri: [],
    sat: [],
    sun: [],
  };
  const texts: Record<Weekday, string[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  const hours = settings["working_hours"];
  if (hours === undefined || hours === null) {
    for (const day of WEEKDAYS) week[day] = [...all];
  } else if (!isRecord(hours)) {
    issues.add(at("working_hours"), `expected an object {"mon": ["09:00-18:00"], …}, got ${quote(hours)}`);
  } else {
    for (const key of Object.keys(hours)) {
      if (!(WEEKDAYS as readonly string[]).includes(key)) {
        issues.add(at(`working_hours.${key}`), `unknown weekday (expected one of ${WEEKDAYS.join(", ")})`);
      }
    }
    for (const day of WEEKDAYS) {
      const list = hours[day];
      const dayPath = at(`working_hours.${day}`);
      if (list === undefined) {
        issues.add(dayPath, "missing: list the windows of every weekday, [] for a day off");
        continue;
      }
      if (!Array.isArray(list)) {
        issues.add(dayPath, `expected a list of "HH:MM-HH:MM" windows, got ${quote(list)}`);
        continue;
      }
      list.forEach((item: unknown, i) => {
        if (typeof item !== "string") {
          issues.add(`${dayPath}[${i}]`, `expected "HH:MM-HH:MM", got ${quote(item)}`);
          return;
        }
        const window = parseWindowText(item);
        if (typeof window === "string") issues.add(`${dayPath}[${i}]`, window);
        else {
          week[day].push(window);
          texts[day].push(item);
        }
      });
    }
  }

  const holidays: string[] = [];
  const rawHolidays = settings["holidays"];
  if (rawHolidays !== undefined && rawHolidays !== null) {
    if (!Array.isArray(rawHolidays))
      issues.add(at("holidays"), `expected a list of "YYYY-MM-DD", got ${quote(rawHolidays)}`);
    else {
      rawHolidays.forEach((item: unknown, i) => {
        if (typeof item !== "string" || holidayDayNumber(item.trim()) === null) {
          issues.add(at(`holidays[${i}]`), `expected a real local date "YYYY-MM-DD", got ${quote(item)}`);
        } else holidays.push(item.trim());
      });
    }
  }

  // Overlaps are only meaningful once every window parsed; report them after the format issues.
  if (issues.issues.length === 0) {
    checkOverlaps(
      week,
      (p) => at(`working_hours.${p}`),
      issues,
      (day, i) => quote(texts[day][i]),
    );
  }
  issues.throwIfAny();
  for (const day of WEEKDAYS) week[day].sort((a, b) => a.startMinute - b.startMinute);
  return { timeZone, week, holidays: [...new Set(holidays)].sort() };
}

/**
 * The settings JSON of a calendar ({@link WorkingCalendarSettings} with every field present); the
 * inverse of {@link parseWorkingCalendar}.
 */
export function workingCalendarToSettings(calendar: WorkingCalendar): {
  time_zone: string;
  working_hours: Record<Weekday, string[]>;
  holidays: string[];
} {
  const working_hours = {} as Record<Weekday, string[]>;
  for (const day of WEEKDAYS) working_hours[day] = calendar.week[day].map(formatWorkingWindow);
  return { time_zone: calendar.timeZone, working_hours, holidays: [...calendar.holidays] };
}

/**
 * Validates a hand-built {@link WorkingCalendar} (the parser's output always passes). Called
 * automatically, once per calendar object, by every function that computes with a calendar.
 * @throws SettingsError with the same rules as {@link parseWorkingCalendar}.
 */
export function validateWorkingCalendar(calendar: WorkingCalendar): void {
  compile(calendar);
}

/**
 * Working time of `[start, end)` in seconds (may carry millisecond fractions; exact to the ms).
 * Examples with the shop-kyiv calendar (Mon–Fri 09:00–13:00, 14:00–18:00, Sat 10:00–15:00,
 * Europe/Kyiv): Fri 2026-10-23 00:00Z → Tue 2026-10-27 00:00Z = 8 h + 5 h + 0 + 8 h = 75 600 s,
 * Fri's window opening at 06:00Z and Monday's at 07:00Z.
 * @throws RangeError when an instant is invalid or `end < start` (use
 *   {@link workingSecondsBetween} for a signed result); SettingsError for an invalid hand-built calendar.
 */
export function workingSeconds(
  interval: { readonly start: InstantInput; readonly end: InstantInput },
  calendar: WorkingCalendar,
): number {
  const startMs = toEpochMs(interval.start, "start");
  const endMs = toEpochMs(interval.end, "end");
  if (endMs < startMs)
    throw new RangeError(`end (${String(interval.end)}) is before start (${String(interval.start)})`);
  return workingMs(startMs, endMs, calendar) / 1000;
}

/**
 * Signed working time from `from` to `to` in seconds: `workingSeconds({start: from, end: to})` when
 * `from <= to`, its negative otherwise. So `between(a, b) + between(b, c) === between(a, c)` for any
 * three instants.
 * @throws RangeError for an invalid instant; SettingsError for an invalid hand-built calendar.
 */
export function workingSecondsBetween(
  from: InstantInput,
  to: InstantInput,
  calendar: WorkingCalendar,
): number {
  const a = toEpochMs(from, "from");
  const b = toEpochMs(to, "to");
  return a <= b ? workingMs(a, b, calendar) / 1000 : -workingMs(b, a, calendar) / 1000;
}

/**
 * Working milliseconds of `[startMs, endMs)` (0 when `endMs <= startMs`), both epoch ms. The integer
 * core of {@link workingSeconds} for other domain modules.
 */
export function workingMs(startMs: number, endMs: number, calendar: WorkingCalendar): number {
  if (endMs <= startMs) return 0;
  const c = compile(calendar);
  if (c.alwaysOpen) return endMs - startMs;
  if (c.weekMs === 0) return 0;
  let total = 0;
  forEachOffsetPiece(c.zone, startMs, endMs, (from, to, offset) => {
    total += localWorkingMs(c, from + offset, to + offset);
    return false;
  });
  return total;
}

/** Options of {@link addWorkingSeconds}. */
export interface AddWorkingSecondsOptions {
  /** Give up (return `null`) when the answer would lie more than this many ms after `start`. Default 100 years. */
  readonly horizonMs?: number;
}

const DEFAULT_HORIZON_MS = 100 * 365.25 * DAY_MS;

/**
 * The instant (epoch ms) when `seconds` of working time have elapsed since `start`: the earliest
 * `t >= start` with `workingSeconds({start, end: t}) >= seconds`. For SLA "breached at" predictions.
 * - `seconds = 0` returns `start` itself, even off hours.
 * - The answer for `seconds > 0` lies inside a window or at its end, never at the start of the next
 *   one: 4 h from Mon 09:00 with a 09:00–13:00 window is 13:00, not 14:00.
 * - `seconds` is rounded to whole milliseconds.
 * - `null` when it never happens: the calendar has no working time at all, or not within
 *   `options.horizonMs` (default 100 years) or before year 10000.
 * Inverse of {@link workingSeconds}: `workingSeconds({start, end: addWorkingSeconds(start, s)}) === s`.
 * @throws RangeError for an invalid `start` or a negative or non-finite `seconds`; SettingsError for an
 *   invalid hand-built calendar.
 */
export function addWorkingSeconds(
  start: InstantInput,
  seconds: number,
  calendar: WorkingCalendar,
  options: AddWorkingSecondsOptions = {},
): number | null {
  const startMs = toEpochMs(start, "start");
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`seconds must be finite and >= 0, got ${seconds}`);
  const target = Math.round(seconds * 1000);
  if (target === 0) return startMs;
  const c = compile(calendar);
  const horizon = options.horizonMs ?? DEFAULT_HORIZON_MS;
  const limitMs = Math.min(MAX_INSTANT_MS + 1, startMs + horizon);
  if (c.alwaysOpen) return startMs + target <= limitMs ? startMs + target : null;
  if (c.weekMs === 0) return null;
  let remaining = target;
  let result: number | null = null;
  forEachOffsetPiece(c.zone, startMs, limitMs, (from, to, offset) => {
    const lo0 = from + offset;
    const hi0 = to + offset;
    const available = localWorkingMs(c, lo0, hi0);
    if (available < remaining) {
      remaining -= available;
      return false;
    }
    // Invariant: working(lo0, lo) < remaining <= working(lo0, hi). Working time is monotone in the
    // end instant, so bisection over whole ms finds the earliest end exactly (≤ 43 steps).
    let lo = lo0;
    let hi = hi0;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localWorkingMs(c, lo0, mid) >= remaining) hi = mid;
      else lo = mid;
    }
    result = hi - offset;
    return true;
  });
  return result;
}

/**
 * Whether `at` is working time (a window covers its wall-clock reading, start inclusive, end
 * exclusive; see the module rule).
 * @throws RangeError for an invalid instant; SettingsError for an invalid hand-built calendar.
 */
export function isWorkingInstant(at: InstantInput, calendar: WorkingCalendar): boolean {
  const ms = toEpochMs(at, "at");
  return workingMs(ms, ms + 1, calendar) === 1;
}

/**
 * The working periods inside `[start, end)` as instants: ascending, disjoint, touching periods merged
 * (`{start, end}` epoch ms). Their total length equals {@link workingSeconds} × 1000. Useful for
 * timelines and to explain a duration. Cost is O(days in the interval).
 * @throws RangeError when an instant is invalid or `end < start`; SettingsError for an invalid
 *   hand-built calendar.
 */
export function workingPeriods(
  interval: { readonly start: InstantInput; readonly end: InstantInput },
  calendar: WorkingCalendar,
): { start: number; end: number }[] {
  const startMs = toEpochMs(interval.start, "start");
  const endMs = toEpochMs(interval.end, "end");
  if (endMs < startMs)
    throw new RangeError(`end (${String(interval.end)}) is before start (${String(interval.start)})`);
  const c = compile(calendar);
  const out: { start: number; end: number }[] = [];
  const push = (s: number, e: number): void => {
    if (e <= s) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.end >= s) last.end = Math.max(last.end, e);
    else out.push({ start: s, end: e });
  };
  if (c.alwaysOpen) {
    push(startMs, endMs);
    return out;
  }
  forEachOffsetPiece(c.zone, startMs, endMs, (from, to, offset) => {
    const l1 = from + offset;
    const l2 = to + offset;
    for (let d = Math.floor(l1 / DAY_MS) - 1; d * DAY_MS < l2; d++) {
      if (c.holidaySet.has(d)) continue;
      for (const [s, e] of c.dayWindows[weekdayIndex(d)] ?? []) {
        const ws = Math.max(l1, d * DAY_MS + s);
        const we = Math.min(l2, d * DAY_MS + e);
        push(ws - offset, we - offset);
      }
    }
    return false;
  });
  return out;
}

/**
 * Working seconds per week of the calendar's pattern, ignoring holidays and DST (e.g. 45 h =
 * 162 000 s for shop-kyiv). 0 means the calendar never works.
 * @throws SettingsError for an invalid hand-built calendar.
 */
export function weeklyWorkingSeconds(calendar: WorkingCalendar): number {
  return compile(calendar).weekMs / 1000;
}

// ---------------------------------------------------------------------------------------------
// Internals

interface CompiledCalendar {
  readonly zone: ResolvedTimeZone;
  /** Every instant is working time (the week is fully covered and there are no holidays). */
  readonly alwaysOpen: boolean;
  /** Working ms of one pattern week. */
  readonly weekMs: number;
  /** The weekly pattern as disjoint pieces in ms from Monday 00:00 local, sorted, within [0, WEEK_MS). */
  readonly pieceStarts: readonly number[];
  readonly pieceEnds: readonly number[];
  /** prefix[i] = total length of pieces 0..i-1. */
  readonly piecePrefix: readonly number[];
  /** Per weekday index (Mon = 0): windows as [startMs, endMs) from 00:00 of their start date. */
  readonly dayWindows: readonly (readonly (readonly [number, number])[])[];
  /** Local day numbers (days since 1970-01-01) of the holidays, ascending. */
  readonly holidayDays: readonly number[];
  readonly holidaySet: ReadonlySet<number>;
  /** prefix sums of the working ms each holiday removes (its weekday's windows). */
  readonly holidayPrefix: readonly number[];
}

const compiled = new WeakMap<WorkingCalendar, CompiledCalendar>();

function compile(calendar: WorkingCalendar): CompiledCalendar {
  const hit = compiled.get(calendar);
  if (hit !== undefined) return hit;

  const issues = new IssueCollector();
  let zone: ResolvedTimeZone = { id: "UTC", fixedOffsetMs: 0 };
  try {
    zone = resolveTimeZone(calendar.timeZone);
  } catch (error) {
    issues.add("time_zone", (error as Error).message);
  }
  const week = calendar.week as Readonly<Record<string, readonly WorkingWindow[] | undefined>>;
  WEEKDAYS.forEach((day) => {
    const list = week[day];
    if (!Array.isArray(list)) {
      issues.add(`working_hours.${day}`, "missing: list the windows of every weekday, [] for a day off");
      return;
    }
    list.forEach((w: WorkingWindow, i) => {
      const ok =
        Number.isInteger(w.startMinute) &&
        Number.isInteger(w.endMinute) &&
        w.startMinute >= 0 &&
        w.startMinute < MINUTES_PER_DAY &&
        w.endMinute > w.startMinute &&
        w.endMinute <= w.startMinute + MINUTES_PER_DAY;
      if (!ok) {
        issues.add(
          `working_hours.${day}[${i}]`,
          `window ${quote(w)}: need integer minutes with 0 <= startMinute < 1440 and startMinute < endMinute <= startMinute + 1440`,
        );
      }
    });
  });
  calendar.holidays.forEach((h, i) => {
    if (holidayDayNumber(h) === null)
      issues.add(`holidays[${i}]`, `expected a real local date "YYYY-MM-DD", got ${quote(h)}`);
  });
  if (issues.issues.length === 0) {
    checkOverlaps(
      calendar.week,
      (p) => `working_hours.${p}`,
      issues,
      (day, i) => {
        const w = calendar.week[day][i];
        return w === undefined ? "" : quote(formatWorkingWindow(w));
      },
    );
  }
  issues.throwIfAny();

  const dayWindows = WEEKDAYS.map((day) =>
    [...calendar.week[day]]
      .sort((a, b) => a.startMinute - b.startMinute)
      .map((w) => [w.startMinute * MINUTE_MS, w.endMinute * MINUTE_MS] as const),
  );
  const raw: [number, number][] = [];
  dayWindows.forEach((windows, i) => {
    for (const [s, e] of windows) {
      const ws = i * DAY_MS + s;
      const we = i * DAY_MS + e;
      if (we <= WEEK_MS) raw.push([ws, we]);
      else {
        raw.push([ws, WEEK_MS]);
        raw.push([0, we - WEEK_MS]);
      }
    }
  });
  raw.sort((a, b) => a[0] - b[0]);
  const pieceStarts: number[] = [];
  const pieceEnds: number[] = [];
  for (const [s, e] of raw) {
    const last = pieceEnds.length - 1;
    if (last >= 0 && (pieceEnds[last] ?? 0) >= s) pieceEnds[last] = Math.max(pieceEnds[last] ?? 0, e);
    else {
      pieceStarts.push(s);
      pieceEnds.push(e);
    }
  }
  const piecePrefix = [0];
  let weekMs = 0;
  pieceStarts.forEach((s, i) => {
    weekMs += (pieceEnds[i] ?? s) - s;
    piecePrefix.push(weekMs);
  });
  const holidayDays = [...new Set(calendar.holidays.map((h) => holidayDayNumber(h) ?? 0))].sort(
    (a, b) => a - b,
  );
  const holidayPrefix = [0];
  let removed = 0;
  for (const d of holidayDays) {
    for (const [s, e] of dayWindows[weekdayIndex(d)] ?? []) removed += e - s;
    holidayPrefix.push(removed);
  }
  const result: CompiledCalendar = {
    zone,
    alwaysOpen: weekMs === WEEK_MS && holidayDays.length === 0,
    weekMs,
    pieceStarts,
    pieceEnds,
    piecePrefix,
    dayWindows,
    holidayDays,
    holidaySet: new Set(holidayDays),
    holidayPrefix,
  };
  compiled.set(calendar, result);
  return result;
}

/** Weekday index (Mon = 0 … Sun = 6) of a local day number; day 0 (1970-01-01) was a Thursday. */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Working ms of the weekly pattern in [0, x) from Monday 00:00, 0 <= x <= WEEK_MS. */
function patternUpTo(c: CompiledCalendar, x: number): number {
  // count = number of pieces starting before x
  let lo = 0;
  let hi = c.pieceStarts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((c.pieceStarts[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  const i = lo - 1;
  const start = c.pieceStarts[i] ?? 0;
  return (c.piecePrefix[i] ?? 0) + Math.min(x, c.pieceEnds[i] ?? 0) - start;
}

/** Working ms of local (UTC-like, 24-hour days) time [l1, l2), l1 <= l2, holidays applied. */
function localWorkingMs(c: CompiledCalendar, l1: number, l2: number): number {
  if (l2 <= l1) return 0;
  const d1 = Math.floor(l1 / DAY_MS);
  const d2 = Math.floor(l2 / DAY_MS);
  const monday1 = d1 - weekdayIndex(d1);
  const monday2 = d2 - weekdayIndex(d2);
  const weeks = (monday2 - monday1) / 7;
  const pattern =
    weeks * c.weekMs + patternUpTo(c, l2 - monday2 * DAY_MS) - patternUpTo(c, l1 - monday1 * DAY_MS);
  return pattern - holidayRemoved(c, l1, l2);
}

/** Working ms the holidays remove from local [l1, l2). */
function holidayRemoved(c: CompiledCalendar, l1: number, l2: number): number {
  const days = c.holidayDays;
  if (days.length === 0) return 0;
  // A holiday on day d removes windows within [d, d + 2 days).
  const i0 = lowerBound(days, Math.floor(l1 / DAY_MS) - 1);
  const i1 = lowerBound(days, Math.ceil(l2 / DAY_MS));
  if (i0 >= i1) return 0;
  // Holidays whose whole reach lies inside [l1, l2) count from the prefix sums.
  const f0 = Math.max(i0, lowerBound(days, Math.ceil(l1 / DAY_MS)));
  const f1 = Math.min(i1, lowerBound(days, Math.floor(l2 / DAY_MS) - 1));
  let removed = 0;
  const exact = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const d = days[i] ?? 0;
      const base = d * DAY_MS;
      for (const [s, e] of c.dayWindows[weekdayIndex(d)] ?? []) {
        removed += Math.max(0, Math.min(l2, base + e) - Math.max(l1, base + s));
      }
    }
  };
  if (f0 < f1) {
    removed += (c.holidayPrefix[f1] ?? 0) - (c.holidayPrefix[f0] ?? 0);
    exact(i0, f0);
    exact(f1, i1);
  } else exact(i0, i1);
  return removed;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function parseTimeText(text: string): number | null {
  const m = TIME.exec(text);
  if (m === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

function parseWindowText(text: string): WorkingWindow | string {
  const parts = text.trim().split(/\s*[-–—]\s*/);
  if (parts.length !== 2) return `expected "HH:MM-HH:MM", got ${quote(text)}`;
  const start = parseTimeText(parts[0] ?? "");
  const end = parseTimeText(parts[1] ?? "");
  if (start === null) return `bad start time ${quote(parts[0])} in ${quote(text)} (HH:MM, 00:00–23:59)`;
  if (end === null) return `bad end time ${quote(parts[1])} in ${quote(text)} (HH:MM, 00:00–24:00)`;
  if (start === MINUTES_PER_DAY) return `a window cannot start at 24:00: ${quote(text)}`;
  // An end at or before the start crosses midnight into the next day.
  return { startMinute: start, endMinute: end > start ? end : end + MINUTES_PER_DAY };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function holidayDayNumber(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = utcMs(y, mo, d);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return Math.round(ms / DAY_MS);
}

function canonicalZone(name: string, path: string): string {
  try {
    return resolveTimeZone(name).id;
  } catch (error) {
    throw new SettingsError([{ path, message: (error as Error).message }]);
  }
}

/** Reports every pair of windows that overlap on the weekly cycle (minutes of the week, wrapping). */
function checkOverlaps(
  week: Readonly<Record<Weekday, readonly WorkingWindow[]>>,
  pathOf: (suffix: string) => string,
  issues: IssueCollector,
  show: (day: Weekday, index: number) => string,
): void {
  const WEEK_MIN = 7 * MINUTES_PER_DAY;
  const pieces: { s: number; e: number; day: Weekday; index: number }[] = [];
  WEEKDAYS.forEach((day, d) => {
    week[day].forEach((w, index) => {
      const s = d * MINUTES_PER_DAY + w.startMinute;
      const e = d * MINUTES_PER_DAY + w.endMinute;
      if (e <= WEEK_MIN) pieces.push({ s, e, day, index });
      else {
        pieces.push({ s, e: WEEK_MIN, day, index });
        pieces.push({ s: 0, e: e - WEEK_MIN, day, index });
      }
    });
  });
  pieces.sort((a, b) => a.s - b.s || a.e - b.e);
  const reported = new Set<string>();
  for (let i = 0; i < pieces.length; i++) {
    const a = pieces[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < pieces.length; j++) {
      const b = pieces[j];
      if (b === undefined || b.s >= a.e) break;
      const key = `${b.day}[${b.index}]~${a.day}[${a.index}]`;
      if (reported.has(key) || (a.day === b.day && a.index === b.index)) continue;
      reported.add(key);
      reported.add(`${a.day}[${a.index}]~${b.day}[${b.index}]`);
      const later = a.s <= b.s ? b : a;
      const earlier = later === b ? a : b;
      issues.add(
        pathOf(`${later.day}[${later.index}]`),
        `window ${show(later.day, later.index)} overlaps ${earlier.day === later.day ? "" : `${earlier.day} `}window ${show(earlier.day, earlier.index)} (working_hours.${earlier.day}[${earlier.index}])`,
      );
    }
  }
}
