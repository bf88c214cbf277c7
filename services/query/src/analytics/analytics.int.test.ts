import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedOwnerToken } from "../testing/accounts.fixtures.js";
import {
  insertGroups,
  insertOrders,
  insertProject,
  insertStatuses,
  rebuildDurationStats,
} from "../testing/fixtures.js";
import type { DurationsBlock, StatusDurationsResponse } from "./analytics.schemas.js";

const TOKEN = "test-admin-token-0123456789";
const NOW = "2026-11-02T12:00:00.000Z";

let env: TestEnv;
let app: QueryApp;

async function durations(query: string): Promise<StatusDurationsResponse> {
  const res = await app.inject({
    url: `/api/analytics/status-durations?project=kyiv&${query}`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as StatusDurationsResponse;
}
const bucket = (r: StatusDurationsResponse, day: string): DurationsBlock => {
  const b = r.buckets.find((x) => x.bucket === day);
  assert.ok(b, `bucket ${day} missing`);
  return b;
};
/**
 * Asserts statistics `[…exact, median, p90]`: every value but the last two exactly, the median and
 * p90 within the relative error the answer states for histogram percentiles (1 %).
 */
function assertStats(actual: readonly unknown[] | null, expected: readonly unknown[]): void {
  assert.ok(actual, "statistics present");
  const n = expected.length;
  assert.deepEqual(actual.slice(0, n - 2), expected.slice(0, n - 2));
  for (const i of [n - 2, n - 1]) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    assert.ok(Math.abs(a - e) <= 0.01 * Math.abs(e), `value ${i}: ${a} is not within 1 % of ${e}`);
  }
}

/** `[orders_visited, intervals, total, mean, median, p90]` of a group. */
const groupStats = (b: DurationsBlock, groupId: number) => {
  const g = b.groups.find((x) => x.group_id === groupId);
  return g
    ? [g.orders_visited, g.intervals, g.total_seconds, g.mean_seconds, g.median_seconds, g.p90_seconds]
    : null;
};

interface Seed {
  order: number;
  seq: number;
  status: number;
  group: number;
  start: string;
  end: string | null;
  working: number | null;
  urgent?: boolean;
}

before(async () => {
  env = await createTestEnv("qanalytics");
  await seedOwnerToken(env.db, TOKEN);
  const config = QueryConfig.parse(env.env);
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
  });
  const db = env.db;
  await insertProject(db, "kyiv");
  // Europe/Kyiv: +03:00 (EEST) until 2026-10-25 01:00Z, then +02:00 (EET).
  await db
    .updateTable("rm.projects")
    .set({ time_zone: "Europe/Kyiv" })
    .where("project_id", "=", "kyiv")
    .execute();
  await insertGroups(db, "kyiv", [
    [1, "New"],
    [2, "Production"],
  ]);
  await insertStatuses(db, "kyiv", [
    [1, 10, "Нове"],
    [1, 11, "Checked"],
    [2, 20, "In production"],
  ]);
  await insertOrders(
    db,
    "kyiv",
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((order_id) => ({
      order_id,
      last_status_id: 10,
      last_status_group_id: 1,
    })),
  );
  await db
    .updateTable("rm.orders_current")
    .set({ is_urgent: true })
    .where("project_id", "=", "kyiv")
    .where("order_id", "=", 6)
    .execute();
  const seeds: Seed[] = [
    // Local day 2026-10-12 is [2026-10-11T21:00Z, 2026-10-12T21:00Z).
    // 00:30 local on the 12th, though still the 11th in UTC.
    {
      order: 1,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-11T21:30:00Z",
      end: "2026-10-11T22:30:00Z",
      working: 600,
    },
    {
      order: 1,
      seq: 2,
      status: 11,
      group: 1,
      start: "2026-10-12T08:00:00Z",
      end: "2026-10-12T09:00:00Z",
      working: 1800,
    },
    // 23:59:59 local: still the 12th.
    {
      order: 2,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-12T20:59:59Z",
      end: "2026-10-12T21:59:59Z",
      working: 1200,
    },
    // 00:00 local on the 13th, though still the 12th in UTC.
    {
      order: 3,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-12T21:00:00Z",
      end: "2026-10-12T23:00:00Z",
      working: 3000,
    },
    {
      order: 4,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-12T10:00:00Z",
      end: "2026-10-12T12:00:00Z",
      working: 4200,
    },
    // Open: counted, not measured.
    { order: 5, seq: 1, status: 10, group: 1, start: "2026-10-12T11:00:00Z", end: null, working: null },
    // Urgent; 30 min wall-clock, 15 min of work.
    {
      order: 6,
      seq: 1,
      status: 20,
      group: 2,
      start: "2026-10-12T09:00:00Z",
      end: "2026-10-12T09:30:00Z",
      working: 900,
      urgent: true,
    },
    // Closed without a stored working time: unmeasured on the working basis, 1 h wall-clock.
    {
      order: 7,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-13T08:00:00Z",
      end: "2026-10-13T09:00:00Z",
      working: null,
    },
    // Around the DST change: Sunday 25th 23:30 EET, and Monday 26th 00:00 EET.
    {
      order: 8,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-25T21:30:00Z",
      end: "2026-10-25T22:00:00Z",
      working: 100,
    },
    {
      order: 9,
      seq: 1,
      status: 10,
      group: 1,
      start: "2026-10-25T22:00:00Z",
      end: "2026-10-25T23:00:00Z",
      working: 200,
    },
  ];
  await db
    .insertInto("rm.order_status_intervals")
    .values(
      seeds.map((s) => ({
        project_id: "kyiv",
        order_id: s.order,
        seq: s.seq,
        status_id: s.status,
        status_group_id: s.group,
        started_at: s.start,
        ended_at: s.end,
        duration_seconds: s.end === null ? null : (Date.parse(s.end) - Date.parse(s.start)) / 1000,
        working_seconds: s.working,
        is_urgent: s.urgent ?? false,
      })),
    )
    .execute();
  // SLA of the orders in group 1 (their total working time there, as the projector stores it):
  // 1 went over on the 12th; 2 turns near after the 12th ends (local); 3 stays ok; 4 has no SLA.
  const groupSla = (
    order_id: number,
    limit: number | null,
    near_at: string | null,
    over_at: string | null,
  ) => ({
    project_id: "kyiv",
    order_id,
    group_id: 1,
    visits: 1,
    first_entered_at: "2026-10-11T21:30:00Z",
    working_seconds_closed: 0,
    running_since: null,
    is_urgent: false,
    sla_profile: "normal",
    limit_seconds: limit,
    near_at,
    over_at,
    state_if_closed: null,
  });
  await db
    .insertInto("rm.order_group_sla")
    .values([
      groupSla(1, 2000, "2026-10-12T08:20:00Z", "2026-10-12T08:30:00.001Z"),
      groupSla(2, 1500, "2026-10-12T21:30:00Z", null),
      groupSla(3, 36_000, null, null),
      groupSla(4, null, null, null),
    ])
    .execute();
  const cycle = (order_id: number, ended_at: string | null, working: number | null, wall: number | null) => ({
    project_id: "kyiv",
    order_id,
    rule_name: "full cycle",
    started_at: "2026-10-10T08:00:00Z",
    ended_at,
    working_seconds: working,
    wall_seconds: wall,
    is_open: ended_at === null,
  });
  await db
    .insertInto("rm.order_cycle_metrics")
    .values([
      cycle(1, "2026-10-12T15:00:00Z", 10000, 20000),
      cycle(2, "2026-10-12T16:00:00Z", 20000, 30000),
      cycle(3, null, null, null),
      // 01:00 local on the 13th.
      cycle(4, "2026-10-12T22:00:00Z", 5000, 6000),
    ])
    .execute();
  // The projector keeps the aggregates the analytics read; seeded rows need them derived too.
  await rebuildDurationStats(db, "kyiv");
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/analytics/status-durations", () => {
  test("given intervals around local midnight in Europe/Kyiv, when bucketed by day, then each counts on its local start day", async () => {
    const r = await durations("from=2026-10-12&to=2026-10-13&granularity=day");
    assert.equal(r.time_zone, "Europe/Kyiv");
    assert.deepEqual(
      r.buckets.map((b) => [b.bucket, b.start, b.end]),
      [
        ["2026-10-12", "2026-10-11T21:00:00.000Z", "2026-10-12T21:00:00.000Z"],
        ["2026-10-13", "2026-10-12T21:00:00.000Z", "2026-10-13T21:00:00.000Z"],
      ],
    );
    assert.deepEqual([r.range_start, r.range_end], ["2026-10-11T21:00:00.000Z", "2026-10-13T21:00:00.000Z"]);
    // Group 1 on the 12th: per-order sums 2400 (600 + 1800), 1200, 4200 → p90 = 2400 + 0.8 × 1800.
    assertStats(groupStats(bucket(r, "2026-10-12"), 1), [3, 4, 7800, 2600, 2400, 3840]);
    assertStats(groupStats(bucket(r, "2026-10-13"), 1), [1, 1, 3000, 3000, 3000, 3000]);
    assert.equal(bucket(r, "2026-10-12").groups.find((g) => g.group_id === 1)?.group_name, "New");
  });

  test("given the orders' group SLA, when bucketed, then each group counts ok/near/over as of the bucket's end", async () => {
    const r = await durations("from=2026-10-12&to=2026-10-13");
    const sla = (b: DurationsBlock) => b.groups.find((g) => g.group_id === 1)?.sla;
    // The 12th (ends 21:00Z): 1 over, 2 still ok; 4 has no SLA.
    assert.deepEqual(sla(bucket(r, "2026-10-12")), {
      judged: 2,
      ok: 1,
      near: 0,
      over: 1,
      ok_percent: 50,
      near_percent: 0,
      over_percent: 50,
    });
    // The whole range ends on the 13th: 2 is near by then; 3 counts too.
    const period = sla(r.period);
    assert.deepEqual([period?.judged, period?.ok, period?.near, period?.over], [3, 1, 1, 1]);
    assert.equal(period?.over_percent, 33.3);
    // Group 2 has no SLA rows: nothing judged.
    assert.deepEqual(bucket(r, "2026-10-12").groups.find((g) => g.group_id === 2)?.sla.judged, 0);
    assert.equal(bucket(r, "2026-10-12").groups.find((g) => g.group_id === 2)?.sla.ok_percent, null);
  });

  test("given two statuses in a group, when bucketed, then each status has its own statistics and names", async () => {
    const day = bucket(await durations("from=2026-10-12&to=2026-10-12"), "2026-10-12");
    const s10 = day.statuses.find((s) => s.status_id === 10);
    // Orders 1 (600), 2 (1200), 4 (4200): median 1200, p90 = 1200 + 0.8 × 3000.
    assertStats(
      [
        s10?.status_name,
        s10?.orders_visited,
        s10?.total_seconds,
        s10?.mean_seconds,
        s10?.median_seconds,
        s10?.p90_seconds,
      ],
      ["Нове", 3, 6000, 2000, 1200, 3600],
    );
    const s11 = day.statuses.find((s) => s.status_id === 11);
    assert.deepEqual([s11?.group_id, s11?.orders_visited, s11?.total_seconds], [1, 1, 1800]);
    assert.deepEqual(
      day.statuses.map((s) => [s.group_id, s.status_id]),
      [
        [1, 10],
        [1, 11],
        [2, 20],
      ],
    );
  });

  test("given the totals, when read, then the total time of all orders in the day and its denominators are stated, open intervals apart", async () => {
    const r = await durations("from=2026-10-12&to=2026-10-13");
    assert.deepEqual(bucket(r, "2026-10-12").totals, {
      orders: 4,
      intervals: 5,
      total_seconds: 8700,
      open_intervals: 1,
      unmeasured_intervals: 0,
    });
    assert.deepEqual(bucket(r, "2026-10-13").totals, {
      orders: 1,
      intervals: 1,
      total_seconds: 3000,
      open_intervals: 0,
      unmeasured_intervals: 1,
    });
    // The whole range is one more bucket: percentiles over its own per-order sums.
    // Group 1: 1200, 2400, 3000, 4200 → median 2700, p90 = 3000 + 0.7 × 1200.
    assertStats(groupStats(r.period, 1), [4, 5, 10800, 2700, 2700, 3840]);
    assert.equal(r.period.totals.total_seconds, 11700);
  });

  test("given basis=wall, when read, then durations are ended_at − started_at and the interval without working time counts", async () => {
    const r = await durations("from=2026-10-12&to=2026-10-13&basis=wall");
    assertStats(groupStats(bucket(r, "2026-10-12"), 2), [1, 1, 1800, 1800, 1800, 1800]);
    assertStats(groupStats(bucket(r, "2026-10-13"), 1), [2, 2, 10800, 5400, 5400, 6840]);
    assert.equal(bucket(r, "2026-10-13").totals.unmeasured_intervals, 0);
  });

  test("given urgency filters, when read, then only urgent or only normal intervals count", async () => {
    const urgent = bucket(await durations("from=2026-10-12&to=2026-10-12&urgency=urgent"), "2026-10-12");
    assert.deepEqual(
      urgent.groups.map((g) => g.group_id),
      [2],
    );
    assert.equal(urgent.totals.total_seconds, 900);
    const normal = bucket(await durations("from=2026-10-12&to=2026-10-12&urgency=normal"), "2026-10-12");
    assert.deepEqual(
      normal.groups.map((g) => g.group_id),
      [1],
    );
    assert.equal(normal.totals.total_seconds, 7800);
  });

  test("given cycle metrics, when read, then closed cycles count on their local end day with mean, median and p90", async () => {
    const r = await durations("from=2026-10-12&to=2026-10-13");
    const cycles = bucket(r, "2026-10-12").cycles;
    assert.equal(cycles.length, 1);
    const c = cycles[0]!;
    assertStats(
      [c.rule_name, c.cycles, c.total_seconds, c.mean_seconds, c.median_seconds, c.p90_seconds],
      ["full cycle", 2, 30000, 15000, 15000, 19000],
    );
    assert.deepEqual(r.buckets[0]?.percentiles, { method: "histogram", max_relative_error: 0.01 });
    assert.equal(r.coverage.as_of, NOW);
    assert.equal(
      r.coverage.blocks_from_intervals,
      1,
      "only the period (two days) is computed from the intervals",
    );
    assert.equal(r.coverage.blocks_from_aggregates, 2);
    assert.deepEqual(r.period.percentiles, { method: "exact", max_relative_error: 0 });
    assert.deepEqual(
      bucket(r, "2026-10-13").cycles.map((c) => [c.cycles, c.total_seconds]),
      [[1, 5000]],
    );
    const wall = await durations("from=2026-10-12&to=2026-10-12&basis=wall");
    assert.equal(bucket(wall, "2026-10-12").cycles[0]?.total_seconds, 50000);
  });

  test("given weeks across the DST change, when bucketed by week, then weeks start on Monday 00:00 local and the Sunday-night interval stays in the old week", async () => {
    const r = await durations("from=2026-10-19&to=2026-11-01&granularity=week");
    assert.deepEqual(
      r.buckets.map((b) => [b.bucket, b.start, b.end]),
      [
        ["2026-10-19", "2026-10-18T21:00:00.000Z", "2026-10-25T22:00:00.000Z"],
        ["2026-10-26", "2026-10-25T22:00:00.000Z", "2026-11-01T22:00:00.000Z"],
      ],
    );
    assertStats(groupStats(bucket(r, "2026-10-19"), 1), [1, 1, 100, 100, 100, 100]);
    assertStats(groupStats(bucket(r, "2026-10-26"), 1), [1, 1, 200, 200, 200, 200]);
  });

  test("given month granularity, when read, then the bucket starts on the 1st local and empty days are still buckets", async () => {
    const month = await durations("from=2026-10-12&to=2026-10-31&granularity=month");
    assert.deepEqual(
      month.buckets.map((b) => [b.bucket, b.start, b.end]),
      [["2026-10-01", "2026-09-30T21:00:00.000Z", "2026-10-31T22:00:00.000Z"]],
    );
    assert.equal(month.buckets[0]?.totals.total_seconds, 12000);
    const days = await durations("from=2026-10-14&to=2026-10-16");
    assert.deepEqual(
      days.buckets.map((b) => [b.bucket, b.totals.intervals, b.groups.length]),
      [
        ["2026-10-14", 0, 0],
        ["2026-10-15", 0, 0],
        ["2026-10-16", 0, 0],
      ],
    );
  });

  test("given a project on a fixed offset (+05:00), when bucketed, then the offset counts east of UTC (not as a POSIX zone)", async () => {
    await insertProject(env.db, "almaty");
    await env.db
      .updateTable("rm.projects")
      .set({ time_zone: "+05:00" })
      .where("project_id", "=", "almaty")
      .execute();
    await insertOrders(env.db, "almaty", [{ order_id: 1, last_status_id: 10, last_status_group_id: 1 }]);
    await env.db
      .insertInto("rm.order_status_intervals")
      .values({
        project_id: "almaty",
        order_id: 1,
        seq: 1,
        status_id: 10,
        status_group_id: 1,
        // 00:30 on the 13th at +05:00.
        started_at: "2026-10-12T19:30:00Z",
        ended_at: "2026-10-12T20:30:00Z",
        duration_seconds: 3600,
        working_seconds: 3600,
      })
      .execute();
    await rebuildDurationStats(env.db, "almaty");
    const res = await app.inject({
      url: "/api/analytics/status-durations?project=almaty&from=2026-10-12&to=2026-10-13",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const r = res.json() as StatusDurationsResponse;
    assert.equal(r.time_zone, "+05:00");
    assert.equal(r.range_start, "2026-10-11T19:00:00.000Z");
    assert.deepEqual(
      r.buckets.map((b) => [b.bucket, b.totals.total_seconds]),
      [
        ["2026-10-12", 0],
        ["2026-10-13", 3600],
      ],
    );
  });

  test("given bad parameters, when read, then 400 names them", async () => {
    const get = (q: string) =>
      app.inject({
        url: `/api/analytics/status-durations?${q}`,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    const reversed = await get("project=kyiv&from=2026-10-13&to=2026-10-12");
    assert.equal(reversed.statusCode, 400);
    assert.equal(reversed.json().issues[0].path, "/from");
    const long = await get("project=kyiv&from=2020-01-01&to=2026-10-12");
    assert.equal(long.statusCode, 400);
    assert.equal(long.json().issues[0].path, "/to");
    assert.equal((await get("project=kyiv&from=2026-10-12&to=2026-10-13&granularity=year")).statusCode, 400);
    assert.equal((await get("project=kyiv&from=2026-10-12")).statusCode, 400);
    assert.equal((await get("project=nope&from=2026-10-12&to=2026-10-13")).statusCode, 404);
  });
});
