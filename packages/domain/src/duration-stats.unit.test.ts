import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { histogramPercentile } from "./duration-histogram.js";
import {
  addCells,
  type Cells,
  DurationStatsAccumulator,
  isEmptyCell,
  NO_ID,
  type OrderStatsInput,
  orderContribution,
  orderKpiContribution,
  ZoneBuckets,
} from "./duration-stats.js";

const KYIV = ZoneBuckets.of("Europe/Kyiv");

/** An order in Europe/Kyiv (UTC+3 in October 2026): two visits to group 1 on the 12th, one to group 2, open in 3. */
const ORDER: OrderStatsInput = {
  intervals: [
    // 00:30–01:30 local on the 12th (still the 11th in UTC).
    iv(10, 1, "2026-10-11T21:30:00.000Z", "2026-10-11T22:30:00.000Z", 600),
    iv(20, 2, "2026-10-11T22:30:00.000Z", "2026-10-12T08:00:00.000Z", 1800),
    iv(11, 1, "2026-10-12T08:00:00.000Z", "2026-10-12T09:00:00.000Z", null),
    iv(30, 3, "2026-10-12T09:00:00.000Z", null, null),
  ],
  groups: [
    // Over the limit at 08:30Z on the 12th: over at the day's end.
    {
      group_id: 1,
      limit_seconds: 900,
      near_at: "2026-10-12T08:00:00.000Z",
      over_at: "2026-10-12T08:30:00.000Z",
    },
    { group_id: 2, limit_seconds: 36_000, near_at: null, over_at: null },
  ],
  cycles: [
    {
      rule_name: "full",
      ended_at: "2026-10-12T21:30:00.000Z",
      wall_seconds: 86_400,
      working_seconds: 28_800,
      is_open: false,
    },
    { rule_name: "open", ended_at: null, wall_seconds: null, working_seconds: null, is_open: true },
  ],
  isUrgent: false,
};

function iv(
  status_id: number,
  status_group_id: number | null,
  started_at: string,
  ended_at: string | null,
  working_seconds: number | null,
) {
  return {
    status_id,
    status_group_id,
    started_at,
    ended_at,
    duration_seconds: ended_at === null ? null : (Date.parse(ended_at) - Date.parse(started_at)) / 1000,
    working_seconds,
    is_urgent: false,
  };
}

function cellOf(cells: Cells, text: string) {
  const c = cells.get(text);
  assert.ok(c, `cell ${text} present among ${[...cells.keys()].join(", ")}`);
  return c.cell;
}

describe("orderContribution", () => {
  const cells = orderContribution(ORDER, KYIV);

  test("given visits on the local 12th, when bucketed by day, then group 1 holds the order's sum of its measured visits", () => {
    const g1 = cellOf(cells, `day|2026-10-12|group|1|${NO_ID}||0|working`);
    assert.deepEqual(
      [g1.orders, g1.intervals, g1.totalMs],
      [1, 1, 600_000],
      "the unmeasured visit is left out",
    );
    const wall = cellOf(cells, `day|2026-10-12|group|1|${NO_ID}||0|wall`);
    assert.deepEqual([wall.orders, wall.intervals, wall.totalMs], [1, 2, 7_200_000]);
    assert.ok(Math.abs(histogramPercentile(wall.histogram, 0.5)! - 7_200_000) <= 72_000);
  });

  test("given group 1 over its limit before the local day ends, when judged at the bucket's end, then it counts as over", () => {
    const g1 = cellOf(cells, `day|2026-10-12|group|1|${NO_ID}||0|working`);
    assert.deepEqual([g1.slaJudged, g1.slaOk, g1.slaNear, g1.slaOver], [1, 0, 0, 1]);
    const g2 = cellOf(cells, `day|2026-10-12|group|2|${NO_ID}||0|working`);
    assert.deepEqual([g2.slaJudged, g2.slaOk], [1, 1]);
  });

  test("given the totals of the day, when counted, then open and unmeasured intervals are apart and the order counts once", () => {
    const t = cellOf(cells, `day|2026-10-12|total|${NO_ID}|${NO_ID}||0|working`);
    assert.deepEqual(
      [t.orders, t.intervals, t.totalMs, t.openIntervals, t.unmeasuredIntervals],
      [1, 2, 2_400_000, 1, 1],
    );
  });

  test("given a closed cycle ending at 00:30 local on the 13th, when bucketed, then it counts on the 13th; the open one nowhere", () => {
    const c = cellOf(cells, `day|2026-10-13|cycle|${NO_ID}|${NO_ID}|full|0|working`);
    assert.deepEqual([c.orders, c.totalMs], [1, 28_800_000]);
    assert.equal(
      [...cells.keys()].some((k) => k.includes("|open|")),
      false,
    );
  });

  test("given the same order, when bucketed by week, month and year, then each holds it once", () => {
    for (const k of ["week|2026-10-12", "month|2026-10-01", "year|2026-01-01"]) {
      assert.equal(cellOf(cells, `${k}|group|1|${NO_ID}||0|wall`).orders, 1, k);
    }
  });

  test("given a contribution, when added and subtracted again, then every cell is empty", () => {
    const sum: Cells = new Map();
    addCells(sum, cells, 1);
    addCells(sum, orderContribution(ORDER, KYIV), -1);
    assert.equal(
      [...sum.values()].every(({ cell }) => isEmptyCell(cell)),
      true,
    );
  });
});

describe("orderKpiContribution", () => {
  test("given the order, when its KPI counters are taken, then it visited groups 1–3, is now in 3 and its open interval carries its start", () => {
    const kpi = orderKpiContribution(ORDER);
    assert.deepEqual(kpi.get(1), {
      ordersNow: 0,
      ordersVisited: 1,
      closedMs: 7_200_000,
      openIntervals: 0,
      openStartedMs: 0,
    });
    assert.deepEqual(kpi.get(3), {
      ordersNow: 1,
      ordersVisited: 1,
      closedMs: 0,
      openIntervals: 1,
      openStartedMs: Date.parse("2026-10-12T09:00:00.000Z"),
    });
  });
});

describe("DurationStatsAccumulator", () => {
  test("given two orders, when accumulated, then the rows add them and write their histogram as stable JSON", () => {
    const acc = new DurationStatsAccumulator();
    acc.add("p", "Europe/Kyiv", ORDER);
    acc.add("p", "Europe/Kyiv", { ...ORDER, isUrgent: false });
    const row = [...acc.rows()].find(
      (r) =>
        r.granularity === "day" &&
        r.bucket === "2026-10-12" &&
        r.dimension === "group" &&
        r.group_id === 1 &&
        r.basis === "wall",
    );
    assert.ok(row);
    assert.deepEqual([row.orders, row.intervals, row.total_ms, row.sla_over], [2, 4, 14_400_000, 2]);
    assert.deepEqual(Object.values(JSON.parse(row.histogram)), [2]);
    const kpi = [...acc.kpiRows()].find((r) => r.group_id === 3);
    assert.deepEqual([kpi?.orders_now, kpi?.open_intervals], [2, 2]);
  });
});
