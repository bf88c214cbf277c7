/**
 * SLA of order statuses (SPEC "Order status analytics" → "SLA" and "Decided rules" → "SLA is judged
 * per order and status group"): per project and status group a limit in hours entered as `hh:mm`, in
 * two grids — normal and urgent — (plus optional named profiles an order override can pick), judged
 * on the order's **total working time in the group**: the sum over all its visits to the group (a
 * move between statuses of one group does not restart the clock; a return to the group adds to it),
 * the running visit included up to now, each visit measured on the group's working calendar
 * (`working-calendar.ts`). The grid is the order's current urgency (or its SLA-profile override),
 * applied to its whole history in the group.
 *
 * Boundary semantics (resolution 1 ms; `nearShare` is the SPEC's `near_ratio`, default 0.8):
 * - `ok`   while `working <  nearShare × limit`
 * - `near` from `working >= nearShare × limit` (inclusive) while `working <= limit`: exactly at the
 *   limit the limit was met, so the state is still `near`;
 * - `over` when `working > limit` (strictly), i.e. from `limit + 1 ms` of working time. An order
 *   that used up its 4 h at 13:00 stays `near` through the lunch break and turns `over` at
 *   14:00:00.001, when work resumes.
 * `nearShare × limit` is rounded to the millisecond, so "exactly 80 %" of any whole-second limit is
 * exact.
 *
 * This module is the only implementation of that rule. {@link groupSla} turns an order's visits to a
 * group into two instants, `nearAt` and `overAt` (past or predicted); since the working total only
 * grows with time, the state at any instant is a comparison with them ({@link slaStateAt}). Read
 * models store the instants; readers compare.
 *
 * Instants are accepted as epoch ms or ISO strings ({@link InstantInput}); instants returned are
 * ISO-8601 UTC with milliseconds (`2026-10-26T11:00:00.000Z`, the event catalogue's `IsoInstant`).
 */
import { type InstantInput, toEpochMs } from "./instant-input.js";
import { IssueCollector, isRecord, quote, SettingsError } from "./settings-error.js";
import { addWorkingSeconds, type WorkingCalendar, workingMs } from "./working-calendar.js";

/** `ok` | `near` | `over` — see the module comment for the exact boundaries. */
export type SlaState = "ok" | "near" | "over";

/** Default share of the limit from which a status is `near` (SPEC: 80 %). */
export const DEFAULT_NEAR_SHARE = 0.8;

/** Name of the grid used for orders that are not urgent. */
export const NORMAL_SLA_PROFILE = "normal";
/** Name of the grid used for urgent orders. */
export const URGENT_SLA_PROFILE = "urgent";

const LIMIT = /^(\d{1,5}):([0-5]\d)$/;

/**
 * Parses an SLA limit entered as `hh:mm` into seconds: `"02:30"` → 9 000, `"72:00"` → 259 200,
 * `"0:00"` → 0. Hours take 1–5 digits and may exceed 24; minutes are `00`–`59`.
 * @throws SettingsError (path `limit`) for anything else (`"72"`, `"1:5"`, `"-1:00"`, `"12:60"`).
 */
export function parseSlaLimit(text: string): number {
  const seconds = limitSeconds(text);
  if (seconds === null) throw new SettingsError([{ path: "limit", message: limitMessage(text) }]);
  return seconds;
}

/**
 * Formats a limit in seconds as `hh:mm` (at least two hour digits): 259 200 → `"72:00"`.
 * @throws RangeError unless `seconds` is a non-negative whole number of minutes.
 */
export function formatSlaLimit(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds % 60 !== 0) {
    throw new RangeError(`an SLA limit is a non-negative whole number of minutes, got ${seconds} s`);
  }
  const minutes = seconds / 60;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * The two thresholds of a limit, in seconds of working time: `nearAtSeconds` =
 * `nearShare × limitSeconds` rounded to the ms (reaching it makes the state `near`), and
 * `overAtSeconds` = `limitSeconds` (exceeding it — by 1 ms at our resolution — makes it `over`).
 * @throws RangeError when `limitSeconds` is negative or not finite, or `nearShare` is outside [0, 1].
 */
