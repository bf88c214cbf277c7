/**
 * The analytics of one order under its project's current settings (SPEC "Order status analytics":
 * working hours, SLA, urgency, cycle rules, overrides): per interval its working time and SLA, per
 * order its urgency, delivery entry, cycles and next SLA transition.
 *
 * Everything here is a function of the order's intervals, items, overrides and the settings — never
 * of a clock — so a replay of the stream computes exactly what the live projector computed:
 * - a closed interval is judged as it ended (`working_seconds`, `sla_state`; `sla_near_at` /
 *   `sla_over_at` when it became near / over while it lasted, else `null`);
 * - the open (last) interval has `working_seconds` and `sla_state` `null` (they depend on "now");
 *   its `sla_near_at` / `sla_over_at` are the predicted instants (working time added from its start),
 *   so a reader derives the state at any `as_of` by comparing instants;
 * - `slaNextTransitionAt` = the open interval's `sla_near_at`, else its `sla_over_at` (the first
 *   transition the open interval will make; a reader compares it with its own clock).
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
  evaluateSla,
  parseSlaSettings,
  type SlaSettings,
  type SlaState,
  slaLimitTimeline,
  slaThresholds,
} from "./sla.js";
import { isUrgentOrder, parseUrgentRules, type UrgencyOrderItem, type UrgentRule } from "./urgency.js";
import { addWorkingSeconds } from "./working-calendar.js";

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
 * calendar), `null` while open. `is_urgent`: judged with the urgent grid. `sla_limit_seconds`:
 * `null` = no SLA. `sla_state`: as the interval ended, `null` while open or without SLA.
 * `sla_near_at` / `sla_over_at`: ISO instants (see the module comment), `null` if never.
 */
export interface IntervalAnalytics {
  readonly working_seconds: number | null;
  readonly is_urgent: boolean;
  readonly sla_limit_seconds: number | null;
  readonly sla_state: SlaState | null;
  readonly sla_near_at: string | null;
  readonly sla_over_at: string | null;
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
 * The analytics of one order. `intervals[i]` belongs to input interval `i`. `urgentSource`:
 * `override`, `rule` (items known) or `unknown` (items not fetched, no override). `urgentRule`:
 * `"{match_type}:{match_value}"` of the first matching rule when the rules made it urgent.
 * `cycles`: one per project rule the order has a cycle for, in rule order; `cycle` the first rule's
 * (SPEC `orders_current` "the rule applied": the project's first rule), `null` when it has none.
 */
export interface OrderAnalytics {
  readonly intervals: readonly IntervalAnalytics[];
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
  const nearShare = settings.sla.nearShare;
  const rows: IntervalAnalytics[] = intervals.map((iv) => {
    const calendar = settings.calendars(iv.status_group_id);
    const limit = slaLimitTimeline(settings.sla, iv.status_group_id, {
      urgency: decisions.urgent,
      profile: decisions.sla.profile,
    });
    const limitSeconds = typeof limit === "number" ? limit : null;
    if (iv.ended_at !== null) {
      const e = evaluateSla({
        startedAt: iv.started_at,
        endedAt: iv.ended_at,
        now: iv.ended_at,
        calendar,
        limit: limitSeconds,
        nearShare,
      });
      return {
        working_seconds: e.workingSeconds,
        is_urgent: decisions.urgent,
        sla_limit_seconds: limitSeconds,
        sla_state: e.state,
        sla_near_at: e.nearAt,
        sla_over_at: e.overAt,
      };
    }
    let nearAt: string | null = null;
    let overAt: string | null = null;
    if (limitSeconds !== null) {
      const { nearAtSeconds, overAtSeconds } = slaThresholds(limitSeconds, nearShare);
      nearAt = isoOrNull(addWorkingSeconds(iv.started_at, nearAtSeconds, calendar));
      overAt = isoOrNull(addWorkingSeconds(iv.started_at, overAtSeconds, calendar));
    }
    return {
      working_seconds: null,
      is_urgent: decisions.urgent,
      sla_limit_seconds: limitSeconds,
      sla_state: null,
      sla_near_at: nearAt,
      sla_over_at: overAt,
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
  const last = rows[rows.length - 1];
  const open = last && intervals[intervals.length - 1]?.ended_at === null ? last : null;
  const rule = decisions.urgentRule;
  return {
    intervals: rows,
    urgent: decisions.urgent,
    urgentSource: decisions.urgentFrom,
    urgentRule: rule === null ? null : `${rule.matchType}:${rule.matchValue}`,
    urgentSince: decisions.urgent && first ? first.started_at : null,
    deliveryEnteredAt: firstEntryAt(intervals, { kind: "group", id: DELIVERY_GROUP_ID }),
    cycles,
    cycle: firstRule ? (cycles.find((c) => c.rule === firstRule.name) ?? null) : null,
    slaNextTransitionAt: open ? (open.sla_near_at ?? open.sla_over_at) : null,
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

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
