import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type AnalyzedIntervalInput,
  analyzeOrder,
  type GroupSlaAnalytics,
  parseOrderAnalyticsSettings,
  type StoredProjectSettings,
  slaStateAt,
} from "@pulse/domain";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedOwnerToken } from "../testing/accounts.fixtures.js";
import {
  insertEvents,
  insertGroups,
  insertOrders,
  insertProject,
  rebuildDurationStats,
} from "../testing/fixtures.js";
import type { OrderListResponse, OrderRow, TimelineResponse } from "./orders.schemas.js";

const TOKEN = "test-admin-token-0123456789";
// Monday 2026-10-12, 15:00 in the project's zone (+03:00).
const NOW = "2026-10-12T12:00:00.000Z";
const ZONE = "+03:00";

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
async function timeline(orderId: number, asOf = ""): Promise<TimelineResponse> {
  const res = await app.inject({
    url: `/api/orders/${orderId}/timeline?project=shop${asOf === "" ? "" : `&asOf=${asOf}`}`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as TimelineResponse;
}
const ids = (r: OrderListResponse) => r.items.map((i) => i.order_id);
const row = (r: OrderListResponse, orderId: number): OrderRow => {
  const found = r.items.find((i) => i.order_id === orderId);
  assert.ok(found, `order ${orderId} missing`);
  return found;
};
const group = (r: OrderRow, groupId: number) => r.time_by_group.find((g) => g.group_id === groupId);

const WORKDAY = ["09:00-13:00", "14:00-18:00"];
/** The project's stored settings: Mon–Fri 09–13, 14–18 local; Delivery (3) 24/7; SLA per group. */
const SETTINGS: StoredProjectSettings = {
  working_hours: {
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
  },
  sla: { near_share: 0.8, grids: { normal: { "1": "02:00", "2": "04:00" }, urgent: { "2": "03:30" } } },
};

/** `[status_id, group_id, started_at]` — each interval ends where the next starts, the last is open. */
type Visit = [number, number, string];

/**
 * The orders of the scenario: their intervals and urgency. The projector's rows are derived from them
 * with the domain's `analyzeOrder` (as `buildOrderRows` does), so the API is checked against the rule.
 */
const ORDERS: Record<number, { urgent: boolean; visits: Visit[] }> = {
  // New 07:00–08:00 local (no working time), then Production since 08:00 local, 4 h SLA: near at
  // 3 h 12 min of work = 12:12 local (09:12Z); exactly 4 h at 13:00 local, still near through lunch;
  // over from 14:00:00.001 local (11:00:00.001Z).
  2001: {
    urgent: false,
    visits: [
      [10, 1, "2026-10-12T04:00:00.000Z"],
      [20, 2, "2026-10-12T05:00:00.000Z"],
    ],
  },
  // New 09:00–13:00 local: 4 h of work against 2 h — over from 11:00:00.001 local; then Delivery (no SLA).
  2002: {
    urgent: false,
    visits: [
      [10, 1, "2026-10-12T06:00:00.000Z"],
      [30, 3, "2026-10-12T10:00:00.000Z"],
    ],
  },
  // Urgent, Production since 11:00 local, 3 h 30 min: near at 14:48 local (11:48Z), over after 15:30 local.
  2003: { urgent: true, visits: [[20, 2, "2026-10-12T08:00:00.000Z"]] },
  // Production 09:00–14:30 local (4 h 30 min of work: over), then Done (no SLA).
  2004: {
    urgent: false,
    visits: [
      [20, 2, "2026-10-12T06:00:00.000Z"],
      [40, 4, "2026-10-12T11:30:00.000Z"],
    ],
  },
  // Production since 14:00 local: 1 h of 4 h at now.
  2006: { urgent: false, visits: [[20, 2, "2026-10-12T11:00:00.000Z"]] },
  // Re-entry: Production 09:00–11:00 local (2 h), Delivery 11:00–12:00, back in Production 12:00
  // (status 20), then status 21 of the same group from 12:30. The group total is 2 h + 1 h by 13:00
  // and reaches 80 % (3 h 12 min) at 14:12 local (11:12Z), exactly 4 h at 15:00 local = now (near),
  // over from 15:00:00.001. The running interval alone (1 h 30 min) would be ok.
  2007: {
    urgent: false,
    visits: [
      [20, 2, "2026-10-12T06:00:00.000Z"],
      [30, 3, "2026-10-12T08:00:00.000Z"],
      [20, 2, "2026-10-12T09:00:00.000Z"],
      [21, 2, "2026-10-12T09:30:00.000Z"],
    ],
  },
};

const analyzed = new Map<number, ReturnType<typeof analyzeOrder>>();
const intervalsOf = (orderId: number): AnalyzedIntervalInput[] => {
  const visits = ORDERS[orderId]!.visits;
  return visits.map(([status_id, status_group_id, started_at], i) => ({
    status_id,
    status_group_id,
    started_at,
    ended_at: visits[i + 1]?.[2] ?? null,
  }));
};
/** The domain's state at `asOf` of order `orderId` in `groupId` (undefined: the order never was there). */
const domainState = (orderId: number, groupId: number, asOf: string) => {
  const g = analyzed.get(orderId)?.groups.find((x: GroupSlaAnalytics) => x.group_id === groupId);
  if (!g || g.first_entered_at >= asOf) return undefined;
  return slaStateAt({ limitSeconds: g.limit_seconds, nearAt: g.near_at, overAt: g.over_at }, asOf);
};

before(async () => {
  env = await createTestEnv("qordersla");
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
  await insertProject(db, "shop");
  await db.updateTable("rm.projects").set({ time_zone: ZONE }).where("project_id", "=", "shop").execute();
  await insertGroups(db, "shop", [
    [1, "New"],
    [2, "Production"],
    [3, "Delivery"],
    [4, "Done"],
  ]);
  await db
    .insertInto("rm.settings")
    .values(
      (["working_hours", "sla"] as const).map((kind) => ({
        project_id: "shop",
        kind,
        version: 1,
        data: JSON.stringify({ version: 1, changed_by: "admin", ...(SETTINGS[kind] as object) }),
        changed_by: "admin",
        changed_at: "2026-10-01T00:00:00Z",
        event_seq: 1,
      })),
    )
    .execute();
  const settings = parseOrderAnalyticsSettings(SETTINGS, ZONE);
  const allIds = [2001, 2002, 2003, 2004, 2005, 2006, 2007];
  await insertOrders(
    db,
    "shop",
    allIds.map((order_id) => {
      const visits = ORDERS[order_id]?.visits ?? [];
      const last = visits[visits.length - 1];
      return {
        order_id,
        last_status_id: last?.[0] ?? 20,
        last_status_group_id: last?.[1] ?? 2,
        last_changed_at: last?.[2] ?? "2026-10-12T05:00:00Z",
      };
    }),
  );
  for (const [id, order] of Object.entries(ORDERS)) {
    const orderId = Number(id);
    const intervals = intervalsOf(orderId);
    const a = analyzeOrder({
      intervals,
      items: null,
      overrides: order.urgent ? { urgent: true } : null,
      settings,
    });
    analyzed.set(orderId, a);
    await db
      .insertInto("rm.order_status_intervals")
      .values(
        intervals.map((iv, i) => ({
          project_id: "shop",
          order_id: orderId,
          seq: i + 1,
          status_id: iv.status_id,
          status_group_id: iv.status_group_id,
          started_at: iv.started_at,
          ended_at: iv.ended_at,
          duration_seconds:
            iv.ended_at === null ? null : (Date.parse(iv.ended_at) - Date.parse(iv.started_at)) / 1000,
          ...a.intervals[i]!,
        })),
      )
      .execute();
    await db
      .insertInto("rm.order_group_sla")
      .values(a.groups.map((g) => ({ project_id: "shop", order_id: orderId, ...g })))
      .execute();
    await db
      .updateTable("rm.orders_current")
      .set({
        is_urgent: a.urgent,
        urgent_source: a.urgentSource,
        sla_next_transition_at: a.slaNextTransitionAt,
      })
      .where("project_id", "=", "shop")
      .where("order_id", "=", orderId)
      .execute();
  }
  await insertEvents(db, "shop", [
    {
      order_id: 2007,
      status_id: 20,
      status_group_id: 2,
      status_changed_at: "2026-10-12T06:00:00.000Z",
      stream_seq: 1,
    },
    {
      order_id: 2007,
      status_id: 30,
      status_group_id: 3,
      status_changed_at: "2026-10-12T08:00:00.000Z",
      stream_seq: 2,
    },
    {
      order_id: 2007,
      status_id: 20,
      status_group_id: 2,
      status_changed_at: "2026-10-12T09:00:00.000Z",
      stream_seq: 3,
    },
    {
      order_id: 2007,
      status_id: 21,
      status_group_id: 2,
      status_changed_at: "2026-10-12T09:30:00.000Z",
      stream_seq: 4,
    },
  ]);
  // The projector keeps the board's counters; seeded rows need them derived too.
  await rebuildDurationStats(db, "shop");
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/orders — SLA per order and status group on the total working time", () => {
  test("given the domain's instants for the re-entry order, then they are the group total's crossings (the test's premise)", () => {
    const g2 = analyzed.get(2007)!.groups.find((g) => g.group_id === 2)!;
    assert.deepEqual(
      [g2.visits, g2.working_seconds_closed, g2.running_since, g2.near_at, g2.over_at],
      [3, 9000, "2026-10-12T09:30:00.000Z", "2026-10-12T11:12:00.000Z", "2026-10-12T12:00:00.001Z"],
    );
  });

  test("given a running order, when asOf passes near_at, the limit and over_at, then its colour goes ok → near → near at the limit and through lunch → over", async () => {
    const state = async (asOf: string) => row(await list(`asOf=${asOf}`), 2001).current_interval?.sla_state;
    assert.equal(await state("2026-10-12T09:11:59.999Z"), "ok");
    assert.equal(await state("2026-10-12T09:12:00.000Z"), "near");
    assert.equal(await state("2026-10-12T10:00:00.000Z"), "near", "exactly at the limit (13:00 local)");
    assert.equal(await state("2026-10-12T10:30:00.000Z"), "near", "lunch: no working time passes");
    assert.equal(await state("2026-10-12T11:00:00.000Z"), "near");
    assert.equal(await state("2026-10-12T11:00:00.001Z"), "over", "1 ms over the limit");
    assert.equal(await state(NOW), "over");
  });

  test("given an order back in a group through two of its statuses, when listed at now, then the group's colour and the current interval's follow the group total, not the running interval", async () => {
    const o = row(await list(""), 2007);
    assert.deepEqual(group(o, 2), {
      group_id: 2,
      group_name: "Production",
      seconds: 18000,
      working_seconds: 14400,
      sla_state: "near",
      sla_limit_seconds: 14400,
      sla_near_at: "2026-10-12T11:12:00.000Z",
      sla_over_at: "2026-10-12T12:00:00.001Z",
    });
    assert.equal(o.current_interval?.seq, 4);
    assert.equal(o.current_interval?.working_seconds, 5400, "the running interval alone: 1 h 30 min");
    assert.equal(o.current_interval?.sla_state, "near");
    assert.equal(
      o.sla_next_transition_at,
      "2026-10-12T11:12:00.000Z",
      "the group total's 80 %, reached in the running visit",
    );
    assert.deepEqual([group(o, 3)?.sla_state, group(o, 3)?.working_seconds], [null, 3600]);
    const later = row(await list("asOf=2026-10-12T12:00:00.001Z"), 2007);
    assert.equal(later.current_interval?.sla_state, "over");
    const before = row(await list("asOf=2026-10-12T11:11:59.999Z"), 2007);
    assert.equal(before.current_interval?.sla_state, "ok");
  });

  test("given every order, group and asOf around the stored instants, when listed, then each group's colour equals the domain rule's state", async () => {
    const instants = new Set<string>(["2026-10-12T07:00:00.000Z", "2026-10-12T08:30:00.000Z", NOW]);
    for (const a of analyzed.values()) {
      for (const g of a.groups) {
        for (const at of [g.near_at, g.over_at]) {
          if (at === null) continue;
          const ms = Date.parse(at);
          for (const d of [-1, 0, 1]) instants.add(new Date(ms + d).toISOString());
        }
      }
    }
    let compared = 0;
    for (const asOf of instants) {
      const r = await list(`asOf=${asOf}&pageSize=200`);
      for (const o of r.items) {
        for (const g of o.time_by_group) {
          if (g.group_id === null) continue;
          assert.equal(
            g.sla_state,
            domainState(o.order_id, g.group_id, asOf),
            `${o.order_id}/${g.group_id} at ${asOf}`,
          );
          compared++;
        }
        const cur = o.current_interval;
        if (cur?.status_group_id != null)
          assert.equal(
            cur.sla_state,
            domainState(o.order_id, cur.status_group_id, asOf),
            `${o.order_id} at ${asOf}`,
          );
      }
    }
    assert.ok(compared > 100, `compared ${compared}`);
  });

  test("given a group the order left over the limit and a 24/7 group, when listed, then the closed group keeps its final colour and the open one counts every second", async () => {
    const o = row(await list(""), 2002);
    assert.deepEqual(
      [group(o, 1)?.working_seconds, group(o, 1)?.sla_state, group(o, 1)?.sla_over_at],
      [14400, "over", "2026-10-12T08:00:00.001Z"],
    );
    assert.deepEqual(
      [group(o, 3)?.seconds, group(o, 3)?.working_seconds, group(o, 3)?.sla_state],
      [7200, 7200, null],
    );
    assert.equal(o.current_interval?.sla_state, null);
    assert.equal(o.current_interval?.sla_limit_seconds, null);
    assert.equal(o.sla_next_transition_at, null);
  });

  test("given a group left after a historic asOf, when listed at that asOf, then its colour is the state at that instant", async () => {
    const past = row(await list("asOf=2026-10-12T09:00:00Z"), 2004);
    assert.equal(past.current_interval?.seq, 1);
    assert.equal(past.current_interval?.sla_state, "ok", "3 h of 4 h at 12:00 local");
    const now = row(await list(""), 2004);
    assert.equal(now.current_interval?.seq, 2);
    assert.equal(group(now, 2)?.sla_state, "over");
  });

  test("given an urgent order, when listed, then the urgent grid judges its group", async () => {
    const o = row(await list(""), 2003);
    assert.equal(o.is_urgent, true);
    assert.equal(o.current_interval?.is_urgent, true);
    assert.equal(o.current_interval?.sla_limit_seconds, 12600);
    assert.equal(o.current_interval?.sla_state, "near");
    assert.equal(o.current_interval?.working_seconds, 10800);
    assert.equal(o.sla_next_transition_at, "2026-10-12T11:48:00.000Z");
    assert.equal(row(await list(""), 2005).current_interval, null);
  });

  test("given the whole set, when the KPI is computed, then ok/near/over percentages are over the orders whose current group has an SLA", async () => {
    const r = await list("pageSize=1");
    assert.deepEqual(r.kpi.sla, {
      intervals: 4,
      ok: 1,
      near: 2,
      over: 1,
      ok_percent: 25,
      near_percent: 50,
      over_percent: 25,
      without_sla: 2,
    });
    // At 08:30Z: 2001, 2003, 2004 in Production (ok), 2002 in New (over), 2007 in Delivery, 2006 not started.
    const past = await list("asOf=2026-10-12T08:30:00Z");
    assert.deepEqual(
      [
        past.kpi.sla.intervals,
        past.kpi.sla.ok,
        past.kpi.sla.near,
        past.kpi.sla.over,
        past.kpi.sla.without_sla,
      ],
      [4, 3, 0, 1, 1],
    );
    assert.deepEqual([past.kpi.sla.ok_percent, past.kpi.sla.over_percent], [75, 25]);
  });

  test("given the slaState and urgent filters, when listed, then items, total and KPI follow the group totals", async () => {
    assert.deepEqual(ids(await list("slaState=over")), [2001]);
    assert.deepEqual(ids(await list("slaState=near")), [2003, 2007]);
    assert.deepEqual(ids(await list("slaState=ok")), [2006]);
    assert.deepEqual(ids(await list("slaState=over&asOf=2026-10-12T12:00:00.001Z")), [2001, 2007]);
    assert.deepEqual(ids(await list("slaState=over&asOf=2026-10-12T08:30:00Z")), [2002]);
    assert.deepEqual(ids(await list("urgent=true")), [2003]);
    assert.deepEqual(ids(await list("urgent=false&slaState=near")), [2007]);
    const near = await list("slaState=near");
    assert.equal(near.total, 2);
    assert.deepEqual([near.kpi.order_count, near.kpi.sla.intervals, near.kpi.sla.near_percent], [2, 2, 100]);
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

  test("given the re-entry order's timeline, when read, then each interval shows the group total's state when it ended (or at asOf) and agrees with the list", async () => {
    const body = await timeline(2007);
    assert.deepEqual(
      body.intervals.map((i) => [
        i.seq,
        i.status_group_id,
        i.working_seconds,
        i.sla_state,
        i.sla_limit_seconds,
      ]),
      [
        [1, 2, 7200, "ok", 14400],
        [2, 3, 3600, null, null],
        [3, 2, 1800, "ok", 14400],
        [4, 2, 5400, "near", 14400],
      ],
    );
    assert.equal(body.intervals[3]?.sla_over_at, "2026-10-12T12:00:00.001Z");
    assert.equal(body.order?.current_interval?.sla_state, "near");
    assert.deepEqual(group(body.order!, 2)?.sla_state, "near");
    const later = await timeline(2007, "2026-10-12T12:00:00.001Z");
    assert.deepEqual(
      later.intervals.map((i) => i.sla_state),
      ["ok", null, "ok", "over"],
    );
    const early = await timeline(2007, "2026-10-12T08:30:00Z");
    assert.deepEqual(
      early.intervals.map((i) => [i.seq, i.sla_state, i.open_at_as_of]),
      [
        [1, "ok", false],
        [2, null, true],
      ],
    );
  });
});