export function slaThresholds(
  limitSeconds: number,
  nearShare: number = DEFAULT_NEAR_SHARE,
): { nearAtSeconds: number; overAtSeconds: number } {
  checkLimit(limitSeconds, nearShare);
  return { nearAtSeconds: Math.round(limitSeconds * 1000 * nearShare) / 1000, overAtSeconds: limitSeconds };
}

/**
 * The SLA state of `workingSeconds` of working time against `limitSeconds`
 * (SPEC `sla_state(working_seconds, limit, urgent)`; pick the limit of the urgent grid for urgent
 * orders). `near` from `nearShare × limit` inclusive, `over` strictly above the limit; compared at
 * 1 ms resolution. Examples with a 10 h limit: 7:59:59.999 → `ok`, 8:00:00 → `near`, 10:00:00 →
 * `near` (the limit was met), 10:00:00.001 → `over`; with a zero limit 0 s is `near` and anything more
 * is `over`.
 * @throws RangeError for a negative or non-finite `workingSeconds` or `limitSeconds`, or a
 *   `nearShare` outside [0, 1].
 */
export function slaState(
  workingSeconds: number,
  limitSeconds: number,
  nearShare: number = DEFAULT_NEAR_SHARE,
): SlaState {
  if (!Number.isFinite(workingSeconds) || workingSeconds < 0) {
    throw new RangeError(`workingSeconds must be finite and >= 0, got ${workingSeconds}`);
  }
  checkLimit(limitSeconds, nearShare);
  return stateOfMs(Math.round(workingSeconds * 1000), limitSeconds * 1000, nearShare);
}

/**
 * SLA settings of a project.
 * - `nearShare`: share of the limit from which a status is `near`, in [0, 1] (default 0.8).
 * - `grids`: profile name → (status group id → limit in seconds, or `null` = explicitly no SLA for
 *   that group in this profile). `normal` and `urgent` are the SPEC's two grids; other names are
 *   profiles an order override may select.
 * A group missing from a profile's grid falls back to the `normal` grid; missing there too means no
 * SLA (see {@link slaLimitSeconds}).
 */
export interface SlaSettings {
  readonly nearShare: number;
  readonly grids: ReadonlyMap<string, ReadonlyMap<number, number | null>>;
}

/** SLA settings with no grids: no status has an SLA. */
export const EMPTY_SLA_SETTINGS: SlaSettings = { nearShare: DEFAULT_NEAR_SHARE, grids: new Map() };

/**
 * Parses SLA settings JSON:
 * `{"near_share": 0.8, "grids": {"normal": {"1": "02:00", "3": "72:00"}, "urgent": {"1": "00:30", "3": null}}}`.
 * `near_share` is optional (0.8). Group keys are status group ids (non-negative integers as strings);
 * values are `hh:mm` ({@link parseSlaLimit}) or `null`. Profile names are 1–64 characters of
 * `[A-Za-z0-9_-]`.
 * @param path prefix for issue paths.
 * @throws SettingsError listing every issue (unknown fields, bad share, bad group id, bad limit).
 */
