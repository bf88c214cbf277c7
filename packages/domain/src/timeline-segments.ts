/**
 * The working and non-working parts of a status interval, for timelines (SPEC "Order status
 * analytics" → "Working hours"): the interval `[start, end)` cut at every boundary of the working
 * calendar, each part marked `working` or not. It is the drawing of {@link workingPeriods}: the
 * working parts are exactly its periods, so their total equals the interval's working time
 * ({@link workingSeconds}), and the non-working parts fill the gaps (nights, days off, holidays;
 * DST as the calendar's rule says).
 */
import { type InstantInput, toEpochMs } from "./instant-input.js";
import { type WorkingCalendar, workingPeriods } from "./working-calendar.js";

/** One part of an interval: `[start, end)` in epoch milliseconds, working time or not. */
export interface TimelineSegment {
  readonly start: number;
  readonly end: number;
  readonly working: boolean;
}

/**
 * The segments of `[start, end)` under `calendar`: ascending, touching, covering the interval
 * exactly, alternating between working and non-working (no two neighbours share `working`). An
 * empty interval has no segment. Cost is O(days in the interval), like {@link workingPeriods}.
 * @throws RangeError when an instant is invalid or `end < start`; SettingsError for an invalid
 *   hand-built calendar.
 */
export function timelineSegments(
  interval: { readonly start: InstantInput; readonly end: InstantInput },
  calendar: WorkingCalendar,
): TimelineSegment[] {
  const startMs = toEpochMs(interval.start, "start");
  const endMs = toEpochMs(interval.end, "end");
  const periods = workingPeriods({ start: startMs, end: endMs }, calendar);
  const out: TimelineSegment[] = [];
  let at = startMs;
  for (const p of periods) {
    if (p.start > at) out.push({ start: at, end: p.start, working: false });
    out.push({ start: p.start, end: p.end, working: true });
    at = p.end;
  }
  if (endMs > at) out.push({ start: at, end: endMs, working: false });
  return out;
}
