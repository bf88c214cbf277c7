/**
 * SLA of order statuses (SPEC "Order status analytics" → "SLA"): per project and status group a
 * limit in hours entered as `hh:mm`, in two grids — normal and urgent — (plus optional named
 * profiles an order override can pick), judged on the **working time** of the interval
 * (`working-calendar.ts`).
 *
 * Boundary semantics (both thresholds inclusive, resolution 1 ms):
 * - `ok`   while `working <  nearShare × limit`
 * - `near` from `working >= nearShare × limit` (SPEC "near from 80 % of the limit"), while `working < limit`
 * - `over` from `working >= limit`: exactly at the limit the budget is used up, so the status is
 *   over. This makes "breached at" an attained instant — the moment the last allowed working second
 *   elapses — and an order that used up its 4 h at 13:00 shows `over` during the lunch break, not
 *   only when work resumes at 14:00. A zero limit is therefore `over` from the first instant.
 * `nearShare × limit` is rounded to the millisecond, so "exactly 80 %" of any whole-second limit is
 * exact.
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
 * `nearShare × limitSeconds` rounded to the ms, `overAtSeconds` = `limitSeconds`.
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
 * orders). `near` from `nearShare × limit` inclusive, `over` from the limit inclusive; compared at
 * 1 ms resolution. Examples with a 10 h limit: 7:59:59.999 → `ok`, 8:00:00 → `near`, 9:59:59.999 →
 * `near`, 10:00:00 → `over`; with a zero limit every value is `over`.
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
 * A change of the order's urgency: from `at` on, the order is urgent (`true`) or not (`false`).
 * Before the first change an order is not urgent.
 */
export interface UrgencyChange {
  readonly at: InstantInput;
  readonly urgent: boolean;
}

/**
 * One piece of a limit timeline: from `from` on (`null` = since always) the limit is
 * `limitSeconds` (`null` = no SLA). The limit at an instant is that of the last piece whose `from`
 * is at or before it; before every piece there is no SLA.
 */
export interface SlaLimitPiece {
  readonly from: InstantInput | null;
  readonly limitSeconds: number | null;
}

/**
 * The limit an interval is judged against: a constant (`number`, or `null` for no SLA), or a
 * timeline of {@link SlaLimitPiece} when the limit changed while the status lasted (an order became
 * urgent mid-status). Build the timeline with {@link slaLimitTimeline}.
 */
export type SlaLimit = number | null | readonly SlaLimitPiece[];

/**
 * The limit timeline of a status group for an order:
 * - with `profile` (an order override, SPEC "Overrides … SLA profile … win over rules"): that
 *   profile's limit, constant — urgency is ignored;
 * - otherwise `urgency` decides: `true`/`false` for the whole time, or a list of
 *   {@link UrgencyChange} (sorted or not; not urgent before the first), each switching between the
 *   `urgent` and `normal` limits of the group.
 * @throws RangeError for an invalid instant in `urgency`.
 */
export function slaLimitTimeline(
  settings: SlaSettings,
  groupId: number | null,
  options: { readonly urgency?: boolean | readonly UrgencyChange[]; readonly profile?: string | null } = {},
): SlaLimit {
  if (options.profile !== undefined && options.profile !== null)
    return slaLimitSeconds(settings, groupId, options.profile);
  const normal = slaLimitSeconds(settings, groupId, NORMAL_SLA_PROFILE);
  const urgent = slaLimitSeconds(settings, groupId, URGENT_SLA_PROFILE);
  const urgency = options.urgency ?? false;
  if (typeof urgency === "boolean") return urgency ? urgent : normal;
  const changes = urgency
    .map((c, i) => ({ at: toEpochMs(c.at, `urgency[${i}].at`), urgent: c.urgent, i }))
    .sort((a, b) => a.at - b.at || a.i - b.i);
  const pieces: SlaLimitPiece[] = [{ from: null, limitSeconds: normal }];
  for (const c of changes) pieces.push({ from: c.at, limitSeconds: c.urgent ? urgent : normal });
  return pieces;
}

/**
 * Input of {@link evaluateSla}.
 * - `startedAt` / `endedAt`: the status interval `[startedAt, endedAt)`; `endedAt: null` = still in
 *   the status (running), measured up to `now`.
 * - `now`: the evaluation clock (STYLE: time comes in as an argument). A running interval that starts
 *   after `now` (clock skew) has 0 working time.
 * - `limit`: see {@link SlaLimit}. `nearShare`: default 0.8.
 */
