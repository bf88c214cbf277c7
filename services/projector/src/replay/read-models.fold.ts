import { type OrderAnalyticsSettings, parseOrderAnalyticsSettings } from "@pulse/domain";
import type { DecodeResult } from "@pulse/events";
import { getOrCreate } from "../collections.js";
import { ConversationsFold } from "../projections/conversations.projection.js";
import type { CrmUserRow } from "../projections/crm-users.projection.js";
import { type DeadLetterRow, deadLetterRow } from "../projections/dead-letters.projection.js";
import type { DealEventKeyRow } from "../projections/deal-event-keys.projection.js";
import type { DealRow } from "../projections/deals-current.projection.js";
import {
  emptyDictionary,
  type ProjectDictionary,
  resolveInDictionary,
} from "../projections/dictionary.projection.js";
import type { OrderItemsState } from "../projections/order-items.projection.js";
import type { OrderOverridesRow } from "../projections/order-overrides.projection.js";
import {
  type OrderRows,
  orderKey,
  orderRowsOf,
  type StatusEventsContext,
  type StoredOrderEvent,
} from "../projections/order-status.projection.js";
import {
  evolveChain,
  type MemoryStore,
  rowsOf,
  stateKey,
  type TableRows,
} from "../projections/projection.js";
import type { ProjectRow } from "../projections/projects.projection.js";
import { PROJECTIONS } from "../projections/registry.js";
import { SETTINGS_KINDS, type SettingsState } from "../projections/settings.projection.js";
import { type ShiftDealRow, shiftSettingsOf } from "../projections/shift-deals.projection.js";
import {
  type DeliveryRow,
  decodeReceipts,
  receiptFacts,
  type StatsRow,
} from "../projections/webhook-stats.projection.js";
import type { StreamMessage } from "../stream-message.js";

/**
 * The read models folded in memory from the streams, in stream order — the replay's fast path.
 * It folds every event through the same declarations as the live projector (`PROJECTIONS`, with the
 * memory store of the projection model: `evolveChain`): dedup by `(project, dedup_key)`
 * (`order_status_events`, `deal_event_keys`, `messages`), webhook deliveries counted once (the
 * `webhook_deliveries` → `webhook_stats` chain), groups resolved against the
 * dictionary at the event's stream position and re-resolved with the final dictionary
 * ({@link finalizeGroups}), deals by `evolveDeal`,
 * projects by `evolveProject`, poison to dead letters. Order intervals are derived once at the end
 * ({@link orderRows}) from all of each order's events with the final dictionary — which is what the
 * live projector's per-order recomputation converges to.
 */
/** The declarations whose rows `writeFold` (`replay.ts`) writes itself, not from {@link ReadModelsFold.projectionRows}. */
const WRITTEN_APART: ReadonlySet<string> = new Set([
  "order_status_events",
  "deal_event_keys",
  "webhook_deliveries",
  "webhook_stats",
  "messages",
  "analysis_results",
  "deal_contacts",
]);