export function parseSlaSettings(input: unknown, path = ""): SlaSettings {
  const at = (field: string): string => (path === "" ? field : `${path}.${field}`);
  if (input === null || input === undefined) return EMPTY_SLA_SETTINGS;
  if (!isRecord(input)) {
    throw new SettingsError([
      { path: path === "" ? "(root)" : path, message: `expected an object, got ${quote(input)}` },
    ]);
  }
  const issues = new IssueCollector();
  for (const key of Object.keys(input)) {
    if (key !== "near_share" && key !== "grids")
      issues.add(at(key), "unknown field (expected near_share, grids)");
  }
  let nearShare = DEFAULT_NEAR_SHARE;
  const share = input["near_share"];
  if (share !== undefined && share !== null) {
    if (typeof share !== "number" || !Number.isFinite(share) || share < 0 || share > 1) {
      issues.add(
        at("near_share"),
        `expected a number from 0 to 1 (0.8 = near from 80 % of the limit), got ${quote(share)}`,
      );
    } else nearShare = share;
  }
  const grids = new Map<string, Map<number, number | null>>();
  const rawGrids = input["grids"];
  if (rawGrids !== undefined && rawGrids !== null) {
    if (!isRecord(rawGrids))
      issues.add(at("grids"), `expected {"normal": {"<group id>": "hh:mm"}, …}, got ${quote(rawGrids)}`);
    else {
      for (const [profile, rawGrid] of Object.entries(rawGrids)) {
        const gridPath = at(`grids.${profile}`);
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(profile)) {
          issues.add(gridPath, "profile names are 1-64 characters of A-Z, a-z, 0-9, _ and -");
          continue;
        }
        if (!isRecord(rawGrid)) {
          issues.add(gridPath, `expected {"<group id>": "hh:mm" | null}, got ${quote(rawGrid)}`);
          continue;
        }
        const grid = new Map<number, number | null>();
        for (const [group, raw] of Object.entries(rawGrid)) {
          const groupId = /^\d{1,15}$/.test(group) ? Number(group) : null;
          if (groupId === null) {
            issues.add(`${gridPath}.${group}`, "the key must be a status group id (a non-negative integer)");
            continue;
          }
          if (raw === null) grid.set(groupId, null);
          else if (typeof raw !== "string") issues.add(`${gridPath}.${group}`, limitMessage(raw));
          else {
            const seconds = limitSeconds(raw);
            if (seconds === null) issues.add(`${gridPath}.${group}`, limitMessage(raw));
            else grid.set(groupId, seconds);
          }
        }
        grids.set(profile, grid);
      }
    }
  }
  issues.throwIfAny();
  return { nearShare, grids };
}

/**
 * The settings JSON of {@link SlaSettings} (limits as `hh:mm`); the inverse of {@link parseSlaSettings}.
 * @throws RangeError for a limit that is not a whole number of minutes.
 */
export function slaSettingsToJson(settings: SlaSettings): {
  near_share: number;
  grids: Record<string, Record<string, string | null>>;
} {
  const grids: Record<string, Record<string, string | null>> = {};
  for (const [profile, grid] of settings.grids) {
    const out: Record<string, string | null> = {};
    for (const [group, limit] of [...grid].sort((a, b) => a[0] - b[0])) {
      out[String(group)] = limit === null ? null : formatSlaLimit(limit);
    }
    grids[profile] = out;
  }
  return { near_share: settings.nearShare, grids };
}

/**
 * The limit in seconds for status group `groupId` under `profile` (`normal`, `urgent` or a named
 * profile), or `null` when the group has no SLA. Lookup: the profile's grid; if the group is not in
 * it (or the profile does not exist), the `normal` grid; else `null`. An explicit `null` in the
 * profile's grid means "no SLA" and does **not** fall back. A `null` group (unknown to the status
 * dictionary) has no SLA.
 */
export function slaLimitSeconds(
  settings: SlaSettings,
  groupId: number | null,
  profile: string = NORMAL_SLA_PROFILE,
): number | null {
  if (groupId === null) return null;
  const own = settings.grids.get(profile);
  if (own?.has(groupId)) return own.get(groupId) ?? null;
  return settings.grids.get(NORMAL_SLA_PROFILE)?.get(groupId) ?? null;
}

/**
 * One visit of an order to a status group: an interval `[startedAt, endedAt)` in one of the group's
 * statuses (`endedAt: null` = the order is still there, running). Consecutive intervals in statuses
 * of one group may be passed as they are or merged: the total is the same.
 */