export interface SlaEvaluationInput {
  readonly startedAt: InstantInput;
  readonly endedAt: InstantInput | null;
  readonly now: InstantInput;
  readonly calendar: WorkingCalendar;
  readonly limit: SlaLimit;
  readonly nearShare?: number;
}

/**
 * Result of {@link evaluateSla}.
 * - `workingSeconds`: working time of the interval up to its end (or `now` while running).
 * - `limitSeconds` / `state`: the limit in force at the evaluation instant — `now` for a running
 *   interval, the last instant of a closed one (just before `endedAt`) — and the state against it;
 *   both `null` when there is no SLA. The elapsed working time always carries over: an order that
 *   becomes urgent after 3 h in a status is judged on those 3 h against the urgent limit.
 * - `nearAt` / `overAt`: the first instant within the interval (up to the evaluation instant,
 *   inclusive) at which the state was at least `near` / was `over` under the limit in force at that
 *   instant (the switch instant itself when becoming urgent puts it straight over); `null` if never.
 * - `next`: for a running interval, the next state change if nothing else changes (the current limit
 *   stays): `{state, at}` with `at` after `now`; `null` when closed, already `over`, without SLA, or
 *   never (a calendar without working time).
 */
export interface SlaEvaluation {
  readonly workingSeconds: number;
  readonly limitSeconds: number | null;
  readonly state: SlaState | null;
  readonly nearAt: string | null;
  readonly overAt: string | null;
  readonly next: { readonly state: SlaState; readonly at: string } | null;
}

/**
 * Evaluates the SLA of one status interval, closed or running (SPEC "SLA"; the running case is
 * "the last one open until now").
 * @throws RangeError for invalid instants, `endedAt < startedAt`, a negative limit or a `nearShare`
 *   outside [0, 1]; SettingsError for an invalid hand-built calendar.
 */
export function evaluateSla(input: SlaEvaluationInput): SlaEvaluation {
  const nearShare = input.nearShare ?? DEFAULT_NEAR_SHARE;
  checkShare(nearShare);
  const startMs = toEpochMs(input.startedAt, "startedAt");
  const nowMs = toEpochMs(input.now, "now");
  const running = input.endedAt === null;
  const endMs = input.endedAt === null ? null : toEpochMs(input.endedAt, "endedAt");
  if (endMs !== null && endMs < startMs)
    throw new RangeError(`endedAt (${String(input.endedAt)}) is before startedAt`);
  const evalMs = endMs ?? Math.max(startMs, nowMs);
  // A closed interval is judged by the limits in force while it lasted: a change at or after its end
  // (say the order became urgent in the same second it left the status) belongs to the next status.
  const cutMs = endMs === null ? Number.POSITIVE_INFINITY : endMs > startMs ? endMs : endMs + 1;
  const pieces = limitPieces(input.limit).filter((p) => p.fromMs < cutMs);
  const working = workingMs(startMs, evalMs, input.calendar);
  const limit = limitAt(pieces, evalMs);
  const state = limit === null ? null : stateOfMs(working, limit * 1000, nearShare);

  let nearAt: number | null = null;
  let overAt: number | null = null;
  for (let i = 0; i < pieces.length && overAt === null; i++) {
    const piece = pieces[i];
    const nextFrom = pieces[i + 1]?.fromMs ?? Number.POSITIVE_INFINITY;
    if (piece === undefined || piece.limitSeconds === null) continue;
    // The piece is in force over [from, nextFrom) ∩ [startMs, evalMs] (evalMs itself included).
    const from = Math.max(startMs, piece.fromMs);
    if (from >= nextFrom || from > evalMs) continue;
    const inclusive = nextFrom > evalMs;
    const to = inclusive ? evalMs : nextFrom;
    const { nearAtSeconds, overAtSeconds } = slaThresholds(piece.limitSeconds, nearShare);
    if (nearAt === null)
      nearAt = firstReach(startMs, from, to, inclusive, nearAtSeconds * 1000, input.calendar);
    overAt = firstReach(startMs, from, to, inclusive, overAtSeconds * 1000, input.calendar);
    if (overAt !== null && nearAt === null) nearAt = overAt;
  }

  let next: SlaEvaluation["next"] = null;
  if (running && limit !== null && state !== "over") {
    const upcoming = nextSlaTransitionAt({
      startedAt: startMs,
      now: evalMs,
      calendar: input.calendar,
      limitSeconds: limit,
      nearShare,
    });
    next = upcoming;
  }
  return {
    workingSeconds: working / 1000,
    limitSeconds: limit,
    state,
    nearAt: nearAt === null ? null : iso(nearAt),
    overAt: overAt === null ? null : iso(overAt),
    next,
  };
}

