import type { OrderOverrides } from "@pulse/domain";
import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { loadRowsByIds, type Projection } from "./projection.js";

/** A `rm.order_overrides` row (`urgent` `null` = follow the rules). */
export type OrderOverridesRow = RowOf<"order_overrides">;

/**
 * The `rm.order_overrides` row of an `order.overrides_changed` at stream position `seq` (pure): the
 * whole set replaces the previous one (latest in stream order wins); `changed_at` = `occurred_at`.
 * Cycle instants that are not valid instants are stored as `null` (an event is a fact: the API
 * validated them, only a foreign writer could send others).
 */
export function overridesRow(event: EventOfType<"order.overrides_changed">, seq: number): OrderOverridesRow {
  const o = event.data.overrides;
  return {
    project_id: event.project_id,
    order_id: event.data.order_id,
    urgent: o.urgent,
    sla_profile: o.sla_profile,
    cycle_start_at: instantOrNull(o.cycle_start_at),
    cycle_end_at: instantOrNull(o.cycle_end_at),
    changed_by: event.data.changed_by,
    changed_at: event.occurred_at,
    event_seq: seq,
  };
}

function instantOrNull(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The domain's {@link OrderOverrides} of a row (`null` without a row). */
export function overridesOf(row: OrderOverridesRow | undefined): OrderOverrides | null {
  if (!row) return null;
  return {
    urgent: row.urgent,
    slaProfile: row.sla_profile,
    cycleStartedAt: row.cycle_start_at,
    cycleEndedAt: row.cycle_end_at,
  };
}

/** Loads the `rm.order_overrides` rows of the given orders of one project, keyed by order id. */
export async function loadOrderOverrides(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrderOverridesRow>> {
  return new Map(
    (await loadRowsByIds(db, "order_overrides", projectId, "order_id", orderIds)).map((r) => [r.order_id, r]),
  );
}

/** Upserts `rm.order_overrides` rows (unique by project and order within one call). */
export async function writeOrderOverrides(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly OrderOverridesRow[],
): Promise<void> {
  // `urgent` is nullable in the table; the writer sends `null` as SQL NULL.
  await writeRows(db, schema, "order_overrides", rows, {
    keys: ["project_id", "order_id"],
    action: "replace",
  });
}

/**
 * The `rm.order_overrides` projection: one state per order (key: order id), the latest
 * `order.overrides_changed` in stream order ({@link overridesRow}; the stored row is not read).
 */
export const orderOverridesProjection: Projection<
  EventOfType<"order.overrides_changed">,
  OrderOverridesRow,
  number
> = {
  name: "order_overrides",
  eventTypes: new Set(["order.overrides_changed"]),
  keyOf: (event) => ({ projectId: event.project_id, id: event.data.order_id }),
  evolve: (_row, event, seq) => overridesRow(event, seq),
  // `urgent` is nullable in the table; the writer sends `null` as SQL NULL.
  rows: (row) => ({ order_overrides: [row as unknown as RowOf<"order_overrides">] }),
  upsert: { order_overrides: { keys: ["project_id", "order_id"], action: "replace" } },
};
