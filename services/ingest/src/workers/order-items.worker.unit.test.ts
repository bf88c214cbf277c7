import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { OrderItemsFetched, type OrderStatusChanged } from "@pulse/events";
import { itemsDigest, keycrmOrderItems, orderItemsEvent } from "../crm/order-items.mapper.js";
import { defaultFixturesDir } from "../testing/index.js";
import type { FetchState, FetchTrigger } from "./entity-fetch.worker.js";
import { entersNewGroup, nextGroup } from "./entity-fetch.worker.js";
import { itemsTrigger, shouldFetchItems } from "./order-items.worker.js";

const HOUR = 3_600_000;
const state = (over: Partial<FetchState> = {}): FetchState => ({
  outcome: "fetched",
  sha256: "abc",
  fetched_at: "2026-10-12T10:00:00.000Z",
  group_id: 2,
  group_at: "2026-10-12T09:59:00.000Z",
  ...over,
});
const trigger = (groupId: number | null, at: string): FetchTrigger => ({
  projectId: "shop-kyiv",
  entityId: 15001,
  groupId,
  at,
});

describe("items refetch rule", () => {
  const cases: [string, FetchState | null, FetchTrigger, boolean][] = [
    ["no state (first status event of the order)", null, trigger(1, "2026-10-12T09:00:00.000Z"), true],
    ["a new group 2 h after the last fetch", state(), trigger(3, "2026-10-12T12:00:00.000Z"), true],
    ["a new group exactly 60 min after the fetch", state(), trigger(3, "2026-10-12T11:00:00.000Z"), true],
    ["a new group 30 min after the fetch", state(), trigger(3, "2026-10-12T10:30:00.000Z"), false],
    [
      "the same group 2 h later (another status in it)",
      state(),
      trigger(2, "2026-10-12T12:00:00.000Z"),
      false,
    ],
    ["an event without group (minimal context)", state(), trigger(null, "2026-10-12T12:00:00.000Z"), false],
    [
      "a late older event of another group",
      state({ group_id: 4, group_at: "2026-10-13T10:00:00.000Z" }),
      trigger(3, "2026-10-13T09:00:00.000Z"),
      false,
    ],
    [
      "an order remembered as gone, new group 2 h later",
      state({ outcome: "gone", sha256: null }),
      trigger(5, "2026-10-12T12:00:00.000Z"),
      true,
    ],
    [
      "a replayed old event (before the fetch) of a new group",
      state({ fetched_at: "2026-11-01T00:00:00.000Z", group_at: "2026-10-20T00:00:00.000Z" }),
      trigger(5, "2026-10-21T00:00:00.000Z"),
      false,
    ],
  ];
  for (const [what, s, t, expected] of cases) {
    test(`given ${what}, when decided with a 60 min limit, then ${expected ? "fetch" : "no fetch"}`, () => {
      assert.equal(shouldFetchItems(s, t, HOUR), expected);
    });
  }

  test("given group tracking, when a newer event moves to another group, then it is remembered; an older one is not", () => {
    assert.deepEqual(nextGroup(state(), trigger(3, "2026-10-12T11:00:00.000Z")), {
      group_id: 3,
      group_at: "2026-10-12T11:00:00.000Z",
    });
    assert.deepEqual(nextGroup(state(), trigger(3, "2026-10-12T09:00:00.000Z")), {
      group_id: 2,
      group_at: "2026-10-12T09:59:00.000Z",
    });
    assert.deepEqual(nextGroup(state(), trigger(null, "2026-10-12T11:00:00.000Z")), {
      group_id: 2,
      group_at: "2026-10-12T09:59:00.000Z",
    });
    assert.equal(
      entersNewGroup(state({ group_id: null, group_at: null }), trigger(2, "2026-10-12T11:00:00.000Z")),
      true,
    );
  });

  test("given events of other types and sources, when triggered, then only KeyCRM status changes count", () => {
    const base = {
      id: "01J00000000000000000000000",
      type: "order.status_changed",
      version: 1,
      project_id: "shop-kyiv",
      occurred_at: "2026-10-12T09:00:00.000Z",
      recorded_at: "2026-10-12T09:00:01.000Z",
      dedup_key: "k",
      source: "keycrm",
      raw: null,
      data: {
        order_id: 15001,
        status_id: 1,
        status_group_id: 1,
        status_changed_at: "2026-10-12T09:00:00.000Z",
        time_source: "crm",
        order_created_at: null,
        previous_status_id: null,
        manager_id: null,
        crm_event: "order.change_order_status",
        lead: null,
      },
    } satisfies OrderStatusChanged;
    assert.deepEqual(itemsTrigger(base), {
      projectId: "shop-kyiv",
      entityId: 15001,
      groupId: 1,
      at: "2026-10-12T09:00:00.000Z",
    });
    assert.equal(itemsTrigger({ ...base, source: "amocrm" }), null);
  });
});

