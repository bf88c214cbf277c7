import {
  analyzeOrder,
  compareStatusEvents,
  deriveOrderIntervals,
  isClosingInDictionary,
  type OrderAnalyticsSettings,
  type OrderOverrides,
  parseOrderAnalyticsSettings,
  type StatusResolver,
  type UrgencyOrderItem,
} from "@pulse/domain";
import type { DomainEvent, EventOfType, OrderUpdatedNotice } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { getOrCreate } from "../collections.js";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import {
  changedStatusIds,
  type ProjectDictionary,
  resolutionChange,
  resolveInDictionary,
} from "./dictionary.projection.js";
import {
  applyDurationStatsLive,
  loadOrderStatsInputs,
  loadProjectTimeZone,
  type OrderStatsInput,
} from "./order-duration-stats.projection.js";
import { loadOrderItems, type OrderItemsState, urgencyItems } from "./order-items.projection.js";
import { loadOrderOverrides, type OrderOverridesRow, overridesOf } from "./order-overrides.projection.js";
import { loadRowsByIds, type Projection } from "./projection.js";
import { storedEventFacts } from "./webhook-stats.projection.js";

/**
 * A `rm.order_status_events` row as the projector handles it in memory: times as ISO-8601 UTC
 * strings with milliseconds. `event_group_id` is the group the delivery carried;
 * `status_group_id` the group resolved from it by the dictionary as it is now
 * ({@link resolveInDictionary}; re-resolved with the order's intervals). `is_effective` is
 * recomputed with the order's intervals. `time_source`: whether the CRM stated the time or the
 * receive time stood in.
 */
export type StoredOrderEvent = RowOf<"order_status_events"> & { time_source: "crm" | "received" };

/** A `rm.order_status_intervals` row. */
export type IntervalRow = RowOf<"order_status_intervals">;
/** A `rm.orders_current` row. */
export type OrdersCurrentRow = RowOf<"orders_current">;
/** A `rm.order_group_sla` row. */
export type GroupSlaRow = RowOf<"order_group_sla">;
/** A `rm.order_cycle_metrics` row. */
export type CycleMetricsRow = RowOf<"order_cycle_metrics">;

/**
 * What an order's analytics depend on besides its events: the project's CURRENT settings (at the
 * stream position being applied; a replay uses the final ones), the order's items (`null` = never
 * fetched) and its overrides (`null` = none).
 */
export interface OrderContext {
  readonly settings: OrderAnalyticsSettings;
  readonly items: readonly UrgencyOrderItem[] | null;
  readonly overrides: OrderOverrides | null;
}

/** SPEC defaults: 24/7 in UTC, no SLA, no cycle or urgent rules. */
const DEFAULT_SETTINGS: OrderAnalyticsSettings = parseOrderAnalyticsSettings({}, "UTC");

/** The context of an order of a project that never changed its settings, without items or overrides. */
export const DEFAULT_ORDER_CONTEXT: OrderContext = {
  settings: DEFAULT_SETTINGS,
  items: null,
  overrides: null,
};

/** Key of an order across projects: `"{project}\u0000{order}"`. */
export function orderKey(projectId: string, orderId: number): string {
  return `${projectId}\u0000${orderId}`;
}

/**
 * The status event an event contributes to its order's history, or `null`:
 * - `order.status_changed` is itself;
 * - `deal.created` (amoCRM `leads[add]`) is the lead's initial status — the stage it was created in,
 *   from its creation time (`created_at`, else the event time) — so a lead that never moved still
 *   has an interval, as a KeyCRM order has from its first delivery (SPEC "amoCRM deals": leads use
 *   the order-status model). A Digital-Pipeline add carries no time: its receive time is used and it
 *   is absorbed like any time-less repeat. Its dedup key is the `deal.created` key (`…:add:…`), so
 *   it never collides with a status change. A lead snapshot without a stage or pipeline gives `null`.
 */
