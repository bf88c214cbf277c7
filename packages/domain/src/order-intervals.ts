/**
 * Order status intervals — the pure core of the order-status analytics (SPEC "Order status
 * analytics": "per order, events sorted by `status_changed_at` (not by arrival); interval i is
 * `[t_i, t_{i+1})` in status i, the last one open until now. Late or out-of-order events correct
 * the intervals they fall into").
 *
 * Everything here is a function of the *set* of an order's status events: the delivery order,
 * duplicates and redeliveries do not change the result, so a live projector (which recomputes an
 * order from all its stored events) and a replay (which folds the stream in memory) produce the
 * same rows. No I/O, no clock: "now" is always an argument.
 *
 * Times are ISO-8601 UTC instants with milliseconds (`2026-10-12T04:27:45.000Z`); string order of
 * such instants equals time order. Durations are in seconds (`durationSeconds`, fractional when
 * the instants have milliseconds).
 */

import {
  isClosingInDictionary,
  resolveStatusGroup,
  type StatusDictionaryIndex,
} from "./status-resolution.js";

/** ISO-8601 UTC instant with milliseconds, as `Date.prototype.toISOString()` writes it. */
export type IsoInstantString = string;

/**
 * The fields of one `order.status_changed` event that the interval rules read (a structural subset
 * of the event's `data` plus its `dedup_key`, so stored rows and decoded events both fit).
 *
 * - `dedup_key`: identity of the fact (SPEC: `project + order + status_changed_at + status_id`);
 *   two events with the same key are one delivery repeated.
 * - `status_group_id`: the KeyCRM status group / amoCRM pipeline the delivery carried; `null` when
 *   it had none (KeyCRM minimal context). {@link StatusResolver.groupOf} decides the group.
 * - `time_source`: `crm` when the CRM gave `status_changed_at`, `received` when the delivery had no
 *   time and the receive time was used (amoCRM Digital-Pipeline bodies, KeyCRM `{id, status_id}`).
 */
export interface OrderStatusEventInput {
  readonly dedup_key: string;
  readonly status_id: number;
  readonly status_group_id: number | null;
  readonly status_changed_at: IsoInstantString;
  readonly time_source: "crm" | "received";
  readonly manager_id: number | null;
  readonly order_created_at: IsoInstantString | null;
}

/** A status identity: `(status_group_id, status_id)`; the group is `null` when unknown. */
export interface StatusRef {
  readonly status_group_id: number | null;
  readonly status_id: number;
}

/**
 * What the interval rules need from the project's status dictionary (SPEC "Decided rules: Group of
 * a status"; build one with {@link dictionaryStatusResolver}).
 *
 * - `groupOf(event)`: the group of the event's status — the dictionary's, else the group the
 *   delivery carried, else `null` (`resolveStatusGroup`). A resolver over stored rows reads the
 *   delivered group from wherever the row keeps it.
 * - `isClosing(status)`: true when entering `status` (its group already resolved) closes the order:
 *   the dictionary's `is_closing_order` (`isClosingInDictionary`).
 */
export interface StatusResolver<E extends OrderStatusEventInput = OrderStatusEventInput> {
  groupOf(event: E): number | null;
  isClosing(status: StatusRef): boolean;
}

/**
 * The {@link StatusResolver} of a dictionary index for events whose `status_group_id` is the group
 * the delivery carried: groups by `resolveStatusGroup`, closing by `isClosingInDictionary`.
 */
export function dictionaryStatusResolver(index: StatusDictionaryIndex): StatusResolver {
  return {
    groupOf: (event) => resolveStatusGroup(index, event.status_id, event.status_group_id),
    isClosing: (status) => isClosingInDictionary(index, status.status_group_id, status.status_id),
  };
}

/**
 * One distinct event after resolution: the input `event` (the representative of its dedup key),
 * its resolved `status_group_id` ({@link StatusResolver.groupOf}), and `effective`: false
 * for an absorbed time-less repeat (see {@link deriveOrderIntervals}).
 */
export interface ResolvedStatusEvent<E extends OrderStatusEventInput = OrderStatusEventInput> {
  readonly event: E;
  readonly status_group_id: number | null;
  readonly effective: boolean;
}

