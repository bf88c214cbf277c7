import { type OrderAnalyticsSettings, parseOrderAnalyticsSettings } from "@pulse/domain";
import type { DecodeResult, DomainEvent, EventOfType } from "@pulse/events";
import { getOrCreate } from "../collections.js";
import { ConversationsFold } from "../projections/conversations.projection.js";
import { type CrmUserRow, crmUsersProjection } from "../projections/crm-users.projection.js";
import { type DeadLetterRow, deadLetterRow } from "../projections/dead-letters.projection.js";
import { type DealRow, dealsProjection } from "../projections/deals-current.projection.js";
import {
  dictionaryProjection,
  emptyDictionary,
  type ProjectDictionary,
  resolveInDictionary,
} from "../projections/dictionary.projection.js";
import { messageKey } from "../projections/messages.projection.js";
import { type OrderItemsState, orderItemsProjection } from "../projections/order-items.projection.js";
import {
  type OrderOverridesRow,
  orderOverridesProjection,
} from "../projections/order-overrides.projection.js";
import {
  type OrderRows,
  orderKey,
  orderRowsOf,
  orderStatusEventRow,
  type StoredOrderEvent,
  statusEventOf,
} from "../projections/order-status.projection.js";
import {
  type AnyProjection,
  evolveInMemory,
  rowsOf,
  stateKey,
  type TableRows,
} from "../projections/projection.js";
import { type ProjectRow, projectsProjection } from "../projections/projects.projection.js";
import {
  SETTINGS_KINDS,
  type SettingsState,
  settingsProjection,
} from "../projections/settings.projection.js";
import { type ShiftDealRow, shiftSettingsOf } from "../projections/shift-deals.projection.js";
import {
  addStats,
  type DeliveryRow,
  decodeReceipts,
  foldDeliveryInputs,
  foldStoredEvent,
  receiptDeliveryInput,
  receiptIncrement,
  type StatsRow,
} from "../projections/webhook-stats.projection.js";
import type { StreamMessage } from "../stream-message.js";

/**
 * The read models folded in memory from the streams, in stream order — the replay's fast path.
 * It applies the same rules and row builders as the live projector (`events-batch.apply.ts`):
 * dedup by `(project, dedup_key)`, webhook deliveries counted once (ledger), groups resolved against the
 * dictionary at the event's stream position and re-resolved with the final dictionary
 * ({@link finalizeGroups}), deals by `evolveDeal`,
 * projects by `evolveProject`, poison to dead letters. Order intervals are derived once at the end
 * ({@link orderRows}) from all of each order's events with the final dictionary — which is what the
 * live projector's per-order recomputation converges to.
 */
export class ReadModelsFold {
  /** The states of the keyed projections (memory key `{project}\u0000{id}`, see `stateKey`). */
  readonly projects = new Map<string, ProjectRow>();
  readonly dictionaries = new Map<string, ProjectDictionary>();
  /** Project's memory key → its CRM users (`crmUsersProjection`). */
  readonly users = new Map<string, ReadonlyMap<number, CrmUserRow>>();
  /** Order key → its distinct stored events, in stream order. */
  readonly orders = new Map<string, StoredOrderEvent[]>();
  readonly deals = new Map<string, DealRow>();
  readonly stats = new Map<string, StatsRow>();
  /** Delivery ledger (`webhook_deliveries`), keyed by project and delivery id. */
  readonly deliveries = new Map<string, DeliveryRow>();
  /** `deal_event_keys` rows, in stream order of first sight. */
  readonly dealEventKeys: { project_id: string; dedup_key: string }[] = [];
  private readonly dealKeys = new Map<string, Set<string>>();
  readonly deadLetters: DeadLetterRow[] = [];
  /** `{project}\u0000{kind}` → its latest `rm.settings` row and data (stream order). */
  readonly settings = new Map<string, SettingsState>();
  /** Order key → its items (`order.items_fetched`, see `evolveOrderItems`). */
  readonly items = new Map<string, OrderItemsState>();
  /** Order key → its overrides (latest `order.overrides_changed`). */
  readonly overrides = new Map<string, OrderOverridesRow>();
  /** Messages, contacts, analysis results and what the shift deal rows are built from. */
  readonly conversations = new ConversationsFold();
  /** The last message folded per stream (its seq and time become the checkpoint). */
  lastEvent: StreamMessage | null = null;
  lastReceipt: StreamMessage | null = null;
  eventCount = 0;
  receiptCount = 0;
  /** Stored events whose group a later sync changed (their first-written row needs the fix). */
  readonly backfilled = new Set<StoredOrderEvent>();
  /**
   * Called with each new stored event as soon as it is folded (group as resolved at that point,
   * `is_effective: true`), so the replay can start writing `order_status_events` while it reads.
   */
  onStoredEvent: ((event: StoredOrderEvent) => void) | null = null;
  private readonly dedup = new Map<string, Set<string>>();

