import { type DomainEvent, type EventOfType, orderUpdatesSubject, type SubjectRoot } from "@pulse/events";
import type { Database, ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { readCheckpoint, writeCheckpoint } from "../checkpoints.repository.js";
import { getOrCreate } from "../collections.js";
import { applyShiftDealsLive, loadLinkedPhonesBefore } from "../projections/conversations.projection.js";
import {
  type DeadLetterRow,
  deadLetterRow,
  writeDeadLetters,
} from "../projections/dead-letters.projection.js";
import { dealContactsProjection, type LeadContacts } from "../projections/deal-contacts.projection.js";
import {
  dictionaryProjection,
  emptyDictionary,
  isKnownStatus,
  loadDictionaries,
  type ProjectDictionary,
} from "../projections/dictionary.projection.js";
import { loadProjectTimeZone } from "../projections/order-duration-stats.projection.js";
import { orderItemsProjection } from "../projections/order-items.projection.js";
import { orderOverridesProjection } from "../projections/order-overrides.projection.js";
import {
  type OrdersCurrentRow,
  orderKey,
  orderStatusEventsProjection,
  ordersChangedBySync,
  orderUpdatedNotice,
  recomputeOrderRows,
  type StatusEventsContext,
  statusEventOf,
} from "../projections/order-status.projection.js";
import {
  applyLive,
  applyLiveChain,
  type ChangedStates,
  type PositionedEvent,
  writeStates,
} from "../projections/projection.js";
import { decodeForProjection } from "../projections/projection-decode.js";
import { PROJECTIONS } from "../projections/registry.js";
import {
  isSettingsEvent,
  loadAnalyticsSettings,
  RECOMPUTE_EVENT_TYPES,
  type SettingsEvent,
  settingsProjection,
} from "../projections/settings.projection.js";
import { requestRecompute } from "../recompute/recompute.requests.js";
import { diffOrderStates, loadOrderDiffStates, replayDiffOf } from "../replay/replay-diff.js";
import { inSchema } from "../replay/table-writer.js";
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

/**
 * Applies a batch of events-stream messages inside the caller's transaction `trx` (which already
 * holds the projector lock): skips messages at or before the checkpoint of `schema`, decodes the
 * rest (poison → `dead_letters`), folds them in stream order into the read models, advances the
 * checkpoint to the batch's last sequence and, unless replaying, writes `order_updated` notices to
 * `ops.outbox` — all in `trx`, so the rows and the checkpoint commit together (STYLE.md rule 4).
 *
 * Every read model is a declaration of `projections/` applied by the projection model's live store
 * (`applyLive`, `applyLiveChain`); this function only orders them. The order rows are recomputed per
 * affected order (`recomputeOrderRows`); a dedup-key conflict is a late duplicate (no row changes).
 * Each webhook delivery among the events is counted in `webhook_stats` from the facts the dedup
 * declarations emit (whether its events were new: `WEBHOOK_STATS_CHAIN`).
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
    const statusEvents: PositionedEvent[] = [];
    const overrideEvents: { seq: number; event: EventOfType<"order.overrides_changed"> }[] = [];
    for (const item of items) {
      if (item.event === null) {
        deadLetters.push(deadLetterRow(this.opts.stream, item.msg, item.reason));
        this.outcome.poison.add(item.msg.seq);
        continue;
      }
      const event = item.event;
      positioned.push({ seq: item.msg.seq, event });
      if (statusEventOf(event)) statusEvents.push({ seq: item.msg.seq, event });
      if (event.type === "order.overrides_changed") overrideEvents.push({ seq: item.msg.seq, event });
    }

    await writeDeadLetters(this.db, schema, deadLetters);
    if (positioned.length === 0) return;

    // What the declarations read besides their own states: the dictionaries (status events), and the
    // linked leads' phones before the segment (shift deals).
    if (statusEvents.length > 0) {
      await this.dictionariesOf(statusEvents.map((e) => e.event.project_id));
      for (const { event } of statusEvents) {
        const d = statusEventOf(event)!.data;
        if (!isKnownStatus(this.dictionary(event.project_id), d.status_id, d.status_group_id))
          this.requestRefresh(event.project_id, d.status_id);
      }
    }
    const phonesBefore = await loadLinkedPhonesBefore(this.db, positioned);
    const context: StatusEventsContext = { dictionaryOf: (projectId) => this.dictionary(projectId) };
    // A project's time zone cuts its analytics buckets and its default working calendar: a change
    // of it recomputes the project's order rows and aggregates like a settings change.
    const registrations = positioned.filter((p) => p.event.type === "project.registered");
    const zonesBefore = new Map<string, string | null>();
    for (const r of registrations)
      if (!zonesBefore.has(r.event.project_id))
        zonesBefore.set(r.event.project_id, await loadProjectTimeZone(this.db, r.event.project_id));
    const { changed } = await applyLiveChain(this.db, schema, PROJECTIONS, positioned, context);
    if (this.opts.produceNotices) {
      for (const [projectId, before] of zonesBefore) {
        const after = await loadProjectTimeZone(this.db, projectId);
        const trigger = registrations.findLast((r) => r.event.project_id === projectId);
        if (before !== null && after !== before && trigger)
          await this.requestRecomputeFor(trigger.event, null);
      }
    }
    const changedOf = <S>(p: { readonly name: string; rows(state: S): unknown }) =>
      (changed.get(p.name) ?? new Map()) as ChangedStates<S>;

    // The derived rows: orders whose events, items or overrides changed, then the shift deals.
    const stored = changedOf(orderStatusEventsProjection);
    this.outcome.lateDuplicates += statusEvents.length - stored.size;
    const byEvents = new Map<string, Map<number, number>>();
    for (const { key, state, seq } of stored.values())
      getOrCreate(byEvents, key.projectId, () => new Map<number, number>()).set(state.order_id, seq);
    const byContext = new Map<string, Map<number, number>>();
    for (const name of [orderItemsProjection.name, orderOverridesProjection.name]) {
      for (const { key, seq } of (changed.get(name) ?? new Map()).values()) {
        if (byEvents.get(key.projectId)?.has(key.id as number)) continue;
        getOrCreate(byContext, key.projectId, () => new Map<number, number>()).set(key.id as number, seq);
      }
    }
    const overridesDiff = await this.overridesDiff(overrideEvents);
    await this.dictionariesOf([...byEvents.keys(), ...byContext.keys()]);
    for (const [projectId, orders] of byEvents)
      await this.recomputeOrders(projectId, orders, this.dictionary(projectId), "status_changed");
    for (const [projectId, orders] of byContext)
      await this.recomputeOrders(projectId, orders, this.dictionary(projectId), "order_context_changed");
    await overridesDiff();
    const contacts = new Map<string, LeadContacts>();
    for (const [key, c] of changedOf(dealContactsProjection)) contacts.set(key, c.state);
    await applyShiftDealsLive(this.db, schema, positioned, contacts, phonesBefore);
  }

  /**
   * In live mode, for the segment's `order.overrides_changed` (already stored, their orders not yet
   * recomputed): loads the orders' diff states now and returns the step to run after the
   * recomputation, which writes one `ops.replays` row per overrides event — status `done`, the diff
   * of that order (an override is recomputed in place, no replay) — so the API's `replay_url` of an
   * override works. A no-op step otherwise.
   */
  private async overridesDiff(
    overrideEvents: readonly { seq: number; event: EventOfType<"order.overrides_changed"> }[],
  ): Promise<() => Promise<void>> {
    if (!this.opts.produceNotices || overrideEvents.length === 0) return async () => undefined;
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
    return finish;
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

    const { learned, moved } = await ordersChangedBySync(this.db, this.opts.schema, projectId, before, after);
    const inPlace = new Map<number, number>();
    // In live mode a moved status is recomputed over all history by the scheduler, else in place.
    for (const orderId of this.opts.produceNotices ? learned : [...learned, ...moved])
      inPlace.set(orderId, seq);
    await this.recomputeOrders(projectId, inPlace, after, "dictionary_synced");
    if (moved.length > 0 && this.opts.produceNotices) await this.requestRecomputeFor(event, null);
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
   * Recomputes the order rows of the given orders (order id → the stream position that caused it)
   * with the project's current settings ({@link recomputeOrderRows}); records a notice for each order
   * whose `orders_current` row changed.
   */
  private async recomputeOrders(
    projectId: string,
    orders: ReadonlyMap<number, number>,
    dict: ProjectDictionary,
    reason: string,
  ): Promise<void> {
    if (orders.size === 0) return;
    const settings = await loadAnalyticsSettings(this.db, projectId);
    for (const row of await recomputeOrderRows(this.db, this.opts.schema, projectId, [...orders.keys()], {
      dict,
      settings,
    })) {
      this.notices.set(orderKey(projectId, row.order_id), { row, seq: orders.get(row.order_id)!, reason });
    }
  }

  /** Writes one `order_updated` notice per changed order into `ops.outbox`. */
  async writeNotices(): Promise<void> {
    if (this.notices.size === 0) return;
    const ordered = [...this.notices.values()].sort(
      (a, b) =>
        a.seq - b.seq || a.row.project_id.localeCompare(b.row.project_id) || a.row.order_id - b.row.order_id,
    );
    const rows = ordered.map(({ row, seq, reason }) => ({
      subject: orderUpdatesSubject(this.opts.scheme, row.project_id),
      msg_id: `notice:${seq}:${row.project_id}:${row.order_id}`,
      payload: JSON.stringify(orderUpdatedNotice(row, seq, reason)),
    }));
    await this.trx.insertInto("ops.outbox").values(rows).execute();
    this.outcome.notices += rows.length;
  }
}
