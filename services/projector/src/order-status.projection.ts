import { compareStatusEvents, deriveOrderIntervals } from "@pulse/domain";
import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { getOrCreate } from "./collections.js";
import { dictionaryResolver, groupOfStatus, type ProjectDictionary } from "./dictionary.projection.js";
import { type RowOf, writeRows } from "./table-writer.js";

/**
 * A `rm.order_status_events` row as the projector handles it in memory: times as ISO-8601 UTC
 * strings with milliseconds. `status_group_id` is the event's group, else the dictionary's at the
 * event's stream position, else `null` until a later sync fills it. `is_effective` is recomputed
 * with the order's intervals.
 */
export interface StoredOrderEvent {
  project_id: string;
  dedup_key: string;
  order_id: number;
  status_id: number;
  status_group_id: number | null;
  status_changed_at: string;
  time_source: "crm" | "received";
  order_created_at: string | null;
  previous_status_id: number | null;
  manager_id: number | null;
  crm_event: string;
  source: string;
  event_id: string;
  stream_seq: number;
  recorded_at: string;
  is_effective: boolean;
}

/** A `rm.order_status_intervals` row. */
export type IntervalRow = RowOf<"order_status_intervals">;
/** A `rm.orders_current` row (`is_urgent` is written `false` on insert and never overwritten here). */
export type OrdersCurrentRow = RowOf<"orders_current"> & { project_id: string; order_id: number };

/** Key of an order across projects: `"{project}\u0000{order}"`. */
export function orderKey(projectId: string, orderId: number): string {
  return `${projectId}\u0000${orderId}`;
}

/**
 * Builds the stored row of an `order.status_changed` at stream position `seq`: the group is the
 * event's, else the project's dictionary (KeyCRM minimal context), else `null`.
 */
export function orderStatusEventRow(
  event: EventOfType<"order.status_changed">,
  seq: number,
  dict: ProjectDictionary,
): StoredOrderEvent {
  const d = event.data;
  return {
    project_id: event.project_id,
    dedup_key: event.dedup_key,
    order_id: d.order_id,
    status_id: d.status_id,
    status_group_id: d.status_group_id ?? groupOfStatus(dict, d.status_id),
    status_changed_at: d.status_changed_at,
    time_source: d.time_source,
    order_created_at: d.order_created_at,
    previous_status_id: d.previous_status_id,
    manager_id: d.manager_id,
    crm_event: d.crm_event,
    source: event.source,
    event_id: event.id,
    stream_seq: seq,
    recorded_at: event.recorded_at,
    is_effective: true,
  };
}

/** The derived rows of one order: its intervals, its `orders_current` row, effective flags per dedup key. */
export interface OrderRows {
  readonly intervals: IntervalRow[];
  readonly current: OrdersCurrentRow;
  readonly effective: ReadonlyMap<string, boolean>;
}

/**
 * Derives the intervals and the `orders_current` row of one order from ALL its stored events with
 * the pure domain rules (`deriveOrderIntervals`), resolving groups and closing statuses with the
 * project's dictionary. The order's `source` is that of its earliest event (source-time order);
 * `last_event_seq` is the highest stream position among its events.
 * @throws Error when `events` is empty (an order exists only through its events).
 */
export function buildOrderRows(events: readonly StoredOrderEvent[], dict: ProjectDictionary): OrderRows {
  const firstStored = events[0];
  if (!firstStored) throw new Error("buildOrderRows: an order without events");
  const sortedFirst = events.reduce((a, b) => (compareStatusEvents(a, b) <= 0 ? a : b));
  const source = sortedFirst.source;
  const result = deriveOrderIntervals(events, dictionaryResolver(dict, source));
  const { project_id, order_id } = firstStored;
  const summary = result.summary!;
  let lastSeq = 0;
  for (const e of events) if (e.stream_seq > lastSeq) lastSeq = e.stream_seq;
  return {
    intervals: result.intervals.map((iv) => ({
      project_id,
      order_id,
      seq: iv.seq,
      status_id: iv.status_id,
      status_group_id: iv.status_group_id,
      started_at: iv.started_at,
      ended_at: iv.ended_at,
      duration_seconds: iv.durationSeconds,
    })),
    current: {
      project_id,
      order_id,
      source,
      order_created_at: summary.order_created_at,
      started_at: summary.started_at,
      last_status_id: summary.last_status_id,
      last_status_group_id: summary.last_status_group_id,
      last_changed_at: summary.last_changed_at,
      manager_id: summary.manager_id,
      closed_at: summary.closed_at,
      is_urgent: false,
      status_events: summary.status_events,
      last_event_seq: lastSeq,
    },
    effective: new Map(result.events.map((r) => [r.event.dedup_key, r.effective])),
  };
}

const iso = (v: Date | string | null): string | null =>
  v === null ? null : typeof v === "string" ? new Date(v).toISOString() : v.toISOString();

/** Loads every stored event of the given orders of one project, grouped by order id. */
export async function loadOrderEvents(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, StoredOrderEvent[]>> {
  const out = new Map<number, StoredOrderEvent[]>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectFrom("order_status_events")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  for (const r of rows) {
    const e: StoredOrderEvent = {
      ...r,
      status_changed_at: iso(r.status_changed_at)!,
      order_created_at: iso(r.order_created_at),
      recorded_at: iso(r.recorded_at)!,
      time_source: r.time_source === "received" ? "received" : "crm",
    };
    getOrCreate(out, r.order_id, () => []).push(e);
  }
  return out;
}

/** Loads the `orders_current` rows of the given orders of one project, keyed by order id. */
export async function loadOrdersCurrent(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrdersCurrentRow>> {
  const out = new Map<number, OrdersCurrentRow>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectFrom("orders_current")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  for (const r of rows) {
    out.set(r.order_id, {
      ...r,
      order_created_at: iso(r.order_created_at),
      started_at: iso(r.started_at),
      last_changed_at: iso(r.last_changed_at),
      closed_at: iso(r.closed_at),
    });
  }
  return out;
}

/** True when two `orders_current` rows differ in anything this projection writes. */
export function ordersCurrentChanged(before: OrdersCurrentRow | undefined, after: OrdersCurrentRow): boolean {
  if (!before) return true;
  for (const k of Object.keys(after) as (keyof OrdersCurrentRow)[]) {
    if (k === "is_urgent") continue;
    if (before[k] !== after[k]) return true;
  }
  return false;
}

/** Upserts `orders_current` rows (keeps `is_urgent`, which the urgency projection owns). */
export async function writeOrdersCurrent(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly OrdersCurrentRow[],
): Promise<void> {
  await writeRows(db, schema, "orders_current", rows, {
    keys: ["project_id", "order_id"],
    action: "replace",
    keep: ["is_urgent"],
  });
}
