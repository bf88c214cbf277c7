/**
 * The analytics of one order under its project's current settings (SPEC "Order status analytics":
 * working hours, SLA, urgency, cycle rules, overrides): per interval its working time, per status
 * group its SLA, per order its urgency, delivery entry, cycles and next SLA transition.
 *
 * Everything here is a function of the order's intervals, items, overrides and the settings — never
 * of a clock — so a replay of the stream computes exactly what the live projector computed:
 * - a closed interval has its `working_seconds`; the open (last) one `null` (it depends on "now");
 * - each status group the order visited is judged by `groupSla` (`sla.ts`, SPEC "Decided rules":
 *   the total working time of all visits, the running one included), as the instants `near_at` /
 *   `over_at` (past or predicted), so a reader derives the state at any `as_of` by comparing instants;
 * - `slaNextTransitionAt` = the first of the running group's `near_at` / `over_at` that falls in the
 *   running visit (a reader compares it with its own clock).
 *
 * Urgency: an order with an item matching an urgent rule is urgent for its **whole life** (the item
 * was ordered from the start, whenever the CRM API was asked); `urgentSince` is then the order's
 * first interval start. Items not fetched yet → not urgent, source `unknown`. An `urgent` override
 * wins over the rules; an `sla_profile` override wins over urgency for the SLA grid.
 */
import {
  type CycleInterval,
  type CycleMeasurement,
  type CycleRule,
  firstEntryAt,
  measureCycles,
  parseCycleRules,
} from "./cycles.js";
import { applyOverrides, type OrderOverrides } from "./order-overrides.js";
import { type GroupCalendars, groupCalendars } from "./project-calendars.js";
import {
  EMPTY_SLA_SETTINGS,
  type GroupVisit,
  groupSla,
  orderSlaLimitSeconds,
  parseSlaSettings,
  type SlaSettings,
  type SlaState,
} from "./sla.js";
import { isUrgentOrder, parseUrgentRules, type UrgencyOrderItem, type UrgentRule } from "./urgency.js";
import { workingMs } from "./working-calendar.js";

/** KeyCRM's delivery status group: `delivery_entered_at` is the first entry into it (SPEC). */
export const DELIVERY_GROUP_ID = 4;

/** A project's settings as the order analytics use them (see {@link parseOrderAnalyticsSettings}). */
export interface OrderAnalyticsSettings {
  readonly calendars: GroupCalendars;
  readonly sla: SlaSettings;
  readonly cycleRules: readonly CycleRule[];
  readonly urgentRules: readonly UrgentRule[];
}

/**
 * The stored settings of a project (`data` of each `rm.settings` kind, `undefined` when never set).
 * Shapes: `working_hours` `{default, groups}`, `sla` `{near_share, grids}`, `cycle` `{rules}`,
 * `urgent_rules` `{rules}` (the `settings.*_changed` events' data minus `version`/`changed_by`).
 */
export interface StoredProjectSettings {
  readonly working_hours?: unknown;
  readonly sla?: unknown;
  readonly cycle?: unknown;
  readonly urgent_rules?: unknown;
}

function field(data: unknown, key: string): unknown {
  return typeof data === "object" && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)[key]
    : undefined;
}

function orDefault<T>(parse: () => T, fallback: T): T {
  try {
    return parse();
  } catch {
    return fallback;
  }
}

/**
 * Parses a project's stored settings for {@link analyzeOrder}; calendars by `groupCalendars`
 * (zone `projectZone` where a calendar names none). A stored value that no longer parses (validated
 * before publication, so only an older writer could cause it) counts as the SPEC default (no SLA,
 * no cycle rules, no urgent rules, 24/7) — an event is a fact and must not stop the projector.
 * Never throws.
 */
