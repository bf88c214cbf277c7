import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type CycleInterval,
  type CycleRule,
  cycleRulesToJson,
  findCycleBounds,
  firstEntryAt,
  lastEntryAt,
  measureCycle,
  measureCycles,
  parseCycleRules,
} from "./cycles.js";
import { SettingsError } from "./settings-error.js";
import { alwaysOpenCalendar, parseWorkingCalendar, workingSeconds } from "./working-calendar.js";

const H = 3600;
const split = ["09:00-13:00", "14:00-18:00"];
const kyiv = parseWorkingCalendar({
  time_zone: "Europe/Kyiv",
  working_hours: {
    mon: split,
    tue: split,
    wed: split,
    thu: split,
    fri: split,
    sat: ["10:00-15:00"],
    sun: [],
  },
});
const never = parseWorkingCalendar({
  working_hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
});
const always = alwaysOpenCalendar("Europe/Kyiv");

/** A shop-kyiv order (statuses of fixtures statuses.json), week of 2026-10-19 (EEST, +03:00). */
const ORDER: CycleInterval[] = [
  ["2026-10-19T06:00:00Z", 1, 1], // Mon 09:00 new
  ["2026-10-19T07:00:00Z", 3, 2], // Mon 10:00 clarification (approval)
  ["2026-10-19T08:00:00Z", 4, 2], // Mon 11:00 layout approval (same group: no new entry into 2)
  ["2026-10-19T10:00:00Z", 26, 3], // Mon 13:00 production
  ["2026-10-20T06:00:00Z", 4, 2], // Tue 09:00 layout sent back: re-entry into group 2 and status 4
  ["2026-10-20T08:00:00Z", 26, 3], // Tue 11:00 production again
  ["2026-10-21T06:00:00Z", 8, 4], // Wed 09:00 handed to the carrier: delivery entered
  ["2026-10-22T06:00:00Z", 11, 4], // Thu 09:00 shipped (same group)
  ["2026-10-23T10:00:00Z", 12, 5], // Fri 13:00 completed
].map(([at, status, group], i, all) => ({
  status_id: status as number,
  status_group_id: group as number,
  started_at: at as string,
  ended_at: (all[i + 1]?.[0] as string | undefined) ?? null,
}));

const rule = (
  name: string,
  start: CycleRule["start"],
  end: CycleRule["end"],
  startEntry: CycleRule["startEntry"] = "first",
  endEntry: CycleRule["endEntry"] = "first",
): CycleRule => ({ name, start, end, startEntry, endEntry });
const group = (id: number) => ({ kind: "group", id }) as const;
const status = (id: number) => ({ kind: "status", id }) as const;
const TO_DELIVERY = rule("to delivery", group(1), group(4));
const FULL = rule("full cycle", group(1), group(5));
const NOW = "2026-11-06T22:00:00Z";

