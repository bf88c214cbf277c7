import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SettingsError } from "./settings-error.js";
import {
  DEFAULT_NEAR_SHARE,
  EMPTY_SLA_SETTINGS,
  evaluateSla,
  formatSlaLimit,
  nextSlaTransitionAt,
  parseSlaLimit,
  parseSlaSettings,
  type SlaState,
  slaLimitSeconds,
  slaLimitTimeline,
  slaSettingsToJson,
  slaState,
  slaThresholds,
} from "./sla.js";
import { alwaysOpenCalendar, parseWorkingCalendar } from "./working-calendar.js";

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
    [10 * H, "over"], // exactly at the limit — the budget is used up
    [10 * H + 0.001, "over"],
    [1e9, "over"],
  ];
  for (const [working, expected] of cases) {
    test(`given ${working} s against a 10 h limit, when judged, then ${expected}`, () => {
      assert.equal(slaState(working, limit), expected);
    });
  }

  test("given a zero limit, when judged, then over from the first instant", () => {
    assert.equal(slaState(0, 0), "over");
    assert.equal(slaState(0.001, 0), "over");
  });

  test("given near share 1, when judged, then never near: ok until the limit, over from it", () => {
    assert.equal(slaState(10 * H - 0.001, limit, 1), "ok");
    assert.equal(slaState(10 * H, limit, 1), "over");
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

describe("evaluateSla — running and closed intervals on the shop-kyiv calendar", () => {
  const base = { startedAt: MON_0900, endedAt: null, calendar: kyiv, limit: 4 * H } as const;

  test("given 3 h of a 4 h limit, when evaluated at now, then ok and near is due at 80 % = 12:12 local", () => {
    const r = evaluateSla({ ...base, now: "2026-10-26T10:00:00Z" });
    assert.equal(r.workingSeconds, 3 * H);
    assert.equal(r.state, "ok");
    assert.equal(r.nearAt, null);
    assert.deepEqual(r.next, { state: "near", at: "2026-10-26T10:12:00.000Z" });
  });

  test("given now exactly at 80 %, when evaluated, then near since now and over due at 13:00 local", () => {
    const r = evaluateSla({ ...base, now: "2026-10-26T10:12:00Z" });
    assert.equal(r.state, "near");
    assert.equal(r.nearAt, "2026-10-26T10:12:00.000Z");
    assert.deepEqual(r.next, { state: "over", at: "2026-10-26T11:00:00.000Z" });
  });

  test("given now exactly at the limit, when evaluated, then over since now and nothing next", () => {
    const r = evaluateSla({ ...base, now: "2026-10-26T11:00:00Z" });
    assert.equal(r.state, "over");
    assert.equal(r.overAt, "2026-10-26T11:00:00.000Z");
    assert.equal(r.next, null);
  });

  test("given the limit used up at 13:00 and now in the lunch break, when evaluated, then over (not near until 14:00)", () => {
    const r = evaluateSla({ ...base, now: "2026-10-26T11:30:00Z" });
    assert.equal(r.workingSeconds, 4 * H);
    assert.equal(r.state, "over");
  });

  test("given a closed interval of exactly the limit, when evaluated, then over at its end", () => {
    const r = evaluateSla({ ...base, endedAt: "2026-10-26T11:00:00Z", now: "2026-11-01T00:00:00Z" });
    assert.equal(r.state, "over");
    assert.equal(r.overAt, "2026-10-26T11:00:00.000Z");
    assert.equal(r.next, null);
  });

  test("given a closed interval one second short of the limit, when evaluated, then near and no next", () => {
    const r = evaluateSla({ ...base, endedAt: "2026-10-26T10:59:59Z", now: "2026-11-01T00:00:00Z" });
    assert.equal(r.state, "near");
    assert.equal(r.overAt, null);
    assert.equal(r.next, null);
  });

  test("given a status entered Saturday after closing, when evaluated on Sunday, then 0 s and near due Monday across the DST change", () => {
    const r = evaluateSla({
      startedAt: "2026-10-24T12:30:00Z", // Sat 15:30 EEST, after the 10:00-15:00 window
      endedAt: null,
      now: "2026-10-25T12:00:00Z",
      calendar: kyiv,
      limit: 2 * H,
    });
    assert.equal(r.workingSeconds, 0);
    assert.equal(r.state, "ok");
    // 80 % of 2 h = 1 h 36 min from Mon 09:00 EET = 10:36 EET = 08:36Z
    assert.deepEqual(r.next, { state: "near", at: "2026-10-26T08:36:00.000Z" });
  });

  test("given now before the start (clock skew), when evaluated, then 0 s and ok", () => {
    const r = evaluateSla({ ...base, now: "2026-10-26T06:00:00Z" });
    assert.equal(r.workingSeconds, 0);
    assert.equal(r.state, "ok");
    assert.deepEqual(r.next, { state: "near", at: "2026-10-26T10:12:00.000Z" });
  });

  test("given no limit for the group, when evaluated, then no state and nothing next", () => {
    const r = evaluateSla({ ...base, limit: null, now: "2026-10-26T10:00:00Z" });
    assert.equal(r.state, null);
    assert.equal(r.limitSeconds, null);
    assert.equal(r.next, null);
    assert.equal(r.workingSeconds, 3 * H);
  });

  test("given a zero limit, when evaluated at the start, then over at the start", () => {
    const r = evaluateSla({ ...base, limit: 0, now: MON_0900 });
    assert.equal(r.state, "over");
    assert.equal(r.overAt, MON_0900);
    assert.equal(r.nearAt, MON_0900);
  });

  test("given 24/7 and a 72:00 limit, when evaluated, then wall-clock hours count", () => {
    const r = evaluateSla({
      startedAt: "2026-10-24T00:00:00Z",
      endedAt: null,
      now: "2026-10-27T00:00:00Z",
      calendar: always,
      limit: parseSlaLimit("72:00"),
    });
    assert.equal(r.state, "over");
    assert.equal(r.overAt, "2026-10-27T00:00:00.000Z");
  });

  test("given end before start or a bad share, when evaluated, then RangeError", () => {
    assert.throws(() => evaluateSla({ ...base, endedAt: "2026-10-26T06:00:00Z", now: MON_0900 }), RangeError);
    assert.throws(() => evaluateSla({ ...base, now: MON_0900, nearShare: 2 }), RangeError);
    assert.throws(() => evaluateSla({ ...base, now: MON_0900, limit: -5 }), RangeError);
  });
});

describe("evaluateSla — the order becomes urgent mid-status", () => {
  const settings = parseSlaSettings({
    grids: { normal: { "3": "08:00" }, urgent: { "3": "02:00" }, vip: { "3": "01:00" } },
  });
  const urgentFrom = (at: string) => slaLimitTimeline(settings, 3, { urgency: [{ at, urgent: true }] });
  const run = (limit: ReturnType<typeof slaLimitTimeline>, now: string, endedAt: string | null = null) =>
    evaluateSla({ startedAt: MON_0900, endedAt, now, calendar: kyiv, limit });

  test("given urgent after 1 h, when evaluated at 1.5 h, then judged against 2 h: ok, near due at 1.6 h", () => {
    const r = run(urgentFrom("2026-10-26T08:00:00Z"), "2026-10-26T08:30:00Z");
    assert.equal(r.limitSeconds, 2 * H);
    assert.equal(r.workingSeconds, 1.5 * H);
    assert.equal(r.state, "ok");
    assert.deepEqual(r.next, { state: "near", at: "2026-10-26T08:36:00.000Z" });
  });

  test("given urgent after 1 h, when evaluated at 2.5 h, then over since 2 h of working time (carried over)", () => {
    const r = run(urgentFrom("2026-10-26T08:00:00Z"), "2026-10-26T09:30:00Z");
    assert.equal(r.state, "over");
    assert.equal(r.nearAt, "2026-10-26T08:36:00.000Z");
    assert.equal(r.overAt, "2026-10-26T09:00:00.000Z");
  });

  test("given urgent after 3 h (past the urgent limit), when evaluated, then over from the switch instant", () => {
    const r = run(urgentFrom("2026-10-26T10:00:00Z"), "2026-10-26T10:05:00Z");
    assert.equal(r.state, "over");
    assert.equal(r.nearAt, "2026-10-26T10:00:00.000Z");
    assert.equal(r.overAt, "2026-10-26T10:00:00.000Z");
    const before = run(urgentFrom("2026-10-26T10:00:00Z"), "2026-10-26T09:59:59Z");
    assert.equal(before.state, "ok");
    assert.equal(before.limitSeconds, 8 * H);
  });

  test("given never urgent, when evaluated at 2.5 h, then judged against the normal 8 h: ok", () => {
    const r = run(slaLimitTimeline(settings, 3, { urgency: false }), "2026-10-26T09:30:00Z");
    assert.equal(r.state, "ok");
    assert.equal(r.limitSeconds, 8 * H);
  });

  test("given a closed interval that ended before the order became urgent, when evaluated, then the normal limit", () => {
    const r = run(urgentFrom("2026-10-26T12:00:00Z"), "2026-10-27T00:00:00Z", "2026-10-26T10:00:00Z");
    assert.equal(r.limitSeconds, 8 * H);
    assert.equal(r.state, "ok");
  });

  test("given urgency switched on exactly when the status ended, when evaluated, then the normal limit", () => {
    const r = run(urgentFrom("2026-10-26T10:00:00Z"), "2026-10-27T00:00:00Z", "2026-10-26T10:00:00Z");
    assert.equal(r.limitSeconds, 8 * H);
    assert.equal(r.overAt, null);
  });

  test("given urgent then normal again (override removed), when evaluated, then ok now but the past breach is kept", () => {
    const limit = slaLimitTimeline(settings, 3, {
      urgency: [
        { at: "2026-10-26T10:00:00Z", urgent: false },
        { at: MON_0900, urgent: true },
      ],
    });
    const r = run(limit, "2026-10-26T10:30:00Z");
    assert.equal(r.limitSeconds, 8 * H);
    assert.equal(r.state, "ok");
    assert.equal(r.overAt, "2026-10-26T09:00:00.000Z");
  });

  test("given an SLA profile override, when the timeline is built, then that profile's constant limit, urgency ignored", () => {
    assert.equal(slaLimitTimeline(settings, 3, { profile: "vip", urgency: true }), 1 * H);
    assert.equal(slaLimitTimeline(settings, 3, { urgency: true }), 2 * H);
    assert.equal(slaLimitTimeline(settings, 3, { profile: null, urgency: true }), 2 * H);
    assert.equal(slaLimitTimeline(settings, 3), 8 * H);
  });
});

describe("nextSlaTransitionAt", () => {
  test("given a zero limit, when asked, then null (already over)", () => {
    assert.equal(
      nextSlaTransitionAt({ startedAt: MON_0900, now: MON_0900, calendar: kyiv, limitSeconds: 0 }),
      null,
    );
  });

  test("given a calendar without working time, when asked, then null (never)", () => {
    const never = parseWorkingCalendar({
      working_hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    });
    assert.equal(
      nextSlaTransitionAt({ startedAt: MON_0900, now: MON_0900, calendar: never, limitSeconds: H }),
      null,
    );
  });

  test("given near share 1, when ok, then the next transition is straight to over", () => {
    assert.deepEqual(
      nextSlaTransitionAt({
        startedAt: MON_0900,
        now: MON_0900,
        calendar: kyiv,
        limitSeconds: H,
        nearShare: 1,
      }),
      { state: "over", at: "2026-10-26T08:00:00.000Z" },
    );
  });

  test("given any running interval, when the next transition is predicted, then the state changes exactly there", () => {
    const T0 = Date.parse("2026-10-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.constantFrom(kyiv, always),
        fc.integer({ min: T0, max: T0 + 60 * 86_400_000 }),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        fc.integer({ min: 0, max: 80 * 60 }).map((m) => m * 60),
        fc.constantFrom(0, 0.5, 0.8, 1),
        (calendar, start, elapsed, limitSeconds, nearShare) => {
          const now = start + elapsed;
          const args = { startedAt: start, endedAt: null, calendar, limit: limitSeconds, nearShare };
          const current = evaluateSla({ ...args, now });
          if (current.next === null) return current.state === "over";
          const at = Date.parse(current.next.at);
          return (
            at > now &&
            evaluateSla({ ...args, now: at }).state === current.next.state &&
            evaluateSla({ ...args, now: at - 1 }).state === current.state
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
