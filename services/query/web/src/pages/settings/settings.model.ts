/**
 * The Settings page's forms as plain data, and their conversion to and from the settings bodies of
 * `PUT /api/settings/*` (shapes in services/query settings.schemas.ts, rules in @pulse/domain).
 * Pure: no DOM, no fetch.
 */

/** A weekday key of a working calendar (`mon` … `sun`, ISO order). */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** The weekday keys in ISO order (Monday first). */
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** One working calendar as the API stores it (`WorkingCalendarSettings` of @pulse/events). */
export interface CalendarSettings {
  time_zone?: string;
  working_hours?: Record<Weekday, string[]>;
  holidays?: string[];
}

/** The working-hours settings body (without `version`). */
export interface WorkingHoursSettings {
  default: CalendarSettings;
  groups: Record<string, CalendarSettings>;
}

/**
 * One calendar as the form edits it: per weekday the windows as text (`"09:00-13:00, 14:00-18:00"`,
 * empty = day off), holidays one per line or comma-separated, `alwaysOpen` = 24/7 (no
 * `working_hours`).
 */
export interface CalendarForm {
  alwaysOpen: boolean;
  days: Record<Weekday, string>;
  holidays: string;
  timeZone: string;
}

/** The calendar presets the form offers (SPEC: default 24/7; the common office week). */
export type CalendarPreset = "24/7" | "mon-fri-9-18";

/** A form filled with `preset` (the time zone is kept by the caller). */
export function calendarPreset(preset: CalendarPreset): Omit<CalendarForm, "timeZone" | "holidays"> {
  if (preset === "24/7") {
    return { alwaysOpen: true, days: { mon: "", tue: "", wed: "", thu: "", fri: "", sat: "", sun: "" } };
  }
  const office = "09:00-18:00";
  return {
    alwaysOpen: false,
    days: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: "", sun: "" },
  };
}

/** A whole day as one window, as the API writes the 24/7 default (`workingCalendarToSettings`). */
const WHOLE_DAY = "00:00-24:00";

/**
 * The form of a stored calendar: 24/7 when it has no `working_hours` (or `undefined`, the default)
 * or when every day is one whole-day window, as the API's default reads.
 */
export function calendarForm(settings: CalendarSettings | undefined): CalendarForm {
  const hours = settings?.working_hours;
  const days = {} as Record<Weekday, string>;
  for (const d of WEEKDAYS) days[d] = (hours?.[d] ?? []).join(", ");
  const wholeWeek =
    hours !== undefined && WEEKDAYS.every((d) => hours[d].length === 1 && hours[d][0] === WHOLE_DAY);
  return {
    alwaysOpen: hours === undefined || wholeWeek,
    days,
    holidays: (settings?.holidays ?? []).join("\n"),
    timeZone: settings?.time_zone ?? "",
  };
}

/** Splits a list typed by a person on commas, semicolons, spaces and line breaks. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * The windows of one weekday as typed (`"09:00 - 13:00, 14:00-18:00"`): split on commas, semicolons
 * and line breaks, spaces removed inside each window.
 */
export function splitWindows(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((w) => w.replace(/\s+/g, ""))
    .filter((w) => w !== "");
}

/** The stored calendar of a form; the server validates windows and dates (400 `invalid_settings`). */
export function calendarSettings(form: CalendarForm): CalendarSettings {
  const out: CalendarSettings = {};
  if (form.timeZone.trim() !== "") out.time_zone = form.timeZone.trim();
  if (!form.alwaysOpen) {
    const hours = {} as Record<Weekday, string[]>;
    for (const d of WEEKDAYS) hours[d] = splitWindows(form.days[d]);
    out.working_hours = hours;
  }
  const holidays = splitList(form.holidays);
  if (holidays.length > 0) out.holidays = holidays;
  return out;
}

/** `hh:mm` with 1–5 hour digits, as `parseSlaLimit` of @pulse/domain accepts. */
const LIMIT = /^\d{1,5}:[0-5]\d$/;

/** True when `text` is an SLA limit the API accepts (`"02:30"`, `"72:00"`); empty = no SLA. */
export function isSlaLimit(text: string): boolean {
  return LIMIT.test(text.trim());
}