  constructor(
    private readonly eventsStream: string,
    private readonly receiptsStream: string,
  ) {}

  private readonly strings = new Map<string, string>();

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size < 10_000) this.strings.set(s, s);
    return s;
  }

  private dictionary(projectId: string): ProjectDictionary {
    return this.dictionaries.get(stateKey(projectId, projectId)) ?? emptyDictionary(projectId);
  }

  /** Each keyed projection with its in-memory states, in the order their rows are written. */
  private keyed(): [AnyProjection, Map<string, unknown>][] {
    return [
      [projectsProjection, this.projects],
      [dictionaryProjection, this.dictionaries],
      [crmUsersProjection, this.users],
      [dealsProjection, this.deals],
      [settingsProjection, this.settings],
      [orderItemsProjection, this.items],
      [orderOverridesProjection, this.overrides],
    ];
  }

  /** The rows of every keyed projection's final states (for the replay's `COPY`), table by table. */
  projectionRows(): TableRows[] {
    return this.keyed().map(([p, states]) => rowsOf(p, states.values()));
  }

  /** Folds one status event (an `order.status_changed`, or a lead's creation: {@link statusEventOf}). */
  private applyStatusEvent(event: EventOfType<"order.status_changed">, msg: StreamMessage): void {
    const keys = getOrCreate(this.dedup, event.project_id, () => new Set<string>());
    if (keys.has(event.dedup_key)) {
      this.noteStored(event, false);
      return;
    }
    keys.add(event.dedup_key);
    this.noteStored(event, true);
    const stored = orderStatusEventRow(event, msg.seq, this.dictionary(event.project_id));
    // Low-cardinality strings are shared: a replay keeps every stored event in memory.
    stored.project_id = this.intern(stored.project_id);
    stored.crm_event = this.intern(stored.crm_event);
    stored.source = this.intern(stored.source);
    const key = orderKey(event.project_id, event.data.order_id);
    getOrCreate(this.orders, key, () => []).push(stored);
    this.onStoredEvent?.(stored);
  }

  /**
   * Re-resolves the group of every stored event with its project's final dictionary (SPEC "Group
   * of a status … as it is now"), so the shift tables and the order rows read what the live
   * projector converges to; events whose group changed are added to {@link backfilled}. Call once
   * after the last message, before {@link shiftDeals} and {@link orderRows}.
   */
  finalizeGroups(): void {
    for (const events of this.orders.values()) {
      const dict = this.dictionary(events[0]!.project_id);
      for (const e of events) {
        const g = resolveInDictionary(dict, e.status_id, e.event_group_id).group_id;
        if (g !== e.status_group_id) {
          e.status_group_id = g;
          this.backfilled.add(e);
        }
      }
    }
  }

  /**
   * Folds one events-stream message (stream order), already decoded by `decodeForProjection` — a
   * replay decodes on a worker thread (`readDecodedRange`); `msg.data` is read only for poison.
   */
  applyDecoded(msg: StreamMessage, r: DecodeResult): void {
    this.lastEvent = msg;
    this.eventCount++;
    if (!r.ok) {
      this.deadLetters.push(deadLetterRow(this.eventsStream, msg, r.reason));
      return;
    }
    const event = r.event;
    // Whether a webhook event is new, judged as the live projector does (events-batch.apply.ts).
    const statusEvent = statusEventOf(event);
    if (statusEvent) this.applyStatusEvent(statusEvent, msg);
    else if (
      event.type === "deal.created" ||
      event.type === "deal.updated" ||
      event.type === "deal.deleted"
    ) {
      const keys = getOrCreate(this.dealKeys, event.project_id, () => new Set<string>());
      const isNew = !keys.has(event.dedup_key);
      if (isNew) {
        keys.add(event.dedup_key);
        this.dealEventKeys.push({ project_id: event.project_id, dedup_key: event.dedup_key });
      }
      this.noteStored(event, isNew);
    } else if (event.type === "chat.message_received") {
      const key = messageKey(event.project_id, event.data.source, event.data.message_id);
      this.noteStored(event, !this.conversations.messages.has(key));
    }
    evolveInMemory(projectsProjection, this.projects, event, msg.seq);
    evolveInMemory(dictionaryProjection, this.dictionaries, event, msg.seq);
    evolveInMemory(crmUsersProjection, this.users, event, msg.seq);
    evolveInMemory(orderItemsProjection, this.items, event, msg.seq);
    evolveInMemory(orderOverridesProjection, this.overrides, event, msg.seq);
    evolveInMemory(settingsProjection, this.settings, event, msg.seq);
    this.conversations.apply(event, msg.seq);
    evolveInMemory(dealsProjection, this.deals, event, msg.seq);
  }

  /** Counts a stored event of a webhook delivery (`isNew`: its fact was unknown before it). */
  private noteStored(event: DomainEvent, isNew: boolean): void {
    if (event.delivery) foldStoredEvent(this.deliveries, this.stats, event, isNew);
  }

  /** Folds one receipts-stream message (stream order). */
  applyReceipt(msg: StreamMessage): void {
    this.lastReceipt = msg;
    this.receiptCount++;
    const r = decodeReceipts(msg.data);
    if (r.ok) {
      for (const receipt of r.receipts) {
        const input = receiptDeliveryInput(receipt);
        if (input) foldDeliveryInputs(this.deliveries, this.stats, [input]);
        else addStats(this.stats, receiptIncrement(receipt));
      }
    } else this.deadLetters.push(deadLetterRow(this.receiptsStream, msg, r.reason));
  }

  /** Every `rm.shift_deals` row, from the final state (shift settings: the final `rm.settings` kind `shifts`). */
  shiftDeals(): ShiftDealRow[] {
    return this.conversations.shiftDeals(this.orders.values(), this.deals.values(), (projectId) =>
      shiftSettingsOf(this.settings.get(stateKey(projectId, "shifts"))?.data ?? {}),
    );
  }

  /**
   * The analytics settings of a project as of the end of the fold (its final `rm.settings` rows, in
   * the zone of its final `rm.projects` row): "judge all history by the current rule".
   */
  analyticsSettings(projectId: string): OrderAnalyticsSettings {
    const stored: Record<string, unknown> = {};
    for (const kind of Object.values(SETTINGS_KINDS)) {
      const s = this.settings.get(stateKey(projectId, kind));
      if (s) stored[kind] = s.data;
    }
    return parseOrderAnalyticsSettings(
      stored,
      this.projects.get(stateKey(projectId, projectId))?.time_zone ?? "UTC",
    );
  }

  /** The final `time_zone` of a project (`null` when it was never registered). */
  projectTimeZone(projectId: string): string | null {
    return this.projects.get(stateKey(projectId, projectId))?.time_zone ?? null;
  }

  /**
   * Derives every order's rows with the final dictionaries, settings, items and overrides; yields the
   * stored events (with `is_effective` set) alongside each order's rows.
   */
  *orderRows(): Generator<{ events: StoredOrderEvent[]; rows: OrderRows }> {
    const settings = new Map<string, OrderAnalyticsSettings>();
    for (const [key, events] of this.orders) {
      const first = events[0]!;
      const projectId = first.project_id;
      let s = settings.get(projectId);
      if (!s) {
        s = this.analyticsSettings(projectId);
        settings.set(projectId, s);
      }
      const rows = orderRowsOf(events, {
        dict: this.dictionary(projectId),
        settings: s,
        items: this.items.get(key),
        overrides: this.overrides.get(key),
      });
      for (const e of events) e.is_effective = rows.effective.get(e.dedup_key) ?? true;
      yield { events, rows };
    }
  }
}
