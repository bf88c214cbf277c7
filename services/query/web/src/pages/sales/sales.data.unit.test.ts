import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chartRows, readSalesQuery, salesParams, teamKey } from "./sales.data.js";

describe("sales page data", () => {
  test("given per-team buckets, when made chart rows, then every team has a value in every bucket (0 when absent)", () => {
    const rows = chartRows(
      [
        { bucket: "2026-10-01", teams: [{ team: "Traf4", count: 2, revenue: 10000, mean_check: 5000 }] },
        { bucket: "2026-11-01", teams: [{ team: null, count: 1, revenue: 490000, mean_check: 490000 }] },
      ],
      ["Traf4", null],
      "revenue",
    );
    assert.deepEqual(rows, [
      { bucket: "2026-10-01", [teamKey("Traf4")]: 10000, [teamKey(null)]: 0 },
      { bucket: "2026-11-01", [teamKey("Traf4")]: 0, [teamKey(null)]: 490000 },
    ]);
  });

  test("given a URL with malformed values, when read, then they fall back to the defaults and round-trip without them", () => {
    const q = readSalesQuery(
      new URLSearchParams("from=bad&to=2026-11-06&granularity=year&pipeline=x1&manager=11840231&page=0"),
      "2026-12-01",
    );
    assert.deepEqual(q, {
      from: "2026-10-08",
      to: "2026-11-06",
      granularity: "day",
      team: "",
      pipeline: "",
      manager: "11840231",
      confidence: "",
      page: 1,
    });
    assert.deepEqual(salesParams(q), { from: "2026-10-08", to: "2026-11-06", manager: "11840231" });
  });
});
