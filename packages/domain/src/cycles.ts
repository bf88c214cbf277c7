/**
 * Order cycles (SPEC "Order status analytics" → "Cycle rules"): per project, named rules such as
 * "to delivery" (new → delivery) or "full cycle" (new → completed), each from a start status or
 * group to an end status or group; `orders_current` keeps the cycle's start, `delivery_entered_at`,
 * the duration and the rule applied.
 *
 * Terms:
 * - An **entry** into a boundary (a status or a group) is an interval that matches it while the
 *   interval before it does not (or it is the order's first interval): moving between two statuses
 *   of the same group is not a new entry into the group; leaving and coming back is.
 * - The cycle **starts** at the first entry into the start boundary (`startEntry: "first"`, the
 *   default) or the last one (`"last"`, which moves while the order keeps re-entering).
 * - It **ends** at the first entry into the end boundary after the start entry (`endEntry: "first"`,
 *   the default) or the last such entry (`"last"`). Without one the cycle is open and measured up
 *   to `now` (pass the order's `closed_at` as `now` to stop the clock of a closed order that never
 *   reached the end, e.g. cancelled before delivery).
 * - Order overrides (an admin's cycle start/end instants) win over the rule; with only the start
 *   overridden, the end is the first (or last) end entry at or after that instant.
 *
 * Intervals have the shape of `order-intervals.ts` `StatusInterval` (`status_id`, `status_group_id`,
 * `started_at`, `ended_at`), so its output can be passed as is; they are taken in `started_at` order
 * and each ends where the next starts (SPEC: interval i is `[t_i, t_{i+1})`). Instants returned are
 * ISO-8601 UTC with milliseconds.
 */
import { type InstantInput, toEpochMs } from "./instant-input.js";
import { IssueCollector, isRecord, quote } from "./settings-error.js";
import { type WorkingCalendar, workingMs } from "./working-calendar.js";

/**
 * One status interval of an order: `[started_at, ended_at)` in `status_id` of group
 * `status_group_id` (`null` when unknown); `ended_at: null` for the current status.
 */
export interface CycleInterval {
  readonly status_id: number;
  readonly status_group_id: number | null;
  readonly started_at: InstantInput;
  readonly ended_at: InstantInput | null;
}

/**
 * Where a cycle starts or ends: a status group (`{kind: "group", id}`), or a status
 * (`{kind: "status", id}`), optionally in a given group (`groupId`) — needed for amoCRM, where the
 * system statuses 142/143 exist in every pipeline (the pipeline plays the group).
 */
export type CycleBoundary =
  | { readonly kind: "group"; readonly id: number }
  | { readonly kind: "status"; readonly id: number; readonly groupId?: number };

/** Which entry into a boundary counts: the first (default) or the last. */
export type CycleEntry = "first" | "last";

/** A named cycle rule; see the module comment for the semantics. */
export interface CycleRule {
  readonly name: string;
  readonly start: CycleBoundary;
  readonly startEntry: CycleEntry;
  readonly end: CycleBoundary;
  readonly endEntry: CycleEntry;
}

/**
 * Where a cycle starts and ends (ISO instants; `endedAt: null` = open) and where each came from: the
 * rule or an order override.
 */
export interface CycleBounds {
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly startFrom: "rule" | "override";
  readonly endFrom: "rule" | "override" | null;
}

/**
 * A measured cycle: its bounds plus `wallSeconds` (elapsed) and `workingSeconds` (working time) up
 * to `endedAt`, or up to `now` while open; both 0 when the end (or `now`) is not after the start
 * (e.g. an override end before the start). `open` = no end yet. `rule` is the rule's name, `null`
 * when only overrides defined the cycle.
 */
export interface CycleMeasurement extends CycleBounds {
  readonly rule: string | null;
  readonly open: boolean;
  readonly wallSeconds: number;
  readonly workingSeconds: number;
}

/**
 * The calendar to measure working time with: one for the whole cycle, or one per status group
 * (SPEC: working hours are per status group), called with each interval's group — and with `null`
 * for time not covered by any interval (only possible with overrides outside the intervals).
 */
export type CycleCalendar = WorkingCalendar | ((groupId: number | null) => WorkingCalendar);

