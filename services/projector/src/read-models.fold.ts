import { decodeEvent } from "@pulse/events";
import { getOrCreate } from "./collections.js";
import { type DeadLetterRow, deadLetterRow } from "./dead-letters.projection.js";
import {
  type DealRow,
  dealInputLeadId,
  dealInputOf,
  dealKey,
  evolveDeal,
} from "./deals-current.projection.js";
import {
  emptyDictionary,
  evolveDictionary,
  groupOfStatus,
  type ProjectDictionary,
} from "./dictionary.projection.js";
import {
  buildOrderRows,
  type OrderRows,
  orderKey,
  orderStatusEventRow,
  type StoredOrderEvent,
} from "./order-status.projection.js";
import { evolveProject, type ProjectRow } from "./projects.projection.js";
import type { StreamMessage } from "./stream-message.js";
import {
  addStats,
  decodeReceipt,
  lateDuplicateIncrement,
  receiptIncrement,
  type StatsRow,
} from "./webhook-stats.projection.js";

/**
 * The read models folded in memory from the streams, in stream order — the replay's fast path.
 * It applies the same rules and row builders as the live projector (`events-batch.apply.ts`):
 * dedup by `(project, dedup_key)` with late duplicates counted, groups resolved against the
 * dictionary at the event's stream position and filled by later syncs, deals by `evolveDeal`,
 * projects by `evolveProject`, poison to dead letters. Order intervals are derived once at the end
 * ({@link orderRows}) from all of each order's events with the final dictionary — which is what the
 * live projector's per-order recomputation converges to.
 */
export class ReadModelsFold {
  readonly projects = new Map<string, ProjectRow>();
  readonly dictionaries = new Map<string, ProjectDictionary>();
  /** Order key → its distinct stored events, in stream order. */
  readonly orders = new Map<string, StoredOrderEvent[]>();
  readonly deals = new Map<string, DealRow>();
  readonly stats = new Map<string, StatsRow>();
  readonly deadLetters: DeadLetterRow[] = [];
  /** The last message folded per stream (its seq and time become the checkpoint). */
  lastEvent: StreamMessage | null = null;
  lastReceipt: StreamMessage | null = null;
  eventCount = 0;
  receiptCount = 0;
  private readonly dedup = new Map<string, Set<string>>();
  private readonly withoutGroup = new Map<string, Set<StoredOrderEvent>>();

  constructor(
    private readonly eventsStream: string,
    private readonly receiptsStream: string,
  ) {}

  private dictionary(projectId: string): ProjectDictionary {
    return this.dictionaries.get(projectId) ?? emptyDictionary(projectId);
  }

  /** Folds one events-stream message (messages must come in stream order). */
  applyEvent(msg: StreamMessage): void {
    this.lastEvent = msg;
    this.eventCount++;
    const r = decodeEvent(msg.data);
    if (!r.ok) {
      this.deadLetters.push(deadLetterRow(this.eventsStream, msg, r.reason));
      return;
    }
    const event = r.event;
    switch (event.type) {
      case "project.registered": {
        const id = event.data.project_id;
        this.projects.set(id, evolveProject(this.projects.get(id), event, msg.seq));
        break;
      }
      case "dictionary.statuses_synced": {
        const after = evolveDictionary(this.dictionary(event.project_id), event);
        this.dictionaries.set(event.project_id, after);
        const pending = this.withoutGroup.get(event.project_id);
        if (pending) {
          for (const stored of pending) {
            const g = groupOfStatus(after, stored.status_id);
            if (g !== null) {
              stored.status_group_id = g;
              pending.delete(stored);
            }
          }
        }
        break;
      }
      case "order.status_changed": {
        const keys = getOrCreate(this.dedup, event.project_id, () => new Set<string>());
        if (keys.has(event.dedup_key)) {
          addStats(this.stats, lateDuplicateIncrement(event));
          break;
        }
        keys.add(event.dedup_key);
        const stored = orderStatusEventRow(event, msg.seq, this.dictionary(event.project_id));
        const key = orderKey(event.project_id, event.data.order_id);
        getOrCreate(this.orders, key, () => []).push(stored);
        if (stored.status_group_id === null) {
          getOrCreate(this.withoutGroup, event.project_id, () => new Set<StoredOrderEvent>()).add(stored);
        }
        break;
      }
      default:
        break;
    }
    const deal = dealInputOf(event);
    if (deal) {
      const key = dealKey(deal.projectId, dealInputLeadId(deal));
      const next = evolveDeal(this.deals.get(key), deal, msg.seq);
      if (next) this.deals.set(key, next);
    }
  }

  /** Folds one receipts-stream message (stream order). */
  applyReceipt(msg: StreamMessage): void {
    this.lastReceipt = msg;
    this.receiptCount++;
    const r = decodeReceipt(msg.data);
    if (r.ok) addStats(this.stats, receiptIncrement(r.receipt));
    else this.deadLetters.push(deadLetterRow(this.receiptsStream, msg, r.reason));
  }

  /**
   * Derives every order's rows with the final dictionaries; yields the stored events (with
   * `is_effective` set) alongside each order's intervals and `orders_current` row.
   */
  *orderRows(): Generator<{ events: StoredOrderEvent[]; rows: OrderRows }> {
    for (const events of this.orders.values()) {
      const first = events[0]!;
      const rows = buildOrderRows(events, this.dictionary(first.project_id));
      for (const e of events) e.is_effective = rows.effective.get(e.dedup_key) ?? true;
      yield { events, rows };
    }
  }
}
