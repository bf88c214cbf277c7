import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedOwnerToken } from "../testing/accounts.fixtures.js";
import {
  insertCrmUsers,
  insertEvents,
  insertGroups,
  insertIntervals,
  insertOrders,
  insertProject,
  insertStatuses,
  rebuildDurationStats,
} from "../testing/fixtures.js";
import type { OrderListResponse, TimelineResponse } from "./orders.schemas.js";

const TOKEN = "test-admin-token-0123456789";
const NOW = "2026-10-12T12:00:00.000Z";

let env: TestEnv;
let app: QueryApp;

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.statusCode, body: res.json() as T };
}
async function list(query: string): Promise<OrderListResponse> {
  const res = await get<OrderListResponse>(`/api/orders?project=shop&${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
const ids = (r: OrderListResponse) => r.items.map((i) => i.order_id);
const times = (r: OrderListResponse, orderId: number) =>
  Object.fromEntries(
    (r.items.find((i) => i.order_id === orderId)?.time_by_group ?? []).map((t) => [
      String(t.group_id),
      t.seconds,
    ]),
  );
const kpiOf = (r: OrderListResponse) =>
  Object.fromEntries(
    r.kpi.groups.map((g) => [String(g.group_id), [g.orders_visited, g.total_seconds, g.mean_seconds]]),
  );

before(async () => {
  env = await createTestEnv("qorders");
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
  await insertProject(db, "other");
  await insertProject(db, "amo", "amo", "amocrm");
  await insertGroups(db, "shop", [
    [1, "New"],
    [2, "Production"],
    [3, "Delivery"],
    [4, "Done"],
  ]);
  await insertStatuses(db, "shop", [
    [1, 10, "Нове"],
    [2, 20, "In production"],
    [3, 30, "Shipped"],
    [4, 40, "Completed"],
  ]);
  await insertCrmUsers(db, "shop", [[7, "Айгерим Сейткали"]]);
  // The same user id in another project names someone else: never shown for "shop".
  await insertCrmUsers(db, "other", [
    [8, "Other manager"],
    [7, "Other project's 7"],
  ]);
  await insertOrders(db, "shop", [
    {
      order_id: 1001,
      last_status_id: 20,
      last_status_group_id: 2,
      started_at: "2026-10-12T08:00:00Z",
      last_changed_at: "2026-10-12T09:00:00Z",
      manager_id: 7,
    },
    {
      order_id: 1002,
      last_status_id: 30,
      last_status_group_id: 3,
      started_at: "2026-10-12T07:00:00Z",
      last_changed_at: "2026-10-12T10:30:00Z",
      manager_id: 8,
    },
    {
      order_id: 1003,
      last_status_id: 10,
      last_status_group_id: 1,
      started_at: "2026-10-12T11:00:00Z",
      last_changed_at: "2026-10-12T11:00:00Z",
    },
    {
      order_id: 1004,
      last_status_id: 40,
      last_status_group_id: 4,
      started_at: "2026-10-11T08:00:00Z",
      last_changed_at: "2026-10-11T10:00:00Z",
      closed_at: "2026-10-11T10:00:00Z",
    },
    {
      order_id: 1006,
      last_status_id: 40,
      last_status_group_id: 4,
      started_at: "2026-10-12T05:00:00Z",
      last_changed_at: "2026-10-12T07:00:00Z",
      closed_at: "2026-10-12T07:00:00Z",
    },
    // A status the dictionary does not know, no group, no intervals yet.
    {
      order_id: 1007,
      last_status_id: 99,
      last_status_group_id: null,
      last_changed_at: "2026-10-12T06:00:00Z",
    },
  ]);
  await insertIntervals(db, "shop", 1001, [
    [1, 10, 1, "2026-10-12T08:00:00Z", "2026-10-12T09:00:00Z", 3600],
    [2, 20, 2, "2026-10-12T09:00:00Z", null, null],
  ]);
  await insertIntervals(db, "shop", 1002, [
    [1, 10, 1, "2026-10-12T07:00:00Z", "2026-10-12T07:30:00Z", 1800],
    [2, 20, 2, "2026-10-12T07:30:00Z", "2026-10-12T10:30:00Z", 10800],
    [3, 30, 3, "2026-10-12T10:30:00Z", null, null],
  ]);
  await insertIntervals(db, "shop", 1003, [[1, 10, 1, "2026-10-12T11:00:00Z", null, null]]);
  await insertIntervals(db, "shop", 1004, [
    // The stored duration (a working-calendar measure) differs from wall-clock 7200 s on purpose.
    [1, 10, 1, "2026-10-11T08:00:00Z", "2026-10-11T10:00:00Z", 5000],
    [2, 40, 4, "2026-10-11T10:00:00Z", null, null],
  ]);
  await insertIntervals(db, "shop", 1006, [
    [1, 10, 1, "2026-10-12T05:00:00Z", "2026-10-12T06:00:00Z", 3600],
    [2, 20, 2, "2026-10-12T06:00:00Z", "2026-10-12T06:30:00Z", 1800],
    [3, 10, 1, "2026-10-12T06:30:00Z", "2026-10-12T07:00:00Z", 1800],
    [4, 40, 4, "2026-10-12T07:00:00Z", null, null],
  ]);
  await insertEvents(db, "shop", [
    {
      order_id: 1002,
      status_id: 30,
      status_group_id: 3,
      status_changed_at: "2026-10-12T10:30:00.000Z",
      stream_seq: 5,
    },
    {
      order_id: 1002,
      status_id: 20,
      status_group_id: 2,
      status_changed_at: "2026-10-12T07:30:00.000Z",
      stream_seq: 6,
    },
    // Arrived late: earliest in time, latest in the stream; delivered without a group, which the
    // projector resolved from the dictionary.
    {
      order_id: 1002,
      status_id: 10,
      status_group_id: 1,
      event_group_id: null,
      status_changed_at: "2026-10-12T07:00:00.000Z",
      stream_seq: 7,
    },
    {
      order_id: 1002,
      status_id: 20,
      status_group_id: 2,
      status_changed_at: "2026-10-12T08:00:00.000Z",
      stream_seq: 8,
      is_effective: false,
      time_source: "received",
    },
  ]);
  // Another project with the same ids must never leak into "shop".
  await insertGroups(db, "other", [[2, "Other production"]]);
  await insertStatuses(db, "other", [[2, 20, "Other status"]]);
  await insertOrders(db, "other", [
    {
      order_id: 1001,
      last_status_id: 20,
      last_status_group_id: 2,
      started_at: "2026-10-12T08:00:00Z",
      last_changed_at: "2026-10-12T09:30:00Z",
    },
  ]);
  await insertIntervals(db, "other", 1001, [[1, 20, 2, "2026-10-12T08:00:00Z", null, null]]);
  // amoCRM: stage 142 exists in both pipelines with different names.
  await insertGroups(db, "amo", [
    [500, "Pipeline A"],
    [600, "Pipeline B"],
  ]);
  await insertStatuses(db, "amo", [
    [500, 142, "Won A"],
    [600, 142, "Won B"],
  ]);
  await insertOrders(db, "amo", [
    {
      order_id: 2001,
      source: "amocrm",
      last_status_id: 142,
      last_status_group_id: 600,
      last_changed_at: "2026-10-12T09:00:00Z",
    },
  ]);
  // The projector keeps the board's counters; seeded rows need them derived too.
  for (const p of ["shop", "other", "amo"]) await rebuildDurationStats(db, p);
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/orders", () => {
  test("given six orders, when listed without filters, then the newest change comes first, unknown status names are null and only the project's orders appear", async () => {
    const r = await list("");
    assert.deepEqual(ids(r), [1003, 1002, 1001, 1006, 1007, 1004]);
    assert.equal(r.total, 6);
    assert.equal(r.as_of, NOW);
    const o1001 = r.items.find((i) => i.order_id === 1001);
    assert.equal(o1001?.last_status_name, "In production");
    assert.equal(o1001?.last_status_group_name, "Production");
    assert.equal(o1001?.manager_id, 7);
    assert.equal(o1001?.manager_name, "Айгерим Сейткали", "the name from the users dictionary");
    const o1002 = r.items.find((i) => i.order_id === 1002);
    assert.equal(o1002?.manager_id, 8, "an id the project's users dictionary lacks stays an id");
    assert.equal(o1002?.manager_name, null);
    assert.equal(o1001?.started_at, "2026-10-12T08:00:00.000Z");
    const o1007 = r.items.find((i) => i.order_id === 1007);
    assert.equal(o1007?.last_status_name, null);
    assert.deepEqual(o1007?.time_by_group, []);
    assert.equal(r.items.find((i) => i.order_id === 1004)?.closed_at, "2026-10-11T10:00:00.000Z");
  });

  test("given open and closed intervals, when measured at now, then closed ones count their stored duration and open ones run to now", async () => {
    const r = await list("");
    assert.deepEqual(times(r, 1001), { "1": 3600, "2": 10800 });
    assert.deepEqual(times(r, 1002), { "1": 1800, "2": 10800, "3": 5400 });
    assert.deepEqual(times(r, 1004), { "1": 5000, "4": 93600 });
    // Two visits to group 1 are summed.
    assert.deepEqual(times(r, 1006), { "1": 5400, "2": 1800, "4": 18000 });
  });

  test("given asOf before some changes, when listed, then an interval ending after asOf is cut at asOf and later intervals are left out", async () => {
    const r = await list("asOf=2026-10-12T10:00:00Z");
    assert.equal(r.as_of, "2026-10-12T10:00:00.000Z");
    assert.deepEqual(times(r, 1001), { "1": 3600, "2": 3600 });
    // [07:30, 10:30) is cut to 2.5 h; the interval from 10:30 does not exist yet.
    assert.deepEqual(times(r, 1002), { "1": 1800, "2": 9000 });
    assert.deepEqual(times(r, 1003), {});
    assert.deepEqual(times(r, 1004), { "1": 5000, "4": 86400 });
  });

  test("given the whole set, when the KPI is computed, then the mean per group divides by the orders that visited it", async () => {
    const r = await list("pageSize=1");
    assert.equal(r.items.length, 1);
    assert.equal(r.kpi.order_count, 6);
    assert.deepEqual(kpiOf(r), {
      "1": [5, 19400, 3880],
      "2": [3, 23400, 7800],
      "3": [1, 5400, 5400],
      "4": [2, 111600, 55800],
    });
    assert.equal(r.kpi.groups.find((g) => g.group_id === 2)?.group_name, "Production");
  });

  test("given pageSize 2, when paging, then pages follow the sort, do not overlap and share the total", async () => {
    const p1 = await list("pageSize=2&page=1");
    const p2 = await list("pageSize=2&page=2");
    const p3 = await list("pageSize=2&page=3");
    const p4 = await list("pageSize=2&page=4");
    assert.deepEqual([ids(p1), ids(p2), ids(p3), ids(p4)], [[1003, 1002], [1001, 1006], [1007, 1004], []]);
    assert.deepEqual([p1.total, p4.total], [6, 6]);
    assert.deepEqual([p2.page, p2.page_size], [2, 2]);
  });

  test("given any sort and direction, when paging by cursor, then the pages together are the list in order, nulls last, with no row twice", async () => {
    for (const sort of ["last_changed_at", "started_at", "last_status_group_id", "order_id"]) {
      for (const dir of ["asc", "desc"]) {
        const whole = ids(await list(`sort=${sort}&dir=${dir}`));
        const walked: number[] = [];
        let page = await list(`sort=${sort}&dir=${dir}&pageSize=2`);
        walked.push(...ids(page));
        for (let n = 0; page.next_cursor !== null && n < 10; n++) {
          page = await list(`sort=${sort}&dir=${dir}&pageSize=2&cursor=${page.next_cursor}`);
          walked.push(...ids(page));
          assert.equal(page.total, 6);
        }
        assert.equal(page.next_cursor, null, `${sort} ${dir}: the last page has no cursor`);
        assert.deepEqual(walked, whole, `${sort} ${dir}`);
      }
    }
  });

  test("given a cursor, when an order is inserted before it meanwhile, then the next page neither repeats nor skips a row; a page number's cursor continues it", async () => {
    const p1 = await list("pageSize=2");
    assert.deepEqual(ids(p1), [1003, 1002]);
    await insertOrders(env.db, "shop", [
      {
        order_id: 1010,
        last_status_id: 10,
        last_status_group_id: 1,
        last_changed_at: "2026-10-12T11:30:00Z",
      },
    ]);
    try {
      const p2 = await list(`pageSize=2&cursor=${p1.next_cursor}`);
      assert.deepEqual(ids(p2), [1001, 1006]);
      // By page number the same page now starts one row earlier (the row inserted above shifted it).
      assert.deepEqual(ids(await list("pageSize=2&page=2")), [1002, 1001]);
      const p3 = await list(`pageSize=2&cursor=${p2.next_cursor}`);
      assert.deepEqual(ids(p3), [1007, 1004]);
      assert.equal(p3.next_cursor, null);
    } finally {
      await env.db
        .deleteFrom("rm.orders_current")
        .where("project_id", "=", "shop")
        .where("order_id", "=", 1010)
        .execute();
    }
    const byNumber = await list("pageSize=2&page=2");
    assert.deepEqual(ids(await list(`pageSize=2&cursor=${byNumber.next_cursor}`)), [1007, 1004]);
  });

  test("given a cursor that is not one, or one of another sort, when listed, then the answer is 400 invalid_cursor", async () => {
    const p1 = await list("pageSize=2");
    for (const query of [
      "cursor=bm90LWEtY3Vyc29y",
      `sort=order_id&cursor=${p1.next_cursor}`,
      `dir=asc&cursor=${p1.next_cursor}`,
    ]) {
      const res = await get<{ code: string }>(`/api/orders?project=shop&${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, "invalid_cursor", query);
    }
  });

  test("given sort by group, when ascending or descending, then ties break by order id and null groups stay last", async () => {
    assert.deepEqual(
      ids(await list("sort=last_status_group_id&dir=asc")),
      [1003, 1001, 1002, 1004, 1006, 1007],
    );
    assert.deepEqual(
      ids(await list("sort=last_status_group_id&dir=desc")),
      [1006, 1004, 1002, 1001, 1003, 1007],
    );
    assert.deepEqual(ids(await list("sort=order_id&dir=asc")), [1001, 1002, 1003, 1004, 1006, 1007]);
    assert.deepEqual(ids(await list("sort=started_at&dir=asc")), [1004, 1006, 1002, 1001, 1003, 1007]);
  });

  test("given a group filter, when listed, then items, total and KPI cover only the matching orders", async () => {
    const r = await list("groupId=2");
    assert.deepEqual(ids(r), [1001]);
    assert.equal(r.total, 1);
    assert.equal(r.kpi.order_count, 1);
    assert.deepEqual(kpiOf(r), { "1": [1, 3600, 3600], "2": [1, 10800, 10800] });
  });

  test("given status and order filters, when listed, then exactly the matching order is returned", async () => {
    assert.deepEqual(ids(await list("statusId=30")), [1002]);
    assert.deepEqual(ids(await list("statusId=40&sort=order_id&dir=asc")), [1004, 1006]);
    assert.deepEqual(ids(await list("orderId=1004")), [1004]);
    assert.deepEqual(ids(await list("orderId=5555")), []);
  });

  test("given a date range, when filtering on last_changed_at by default, then from is inclusive and to exclusive", async () => {
    const r = await list("from=2026-10-12T09:00:00Z&to=2026-10-12T11:00:00Z");
    assert.deepEqual(ids(r), [1002, 1001]);
    assert.equal(r.total, 2);
  });

  test("given dateField=started_at, when filtering from 07:00, then orders without a start are excluded", async () => {
    const r = await list("dateField=started_at&from=2026-10-12T07:00:00%2B00:00&sort=order_id&dir=asc");
    assert.deepEqual(ids(r), [1001, 1002, 1003]);
  });

  test("given an amoCRM stage id present in two pipelines, when listed, then the name of the order's pipeline is used", async () => {
    const res = await get<OrderListResponse>("/api/orders?project=amo");
    assert.equal(res.status, 200);
    assert.equal(res.body.items[0]?.last_status_name, "Won B");
    assert.equal(res.body.items[0]?.last_status_group_name, "Pipeline B");
  });

  test("given bad parameters, when listed, then 400 problems name the parameter", async () => {
    const big = await get<{ code: string; issues: { path: string; location: string }[] }>(
      "/api/orders?project=shop&pageSize=201",
    );
    assert.equal(big.status, 400);
    assert.equal(big.body.code, "validation_failed");
    assert.deepEqual(
      big.body.issues.map((i) => [i.location, i.path]),
      [["querystring", "/pageSize"]],
    );
    const sort = await get<{ issues: { path: string }[] }>("/api/orders?project=shop&sort=name");
    assert.equal(sort.status, 400);
    assert.equal(sort.body.issues[0]?.path, "/sort");
    const range = await get<{ issues: { path: string }[] }>(
      "/api/orders?project=shop&from=2026-10-12T10:00:00Z&to=2026-10-12T09:00:00Z",
    );
    assert.equal(range.status, 400);
    assert.equal(range.body.issues[0]?.path, "/from");
    assert.equal((await get("/api/orders?project=shop&from=yesterday")).status, 400);
    assert.equal((await get("/api/orders?project=shop&limit=5")).status, 400);
    assert.equal((await get("/api/orders")).status, 400);
  });

  test("given a project nobody registered, when listed, then 404 project_not_found", async () => {
    const r = await get<{ code: string; status: number }>("/api/orders?project=nope");
    assert.equal(r.status, 404);
    assert.equal(r.body.code, "project_not_found");
  });
});

