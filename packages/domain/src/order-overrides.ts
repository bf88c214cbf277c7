/**
 * Per-order overrides (SPEC "Order status analytics": "Overrides per order: urgent yes/no, SLA
 * profile, cycle start/end — they win over rules"). {@link applyOverrides} merges what the rules
 * derived (urgency from the items, the cycle from the status intervals) with what an admin set on
 * the order, and says where each final value came from.
 */
import { type CycleBounds, type CycleInterval, type CycleRule, findCycleBounds } from "./cycles.js";
import { type InstantInput, toEpochMs } from "./instant-input.js";
import { IssueCollector, isRecord, quote } from "./settings-error.js";
import { NORMAL_SLA_PROFILE, URGENT_SLA_PROFILE } from "./sla.js";
import type { UrgencyDecision, UrgentRule } from "./urgency.js";

/**
 * An admin's overrides on one order; a missing or `null` field is not overridden.
 * - `urgent`: force urgent (`true`) or not urgent (`false`), whatever the items say.
 * - `slaProfile`: judge every status of the order with this SLA profile's grid (`normal`, `urgent`
 *   or a named profile of the project's SLA settings), whatever the urgency.
 * - `cycleStartedAt` / `cycleEndedAt`: the cycle's start / end instant.
 */
export interface OrderOverrides {
  readonly urgent?: boolean | null;
  readonly slaProfile?: string | null;
  readonly cycleStartedAt?: InstantInput | null;
  readonly cycleEndedAt?: InstantInput | null;
}

/**
 * Parses overrides from settings JSON
 * `{"urgent": true, "sla_profile": "vip", "cycle_started_at": "2026-10-12T06:00:00.000Z", "cycle_ended_at": null}`.
 * Instants are normalised to ISO-8601 UTC with milliseconds.
 * @param path prefix for issue paths (default `overrides`).
 * @throws SettingsError listing every issue (wrong types, bad instants, end before start, unknown fields).
 */
export function parseOrderOverrides(input: unknown, path = "overrides"): OrderOverrides {
  if (input === null || input === undefined) return {};
  const issues = new IssueCollector();
  if (!isRecord(input)) {
    issues.add(path, `expected an object, got ${quote(input)}`);
    issues.throwIfAny();
    return {};
  }
  const allowed = ["urgent", "sla_profile", "cycle_started_at", "cycle_ended_at"];
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key))
      issues.add(`${path}.${key}`, `unknown field (expected ${allowed.join(", ")})`);
  }
  const out: {
    urgent?: boolean | null;
    slaProfile?: string | null;
    cycleStartedAt?: string | null;
    cycleEndedAt?: string | null;
  } = {};
  const urgent = input["urgent"];
  if (urgent !== undefined) {
    if (urgent === null || typeof urgent === "boolean") out.urgent = urgent;
    else issues.add(`${path}.urgent`, `expected true, false or null, got ${quote(urgent)}`);
  }
  const profile = input["sla_profile"];
  if (profile !== undefined) {
    if (profile === null) out.slaProfile = null;
    else if (typeof profile === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(profile)) out.slaProfile = profile;
    else issues.add(`${path}.sla_profile`, `expected an SLA profile name or null, got ${quote(profile)}`);
  }
  const instant = (key: "cycle_started_at" | "cycle_ended_at"): string | null | undefined => {
    const raw = input[key];
    if (raw === undefined || raw === null) return raw;
    if (typeof raw === "string" || typeof raw === "number") {
      try {
        return new Date(toEpochMs(raw, key)).toISOString();
      } catch (error) {
        issues.add(`${path}.${key}`, (error as Error).message);
        return undefined;
      }
    }
    issues.add(`${path}.${key}`, `expected an ISO-8601 instant or null, got ${quote(raw)}`);
    return undefined;
  };
  const start = instant("cycle_started_at");
  const end = instant("cycle_ended_at");
  if (start !== undefined) out.cycleStartedAt = start;
  if (end !== undefined) out.cycleEndedAt = end;
  if (typeof start === "string" && typeof end === "string" && end < start) {
    issues.add(`${path}.cycle_ended_at`, `the cycle end ${end} is before its start ${start}`);
  }
  issues.throwIfAny();
  return out;
}

/**
 * What the rules derived for an order.
 * - `urgency`: the result of `isUrgentOrder` (or a plain flag); `null` when the items are not known
 *   yet (SPEC: fetched asynchronously) — the order then counts as not urgent until they are.
 * - `intervals` / `cycleRule`: the order's status intervals and the project's cycle rule (if any).
 */
export interface OrderRuleFacts {
  readonly urgency: UrgencyDecision | boolean | null;
  readonly intervals?: readonly CycleInterval[];
  readonly cycleRule?: CycleRule | null;
}

/**
 * The order's final decisions.
 * - `urgent`, with `urgentFrom`: `override`, `rule`, or `unknown` (items not known, no override →
 *   `false`); `urgentRule`: the first matching rule when the rules decided `true`.
 * - `slaProfile`, with `slaProfileFrom`: the override, else `urgent` / `normal` by `urgent`.
 * - `sla`: ready to pass to `orderSlaLimitSeconds(settings, groupId, decisions.sla)`: the profile
 *   override, else the current urgency — one grid for the order's whole history (SPEC "Decided rules").
 * - `cycle`: bounds with `startFrom`/`endFrom` telling rule from override; `null` without a start.
 */
export interface OrderDecisions {
  readonly urgent: boolean;
  readonly urgentFrom: "override" | "rule" | "unknown";
  readonly urgentRule: UrgentRule | null;
  readonly slaProfile: string;
  readonly slaProfileFrom: "override" | "rule";
  readonly sla: { readonly profile: string | null; readonly urgent: boolean };
  readonly cycle: CycleBounds | null;
}

/**
 * Applies an order's overrides to what the rules derived; overrides win (SPEC). With only the cycle
 * start overridden, the rule's end is searched from that instant on (see `findCycleBounds`).
 * @throws RangeError for an invalid instant in the intervals or overrides.
 */
export function applyOverrides(
  facts: OrderRuleFacts,
  overrides: OrderOverrides | null | undefined,
): OrderDecisions {
  const o = overrides ?? {};
  const ruleUrgent =
    facts.urgency === null ? null : typeof facts.urgency === "boolean" ? facts.urgency : facts.urgency.urgent;
  const urgentOverride = o.urgent ?? null;
  const urgent = urgentOverride ?? ruleUrgent ?? false;
  const urgentFrom: OrderDecisions["urgentFrom"] =
    urgentOverride !== null ? "override" : ruleUrgent !== null ? "rule" : "unknown";
  const urgentRule =
    urgentFrom === "rule" && facts.urgency !== null && typeof facts.urgency !== "boolean"
      ? facts.urgency.rule
      : null;

  const profileOverride = o.slaProfile ?? null;
  const slaProfile = profileOverride ?? (urgent ? URGENT_SLA_PROFILE : NORMAL_SLA_PROFILE);

  const startOverride = o.cycleStartedAt ?? null;
  const endOverride = o.cycleEndedAt ?? null;
  const cycle = findCycleBounds(facts.intervals ?? [], facts.cycleRule ?? null, {
    startedAt: startOverride,
    endedAt: endOverride,
  });

  return {
    urgent,
    urgentFrom,
    urgentRule,
    slaProfile,
    slaProfileFrom: profileOverride !== null ? "override" : "rule",
    sla: { profile: profileOverride, urgent },
    cycle,
  };
}
