import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { calendarForGroup, groupCalendars, projectZoneOrUtc } from "./project-calendars.js";
import { workingSeconds } from "./working-calendar.js";

const SPLIT = {
  mon: ["09:00-13:00", "14:00-18:00"],
  tue: ["09:00-13:00", "14:00-18:00"],
  wed: ["09:00-13:00", "14:00-18:00"],
  thu: ["09:00-13:00", "14:00-18:00"],
  fri: ["09:00-13:00", "14:00-18:00"],
  sat: [],
  sun: [],
};

describe("project calendars", () => {
  test("given a group with its own calendar, when resolved, then it uses it in the project's zone", () => {
    const settings = { default: {}, groups: { "2": { working_hours: SPLIT } } };
    const cal = calendarForGroup(settings, "Europe/Kyiv", 2);
    assert.equal(cal.timeZone, "Europe/Kyiv");
    // Mon 2026-10-12 09:00–16:00 Kyiv (UTC+3): 4 h + 2 h.
    assert.equal(
      workingSeconds({ start: "2026-10-12T06:00:00.000Z", end: "2026-10-12T13:00:00.000Z" }, cal),
      21_600,
    );
  });

  test("given a group without its own calendar, when resolved, then the default applies; no working_hours is 24/7", () => {
    const calendars = groupCalendars(
      { default: { time_zone: "+05:00", working_hours: SPLIT }, groups: {} },
      "UTC",
    );
    assert.equal(calendars(7).timeZone, "+05:00");
    assert.equal(calendars(null), calendars(7), "cached per key; null uses the default");
    const open = calendarForGroup({ default: {}, groups: {} }, "Europe/Kyiv", 1);
    assert.equal(
      workingSeconds({ start: "2026-10-17T00:00:00.000Z", end: "2026-10-18T00:00:00.000Z" }, open),
      86_400,
    );
  });

  test("given no settings or an invalid zone, when resolved, then 24/7 in UTC", () => {
    assert.equal(projectZoneOrUtc("Mars/Base"), "UTC");
    const cal = calendarForGroup(undefined, "Mars/Base", 3);
    assert.equal(cal.timeZone, "UTC");
    assert.equal(
      workingSeconds({ start: "2026-10-17T00:00:00.000Z", end: "2026-10-17T01:00:00.000Z" }, cal),
      3600,
    );
  });

  test("given a stored calendar that no longer parses, when resolved, then it counts as 24/7", () => {
    const cal = calendarForGroup({ default: { working_hours: { mon: ["nonsense"] } } }, "UTC", 1);
    assert.equal(
      workingSeconds({ start: "2026-10-12T00:00:00.000Z", end: "2026-10-12T02:00:00.000Z" }, cal),
      7200,
    );
  });
});
