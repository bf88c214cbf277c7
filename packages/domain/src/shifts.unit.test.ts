import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SettingsError } from "./settings-error.js";
import {
  DEFAULT_SHIFT_SETTINGS,
  isShiftComplete,
  lastClosedShift,
  lastCompleteShift,
  resolveShiftSettings,
  type ShiftSettings,
  shiftById,
  shiftOf,
  shiftsBetween,
} from "./shifts.js";

const KYIV: ShiftSettings = resolveShiftSettings({ timeZone: "Europe/Kyiv" });

describe("shiftOf with the SPEC defaults (+05:00, 22:00, 24 h)", () => {
  test("given 21:59:59 local, when located, then it belongs to the shift that started the day before", () => {
    const shift = shiftOf("2026-10-21T21:59:59+05:00");
    assert.deepEqual(shift, {
      shiftId: "2026-10-20",
      start: "2026-10-20T17:00:00.000Z",
      end: "2026-10-21T17:00:00.000Z",
    });
  });

  test("given 22:00:00 local, when located, then a new shift starts exactly there", () => {
    const shift = shiftOf("2026-10-21T17:00:00.000Z");
    assert.deepEqual(shift, {
      shiftId: "2026-10-21",
      start: "2026-10-21T17:00:00.000Z",
      end: "2026-10-22T17:00:00.000Z",
    });
  });

  test("given the last millisecond before the boundary, when located, then the end is exclusive", () => {
    assert.equal(shiftOf("2026-10-21T16:59:59.999Z").shiftId, "2026-10-20");
  });

  test("given local midnight, when located, then the shift is the one that started at 22:00 the evening before", () => {
    assert.equal(shiftOf("2026-10-22T00:30:00+05:00").shiftId, "2026-10-21");
  });

  test("given a start hour of 0 in UTC, when located, then shifts are calendar days", () => {
    const settings = resolveShiftSettings({ timeZone: "UTC", startHour: 0 });
    assert.deepEqual(shiftOf("2026-10-21T23:59:59Z", settings), {
      shiftId: "2026-10-21",
      start: "2026-10-21T00:00:00.000Z",
      end: "2026-10-22T00:00:00.000Z",
    });
  });
});

describe("shiftOf in an IANA zone with DST (Europe/Kyiv)", () => {
  test("given the night the clocks go back (2026-10-25 04:00 EEST → 03:00 EET), when located, then that shift lasts 25 h", () => {
    const shift = shiftOf("2026-10-25T02:00:00Z", KYIV);
    assert.deepEqual(shift, {
      shiftId: "2026-10-24",
      start: "2026-10-24T19:00:00.000Z", // 22:00 EEST (+03:00)
      end: "2026-10-25T20:00:00.000Z", // 22:00 EET (+02:00)
    });
  });

  test("given the night the clocks go forward (2026-03-29), when located, then that shift lasts 23 h", () => {
    const shift = shiftOf("2026-03-29T12:00:00Z", KYIV);
    assert.deepEqual(shift, {
      shiftId: "2026-03-28",
      start: "2026-03-28T20:00:00.000Z", // 22:00 EET
      end: "2026-03-29T19:00:00.000Z", // 22:00 EEST
    });
  });

  test("given 21:59:59 and 22:00:00 local after the change, when located, then the boundary follows local time", () => {
    assert.equal(shiftOf("2026-10-26T21:59:59+02:00", KYIV).shiftId, "2026-10-25");
    assert.equal(shiftOf("2026-10-26T22:00:00+02:00", KYIV).shiftId, "2026-10-26");
  });

  test("given a start hour inside the spring gap (03:00 on 2026-03-29), when located, then the shift starts at 04:00 EEST", () => {
    const settings = resolveShiftSettings({ timeZone: "Europe/Kyiv", startHour: 3 });
    assert.equal(shiftOf("2026-03-29T01:00:00Z", settings).start, "2026-03-29T01:00:00.000Z");
    assert.equal(shiftOf("2026-03-29T00:59:59Z", settings).shiftId, "2026-03-28");
  });
});