describe("GET /api/orders/:orderId/timeline", () => {
  test("given events that arrived out of order, when the timeline is read, then events are sorted by status_changed_at with names and flags", async () => {
    const r = await get<TimelineResponse>("/api/orders/1002/timeline?project=shop");
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.events.map((e) => [
        e.status_changed_at,
        e.status_id,
        e.stream_seq,
        e.is_effective,
        e.time_source,
      ]),
      [
        ["2026-10-12T07:00:00.000Z", 10, 7, true, "crm"],
        ["2026-10-12T07:30:00.000Z", 20, 6, true, "crm"],
        ["2026-10-12T08:00:00.000Z", 20, 8, false, "received"],
        ["2026-10-12T10:30:00.000Z", 30, 5, true, "crm"],
      ],
    );
    const first = r.body.events[0];
    // The event had no group: the projector resolved it from the dictionary.
    assert.deepEqual(
      [first?.status_name, first?.status_group_id, first?.status_group_name],
      ["Нове", 1, "New"],
    );
    assert.equal(first?.dedup_key, "keycrm:shop:1002:2026-10-12T07:00:00.000Z:10");
    assert.equal(r.body.order?.last_status_name, "Shipped");
  });

  test("given the default asOf (now), when the timeline is read, then the last interval is open and measured to now", async () => {
    const r = await get<TimelineResponse>("/api/orders/1002/timeline?project=shop");
    assert.deepEqual(
      r.body.intervals.map((i) => [i.seq, i.status_name, i.duration_seconds, i.open_at_as_of, i.ended_at]),
      [
        [1, "Нове", 1800, false, "2026-10-12T07:30:00.000Z"],
        [2, "In production", 10800, false, "2026-10-12T10:30:00.000Z"],
        [3, "Shipped", 5400, true, null],
      ],
    );
  });

  test("given asOf inside the second interval, when the timeline is read, then it is cut at asOf and the third is left out", async () => {
    const r = await get<TimelineResponse>(
      "/api/orders/1002/timeline?project=shop&asOf=2026-10-12T10:00:00.000Z",
    );
    assert.equal(r.body.as_of, "2026-10-12T10:00:00.000Z");
    assert.deepEqual(
      r.body.intervals.map((i) => [i.seq, i.duration_seconds, i.open_at_as_of]),
      [
        [1, 1800, false],
        [2, 9000, true],
      ],
    );
  });

  test("given an unknown order or another project's order, when the timeline is read, then 404 order_not_found", async () => {
    const unknown = await get<{ code: string }>("/api/orders/9999/timeline?project=shop");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "order_not_found");
    // Order 1001 exists in "other" but has no events there.
    assert.equal((await get("/api/orders/1002/timeline?project=other")).status, 404);
    assert.equal((await get("/api/orders/abc/timeline?project=shop")).status, 400);
  });
});
