import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { MAX_INSTANT_MS, MIN_INSTANT_MS, toEpochMs, utcMs } from "./instant-input.js";

describe("toEpochMs", () => {
  test("given any instant of years 0001–9999 in the catalogue form, when parsed, then it equals its epoch ms", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_INSTANT_MS, max: MAX_INSTANT_MS }), (ms) => {
        assert.equal(toEpochMs(new Date(ms).toISOString()), ms);
      }),
      { numRuns: 5000 },
    );
  });

  test("given the same instant with microseconds or an offset, when parsed, then the general form agrees", () => {
    assert.equal(toEpochMs("2026-10-12T04:27:45.123456Z"), Date.UTC(2026, 9, 12, 4, 27, 45, 123));
    assert.equal(toEpochMs("2026-10-12T07:27:45.123+03:00"), Date.UTC(2026, 9, 12, 4, 27, 45, 123));
  });

  test("given impossible dates in the catalogue form, when parsed, then RangeError", () => {
    for (const s of [
      "2026-02-29T00:00:00.000Z",
      "2026-13-01T00:00:00.000Z",
      "2026-04-31T00:00:00.000Z",
      "2026-10-12T24:00:00.000Z",
      "2026-10-12T23:60:00.000Z",
      "2026-10-12T23:59:60.000Z",
      "0000-12-31T23:59:59.999Z",
      "2026-1a-12T00:00:00.000Z",
    ]) {
      assert.throws(() => toEpochMs(s), RangeError, s);
    }
    assert.equal(toEpochMs("2024-02-29T00:00:00.000Z"), Date.UTC(2024, 1, 29));
  });

  test("given any date, when converted by utcMs, then it equals the Date arithmetic", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(MIN_INSTANT_MS), max: new Date(MAX_INSTANT_MS), noInvalidDate: true }),
        (d) => {
          const day = new Date(0);
          day.setUTCFullYear(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
          assert.equal(utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()), day.getTime());
        },
      ),
      { numRuns: 5000 },
    );
  });
});