export function parseOrderAnalyticsSettings(
  stored: StoredProjectSettings,
  projectZone: string,
): OrderAnalyticsSettings {
  return {
    calendars: groupCalendars(stored.working_hours, projectZone),
    sla: orDefault(() => parseSlaSettings(stored.sla ?? null), EMPTY_SLA_SETTINGS),
    cycleRules: orDefault(() => parseCycleRules(field(stored.cycle, "rules") ?? []), []),
    urgentRules: orDefault(() => parseUrgentRules(field(stored.urgent_rules, "rules") ?? []), []),
  };
}

/** One status interval of an order, as `deriveOrderIntervals` yields it (ISO-8601 UTC instants). */
export interface AnalyzedIntervalInput extends CycleInterval {
  readonly started_at: string;
  readonly ended_at: string | null;
}

/**
 * The analytics of one interval. `working_seconds`: working time of a closed interval (its group's
 * calendar), `null` while open. `is_urgent`: the order's current urgency (its grid judges the
 * interval's group).
 */
export interface IntervalAnalytics {
  readonly working_seconds: number | null;
  readonly is_urgent: boolean;
}

/**
 * The SLA of the order in one status group it visited (the `rm.order_group_sla` row; see `groupSla`).
 * - `group_id`; `visits`: its intervals there; `first_entered_at`: the first one's start.
 * - `working_seconds_closed`: working seconds of the closed visits; `running_since`: the start of the
 *   visit the order is in now (`null` when it is elsewhere).
 * - `is_urgent` / `sla_profile`: the grid judged with (`normal`, `urgent` or an override's profile).
 * - `limit_seconds`: `null` = no SLA (then `near_at`, `over_at`, `state_if_closed` are `null`).
 * - `near_at` / `over_at`: ISO instants when the group total reaches the near share / exceeds the
 *   limit, past or predicted; `null` if never.
 * - `state_if_closed`: the state of `working_seconds_closed` (final once the order left the group).
 */
export interface GroupSlaAnalytics {
  readonly group_id: number;
  readonly visits: number;
  readonly first_entered_at: string;
  readonly working_seconds_closed: number;
  readonly running_since: string | null;
  readonly is_urgent: boolean;
  readonly sla_profile: string;
  readonly limit_seconds: number | null;
  readonly near_at: string | null;
  readonly over_at: string | null;
  readonly state_if_closed: SlaState | null;
}

/** A cycle of the order by one rule: open cycles have `endedAt` and both durations `null`. */
export interface OrderCycle {
  readonly rule: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly wallSeconds: number | null;
  readonly workingSeconds: number | null;
  readonly open: boolean;
}

/**
 * The analytics of one order. `intervals[i]` belongs to input interval `i`; `groups` has one entry per
 * known status group the order visited (ascending id; intervals of an unknown group have no SLA and
 * no entry). `urgentSource`:
 * `override`, `rule` (items known) or `unknown` (items not fetched, no override). `urgentRule`:
 * `"{match_type}:{match_value}"` of the first matching rule when the rules made it urgent.
 * `cycles`: one per project rule the order has a cycle for, in rule order; `cycle` the first rule's
 * (SPEC `orders_current` "the rule applied": the project's first rule), `null` when it has none.
 */
export interface OrderAnalytics {
  readonly intervals: readonly IntervalAnalytics[];
  readonly groups: readonly GroupSlaAnalytics[];
  readonly urgent: boolean;
  readonly urgentSource: "override" | "rule" | "unknown";
  readonly urgentRule: string | null;
  readonly urgentSince: string | null;
  readonly deliveryEnteredAt: string | null;
  readonly cycles: readonly OrderCycle[];
  readonly cycle: OrderCycle | null;
  readonly slaNextTransitionAt: string | null;
}

/**
 * Computes {@link OrderAnalytics} for one order (rules in the module comment).
 * - `intervals`: the order's intervals in `seq` order (each ends where the next starts, the last
 *   may be open); `items`: its items, `null` when never fetched; `overrides`: `null` when none.
 * @throws RangeError only for invalid instants in `intervals` or `overrides` (the projector's
 *   intervals and parsed overrides never have them).
 */