/** Optional cycle start/end instants set on the order by an admin; `null`/missing = not overridden. */
export interface CycleOverride {
  readonly startedAt?: InstantInput | null;
  readonly endedAt?: InstantInput | null;
}

/**
 * Parses a project's cycle rules from settings JSON:
 * `[{"name": "to delivery", "start": {"group_id": 1}, "end": {"group_id": 4}},
 *   {"name": "full cycle", "start": {"group_id": 1}, "end": {"status_id": 12}, "end_entry": "last"}]`.
 * A boundary is `{"group_id": n}`, `{"status_id": n}` or `{"status_id": n, "group_id": m}` (status
 * `n` of group `m`). `start_entry` / `end_entry` are `"first"` (default) or `"last"`. Names are
 * trimmed, 1–100 characters, unique.
 * @param path prefix for issue paths (default `cycle_rules`).
 * @throws SettingsError listing every issue.
 */
export function parseCycleRules(input: unknown, path = "cycle_rules"): CycleRule[] {
  const issues = new IssueCollector();
  if (input === null || input === undefined) return [];
  if (!Array.isArray(input)) {
    issues.add(path, `expected a list of cycle rules, got ${quote(input)}`);
    issues.throwIfAny();
    return [];
  }
  const rules: CycleRule[] = [];
  const names = new Set<string>();
  input.forEach((raw: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(raw)) {
      issues.add(at, `expected {"name", "start", "end"}, got ${quote(raw)}`);
      return;
    }
    for (const key of Object.keys(raw)) {
      if (!["name", "start", "end", "start_entry", "end_entry"].includes(key)) {
        issues.add(`${at}.${key}`, "unknown field (expected name, start, end, start_entry, end_entry)");
      }
    }
    const rawName = raw["name"];
    const name = typeof rawName === "string" ? rawName.trim() : "";
    if (name === "" || name.length > 100)
      issues.add(`${at}.name`, `expected a name of 1-100 characters, got ${quote(rawName)}`);
    else if (names.has(name)) issues.add(`${at}.name`, `duplicate rule name ${quote(name)}`);
    names.add(name);
    const start = parseBoundary(raw["start"], `${at}.start`, issues);
    const end = parseBoundary(raw["end"], `${at}.end`, issues);
    const startEntry = parseEntry(raw["start_entry"], `${at}.start_entry`, issues);
    const endEntry = parseEntry(raw["end_entry"], `${at}.end_entry`, issues);
    if (start && end && startEntry && endEntry) rules.push({ name, start, startEntry, end, endEntry });
  });
  issues.throwIfAny();
  return rules;
}

/** The settings JSON of rules; the inverse of {@link parseCycleRules}. */
export function cycleRulesToJson(rules: readonly CycleRule[]): {
  name: string;
  start: Record<string, number>;
  end: Record<string, number>;
  start_entry: CycleEntry;
  end_entry: CycleEntry;
}[] {
  const boundary = (b: CycleBoundary): Record<string, number> =>
    b.kind === "group"
      ? { group_id: b.id }
      : b.groupId === undefined
        ? { status_id: b.id }
        : { status_id: b.id, group_id: b.groupId };
  return rules.map((r) => ({
    name: r.name,
    start: boundary(r.start),
    end: boundary(r.end),
    start_entry: r.startEntry,
    end_entry: r.endEntry,
  }));
}

/**
 * When the order first entered `boundary` (ISO instant), or `null` if it never did. With
 * `{kind: "group", id: 4}` this is SPEC `delivery_entered_at` (group 4 = delivery in KeyCRM).
 * @throws RangeError for an invalid instant in `intervals`.
 */
export function firstEntryAt(intervals: readonly CycleInterval[], boundary: CycleBoundary): string | null {
  const entries = entriesInto(normalize(intervals), boundary);
  const first = entries[0];
  return first === undefined ? null : iso(first.startMs);
}

/**
 * When the order last entered `boundary` (ISO instant), or `null` if it never did.
 * @throws RangeError for an invalid instant in `intervals`.
 */
