import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_INSTANT_MS, MIN_INSTANT_MS, toEpochMs } from "./instant-input.js";
import { forEachOffsetPiece, offsetAt, resolveTimeZone } from "./zone-offsets.js";

const H = 3_600_000;

describe("resolveTimeZone", () => {
  const good: [string, string, number | null][] = [
    ["Europe/Kyiv", "Europe/Kyiv", null],
    ["europe/kyiv", "Europe/Kyiv", null],
    ["UTC", "UTC", 0],
    ["+05:00", "+05:00", 5 * H],
    ["+0530", "+05:30", 5.5 * H],
    ["-03", "-03:00", -3 * H],
    ["-00:00", "+00:00", 0],
    ["+23:59", "+23:59", 23 * H + 59 * 60_000],
  ];
  for (const [name, id, fixed] of good) {
    test(`given ${name}, when resolved, then ${id} (${fixed === null ? "IANA" : `fixed ${fixed} ms`})`, () => {
      assert.deepEqual(resolveTimeZone(name), { id, fixedOffsetMs: fixed });
    });
  }
  for (const name of ["Mars/Olympus_Mons", "+24:00", "+05:60", "+5", "", "Europe/Kyiv "]) {
    test(`given ${JSON.stringify(name)}, when resolved, then RangeError`, () => {
      assert.throws(() => resolveTimeZone(name), RangeError);
    });
  }
});

describe("forEachOffsetPiece", () => {
  test("given Europe/Kyiv over 2026, when split, then pieces at the two DST changes (and the new year)", () => {
    const pieces: [string, string, number][] = [];
    forEachOffsetPiece(
      resolveTimeZone("Europe/Kyiv"),
      Date.parse("2025-12-01T00:00:00Z"),
      Date.parse("2027-02-01T00:00:00Z"),
      (a, b, o) => {
        pieces.push([new Date(a).toISOString(), new Date(b).toISOString(), o / H]);
        return false;
      },
    );
    assert.deepEqual(pieces, [
      ["2025-12-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", 2],
      ["2026-01-01T00:00:00.000Z", "2026-03-29T01:00:00.000Z", 2],
      ["2026-03-29T01:00:00.000Z", "2026-10-25T01:00:00.000Z", 3],
      ["2026-10-25T01:00:00.000Z", "2027-01-01T00:00:00.000Z", 2],
      ["2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z", 2],
    ]);
  });

  test("given a visitor that stops, when split, then no further pieces", () => {
    let calls = 0;
    forEachOffsetPiece(resolveTimeZone("Europe/Kyiv"), 0, Date.parse("2030-01-01T00:00:00Z"), () => {
      calls += 1;
      return true;
    });
    assert.equal(calls, 1);
  });

  test("given the instants around the Kyiv change, when the offset is asked, then +03:00 before and +02:00 from it", () => {
    const kyiv = resolveTimeZone("Europe/Kyiv");
    assert.equal(offsetAt(kyiv, Date.parse("2026-10-25T00:59:59.999Z")), 3 * H);
    assert.equal(offsetAt(kyiv, Date.parse("2026-10-25T01:00:00Z")), 2 * H);
    assert.equal(offsetAt(resolveTimeZone("+05:00"), 0), 5 * H);
  });
});

describe("toEpochMs", () => {
  const good: [string | number, number][] = [
    ["2026-10-12T04:27:45.000Z", Date.UTC(2026, 9, 12, 4, 27, 45)],
    ["2026-10-12T04:27:45.000000Z", Date.UTC(2026, 9, 12, 4, 27, 45)],
    ["2026-10-12T04:27:45.123456Z", Date.UTC(2026, 9, 12, 4, 27, 45, 123)],
    ["2026-10-12T07:27:45+03:00", Date.UTC(2026, 9, 12, 4, 27, 45)],
    ["2026-10-12T04:27Z", Date.UTC(2026, 9, 12, 4, 27)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    [1_760_000_000_000, 1_760_000_000_000],
    ["0001-01-01T00:00:00Z", MIN_INSTANT_MS],
    ["9999-12-31T23:59:59.999Z", MAX_INSTANT_MS],
  ];
  for (const [input, ms] of good) {
    test(`given ${JSON.stringify(input)}, when read, then ${ms}`, () => {
      assert.equal(toEpochMs(input), ms);
    });
  }
  const bad: (string | number)[] = [
    "2026-10-16 07:11:09",
    "2026-10-12T04:27:45",
    "2026-02-29T00:00:00Z",
    "2026-10-12T24:00:00Z",
    "2026-10-12T04:27:45+24:00",
    "yesterday",
    1.5,
    Number.NaN,
    MAX_INSTANT_MS + 1,
  ];
  for (const input of bad) {
    test(`given ${JSON.stringify(input)}, when read, then RangeError naming the argument`, () => {
      assert.throws(
        () => toEpochMs(input, "start"),
        (e: unknown) => e instanceof RangeError && e.message.startsWith("start:"),
      );
    });
  }
});
