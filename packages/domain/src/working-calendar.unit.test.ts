import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { SettingsError } from "./settings-error.js";
import {
  addWorkingSeconds,
  alwaysOpenCalendar,
  DEFAULT_WORKING_CALENDAR,
  formatWorkingWindow,
  isWorkingInstant,
  parseWorkingCalendar,
  parseWorkingWindow,
  validateWorkingCalendar,
  WEEKDAYS,
  type Weekday,
  type WorkingCalendar,
  type WorkingCalendarSettings,
  weeklyWorkingSeconds,
  workingCalendarToSettings,
  workingPeriods,
  workingSeconds,
  workingSecondsBetween,
} from "./working-calendar.js";

const FIXTURES_DIR = resolve(
  process.env["FIXTURES_DIR"] ??
    join(fileURLToPath(new URL("../../../", import.meta.url)), "../shared/fixtures"),
);
const projectsPath = join(FIXTURES_DIR, "keycrm/projects.json");

const H = 3600;
const ms = (iso: string): number => Date.parse(iso);
const split = ["09:00-13:00", "14:00-18:00"];
/** shop-kyiv of fixtures/keycrm/projects.json. */
const KYIV_HOURS = {
  mon: split,
  tue: split,
  wed: split,
  thu: split,
  fri: split,
  sat: ["10:00-15:00"],
  sun: [],
};
const kyiv = parseWorkingCalendar({ time_zone: "Europe/Kyiv", working_hours: KYIV_HOURS });

