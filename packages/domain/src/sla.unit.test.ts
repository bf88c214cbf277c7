import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SettingsError } from "./settings-error.js";
import {
  DEFAULT_NEAR_SHARE,
  EMPTY_SLA_SETTINGS,
  formatSlaLimit,
  type GroupVisit,
  groupSla,
  orderSlaLimitSeconds,
  parseSlaLimit,
  parseSlaSettings,
  type SlaState,
  slaLimitSeconds,
  slaSettingsToJson,
  slaState,
  slaStateAt,
  slaThresholds,
} from "./sla.js";
import { alwaysOpenCalendar, parseWorkingCalendar, workingMs } from "./working-calendar.js";

const H = 3600;
const split = ["09:00-13:00", "14:00-18:00"];
/** shop-kyiv of fixtures/keycrm/projects.json. */
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
const always = alwaysOpenCalendar("Europe/Kyiv");
/** Monday 2026-10-26 09:00 EET (after the DST change). */
const MON_0900 = "2026-10-26T07:00:00.000Z";

describe("slaState boundaries", () => {
  const limit = 10 * H;
  const cases: [number, SlaState][] = [
    [0, "ok"],
    [8 * H - 0.001, "ok"],
    [8 * H, "near"], // exactly 80 % — near is inclusive
    [8 * H + 0.001, "near"],
    [10 * H - 0.001, "near"],
    [10 * H, "near"], // exactly at the limit — the limit was met
    [10 * H + 0.001, "over"], // 1 ms over

    [1e9, "over"],
  ];
  for (const [working, expected] of cases) {
    test(`given ${working} s against a 10 h limit, when judged, then ${expected}`, () => {
      assert.equal(slaState(working, limit), expected);
    });
  }

  test("given a zero limit, when judged, then near at 0 s and over from 1 ms", () => {
    assert.equal(slaState(0, 0), "near");
    assert.equal(slaState(0.001, 0), "over");
  });

  test("given near share 1, when judged, then near only exactly at the limit", () => {
    assert.equal(slaState(10 * H - 0.001, limit, 1), "ok");
    assert.equal(slaState(10 * H, limit, 1), "near");
    assert.equal(slaState(10 * H + 0.001, limit, 1), "over");
  });

  test("given near share 0, when judged, then near from the start", () => {
    assert.equal(slaState(0, limit, 0), "near");
  });

  test("given a configured share of 0.5, when judged, then near from half the limit", () => {
    assert.equal(slaState(5 * H - 0.001, limit, 0.5), "ok");
    assert.equal(slaState(5 * H, limit, 0.5), "near");
  });

  test("given limits whose 80 % is not a binary fraction, when exactly at 80 %, then near (ms rounding)", () => {
    for (const l of [1, 3, 7, 61, 9_000, 259_200, 123_457]) {
      const { nearAtSeconds } = slaThresholds(l);
      assert.equal(nearAtSeconds, Math.round(l * 800) / 1000);
      assert.equal(slaState(nearAtSeconds, l), "near", `limit ${l}`);
      assert.equal(slaState(nearAtSeconds - 0.001, l), "ok", `limit ${l}`);
    }
  });

  test("given invalid numbers, when judged, then RangeError", () => {
    assert.throws(() => slaState(-1, limit), RangeError);
    assert.throws(() => slaState(Number.NaN, limit), RangeError);
    assert.throws(() => slaState(1, -1), RangeError);
    assert.throws(() => slaState(1, limit, 1.5), RangeError);
    assert.throws(() => slaState(1, Number.POSITIVE_INFINITY), RangeError);
  });

  test("given any working time, when it grows, then the state never goes back (ok → near → over)", () => {
    const rank = { ok: 0, near: 1, over: 2 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * H }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.constantFrom(0, 0.5, 0.75, DEFAULT_NEAR_SHARE, 0.9, 1),
        (limit, a, b, share) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          return rank[slaState(lo / 1000, limit, share)] <= rank[slaState(hi / 1000, limit, share)];
        },
      ),
    );
  });
});