export function analyzeOrder(input: {
  readonly intervals: readonly AnalyzedIntervalInput[];
  readonly items: readonly UrgencyOrderItem[] | null;
  readonly overrides: OrderOverrides | null;
  readonly settings: OrderAnalyticsSettings;
}): OrderAnalytics {
  const { settings, intervals } = input;
  const decisions = applyOverrides(
    { urgency: input.items === null ? null : isUrgentOrder(input.items, settings.urgentRules) },
    input.overrides,
  );
  const rows: IntervalAnalytics[] = intervals.map((iv) => ({
    working_seconds:
      iv.ended_at === null
        ? null
        : workingMs(
            Date.parse(iv.started_at),
            Date.parse(iv.ended_at),
            settings.calendars(iv.status_group_id),
          ) / 1000,
    is_urgent: decisions.urgent,
  }));

  const visitsByGroup = new Map<number, GroupVisit[]>();
  for (const iv of intervals) {
    if (iv.status_group_id === null) continue;
    let list = visitsByGroup.get(iv.status_group_id);
    if (!list) {
      list = [];
      visitsByGroup.set(iv.status_group_id, list);
    }
    list.push({ startedAt: iv.started_at, endedAt: iv.ended_at });
  }
  const slaProfile = decisions.slaProfile;
  const groups: GroupSlaAnalytics[] = [...visitsByGroup]
    .sort((a, b) => a[0] - b[0])
    .map(([groupId, visits]) => {
      const g = groupSla({
        visits,
        calendar: settings.calendars(groupId),
        limitSeconds: orderSlaLimitSeconds(settings.sla, groupId, decisions.sla),
        nearShare: settings.sla.nearShare,
      });
      return {
        group_id: groupId,
        visits: visits.length,
        first_entered_at: visits[0]!.startedAt as string,
        working_seconds_closed: g.workingSecondsClosed,
        running_since: g.runningSince,
        is_urgent: decisions.urgent,
        sla_profile: slaProfile,
        limit_seconds: g.limitSeconds,
        near_at: g.nearAt,
        over_at: g.overAt,
        state_if_closed: g.stateIfClosed,
      };
    });

  const first = intervals[0];
  const cycles: OrderCycle[] = [];
  if (first && settings.cycleRules.length > 0) {
    const o = input.overrides;
    const measured = measureCycles({
      intervals,
      rules: settings.cycleRules,
      calendar: settings.calendars,
      // Open cycles are reported without durations, so "now" never matters.
      now: first.started_at,
      override: { startedAt: o?.cycleStartedAt ?? null, endedAt: o?.cycleEndedAt ?? null },
    });
    for (const rule of settings.cycleRules) {
      const m = measured.get(rule.name);
      if (m) cycles.push(cycleOf(rule.name, m));
    }
  }
  const firstRule = settings.cycleRules[0];
  const running = groups.find((g) => g.running_since !== null);
  const rule = decisions.urgentRule;
  return {
    intervals: rows,
    groups,
    urgent: decisions.urgent,
    urgentSource: decisions.urgentFrom,
    urgentRule: rule === null ? null : `${rule.matchType}:${rule.matchValue}`,
    urgentSince: decisions.urgent && first ? first.started_at : null,
    deliveryEnteredAt: firstEntryAt(intervals, { kind: "group", id: DELIVERY_GROUP_ID }),
    cycles,
    cycle: firstRule ? (cycles.find((c) => c.rule === firstRule.name) ?? null) : null,
    slaNextTransitionAt: running ? nextTransition(running) : null,
  };
}

function cycleOf(rule: string, m: CycleMeasurement): OrderCycle {
  return {
    rule,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    wallSeconds: m.open ? null : m.wallSeconds,
    workingSeconds: m.open ? null : m.workingSeconds,
    open: m.open,
  };
}

/** The first of the group's `near_at` / `over_at` at or after the running visit's start, or null. */
function nextTransition(g: GroupSlaAnalytics): string | null {
  const since = g.running_since;
  if (since === null) return null;
  for (const at of [g.near_at, g.over_at]) if (at !== null && at >= since) return at;
  return null;
}
