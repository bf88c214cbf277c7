import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type AnalyzedIntervalInput, analyzeOrder, parseOrderAnalyticsSettings } from "./order-analytics.js";

const SPLIT = ["09:00-13:00", "14:00-18:00"];
const WORKING_HOURS = {
  default: {},
  groups: {
    "2": { working_hours: { mon: SPLIT, tue: SPLIT, wed: SPLIT, thu: SPLIT, fri: SPLIT, sat: [], sun: [] } },
  },
};
const SLA = { near_share: 0.8, grids: { normal: { "1": "10:00", "2": "05:00" }, urgent: { "1": "02:00" } } };
const settings = (extra: Record<string, unknown> = {}) =>
  parseOrderAnalyticsSettings(
    {
      working_hours: WORKING_HOURS,
      sla: SLA,
      urgent_rules: { rules: [{ match_type: "sku", match_value: "URGENT" }] },
      cycle: { rules: [{ name: "to delivery", start: { group_id: 1 }, end: { group_id: 4 } }] },
      ...extra,
    },
    "Europe/Kyiv",
  );

const iv = (group: number, start: string, end: string | null): AnalyzedIntervalInput => ({
  status_id: group * 10,
  status_group_id: group,
  started_at: start,
  ended_at: end,
});
const H = 3_600_000;
const T0 = Date.parse("2026-10-12T06:00:00.000Z"); // Mon 09:00 Kyiv
const t = (ms: number) => new Date(T0 + ms).toISOString();

