import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { type TimelineSegment, timelineSegments } from "./timeline-segments.js";
import { alwaysOpenCalendar, parseWorkingCalendar, workingSeconds } from "./working-calendar.js";

const split = ["09:00-13:00", "14:00-18:00"];
/** shop-kyiv of fixtures/keycrm/projects.json, with a holiday on Monday 2026-10-26. */
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
  holidays: ["2026-10-26"],
});

/** Segments as `[startIso, endIso, working]` rows. */
function rows(segments: TimelineSegment[]): [string, string, boolean][] {
  return segments.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString(), s.working]);
}

describe("timelineSegments", () => {
  test("given an interval spanning the autumn DST change and a holiday, when cut, then working parts keep their wall-clock hours (09:00 = 06:00Z before, 07:00Z after), nights, Sunday and the holiday are non-working", () => {
    const got = rows(timelineSegments({ start: "2026-10-23T08:00:00Z", end: "2026-10-27T08:00:00Z" }, kyiv));
    assert.deepEqual(got, [
      ["2026-10-23T08:00:00.000Z", "2026-10-23T10:00:00.000Z", true],
      ["2026-10-23T10:00:00.000Z", "2026-10-23T11:00:00.000Z", false],
      ["2026-10-23T11:00:00.000Z", "2026-10-23T15:00:00.000Z", true],
      ["2026-10-23T15:00:00.000Z", "2026-10-24T07:00:00.000Z", false],
      // Saturday 10:00–15:00 EEST.
      ["2026-10-24T07:00:00.000Z", "2026-10-24T12:00:00.000Z", true],
      // Sunday (clocks go back at 01:00Z) and the Monday holiday: one non-working stretch.
      ["2026-10-24T12:00:00.000Z", "2026-10-27T07:00:00.000Z", false],
      // Tuesday 09:00 EET = 07:00Z.
      ["2026-10-27T07:00:00.000Z", "2026-10-27T08:00:00.000Z", true],
    ]);
  });

  test("given the spring DST change, when a 24/7 day is cut, then one working segment of 23 hours", () => {
    const got = timelineSegments(
      { start: "2026-03-28T22:00:00Z", end: "2026-03-29T21:00:00Z" },
      alwaysOpenCalendar("Europe/Kyiv"),
    );
    assert.deepEqual(rows(got), [["2026-03-28T22:00:00.000Z", "2026-03-29T21:00:00.000Z", true]]);
    assert.equal(got[0] && (got[0].end - got[0].start) / 3_600_000, 23);
  });

  test("given an interval inside one night, when cut, then one non-working segment; given an empty interval, then none", () => {
    assert.deepEqual(
      rows(timelineSegments({ start: "2026-10-22T20:00:00Z", end: "2026-10-22T22:00:00Z" }, kyiv)),
      [["2026-10-22T20:00:00.000Z", "2026-10-22T22:00:00.000Z", false]],
    );
    assert.deepEqual(
      timelineSegments({ start: "2026-10-22T20:00:00Z", end: "2026-10-22T20:00:00Z" }, kyiv),
      [],
    );
  });

  test("given reversed instants, when cut, then RangeError", () => {
    assert.throws(
      () => timelineSegments({ start: "2026-10-23T00:00:00Z", end: "2026-10-22T00:00:00Z" }, kyiv),
      RangeError,
    );
  });

  test("given any interval within a year, when cut, then the segments cover it exactly, alternate, and the working ones sum to workingSeconds", () => {
    const base = Date.parse("2026-01-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 86_400 }),
        fc.integer({ min: 0, max: 20 * 86_400 }),
        (a, len) => {
          const start = base + a * 1000;
          const end = start + len * 1000;
          const segments = timelineSegments({ start, end }, kyiv);
          if (len === 0) return segments.length === 0;
          assert.equal(segments[0]?.start, start);
          assert.equal(segments.at(-1)?.end, end);
          let working = 0;
          for (let i = 0; i < segments.length; i++) {
            const s = segments[i] as TimelineSegment;
            assert.ok(s.end > s.start);
            if (i > 0) {
              assert.equal(s.start, segments[i - 1]?.end);
              assert.notEqual(s.working, segments[i - 1]?.working);
            }
            if (s.working) working += s.end - s.start;
          }
          assert.equal(working / 1000, workingSeconds({ start, end }, kyiv));
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});
