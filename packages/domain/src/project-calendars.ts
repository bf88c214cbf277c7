/**
 * The working calendar of a status group of a project (SPEC "Working hours: per project and per
 * status group … Default 24/7 … in the project's time zone"), from the stored working-hours
 * settings (`settings.working_hours_changed` data: `{default: {...}, groups: {"<group id>": {...}}}`).
 * One rule for every reader (projector and query), so a duration means the same everywhere.
 */
import { alwaysOpenCalendar, parseWorkingCalendar, type WorkingCalendar } from "./working-calendar.js";
import { resolveTimeZone } from "./zone-offsets.js";

/** The working calendar of a status group (`null` = group unknown), see {@link groupCalendars}. */
export type GroupCalendars = (groupId: number | null) => WorkingCalendar;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The canonical id of `zone` (IANA name or fixed offset), `UTC` when it is not a valid zone. */
export function projectZoneOrUtc(zone: string | null | undefined): string {
  if (typeof zone !== "string" || zone === "") return "UTC";
  try {
    return resolveTimeZone(zone).id;
  } catch {
    return "UTC";
  }
}

/**
 * Interprets stored working-hours settings (`data` of `rm.settings` kind `working_hours`, or
 * `undefined`/`null` when the project never set them) as per-group calendars:
 * - group `g` uses `groups["g"]` when present, else `default` (a `null` group uses `default`);
 * - a calendar without `time_zone` is in the project's zone (`projectZone`; `UTC` when invalid);
 * - a calendar without `working_hours` is 24/7; no settings at all → every group 24/7 (SPEC default);
 * - a stored calendar that does not parse (it was validated before publication, so only an older or
 *   foreign writer could cause it) counts as 24/7 in the project's zone rather than failing.
 * Each group's calendar is parsed once and cached by the returned function. Never throws.
 */
export function groupCalendars(settings: unknown, projectZone: string): GroupCalendars {
  const zone = projectZoneOrUtc(projectZone);
  const data = isRecord(settings) ? settings : {};
  const groups = isRecord(data["groups"]) ? data["groups"] : {};
  const fallback = alwaysOpenCalendar(zone);
  const cache = new Map<string, WorkingCalendar>();
  const parse = (raw: unknown): WorkingCalendar => {
    if (!isRecord(raw)) return fallback;
    const tz = raw["time_zone"];
    try {
      return parseWorkingCalendar({ ...raw, time_zone: typeof tz === "string" && tz !== "" ? tz : zone });
    } catch {
      return fallback;
    }
  };
  return (groupId) => {
    const key = groupId !== null && Object.hasOwn(groups, String(groupId)) ? String(groupId) : "";
    let calendar = cache.get(key);
    if (calendar === undefined) {
      calendar = parse(key === "" ? (data["default"] ?? {}) : groups[key]);
      cache.set(key, calendar);
    }
    return calendar;
  };
}

/**
 * The working calendar of status group `groupId` (`null` = unknown group) of a project, by the rule
 * of {@link groupCalendars}: `groups[g]` else `default`; no `time_zone` → `projectZone`; no
 * `working_hours` → 24/7. For one lookup; use {@link groupCalendars} for many. Never throws.
 */
export function calendarForGroup(
  settings: unknown,
  projectZone: string,
  groupId: number | null,
): WorkingCalendar {
  return groupCalendars(settings, projectZone)(groupId);
}
