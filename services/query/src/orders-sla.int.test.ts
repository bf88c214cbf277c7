import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { buildQueryApp, type QueryApp } from "./app.js";
import { QueryConfig } from "./config.js";
import type { OrderListResponse, OrderRow, TimelineResponse } from "./orders.schemas.js";
import { insertEvents, insertGroups, insertOrders, insertProject } from "./testing/fixtures.js";

const TOKEN = "test-admin-token-0123456789";
// Monday 2026-10-12, 15:00 in the project's zone (+03:00).
const NOW = "2026-10-12T12:00:00.000Z";

let env: TestEnv;
let app: QueryApp;

async function list(query: string): Promise<OrderListResponse> {
  const res = await app.inject({
    url: `/api/orders?project=shop&sort=order_id&dir=asc&${query}`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as OrderListResponse;
}
const ids = (r: OrderListResponse) => r.items.map((i) => i.order_id);
const row = (r: OrderListResponse, orderId: number): OrderRow => {
  const found = r.items.find((i) => i.order_id === orderId);
  assert.ok(found, `order ${orderId} missing`);
  return found;
};
const group = (r: OrderRow, groupId: number) => r.time_by_group.find((g) => g.group_id === groupId);

interface IntervalRow {
  order_id: number;
  seq: number;
  status_id: number;
  group: number | null;
  started_at: string;
  ended_at?: string | null;
  working?: number | null;
  urgent?: boolean;
  limit?: number | null;
  state?: string | null;
  near_at?: string | null;
  over_at?: string | null;
}

async function insertIntervalRows(rows: IntervalRow[]): Promise<void> {
  await env.db
    .insertInto("rm.order_status_intervals")
    .values(
      rows.map((r) => ({
        project_id: "shop",
        order_id: r.order_id,
        seq: r.seq,
        status_id: r.status_id,
        status_group_id: r.group,
        started_at: r.started_at,
        ended_at: r.ended_at ?? null,
        duration_seconds:
          r.ended_at === undefined || r.ended_at === null
            ? null
            : (Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000,
        working_seconds: r.working ?? null,
        is_urgent: r.urgent ?? false,
        sla_limit_seconds: r.limit ?? null,
        sla_state: r.state ?? null,
        sla_near_at: r.near_at ?? null,
        sla_over_at: r.over_at ?? null,
      })),
    )
    .execute();
}

const WORKDAY = ["09:00-13:00", "14:00-18:00"];

before(async () => {
  env = await createTestEnv("qordersla");
  const config = QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN });
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
  });
  const db = env.db;
  await insertProject(db, "shop");
  await db.updateTable("rm.projects").set({ time_zone: "+03:00" }).where("project_id", "=", "shop").execute();
  await insertGroups(db, "shop", [
    [1, "New"],
    [2, "Production"],
    [3, "Delivery"],
    [4, "Done"],
  ]);
  // Working hours: Mon–Fri 09:00–13:00 and 14:00–18:00 in the project's zone; Delivery (3) is 24/7.
  await db
    .insertInto("rm.settings")
    .values({
      project_id: "shop",
      kind: "working_hours",
      version: 1,
      data: JSON.stringify({
        version: 1,
        changed_by: "admin",
        default: {
          working_hours: {
            mon: WORKDAY,
            tue: WORKDAY,
            wed: WORKDAY,
            thu: WORKDAY,
            fri: WORKDAY,
            sat: [],
            sun: [],
          },
        },
        groups: { "3": {} },
      }),
      changed_by: "admin",
      changed_at: "2026-10-01T00:00:00Z",
      event_seq: 1,
    })
    .execute();
  await insertOrders(
    db,
    "shop",
    [2001, 2002, 2003, 2004, 2005, 2006].map((order_id) => ({
      order_id,
      last_status_id: 20,
      last_status_group_id: 2,
      last_changed_at: "2026-10-12T05:00:00Z",
    })),
  );
  await db
    .updateTable("rm.orders_current")
    .set({
      is_urgent: true,
      urgent_source: "rule",
      urgent_rule: "sku:Термінове виготовлення",
      urgent_since: "2026-10-12T08:00:00Z",
      cycle_rule: "to delivery",
      cycle_started_at: "2026-10-12T08:00:00Z",
      sla_next_transition_at: "2026-10-12T12:30:00Z",
    })
    .where("project_id", "=", "shop")
    .where("order_id", "=", 2003)
    .execute();
  await db
    .updateTable("rm.orders_current")
    .set({
      urgent_source: "rule",
      delivery_entered_at: "2026-10-12T10:00:00Z",
      cycle_rule: "to delivery",
      cycle_started_at: "2026-10-12T06:00:00Z",
      cycle_ended_at: "2026-10-12T10:00:00Z",
      cycle_wall_seconds: 14400,
      cycle_working_seconds: 14400,
    })
    .where("project_id", "=", "shop")
    .where("order_id", "=", 2002)
    .execute();
  await insertIntervalRows([
    // 2001: New 07:00–08:00 local (no working time), then Production since 08:00 local, 4 h SLA:
    // near at 80 % = 3 h 12 min of work = 12:12 local (09:12Z), over at 13:00 local (10:00Z).
    {
      order_id: 2001,
      seq: 1,
      status_id: 10,
      group: 1,
      started_at: "2026-10-12T04:00:00Z",
      ended_at: "2026-10-12T05:00:00Z",
      working: 0,
      limit: 7200,
      state: "ok",
    },
    {
      order_id: 2001,
      seq: 2,
      status_id: 20,
      group: 2,
      started_at: "2026-10-12T05:00:00Z",
      limit: 14400,
      near_at: "2026-10-12T09:12:00Z",
      over_at: "2026-10-12T10:00:00Z",
    },
    // 2002: New, closed and judged over (stored working time deliberately not the calendar's),
    // then Delivery (24/7) without SLA.
    {
      order_id: 2002,
      seq: 1,
      status_id: 10,
      group: 1,
      started_at: "2026-10-12T06:00:00Z",
      ended_at: "2026-10-12T10:00:00Z",
      working: 7000,
      limit: 3600,
      state: "over",
      near_at: "2026-10-12T06:48:00Z",
      over_at: "2026-10-12T07:00:00Z",
    },
    { order_id: 2002, seq: 2, status_id: 30, group: 3, started_at: "2026-10-12T10:00:00Z" },
    // 2003: urgent, Production since 11:00 local, 3 h 30 min: near 11:48Z, over 12:30Z.
    {
      order_id: 2003,
      seq: 1,
      status_id: 20,
      group: 2,
      started_at: "2026-10-12T08:00:00Z",
      urgent: true,
      limit: 12600,
      near_at: "2026-10-12T11:48:00Z",
      over_at: "2026-10-12T12:30:00Z",
    },
    // 2004: Production 09:00–14:30 local, judged over when it closed; then Done without SLA.
    {
      order_id: 2004,
      seq: 1,
      status_id: 20,
      group: 2,
      started_at: "2026-10-12T06:00:00Z",
      ended_at: "2026-10-12T11:30:00Z",
      working: 16200,
      limit: 10800,
      state: "over",
      near_at: "2026-10-12T08:24:00Z",
      over_at: "2026-10-12T09:00:00Z",
    },
    { order_id: 2004, seq: 2, status_id: 40, group: 4, started_at: "2026-10-12T11:30:00Z" },
    // 2005 has no interval. 2006: Production since 14:00 local, far from its limit.
    {
      order_id: 2006,
      seq: 1,
      status_id: 20,
      group: 2,
      started_at: "2026-10-12T11:00:00Z",
      limit: 14400,
      near_at: "2026-10-13T09:12:00Z",
      over_at: "2026-10-13T10:00:00Z",
    },
  ]);
  await insertEvents(db, "shop", [
    {
      order_id: 2001,
      status_id: 10,
      status_group_id: 1,
      status_changed_at: "2026-10-12T04:00:00.000Z",
      stream_seq: 1,
    },
    {
      order_id: 2001,
      status_id: 20,
      status_group_id: 2,
      status_changed_at: "2026-10-12T05:00:00.000Z",
      stream_seq: 2,
    },
  ]);
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/orders — SLA colour and working time", () => {
  test("given an open interval, when asOf passes sla_near_at and sla_over_at, then its colour goes ok → near → over (both bounds inclusive)", async () => {
    const state = async (asOf: string) => row(await list(`asOf=${asOf}`), 2001).current_interval?.sla_state;
    assert.equal(await state("2026-10-12T09:11:59.999Z"), "ok");
    assert.equal(await state("2026-10-12T09:12:00.000Z"), "near");
    assert.equal(await state("2026-10-12T09:59:59.999Z"), "near");
    assert.equal(await state("2026-10-12T10:00:00.000Z"), "over");
    assert.equal(await state(NOW), "over");
  });

  test("given an open interval, when measured at now, then working seconds follow the group's calendar in the project's zone beside wall-clock seconds", async () => {
    const r = await list("");
    const o = row(r, 2001);
    // 08:00–15:00 local: 7 h wall-clock; 09:00–13:00 and 14:00–15:00 = 5 h of work.
    assert.equal(o.current_interval?.seconds, 25200);
    assert.equal(o.current_interval?.working_seconds, 18000);
    assert.deepEqual(group(o, 2), {
      group_id: 2,
      group_name: "Production",
      seconds: 25200,
      working_seconds: 18000,
      sla_state: "over",
      sla_limit_seconds: 14400,
    });
    // The closed interval keeps its stored values (0 s of work before 09:00, judged ok).
    assert.deepEqual([group(o, 1)?.working_seconds, group(o, 1)?.sla_state], [0, "ok"]);
    const at = row(await list("asOf=2026-10-12T09:12:00Z"), 2001);
    assert.equal(at.current_interval?.working_seconds, 11520);
  });

  test("given a closed interval with a stored state and a 24/7 group, when listed, then the closed one shows its stored working time and colour and the open one counts every second", async () => {
    const o = row(await list(""), 2002);
    assert.deepEqual([group(o, 1)?.working_seconds, group(o, 1)?.sla_state], [7000, "over"]);
    assert.deepEqual(
      [group(o, 3)?.seconds, group(o, 3)?.working_seconds, group(o, 3)?.sla_state],
      [7200, 7200, null],
    );
    assert.equal(o.current_interval?.sla_state, null);
    assert.equal(o.current_interval?.sla_limit_seconds, null);
    assert.deepEqual(
      [o.cycle_rule, o.cycle_started_at, o.cycle_ended_at, o.cycle_working_seconds, o.delivery_entered_at],
      [
        "to delivery",
        "2026-10-12T06:00:00.000Z",
        "2026-10-12T10:00:00.000Z",
        14400,
        "2026-10-12T10:00:00.000Z",
      ],
    );
  });

  test("given an interval that closed after a historic asOf, when listed at that asOf, then its colour comes from sla_near_at/sla_over_at, not from the state it closed with", async () => {
    const past = row(await list("asOf=2026-10-12T08:30:00Z"), 2004);
    assert.equal(past.current_interval?.seq, 1);
    assert.equal(past.current_interval?.sla_state, "near");
    const now = row(await list(""), 2004);
    assert.equal(now.current_interval?.seq, 2);
    assert.equal(group(now, 2)?.sla_state, "over");
  });

  test("given an urgent order, when listed, then urgency, its rule and the open cycle are on the row", async () => {
    const o = row(await list(""), 2003);
    assert.equal(o.is_urgent, true);
    assert.equal(o.urgent_source, "rule");
    assert.equal(o.urgent_rule, "sku:Термінове виготовлення");
    assert.equal(o.current_interval?.is_urgent, true);
    assert.equal(o.current_interval?.sla_state, "near");
    assert.equal(o.current_interval?.working_seconds, 10800);
    assert.deepEqual([o.cycle_started_at, o.cycle_ended_at], ["2026-10-12T08:00:00.000Z", null]);
    assert.equal(o.sla_next_transition_at, "2026-10-12T12:30:00.000Z");
    assert.equal(row(await list(""), 2005).current_interval, null);
    assert.equal(row(await list(""), 2006).urgent_source, "unknown");
  });

  test("given the whole set, when the KPI is computed, then ok/near/over percentages are over the current intervals with an SLA, and the denominator is stated", async () => {
    const r = await list("pageSize=1");
    assert.deepEqual(r.kpi.sla, {
      intervals: 3,
      ok: 1,
      near: 1,
      over: 1,
      ok_percent: 33.3,
      near_percent: 33.3,
      over_percent: 33.3,
      without_sla: 2,
    });
    // At 08:30Z 2002's first interval is still open and over, 2004's is near, 2006 has not started.
    const past = await list("asOf=2026-10-12T08:30:00Z");
    assert.deepEqual(
      [past.kpi.sla.intervals, past.kpi.sla.ok, past.kpi.sla.near, past.kpi.sla.over],
      [4, 2, 1, 1],
    );
    assert.deepEqual(
      [past.kpi.sla.ok_percent, past.kpi.sla.near_percent, past.kpi.sla.over_percent],
      [50, 25, 25],
    );
  });

  test("given the slaState and urgent filters, when listed, then items, total and KPI follow them", async () => {
    assert.deepEqual(ids(await list("slaState=over")), [2001]);
    assert.deepEqual(ids(await list("slaState=near")), [2003]);
    assert.deepEqual(ids(await list("slaState=ok")), [2006]);
    assert.deepEqual(ids(await list("slaState=over&asOf=2026-10-12T08:30:00Z")), [2002]);
    assert.deepEqual(ids(await list("urgent=true")), [2003]);
    assert.deepEqual(ids(await list("urgent=false")), [2001, 2002, 2004, 2005, 2006]);
    assert.deepEqual(ids(await list("urgent=false&slaState=near")), []);
    const over = await list("slaState=over");
    assert.equal(over.total, 1);
    assert.deepEqual([over.kpi.order_count, over.kpi.sla.intervals, over.kpi.sla.over_percent], [1, 1, 100]);
    const bad = await app.inject({
      url: "/api/orders?project=shop&slaState=red&urgent=yes",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad.json().issues.map((i: { path: string }) => i.path),
      ["/slaState", "/urgent"],
    );
  });

  test("given an order's timeline, when read, then each interval carries working seconds and its SLA state at asOf", async () => {
    const res = await app.inject({
      url: "/api/orders/2001/timeline?project=shop",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = res.json() as TimelineResponse;
    assert.deepEqual(
      body.intervals.map((i) => [
        i.seq,
        i.duration_seconds,
        i.working_seconds,
        i.sla_state,
        i.sla_limit_seconds,
      ]),
      [
        [1, 3600, 0, "ok", 7200],
        [2, 25200, 18000, "over", 14400],
      ],
    );
    assert.equal(body.order?.current_interval?.sla_over_at, "2026-10-12T10:00:00.000Z");
  });

  test("given the live page, when served, then it colours the current status by SLA, badges urgent orders and shows working time", async () => {
    const res = await app.inject({ url: "/" });
    assert.match(res.body, /current_interval/);
    assert.match(res.body, /sla-over/);
    assert.match(res.body, /is_urgent/);
    assert.match(res.body, /working_seconds/);
  });
});