/**
 * When a running interval (in its status since `startedAt`, still there at `now`) will next change
 * SLA state under a constant `limitSeconds`: `{state: "near", at}` or `{state: "over", at}`, `at` an
 * ISO instant after `now` — the earliest instant whose state differs from the state at `now`
 * (thresholds are inclusive, so the state at `at` is already the new one). For a scheduler that
 * re-evaluates without waiting for a webhook. `null` when it is already `over` at `now`, or the
 * calendar never reaches the threshold (no working time within 100 years).
 * @throws RangeError for invalid instants, a negative limit or a `nearShare` outside [0, 1];
 *   SettingsError for an invalid hand-built calendar.
 */
export function nextSlaTransitionAt(input: {
  readonly startedAt: InstantInput;
  readonly now: InstantInput;
  readonly calendar: WorkingCalendar;
  readonly limitSeconds: number;
  readonly nearShare?: number;
}): { state: SlaState; at: string } | null {
  const nearShare = input.nearShare ?? DEFAULT_NEAR_SHARE;
  const { nearAtSeconds, overAtSeconds } = slaThresholds(input.limitSeconds, nearShare);
  const startMs = toEpochMs(input.startedAt, "startedAt");
  const nowMs = Math.max(startMs, toEpochMs(input.now, "now"));
  const working = workingMs(startMs, nowMs, input.calendar);
  const current = stateOfMs(working, overAtSeconds * 1000, nearShare);
  if (current === "over") return null;
  const threshold = current === "ok" && nearAtSeconds < overAtSeconds ? nearAtSeconds : overAtSeconds;
  const at = addWorkingSeconds(startMs, threshold, input.calendar);
  if (at === null) return null;
  return { state: stateOfMs(Math.round(threshold * 1000), overAtSeconds * 1000, nearShare), at: iso(at) };
}

// ---------------------------------------------------------------------------------------------

function stateOfMs(workingMsValue: number, limitMs: number, nearShare: number): SlaState {
  if (workingMsValue >= limitMs) return "over";
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

interface NormalizedPiece {
  readonly fromMs: number;
  readonly limitSeconds: number | null;
}

function limitPieces(limit: SlaLimit): NormalizedPiece[] {
  const check = (l: number | null, what: string): number | null => {
    if (l !== null && (!Number.isFinite(l) || l < 0))
      throw new RangeError(`${what} must be finite and >= 0, got ${l}`);
    return l;
  };
  if (limit === null || typeof limit === "number") {
    return [{ fromMs: Number.NEGATIVE_INFINITY, limitSeconds: check(limit, "limit") }];
  }
  return limit
    .map((p, i) => ({
      fromMs: p.from === null ? Number.NEGATIVE_INFINITY : toEpochMs(p.from, `limit[${i}].from`),
      limitSeconds: check(p.limitSeconds, `limit[${i}].limitSeconds`),
      i,
    }))
    .sort((a, b) => a.fromMs - b.fromMs || a.i - b.i)
    .map(({ fromMs, limitSeconds: l }) => ({ fromMs, limitSeconds: l }));
}

function limitAt(pieces: readonly NormalizedPiece[], atMs: number): number | null {
  let limit: number | null = null;
  for (const p of pieces) {
    if (p.fromMs > atMs) break;
    limit = p.limitSeconds;
  }
  return limit;
}

/**
 * The first instant t in [from, to) — or [from, to] for the last piece — at which the working time
 * since `startMs` reaches `thresholdMs`, or null.
 */
function firstReach(
  startMs: number,
  from: number,
  to: number,
  inclusiveEnd: boolean,
  thresholdMs: number,
  calendar: WorkingCalendar,
): number | null {
  if (workingMs(startMs, from, calendar) >= thresholdMs) return from;
  const at = addWorkingSeconds(startMs, thresholdMs / 1000, calendar);
  if (at === null) return null;
  return at < to || (inclusiveEnd && at === to) ? at : null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
