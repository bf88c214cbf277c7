import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OrderItem } from "@pulse/events";
import { orderItemsProjection } from "./order-items.projection.js";
import { foldInMemory, stateKey } from "./projection.js";
import { anEvent } from "./projection.testing.js";

const item = (sku: string): OrderItem => ({
  line_id: 1,
  name: sku,
  sku,
  quantity: 1,
  price: 10,
  offer_id: null,
  offer_sku: null,
  product_id: null,
});

describe("order_items projection", () => {
  test("given a later fetch then an older fetch, when folded, then the later fetch's items stay", () => {
    const state = foldInMemory(orderItemsProjection, [
      anEvent("order.items_fetched", {
        order_id: 4,
        items: [item("NEW")],
        fetched_at: "2026-10-20T10:00:00.000Z",
      }),
      anEvent("order.items_fetched", {
        order_id: 4,
        items: [item("OLD")],
        fetched_at: "2026-10-20T09:00:00.000Z",
      }),
    ]).get(stateKey("shop-test", 4));
    assert.equal(state?.items[0]?.sku, "NEW");
    assert.equal(state?.row.event_seq, 1);
  });
});