describe("lastClosedShift", () => {
  test("given now in the middle of a shift, when asked, then the previous shift is the last closed one", () => {
    assert.equal(lastClosedShift("2026-10-22T10:00:00+05:00").shiftId, "2026-10-20");
  });

  test("given now exactly at a boundary, when asked, then the shift that just ended is closed", () => {
    const shift = lastClosedShift("2026-10-22T22:00:00+05:00");
    assert.equal(shift.shiftId, "2026-10-21");
    assert.equal(shift.end, "2026-10-22T17:00:00.000Z");
  });
});

describe("isShiftComplete and lastCompleteShift", () => {
  const shift = shiftOf("2026-10-21T23:00:00+05:00"); // ends 2026-10-22T17:00Z

  test("given a closed shift within its lookback, when checked, then it is not complete yet", () => {
    assert.equal(isShiftComplete(shift, "2026-10-22T17:00:00Z"), false);
    assert.equal(isShiftComplete(shift, "2026-10-25T16:59:59.999Z"), false);
  });

  test("given now = end + 72 h, when checked, then it is complete", () => {
    assert.equal(isShiftComplete(shift, "2026-10-25T17:00:00Z"), true);
  });

  test("given a 48 h lookback, when checked, then it completes a day earlier", () => {
    const settings = resolveShiftSettings({ lookbackHours: 48 });
    assert.equal(isShiftComplete(shift, "2026-10-24T17:00:00Z", settings), true);
    assert.equal(isShiftComplete(shift, "2026-10-24T16:59:59Z", settings), false);
  });

  test("given an open shift, when checked, then it is never complete", () => {
    assert.equal(isShiftComplete(shift, "2026-10-22T12:00:00Z"), false);
  });

  test("given now, when asked for the last complete shift, then it is the newest one whose lookback has passed", () => {
    assert.equal(lastCompleteShift("2026-10-25T17:00:00Z").shiftId, "2026-10-21");
    assert.equal(lastCompleteShift("2026-10-25T16:59:59Z").shiftId, "2026-10-20");
  });
});

describe("shiftsBetween", () => {
  test("given a range over three local days, when listed, then every intersecting shift comes once, oldest first", () => {
    const shifts = shiftsBetween("2026-10-21T10:00:00+05:00", "2026-10-23T23:00:00+05:00");
    assert.deepEqual(
      shifts.map((s) => s.shiftId),
      ["2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23"],
    );
  });

  test("given a range that ends exactly at a boundary, when listed, then the shift starting there is excluded", () => {
    const shifts = shiftsBetween("2026-10-21T17:00:00Z", "2026-10-22T17:00:00Z");
    assert.deepEqual(
      shifts.map((s) => s.shiftId),
      ["2026-10-21"],
    );
  });

  test("given an empty or reversed range, when listed, then there are no shifts", () => {
    assert.deepEqual(shiftsBetween("2026-10-21T17:00:00Z", "2026-10-21T17:00:00Z"), []);
    assert.deepEqual(shiftsBetween("2026-10-22T17:00:00Z", "2026-10-21T17:00:00Z"), []);
  });

  test("given 12 h shifts from 22:00, when listed over a day, then they alternate 22:00 and 10:00 with time ids", () => {
    const settings = resolveShiftSettings({ lengthHours: 12 });
    const shifts = shiftsBetween("2026-10-21T22:00:00+05:00", "2026-10-22T22:00:00+05:00", settings);
    assert.deepEqual(shifts, [
      { shiftId: "2026-10-21T22:00", start: "2026-10-21T17:00:00.000Z", end: "2026-10-22T05:00:00.000Z" },
      { shiftId: "2026-10-22T10:00", start: "2026-10-22T05:00:00.000Z", end: "2026-10-22T17:00:00.000Z" },
    ]);
  });
});

