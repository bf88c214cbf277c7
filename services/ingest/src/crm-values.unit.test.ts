import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  itemsOf,
  readCrmId,
  readCrmTimestamp,
  readOptionalCrmId,
  readPrice,
  readUnixSeconds,
  unixSecondsToIso,
} from "./crm-values.js";
import { ValidationError } from "./http.errors.js";

describe("readCrmId", () => {
  test("given a JSON number or a digit string, when read, then the same integer comes back", () => {
    assert.equal(readCrmId(15001, "id"), 15001);
    assert.equal(readCrmId("15001", "id"), 15001);
    assert.equal(readCrmId("0", "id"), 0);
  });

  test("given a negative, fractional, signed, spaced or empty value, when read, then ValidationError names the field", () => {
    for (const bad of [
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
