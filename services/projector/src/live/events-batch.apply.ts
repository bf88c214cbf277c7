import {
  type DomainEvent,
  type EventOfType,
  type OrderUpdatedNotice,
  orderUpdatesSubject,
  type SubjectRoot,
} from "@pulse/events";
import type { Database, ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { readCheckpoint, writeCheckpoint } from "../checkpoints.repository.js";
import { getOrCreate } from "../collections.js";
import { applyConversationEvents } from "../projections/conversations.projection.js";
import { crmUsersProjection } from "../projections/crm-users.projection.js";
import {
  type DeadLetterRow,
  deadLetterRow,
  writeDeadLetters,
} from "../projections/dead-letters.projection.js";
import { dealsProjection } from "../projections/deals-current.projection.js";
import {
  changedStatusIds,
  dictionaryProjection,
  emptyDictionary,
  isKnownStatus,
  loadDictionaries,
  type ProjectDictionary,
  resolutionChange,
} from "../projections/dictionary.projection.js";
import { messageKey } from "../projections/messages.projection.js";
import {
  applyDurationStatsLive,
  loadOrderStatsInputs,
  loadProjectTimeZone,
  type OrderStatsInput,
} from "../projections/order-duration-stats.projection.js";
import { loadOrderItems, orderItemsProjection } from "../projections/order-items.projection.js";
import { loadOrderOverrides, orderOverridesProjection } from "../projections/order-overrides.projection.js";
import {
  loadOrderEvents,
  loadOrdersCurrent,
  type OrdersCurrentRow,
  orderKey,
  orderRowsOf,
  orderStatusEventRow,
  ordersCurrentChanged,
  type StoredOrderEvent,
  statusEventOf,
  writeOrdersCurrent,
} from "../projections/order-status.projection.js";
import { applyLive, type PositionedEvent, writeStates } from "../projections/projection.js";
import { decodeForProjection } from "../projections/projection-decode.js";
import { projectsProjection } from "../projections/projects.projection.js";
import {
  isSettingsEvent,
  loadAnalyticsSettings,
  RECOMPUTE_EVENT_TYPES,
  type SettingsEvent,
  settingsProjection,
} from "../projections/settings.projection.js";
import {
  applyDeliveryInputs,
  DeliveryTally,
  insertDealEventKeys,
  type StatsRow,
  writeStatsIncrements,
} from "../projections/webhook-stats.projection.js";
import { requestRecompute } from "../recompute/recompute.requests.js";
import { diffOrderStates, loadOrderDiffStates, replayDiffOf } from "../replay/replay-diff.js";
import { inSchema, writeRows } from "../replay/table-writer.js";
import type { StreamMessage } from "../stream-message.js";

/**
 * Where and how a batch of the events stream is applied.
 * - `schema`: the read-model schema (`rm` live; a replay's schema during its catch-up).
 * - `stream`: the events stream name (recorded with dead letters).
 * - `scheme`: subject root for notices.
 * - `produceNotices`: write `order_updated` notices to `ops.outbox` (false in replay mode).
 * - `assertContiguous`: optional check that the batch continues the checkpoint (the live projector
 *   passes `assertNoGap`); it throws to abort the batch.
 */
export interface EventsApplyOptions {
  readonly schema: string;
  readonly stream: string;
  readonly scheme: SubjectRoot;
  readonly produceNotices: boolean;
  readonly assertContiguous?: (after: number, seqs: readonly number[]) => Promise<void>;
}

/**
 * What a batch did. `applied`/`skipped`: messages after / at-or-before the checkpoint (a skipped
 * message is a redelivery: no-op). `poison`: sequences dead-lettered (to `term`).
 * `refreshRequests`: project → status ids unknown to its dictionary. `notices`: outbox rows written.
 * `recomputes`: `ops.replays` rows inserted as `running` (settings changes, and dictionary syncs
 * that move a status to another group or change its closing flag, to recompute over all history;
 * live mode only).
 */
export interface EventsBatchOutcome {
  checkpointBefore: number;
  checkpointAfter: number;
  applied: number;
  skipped: number;
  poison: Set<number>;
  refreshRequests: Map<string, Set<number>>;
  notices: number;
  lateDuplicates: number;
  recomputes: number;
}

type Decoded =
  | { msg: StreamMessage; event: DomainEvent }
  | { msg: StreamMessage; event: null; reason: string };

const ORDER_CHUNK = 1000;

/**
 * Applies a batch of events-stream messages inside the caller's transaction `trx` (which already
 * holds the projector lock): skips messages at or before the checkpoint of `schema`, decodes the
 * rest (poison → `dead_letters`), folds them in stream order into the read models, advances the
 * checkpoint to the batch's last sequence and, unless replaying, writes `order_updated` notices to
 * `ops.outbox` — all in `trx`, so the rows and the checkpoint commit together (STYLE.md rule 4).
 *
 * Order read models are recomputed per affected order from all its stored events with the pure
 * domain rules; a dedup-key conflict is a late duplicate (stored again after the stream's duplicate
 * window: no row changes). Each webhook delivery among the events is counted in `webhook_stats` from
 * whether its events were new to the read models (`DeliveryTally`).
 * A `dictionary.statuses_synced` is applied at its stream position: the events before it resolve
 * against the old dictionary, the ones after against the new one; a sync that changes the group or
 * closing flag of a status in use recomputes (see `EventsBatch.applySync`).
 * @throws Postgres errors (the caller rolls back and retries the batch).
 */
export async function applyEventsBatch(
  trx: Kysely<Database>,
  messages: readonly StreamMessage[],
  opts: EventsApplyOptions,
): Promise<EventsBatchOutcome> {
  const db = inSchema(trx, opts.schema);
  const checkpoint = await readCheckpoint(db, "events");
  const bySeq = new Map<number, StreamMessage>();
  for (const m of messages) if (m.seq > checkpoint) bySeq.set(m.seq, m);
  const fresh = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const outcome: EventsBatchOutcome = {
    checkpointBefore: checkpoint,
    checkpointAfter: checkpoint,
    applied: fresh.length,
    skipped: messages.length - fresh.length,
    poison: new Set(),
    refreshRequests: new Map(),
    notices: 0,
    lateDuplicates: 0,
    recomputes: 0,
  };
  const last = fresh[fresh.length - 1];
  if (!last) return outcome;
  await opts.assertContiguous?.(
    checkpoint,
    fresh.map((m) => m.seq),
  );

  const batch = new EventsBatch(trx, db, opts, outcome);
  let segment: Decoded[] = [];
  for (const msg of fresh) {
    const r = decodeForProjection(msg.data);
    const d: Decoded = r.ok ? { msg, event: r.event } : { msg, event: null, reason: r.reason };
    if (d.event?.type === "dictionary.statuses_synced") {
      await batch.applySegment(segment);
      segment = [];
      await batch.applySync(msg.seq, d.event);
    } else if (d.event && isSettingsEvent(d.event)) {
      // A settings change applies at its stream position: the orders before it use the old settings.
      await batch.applySegment(segment);
      segment = [];
      await batch.applySettings(msg.seq, d.event);
    } else {
      segment.push(d);
    }
  }
  await batch.applySegment(segment);
  await writeCheckpoint(db, opts.schema, "events", last.seq, last.timestamp);
  outcome.checkpointAfter = last.seq;
  if (opts.produceNotices) await batch.writeNotices();
  return outcome;
}

/** The state of one batch: dictionaries loaded so far and the notices to write. */
class EventsBatch {
  private readonly dictionaries = new Map<string, ProjectDictionary>();
  private readonly notices = new Map<string, { row: OrdersCurrentRow; seq: number; reason: string }>();

  constructor(
    private readonly trx: Kysely<Database>,
    private readonly db: Kysely<ReadModels>,
    private readonly opts: EventsApplyOptions,
    private readonly outcome: EventsBatchOutcome,
  ) {}

  private async dictionariesOf(projectIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(projectIds)].filter((p) => !this.dictionaries.has(p));
    if (missing.length === 0) return;
    for (const [p, d] of await loadDictionaries(this.db, missing)) this.dictionaries.set(p, d);
  }

  private dictionary(projectId: string): ProjectDictionary {
    return this.dictionaries.get(projectId) ?? emptyDictionary(projectId);
  }

  /** Applies a run of messages that contains no dictionary sync. */
  async applySegment(items: readonly Decoded[]): Promise<void> {
    if (items.length === 0) return;
    const { schema } = this.opts;
    const deadLetters: DeadLetterRow[] = [];
    const positioned: PositionedEvent[] = [];
    const orders = new Map<string, { seq: number; event: EventOfType<"order.status_changed"> }[]>();
    const itemEvents: { seq: number; event: EventOfType<"order.items_fetched"> }[] = [];
    const overrideEvents: { seq: number; event: EventOfType<"order.overrides_changed"> }[] = [];
    // Whether each webhook event was new: status events by `order_status_events`, chat messages by
    // `messages`, other deal events by `deal_event_keys`.
    const tally = new DeliveryTally();
    const dealKeyEvents = new Map<string, DomainEvent[]>();
    const chatEvents: EventOfType<"chat.message_received">[] = [];
    for (const item of items) {
      if (item.event === null) {
        deadLetters.push(deadLetterRow(this.opts.stream, item.msg, item.reason));
        this.outcome.poison.add(item.msg.seq);
        continue;
      }
      const event = item.event;
      positioned.push({ seq: item.msg.seq, event });
      const statusEvent = statusEventOf(event);
      if (statusEvent) {
        getOrCreate(orders, event.project_id, () => []).push({ seq: item.msg.seq, event: statusEvent });
      } else if (
        event.type === "deal.created" ||
        event.type === "deal.updated" ||
        event.type === "deal.deleted"
      ) {
        getOrCreate(dealKeyEvents, event.project_id, () => []).push(event);
      }
      if (event.type === "chat.message_received") chatEvents.push(event);
      if (event.type === "order.items_fetched") itemEvents.push({ seq: item.msg.seq, event });
      if (event.type === "order.overrides_changed") overrideEvents.push({ seq: item.msg.seq, event });
    }

    await writeDeadLetters(this.db, schema, deadLetters);

    await applyLive(this.db, schema, projectsProjection, positioned);
    await applyLive(this.db, schema, crmUsersProjection, positioned);
    await applyLive(this.db, schema, dealsProjection, positioned);

    // Items and overrides are stored first; their orders are recomputed after the status events'.
    const extra = await this.applyItemsAndOverrides(itemEvents, overrideEvents);

    for (const [projectId, events] of dealKeyEvents) {
      const fresh = await insertDealEventKeys(
        this.db,
        schema,
        projectId,
        events.map((e) => e.dedup_key),
      );
      for (const e of events) {
        tally.note(e, fresh.delete(e.dedup_key));
      }
    }

    if (orders.size > 0) {
      await this.dictionariesOf(orders.keys());
      for (const [projectId, list] of orders) {
        const dict = this.dictionary(projectId);
        const keys = [...new Set(list.map((o) => o.event.dedup_key))];
        const seen = new Set<string>();
        for (let i = 0; i < keys.length; i += ORDER_CHUNK) {
          const existing = await this.db
            .selectFrom("order_status_events")
            .select("dedup_key")
            .where("project_id", "=", projectId)
            .where("dedup_key", "in", keys.slice(i, i + ORDER_CHUNK))
            .execute();
          for (const r of existing) seen.add(r.dedup_key);
        }
        const rows: StoredOrderEvent[] = [];
        const touched = new Map<number, number>();
        for (const { seq, event } of list) {
          const d = event.data;
          if (!isKnownStatus(dict, d.status_id, d.status_group_id))
            this.requestRefresh(projectId, d.status_id);
          if (seen.has(event.dedup_key)) {
            tally.note(event, false);
            this.outcome.lateDuplicates++;
            continue;
          }
          seen.add(event.dedup_key);
          tally.note(event, true);
          rows.push(orderStatusEventRow(event, seq, dict));
          touched.set(d.order_id, seq);
        }
        await writeRows(this.db, schema, "order_status_events", rows);
        await this.recomputeOrders(projectId, touched, dict, "status_changed");
        for (const orderId of touched.keys()) extra.touched.get(projectId)?.delete(orderId);
      }
    }
    if (extra.touched.size > 0) {
      await this.dictionariesOf(extra.touched.keys());
      for (const [projectId, touched] of extra.touched) {
        await this.recomputeOrders(projectId, touched, this.dictionary(projectId), "order_context_changed");
      }
    }
    await extra.finish();
    if (chatEvents.length > 0) await this.noteChatEvents(tally, chatEvents);
    if (!tally.empty) {
      const stats = new Map<string, StatsRow>(tally.events);
      await applyDeliveryInputs(this.db, schema, stats, tally.inputs());
      await writeStatsIncrements(this.db, schema, [...stats.values()]);
    }
    // Last: the shift deal rows read the status events and deal snapshots written above.
    await applyConversationEvents(this.db, schema, positioned);
  }

  /**
   * Notes in `tally` whether each chat message (stream order) is new: its `(project, source,
   * message_id)` neither in `messages` yet (read before this segment writes them) nor earlier in
   * the segment.
   */
  private async noteChatEvents(
    tally: DeliveryTally,
    events: readonly EventOfType<"chat.message_received">[],
  ): Promise<void> {
    const known = new Set<string>();
    const byProject = new Map<string, string[]>();
    for (const e of events) getOrCreate(byProject, e.project_id, () => []).push(e.data.message_id);
    for (const [projectId, ids] of byProject) {
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += ORDER_CHUNK) {
        const rows = await this.db
          .selectFrom("messages")
          .select(["source", "message_id"])
          .where("project_id", "=", projectId)
          .where("message_id", "in", unique.slice(i, i + ORDER_CHUNK))
          .execute();
        for (const r of rows) known.add(messageKey(projectId, r.source, r.message_id));
      }
    }
    for (const e of events) {
      const key = messageKey(e.project_id, e.data.source, e.data.message_id);
      tally.note(e, !known.has(key));
      known.add(key);
    }
  }

  /**
   * Stores `order.items_fetched` / `order.overrides_changed` rows (stream order; see
   * `evolveOrderItems`, `overridesRow`) and returns the orders to recompute per project (order id →
   * causing stream position). In live mode, `finish()` (to call after the recomputation) writes one
   * `ops.replays` row per overrides event — status `done`, the diff of that order (an override is
   * recomputed in place, no replay) — so the API's `replay_url` of an override works.
   */
  private async applyItemsAndOverrides(
    itemEvents: readonly { seq: number; event: EventOfType<"order.items_fetched"> }[],
    overrideEvents: readonly { seq: number; event: EventOfType<"order.overrides_changed"> }[],
  ): Promise<{ touched: Map<string, Map<number, number>>; finish: () => Promise<void> }> {
    const touched = new Map<string, Map<number, number>>();
    const none = { touched, finish: async () => undefined };
    if (itemEvents.length === 0 && overrideEvents.length === 0) return none;
    const { schema } = this.opts;
    const changed = [
      ...(await applyLive(this.db, schema, orderItemsProjection, itemEvents)).values(),
      ...(await applyLive(this.db, schema, orderOverridesProjection, overrideEvents)).values(),
    ];
    for (const { key, seq } of changed)
      getOrCreate(touched, key.projectId, () => new Map<number, number>()).set(key.id, seq);
    if (!this.opts.produceNotices || overrideEvents.length === 0) return { touched, finish: none.finish };
    const before = new Map<string, Awaited<ReturnType<typeof loadOrderDiffStates>>>();
    for (const { event } of overrideEvents) {
      const p = event.project_id;
      if (!before.has(p)) {
        const ids = [
          ...new Set(
            overrideEvents.filter((o) => o.event.project_id === p).map((o) => o.event.data.order_id),
          ),
        ];
        before.set(p, await loadOrderDiffStates(this.db, p, ids));
      }
    }
    const finish = async () => {
      const rows = [];
      for (const { event } of overrideEvents) {
        const p = event.project_id;
        const id = event.data.order_id;
        const after = await loadOrderDiffStates(this.db, p, [id]);
        const diff = replayDiffOf([diffOrderStates(id, before.get(p)?.get(id), after.get(id))]);
        rows.push({
          id: event.id,
          project_id: p,
          reason: event.type,
          trigger_event_id: event.id,
          requested_by: event.data.changed_by,
          status: "done",
          events_total: 0,
          events_done: 0,
          started_at: new Date(),
          finished_at: new Date(),
          error: null,
          diff: JSON.stringify(diff),
        });
      }
      await this.trx
        .insertInto("ops.replays")
        .values(rows)
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    };
    return { touched, finish };
  }

  /**
   * Applies a settings change: upserts `rm.settings`. The order read models are NOT recomputed here
   * (that is a rebuild over all history); in live mode a change of working hours, SLA, cycle or
   * urgent rules inserts an `ops.replays` row (id = the event id, status `running`) in this
   * transaction, which the projector's recompute scheduler picks up after the commit.
   */
  async applySettings(seq: number, event: SettingsEvent): Promise<void> {
    await applyLive(this.db, this.opts.schema, settingsProjection, [{ seq, event }]);
    if (!this.opts.produceNotices || !RECOMPUTE_EVENT_TYPES.has(event.type)) return;
    await this.requestRecomputeFor(event, event.data.changed_by);
  }

  /**
   * Applies a dictionary sync at its stream position: upserts the dictionary and finds the stored
   * status events whose resolved group or closing flag the new dictionary changes
   * (`resolutionChange`; only ids whose dictionary rows changed are looked at, so a refresh that
   * changes nothing costs no query).
   * - A status that had no group at all (`learned`: unknown to the old dictionary and delivered
   *   without one) is filled in place: its orders are recomputed now.
   * - A status whose group (the old dictionary's or the delivery's) or closing flag the new
   *   dictionary changes (`moved`) is a change of the rules the read models were built with (SPEC "When the
   *   dictionary moves a status to another group, the read models follow"): in live mode it inserts
   *   an `ops.replays` row (id = the sync event's id, `running`) for the recompute scheduler, as a
   *   settings change does; in replay mode (no scheduler) its orders are recomputed in place.
   */
  async applySync(seq: number, event: EventOfType<"dictionary.statuses_synced">): Promise<void> {
    const projectId = event.project_id;
    await this.dictionariesOf([projectId]);
    const before = this.dictionary(projectId);
    const after = dictionaryProjection.evolve(before, event, seq) ?? before;
    this.dictionaries.set(projectId, after);
    await writeStates(this.db, this.opts.schema, dictionaryProjection, [after]);

    const changed = [...changedStatusIds(before, after)];
    if (changed.length === 0) return;
    const uses = await sql<{
      order_id: string | number;
      status_id: string | number;
      event_group_id: string | number | null;
    }>`
      SELECT DISTINCT order_id, status_id, event_group_id FROM ${sql.id(this.opts.schema, "order_status_events")}
      WHERE project_id = ${projectId} AND status_id = ANY(${changed}::int8[])`.execute(this.trx);
    const inPlace = new Map<number, number>();
    let moved = false;
    for (const r of uses.rows) {
      const group = r.event_group_id === null ? null : Number(r.event_group_id);
      const change = resolutionChange(before, after, Number(r.status_id), group);
      if (change === "none") continue;
      if (change === "moved") moved = true;
      if (change === "learned" || !this.opts.produceNotices) inPlace.set(Number(r.order_id), seq);
    }
    await this.recomputeOrders(projectId, inPlace, after, "dictionary_synced");
    if (moved && this.opts.produceNotices) await this.requestRecomputeFor(event, null);
  }

  /**
   * Inserts the `ops.replays` row (id = the triggering event's id, status `running`) that the
   * projector's recompute scheduler picks up after this transaction commits; counts it in
   * `outcome.recomputes` unless it existed (a redelivered trigger).
   */
  private async requestRecomputeFor(event: DomainEvent, requestedBy: string | null): Promise<void> {
    const inserted = await requestRecompute(this.trx, {
      id: event.id,
      projectId: event.project_id,
      reason: event.type,
      triggerEventId: event.id,
      requestedBy,
    });
    if (inserted) this.outcome.recomputes++;
  }

  private requestRefresh(projectId: string, statusId: number): void {
    getOrCreate(this.outcome.refreshRequests, projectId, () => new Set<number>()).add(statusId);
  }

  /**
   * Recomputes the intervals, group SLA and `orders_current` of the given orders (order id → the stream
   * position that caused it) from all their stored events; records a notice for each order whose
   * `orders_current` row changed.
   */
  private async recomputeOrders(
    projectId: string,
    orders: ReadonlyMap<number, number>,
    dict: ProjectDictionary,
    reason: string,
  ): Promise<void> {
    const ids = [...orders.keys()].sort((a, b) => a - b);
    const { schema } = this.opts;
    if (ids.length === 0) return;
    const settings = await loadAnalyticsSettings(this.db, projectId);
    const timeZone = await loadProjectTimeZone(this.db, projectId);
    for (let i = 0; i < ids.length; i += ORDER_CHUNK) {
      const chunk = ids.slice(i, i + ORDER_CHUNK);
      const events = await loadOrderEvents(this.db, projectId, chunk);
      const statsBefore = await loadOrderStatsInputs(this.db, projectId, chunk);
      const statsAfter: OrderStatsInput[] = [];
      const before = await loadOrdersCurrent(this.db, projectId, chunk);
      const items = await loadOrderItems(this.db, projectId, chunk);
      const overrides = await loadOrderOverrides(this.db, projectId, chunk);
      const intervals = [];
      const groups = [];
      const cycles = [];
      const currents: OrdersCurrentRow[] = [];
      const flipKeys: string[] = [];
      const flipValues: boolean[] = [];
      const flipGroups: (number | null)[] = [];
      for (const orderId of chunk) {
        const list = events.get(orderId);
        if (!list || list.length === 0) continue;
        const rows = orderRowsOf(list, {
          dict,
          settings,
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
        if (ordersCurrentChanged(before.get(orderId), rows.current)) {
          this.notices.set(orderKey(projectId, orderId), {
            row: rows.current,
            seq: orders.get(orderId)!,
            reason,
          });
        }
      }
      await this.db
        .deleteFrom("order_status_intervals")
        .where("project_id", "=", projectId)
        .where("order_id", "in", chunk)
        .execute();
      await writeRows(this.db, schema, "order_status_intervals", intervals);
      await this.db
        .deleteFrom("order_group_sla")
        .where("project_id", "=", projectId)
        .where("order_id", "in", chunk)
        .execute();
      await writeRows(this.db, schema, "order_group_sla", groups);
      await this.db
        .deleteFrom("order_cycle_metrics")
        .where("project_id", "=", projectId)
        .where("order_id", "in", chunk)
        .execute();
      await writeRows(this.db, schema, "order_cycle_metrics", cycles);
      await writeOrdersCurrent(this.db, schema, currents);
      await applyDurationStatsLive(
        this.db,
        schema,
        projectId,
        timeZone,
        [...statsBefore.values()],
        statsAfter,
      );
      if (flipKeys.length > 0) {
        await sql`
          UPDATE ${sql.id(schema, "order_status_events")} AS e SET is_effective = f.v, status_group_id = f.g
          FROM unnest(${flipKeys}::text[], ${flipValues}::bool[], ${flipGroups}::int8[]) AS f(k, v, g)
          WHERE e.project_id = ${projectId} AND e.dedup_key = f.k`.execute(this.trx);
      }
    }
  }

  /** Writes one `order_updated` notice per changed order into `ops.outbox`. */
  async writeNotices(): Promise<void> {
    if (this.notices.size === 0) return;
    const ordered = [...this.notices.values()].sort(
      (a, b) =>
        a.seq - b.seq || a.row.project_id.localeCompare(b.row.project_id) || a.row.order_id - b.row.order_id,
    );
    const rows = ordered.map(({ row, seq, reason }) => {
      const notice: OrderUpdatedNotice = {
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
      return {
        subject: orderUpdatesSubject(this.opts.scheme, row.project_id),
        msg_id: `notice:${seq}:${row.project_id}:${row.order_id}`,
        payload: JSON.stringify(notice),
      };
    });
    await this.trx.insertInto("ops.outbox").values(rows).execute();
    this.outcome.notices += rows.length;
  }
}