describe("parseSlaLimit / formatSlaLimit", () => {
  const good: [string, number][] = [
    ["02:30", 9_000],
    ["72:00", 259_200],
    ["0:00", 0],
    ["00:45", 2_700],
    ["100:15", 360_900],
    [" 08:00 ", 28_800],
  ];
  for (const [text, seconds] of good) {
    test(`given ${JSON.stringify(text)}, when parsed, then ${seconds} s`, () => {
      assert.equal(parseSlaLimit(text), seconds);
    });
  }
  for (const text of ["72", "1:5", "-1:00", "12:60", "", "1:00:00", "ab:cd", "1.5:00", "123456:00"]) {
    test(`given ${JSON.stringify(text)}, when parsed, then SettingsError`, () => {
      assert.throws(
        () => parseSlaLimit(text),
        (e: unknown) =>
          e instanceof SettingsError && e.issues[0]?.path === "limit" && /hh:mm/.test(e.message),
      );
    });
  }
  test("given seconds, when formatted, then hh:mm with hours beyond 24", () => {
    assert.equal(formatSlaLimit(259_200), "72:00");
    assert.equal(formatSlaLimit(0), "00:00");
    assert.equal(formatSlaLimit(9_000), "02:30");
    assert.equal(formatSlaLimit(360_900), "100:15");
    assert.throws(() => formatSlaLimit(90), RangeError);
    assert.throws(() => formatSlaLimit(-60), RangeError);
  });
});

describe("parseSlaSettings and limit lookup", () => {
  const settings = parseSlaSettings({
    near_share: 0.75,
    grids: {
      normal: { "1": "02:00", "2": "08:00", "3": "72:00" },
      urgent: { "1": "00:30", "3": "24:00", "4": null },
      vip: { "2": "01:00" },
    },
  });

  test("given a grid JSON, when parsed, then limits in seconds per profile and group", () => {
    assert.equal(settings.nearShare, 0.75);
    assert.equal(settings.grids.get("normal")?.get(3), 72 * H);
    assert.equal(settings.grids.get("urgent")?.get(1), 30 * 60);
    assert.equal(settings.grids.get("urgent")?.get(4), null);
  });

  test("given a group in the profile's grid, when looked up, then that limit", () => {
    assert.equal(slaLimitSeconds(settings, 3, "urgent"), 24 * H);
    assert.equal(slaLimitSeconds(settings, 3, "normal"), 72 * H);
    assert.equal(slaLimitSeconds(settings, 3), 72 * H);
  });

  test("given a group missing from the urgent grid, when looked up, then the normal limit", () => {
    assert.equal(slaLimitSeconds(settings, 2, "urgent"), 8 * H);
  });

  test("given an explicit null in the urgent grid, when looked up, then no SLA (no fallback)", () => {
    assert.equal(slaLimitSeconds(settings, 4, "urgent"), null);
  });

  test("given a group in no grid, an unknown profile or an unknown group, when looked up, then the fallbacks", () => {
    assert.equal(slaLimitSeconds(settings, 5, "urgent"), null);
    assert.equal(slaLimitSeconds(settings, 1, "no-such-profile"), 2 * H);
    assert.equal(slaLimitSeconds(settings, null, "urgent"), null);
    assert.equal(slaLimitSeconds(EMPTY_SLA_SETTINGS, 1), null);
  });

  test("given parsed settings, when written back and parsed again, then the same", () => {
    const json = slaSettingsToJson(settings);
    assert.deepEqual(json.grids["urgent"], { "1": "00:30", "3": "24:00", "4": null });
    assert.deepEqual(parseSlaSettings(json), settings);
  });

  test("given nothing, when parsed, then no SLA and the default share", () => {
    assert.equal(parseSlaSettings(undefined), EMPTY_SLA_SETTINGS);
    assert.equal(parseSlaSettings({}).nearShare, 0.8);
  });

  test("given many mistakes, when parsed, then every issue with its path", () => {
    try {
      parseSlaSettings(
        {
          near_share: 80,
          grids: { normal: { "1": "2h", x: "01:00", "3": 7200 }, "bad name": {}, urgent: [] },
          extra: 1,
        },
        "sla",
      );
      assert.fail("expected SettingsError");
    } catch (error) {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(error.issues.map((i) => i.path).sort(), [
        "sla.extra",
        "sla.grids.bad name",
        "sla.grids.normal.1",
        "sla.grids.normal.3",
        "sla.grids.normal.x",
        "sla.grids.urgent",
        "sla.near_share",
      ]);
    }
  });
});