describe("KeyCRM order detail → items", () => {
  const order = JSON.parse(
    readFileSync(join(defaultFixturesDir(), "keycrm/shop-kyiv/orders/15001.json"), "utf8"),
  ) as { products: Record<string, unknown>[] };

  test("given order 15001 of the corpus, when mapped, then both lines with their offer ids, skus and product ids", () => {
    const items = keycrmOrderItems(order);
    assert.deepEqual(items, [
      {
        line_id: 40101,
        name: "Фотошпалери на замовлення",
        sku: "PRN-WALL",
        quantity: 3.2,
        price: 620,
        offer_id: 44,
        offer_sku: "PRN-WALL",
        product_id: 10,
      },
      {
        line_id: 40102,
        name: "Термінове виготовлення",
        sku: "Термінове виготовлення",
        quantity: 1,
        price: 1500,
        offer_id: 16,
        offer_sku: "Термінове виготовлення",
        product_id: 2,
      },
    ]);
  });

  test("given the same items in another order, when digested, then the same fact; a changed quantity is another", () => {
    const items = keycrmOrderItems(order);
    const reversed = keycrmOrderItems({ ...order, products: [...order.products].reverse() });
    assert.equal(itemsDigest(reversed), itemsDigest(items));
    const changed = keycrmOrderItems({
      ...order,
      products: order.products.map((p, i) => (i === 0 ? { ...p, quantity: 4 } : p)),
    });
    assert.notEqual(itemsDigest(changed), itemsDigest(items));
  });

  test("given odd values, when mapped, then decimal strings are numbers, a missing offer gives nulls, non-objects are skipped", () => {
    const items = keycrmOrderItems({
      products: [{ id: 1, name: "x", sku: "", quantity: "2.50", price: "90.00", offer: null }, "junk"],
    });
    assert.deepEqual(items, [
      {
        line_id: 1,
        name: "x",
        sku: null,
        quantity: 2.5,
        price: 90,
        offer_id: null,
        offer_sku: null,
        product_id: null,
      },
    ]);
    assert.deepEqual(keycrmOrderItems({ id: 1, products: [] }), []);
  });

  test("given ids 0 and negative ids, when mapped, then they are no ids (null): an offer 0 never matches an urgency rule", () => {
    const [item] = keycrmOrderItems({
      products: [
        { id: 0, name: "x", sku: "s", quantity: 1, price: 1, offer: { id: 0, product_id: -2, sku: "s" } },
      ],
    });
    assert.equal(item?.line_id, null);
    assert.equal(item?.offer_id, null);
    assert.equal(item?.product_id, null);
    const [ok] = keycrmOrderItems({ products: [{ id: 1, offer: { id: 16, product_id: 2 } }] });
    assert.equal(ok?.offer_id, 16);
    assert.equal(ok?.product_id, 2);
  });

  test("given an answer without products (include not applied), when mapped, then it fails instead of clearing the items", () => {
    assert.throws(() => keycrmOrderItems({ id: 15001 }), /not an order with products/);
    assert.throws(() => keycrmOrderItems(null), /not an order with products/);
  });

  test("given items, when the event is built, then it validates and its key is items:{project}:{order}:{sha256}", () => {
    const items = keycrmOrderItems(order);
    const at = new Date("2026-10-12T10:00:00.000Z");
    const e = orderItemsEvent("shop-kyiv", 15001, items, at, "01J00000000000000000000000");
    assert.ok(OrderItemsFetched.safeParse(e).success);
    assert.equal(e.dedup_key, `items:shop-kyiv:15001:${itemsDigest(items)}`);
    assert.match(e.dedup_key, /:[0-9a-f]{64}$/);
    assert.equal(e.occurred_at, "2026-10-12T10:00:00.000Z");
    assert.equal(e.data.fetched_at, "2026-10-12T10:00:00.000Z");
    assert.equal(e.source, "keycrm");
  });
});