export interface GroupVisit {
  readonly startedAt: InstantInput;
  readonly endedAt: InstantInput | null;
}

/**
 * Input of {@link groupSla}: the order's `visits` to one group (any order; at most one running), the
 * group's working `calendar`, the limit of the order's grid for the group (`limitSeconds`, `null` =
 * no SLA) and `nearShare` (default 0.8).
 */
export interface GroupSlaInput {
  readonly visits: readonly GroupVisit[];
  readonly calendar: WorkingCalendar;
  readonly limitSeconds: number | null;
  readonly nearShare?: number;
}

/**
 * The SLA of one order in one status group, independent of any clock.
 * - `workingSecondsClosed`: working time of the closed visits (seconds, ms resolution).
 * - `runningSince`: start of the running visit, `null` when the order is not in the group.
 * - `limitSeconds`: the limit judged against, `null` = no SLA (then every other SLA field is `null`).
 * - `nearAt`: the first instant at which the group total reaches `nearShare × limit`; `overAt`: the
 *   first instant at which it exceeds the limit. Past instants, or predicted ones inside the running
 *   visit (on its calendar, across non-working hours and DST changes); `null` when it never happens
 *   (a closed history that stayed below, or a calendar without working time ahead).
 * - `stateIfClosed`: the state of `workingSecondsClosed` — the final state of a group the order has
 *   left; for a running group, the state it would have if the visit ended at its start.
 */
export interface GroupSla {
  readonly workingSecondsClosed: number;
  readonly runningSince: string | null;
  readonly limitSeconds: number | null;
  readonly nearAt: string | null;
  readonly overAt: string | null;
  readonly stateIfClosed: SlaState | null;
}

/**
 * Judges the SLA of an order in one status group from its visits there (module rule: the sum of all
 * visits, the running one up to now). The result does not depend on a clock: the state at any
 * instant `t` is {@link slaStateAt}`(result, t)`, which equals `slaState(total working time up to
 * t, limit, nearShare)` because the total never decreases.
 * @throws RangeError for invalid instants, a visit ending before it starts, more than one running
 *   visit, a negative limit or a `nearShare` outside [0, 1]; SettingsError for an invalid
 *   hand-built calendar.
 */
export function groupSla(input: GroupSlaInput): GroupSla {
  const nearShare = input.nearShare ?? DEFAULT_NEAR_SHARE;
  const visits = input.visits
    .map((v, i) => {
      const startMs = toEpochMs(v.startedAt, `visits[${i}].startedAt`);
      const endMs = v.endedAt === null ? null : toEpochMs(v.endedAt, `visits[${i}].endedAt`);
      if (endMs !== null && endMs < startMs)
        throw new RangeError(`visits[${i}]: endedAt (${String(v.endedAt)}) is before startedAt`);
      return { startMs, endMs };
    })
    .sort((a, b) => a.startMs - b.startMs);
  const running = visits.filter((v) => v.endMs === null);
  if (running.length > 1) throw new RangeError("an order has at most one running visit to a group");
  let closedMs = 0;
  for (const v of visits) if (v.endMs !== null) closedMs += workingMs(v.startMs, v.endMs, input.calendar);
  const runningSince = running[0] === undefined ? null : iso(running[0].startMs);
  if (input.limitSeconds === null) {
    checkShare(nearShare);
    return {
      workingSecondsClosed: closedMs / 1000,
      runningSince,
      limitSeconds: null,
      nearAt: null,
      overAt: null,
      stateIfClosed: null,
    };
  }
  const { nearAtSeconds, overAtSeconds } = slaThresholds(input.limitSeconds, nearShare);
  const nearMs = Math.round(nearAtSeconds * 1000);
  // "Over" is strictly above the limit: at 1 ms resolution, from limit + 1 ms of working time.
  const overMs = Math.round(overAtSeconds * 1000) + 1;
  return {
    workingSecondsClosed: closedMs / 1000,
    runningSince,
    limitSeconds: input.limitSeconds,
    nearAt: reachAt(visits, nearMs, input.calendar),
    overAt: reachAt(visits, overMs, input.calendar),
    stateIfClosed: stateOfMs(closedMs, overAtSeconds * 1000, nearShare),
  };
}