describe("shiftById", () => {
  test("given the id of a 24 h shift, when resolved, then it is the same shift shiftOf gives", () => {
    assert.deepEqual(shiftById("2026-10-24", KYIV), shiftOf("2026-10-25T02:00:00Z", KYIV));
  });

  test("given a sub-daily id, when resolved, then its start matches its wall time", () => {
    const settings = resolveShiftSettings({ lengthHours: 12 });
    assert.equal(shiftById("2026-10-22T10:00", settings)?.start, "2026-10-22T05:00:00.000Z");
    assert.equal(shiftById("2026-10-22T11:00", settings), null);
  });

  test("given garbage, when resolved, then it is null", () => {
    assert.equal(shiftById("yesterday"), null);
    assert.equal(shiftById("2026-10-22T22:00"), null);
  });
});

describe("resolveShiftSettings", () => {
  test("given nothing, when resolved, then the SPEC defaults apply", () => {
    assert.deepEqual(resolveShiftSettings(), DEFAULT_SHIFT_SETTINGS);
    assert.deepEqual(DEFAULT_SHIFT_SETTINGS, {
      timeZone: "+05:00",
      startHour: 22,
      lengthHours: 24,
      lookbackHours: 72,
    });
  });

  test("given a short offset, when resolved, then the time zone is canonical ±hh:mm", () => {
    assert.equal(resolveShiftSettings({ timeZone: "+05" }).timeZone, "+05:00");
  });

  test("given invalid values, when resolved, then a SettingsError lists every issue by field", () => {
    assert.throws(
      () =>
        resolveShiftSettings({ timeZone: "Mars/Olympus", startHour: 24, lengthHours: 10, lookbackHours: -1 }),
      (error: unknown) =>
        error instanceof SettingsError &&
        error.code === "invalid_settings" &&
        error.issues.map((i) => i.path).join() === "timeZone,startHour,lengthHours,lookbackHours",
    );
    assert.throws(() => resolveShiftSettings({ timeZone: "+5" }), SettingsError);
    assert.throws(() => resolveShiftSettings({ startHour: 21.5 }), SettingsError);
    assert.throws(
      () => shiftOf("2026-10-21T22:00:00Z", { ...DEFAULT_SHIFT_SETTINGS, lengthHours: 5 }),
      SettingsError,
    );
  });

  test("given an instant without an offset, when located, then it throws RangeError", () => {
    assert.throws(() => shiftOf("2026-10-21T22:00:00"), RangeError);
  });

  test("given epoch milliseconds, when located, then they are the same instant as the ISO string", () => {
    assert.deepEqual(shiftOf(Date.UTC(2026, 9, 21, 17)), shiftOf("2026-10-21T17:00:00.000Z"));
  });
});

describe("properties", () => {
  const zones = ["+05:00", "-03:30", "Europe/Kyiv", "America/New_York", "Australia/Lord_Howe"];
  const settingsArb = fc.record({
    timeZone: fc.constantFrom(...zones),
    startHour: fc.integer({ min: 0, max: 23 }),
    lengthHours: fc.constantFrom(3, 8, 12, 24),
    lookbackHours: fc.constant(72),
  });
  const instantArb = fc
    .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) })
    .map((ms) => new Date(ms).toISOString());

  test("given any instant and settings, when located, then the shift contains it and the next shift starts at its end", () => {
    fc.assert(
      fc.property(settingsArb, instantArb, (settings, instant) => {
        const shift = shiftOf(instant, settings);
        assert.ok(shift.start <= instant && instant < shift.end, `${instant} in ${JSON.stringify(shift)}`);
        assert.equal(shiftOf(shift.end, settings).start, shift.end);
        assert.equal(shiftOf(shift.start, settings).shiftId, shift.shiftId);
        assert.deepEqual(shiftById(shift.shiftId, settings), shift);
      }),
      { numRuns: 150 },
    );
  });
});
