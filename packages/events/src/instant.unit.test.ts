import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { canonicalInstantMs, InstantParseError, parseInstant } from "./instant.js";
import { IsoInstant } from "./primitives.js";

describe("IsoInstant", () => {
  test("given impossible dates and times in the catalogue form, when validated, then each is rejected", () => {
    for (const text of [
      "2026-13-45T00:00:00.000Z",
      "2026-02-30T10:00:00.000Z",
      "2025-02-29T10:00:00.000Z",
      "2026-04-31T10:00:00.000Z",
      "2026-00-10T10:00:00.000Z",
      "2026-01-00T10:00:00.000Z",
      "2026-01-10T24:00:00.000Z",
      "2026-01-10T10:60:00.000Z",
      "2026-01-10T10:00:60.000Z",
      "0000-01-01T00:00:00.000Z",
    ]) {
      assert.equal(IsoInstant.safeParse(text).success, false, text);
    }
  });

  test("given real instants (leap day, year ends, the epoch), when validated, then each is accepted unchanged", () => {
    for (const text of [
      "2024-02-29T23:59:59.999Z",
      "2026-12-31T23:59:59.999Z",
      "1970-01-01T00:00:00.000Z",
      "2026-10-12T04:27:45.000Z",
    ]) {
      assert.equal(IsoInstant.parse(text), text);
    }
  });

  test("given any Date#toISOString of years 0001–9999, when validated, then it is accepted", () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        const text = new Date(ms).toISOString();
        assert.equal(IsoInstant.safeParse(text).success, true, text);
        assert.equal(canonicalInstantMs(text), ms);
      }),
      { numRuns: 2000 },
    );
  });

  test("given other shapes (offset, no millis, space), when validated, then they are rejected", () => {
    for (const text of ["2026-10-12T07:27:45+03:00", "2026-10-12T04:27:45Z", "2026-10-12 04:27:45.000Z"]) {
      assert.equal(IsoInstant.safeParse(text).success, false, text);
    }
  });
});

describe("parseInstant", () => {
  test("given an offset form, when parsed, then the epoch ms is the UTC instant", () => {
    assert.equal(parseInstant("2026-10-12T07:27:45+03:00").ms, Date.UTC(2026, 9, 12, 4, 27, 45));
    assert.equal(parseInstant("2026-10-12T04:27:45.123456Z").ms, Date.UTC(2026, 9, 12, 4, 27, 45, 123));
  });

  test("given a zone-less CRM time, when parsed as crm, then it is UTC; as offset, then it is malformed", () => {
    assert.equal(parseInstant("2026-10-16 07:11:09", "crm").ms, Date.UTC(2026, 9, 16, 7, 11, 9));
    assert.throws(
      () => parseInstant("2026-10-16 07:11:09", "offset"),
      (e: unknown) => e instanceof InstantParseError && e.reason === "malformed",
    );
  });

  test("given February 30 or an offset beyond the dialect's, when parsed, then the reason says which", () => {
    assert.throws(
      () => parseInstant("2026-02-30T10:00:00Z"),
      (e: unknown) => e instanceof InstantParseError && e.reason === "impossible",
    );
    assert.throws(
      () => parseInstant("2026-02-10T10:00:00+15:00", "crm"),
      (e: unknown) => e instanceof InstantParseError && e.reason === "offset",
    );
    assert.equal(parseInstant("2026-02-10T10:00:00+15:00", "offset").offsetMinutes, 900);
  });
});
