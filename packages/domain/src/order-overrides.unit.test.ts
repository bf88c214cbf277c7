import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CycleInterval, CycleRule } from "./cycles.js";
import { applyOverrides, parseOrderOverrides } from "./order-overrides.js";
import { SettingsError } from "./settings-error.js";
import { groupSla, orderSlaLimitSeconds, parseSlaSettings } from "./sla.js";
import { isUrgentOrder, parseUrgentRules } from "./urgency.js";
import { parseWorkingCalendar } from "./working-calendar.js";

const rules = parseUrgentRules([
  { match_type: "sku", match_value: "Термінове виготовлення" },
  { match_type: "offer_id", match_value: "16" },
]);
const urgentItems = [{ sku: "Термінове виготовлення", offer: { id: 16, product_id: 2 } }];
const plainItems = [{ sku: "PRN-WALL", offer: { id: 44, product_id: 10 } }];
const intervals: CycleInterval[] = [
  { status_id: 1, status_group_id: 1, started_at: "2026-10-19T06:00:00Z", ended_at: "2026-10-20T06:00:00Z" },
  { status_id: 8, status_group_id: 4, started_at: "2026-10-20T06:00:00Z", ended_at: "2026-10-21T06:00:00Z" },
  { status_id: 12, status_group_id: 5, started_at: "2026-10-21T06:00:00Z", ended_at: null },
];
const toDelivery: CycleRule = {
  name: "to delivery",
  start: { kind: "group", id: 1 },
  startEntry: "first",
  end: { kind: "group", id: 4 },
  endEntry: "first",
};

describe("applyOverrides", () => {
  test("given no overrides, when applied, then the rules decide and say so", () => {
    const d = applyOverrides(
      { urgency: isUrgentOrder(urgentItems, rules), intervals, cycleRule: toDelivery },
      null,
    );
    assert.equal(d.urgent, true);
    assert.equal(d.urgentFrom, "rule");
    assert.deepEqual(d.urgentRule, { matchType: "sku", matchValue: "Термінове виготовлення" });
    assert.equal(d.slaProfile, "urgent");
    assert.equal(d.slaProfileFrom, "rule");
    assert.deepEqual(d.sla, { profile: null, urgent: true });
    assert.deepEqual(d.cycle, {
      startedAt: "2026-10-19T06:00:00.000Z",
      endedAt: "2026-10-20T06:00:00.000Z",
      startFrom: "rule",
      endFrom: "rule",
    });
  });

  test("given urgent: false on an order whose items match, when applied, then not urgent (override wins) and the normal profile", () => {
    const d = applyOverrides({ urgency: isUrgentOrder(urgentItems, rules) }, { urgent: false });
    assert.equal(d.urgent, false);
    assert.equal(d.urgentFrom, "override");
    assert.equal(d.urgentRule, null);
    assert.equal(d.slaProfile, "normal");
    assert.deepEqual(d.sla, { profile: null, urgent: false });
  });

  test("given urgent: true on a plain order, when applied, then urgent and the urgent profile", () => {
    const d = applyOverrides({ urgency: isUrgentOrder(plainItems, rules) }, { urgent: true });
    assert.equal(d.urgent, true);
    assert.equal(d.slaProfile, "urgent");
  });

  test("given items not known yet and no override, when applied, then not urgent, source unknown", () => {
    const d = applyOverrides({ urgency: null }, {});
    assert.equal(d.urgent, false);
    assert.equal(d.urgentFrom, "unknown");
    assert.equal(d.cycle, null);
  });

  test("given an SLA profile override, when applied, then it wins over urgency for the SLA", () => {
    const d = applyOverrides({ urgency: true }, { slaProfile: "vip" });
    assert.equal(d.urgent, true);
    assert.equal(d.slaProfile, "vip");
    assert.equal(d.slaProfileFrom, "override");
    const settings = parseSlaSettings({
      grids: { normal: { "2": "08:00" }, urgent: { "2": "02:00" }, vip: { "2": "01:00" } },
    });
    assert.equal(orderSlaLimitSeconds(settings, 2, d.sla), 3600);
  });

  test("given an urgent order without a profile override, when its group is judged, then the urgent grid applies to its whole history", () => {
    const d = applyOverrides({ urgency: true }, undefined);
    assert.deepEqual(d.sla, { profile: null, urgent: true });
    const settings = parseSlaSettings({ grids: { normal: { "2": "08:00" }, urgent: { "2": "02:00" } } });
    const kyiv = parseWorkingCalendar({
      time_zone: "Europe/Kyiv",
      working_hours: { mon: ["09:00-18:00"], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    });
    const r = groupSla({
      visits: [{ startedAt: "2026-10-26T07:00:00Z", endedAt: null }],
      calendar: kyiv,
      limitSeconds: orderSlaLimitSeconds(settings, 2, d.sla),
    });
    assert.equal(r.limitSeconds, 2 * 3600);
    assert.equal(r.overAt, "2026-10-26T09:00:00.001Z");
    // an urgency override replaces the rule's flag
    assert.equal(applyOverrides({ urgency: true }, { urgent: false }).sla.urgent, false);
  });

  test("given cycle start and end overrides, when applied, then they win over the rule", () => {
    const d = applyOverrides(
      { urgency: false, intervals, cycleRule: toDelivery },
      { cycleStartedAt: "2026-10-19T08:00:00Z", cycleEndedAt: "2026-10-21T00:00:00Z" },
    );
    assert.deepEqual(d.cycle, {
      startedAt: "2026-10-19T08:00:00.000Z",
      endedAt: "2026-10-21T00:00:00.000Z",
      startFrom: "override",
      endFrom: "override",
    });
  });

  test("given only a cycle start override, when applied, then the rule's end after it", () => {
    const d = applyOverrides(
      { urgency: false, intervals, cycleRule: toDelivery },
      { cycleStartedAt: "2026-10-19T08:00:00Z" },
    );
    assert.equal(d.cycle?.endedAt, "2026-10-20T06:00:00.000Z");
    assert.equal(d.cycle?.endFrom, "rule");
  });
});

describe("parseOrderOverrides", () => {
  test("given the settings JSON, when parsed, then normalised overrides", () => {
    assert.deepEqual(
      parseOrderOverrides({
        urgent: true,
        sla_profile: "vip",
        cycle_started_at: "2026-10-12T09:00:00+03:00",
        cycle_ended_at: null,
      }),
      { urgent: true, slaProfile: "vip", cycleStartedAt: "2026-10-12T06:00:00.000Z", cycleEndedAt: null },
    );
    assert.deepEqual(parseOrderOverrides(undefined), {});
    assert.deepEqual(parseOrderOverrides({}), {});
  });

  test("given invalid overrides, when parsed, then every issue with its path", () => {
    try {
      parseOrderOverrides({
        urgent: "yes",
        sla_profile: "",
        cycle_started_at: "2026-10-12 09:00",
        cycle_ended_at: 5.5,
        note: "x",
      });
      assert.fail("expected SettingsError");
    } catch (error) {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(error.issues.map((i) => i.path).sort(), [
        "overrides.cycle_ended_at",
        "overrides.cycle_started_at",
        "overrides.note",
        "overrides.sla_profile",
        "overrides.urgent",
      ]);
    }
  });

  test("given a cycle end before its start, when parsed, then an issue", () => {
    assert.throws(
      () =>
        parseOrderOverrides({
          cycle_started_at: "2026-10-12T00:00:00Z",
          cycle_ended_at: "2026-10-11T00:00:00Z",
        }),
      (e: unknown) => e instanceof SettingsError && e.issues[0]?.path === "overrides.cycle_ended_at",
    );
  });
});
