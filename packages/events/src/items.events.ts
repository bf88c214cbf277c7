import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmId, IsoInstant } from "./primitives.js";

/**
 * One line item of a KeyCRM order (`GET /order/{id}?include=products.offer`), reduced to what
 * urgency rules and reports need. `offer_sku` is `offer.sku` (may differ from the line's `sku`).
 */
export const OrderItem = z.object({
  line_id: CrmId.nullable(),
  name: z.string().nullable(),
  sku: z.string().nullable(),
  quantity: z.number().nullable(),
  price: z.number().nullable(),
  offer_id: CrmId.nullable(),
  offer_sku: z.string().nullable(),
  product_id: CrmId.nullable(),
});
/** See {@link OrderItem}. */
export type OrderItem = z.infer<typeof OrderItem>;

/**
 * `order.items_fetched` v1 — the items of an order as the CRM API returned them at `fetched_at`.
 * Dedup key `items:{project}:{order}:{sha256 of the items}`: refetching unchanged items is one fact.
 */
export const OrderItemsFetched = defineEvent(
  "order.items_fetched",
  1,
  z.object({ order_id: CrmId, items: z.array(OrderItem), fetched_at: IsoInstant }),
);
/** See {@link OrderItemsFetched}. */
export type OrderItemsFetched = z.infer<typeof OrderItemsFetched>;
