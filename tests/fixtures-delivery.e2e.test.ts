/**
 * Whole stack over HTTP: the recorded KeyCRM and amoCRM deliveries (duplicates, late and
 * out-of-order ones included) produce the same `/api/orders` and timelines whether delivered once
 * in recorded order, or three times shuffled with 8 requests in flight.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { feed, loadDeliveries, shuffled } from "./support/fixture-deliveries.js";
import { fixturesDir, post, type Stack, startStack } from "./support/stack.js";

const PROJECTS = ["shop-kyiv", "shop-lviv", "demoacademy"] as const;
// A fixed instant after every fixture delivery, so open intervals are measured alike in both stacks.
const AS_OF = "2026-11-07T00:00:00.000Z";

interface OrderRow {
  order_id: number;
  last_status_id: number | null;
  last_status_group_id: number | null;
  last_event_seq?: number;
  [k: string]: unknown;
}
interface OrderList {
  total: number;
  items: OrderRow[];
  kpi: { order_count: number };
}

let once: Stack;
let thrice: Stack;

before(async () => {
  const deliveries = loadDeliveries(fixturesDir, new Set(PROJECTS));
  [once, thrice] = await Promise.all([
    startStack("e2eonce", [...PROJECTS]),
    startStack("e2ethrice", [...PROJECTS]),
  ]);
  const inOrder = await feed((d) => post(once.ingestUrl, d), deliveries, 1);
  const triple = shuffled([...deliveries, ...deliveries, ...deliveries], 20261121);
  const mixed = await feed((d) => post(thrice.ingestUrl, d), triple, 8);
  assert.deepEqual([...inOrder.keys()], [200], `in-order answers: ${JSON.stringify([...inOrder])}`);
  assert.deepEqual([...mixed.keys()], [200], `shuffled answers: ${JSON.stringify([...mixed])}`);
  await Promise.all([once.settled(), thrice.settled()]);
});

after(async () => {
  await Promise.all([once?.close(), thrice?.close()]);
});

async function allOrders(stack: Stack, project: string): Promise<OrderRow[]> {
  const rows: OrderRow[] = [];
  for (let page = 1; ; page++) {
    const list = await stack.get<OrderList>(
      `/api/orders?project=${project}&asOf=${AS_OF}&pageSize=200&page=${page}&sort=order_id&dir=asc`,
    );
    rows.push(...list.items);
    if (rows.length >= list.total || list.items.length === 0) return rows;
  }
}

/**
 * Drops what legitimately depends on the delivery run rather than on the facts: stream positions,
 * and the id/time ingest minted when it first stored each fact.
 */
const RUN_FIELDS = new Set(["last_event_seq", "stream_seq", "event_id", "recorded_at"]);
function withoutPositions<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (RUN_FIELDS.has(k) ? undefined : v))) as T;
}

test("given the KeyCRM fixtures, when delivered with duplicates and late deliveries, then every order and its final status group match the recorded outcome", async () => {
  const expected = (
    JSON.parse(readFileSync(join(fixturesDir, "keycrm/expected-counts.json"), "utf8")) as {
      projects: Record<string, { orders: number; orders_by_final_status_group: Record<string, number> }>;
    }
  ).projects;
  for (const project of ["shop-kyiv", "shop-lviv"]) {
    const rows = await allOrders(once, project);
    const want = expected[project];
    assert.ok(want, `expected counts of ${project}`);
    assert.equal(rows.length, want.orders, `${project} orders`);
    const byGroup: Record<string, number> = {};
    for (const r of rows)
      byGroup[String(r.last_status_group_id)] = (byGroup[String(r.last_status_group_id)] ?? 0) + 1;
    assert.deepEqual(byGroup, want.orders_by_final_status_group, `${project} final status groups`);
  }
});

test("given the amoCRM fixtures, then every lead is an order from its creation, including leads that never changed stage", async () => {
  const expected = JSON.parse(readFileSync(join(fixturesDir, "amocrm/expected-counts.json"), "utf8")) as {
    leads: { distinct: number };
  };
  const rows = await allOrders(once, "demoacademy");
  assert.equal(rows.length, expected.leads.distinct);
  for (const r of rows) assert.notEqual(r.last_status_group_id, null, `lead ${r.order_id} has a pipeline`);
});

test("given the same deliveries once in order and three times shuffled, then /api/orders is identical for every project", async () => {
  for (const project of PROJECTS) {
    const a = withoutPositions(await allOrders(once, project));
    const b = withoutPositions(await allOrders(thrice, project));
    assert.ok(a.length > 0, `${project} has orders`);
    assert.equal(b.length, a.length, `${project} order count`);
    assert.deepEqual(b, a, `${project} orders`);
  }
});

test("given the same deliveries once in order and three times shuffled, then every timeline is identical", async () => {
  for (const project of PROJECTS) {
    const rows = await allOrders(once, project);
    for (const { order_id } of rows) {
      const path = `/api/orders/${order_id}/timeline?project=${project}&asOf=${AS_OF}`;
      const [a, b] = await Promise.all([once.get<unknown>(path), thrice.get<unknown>(path)]);
      assert.deepEqual(withoutPositions(b), withoutPositions(a), `${project} order ${order_id} timeline`);
    }
  }
});

test("given an order that returns to an earlier status, then each return is a new interval", async () => {
  interface Timeline {
    intervals: { status_id: number }[];
  }
  let found = 0;
  for (const row of await allOrders(once, "shop-kyiv")) {
    const t = await once.get<Timeline>(
      `/api/orders/${row.order_id}/timeline?project=shop-kyiv&asOf=${AS_OF}`,
    );
    const ids = t.intervals.map((i) => i.status_id);
    if (new Set(ids).size < ids.length) {
      found++;
      // consecutive intervals never repeat a status: a re-entry is A, B, A — not A, A
      for (let i = 1; i < ids.length; i++)
        assert.notEqual(ids[i], ids[i - 1], `order ${row.order_id}: ${ids.join(",")}`);
    }
  }
  assert.ok(found >= 10, `orders with re-entries found: ${found}`);
});