export function statusEventOf(event: DomainEvent): EventOfType<"order.status_changed"> | null {
  if (event.type === "order.status_changed") return event;
  if (event.type !== "deal.created") return null;
  const lead = event.data.lead;
  if (lead.status_id === null || lead.pipeline_id === null) return null;
  const at = lead.created_at ?? event.occurred_at;
  return {
    ...event,
    type: "order.status_changed",
    version: 1,
    data: {
      order_id: lead.lead_id,
      status_id: lead.status_id,
      status_group_id: lead.pipeline_id,
      status_changed_at: at,
      time_source: event.data.minimal ? "received" : "crm",
      order_created_at: lead.created_at,
      previous_status_id: null,
      manager_id: lead.responsible_user_id,
      crm_event: event.data.minimal ? "leads.dp_add" : "leads.add",
      lead: null,
    },
  };
}

/**
 * Builds the stored row of an `order.status_changed` at stream position `seq`: `event_group_id` is
 * the event's group; `status_group_id` the group {@link resolveInDictionary} gives with `dict`
 * (the dictionary's, else the event's, else `null`).
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
    status_group_id: resolveInDictionary(dict, d.status_id, d.status_group_id).group_id,
    event_group_id: d.status_group_id,
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

/** What the `order_status_events` declaration reads besides the event: the project's dictionary now. */
export interface StatusEventsContext {
  /** The dictionary of `projectId` at the event's stream position. */
  dictionaryOf(projectId: string): ProjectDictionary;
}

/**
 * The `rm.order_status_events` projection — the dedup of status facts (SPEC "Dedup"; the event's
 * dedup key doc): one state per `(project, dedup_key)`, the first sight's row
 * ({@link orderStatusEventRow}, group resolved with the dictionary of `context`); a later event of a
 * stored key is a late duplicate (stored again after the stream's duplicate window) and changes
 * nothing. Handles `order.status_changed` and a lead's creation ({@link statusEventOf}). Emits
 * whether each event was new for the webhook tally ({@link storedEventFacts}). Its `is_effective`
 * and resolved group are rewritten by the order rows ({@link orderRowsOf}).
 */
export const orderStatusEventsProjection: Projection<
  EventOfType<"order.status_changed" | "deal.created">,
  StoredOrderEvent,
  string,
  StatusEventsContext
> = {
  name: "order_status_events",
  eventTypes: new Set(["order.status_changed", "deal.created"]),
  keyOf: (event) => (statusEventOf(event) ? { projectId: event.project_id, id: event.dedup_key } : null),
  evolve: (row, event, seq, context) =>
    row ?? orderStatusEventRow(statusEventOf(event)!, seq, context.dictionaryOf(event.project_id)),
  emit: (before, after, event) => storedEventFacts(event, after !== before),
  rows: (row) => ({ order_status_events: [row] }),
  load: async (db, projectId, ids) =>
    new Map(
      (await loadRowsByIds(db, "order_status_events", projectId, "dedup_key", ids)).map((r) => [
        r.dedup_key,
        storedEventOf(r),
      ]),
    ),
};

/**
 * The derived rows of one order: its intervals, its SLA per status group it visited
 * (`order_group_sla`), its `orders_current` row, its cycle metrics (one per project cycle rule it
 * has a cycle for), effective flags and resolved groups per dedup key.
 */
export interface OrderRows {
  readonly intervals: IntervalRow[];
  readonly groups: GroupSlaRow[];
  readonly current: OrdersCurrentRow;
  readonly cycles: CycleMetricsRow[];
  readonly effective: ReadonlyMap<string, boolean>;
  /** Dedup key → the event's resolved status group (`null` = unknown). */
  readonly eventGroups: ReadonlyMap<string, number | null>;
}

/**
 * The {@link StatusResolver} of stored events with a project's dictionary: the group of an event is
 * {@link resolveInDictionary} of its status and delivered group (`event_group_id`); closing is the
 * dictionary's `is_closing_order` of the resolved `(group, status)` (SPEC "Decided rules").
 */
export function storedEventResolver(dict: ProjectDictionary): StatusResolver<StoredOrderEvent> {
  const cache = new Map<string, number | null>();
  return {
    groupOf(event) {
      const key = `${event.status_id}:${event.event_group_id}`;
      let g = cache.get(key);
      if (g === undefined) {
        g = resolveInDictionary(dict, event.status_id, event.event_group_id).group_id;
        cache.set(key, g);
      }
      return g;
    },
    isClosing: (status) => isClosingInDictionary(dict.byStatus, status.status_group_id, status.status_id),
  };
}

