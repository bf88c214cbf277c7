import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ValidationError } from "../http/http.errors.js";
import {
  assertBodyDepth,
  describeValue,
  EARLIEST_EVENT_TIME_MS,
  implausibleTimeReason,
  isCrmId,
  isMessageId,
  itemsOf,
  jsonDepthExceeds,
  MAX_BODY_DEPTH,
  MAX_EVENT_TIME_AHEAD_MS,
  readCrmId,
  readCrmTimestamp,
  readEventTime,
  readOptionalCrmId,
  readOptionalEventTime,
  readOptionalUnixEventTime,
  readOptionalUserId,
  readPrice,
  readUnixEventTime,
  readUnixSeconds,
  unixSecondsToIso,
} from "./crm-values.js";

describe("readCrmId", () => {
  test("given a JSON number or a digit string, when read, then the same integer comes back", () => {
    assert.equal(readCrmId(15001, "id"), 15001);
    assert.equal(readCrmId("15001", "id"), 15001);
    assert.equal(readCrmId(1, "id"), 1);
  });

  test("given a zero, negative, fractional, signed, spaced or empty value, when read, then ValidationError names the field", () => {
    for (const bad of [
      0,
      "0",
      "00",
      -1,
      1.5,
      "-1",
      "+1",
      " 1",
      "1 ",
      "1e3",
      "0x10",
      "",
      "abc",
      Number.NaN,
      2 ** 60,
      "99999999999999999",
    ]) {
      assert.throws(
        () => readCrmId(bad, "context.id"),
        (e: unknown) => e instanceof ValidationError && e.message.includes("context.id"),
        String(bad),
      );
    }
  });

  test("given an object, array, boolean or null where an id is required, when read, then it is rejected", () => {
    for (const bad of [{}, [1], true, null]) assert.throws(() => readCrmId(bad, "id"), ValidationError);
  });

  test("given nothing, when read as optional, then null; given garbage, then still rejected", () => {
    assert.equal(readOptionalCrmId(undefined, "x"), null);
    assert.equal(readOptionalCrmId(null, "x"), null);
    assert.equal(readOptionalCrmId("", "x"), null);
    assert.throws(() => readOptionalCrmId("x1", "x"), ValidationError);
  });
});

