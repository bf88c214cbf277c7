import type { UrgencyOrderItem } from "@pulse/domain";
import type { EventOfType, OrderItem } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { loadRowsByIds, type Projection } from "./projection.js";

/** A `rm.order_items` row (`items` as JSON text) plus the parsed items for the urgency rules. */
export interface OrderItemsState {
  readonly row: RowOf<"order_items">;
  readonly items: readonly OrderItem[];
}

/**
 * Folds an `order.items_fetched` at stream position `seq` into the order's items (pure): the fetch
 * with the later `fetched_at` wins (a tie goes to the later stream position), so a late-arriving
 * older fetch does not replace newer items. Returns `null` when `prev` stays.
 */
export function evolveOrderItems(
  prev: OrderItemsState | undefined,
  event: EventOfType<"order.items_fetched">,
  seq: number,
): OrderItemsState | null {
  const d = event.data;
  if (prev && Date.parse(prev.row.fetched_at!) > Date.parse(d.fetched_at)) return null;
  return {
    row: {
      project_id: event.project_id,
      order_id: d.order_id,
      items: JSON.stringify(d.items),
      fetched_at: d.fetched_at,
      event_seq: seq,
    },
    items: d.items,
  };
}

/**
 * The items in the shape the urgency rules read (`isUrgentOrder`): the line's `sku`, and the offer
 * (`offer_id`, `offer_sku`, `product_id`) when the line has one.
 */
export function urgencyItems(items: readonly OrderItem[]): UrgencyOrderItem[] {
  return items.map((i) => ({
    sku: i.sku,
    offer:
      i.offer_id === null && i.product_id === null && i.offer_sku === null
        ? null
        : { id: i.offer_id, product_id: i.product_id, sku: i.offer_sku },
  }));
}

/** Loads the `rm.order_items` state of the given orders of one project, keyed by order id. */
export async function loadOrderItems(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrderItemsState>> {
  const out = new Map<number, OrderItemsState>();
  for (const r of await loadRowsByIds(db, "order_items", projectId, "order_id", orderIds)) {
    // jsonb comes back parsed: stored again as JSON text, as the row builder writes it.
    const items = (typeof r.items === "string" ? JSON.parse(r.items) : r.items) as OrderItem[];
    out.set(r.order_id, { row: { ...r, items: JSON.stringify(items) }, items });
  }
  return out;
}

/** Upserts `rm.order_items` rows (unique by project and order within one call). */
export async function writeOrderItems(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly RowOf<"order_items">[],
): Promise<void> {
  await writeRows(db, schema, "order_items", rows, { keys: ["project_id", "order_id"], action: "replace" });
}

/**
 * The `rm.order_items` projection: one state per order (key: order id), folded by
 * {@link evolveOrderItems}; stored as its row (upsert by project and order).
 */
export const orderItemsProjection: Projection<EventOfType<"order.items_fetched">, OrderItemsState, number> = {
  name: "order_items",
  eventTypes: new Set(["order.items_fetched"]),
  keyOf: (event) => ({ projectId: event.project_id, id: event.data.order_id }),
  evolve: (state, event, seq) => evolveOrderItems(state ?? undefined, event, seq) ?? state,
  rows: (state) => ({ order_items: [state.row] }),
  upsert: { order_items: { keys: ["project_id", "order_id"], action: "replace" } },
  load: loadOrderItems,
};
