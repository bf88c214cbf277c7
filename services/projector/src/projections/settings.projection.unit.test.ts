import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { foldInMemory, stateKey } from "./projection.js";
import { anEvent } from "./projection.testing.js";
import { settingsProjection } from "./settings.projection.js";

const shifts = (version: number, startHour: number) =>
  anEvent("settings.shifts_changed", {
    version,
    changed_by: "ops",
    time_zone: "UTC",
    start_hour: startHour,
    length_hours: 12,
    lookback_hours: 24,
  });

describe("settings projection", () => {
  test("given two shift changes, when folded, then the later one is the row of kind shifts, without version and author in data", () => {
    const state = foldInMemory(settingsProjection, [shifts(1, 8), shifts(2, 9)]).get(
      stateKey("shop-test", "shifts"),
    );
    assert.equal(state?.row.version, 2);
    assert.equal(state?.row.event_seq, 2);
    assert.deepEqual(JSON.parse(state?.row.data ?? "null"), {
      time_zone: "UTC",
      start_hour: 9,
      length_hours: 12,
      lookback_hours: 24,
    });
  });
});