/**
 * Derives the intervals and the `orders_current` row of one order from ALL its stored events with
 * the pure domain rules (`deriveOrderIntervals`), resolving groups and closing statuses with the
 * project's dictionary as it is now ({@link storedEventResolver}). The order's `source` is that of its earliest event (source-time order);
 * `last_event_seq` is the highest stream position among its events. Working time, SLA, urgency and
 * cycles come from `analyzeOrder` (`@pulse/domain`) with `context` — a function of the stream only
 * (no clock), so a replay writes what the live projector wrote.
 * @throws Error when `events` is empty (an order exists only through its events).
 */
export function buildOrderRows(
  events: readonly StoredOrderEvent[],
  dict: ProjectDictionary,
  context: OrderContext = DEFAULT_ORDER_CONTEXT,
): OrderRows {
  const firstStored = events[0];
  if (!firstStored) throw new Error("buildOrderRows: an order without events");
  const sortedFirst = events.reduce((a, b) => (compareStatusEvents(a, b) <= 0 ? a : b));
  const source = sortedFirst.source;
  const result = deriveOrderIntervals(events, storedEventResolver(dict));
  const { project_id, order_id } = firstStored;
  const summary = result.summary!;
  let lastSeq = 0;
  for (const e of events) if (e.stream_seq > lastSeq) lastSeq = e.stream_seq;
  const a = analyzeOrder({
    intervals: result.intervals,
    items: context.items,
    overrides: context.overrides,
    settings: context.settings,
  });
  const cycle = a.cycle;
  return {
    intervals: result.intervals.map((iv, i) => ({
      project_id,
      order_id,
      seq: iv.seq,
      status_id: iv.status_id,
      status_group_id: iv.status_group_id,
      started_at: iv.started_at,
      ended_at: iv.ended_at,
      duration_seconds: iv.durationSeconds,
      ...a.intervals[i]!,
    })),
    groups: a.groups.map((g) => ({ project_id, order_id, ...g })),
    cycles: a.cycles.map((c) => ({
      project_id,
      order_id,
      rule_name: c.rule,
      started_at: c.startedAt,
      ended_at: c.endedAt,
      wall_seconds: c.wallSeconds,
      working_seconds: c.workingSeconds,
      is_open: c.open,
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
      is_urgent: a.urgent,
      status_events: summary.status_events,
      last_event_seq: lastSeq,
      urgent_source: a.urgentSource,
      urgent_rule: a.urgentRule,
      urgent_since: a.urgentSince,
      delivery_entered_at: a.deliveryEnteredAt,
      cycle_rule: cycle?.rule ?? null,
      cycle_started_at: cycle?.startedAt ?? null,
      cycle_ended_at: cycle?.endedAt ?? null,
      cycle_wall_seconds: cycle?.wallSeconds ?? null,
      cycle_working_seconds: cycle?.workingSeconds ?? null,
      sla_next_transition_at: a.slaNextTransitionAt,
    },
    effective: new Map(result.events.map((r) => [r.event.dedup_key, r.effective])),
    eventGroups: new Map(result.events.map((r) => [r.event.dedup_key, r.status_group_id])),
  };
}

/**
 * What an order's derived rows read besides its stored events: the project's dictionary and
 * analytics settings (as they are at the recomputation), and the order's `order_items` and
 * `order_overrides` states (absent when the order has none).
 */
export interface OrderRowsInputs {
  readonly dict: ProjectDictionary;
  readonly settings: OrderAnalyticsSettings;
  readonly items: OrderItemsState | undefined;
  readonly overrides: OrderOverridesRow | undefined;
}

/**
 * The order rows projection (`order_status_intervals`, `order_group_sla`, `order_cycle_metrics`,
 * `orders_current`, and the `is_effective` / resolved group of each stored event): its state is the
 * order's stored events (key: project and order id), its rows are recomputed from all of them
 * ({@link buildOrderRows}) with the other projections' states in `inputs`. The live projector calls
 * it per affected order after each segment, the replay once per order at the end; both converge
 * to the same rows.
 */
export function orderRowsOf(events: readonly StoredOrderEvent[], inputs: OrderRowsInputs): OrderRows {
  return buildOrderRows(events, inputs.dict, {
    settings: inputs.settings,
    items: inputs.items ? urgencyItems(inputs.items.items) : null,
    overrides: overridesOf(inputs.overrides),
  });
}

/** A stored `order_status_events` row as loaded ({@link loadRowsByIds}) → a {@link StoredOrderEvent}. */
function storedEventOf(r: RowOf<"order_status_events">): StoredOrderEvent {
  return { ...r, time_source: r.time_source === "received" ? "received" : "crm" };
}

/** Loads every stored event of the given orders of one project, grouped by order id. */
export async function loadOrderEvents(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, StoredOrderEvent[]>> {
  const out = new Map<number, StoredOrderEvent[]>();
  for (const r of await loadRowsByIds(db, "order_status_events", projectId, "order_id", orderIds))
    getOrCreate(out, r.order_id, () => []).push(storedEventOf(r));
  return out;
}

/** Loads the `orders_current` rows of the given orders of one project, keyed by order id. */
export async function loadOrdersCurrent(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrdersCurrentRow>> {
  return new Map(
    (await loadRowsByIds(db, "orders_current", projectId, "order_id", orderIds)).map((r) => [r.order_id, r]),
  );
}

/** True when two `orders_current` rows differ in anything this projection writes. */
export function ordersCurrentChanged(before: OrdersCurrentRow | undefined, after: OrdersCurrentRow): boolean {
  if (!before) return true;
  for (const k of Object.keys(after) as (keyof OrdersCurrentRow)[]) {
    if (before[k] !== after[k]) return true;
  }
  return false;
}

/** Upserts `orders_current` rows (every column: urgency, cycle and SLA fields are derived here too). */
export async function writeOrdersCurrent(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly OrdersCurrentRow[],
): Promise<void> {
  await writeRows(db, schema, "orders_current", rows, {
    keys: ["project_id", "order_id"],
    action: "replace",
  });
}

/** Orders per chunk of a live recomputation ({@link recomputeOrderRows}). */
const ORDER_CHUNK = 1000;

/**
 * Live store of the order rows: recomputes the rows of the given orders of one project from all
 * their stored events ({@link orderRowsOf}, with `inputs`' dictionary and settings and the orders'
 * stored items and overrides) and replaces them in `schema` — intervals, group SLA and cycle metrics
 * deleted and inserted per order, `orders_current` upserted, the aggregates (`rm.order_duration_stats`,
 * `rm.order_group_kpi`) moved by the orders' new minus stored contributions, and the `is_effective` /
 * resolved group of the stored events whose value changed rewritten. The replay derives the same rows once per
 * order from its memory store. Returns the `orders_current` rows that changed (what the live
 * projector's `order_updated` notices report), in order id order.
 * @throws the Postgres error (the caller rolls the batch back).
 */
export async function recomputeOrderRows(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
  orderIds: readonly number[],
  inputs: Pick<OrderRowsInputs, "dict" | "settings">,
): Promise<OrdersCurrentRow[]> {
  const ids = [...new Set(orderIds)].sort((a, b) => a - b);
  const changed: OrdersCurrentRow[] = [];
  const timeZone = ids.length === 0 ? null : await loadProjectTimeZone(db, projectId);
  for (let i = 0; i < ids.length; i += ORDER_CHUNK) {
    const chunk = ids.slice(i, i + ORDER_CHUNK);
    const events = await loadOrderEvents(db, projectId, chunk);
    const before = await loadOrdersCurrent(db, projectId, chunk);
    const statsBefore = await loadOrderStatsInputs(db, projectId, chunk);
    const statsAfter: OrderStatsInput[] = [];
    const items = await loadOrderItems(db, projectId, chunk);
    const overrides = await loadOrderOverrides(db, projectId, chunk);
    const intervals: IntervalRow[] = [];
    const groups: GroupSlaRow[] = [];
    const cycles: CycleMetricsRow[] = [];
    const currents: OrdersCurrentRow[] = [];
    const flipKeys: string[] = [];
    const flipValues: boolean[] = [];
    const flipGroups: (number | null)[] = [];
    for (const orderId of chunk) {
      const list = events.get(orderId);
      if (!list || list.length === 0) continue;
      const rows = orderRowsOf(list, {
        ...inputs,
        items: items.get(orderId),
        overrides: overrides.get(orderId),
      });
      for (const row of rows.intervals) intervals.push(row);
      for (const row of rows.groups) groups.push(row);
      for (const row of rows.cycles) cycles.push(row);
      currents.push(rows.current);
      statsAfter.push({
        intervals: rows.intervals,
        groups: rows.groups,
        cycles: rows.cycles,
        isUrgent: rows.current.is_urgent,
      });
      for (const e of list) {
        const eff = rows.effective.get(e.dedup_key) ?? true;
        const group = rows.eventGroups.get(e.dedup_key) ?? null;
        if (eff !== e.is_effective || group !== e.status_group_id) {
          flipKeys.push(e.dedup_key);
          flipValues.push(eff);
          flipGroups.push(group);
        }
      }
      if (ordersCurrentChanged(before.get(orderId), rows.current)) changed.push(rows.current);
    }
    for (const [table, rows] of [
      ["order_status_intervals", intervals],
      ["order_group_sla", groups],
      ["order_cycle_metrics", cycles],
    ] as const) {
      await db.deleteFrom(table).where("project_id", "=", projectId).where("order_id", "in", chunk).execute();
      await writeRows(db, schema, table, rows as RowOf<typeof table>[]);
    }
    await writeOrdersCurrent(db, schema, currents);
    await applyDurationStatsLive(db, schema, projectId, timeZone, [...statsBefore.values()], statsAfter);
    if (flipKeys.length > 0) {
      await sql`
        UPDATE ${sql.id(schema, "order_status_events")} AS e SET is_effective = f.v, status_group_id = f.g
        FROM unnest(${flipKeys}::text[], ${flipValues}::bool[], ${flipGroups}::int8[]) AS f(k, v, g)
        WHERE e.project_id = ${projectId} AND e.dedup_key = f.k`.execute(db);
    }
  }
  return changed;
}

/**
 * The `order_updated` notice of a changed `orders_current` row (the live feed's wire format,
 * `OrderUpdatedNotice` of `@pulse/events`): caused by the event at stream position `seq`, for
 * `reason` (`status_changed`, `order_context_changed`, `dictionary_synced`).
 */
export function orderUpdatedNotice(row: OrdersCurrentRow, seq: number, reason: string): OrderUpdatedNotice {
  return {
    type: "order_updated",
    project_id: row.project_id,
    order_id: row.order_id,
    event_seq: seq,
    reason,
    last_status_id: row.last_status_id,
    last_status_group_id: row.last_status_group_id,
    last_changed_at: row.last_changed_at,
    started_at: row.started_at,
    closed_at: row.closed_at,
  };
}

/**
 * The orders of `projectId` whose stored status events a dictionary sync (`before` → `after`)
 * resolves differently ({@link resolutionChange}; only ids whose dictionary rows changed are looked
 * at, so a refresh that changes nothing costs no query): `learned` — a status that had no group at
 * all now has one (filled in place); `moved` — a status whose group or closing flag changed (SPEC
 * "When the dictionary moves a status to another group, the read models follow": a change of the
 * rules, recomputed over all history). Order ids ascending; an order with statuses of both kinds is
 * in both lists.
 * @throws the Postgres error.
 */
export async function ordersChangedBySync(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
  before: ProjectDictionary,
  after: ProjectDictionary,
): Promise<{ learned: number[]; moved: number[] }> {
  const changed = [...changedStatusIds(before, after)];
  if (changed.length === 0) return { learned: [], moved: [] };
  const uses = await sql<{
    order_id: string | number;
    status_id: string | number;
    event_group_id: string | number | null;
  }>`
    SELECT DISTINCT order_id, status_id, event_group_id FROM ${sql.id(schema, "order_status_events")}
    WHERE project_id = ${projectId} AND status_id = ANY(${changed}::int8[])`.execute(db);
  const learned = new Set<number>();
  const moved = new Set<number>();
  for (const r of uses.rows) {
    const group = r.event_group_id === null ? null : Number(r.event_group_id);
    const change = resolutionChange(before, after, Number(r.status_id), group);
    if (change === "moved") moved.add(Number(r.order_id));
    else if (change === "learned") learned.add(Number(r.order_id));
  }
  const sorted = (ids: Set<number>) => [...ids].sort((a, b) => a - b);
  return { learned: sorted(learned), moved: sorted(moved) };
}