export function lastEntryAt(intervals: readonly CycleInterval[], boundary: CycleBoundary): string | null {
  const entries = entriesInto(normalize(intervals), boundary);
  const last = entries[entries.length - 1];
  return last === undefined ? null : iso(last.startMs);
}

/**
 * The bounds of a cycle by `rule` (may be `null`: overrides only) and `override`:
 * start = override start, else the rule's start entry, else no cycle (`null`); end = override end,
 * else the rule's end entry after the start, else open.
 * @throws RangeError for an invalid instant in `intervals` or `override`.
 */
export function findCycleBounds(
  intervals: readonly CycleInterval[],
  rule: CycleRule | null,
  override: CycleOverride | null = null,
): CycleBounds | null {
  const list = normalize(intervals);
  const overrideStart = override?.startedAt ?? null;
  const overrideEnd = override?.endedAt ?? null;
  let startMs: number;
  let startFrom: CycleBounds["startFrom"];
  /** End entries must come after this interval index (rule start) or instant (override start). */
  let afterIndex = -1;
  if (overrideStart !== null) {
    startMs = toEpochMs(overrideStart, "override.startedAt");
    startFrom = "override";
  } else {
    if (rule === null) return null;
    const entries = entriesInto(list, rule.start);
    const entry = rule.startEntry === "last" ? entries[entries.length - 1] : entries[0];
    if (entry === undefined) return null;
    startMs = entry.startMs;
    afterIndex = entry.index;
    startFrom = "rule";
  }
  let endMs: number | null = null;
  let endFrom: CycleBounds["endFrom"] = null;
  if (overrideEnd !== null) {
    endMs = toEpochMs(overrideEnd, "override.endedAt");
    endFrom = "override";
  } else if (rule !== null) {
    const candidates = entriesInto(list, rule.end).filter((e) =>
      startFrom === "rule" ? e.index > afterIndex : e.startMs >= startMs,
    );
    const entry = rule.endEntry === "last" ? candidates[candidates.length - 1] : candidates[0];
    if (entry !== undefined) {
      endMs = entry.startMs;
      endFrom = "rule";
    }
  }
  return { startedAt: iso(startMs), endedAt: endMs === null ? null : iso(endMs), startFrom, endFrom };
}

/**
 * Finds and measures a cycle: {@link findCycleBounds}, then wall-clock and working seconds up to the
 * end, or up to `now` while open. Working time uses `calendar` — one calendar, or per status group,
 * each interval's part of the cycle measured with its group's calendar. `null` when there is no cycle
 * (the order never entered the start boundary and no start override).
 * @throws RangeError for invalid instants; SettingsError for an invalid hand-built calendar.
 */
export function measureCycle(input: {
  readonly intervals: readonly CycleInterval[];
  readonly rule: CycleRule | null;
  readonly calendar: CycleCalendar;
  readonly now: InstantInput;
  readonly override?: CycleOverride | null;
}): CycleMeasurement | null {
  const bounds = findCycleBounds(input.intervals, input.rule, input.override ?? null);
  if (bounds === null) return null;
  const startMs = toEpochMs(bounds.startedAt);
  const untilMs = bounds.endedAt === null ? toEpochMs(input.now, "now") : toEpochMs(bounds.endedAt);
  const working =
    untilMs > startMs ? cycleWorkingMs(normalize(input.intervals), startMs, untilMs, input.calendar) : 0;
  return {
    rule: input.rule?.name ?? null,
    ...bounds,
    open: bounds.endedAt === null,
    wallSeconds: Math.max(0, untilMs - startMs) / 1000,
    workingSeconds: working / 1000,
  };
}

/**
 * Measures every rule of a project for one order: rule name → measurement (`null` where the order
 * has no such cycle). The same `override` applies to each rule.
 * @throws as {@link measureCycle}.
 */