/**
 * Interval `seq` (1-based) of an order: `[started_at, ended_at)` in one status. The last interval
 * is open (`ended_at` and `durationSeconds` are `null`); measure it with {@link intervalSecondsAsOf}.
 * `durationSeconds` is wall-clock seconds (`(ended_at − started_at) / 1000 ms`), ≥ 0.
 * `dedup_key` names the event that opened the interval.
 */
export interface StatusInterval {
  readonly seq: number;
  readonly status_id: number;
  readonly status_group_id: number | null;
  readonly started_at: IsoInstantString;
  readonly ended_at: IsoInstantString | null;
  readonly durationSeconds: number | null;
  readonly dedup_key: string;
}

/**
 * Where an order is now (the status part of SPEC `orders_current`).
 *
 * - `started_at`: time of the first effective event.
 * - `last_status_id` / `last_status_group_id` / `last_changed_at`: the last effective event.
 * - `closed_at`: when the order entered the closing state it is in now (the start of the trailing
 *   run of closing intervals, so `completed → cancelled` keeps the first closing time); `null` when
 *   the current status is not closing.
 * - `status_events`: number of distinct events (absorbed repeats included).
 * - `manager_id`: of the latest event (by source time) that carries one; `null` if none does.
 * - `order_created_at`: the earliest non-null `order_created_at` of the events.
 */
export interface OrderSummary {
  readonly started_at: IsoInstantString;
  readonly last_status_id: number;
  readonly last_status_group_id: number | null;
  readonly last_changed_at: IsoInstantString;
  readonly closed_at: IsoInstantString | null;
  readonly status_events: number;
  readonly manager_id: number | null;
  readonly order_created_at: IsoInstantString | null;
}

/**
 * Result of {@link deriveOrderIntervals}: the distinct events in source-time order, the intervals
 * of the effective ones, and the summary (`null` only when there are no events).
 */
export interface OrderIntervals<E extends OrderStatusEventInput = OrderStatusEventInput> {
  readonly events: readonly ResolvedStatusEvent<E>[];
  readonly intervals: readonly StatusInterval[];
  readonly summary: OrderSummary | null;
}

/**
 * Total order of status events: `status_changed_at`, then `status_id`, then `dedup_key` — never the
 * arrival order, so any delivery order gives the same sequence. Returns <0, 0 or >0 like
 * `Array.prototype.sort` expects (0 only for equal dedup keys).
 */
export function compareStatusEvents(a: OrderStatusEventInput, b: OrderStatusEventInput): number {
  if (a.status_changed_at !== b.status_changed_at) return a.status_changed_at < b.status_changed_at ? -1 : 1;
  if (a.status_id !== b.status_id) return a.status_id - b.status_id;
  if (a.dedup_key !== b.dedup_key) return a.dedup_key < b.dedup_key ? -1 : 1;
  return 0;
}

/**
 * Canonical content of an event, used to pick one representative among deliveries of the same
 * dedup key that differ in details (so the pick does not depend on which arrived first).
 */
function contentKey(e: OrderStatusEventInput): string {
  return JSON.stringify([
    e.status_changed_at,
    e.status_id,
    e.status_group_id,
    e.time_source,
    e.manager_id,
    e.order_created_at,
  ]);
}

/**
 * The distinct events of an order (one per `dedup_key`), sorted by {@link compareStatusEvents}.
 * Among deliveries sharing a key the one with the smallest canonical content is kept, so the result
 * does not depend on the input order.
 */
export function distinctStatusEvents<E extends OrderStatusEventInput>(events: readonly E[]): E[] {
  const byKey = new Map<string, E>();
  for (const e of events) {
    const seen = byKey.get(e.dedup_key);
    if (seen === undefined || contentKey(e) < contentKey(seen)) byKey.set(e.dedup_key, e);
  }
  return [...byKey.values()].sort(compareStatusEvents);
}

function sameStatus(a: StatusRef, b: StatusRef): boolean {
  return a.status_id === b.status_id && a.status_group_id === b.status_group_id;
}

/** Milliseconds between two ISO instants (`to − from`). */
function millisBetween(from: IsoInstantString, to: IsoInstantString): number {
  return Date.parse(to) - Date.parse(from);
}