describe("analyzeOrder", () => {
  test("given a split Kyiv calendar for group 2, when an interval closes, then its working seconds skip the lunch break", () => {
    const a = analyzeOrder({
      intervals: [iv(2, t(0), t(7 * H)), iv(4, t(7 * H), null)],
      items: [],
      overrides: null,
      settings: settings(),
    });
    // 09:00–16:00 Kyiv = 4 h + 2 h; the 5 h limit is exceeded just after 15:00 Kyiv (12:00Z), near (4 h) at 13:00.
    assert.equal(a.intervals[0]!.working_seconds, 21_600);
    const g2 = a.groups.find((g) => g.group_id === 2)!;
    assert.equal(g2.state_if_closed, "over");
    assert.equal(g2.near_at, t(4 * H));
    assert.equal(g2.over_at, t(6 * H + 1));
    assert.equal(g2.running_since, null);
    assert.equal(a.deliveryEnteredAt, t(7 * H));
    assert.equal(a.intervals[1]!.working_seconds, null, "open: no working seconds");
    const g4 = a.groups.find((g) => g.group_id === 4)!;
    assert.equal(g4.limit_seconds, null, "group 4 has no SLA");
    assert.equal(g4.running_since, t(7 * H));
    assert.equal(a.slaNextTransitionAt, null);
  });

  test("given a group left at the SLA boundaries, when judged, then near from 80 % inclusive, still near at the limit, over 1 ms after", () => {
    const s = settings();
    const state = (ms: number) =>
      analyzeOrder({
        intervals: [iv(1, t(0), t(ms)), iv(3, t(ms), null)],
        items: [],
        overrides: null,
        settings: s,
      }).groups.find((g) => g.group_id === 1)!;
    assert.equal(state(8 * H - 1).state_if_closed, "ok");
    assert.equal(state(8 * H - 1).near_at, null);
    assert.equal(state(8 * H).state_if_closed, "near");
    assert.equal(state(8 * H).near_at, t(8 * H));
    assert.equal(state(10 * H).state_if_closed, "near");
    assert.equal(state(10 * H).over_at, null);
    assert.equal(state(10 * H + 1).state_if_closed, "over");
    assert.equal(state(10 * H + 1).over_at, t(10 * H + 1));
    assert.equal(state(10 * H).limit_seconds, 36_000);
  });

  test("given a return to a group through two statuses of it, when judged, then one row sums the visits and the next transition lies in the running visit", () => {
    // Group 1 (24/7, 10 h): 6 h, then 2 h in group 3, back in group 1 in two statuses: 1 h + running.
    const a = analyzeOrder({
      intervals: [
        iv(1, t(0), t(6 * H)),
        iv(3, t(6 * H), t(8 * H)),
        { ...iv(1, t(8 * H), t(9 * H)), status_id: 11 },
        { ...iv(1, t(9 * H), null), status_id: 12 },
      ],
      items: [],
      overrides: null,
      settings: settings(),
    });
    const g1 = a.groups.find((g) => g.group_id === 1)!;
    assert.equal(g1.visits, 3);
    assert.equal(g1.working_seconds_closed, 7 * 3600);
    assert.equal(g1.running_since, t(9 * H));
    // 8 h of work (near) at t(10 h), over after 10 h + 1 ms of work = t(12 h) + 1 ms.
    assert.equal(g1.near_at, t(10 * H));
    assert.equal(g1.over_at, t(12 * H + 1));
    assert.equal(a.slaNextTransitionAt, t(10 * H));
    assert.deepEqual(
      a.groups.map((g) => g.group_id),
      [1, 3],
    );
  });

  test("given an urgent item, when judged, then the urgent limit applies for the whole life and the open interval predicts its transitions", () => {
    const a = analyzeOrder({
      intervals: [iv(1, t(0), null)],
      items: [{ sku: "URGENT" }],
      overrides: null,
      settings: settings(),
    });
    assert.equal(a.urgent, true);
    assert.equal(a.urgentSource, "rule");
    assert.equal(a.urgentRule, "sku:URGENT");
    assert.equal(a.urgentSince, t(0));
    assert.equal(a.intervals[0]!.is_urgent, true);
    const g = a.groups[0]!;
    assert.equal(g.is_urgent, true);
    assert.equal(g.sla_profile, "urgent");
    assert.equal(g.limit_seconds, 7200);
    assert.equal(g.near_at, t(1.6 * H));
    assert.equal(g.over_at, t(2 * H + 1));
    assert.equal(a.slaNextTransitionAt, t(1.6 * H));
    assert.equal(a.cycle?.open, true);
    assert.equal(a.cycle?.wallSeconds, null);
  });

  test("given an urgent item and an override urgent=false, when judged, then the override wins", () => {
    const a = analyzeOrder({
      intervals: [iv(1, t(0), t(3 * H)), iv(4, t(3 * H), null)],
      items: [{ sku: "URGENT" }],
      overrides: { urgent: false },
      settings: settings(),
    });
    assert.equal(a.urgent, false);
    assert.equal(a.urgentSource, "override");
    assert.equal(a.urgentRule, null);
    assert.equal(a.groups[0]!.limit_seconds, 36_000);
    assert.equal(a.groups[0]!.sla_profile, "normal");
    assert.equal(a.groups[0]!.state_if_closed, "ok");
    assert.deepEqual(a.cycle, {
      rule: "to delivery",
      startedAt: t(0),
      endedAt: t(3 * H),
      wallSeconds: 10_800,
      workingSeconds: 10_800,
      open: false,
    });
  });

  test("given items not fetched yet, when judged, then not urgent with source unknown", () => {
    const a = analyzeOrder({
      intervals: [iv(1, t(0), null)],
      items: null,
      overrides: null,
      settings: settings(),
    });
    assert.equal(a.urgent, false);
    assert.equal(a.urgentSource, "unknown");
    assert.equal(a.groups[0]!.near_at, t(8 * H));
  });

  test("given stored settings that do not parse, when parsed, then the SPEC defaults apply", () => {
    const s = parseOrderAnalyticsSettings({ sla: { grids: "x" }, cycle: { rules: 5 } }, "UTC");
    assert.equal(s.sla.grids.size, 0);
    assert.deepEqual(s.cycleRules, []);
  });
});
