/**
 * KeyCRM `GET /order/{id}?include=products.offer` → `order.items_fetched` (pure). Shapes:
 * formats/keycrm.md §5.1 (line items and `offer`), fixtures/README.md "Order detail".
 */
import { createHash } from "node:crypto";
import type { OrderItem, OrderItemsFetched } from "@pulse/events";
import { isCrmId, isRecord } from "./crm-values.js";

/** A plausible id (positive integer, crm-values.ts `isCrmId`) or `null`: a line or offer 0 is no id. */
const id = (v: unknown): number | null => (isCrmId(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
/** KeyCRM money and quantities are numbers, sometimes decimal strings (`"2.00"`, formats/keycrm.md §6.2). */
const num = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d{1,15}(\.\d{1,6})?$/.test(v)) return Number(v);
  return null;
};

/**
 * The line items of a KeyCRM order detail, as {@link OrderItem}s sorted by line id (so a reordered
 * answer is the same fact): `line_id` = `products[].id`, `name`, `sku`, `quantity` (may be
 * fractional: m²), `price` (unit price before discounts), `offer_id` / `offer_sku` /
 * `product_id` from `products[].offer`. Fields of the wrong type become `null`, and so do ids that
 * are not positive integers (README "Plausibility rules": an offer or product 0 never matches an
 * urgency rule); entries that are not objects are skipped. An order without products gives `[]`.
 * @throws Error when the body is not an order object with a `products` array — e.g. the include was
 *   not applied (`products` are returned only with `include=products.offer`, §5.1): publishing "no
 *   items" then would wrongly clear the order's urgency.
 */
export function keycrmOrderItems(body: unknown): OrderItem[] {
  if (!isRecord(body) || !Array.isArray(body["products"]))
    throw new Error("KeyCRM GET /order/{id} answered something that is not an order with products");
  const items: OrderItem[] = body["products"].filter(isRecord).map((p) => {
    const offer = isRecord(p["offer"]) ? p["offer"] : {};
    return {
      line_id: id(p["id"]),
      name: text(p["name"]),
      sku: text(p["sku"]),
      quantity: num(p["quantity"]),
      price: num(p["price"]),
      offer_id: id(offer["id"]),
      offer_sku: text(offer["sku"]),
      product_id: id(offer["product_id"]),
    };
  });
  return items.sort(
    (a, b) =>
      (a.line_id ?? Number.MAX_SAFE_INTEGER) - (b.line_id ?? Number.MAX_SAFE_INTEGER) ||
      (a.name ?? "").localeCompare(b.name ?? ""),
  );
}

/** Lowercase hex SHA-256 of the items' JSON (fields in schema order): the identity of an item list. */
export function itemsDigest(items: readonly OrderItem[]): string {
  const canonical = items.map((i) => [
    i.line_id,
    i.name,
    i.sku,
    i.quantity,
    i.price,
    i.offer_id,
    i.offer_sku,
    i.product_id,
  ]);
  return createHash("sha256").update(JSON.stringify(canonical), "utf8").digest("hex");
}

/**
 * Builds `order.items_fetched` (source `keycrm`, `raw: null`): `occurred_at` = `recorded_at` =
 * `fetched_at` = `fetchedAt`; dedup key `items:{project}:{order}:{sha256 of the items}` — refetching
 * unchanged items is one fact.
 */
export function orderItemsEvent(
  projectId: string,
  orderId: number,
  items: OrderItem[],
  fetchedAt: Date,
  eventId: string,
): OrderItemsFetched {
  const at = fetchedAt.toISOString();
  return {
    id: eventId,
    type: "order.items_fetched",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `items:${projectId}:${orderId}:${itemsDigest(items)}`,
    source: "keycrm",
    raw: null,
    data: { order_id: orderId, items, fetched_at: at },
  };
}