/**
 * Derives the intervals and the summary of ONE order from its status events (any order, any
 * duplicates).
 *
 * Rules (SPEC "Order status analytics", fixtures README "KeyCRM"/"amoCRM" quirks):
 * 1. Deduplicate by `dedup_key`; sort by source time `status_changed_at`, ties by `status_id` then
 *    `dedup_key` (never arrival).
 * 2. Resolve each status as `(group, status_id)` with `resolver.groupOf` (the dictionary's group
 *    wins over the delivery's, SPEC "Decided rules").
 * 3. A time-less event (`time_source: "received"`) that repeats the status the order already had at
 *    that time is absorbed: not effective, no interval. This is how an amoCRM Digital-Pipeline body
 *    that duplicates a real change adds nothing. An event with a CRM time always counts, so a return
 *    to an earlier status (A, B, A) is a new interval.
 * 4. Interval i is `[t_i, t_{i+1})` in the status of effective event i; the last one is open.
 *
 * Never throws for well-formed instants; an empty input gives no intervals and a `null` summary.
 */
export function deriveOrderIntervals<E extends OrderStatusEventInput>(
  events: readonly E[],
  resolver: StatusResolver<E>,
): OrderIntervals<E> {
  const sorted = distinctStatusEvents(events);
  const resolved: ResolvedStatusEvent<E>[] = [];
  const effective: ResolvedStatusEvent<E>[] = [];
  let current: StatusRef | null = null;
  for (const event of sorted) {
    const status: StatusRef = {
      status_group_id: resolver.groupOf(event),
      status_id: event.status_id,
    };
    const absorbed = event.time_source === "received" && current !== null && sameStatus(current, status);
    const r: ResolvedStatusEvent<E> = {
      event,
      status_group_id: status.status_group_id,
      effective: !absorbed,
    };
    resolved.push(r);
    if (!absorbed) {
      effective.push(r);
      current = status;
    }
  }

  const intervals: StatusInterval[] = effective.map((r, i) => {
    const next = effective[i + 1];
    const ended = next ? next.event.status_changed_at : null;
    return {
      seq: i + 1,
      status_id: r.event.status_id,
      status_group_id: r.status_group_id,
      started_at: r.event.status_changed_at,
      ended_at: ended,
      durationSeconds: ended === null ? null : millisBetween(r.event.status_changed_at, ended) / 1000,
      dedup_key: r.event.dedup_key,
    };
  });

  const first = effective[0];
  const last = effective[effective.length - 1];
  if (!first || !last) return { events: resolved, intervals, summary: null };

  let closedAt: IsoInstantString | null = null;
  for (let i = effective.length - 1; i >= 0; i--) {
    const r = effective[i]!;
    if (!resolver.isClosing({ status_group_id: r.status_group_id, status_id: r.event.status_id })) break;
    closedAt = r.event.status_changed_at;
  }

  let managerId: number | null = null;
  let createdAt: IsoInstantString | null = null;
  for (const { event } of resolved) {
    if (event.manager_id !== null) managerId = event.manager_id;
    if (event.order_created_at !== null && (createdAt === null || event.order_created_at < createdAt)) {
      createdAt = event.order_created_at;
    }
  }

  return {
    events: resolved,
    intervals,
    summary: {
      started_at: first.event.status_changed_at,
      last_status_id: last.event.status_id,
      last_status_group_id: last.status_group_id,
      last_changed_at: last.event.status_changed_at,
      closed_at: closedAt,
      status_events: resolved.length,
      manager_id: managerId,
      order_created_at: createdAt,
    },
  };
}

/**
 * Wall-clock seconds an interval lasted, measured up to `asOf` when it is still open (SPEC: "the
 * last one open until now"; "now" is the caller's `asOf`, an ISO instant). A closed interval returns
 * its `durationSeconds` whatever `asOf` is; an open interval that starts after `asOf` gives 0.
 */
export function intervalSecondsAsOf(
  interval: Pick<StatusInterval, "started_at" | "ended_at" | "durationSeconds">,
  asOf: IsoInstantString,
): number {
  if (interval.ended_at !== null)
    return interval.durationSeconds ?? millisBetween(interval.started_at, interval.ended_at) / 1000;
  return Math.max(0, millisBetween(interval.started_at, asOf) / 1000);
}