describe("entries", () => {
  test("given an order that entered delivery once, when asked, then delivery_entered_at is the first entry into group 4", () => {
    assert.equal(firstEntryAt(ORDER, group(4)), "2026-10-21T06:00:00.000Z");
    assert.equal(lastEntryAt(ORDER, group(4)), "2026-10-21T06:00:00.000Z");
  });

  test("given moves inside a group and a return to it, when asked, then only the returns are new entries", () => {
    assert.equal(firstEntryAt(ORDER, group(2)), "2026-10-19T07:00:00.000Z");
    assert.equal(lastEntryAt(ORDER, group(2)), "2026-10-20T06:00:00.000Z");
    assert.equal(firstEntryAt(ORDER, status(4)), "2026-10-19T08:00:00.000Z");
    assert.equal(lastEntryAt(ORDER, status(4)), "2026-10-20T06:00:00.000Z");
  });

  test("given a group never entered, when asked, then null", () => {
    assert.equal(firstEntryAt(ORDER, group(6)), null);
    assert.equal(lastEntryAt([], group(1)), null);
  });

  test("given the intervals in any order, when asked, then they are taken by started_at", () => {
    const shuffled = [...ORDER].reverse();
    assert.equal(firstEntryAt(shuffled, group(3)), "2026-10-19T10:00:00.000Z");
    assert.equal(lastEntryAt(shuffled, group(3)), "2026-10-20T08:00:00.000Z");
  });

  test("given amoCRM won (142) in two pipelines, when the boundary names the pipeline, then only that one", () => {
    const lead: CycleInterval[] = [
      {
        status_id: 100,
        status_group_id: 777,
        started_at: "2026-10-01T00:00:00Z",
        ended_at: "2026-10-02T00:00:00Z",
      },
      {
        status_id: 142,
        status_group_id: 777,
        started_at: "2026-10-02T00:00:00Z",
        ended_at: "2026-10-03T00:00:00Z",
      },
      {
        status_id: 200,
        status_group_id: 888,
        started_at: "2026-10-03T00:00:00Z",
        ended_at: "2026-10-04T00:00:00Z",
      },
      { status_id: 142, status_group_id: 888, started_at: "2026-10-04T00:00:00Z", ended_at: null },
    ];
    assert.equal(firstEntryAt(lead, status(142)), "2026-10-02T00:00:00.000Z");
    assert.equal(firstEntryAt(lead, { kind: "status", id: 142, groupId: 888 }), "2026-10-04T00:00:00.000Z");
  });
});