function hours(partial: Partial<Record<Weekday, string[]>>): Record<Weekday, string[]> {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], ...partial };
}
function cal(
  timeZone: string,
  partial: Partial<Record<Weekday, string[]>>,
  holidays: string[] = [],
): WorkingCalendar {
  return parseWorkingCalendar({ time_zone: timeZone, working_hours: hours(partial), holidays });
}
function settingsIssues(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected SettingsError, got ${String(error)}`);
    assert.equal(error.code, "invalid_settings");
    return [...error.issues];
  }
  assert.fail("expected a SettingsError");
}

describe("parseWorkingWindow / formatWorkingWindow", () => {
  const good: [string, number, number, string][] = [
    ["09:00-13:00", 540, 780, "09:00-13:00"],
    ["22:00-06:00", 1320, 1800, "22:00-06:00"],
    ["18:00-24:00", 1080, 1440, "18:00-24:00"],
    ["22:00-00:00", 1320, 1440, "22:00-24:00"],
    ["00:00-24:00", 0, 1440, "00:00-24:00"],
    ["00:00-00:00", 0, 1440, "00:00-24:00"],
    ["09:00-09:00", 540, 1980, "09:00-09:00"],
    [" 9:00 – 13:30 ", 540, 810, "09:00-13:30"],
    ["23:59-00:01", 1439, 1441, "23:59-00:01"],
  ];
  for (const [text, start, end, formatted] of good) {
    test(`given ${JSON.stringify(text)}, when parsed, then minutes ${start}–${end} and formatted ${formatted}`, () => {
      const w = parseWorkingWindow(text);
      assert.deepEqual(w, { startMinute: start, endMinute: end });
      assert.equal(formatWorkingWindow(w), formatted);
    });
  }
  const bad = [
    "25:00-26:00",
    "12:60-13:00",
    "24:00-01:00",
    "09:00-24:30",
    "09:00",
    "abc",
    "9-13",
    "09:00-13:00-14:00",
    "",
  ];
  for (const text of bad) {
    test(`given ${JSON.stringify(text)}, when parsed, then a SettingsError names the window`, () => {
      const issues = settingsIssues(() => parseWorkingWindow(text));
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.path, "window");
      assert.match(issues[0]?.message ?? "", /HH:MM|24:00|time/);
    });
  }
});

describe("parseWorkingCalendar", () => {
  test(
    "given projects.json of both KeyCRM projects, when parsed, then Europe/Kyiv with 45 h and 40 h a week",
    { skip: !existsSync(projectsPath) && "fixtures not found" },
    () => {
      const projects = JSON.parse(readFileSync(projectsPath, "utf8")) as {
        projects: {
          project: string;
          time_zone: string;
          working_hours: WorkingCalendarSettings["working_hours"];
        }[];
      };
      const byProject = new Map(
        projects.projects.map((p) => [
          p.project,
          parseWorkingCalendar({ time_zone: p.time_zone, working_hours: p.working_hours }),
        ]),
      );
      const shopKyiv = byProject.get("shop-kyiv");
      const shopLviv = byProject.get("shop-lviv");
      assert.ok(shopKyiv && shopLviv);
      assert.equal(shopKyiv.timeZone, "Europe/Kyiv");
      assert.equal(weeklyWorkingSeconds(shopKyiv), 45 * H);
      assert.equal(weeklyWorkingSeconds(shopLviv), 40 * H);
      assert.deepEqual(shopKyiv.week.mon, [
        { startMinute: 540, endMinute: 780 },
        { startMinute: 840, endMinute: 1080 },
      ]);
      assert.deepEqual(shopKyiv.week.sat, [{ startMinute: 600, endMinute: 900 }]);
      assert.deepEqual(shopLviv.week.sat, []);
      assert.deepEqual(shopKyiv, kyiv);
    },
  );

  test("given no settings, when parsed, then the default 24/7 UTC calendar", () => {
    assert.equal(parseWorkingCalendar(undefined), DEFAULT_WORKING_CALENDAR);
    assert.equal(parseWorkingCalendar(null), DEFAULT_WORKING_CALENDAR);
    const c = parseWorkingCalendar({});
    assert.equal(c.timeZone, "UTC");
    assert.equal(weeklyWorkingSeconds(c), 7 * 24 * H);
  });

  test("given only a time zone, when parsed, then 24/7 in that zone", () => {
    const c = parseWorkingCalendar({ time_zone: "europe/kyiv" });
    assert.equal(c.timeZone, "Europe/Kyiv");
    assert.deepEqual(c.week.sun, [{ startMinute: 0, endMinute: 1440 }]);
    assert.deepEqual(c, alwaysOpenCalendar("Europe/Kyiv"));
  });

  test("given fixed offsets in several spellings, when parsed, then the canonical ±HH:MM", () => {
    assert.equal(parseWorkingCalendar({ time_zone: "+05:00" }).timeZone, "+05:00");
    assert.equal(parseWorkingCalendar({ time_zone: "+0530" }).timeZone, "+05:30");
    assert.equal(parseWorkingCalendar({ time_zone: "-03" }).timeZone, "-03:00");
    assert.equal(parseWorkingCalendar({ time_zone: "-00:00" }).timeZone, "+00:00");
  });

  test("given windows in any order and duplicate holidays, when parsed, then sorted windows and unique sorted holidays", () => {
    const c = parseWorkingCalendar({
      working_hours: hours({ mon: ["14:00-18:00", "09:00-13:00"] }),
      holidays: ["2026-12-25", "2026-01-01", "2026-12-25"],
    });
    assert.deepEqual(c.week.mon, [
      { startMinute: 540, endMinute: 780 },
      { startMinute: 840, endMinute: 1080 },
    ]);
    assert.deepEqual(c.holidays, ["2026-01-01", "2026-12-25"]);
  });

  test("given touching windows (13:00 end, 13:00 start; 22:00-06:00 then 06:00), when parsed, then accepted", () => {
    const c = cal("UTC", { mon: ["09:00-13:00", "13:00-18:00", "22:00-06:00"], tue: ["06:00-10:00"] });
    assert.equal(weeklyWorkingSeconds(c), (9 + 8 + 4) * H);
  });

  test("given overlapping windows in a day, when parsed, then an issue at the later window naming the other", () => {
    const issues = settingsIssues(() =>
      parseWorkingCalendar({ working_hours: hours({ mon: ["09:00-13:00", "12:00-14:00"] }) }),
    );
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, "working_hours.mon[1]");
    assert.match(issues[0]?.message ?? "", /"12:00-14:00" overlaps window "09:00-13:00"/);
  });

  test("given a cross-midnight window overlapping the next morning, when parsed, then an issue", () => {
    const issues = settingsIssues(() =>
      parseWorkingCalendar({ working_hours: hours({ mon: ["22:00-06:00"], tue: ["05:00-09:00"] }) }),
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ["working_hours.tue[0]"],
    );
    assert.match(issues[0]?.message ?? "", /overlaps mon window "22:00-06:00"/);
  });

  test("given a Sunday night window running into Monday's first window, when parsed, then an issue", () => {
    const issues = settingsIssues(() =>
      parseWorkingCalendar({ working_hours: hours({ sun: ["22:00-02:00"], mon: ["01:00-03:00"] }) }),
    );
    assert.equal(issues.length, 1);
    assert.match(issues[0]?.message ?? "", /sun window "22:00-02:00"/);
  });

  test("given many mistakes at once, when parsed, then every issue is listed with its path", () => {
    const issues = settingsIssues(() =>
      parseWorkingCalendar({
        time_zone: "Mars/Olympus_Mons",
        working_hours: {
          mon: ["25:00-26:00"],
          tue: "09:00-18:00",
          wed: [9],
          thu: [],
          fri: [],
          sat: [],
          funday: [],
        },
        holidays: ["2026-02-30", "26-12-25"],
        colour: "red",
      }),
    );
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "colour",
      "holidays[0]",
      "holidays[1]",
      "time_zone",
      "working_hours.funday",
      "working_hours.mon[0]",
      "working_hours.sun",
      "working_hours.tue",
      "working_hours.wed[0]",
    ]);
    assert.match(issues.find((i) => i.path === "time_zone")?.message ?? "", /unknown time zone/);
    assert.match(issues.find((i) => i.path === "working_hours.sun")?.message ?? "", /missing/);
  });

  test("given a path prefix, when an issue is found, then the issue path carries it", () => {
    const issues = settingsIssues(() => parseWorkingCalendar({ time_zone: "+25:00" }, "groups.3"));
    assert.deepEqual(
      issues.map((i) => i.path),
      ["groups.3.time_zone"],
    );
    assert.deepEqual(
      settingsIssues(() => parseWorkingCalendar("24/7")).map((i) => i.path),
      ["(root)"],
    );
  });

  test("given a parsed calendar, when turned back into settings and parsed again, then the same calendar", () => {
    const c = cal("Europe/Kyiv", { mon: ["22:00-06:00", "09:00-13:00"], sun: ["18:00-24:00"] }, [
      "2026-10-26",
    ]);
    const back = workingCalendarToSettings(c);
    assert.deepEqual(back.working_hours.mon, ["09:00-13:00", "22:00-06:00"]);
    assert.deepEqual(parseWorkingCalendar(back), c);
  });

  test("given a hand-built calendar with bad windows, when used, then a SettingsError", () => {
    const bad: WorkingCalendar = {
      timeZone: "UTC",
      week: { ...kyiv.week, mon: [{ startMinute: 600, endMinute: 500 }] },
      holidays: [],
    };
    assert.throws(() => validateWorkingCalendar(bad), SettingsError);
    assert.throws(() => workingSeconds({ start: 0, end: 1 }, bad), SettingsError);
    const overlapping: WorkingCalendar = {
      timeZone: "UTC",
      week: {
        ...kyiv.week,
        mon: [{ startMinute: 1320, endMinute: 1800 }],
        tue: [{ startMinute: 300, endMinute: 400 }],
      },
      holidays: [],
    };
    assert.throws(() => validateWorkingCalendar(overlapping), /overlaps/);
  });
});

describe("workingSeconds — shop-kyiv calendar, Europe/Kyiv, DST change 2026-10-25 01:00Z", () => {
  const cases: [string, string, string, number][] = [
    ["a Monday after the change, whole local day", "2026-10-25T22:00:00Z", "2026-10-26T22:00:00Z", 8 * H],
    [
      "split windows: Mon 12:00→15:00 local (10:00Z→13:00Z)",
      "2026-10-26T10:00:00Z",
      "2026-10-26T13:00:00Z",
      2 * H,
    ],
    ["the lunch break alone", "2026-10-26T11:00:00Z", "2026-10-26T12:00:00Z", 0],
    ["a day off: Sunday 2026-11-01, whole local day", "2026-10-31T22:00:00Z", "2026-11-01T22:00:00Z", 0],
    [
      "Fri 06:00Z→07:00Z before the change = 09:00–10:00 EEST",
      "2026-10-23T06:00:00Z",
      "2026-10-23T07:00:00Z",
      H,
    ],
    [
      "Mon 06:00Z→07:00Z after the change = 08:00–09:00 EET",
      "2026-10-26T06:00:00Z",
      "2026-10-26T07:00:00Z",
      0,
    ],
    [
      "Mon 07:00Z→08:00Z after the change = 09:00–10:00 EET",
      "2026-10-26T07:00:00Z",
      "2026-10-26T08:00:00Z",
      H,
    ],
    [
      "Fri 15:00Z→16:00Z before = 18:00–19:00 EEST (closed)",
      "2026-10-23T15:00:00Z",
      "2026-10-23T16:00:00Z",
      0,
    ],
    ["Mon 15:00Z→16:00Z after = 17:00–18:00 EET (open)", "2026-10-26T15:00:00Z", "2026-10-26T16:00:00Z", H],
    [
      "spanning the change: Fri 00:00Z → Tue 00:00Z = 8 + 5 + 0 + 8 h",
      "2026-10-23T00:00:00Z",
      "2026-10-27T00:00:00Z",
      21 * H,
    ],
    [
      "Sat 12:00 EEST → Mon 10:00 EET = 3 h Sat + 1 h Mon",
      "2026-10-24T09:00:00Z",
      "2026-10-26T08:00:00Z",
      4 * H,
    ],
    [
      "the scenario period 2026-10-12 → 2026-11-07 local = 3 × 45 h + 40 h",
      "2026-10-11T21:00:00Z",
      "2026-11-06T22:00:00Z",
      175 * H,
    ],
    ["empty interval", "2026-10-26T08:00:00Z", "2026-10-26T08:00:00Z", 0],
    ["milliseconds: 1.5 s", "2026-10-26T08:00:00.250Z", "2026-10-26T08:00:01.750Z", 1.5],
  ];
  for (const [name, start, end, expected] of cases) {
    test(`given ${name}, when measured, then ${expected} s`, () => {
      assert.equal(workingSeconds({ start, end }, kyiv), expected);
      assert.equal(workingSeconds({ start: ms(start), end: ms(end) }, kyiv), expected);
    });
  }

  test("given the instants around opening time, when tested, then windows open at 06:00Z before and 07:00Z after the change", () => {
    assert.equal(isWorkingInstant("2026-10-23T05:59:59.999Z", kyiv), false);
    assert.equal(isWorkingInstant("2026-10-23T06:00:00Z", kyiv), true);
    assert.equal(isWorkingInstant("2026-10-26T06:00:00Z", kyiv), false);
    assert.equal(isWorkingInstant("2026-10-26T06:59:59.999Z", kyiv), false);
    assert.equal(isWorkingInstant("2026-10-26T07:00:00Z", kyiv), true);
    assert.equal(isWorkingInstant("2026-10-26T15:59:59.999Z", kyiv), true);
    assert.equal(isWorkingInstant("2026-10-26T16:00:00Z", kyiv), false);
  });

  test("given the lviv calendar, when the scenario period is measured, then 4 × 40 h", () => {
    const lviv = parseWorkingCalendar({
      time_zone: "Europe/Kyiv",
      working_hours: { ...KYIV_HOURS, sat: [] },
    });
    assert.equal(
      workingSeconds({ start: "2026-10-11T21:00:00Z", end: "2026-11-06T22:00:00Z" }, lviv),
      160 * H,
    );
  });

  test("given KeyCRM microsecond timestamps, when measured, then they are read as instants", () => {
    assert.equal(
      workingSeconds({ start: "2026-10-26T07:00:00.000000Z", end: "2026-10-26T09:00:00+02:00" }, kyiv),
      0,
    );
    assert.equal(
      workingSeconds({ start: "2026-10-26T09:00:00+02:00", end: "2026-10-26T08:30:00.000000Z" }, kyiv),
      1.5 * H,
    );
  });

  test("given a local time without offset or end before start, when measured, then RangeError", () => {
    assert.throws(
      () => workingSeconds({ start: "2026-10-16 07:11:09", end: "2026-10-17T00:00:00Z" }, kyiv),
      RangeError,
    );
    assert.throws(
      () => workingSeconds({ start: "2026-10-27T00:00:00Z", end: "2026-10-26T00:00:00Z" }, kyiv),
      RangeError,
    );
    assert.throws(() => workingSeconds({ start: 1.5, end: 2 }, kyiv), RangeError);
    assert.throws(
      () => workingSeconds({ start: "2026-02-30T00:00:00Z", end: "2026-03-01T00:00:00Z" }, kyiv),
      RangeError,
    );
  });

  test("given reversed instants, when measured with workingSecondsBetween, then the negative", () => {
    assert.equal(workingSecondsBetween("2026-10-27T00:00:00Z", "2026-10-23T00:00:00Z", kyiv), -21 * H);
    assert.equal(workingSecondsBetween("2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z", kyiv), 21 * H);
  });

  test("given the scenario period, when listed as periods, then 09:00 EEST = 06:00Z before and 09:00 EET = 07:00Z after", () => {
    const periods = workingPeriods({ start: "2026-10-23T00:00:00Z", end: "2026-10-27T00:00:00Z" }, kyiv).map(
      (p) => [new Date(p.start).toISOString(), new Date(p.end).toISOString()],
    );
    assert.deepEqual(periods, [
      ["2026-10-23T06:00:00.000Z", "2026-10-23T10:00:00.000Z"],
      ["2026-10-23T11:00:00.000Z", "2026-10-23T15:00:00.000Z"],
      ["2026-10-24T07:00:00.000Z", "2026-10-24T12:00:00.000Z"],
      ["2026-10-26T07:00:00.000Z", "2026-10-26T11:00:00.000Z"],
      ["2026-10-26T12:00:00.000Z", "2026-10-26T16:00:00.000Z"],
    ]);
  });
});

describe("workingSeconds — DST days, fixed offsets, 24:00, cross-midnight windows, holidays", () => {
  test("given 24/7 in Europe/Kyiv, when the local days of the changes are measured, then 25 h and 23 h", () => {
    const c = alwaysOpenCalendar("Europe/Kyiv");
    assert.equal(workingSeconds({ start: "2026-10-24T21:00:00Z", end: "2026-10-25T22:00:00Z" }, c), 25 * H);
    assert.equal(workingSeconds({ start: "2026-03-28T22:00:00Z", end: "2026-03-29T21:00:00Z" }, c), 23 * H);
  });

  test("given windows across the night clocks go back (04:00 EEST → 03:00 EET), when measured, then repeated readings count twice", () => {
    const night = { start: "2026-10-24T21:00:00Z", end: "2026-10-25T22:00:00Z" };
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["03:00-04:00"] })), 2 * H);
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["02:00-05:00"] })), 4 * H);
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["00:00-24:00"] })), 25 * H);
    // Sat 22:00-24:00 EEST (2 h) + Sun 00:00-03:00 EEST (3 h) + 03:00-03:30 twice (2 × 30 min)
    const fromSaturday = { start: "2026-10-24T12:00:00Z", end: "2026-10-25T22:00:00Z" };
    assert.equal(workingSeconds(fromSaturday, cal("Europe/Kyiv", { sat: ["22:00-03:30"] })), 6 * H);
  });

  test("given windows across the night clocks go forward (03:00 EET → 04:00 EEST), when measured, then skipped readings count nothing", () => {
    const night = { start: "2026-03-28T22:00:00Z", end: "2026-03-29T21:00:00Z" };
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["03:00-04:00"] })), 0);
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["03:30-04:30"] })), 0.5 * H);
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["02:00-05:00"] })), 2 * H);
    assert.equal(workingSeconds(night, cal("Europe/Kyiv", { sun: ["09:00-18:00"] })), 9 * H);
  });

  test("given a fixed +05:00 calendar Mon 09:00-18:00, when measured, then the window is 04:00Z-13:00Z", () => {
    const c = cal("+05:00", { mon: ["09:00-18:00"] });
    const t: [string, string, number][] = [
      ["2026-10-26T00:00:00Z", "2026-10-27T00:00:00Z", 9 * H],
      ["2026-10-26T03:00:00Z", "2026-10-26T04:00:00Z", 0],
      ["2026-10-26T04:00:00Z", "2026-10-26T05:00:00Z", H],
      ["2026-10-26T12:30:00Z", "2026-10-26T13:30:00Z", 0.5 * H],
      ["2026-10-19T00:00:00Z", "2026-11-02T00:00:00Z", 18 * H],
    ];
    for (const [start, end, expected] of t)
      assert.equal(workingSeconds({ start, end }, c), expected, `${start}→${end}`);
    assert.equal(isWorkingInstant("2026-10-26T03:59:59.999Z", c), false);
    assert.equal(isWorkingInstant("2026-10-26T04:00:00Z", c), true);
  });

  test("given a fixed offset and the IANA zone with the same offset, when measured over a year, then equal", () => {
    const fixed = cal("+05:00", KYIV_HOURS);
    const iana = cal("Asia/Tashkent", KYIV_HOURS);
    const span = { start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z" };
    assert.equal(workingSeconds(span, fixed), workingSeconds(span, iana));
  });

  test("given a window ending at 24:00, when the midnight is crossed, then work stops at midnight", () => {
    const c = cal("UTC", { mon: ["18:00-24:00"] });
    assert.equal(workingSeconds({ start: "2026-10-26T23:00:00Z", end: "2026-10-27T01:00:00Z" }, c), H);
    assert.equal(isWorkingInstant("2026-10-26T23:59:59.999Z", c), true);
    assert.equal(isWorkingInstant("2026-10-27T00:00:00Z", c), false);
  });

  test("given a Friday 22:00-06:00 window, when Saturday morning is measured, then it counts into Saturday", () => {
    const c = cal("UTC", { fri: ["22:00-06:00"] });
    assert.equal(workingSeconds({ start: "2026-10-24T00:00:00Z", end: "2026-10-24T12:00:00Z" }, c), 6 * H);
    assert.equal(workingSeconds({ start: "2026-10-23T21:00:00Z", end: "2026-10-24T07:00:00Z" }, c), 8 * H);
    assert.equal(weeklyWorkingSeconds(c), 8 * H);
  });

  test("given a Sunday 22:00-02:00 window, when Monday 00:00-03:00 is measured, then 2 h carry over into the next week", () => {
    const c = cal("UTC", { sun: ["22:00-02:00"] });
    assert.equal(workingSeconds({ start: "2026-10-26T00:00:00Z", end: "2026-10-26T03:00:00Z" }, c), 2 * H);
  });

  test("given a 24-hour window 09:00-09:00, when a week is measured, then 24 h per window day", () => {
    const c = cal("UTC", { mon: ["09:00-09:00"], wed: ["09:00-09:00"] });
    assert.equal(workingSeconds({ start: "2026-10-26T00:00:00Z", end: "2026-11-02T00:00:00Z" }, c), 48 * H);
    assert.equal(isWorkingInstant("2026-10-27T08:59:59Z", c), true);
    assert.equal(isWorkingInstant("2026-10-27T09:00:00Z", c), false);
  });

  describe("holidays remove the windows that start on the date", () => {
    const night = { fri: ["22:00-06:00"], sat: ["10:00-15:00"] };
    const span = { start: "2026-10-23T20:00:00Z", end: "2026-10-25T00:00:00Z" };
    test("given no holiday, when Fri 20:00 → Sun 00:00 is measured, then 8 h + 5 h", () => {
      assert.equal(workingSeconds(span, cal("UTC", night)), 13 * H);
    });
    test("given a holiday on Saturday, when measured, then Friday's night window still counts in full (incl. Sat 00-06)", () => {
      assert.equal(workingSeconds(span, cal("UTC", night, ["2026-10-24"])), 8 * H);
      assert.equal(isWorkingInstant("2026-10-24T05:00:00Z", cal("UTC", night, ["2026-10-24"])), true);
    });
    test("given a holiday on Friday, when measured, then the night window is removed in full, also after midnight", () => {
      const c = cal("UTC", night, ["2026-10-23"]);
      assert.equal(workingSeconds(span, c), 5 * H);
      assert.equal(isWorkingInstant("2026-10-24T05:00:00Z", c), false);
    });
    test("given a holiday on a Kyiv Monday, when that week is measured, then 45 - 8 = 37 h", () => {
      const c = parseWorkingCalendar({
        time_zone: "Europe/Kyiv",
        working_hours: KYIV_HOURS,
        holidays: ["2026-10-26"],
      });
      assert.equal(workingSeconds({ start: "2026-10-25T22:00:00Z", end: "2026-11-01T22:00:00Z" }, c), 37 * H);
      assert.equal(workingSeconds({ start: "2026-10-26T07:00:00Z", end: "2026-10-26T08:00:00Z" }, c), 0);
    });
    test("given a holiday in local time, when the interval is in UTC, then the holiday follows the local date", () => {
      const c = cal("+05:00", { mon: ["00:00-24:00"], tue: ["00:00-24:00"] }, ["2026-10-27"]);
      // Tuesday 2026-10-27 local = 2026-10-26T19:00Z → 2026-10-27T19:00Z
      assert.equal(workingSeconds({ start: "2026-10-26T18:00:00Z", end: "2026-10-26T20:00:00Z" }, c), H);
    });
    test("given holidays many years apart, when a long interval is measured, then each removes its day", () => {
      const c = parseWorkingCalendar({
        time_zone: "Europe/Kyiv",
        working_hours: KYIV_HOURS,
        holidays: ["2026-01-01", "2026-03-09", "2027-01-01", "2030-01-01"],
      });
      const plain = parseWorkingCalendar({ time_zone: "Europe/Kyiv", working_hours: KYIV_HOURS });
      const span = { start: "2025-12-28T22:00:00Z", end: "2031-01-01T00:00:00Z" };
      // all four are weekdays: Thu, Mon, Fri, Tue
      assert.equal(workingSeconds(span, plain) - workingSeconds(span, c), 4 * 8 * H);
    });
  });
});

describe("addWorkingSeconds", () => {
  const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString());
  test("given 4 h from Mon 09:00 with a 09:00-13:00 window, when added, then 13:00 (not 14:00)", () => {
    assert.equal(iso(addWorkingSeconds("2026-10-26T07:00:00Z", 4 * H, kyiv)), "2026-10-26T11:00:00.000Z");
  });
  test("given 4 h + 1 s from Mon 09:00, when added, then 14:00:01 after the lunch break", () => {
    assert.equal(iso(addWorkingSeconds("2026-10-26T07:00:00Z", 4 * H + 1, kyiv)), "2026-10-26T12:00:01.000Z");
  });
  test("given 3 h from Fri 17:00 EEST, when added, then Sat 12:00 EEST (1 h Fri + 2 h Sat)", () => {
    assert.equal(iso(addWorkingSeconds("2026-10-23T14:00:00Z", 3 * H, kyiv)), "2026-10-24T09:00:00.000Z");
  });
  test("given 2 h from Sat 14:00 EEST, across the DST change, when added, then Mon 10:00 EET = 08:00Z", () => {
    assert.equal(iso(addWorkingSeconds("2026-10-24T11:00:00Z", 2 * H, kyiv)), "2026-10-26T08:00:00.000Z");
  });
  test("given a start off hours, when added, then counting begins when the window opens", () => {
    assert.equal(iso(addWorkingSeconds("2026-10-25T10:00:00Z", 30 * 60, kyiv)), "2026-10-26T07:30:00.000Z");
  });
  test("given 0 s off hours, when added, then the start itself", () => {
    assert.equal(iso(addWorkingSeconds("2026-10-25T10:00:00Z", 0, kyiv)), "2026-10-25T10:00:00.000Z");
  });
  test("given a calendar with no working time, when added, then null (never)", () => {
    assert.equal(addWorkingSeconds(0, 1, cal("UTC", {})), null);
    assert.equal(addWorkingSeconds(0, 0, cal("UTC", {})), 0);
  });
  test("given a target beyond the horizon, when added, then null", () => {
    assert.equal(
      addWorkingSeconds("2026-10-26T07:00:00Z", 100 * H, kyiv, { horizonMs: 7 * 86_400_000 }),
      null,
    );
    assert.notEqual(addWorkingSeconds("2026-10-26T07:00:00Z", 100 * H, kyiv), null);
  });
  test("given 24/7, when added, then plain addition", () => {
    assert.equal(addWorkingSeconds(1_000, 2.5, DEFAULT_WORKING_CALENDAR), 3_500);
  });
  test("given a negative or infinite amount, when added, then RangeError", () => {
    assert.throws(() => addWorkingSeconds(0, -1, kyiv), RangeError);
    assert.throws(() => addWorkingSeconds(0, Number.POSITIVE_INFINITY, kyiv), RangeError);
  });
  test("given a year of working time in Kyiv, when added and measured back, then the same amount", () => {
    const start = "2026-01-05T07:00:00Z";
    const at = addWorkingSeconds(start, 52 * 45 * H, kyiv);
    assert.ok(at !== null);
    assert.equal(workingSeconds({ start, end: at }, kyiv), 52 * 45 * H);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const ZONES = [
  "UTC",
  "Europe/Kyiv",
  "+05:00",
  "-03:30",
  "America/New_York",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
];
const SLOTS_PER_DAY = 48; // half hours
const SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY;
const T0 = ms("2025-12-20T00:00:00Z");
const T1 = ms("2028-01-10T00:00:00Z");

/** Random valid calendars: disjoint half-hour-aligned windows over the week, some crossing midnight or Sunday→Monday. */
const calendarArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    cuts: fc.uniqueArray(fc.integer({ min: 0, max: SLOTS_PER_WEEK - 1 }), { maxLength: 18 }),
    rotate: fc.integer({ min: 0, max: SLOTS_PER_WEEK - 1 }),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 760 }), { maxLength: 25 }),
  })
  .map(({ zone, cuts, rotate, holidays }) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const days: Record<Weekday, string[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      const a = sorted[i] ?? 0;
      const b = sorted[i + 1] ?? 0;
      const length = Math.min(b - a, SLOTS_PER_DAY);
      const start = (a + rotate) % SLOTS_PER_WEEK;
      const day = WEEKDAYS[Math.floor(start / SLOTS_PER_DAY)] ?? "mon";
      const startMinute = (start % SLOTS_PER_DAY) * 30;
      days[day].push(formatWorkingWindow({ startMinute, endMinute: startMinute + length * 30 }));
    }
    const dates = holidays.map((d) => new Date(T0 + d * 86_400_000).toISOString().slice(0, 10));
    return parseWorkingCalendar({ time_zone: zone, working_hours: days, holidays: dates });
  });

const instantArb = fc.integer({ min: T0, max: T1 });
/** Instants within a few days of a DST change of the test zones, to hit the transitions often. */
const DST_DAYS = [
  "2026-03-08T07:00:00Z", // New York
  "2026-03-29T01:00:00Z", // EU
  "2026-04-05T15:00:00Z", // Lord Howe (30 min)
  "2026-10-04T15:30:00Z", // Lord Howe
  "2026-10-25T01:00:00Z", // EU
  "2026-11-01T06:00:00Z", // New York
].map(ms);
const nearDstArb = fc
  .tuple(fc.constantFrom(...DST_DAYS), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }))
  .map(([t, d]) => t + d);
const anyInstantArb = fc.oneof(instantArb, nearDstArb);
const pairArb = fc
  .tuple(anyInstantArb, anyInstantArb)
  .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

describe("properties", () => {
  test("given any calendar and interval, when measured, then 0 <= working <= wall-clock", () => {
    fc.assert(
      fc.property(calendarArb, pairArb, (c, [a, b]) => {
        const w = workingSeconds({ start: a, end: b }, c);
        return w >= 0 && w <= (b - a) / 1000;
      }),
      { numRuns: 300 },
    );
  });

  test("given an interval split at any instant, when both parts are measured, then they add up exactly", () => {
    fc.assert(
      fc.property(calendarArb, anyInstantArb, anyInstantArb, anyInstantArb, (c, x, y, z) => {
        const [a, m, b] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const whole = workingSeconds({ start: a, end: b }, c) * 1000;
        const parts =
          workingSeconds({ start: a, end: m }, c) * 1000 + workingSeconds({ start: m, end: b }, c) * 1000;
        return Math.round(whole) === Math.round(parts);
      }),
      { numRuns: 300 },
    );
  });

  test("given 24/7 in any zone (also through the general path), when measured, then wall-clock time", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), pairArb, (zone, [a, b]) => {
        const open = alwaysOpenCalendar(zone);
        const allDayWithFarHoliday = parseWorkingCalendar({
          time_zone: zone,
          working_hours: Object.fromEntries(WEEKDAYS.map((d) => [d, ["00:00-24:00"]])),
          holidays: ["1990-01-01"],
        });
        const wall = (b - a) / 1000;
        return (
          workingSeconds({ start: a, end: b }, open) === wall &&
          workingSeconds({ start: a, end: b }, allDayWithFarHoliday) === wall
        );
      }),
      { numRuns: 200 },
    );
  });

  test("given any amount, when added then measured back, then the same amount and the earliest such instant", () => {
    fc.assert(
      fc.property(
        calendarArb,
        anyInstantArb,
        fc.integer({ min: 0, max: 60 * 86_400_000 }),
        (c, start, amountMs) => {
          const at = addWorkingSeconds(start, amountMs / 1000, c);
          if (weeklyWorkingSeconds(c) === 0) return at === (amountMs === 0 ? start : null);
          if (at === null) return false;
          const back = Math.round(workingSeconds({ start, end: at }, c) * 1000);
          const earliest =
            amountMs === 0
              ? at === start
              : Math.round(workingSeconds({ start, end: at - 1 }, c) * 1000) < amountMs;
          return back === amountMs && earliest;
        },
      ),
      { numRuns: 300 },
    );
  });

  test("given any interval, when measured and then added from its start, then it lands at or before the end with no work left", () => {
    fc.assert(
      fc.property(calendarArb, pairArb, (c, [a, b]) => {
        const w = workingSeconds({ start: a, end: b }, c);
        const at = addWorkingSeconds(a, w, c);
        return at !== null && at <= b && workingSeconds({ start: at, end: b }, c) === 0;
      }),
      { numRuns: 200 },
    );
  });

  test("given any interval, when listed as working periods, then they are disjoint, working, and sum to workingSeconds", () => {
    fc.assert(
      fc.property(calendarArb, pairArb, (c, [a, b]) => {
        const periods = workingPeriods({ start: a, end: b }, c);
        let total = 0;
        let last = Number.NEGATIVE_INFINITY;
        for (const p of periods) {
          if (!(p.start > last && p.end > p.start && p.start >= a && p.end <= b)) return false;
          if (!isWorkingInstant(p.start, c) || !isWorkingInstant(p.end - 1, c)) return false;
          total += p.end - p.start;
          last = p.end;
        }
        return total === Math.round(workingSeconds({ start: a, end: b }, c) * 1000);
      }),
      { numRuns: 150 },
    );
  });

  test("given minute-aligned intervals around DST changes, when measured, then equal to a per-minute count of wall-clock readings via Intl", () => {
    const formatters = new Map<string, Intl.DateTimeFormat>();
    /** Local {date, minute of day} of an instant, from Intl (IANA) or plain arithmetic (fixed offsets). */
    const local = (zone: string, t: number): { date: string; minute: number } => {
      const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
      if (fixed) {
        const off = (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
        const d = new Date(t + off);
        return { date: d.toISOString().slice(0, 10), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
      }
      let f = formatters.get(zone);
      if (!f) {
        f = new Intl.DateTimeFormat("en-US", {
          timeZone: zone,
          hourCycle: "h23",
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
          hour: "2-digit",
          minute: "2-digit",
        });
        formatters.set(zone, f);
      }
      const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
      return {
        date: `${p["year"]}-${p["month"]}-${p["day"]}`,
        minute: Number(p["hour"]) * 60 + Number(p["minute"]),
      };
    };
    const weekdayOf = (date: string): Weekday =>
      WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7] ?? "mon";
    const previousDate = (date: string): string =>
      new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const reference = (c: WorkingCalendar, t: number): boolean => {
      const { date, minute } = local(c.timeZone, t);
      const today =
        !c.holidays.includes(date) &&
        c.week[weekdayOf(date)].some((w) => w.startMinute <= minute && minute < w.endMinute);
      const prev = previousDate(date);
      const spill =
        !c.holidays.includes(prev) &&
        c.week[weekdayOf(prev)].some((w) => w.endMinute > 1440 && minute + 1440 < w.endMinute);
      return today || spill;
    };
    const minuteArb = nearDstArb.map((t) => Math.floor(t / 60_000) * 60_000);
    fc.assert(
      fc.property(calendarArb, minuteArb, fc.integer({ min: 0, max: 3 * 1440 }), (c, start, minutes) => {
        let expected = 0;
        for (let i = 0; i < minutes; i++) if (reference(c, start + i * 60_000)) expected += 60;
        return workingSeconds({ start, end: start + minutes * 60_000 }, c) === expected;
      }),
      { numRuns: 60 },
    );
  });
});