describe("readCrmTimestamp", () => {
  test("given KeyCRM microsecond ISO, when read, then toISOString form with milliseconds", () => {
    assert.equal(readCrmTimestamp("2026-10-12T04:27:45.000000Z", "t"), "2026-10-12T04:27:45.000Z");
    assert.equal(readCrmTimestamp("2026-10-12T04:27:45.123456Z", "t"), "2026-10-12T04:27:45.123Z");
  });

  test("given the zone-less 'YYYY-MM-DD HH:MM:SS' form, when read, then it is taken as UTC", () => {
    assert.equal(readCrmTimestamp("2024-05-28 09:34:10", "t"), "2024-05-28T09:34:10.000Z");
  });

  test("given an explicit offset, when read, then it is converted to UTC", () => {
    assert.equal(readCrmTimestamp("2026-10-12T07:27:45+03:00", "t"), "2026-10-12T04:27:45.000Z");
    assert.equal(readCrmTimestamp("2026-10-12T01:00:00-0230", "t"), "2026-10-12T03:30:00.000Z");
  });

  test("given impossible dates or other shapes, when read, then ValidationError", () => {
    for (const bad of [
      "2026-02-30T00:00:00Z",
      "2026-13-01 00:00:00",
      "2026-10-12T24:00:00Z",
      "2026-10-12T10:60:00Z",
      "2026-10-12",
      "12.10.2026 10:00",
      "1969-12-31T23:59:59Z",
      "3000-01-01T00:00:00Z",
      "2026-10-12T04:27:45+15:00",
      1792494035,
      "",
    ]) {
      assert.throws(() => readCrmTimestamp(bad, "context.status_changed_at"), ValidationError, String(bad));
    }
  });

  test("given 29 February, when the year is leap, then accepted, else rejected", () => {
    assert.equal(readCrmTimestamp("2028-02-29 12:00:00", "t"), "2028-02-29T12:00:00.000Z");
    assert.throws(() => readCrmTimestamp("2027-02-29 12:00:00", "t"), ValidationError);
  });

  test("given any field values in a UTC form, when read, then accepted exactly when Date agrees, with Date's ISO text", () => {
    const pad = (n: number, w: number) => String(n).padStart(w, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 1960, max: 3010 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.stringMatching(/^(|\.\d{1,9})$/),
        fc.constantFrom("T", " "),
        fc.constantFrom("", "Z"),
        (y, mo, d, h, mi, s, frac, sep, zone) => {
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}${zone}`;
          const ms = Number((frac.slice(1) || "0").slice(0, 3).padEnd(3, "0"));
          const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
          const valid =
            y >= 1970 &&
            y <= 2999 &&
            date.getUTCFullYear() === y &&
            date.getUTCMonth() === mo - 1 &&
            date.getUTCDate() === d &&
            date.getUTCHours() === h &&
            date.getUTCMinutes() === mi &&
            date.getUTCSeconds() === s;
          if (valid) assert.equal(readCrmTimestamp(text, "t"), date.toISOString(), text);
          else assert.throws(() => readCrmTimestamp(text, "t"), ValidationError, text);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("unix seconds and prices", () => {
  test("given amoCRM unix seconds as a string, when read, then whole seconds and the ISO instant", () => {
    const s = readUnixSeconds("1615985846", "last_modified");
    assert.equal(s, 1615985846);
    assert.equal(unixSecondsToIso(s), "2021-03-17T12:57:26.000Z");
  });

  test("given milliseconds-looking, negative or text values, when read as unix seconds, then rejected", () => {
    for (const bad of ["-5", "17924940350000", "1.5", "soon", {}]) {
      assert.throws(() => readUnixSeconds(bad, "last_modified"), ValidationError, String(bad));
    }
  });

  test("given price '' or '0' or '22500', when read, then null, 0 and 22500", () => {
    assert.equal(readPrice("", "price"), null);
    assert.equal(readPrice("0", "price"), 0);
    assert.equal(readPrice("22500", "price"), 22500);
    assert.equal(readPrice("90.00", "price"), 90);
    assert.throws(() => readPrice("12 000", "price"), ValidationError);
  });
});

describe("itemsOf", () => {
  test("given an array or an object keyed by index or id, when listed, then items in numeric key order", () => {
    assert.deepEqual(itemsOf(["a", "b"], "x"), ["a", "b"]);
    assert.deepEqual(itemsOf({ "10": "b", "9": "a" }, "x"), ["a", "b"]);
  });

  test("given a bare string, when listed, then ValidationError", () => {
    assert.throws(() => itemsOf("1", "leads[add]"), ValidationError);
  });
});

describe("plausibility rules", () => {
  const RECEIPT = new Date("2026-11-01T16:40:07.900Z");

  test("given entity ids, when checked, then only positive safe integers are ids", () => {
    const table: [unknown, boolean][] = [
      [1, true],
      [15001, true],
      [Number.MAX_SAFE_INTEGER, true],
      [0, false],
      [-1, false],
      [1.5, false],
      ["1", false],
      [Number.MAX_SAFE_INTEGER + 1, false],
      [null, false],
    ];
    for (const [value, ok] of table) assert.equal(isCrmId(value), ok, String(value));
  });

  test("given user ids, when read, then 0 (a robot) is kept and negatives rejected", () => {
    assert.equal(readOptionalUserId("0", "modified_user_id"), 0);
    assert.equal(readOptionalUserId(4, "manager_id"), 4);
    assert.equal(readOptionalUserId(null, "manager_id"), null);
    assert.throws(() => readOptionalUserId("-1", "modified_user_id"), /non-negative integer user id/);
  });

  test("given times around the window, when checked, then [2000-01-01, receipt + 1 day] is accepted, both ends inclusive", () => {
    const table: [string, number, string | null][] = [
      ["2000-01-01 exactly", Date.UTC(2000, 0, 1), null],
      [
        "1 ms before 2000",
        Date.UTC(2000, 0, 1) - 1,
        "1999-12-31T23:59:59.999Z is before 2000-01-01T00:00:00Z",
      ],
      ["1970", 0, "1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z"],
      ["the receipt time", RECEIPT.getTime(), null],
      ["receipt + 1 day exactly", RECEIPT.getTime() + 86_400_000, null],
      [
        "receipt + 1 day + 1 ms",
        RECEIPT.getTime() + 86_400_001,
        "2026-11-02T16:40:07.901Z is more than 1 day after the receipt time 2026-11-01T16:40:07.900Z",
      ],
      ["2100", Date.UTC(2100, 0, 1), "2100-01-01T00:00:00.000Z is more than 1 day after the receipt time"],
      ["NaN", Number.NaN, "is not a time"],
      [
        "2^60 s (beyond Date)",
        2 ** 60 * 1000,
        "1.152921504606847e+21 ms after 1970 is more than 1 day after",
      ],
    ];
    for (const [what, ms, reason] of table) {
      const got = implausibleTimeReason(ms, RECEIPT);
      if (reason === null) assert.equal(got, null, what);
      else assert.ok(got?.startsWith(reason), `${what}: ${got}`);
    }
    assert.equal(MAX_EVENT_TIME_AHEAD_MS, 86_400_000);
    assert.equal(new Date(EARLIEST_EVENT_TIME_MS).toISOString(), "2000-01-01T00:00:00.000Z");
  });

  test("given event times, when read, then absent gives null, empty is malformed and the window applies", () => {
    assert.equal(readOptionalEventTime(undefined, "t", RECEIPT), null);
    assert.equal(readOptionalEventTime(null, "t", RECEIPT), null);
    assert.throws(() => readOptionalEventTime("", "context.status_changed_at", RECEIPT), /present but empty/);
    assert.throws(() => readEventTime(undefined, "t", RECEIPT), /t is required/);
    assert.equal(readEventTime("2026-11-01 10:00:00", "t", RECEIPT), "2026-11-01T10:00:00.000Z");
    assert.throws(() => readEventTime("1970-01-01T00:00:00Z", "t", RECEIPT), /t is implausible: 1970/);
    assert.equal(readOptionalUnixEventTime(undefined, "updated_at", RECEIPT), null);
    assert.throws(
      () => readOptionalUnixEventTime("", "updated_at", RECEIPT),
      /updated_at is present but empty/,
    );
    assert.throws(() => readUnixEventTime("", "messageTimestamp", RECEIPT), /present but empty/);
    assert.equal(readUnixEventTime("1793551207", "updated_at", RECEIPT), 1793551207);
    assert.throws(
      () => readUnixEventTime("4102444800", "updated_at", RECEIPT),
      /updated_at is implausible: 2100/,
    );
  });

  test("given values with control characters, when described in a reason, then they are escaped and cut", () => {
    assert.equal(describeValue("a\u0000b"), '"a\\u0000b"');
    assert.equal(describeValue("x".repeat(50)), `"${"x".repeat(40)}…"`);
    assert.equal(describeValue(0), "0");
  });

  test("given message ids, when checked, then 1–200 printable ASCII characters only", () => {
    assert.equal(isMessageId("3EB0C767D26A1D853909"), true);
    for (const bad of ["", "a b", "a\u0000", "x".repeat(201), 5, null]) assert.equal(isMessageId(bad), false);
  });
});

describe("nesting depth", () => {
  const nested = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
    return v;
  };

  test("given bodies of 64 and 65 levels, when measured, then only the deeper exceeds the limit", () => {
    assert.equal(MAX_BODY_DEPTH, 64);
    assert.equal(jsonDepthExceeds(nested(64)), false);
    assert.equal(jsonDepthExceeds(nested(65)), true);
    assert.equal(jsonDepthExceeds("scalar"), false);
    assert.equal(jsonDepthExceeds({ a: [1, { b: null }] }, 3), false);
    assert.equal(jsonDepthExceeds({ a: [1, { b: {} }] }, 3), true);
  });

  test("given a body nested 100 000 levels (JSON.stringify overflows the stack), when checked, then ValidationError without a stack overflow", () => {
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`) as unknown;
    assert.throws(() => JSON.stringify(deep), RangeError);
    assert.throws(() => assertBodyDepth(deep), /body nests deeper than 64 levels/);
  });

  test("given a wide shallow body, when checked, then it passes", () => {
    assert.doesNotThrow(() => assertBodyDepth({ items: Array.from({ length: 50_000 }, (_, i) => ({ i })) }));
  });
});