describe("measureCycle — rules", () => {
  test("given 'to delivery' (group 1 → group 4, first entries), when measured, then Mon 09:00 → Wed 09:00: 48 h wall, 16 h working", () => {
    const m = measureCycle({ intervals: ORDER, rule: TO_DELIVERY, calendar: kyiv, now: NOW });
    assert.deepEqual(m, {
      rule: "to delivery",
      startedAt: "2026-10-19T06:00:00.000Z",
      endedAt: "2026-10-21T06:00:00.000Z",
      startFrom: "rule",
      endFrom: "rule",
      open: false,
      wallSeconds: 48 * H,
      workingSeconds: 16 * H,
    });
  });

  test("given 'full cycle' (group 1 → group 5), when measured, then 100 h wall and 4 × 8 h + 4 h = 36 h working", () => {
    const m = measureCycle({ intervals: ORDER, rule: FULL, calendar: kyiv, now: NOW });
    assert.equal(m?.endedAt, "2026-10-23T10:00:00.000Z");
    assert.equal(m?.wallSeconds, 100 * H);
    assert.equal(m?.workingSeconds, 36 * H);
  });

  test("given start at the last entry into production, when measured, then from Tue 11:00 to Wed 09:00: 6 h working", () => {
    const m = measureCycle({
      intervals: ORDER,
      rule: rule("last production", group(3), group(4), "last"),
      calendar: kyiv,
      now: NOW,
    });
    assert.equal(m?.startedAt, "2026-10-20T08:00:00.000Z");
    assert.equal(m?.endedAt, "2026-10-21T06:00:00.000Z");
    assert.equal(m?.wallSeconds, 22 * H);
    assert.equal(m?.workingSeconds, 6 * H);
  });

  test("given end at the first vs the last entry into production, when measured, then Mon 13:00 vs Tue 11:00", () => {
    const first = findCycleBounds(ORDER, rule("p", group(1), group(3)));
    const last = findCycleBounds(ORDER, rule("p", group(1), group(3), "first", "last"));
    assert.equal(first?.endedAt, "2026-10-19T10:00:00.000Z");
    assert.equal(last?.endedAt, "2026-10-20T08:00:00.000Z");
  });

  test("given status boundaries, when measured, then entries into the status (re-entries count)", () => {
    const b = findCycleBounds(ORDER, rule("layout", status(4), status(26), "last"));
    assert.equal(b?.startedAt, "2026-10-20T06:00:00.000Z");
    assert.equal(b?.endedAt, "2026-10-20T08:00:00.000Z");
  });

  test("given an order that has not reached the end yet, when measured, then open and measured up to now", () => {
    const soFar = ORDER.slice(0, 6).map((iv, i, all) =>
      i === all.length - 1 ? { ...iv, ended_at: null } : iv,
    );
    const m = measureCycle({
      intervals: soFar,
      rule: TO_DELIVERY,
      calendar: kyiv,
      now: "2026-10-20T12:00:00Z",
    });
    assert.equal(m?.open, true);
    assert.equal(m?.endedAt, null);
    assert.equal(m?.endFrom, null);
    assert.equal(m?.wallSeconds, 30 * H);
    assert.equal(m?.workingSeconds, 8 * H + 5 * H); // Mon 8 h + Tue 09:00–13:00, 14:00–15:00
  });

  test("given an end boundary entered only before the start, when measured, then open", () => {
    const m = measureCycle({
      intervals: ORDER,
      rule: rule("back", group(4), group(2)),
      calendar: kyiv,
      now: NOW,
    });
    assert.equal(m?.open, true);
    assert.equal(m?.startedAt, "2026-10-21T06:00:00.000Z");
  });

  test("given a start boundary the order never entered, when measured, then no cycle", () => {
    assert.equal(
      measureCycle({ intervals: ORDER, rule: rule("c", group(6), group(5)), calendar: kyiv, now: NOW }),
      null,
    );
    assert.equal(measureCycle({ intervals: [], rule: FULL, calendar: kyiv, now: NOW }), null);
  });

  test("given now before the start of an open cycle, when measured, then zero durations", () => {
    const m = measureCycle({
      intervals: ORDER.slice(0, 2),
      rule: TO_DELIVERY,
      calendar: kyiv,
      now: "2026-10-19T05:00:00Z",
    });
    assert.equal(m?.wallSeconds, 0);
    assert.equal(m?.workingSeconds, 0);
  });

  test("given per-group calendars (production never counts), when measured, then each interval with its group's calendar", () => {
    const perGroup = (g: number | null) => (g === 3 ? never : always);
    const m = measureCycle({ intervals: ORDER, rule: TO_DELIVERY, calendar: perGroup, now: NOW });
    // 48 h minus production Mon 13:00 → Tue 09:00 (20 h) and Tue 11:00 → Wed 09:00 (22 h)
    assert.equal(m?.workingSeconds, 6 * H);
    assert.equal(m?.wallSeconds, 48 * H);
  });

  test("given every rule of a project, when measured, then a map by rule name", () => {
    const all = measureCycles({
      intervals: ORDER,
      rules: [TO_DELIVERY, FULL, rule("x", group(6), group(5))],
      calendar: kyiv,
      now: NOW,
    });
    assert.deepEqual([...all.keys()], ["to delivery", "full cycle", "x"]);
    assert.equal(all.get("full cycle")?.workingSeconds, 36 * H);
    assert.equal(all.get("x"), null);
  });

  test("given any order and a single calendar, when measured per group with that same calendar, then the same working time", () => {
    const T0 = Date.parse("2026-10-01T00:00:00Z");
    const intervalsArb = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 3 * 86_400_000 }), fc.integer({ min: 1, max: 6 })), {
        minLength: 1,
        maxLength: 12,
      })
      .map((steps) => {
        let t = T0;
        return steps.map(([gap, g], i, all) => {
          const start = t;
          t += gap;
          return {
            status_id: g * 10,
            status_group_id: g,
            started_at: start,
            ended_at: i === all.length - 1 ? null : t,
          } satisfies CycleInterval;
        });
      });
    fc.assert(
      fc.property(
        intervalsArb,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        (intervals, a, b) => {
          const r = rule("r", group(a), group(b));
          const now = T0 + 60 * 86_400_000;
          const single = measureCycle({ intervals, rule: r, calendar: kyiv, now });
          const perGroup = measureCycle({ intervals, rule: r, calendar: () => kyiv, now });
          if (single === null) return perGroup === null;
          const until = single.endedAt ?? new Date(now).toISOString();
          return (
            perGroup !== null &&
            single.workingSeconds === perGroup.workingSeconds &&
            single.workingSeconds === workingSeconds({ start: single.startedAt, end: until }, kyiv) &&
            single.workingSeconds <= single.wallSeconds
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("measureCycle — order overrides win over the rule", () => {
  test("given only the start overridden, when measured, then the rule's end is the first entry at or after it", () => {
    const m = measureCycle({
      intervals: ORDER,
      rule: TO_DELIVERY,
      calendar: kyiv,
      now: NOW,
      override: { startedAt: "2026-10-19T12:00:00Z" },
    });
    assert.equal(m?.startedAt, "2026-10-19T12:00:00.000Z");
    assert.equal(m?.startFrom, "override");
    assert.equal(m?.endedAt, "2026-10-21T06:00:00.000Z");
    assert.equal(m?.endFrom, "rule");
    assert.equal(m?.workingSeconds, 3 * H + 8 * H); // Mon 15:00–18:00 + Tue
  });

  test("given a start override after the only entry into the end group, when measured, then open", () => {
    const b = findCycleBounds(ORDER, TO_DELIVERY, { startedAt: "2026-10-21T12:00:00Z" });
    assert.equal(b?.endedAt, null);
  });

  test("given only the end overridden, when measured, then the rule's start and the override end", () => {
    const b = findCycleBounds(ORDER, TO_DELIVERY, { endedAt: "2026-10-20T15:00:00Z" });
    assert.deepEqual(b, {
      startedAt: "2026-10-19T06:00:00.000Z",
      endedAt: "2026-10-20T15:00:00.000Z",
      startFrom: "rule",
      endFrom: "override",
    });
  });

  test("given overrides and no rule, when measured, then the overrides alone; without a start override, no cycle", () => {
    const m = measureCycle({
      intervals: ORDER,
      rule: null,
      calendar: always,
      now: NOW,
      override: { startedAt: "2026-10-19T00:00:00Z", endedAt: "2026-10-20T00:00:00Z" },
    });
    assert.equal(m?.rule, null);
    assert.equal(m?.workingSeconds, 24 * H);
    assert.equal(findCycleBounds(ORDER, null, { endedAt: "2026-10-20T00:00:00Z" }), null);
  });

  test("given an end override before the start, when measured, then zero durations", () => {
    const m = measureCycle({
      intervals: ORDER,
      rule: FULL,
      calendar: kyiv,
      now: NOW,
      override: { endedAt: "2026-10-01T00:00:00Z" },
    });
    assert.equal(m?.wallSeconds, 0);
    assert.equal(m?.workingSeconds, 0);
    assert.equal(m?.open, false);
  });
});

describe("parseCycleRules", () => {
  test("given the settings JSON, when parsed, then rules with first entries by default, and back", () => {
    const rules = parseCycleRules([
      { name: " to delivery ", start: { group_id: 1 }, end: { group_id: 4 } },
      { name: "won", start: { status_id: 100, group_id: 777 }, end: { status_id: 142 }, end_entry: "last" },
    ]);
    assert.deepEqual(rules, [
      { name: "to delivery", start: group(1), startEntry: "first", end: group(4), endEntry: "first" },
      {
        name: "won",
        start: { kind: "status", id: 100, groupId: 777 },
        startEntry: "first",
        end: status(142),
        endEntry: "last",
      },
    ]);
    assert.deepEqual(parseCycleRules(cycleRulesToJson(rules)), rules);
  });

  test("given invalid rules, when parsed, then every issue with its path", () => {
    try {
      parseCycleRules([
        { name: "a", start: { group_id: 1 }, end: {} },
        { name: "a", start: { status_id: "4" }, end: { group_id: 4 }, start_entry: "middle" },
        { start: { group_id: 1, pipeline: 2 }, end: { group_id: -1 } },
        7,
      ]);
      assert.fail("expected SettingsError");
    } catch (error) {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(
        error.issues.map((i) => i.path),
        [
          "cycle_rules[0].end",
          "cycle_rules[1].name",
          "cycle_rules[1].start.status_id",
          "cycle_rules[1].start_entry",
          "cycle_rules[2].name",
          "cycle_rules[2].start.pipeline",
          "cycle_rules[2].end.group_id",
          "cycle_rules[3]",
        ],
      );
    }
  });
});