/**
 * The SLA state at instant `at` of a group judged by {@link groupSla} (or of a read-model row holding
 * its instants): `over` from `overAt`, `near` from `nearAt`, else `ok` (both instants inclusive);
 * `null` without a limit. A pure comparison — the rule itself is in {@link groupSla}.
 * @throws RangeError for an invalid instant.
 */
export function slaStateAt(
  sla: {
    readonly limitSeconds: number | null;
    readonly nearAt: InstantInput | null;
    readonly overAt: InstantInput | null;
  },
  at: InstantInput,
): SlaState | null {
  if (sla.limitSeconds === null) return null;
  const t = toEpochMs(at, "at");
  if (sla.overAt !== null && t >= toEpochMs(sla.overAt, "overAt")) return "over";
  if (sla.nearAt !== null && t >= toEpochMs(sla.nearAt, "nearAt")) return "near";
  return "ok";
}

/**
 * The limit of status group `groupId` for an order: its SLA-profile override when it has one (SPEC
 * "Overrides … SLA profile … win over rules"), else the `urgent` or `normal` grid by its current
 * urgency — applied to its whole history in the group (SPEC "Decided rules"). `null` = no SLA.
 */
export function orderSlaLimitSeconds(
  settings: SlaSettings,
  groupId: number | null,
  order: { readonly urgent: boolean; readonly profile?: string | null },
): number | null {
  const profile = order.profile ?? (order.urgent ? URGENT_SLA_PROFILE : NORMAL_SLA_PROFILE);
  return slaLimitSeconds(settings, groupId, profile);
}

// ---------------------------------------------------------------------------------------------

function stateOfMs(workingMsValue: number, limitMs: number, nearShare: number): SlaState {
  if (workingMsValue > limitMs) return "over";
  return workingMsValue >= Math.round(limitMs * nearShare) ? "near" : "ok";
}

function checkShare(nearShare: number): void {
  if (!Number.isFinite(nearShare) || nearShare < 0 || nearShare > 1) {
    throw new RangeError(`nearShare must be within [0, 1], got ${nearShare}`);
  }
}

function checkLimit(limitSeconds: number, nearShare: number): void {
  if (!Number.isFinite(limitSeconds) || limitSeconds < 0) {
    throw new RangeError(`limitSeconds must be finite and >= 0, got ${limitSeconds}`);
  }
  checkShare(nearShare);
}

function limitSeconds(text: string): number | null {
  const m = LIMIT.exec(text.trim());
  if (m === null) return null;
  return (Number(m[1]) * 60 + Number(m[2])) * 60;
}

function limitMessage(value: unknown): string {
  return `expected a limit "hh:mm" (hours may exceed 24, e.g. "72:00") or null, got ${quote(value)}`;
}

/**
 * The first instant at which the working time summed over `visits` (sorted by start) reaches
 * `thresholdMs`, or `null` if it never does. A threshold of 0 is reached at the first visit's start.
 */
function reachAt(
  visits: readonly { startMs: number; endMs: number | null }[],
  thresholdMs: number,
  calendar: WorkingCalendar,
): string | null {
  let before = 0;
  for (const v of visits) {
    const need = thresholdMs - before;
    if (need <= 0) return iso(v.startMs);
    const inVisit = v.endMs === null ? Number.POSITIVE_INFINITY : workingMs(v.startMs, v.endMs, calendar);
    if (inVisit >= need) {
      const at = addWorkingSeconds(v.startMs, need / 1000, calendar);
      return at === null ? null : iso(at);
    }
    before += inVisit;
  }
  return null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