export function measureCycles(input: {
  readonly intervals: readonly CycleInterval[];
  readonly rules: readonly CycleRule[];
  readonly calendar: CycleCalendar;
  readonly now: InstantInput;
  readonly override?: CycleOverride | null;
}): Map<string, CycleMeasurement | null> {
  const out = new Map<string, CycleMeasurement | null>();
  for (const rule of input.rules) {
    out.set(
      rule.name,
      measureCycle({
        intervals: input.intervals,
        rule,
        calendar: input.calendar,
        now: input.now,
        override: input.override ?? null,
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface NormalizedInterval {
  readonly statusId: number;
  readonly groupId: number | null;
  readonly startMs: number;
  /** Next interval's start, else its own `ended_at`, else null (open). */
  readonly endMs: number | null;
}

function normalize(intervals: readonly CycleInterval[]): NormalizedInterval[] {
  const sorted = intervals
    .map((iv, i) => ({
      iv,
      i,
      startMs: toEpochMs(iv.started_at, `intervals[${i}].started_at`),
      ownEnd: iv.ended_at === null ? null : toEpochMs(iv.ended_at, `intervals[${i}].ended_at`),
    }))
    .sort((a, b) => a.startMs - b.startMs || a.i - b.i);
  return sorted.map((x, k) => ({
    statusId: x.iv.status_id,
    groupId: x.iv.status_group_id,
    startMs: x.startMs,
    endMs: sorted[k + 1]?.startMs ?? x.ownEnd,
  }));
}

function matches(iv: NormalizedInterval, b: CycleBoundary): boolean {
  if (b.kind === "group") return iv.groupId === b.id;
  return iv.statusId === b.id && (b.groupId === undefined || iv.groupId === b.groupId);
}

function entriesInto(
  list: readonly NormalizedInterval[],
  b: CycleBoundary,
): { index: number; startMs: number }[] {
  const out: { index: number; startMs: number }[] = [];
  list.forEach((iv, index) => {
    const previous = list[index - 1];
    if (matches(iv, b) && (previous === undefined || !matches(previous, b)))
      out.push({ index, startMs: iv.startMs });
  });
  return out;
}

function cycleWorkingMs(
  list: readonly NormalizedInterval[],
  fromMs: number,
  toMs: number,
  calendar: CycleCalendar,
): number {
  if (typeof calendar !== "function") return workingMs(fromMs, toMs, calendar);
  let total = 0;
  let cursor = fromMs;
  for (const iv of list) {
    const s = Math.max(iv.startMs, fromMs);
    const e = Math.min(iv.endMs ?? Number.POSITIVE_INFINITY, toMs);
    if (e <= s) continue;
    if (s > cursor) total += workingMs(cursor, s, calendar(null));
    total += workingMs(Math.max(s, cursor), e, calendar(iv.groupId));
    cursor = Math.max(cursor, e);
  }
  if (cursor < toMs) total += workingMs(cursor, toMs, calendar(null));
  return total;
}

function parseBoundary(raw: unknown, at: string, issues: IssueCollector): CycleBoundary | null {
  const id = (v: unknown): number | null =>
    typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (!isRecord(raw)) {
    issues.add(at, `expected {"group_id": n} or {"status_id": n}, got ${quote(raw)}`);
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (key !== "group_id" && key !== "status_id")
      issues.add(`${at}.${key}`, "unknown field (expected group_id, status_id)");
  }
  const hasStatus = raw["status_id"] !== undefined && raw["status_id"] !== null;
  const hasGroup = raw["group_id"] !== undefined && raw["group_id"] !== null;
  const status = id(raw["status_id"]);
  const group = id(raw["group_id"]);
  if (hasStatus && status === null)
    issues.add(`${at}.status_id`, `expected a status id, got ${quote(raw["status_id"])}`);
  if (hasGroup && group === null)
    issues.add(`${at}.group_id`, `expected a group id, got ${quote(raw["group_id"])}`);
  if (!hasStatus && !hasGroup)
    issues.add(at, `expected {"group_id": n} or {"status_id": n}, got ${quote(raw)}`);
  if ((hasStatus && status === null) || (hasGroup && group === null) || (!hasStatus && !hasGroup))
    return null;
  if (status !== null)
    return group === null ? { kind: "status", id: status } : { kind: "status", id: status, groupId: group };
  return group === null ? null : { kind: "group", id: group };
}

function parseEntry(raw: unknown, at: string, issues: IssueCollector): CycleEntry | null {
  if (raw === undefined || raw === null) return "first";
  if (raw === "first" || raw === "last") return raw;
  issues.add(at, `expected "first" or "last", got ${quote(raw)}`);
  return null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
