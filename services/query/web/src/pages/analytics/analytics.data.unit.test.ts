import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addDays,
  type BucketLike,
  chartRows,
  cycleSeries,
  type GroupLike,
  groupSeries,
  urgencyRows,
} from "./analytics.data.js";

function group(id: number | null, name: string | null, mean: number, orders: number): GroupLike {
  return {
    group_id: id,
    group_name: name,
    orders_visited: orders,
    intervals: orders,
    total_seconds: mean * orders,
    mean_seconds: mean,
    median_seconds: mean / 2,
    p90_seconds: mean * 2,
  };
}

function bucket(day: string, groups: GroupLike[], cycles: BucketLike["cycles"] = []): BucketLike {
  return {
    bucket: day,
    groups,
    cycles,
    totals: { orders: 0, intervals: 0, total_seconds: 0, open_intervals: 0 },
  };
}

test("given buckets where a group has no measured interval, when its series is built, then that bucket is a gap (null), not a zero", () => {
  const buckets = [
    bucket("2026-10-12", [group(1, "new", 3600, 4), group(2, "in progress", 7200, 2)]),
    bucket("2026-10-19", [group(1, "new", 1800, 3), group(2, "in progress", 0, 0)]),
  ];
  const series = groupSeries(
    buckets,
    [group(2, "in progress", 7200, 2), group(1, "new", 3000, 7)],
    "mean_seconds",
    "?",
  );
  assert.deepEqual(
    series.map((s) => s.key),
    ["2", "1"],
    "the whole period's group order comes first",
  );
  assert.deepEqual(series[0]?.points, [
    { bucket: "2026-10-12", value: 7200, count: 2 },
    { bucket: "2026-10-19", value: null, count: 0 },
  ]);
  assert.deepEqual(
    series[1]?.points.map((p) => p.value),
    [3600, 1800],
  );
});

test("given a group only a bucket names and the unknown group, when series are built, then both appear with their labels", () => {
  const buckets = [bucket("2026-10-12", [group(null, null, 60, 1), group(9, null, 120, 1)])];
  const series = groupSeries(buckets, [], "p90_seconds", "Unknown");
  assert.deepEqual(
    series.map((s) => [s.key, s.label, s.points[0]?.value]),
    [
      ["unknown", "Unknown", 120],
      ["9", "#9", 240],
    ],
  );
});

test("given series with a gap, when they become chart rows, then the gap's key is left out of its row", () => {
  const rows = chartRows([
    {
      key: "1",
      label: "new",
      points: [
        { bucket: "a", value: 5, count: 1 },
        { bucket: "b", value: null, count: 0 },
      ],
    },
    {
      key: "2",
      label: "done",
      points: [
        { bucket: "a", value: null, count: 0 },
        { bucket: "b", value: 7, count: 2 },
      ],
    },
  ]);
  assert.deepEqual(rows, [
    { bucket: "a", "1": 5 },
    { bucket: "b", "2": 7 },
  ]);
});

test("given cycles of two rules in some buckets, when cycle series are built, then each rule has a value only where cycles ended", () => {
  const c = (rule: string, n: number, mean: number) => ({
    rule_name: rule,
    cycles: n,
    total_seconds: n * mean,
    mean_seconds: mean,
    median_seconds: mean,
    p90_seconds: mean,
  });
  const series = cycleSeries(
    [
      bucket("w1", [], [c("to delivery", 2, 100)]),
      bucket("w2", [], [c("full cycle", 1, 50), c("to delivery", 0, 0)]),
    ],
    "mean_seconds",
  );
  assert.deepEqual(
    series.map((s) => [s.key, s.points.map((p) => p.value)]),
    [
      ["full cycle", [null, 50]],
      ["to delivery", [100, null]],
    ],
  );
});

test("given normal and urgent period groups, when compared, then every group of either side has one row with both statistics", () => {
  const rows = urgencyRows(
    [group(1, "new", 10, 5), group(2, "done", 20, 1)],
    [group(2, "done", 5, 3), group(3, "extra", 1, 1)],
    "?",
  );
  assert.deepEqual(
    rows.map((r) => [r.key, r.normal?.mean_seconds ?? null, r.urgent?.mean_seconds ?? null]),
    [
      ["1", 10, null],
      ["2", 20, 5],
      ["3", null, 1],
    ],
  );
});

test("given a date at a month's end, when days are added or taken, then the calendar rolls over", () => {
  assert.equal(addDays("2026-10-31", 1), "2026-11-01");
  assert.equal(addDays("2026-03-01", -1), "2026-02-28");
  assert.equal(addDays("2026-11-06", -29), "2026-10-08");
});
