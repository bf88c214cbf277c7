import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_SHIFT_SETTINGS } from "@pulse/domain";
import { parseShiftSettings } from "./settings.reader.js";

describe("parseShiftSettings (the one reading of rm.settings kind shifts)", () => {
  test("given no stored fields, when parsed, then the SPEC defaults", () => {
    assert.deepEqual(parseShiftSettings({}), parseShiftSettings(null));
    assert.equal(parseShiftSettings({}).startHour, DEFAULT_SHIFT_SETTINGS.startHour);
  });

  test("given stored fields and extra ones, when parsed, then the fields apply over the defaults and the extras are ignored", () => {
    const s = parseShiftSettings({ time_zone: "+03:00", start_hour: 9, version: 2, changed_by: "a@b.c" });
    assert.equal(s.timeZone, "+03:00");
    assert.equal(s.startHour, 9);
    assert.equal(s.lengthHours, DEFAULT_SHIFT_SETTINGS.lengthHours);
  });

  test("given a field of the wrong type or a length that does not divide 24, when parsed, then it throws", () => {
    assert.throws(() => parseShiftSettings({ start_hour: "9" }));
    assert.throws(() => parseShiftSettings({ length_hours: 7 }));
  });
});