/** The SLA settings body (without `version`). */
export interface SlaSettings {
  near_share: number;
  grids: Record<string, Record<string, string | null>>;
}

/** One row of the SLA grid form: a status group and its two limits as typed (`""` = no SLA). */
export interface SlaRow {
  groupId: string;
  groupName: string;
  normal: string;
  urgent: string;
}

/**
 * The rows of the SLA form: one per dictionary group, then groups that only the settings name (a
 * group the dictionary no longer lists keeps its limits rather than being dropped silently).
 */
export function slaRows(
  groups: readonly { group_id: number; name: string }[],
  settings: SlaSettings,
): SlaRow[] {
  const normal = settings.grids["normal"] ?? {};
  const urgent = settings.grids["urgent"] ?? {};
  const rows: SlaRow[] = groups.map((g) => {
    const id = String(g.group_id);
    return { groupId: id, groupName: g.name, normal: normal[id] ?? "", urgent: urgent[id] ?? "" };
  });
  const known = new Set(rows.map((r) => r.groupId));
  const extra = [...new Set([...Object.keys(normal), ...Object.keys(urgent)])]
    .filter((id) => !known.has(id))
    .sort((a, b) => Number(a) - Number(b));
  for (const id of extra) {
    rows.push({ groupId: id, groupName: `#${id}`, normal: normal[id] ?? "", urgent: urgent[id] ?? "" });
  }
  return rows;
}

/**
 * The SLA settings of the form: `normal` and `urgent` from the rows (empty cells are left out: no
 * SLA), other grids (profiles an order override may pick) kept as they were.
 */
export function slaSettings(rows: readonly SlaRow[], nearShare: number, previous: SlaSettings): SlaSettings {
  const normal: Record<string, string> = {};
  const urgent: Record<string, string> = {};
  for (const r of rows) {
    if (r.normal.trim() !== "") normal[r.groupId] = r.normal.trim();
    if (r.urgent.trim() !== "") urgent[r.groupId] = r.urgent.trim();
  }
  return { near_share: nearShare, grids: { ...previous.grids, normal, urgent } };
}

/** A boundary of a cycle rule as stored: `{group_id}`, `{status_id}` or `{status_id, group_id}`. */
export type CycleBoundarySettings = {
  group_id?: number;
  status_id?: number;
};

/** One cycle rule as stored (`cycleRulesToJson` of @pulse/domain). */
export type CycleRuleSettings = {
  name: string;
  start: CycleBoundarySettings;
  end: CycleBoundarySettings;
  start_entry: "first" | "last";
  end_entry: "first" | "last";
};

/**
 * A boundary as one select value: `g:{group}` (a status group), `s:{group}:{status}` (a status of
 * a group: amoCRM stage ids repeat in every pipeline) or `s::{status}` (a status, any group).
 */
export type BoundaryKey = string;

/** The select value of a stored boundary (`""` when it names nothing). */
export function boundaryKey(b: CycleBoundarySettings | undefined): BoundaryKey {
  if (b === undefined) return "";
  if (b.status_id !== undefined) return `s:${b.group_id ?? ""}:${b.status_id}`;
  if (b.group_id !== undefined) return `g:${b.group_id}`;
  return "";
}

/** The stored boundary of a select value; `undefined` for `""` or a malformed value. */
export function boundaryOf(key: BoundaryKey): CycleBoundarySettings | undefined {
  const group = /^g:(\d+)$/.exec(key);
  if (group) return { group_id: Number(group[1]) };
  const status = /^s:(\d*):(\d+)$/.exec(key);
  if (status) {
    return status[1] === ""
      ? { status_id: Number(status[2]) }
      : { status_id: Number(status[2]), group_id: Number(status[1]) };
  }
  return undefined;
}

/** One cycle rule as the form edits it. */
export interface CycleRuleForm {
  name: string;
  start: BoundaryKey;
  end: BoundaryKey;
  startEntry: "first" | "last";
  endEntry: "first" | "last";
}