describe("groupSla — the order's total working time in a status group (SPEC Decided rules)", () => {
  /** Visits on the shop-kyiv calendar with a 4 h limit. */
  const judge = (visits: GroupVisit[], limitSeconds: number | null = 4 * H, nearShare?: number) =>
    groupSla({
      visits,
      calendar: kyiv,
      limitSeconds,
      ...(nearShare === undefined ? {} : { nearShare }),
    });
  const at = (iso: string) => Date.parse(iso);
  const state = (g: ReturnType<typeof groupSla>, iso: string) => slaStateAt(g, iso);

  test("given a closed history of exactly the limit, when judged, then near (the limit was met), never over", () => {
    // Mon 09:00-13:00 EET = 4 h of work.
    const g = judge([{ startedAt: MON_0900, endedAt: "2026-10-26T11:00:00Z" }]);
    assert.equal(g.workingSecondsClosed, 4 * H);
    assert.equal(g.stateIfClosed, "near");
    assert.equal(g.overAt, null);
    assert.equal(g.nearAt, "2026-10-26T10:12:00.000Z");
    assert.equal(state(g, "2026-11-30T00:00:00Z"), "near");
  });

  test("given a closed history 1 ms over the limit, when judged, then over at its last millisecond", () => {
    const g = judge([
      { startedAt: MON_0900, endedAt: "2026-10-26T11:00:00Z" },
      { startedAt: "2026-10-27T07:00:00Z", endedAt: "2026-10-27T07:00:00.001Z" },
    ]);
    assert.equal(g.workingSecondsClosed, 4 * H + 0.001);
    assert.equal(g.stateIfClosed, "over");
    assert.equal(g.overAt, "2026-10-27T07:00:00.001Z");
    assert.equal(state(g, "2026-10-27T07:00:00.000Z"), "near");
    assert.equal(state(g, "2026-10-27T07:00:00.001Z"), "over");
  });

  test("given exactly 80 % of the limit, when judged, then near; 1 ms less, ok", () => {
    // 3 h 12 min of a 4 h limit.
    const exact = judge([{ startedAt: MON_0900, endedAt: "2026-10-26T10:12:00Z" }]);
    assert.equal(exact.stateIfClosed, "near");
    assert.equal(exact.nearAt, "2026-10-26T10:12:00.000Z");
    const under = judge([{ startedAt: MON_0900, endedAt: "2026-10-26T10:11:59.999Z" }]);
    assert.equal(under.stateIfClosed, "ok");
    assert.equal(under.nearAt, null);
    assert.equal(state(under, "2026-12-01T00:00:00Z"), "ok");
  });

  test("given a re-entry into the group, when judged, then the visits add up (the clock does not restart)", () => {
    // 2 h Monday morning, elsewhere, back Tuesday 09:00 EET: near after 1 h 12 min more, over after 2 h + 1 ms.
    const visits: GroupVisit[] = [
      { startedAt: MON_0900, endedAt: "2026-10-26T09:00:00Z" },
      { startedAt: "2026-10-27T07:00:00Z", endedAt: null },
    ];
    const g = judge(visits);
    assert.equal(g.workingSecondsClosed, 2 * H);
    assert.equal(g.runningSince, "2026-10-27T07:00:00.000Z");
    assert.equal(g.stateIfClosed, "ok");
    assert.equal(g.nearAt, "2026-10-27T08:12:00.000Z");
    assert.equal(g.overAt, "2026-10-27T09:00:00.001Z");
    // Each visit alone would still be ok at 09:00 Tuesday + 2 h.
    assert.equal(state(g, "2026-10-27T09:00:00Z"), "near");
    assert.equal(state(g, "2026-10-27T09:00:00.001Z"), "over");
    // Visits in any order give the same.
    assert.deepEqual(judge([...visits].reverse()), g);
  });

  test("given three statuses of one group in a row, when judged, then the same as one visit across them", () => {
    const three = judge([
      { startedAt: MON_0900, endedAt: "2026-10-26T08:00:00Z" },
      { startedAt: "2026-10-26T08:00:00Z", endedAt: "2026-10-26T09:30:00Z" },
      { startedAt: "2026-10-26T09:30:00Z", endedAt: null },
    ]);
    const one = judge([{ startedAt: MON_0900, endedAt: null }]);
    assert.equal(three.nearAt, one.nearAt);
    assert.equal(three.overAt, one.overAt);
    assert.equal(three.nearAt, "2026-10-26T10:12:00.000Z");
    assert.equal(three.workingSecondsClosed, 2.5 * H);
    assert.equal(three.runningSince, "2026-10-26T09:30:00.000Z");
  });

  test("given the running visit reaching the limit at 13:00, when judged, then near through lunch and over at 14:00:00.001", () => {
    const g = judge([{ startedAt: MON_0900, endedAt: null }]);
    assert.equal(g.overAt, "2026-10-26T12:00:00.001Z");
    assert.equal(state(g, "2026-10-26T11:00:00Z"), "near");
    assert.equal(state(g, "2026-10-26T11:30:00Z"), "near");
    assert.equal(state(g, "2026-10-26T12:00:00Z"), "near");
    assert.equal(state(g, "2026-10-26T12:00:00.001Z"), "over");
  });

  test("given a visit entered Saturday after closing, when judged, then near and over fall on Monday across the DST change in Europe/Kyiv", () => {
    // Sat 24 Oct 15:30 EEST (+03:00), after the 10:00-15:00 window; clocks go back on Sun 25 Oct.
    const g = judge([{ startedAt: "2026-10-24T12:30:00Z", endedAt: null }], 2 * H);
    // 80 % of 2 h = 1 h 36 min from Mon 09:00 EET (+02:00) = 10:36 EET = 08:36Z; over after 11:00 EET.
    assert.equal(g.nearAt, "2026-10-26T08:36:00.000Z");
    assert.equal(g.overAt, "2026-10-26T09:00:00.001Z");
    // 2 h of work before the change: Sat 10:00-12:00 EEST = 07:00-09:00Z; the near instant keeps the summer offset.
    const summer = judge([{ startedAt: "2026-10-24T07:00:00Z", endedAt: null }], 2 * H);
    assert.equal(summer.nearAt, "2026-10-24T08:36:00.000Z");
    assert.equal(summer.overAt, "2026-10-24T09:00:00.001Z");
  });

  test("given a history crossing near in the first visit and over in the running one, when judged, then both instants are exact", () => {
    const g = judge([
      { startedAt: MON_0900, endedAt: "2026-10-26T10:30:00Z" }, // 3.5 h: near at 10:12Z
      { startedAt: "2026-10-27T12:00:00Z", endedAt: null }, // Tue 14:00 EET: 30 min more + 1 ms
    ]);
    assert.equal(g.stateIfClosed, "near");
    assert.equal(g.nearAt, "2026-10-26T10:12:00.000Z");
    assert.equal(g.overAt, "2026-10-27T12:30:00.001Z");
  });

  test("given the urgent grid, when an urgent order is judged, then the urgent limit applies to its whole history", () => {
    const settings = parseSlaSettings({ grids: { normal: { "3": "08:00" }, urgent: { "3": "02:00" } } });
    const visits: GroupVisit[] = [
      { startedAt: MON_0900, endedAt: "2026-10-26T08:00:00Z" },
      { startedAt: "2026-10-26T08:00:00Z", endedAt: null },
    ];
    const urgent = groupSla({
      visits,
      calendar: kyiv,
      limitSeconds: orderSlaLimitSeconds(settings, 3, { urgent: true }),
    });
    assert.equal(urgent.limitSeconds, 2 * H);
    assert.equal(urgent.nearAt, "2026-10-26T08:36:00.000Z");
    assert.equal(urgent.overAt, "2026-10-26T09:00:00.001Z");
    const normal = groupSla({
      visits,
      calendar: kyiv,
      limitSeconds: orderSlaLimitSeconds(settings, 3, { urgent: false }),
    });
    assert.equal(normal.limitSeconds, 8 * H);
    assert.equal(orderSlaLimitSeconds(settings, 3, { urgent: true, profile: "normal" }), 8 * H);
  });

  test("given a custom near ratio, when judged, then near from that share inclusive", () => {
    const g = judge([{ startedAt: MON_0900, endedAt: null }], 4 * H, 0.5);
    assert.equal(g.nearAt, "2026-10-26T09:00:00.000Z");
    assert.equal(state(g, "2026-10-26T08:59:59.999Z"), "ok");
    assert.equal(state(g, "2026-10-26T09:00:00Z"), "near");
    const one = judge([{ startedAt: MON_0900, endedAt: null }], 4 * H, 1);
    assert.equal(one.nearAt, "2026-10-26T11:00:00.000Z");
    const zero = judge([{ startedAt: MON_0900, endedAt: null }], 4 * H, 0);
    assert.equal(zero.nearAt, MON_0900);
  });

  test("given no limit, when judged, then working time only and no state", () => {
    const g = judge([{ startedAt: MON_0900, endedAt: "2026-10-26T08:00:00Z" }], null);
    assert.deepEqual(g, {
      workingSecondsClosed: H,
      runningSince: null,
      limitSeconds: null,
      nearAt: null,
      overAt: null,
      stateIfClosed: null,
    });
    assert.equal(slaStateAt(g, "2026-10-26T08:00:00Z"), null);
  });

  test("given a zero limit, when judged, then near at entry and over from the first working millisecond", () => {
    const g = judge([{ startedAt: "2026-10-26T05:00:00Z", endedAt: null }], 0);
    assert.equal(g.nearAt, "2026-10-26T05:00:00.000Z");
    assert.equal(g.overAt, "2026-10-26T07:00:00.001Z");
  });

  test("given a calendar without working time, when a running visit is judged, then never near or over", () => {
    const never = parseWorkingCalendar({
      working_hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    });
    const g = groupSla({
      visits: [{ startedAt: MON_0900, endedAt: null }],
      calendar: never,
      limitSeconds: H,
    });
    assert.equal(g.nearAt, null);
    assert.equal(g.overAt, null);
    assert.equal(slaStateAt(g, "2030-01-01T00:00:00Z"), "ok");
  });

  test("given invalid visits, when judged, then RangeError", () => {
    assert.throws(() => judge([{ startedAt: MON_0900, endedAt: "2026-10-26T06:00:00Z" }]), RangeError);
    assert.throws(
      () =>
        judge([
          { startedAt: MON_0900, endedAt: null },
          { startedAt: "2026-10-27T07:00:00Z", endedAt: null },
        ]),
      RangeError,
    );
    assert.throws(() => judge([{ startedAt: MON_0900, endedAt: null }], -5), RangeError);
    assert.throws(() => judge([{ startedAt: MON_0900, endedAt: null }], H, 2), RangeError);
  });

  test("given any history, when the state at an instant since the first entry is read from nearAt/overAt, then it equals slaState of the total up to that instant", () => {
    const T0 = at("2026-10-20T00:00:00Z");
    fc.assert(
      fc.property(
        fc.constantFrom(kyiv, always),
        fc.array(fc.integer({ min: 0, max: 3 * 86_400_000 }), { minLength: 2, maxLength: 7 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 30 * 60 }).map((m) => m * 60),
        fc.constantFrom(0, 0.5, 0.8, 1),
        fc.integer({ min: 0, max: 12 * 86_400_000 }),
        (calendar, gaps, running, limitSeconds, nearShare, probe) => {
          // Alternating in/out of the group: boundaries T0 + cumulative gaps; even pieces are visits.
          const bounds: number[] = [];
          let t = T0;
          for (const g of gaps) {
            t += g;
            bounds.push(t);
          }
          const visits: GroupVisit[] = [];
          for (let i = 0; i + 1 < bounds.length; i += 2)
            visits.push({ startedAt: bounds[i]!, endedAt: bounds[i + 1]! });
          if (running) visits.push({ startedAt: bounds[bounds.length - 1]! + 1, endedAt: null });
          const g = groupSla({ visits, calendar, limitSeconds, nearShare });
          // From the first entry on (before it the order has no time in the group to judge).
          const now = Math.max(T0 + probe, visits[0] === undefined ? T0 : (visits[0].startedAt as number));
          let total = 0;
          for (const v of visits) {
            const s = v.startedAt as number;
            const e = Math.min(v.endedAt === null ? now : (v.endedAt as number), now);
            if (e > s) total += workingMs(s, e, calendar);
          }
          return slaStateAt(g, now) === slaState(total / 1000, limitSeconds, nearShare);
        },
      ),
      { numRuns: 300 },
    );
  });
});
