import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SettingsError, workingSeconds } from "@pulse/domain";
import {
  groupCalendars,
  issuePointer,
  normalizeOverrides,
  SHIFTS_KIND,
  settingsValidationError,
  WORKING_HOURS_KIND,
} from "./settings.kinds.js";

const WORKDAY = ["09:00-13:00", "14:00-18:00"];
const WEEK = { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY, sat: [], sun: [] };
/** Working seconds of `[start, end)` for status group `groupId`. */
const work = (
  calendars: ReturnType<typeof groupCalendars>,
  groupId: number | null,
  start: string,
  end: string,
) => workingSeconds({ start, end }, calendars(groupId));

describe("issuePointer", () => {
  test("given the domain's issue paths, when converted, then they are JSON pointers into the body", () => {
    assert.equal(issuePointer("default.working_hours.mon[1]"), "/default/working_hours/mon/1");
    assert.equal(issuePointer("rules[0].match_value"), "/rules/0/match_value");
    assert.equal(issuePointer("grids.urgent.3"), "/grids/urgent/3");
    assert.equal(issuePointer("(root)"), "");
    assert.equal(issuePointer("groups.a/b~c"), "/groups/a~1b~0c");
  });

  test("given a SettingsError, when mapped, then the 400 carries every issue in the body with its pointer", () => {
    const error = settingsValidationError(
      new SettingsError([
        { path: "rules[0].name", message: "empty" },
        { path: "rules[1].end", message: "missing" },
      ]),
    );
    assert.equal(error.status, 400);
    assert.equal(error.code, "invalid_settings");
    assert.deepEqual(
      (error.extensions["issues"] as { path: string; location: string }[]).map((i) => [i.location, i.path]),
      [
        ["body", "/rules/0/name"],
        ["body", "/rules/1/end"],
      ],
    );
  });
});

describe("groupCalendars", () => {
  test("given no working-hours settings, when a group's calendar is used, then it is 24/7", () => {
    const calendars = groupCalendars(undefined, "Europe/Kyiv");
    assert.equal(work(calendars, 7, "2026-10-17T00:00:00Z", "2026-10-18T00:00:00Z"), 86_400);
  });

  test("given a default calendar without a zone, when used, then its windows are read in the project's zone", () => {
    const calendars = groupCalendars({ default: { working_hours: WEEK }, groups: {} }, "+03:00");
    // Monday 06:00Z–12:00Z = 09:00–15:00 at +03:00: 4 h + 1 h.
    assert.equal(work(calendars, 1, "2026-10-12T06:00:00Z", "2026-10-12T12:00:00Z"), 18_000);
    // The unknown (null) group uses the default too.
    assert.equal(work(calendars, null, "2026-10-12T06:00:00Z", "2026-10-12T12:00:00Z"), 18_000);
  });

  test("given a group with its own calendar and zone, when used, then it wins over the default for that group only", () => {
    const calendars = groupCalendars(
      {
        version: 2,
        changed_by: "alice",
        default: { working_hours: WEEK },
        groups: { "3": { time_zone: "UTC", working_hours: { ...WEEK, mon: ["10:00-11:00"] } }, "4": {} },
      },
      "+03:00",
    );
    assert.equal(work(calendars, 3, "2026-10-12T00:00:00Z", "2026-10-13T00:00:00Z"), 3_600);
    // `{}`: no working_hours = 24/7.
    assert.equal(work(calendars, 4, "2026-10-17T00:00:00Z", "2026-10-18T00:00:00Z"), 86_400);
    assert.equal(work(calendars, 1, "2026-10-12T00:00:00Z", "2026-10-13T00:00:00Z"), 28_800);
  });

  test("given a stored calendar that does not parse or an unknown project zone, when used, then it falls back to 24/7 instead of failing", () => {
    const calendars = groupCalendars(
      { default: { working_hours: { mon: ["25:00-26:00"] } } },
      "Nowhere/Land",
    );
    assert.equal(work(calendars, 1, "2026-10-12T00:00:00Z", "2026-10-12T01:00:00Z"), 3_600);
  });
});

describe("settings kinds", () => {
  test("given working hours keyed by a name, when normalised, then the key is an issue beside the calendar's own", () => {
    assert.throws(
      () =>
        WORKING_HOURS_KIND.normalize({
          default: { working_hours: WEEK },
          groups: { delivery: { working_hours: { ...WEEK, sat: ["9-13"] } } },
        }),
      (error: SettingsError) => {
        assert.deepEqual(
          error.issues.map((i) => i.path),
          ["groups.delivery", "groups.delivery.working_hours.sat[0]"],
        );
        return true;
      },
    );
  });

  test("given shift settings the domain refuses, when normalised, then the issue paths use the body's field names", () => {
    assert.throws(
      () =>
        SHIFTS_KIND.normalize({
          time_zone: "Mars/Base",
          start_hour: 22,
          length_hours: 5,
          lookback_hours: 72,
        }),
      (error: SettingsError) => {
        assert.deepEqual(error.issues.map((i) => i.path).sort(), ["length_hours", "time_zone"]);
        return true;
      },
    );
  });
});

describe("normalizeOverrides", () => {
  test("given instants with offsets, when normalised, then they become ISO-8601 UTC with milliseconds", () => {
    assert.deepEqual(
      normalizeOverrides(
        {
          urgent: false,
          sla_profile: "urgent",
          cycle_start_at: "2026-10-12T09:00+03:00",
          cycle_end_at: null,
        },
        [],
      ),
      {
        urgent: false,
        sla_profile: "urgent",
        cycle_start_at: "2026-10-12T06:00:00.000Z",
        cycle_end_at: null,
      },
    );
  });

  test("given a malformed profile name, when normalised, then only the format issue is reported, not also 'unknown'", () => {
    assert.throws(
      () =>
        normalizeOverrides(
          { urgent: null, sla_profile: "no spaces", cycle_start_at: null, cycle_end_at: "x" },
          ["vip"],
        ),
      (error: SettingsError) => {
        assert.deepEqual(
          error.issues.map((i) => i.path),
          ["sla_profile", "cycle_end_at"],
        );
        return true;
      },
    );
  });
});