/** The form rows of stored cycle rules (unreadable entries become empty selects the admin fixes). */
export function cycleForms(rules: readonly Record<string, unknown>[]): CycleRuleForm[] {
  return rules.map((r) => {
    const entry = (v: unknown): "first" | "last" => (v === "last" ? "last" : "first");
    const boundary = (v: unknown): CycleBoundarySettings | undefined => {
      if (typeof v !== "object" || v === null) return undefined;
      const o = v as Record<string, unknown>;
      const out: CycleBoundarySettings = {};
      if (typeof o["group_id"] === "number") out.group_id = o["group_id"];
      if (typeof o["status_id"] === "number") out.status_id = o["status_id"];
      return out;
    };
    return {
      name: typeof r["name"] === "string" ? r["name"] : "",
      start: boundaryKey(boundary(r["start"])),
      end: boundaryKey(boundary(r["end"])),
      startEntry: entry(r["start_entry"]),
      endEntry: entry(r["end_entry"]),
    };
  });
}

/**
 * The stored rules of the form rows. A row whose boundary is unset is sent with an empty boundary,
 * so the server's issue (with the row's path) tells the admin which one.
 */
export function cycleRules(forms: readonly CycleRuleForm[]): CycleRuleSettings[] {
  return forms.map((f) => ({
    name: f.name.trim(),
    start: boundaryOf(f.start) ?? {},
    end: boundaryOf(f.end) ?? {},
    start_entry: f.startEntry,
    end_entry: f.endEntry,
  }));
}

/** What an urgent rule matches on (SPEC "Urgency"). */
export type UrgentMatchType = "sku" | "offer_id" | "product_id";

/** One urgent rule (form and body alike). */
export interface UrgentRule {
  match_type: UrgentMatchType;
  match_value: string;
}

/** The rules to send: values trimmed, empty rows dropped. */
export function urgentRules(rows: readonly UrgentRule[]): UrgentRule[] {
  return rows
    .map((r) => ({ match_type: r.match_type, match_value: r.match_value.trim() }))
    .filter((r) => r.match_value !== "");
}

/** One changed value of an order in a recomputation's diff (`ops.replays.diff`). */
export interface DiffChange {
  order_id: number;
  field: string;
  group_id: number | null;
  before: string | number | null;
  after: string | number | null;
}

/** A recomputation's diff: orders changed, the first changes, whether the list was cut. */
export interface ReplayDiff {
  ordersChanged: number;
  changes: DiffChange[];
  truncated: boolean;
}

const scalar = (v: unknown): string | number | null =>
  typeof v === "string" || typeof v === "number" ? v : null;

/**
 * Reads the `diff` of `GET /api/replays/:id` (typed `unknown` by the API: the projector records it):
 * `{orders_changed, changes: [{order_id, field, group_id?, before, after}], truncated}`. `null` while
 * there is none (the replay runs); entries without an order id or field are skipped.
 */
export function readReplayDiff(diff: unknown): ReplayDiff | null {
  if (typeof diff !== "object" || diff === null) return null;
  const d = diff as Record<string, unknown>;
  const raw = Array.isArray(d["changes"]) ? (d["changes"] as unknown[]) : [];
  const changes: DiffChange[] = [];
  for (const c of raw) {
    if (typeof c !== "object" || c === null) continue;
    const o = c as Record<string, unknown>;
    if (typeof o["order_id"] !== "number" || typeof o["field"] !== "string") continue;
    changes.push({
      order_id: o["order_id"],
      field: o["field"],
      group_id: typeof o["group_id"] === "number" ? o["group_id"] : null,
      before: scalar(o["before"]),
      after: scalar(o["after"]),
    });
  }
  const count =
    typeof d["orders_changed"] === "number"
      ? d["orders_changed"]
      : new Set(changes.map((c) => c.order_id)).size;
  return { ordersChanged: count, changes, truncated: d["truncated"] === true };
}

/** The orders of a diff with their changes, in order id order. */
export function changesByOrder(diff: ReplayDiff): { orderId: number; changes: DiffChange[] }[] {
  const byOrder = new Map<number, DiffChange[]>();
  for (const c of diff.changes) {
    const list = byOrder.get(c.order_id) ?? [];
    list.push(c);
    byOrder.set(c.order_id, list);
  }
  return [...byOrder.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([orderId, changes]) => ({ orderId, changes }));
}