export class ReadModelsFold {
  /** The states of the keyed projections (memory key `{project}\u0000{id}`, see `stateKey`). */
  readonly projects = new Map<string, ProjectRow>();
  readonly dictionaries = new Map<string, ProjectDictionary>();
  /** Project's memory key → its CRM users (`crmUsersProjection`). */
  readonly users = new Map<string, ReadonlyMap<number, CrmUserRow>>();
  /** Order key → its distinct stored events, in stream order. */
  readonly orders = new Map<string, StoredOrderEvent[]>();
  readonly deals = new Map<string, DealRow>();
  /** `webhook_stats` rows (`webhookStatsProjection`'s states). */
  readonly stats = new Map<string, StatsRow>();
  /** Delivery ledger (`webhook_deliveries`), keyed by project and delivery id. */
  readonly deliveries = new Map<string, DeliveryRow>();
  /** `deal_event_keys` rows by memory key, in stream order of first sight (`dealEventKeysProjection`). */
  private readonly dealKeys = new Map<string, DealEventKeyRow>();
  /** Stored status events by `(project, dedup_key)` memory key (`orderStatusEventsProjection`). */
  private readonly statusEvents = new Map<string, StoredOrderEvent>();
  /** The dictionary of a project at the stream position being folded. */
  private readonly statusContext: StatusEventsContext = {
    dictionaryOf: (projectId) => this.dictionary(projectId),
  };
  readonly deadLetters: DeadLetterRow[] = [];
  /** `{project}\u0000{kind}` → its latest `rm.settings` row and data (stream order). */
  readonly settings = new Map<string, SettingsState>();
  /** Order key → its items (`order.items_fetched`, see `evolveOrderItems`). */
  readonly items = new Map<string, OrderItemsState>();
  /** Order key → its overrides (latest `order.overrides_changed`). */
  readonly overrides = new Map<string, OrderOverridesRow>();
  /** Messages, contacts, analysis results and what the shift deal rows are built from. */
  readonly conversations = new ConversationsFold();
  /** Every declaration of `PROJECTIONS` with its states (a declaration not named here gets its own map). */
  private readonly stores: readonly MemoryStore[] = PROJECTIONS.map((projection) => ({
    projection,
    states: this.statesOf(projection.name),
  }));
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

  /** The named state maps of the declarations whose states this fold reads (by declaration name). */
  private statesOf(name: string): Map<string, unknown> {
    const named: Record<string, Map<string, unknown>> = {
      projects: this.projects,
      dictionary: this.dictionaries,
      settings: this.settings,
      crm_users: this.users,
      deals_current: this.deals,
      order_items: this.items,
      order_overrides: this.overrides,
      deal_event_keys: this.dealKeys,
      order_status_events: this.statusEvents,
      messages: this.conversations.messages,
      analysis_results: this.conversations.results,
      deal_contacts: this.conversations.contacts,
      webhook_deliveries: this.deliveries,
      webhook_stats: this.stats,
    };
    return named[name] ?? new Map();
  }

  /**
   * The rows of the final states of every declaration the replay writes at the end in one go
   * (for its `COPY`), declaration by declaration — all but those `writeFold` writes itself:
   * `order_status_events` (streamed while reading), the dedup keys, the webhook tally and the
   * conversation tables.
   */
  projectionRows(): TableRows[] {
    return this.stores
      .filter((s) => !WRITTEN_APART.has(s.projection.name))
      .map(({ projection, states }) => rowsOf(projection, states.values()));
  }

  /** `deal_event_keys` rows, in stream order of first sight. */
  get dealEventKeys(): DealEventKeyRow[] {
    return [...this.dealKeys.values()];
  }

  /**
   * Adds a status event `orderStatusEventsProjection` just stored (new dedup key) to its order's
   * events, and hands it to {@link onStoredEvent}.
   */
  private storeStatusEvent(stored: StoredOrderEvent): void {
    // Low-cardinality strings are shared: a replay keeps every stored event in memory.
    stored.project_id = this.intern(stored.project_id);
    stored.crm_event = this.intern(stored.crm_event);
    stored.source = this.intern(stored.source);
    const key = orderKey(stored.project_id, stored.order_id);
    getOrCreate(this.orders, key, () => []).push(stored);
    this.onStoredEvent?.(stored);
  }

  /** Hears a changed state during {@link evolveChain}: a new stored status event joins its order. */
  private readonly onChange = (store: MemoryStore, key: string): void => {
    if (store.states === this.statusEvents) this.storeStatusEvent(this.statusEvents.get(key)!);
  };

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
    evolveChain(this.stores, r.event, msg.seq, this.statusContext, this.onChange);
    this.conversations.apply(r.event);
  }

  /** Folds one receipts-stream message (stream order). */
  applyReceipt(msg: StreamMessage): void {
    this.lastReceipt = msg;
    this.receiptCount++;
    const r = decodeReceipts(msg.data);
    if (r.ok) {
      for (const receipt of r.receipts)
        for (const f of receiptFacts(receipt)) evolveChain(this.stores, f, msg.seq);
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
