/**
 * `webhook_stats`: one outcome per webhook delivery (HTTP request), SPEC "Webhook statistics count
 * deliveries". Two inputs meet here:
 *
 * - the **events stream**: a delivery that stored events is counted from them — every such event
 *   carries its `WebhookDelivery` — as `accepted` when at least one of its events was new to the read
 *   models (its dedup key unknown so far), else `duplicate` (a redelivery after JetStream's duplicate
 *   window: stored again, known already). Its events count as `events_stored` / `events_redelivered`.
 * - the **receipts stream**: deliveries that stored nothing (`duplicate` within the window,
 *   `ignored`, `rejected`, `unauthorized`, `failed`).
 *
 * A delivery is counted once: `webhook_deliveries` remembers the outcome counted for each delivery
 * that stored events or failed, and a later input can only raise it (`failed` < `duplicate` <
 * `accepted`: a 503 whose events were stored after all, a multi-event delivery whose new event comes
 * in a later batch) — the counters then move by one from the old outcome to the new. The result
 * depends only on the set of inputs, not their order, so a replay (which folds the two streams in
 * another interleaving than the live projector) rebuilds the same rows.
 *
 * The day of a row is the UTC day of the delivery's receive time: the project's time zone is not used
 * because a zone change would re-bucket history, and the two streams are folded independently of
 * the zone's own position in the events stream.
 */
import {
  type DeliveryOutcome,
  type DomainEvent,
  ReceiptsMessage,
  receiptsOf,
  WEBHOOK_STATS_COUNTERS,
  type WebhookReceipt,
} from "@pulse/events";
import type { RowOf } from "../replay/table-writer.js";
import { type AnyProjection, loadRowsByIds, type Projection } from "./projection.js";

/**
 * A `rm.webhook_stats` row or an increment of one, per project, source and UTC day (`YYYY-MM-DD`):
 * the six delivery outcomes (they add up to `received`), the events stored by accepted deliveries
 * and re-stored by duplicate ones, and the latest receive times (ISO-8601 UTC) of any delivery and
 * of an accepted one (`null` when none).
 */
export type StatsRow = RowOf<"webhook_stats">;

/** The additive columns of {@link StatsRow}. */
export const STATS_COUNTERS = WEBHOOK_STATS_COUNTERS;

/** The columns of {@link StatsRow} merged by maximum. */
export const STATS_LATEST = ["last_received_at", "last_accepted_at"] as const;

/** A `rm.webhook_deliveries` row: the outcome counted for one delivery that stored events or failed. */
export type DeliveryRow = RowOf<"webhook_deliveries"> & { outcome: LedgerOutcome };

/** The outcomes a delivery ledger row can hold, lowest first. */
export type LedgerOutcome = Extract<DeliveryOutcome, "failed" | "duplicate" | "accepted">;

const RANK: Readonly<Record<LedgerOutcome, number>> = { failed: 0, duplicate: 1, accepted: 2 };

/**
 * What one input says about a delivery: its identity, receive time (ISO-8601 UTC) and the outcome it
 * supports (`accepted`/`duplicate` from stored events, `failed` from a receipt).
 */
export interface DeliveryInput {
  readonly projectId: string;
  readonly deliveryId: string;
  readonly source: string;
  readonly receivedAt: string;
  readonly outcome: LedgerOutcome;
}

/** An all-zero stats row of `projectId`, `source` and the UTC day of `instant`. */
export function zeroStats(projectId: string, source: string, instant: string): StatsRow {
  return {
    project_id: projectId,
    source,
    day: instant.slice(0, 10),
    received: 0,
    accepted: 0,
    duplicate: 0,
    ignored: 0,
    rejected: 0,
    unauthorized: 0,
    failed: 0,
    events_stored: 0,
    events_redelivered: 0,
    last_received_at: null,
    last_accepted_at: null,
  };
}

/** Key of a stats row: project, source, day. */
export function statsKey(row: Pick<StatsRow, "project_id" | "source" | "day">): string {
  return `${row.project_id}\u0000${row.source}\u0000${row.day}`;
}

/** Key of a delivery ledger row: project, delivery id. */
export function deliveryKey(projectId: string, deliveryId: string): string {
  return `${projectId}\u0000${deliveryId}`;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/**
 * Decodes one receipts-stream message into its {@link WebhookReceipt}s — a `WebhookReceiptBatch` or
 * one bare receipt (the first format); `ok: false` with a reason for poison (not JSON, or neither
 * shape). Never throws.
 */
export function decodeReceipts(
  bytes: Uint8Array,
): { ok: true; receipts: readonly WebhookReceipt[] } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = ReceiptsMessage.safeParse(json);
  return parsed.success
    ? { ok: true, receipts: receiptsOf(parsed.data) }
    : { ok: false, reason: parsed.error.message.slice(0, 2000) };
}

/**
 * The ledger input of a receipt — a `failed` receipt naming its delivery (some of its events may have
 * been stored: the delivery must be counted once) — or `null` when the receipt is counted directly by
 * {@link receiptIncrement}.
 */
export function receiptDeliveryInput(receipt: WebhookReceipt): DeliveryInput | null {
  if (receipt.outcome !== "failed" || receipt.delivery_id === undefined) return null;
  return {
    projectId: receipt.project_id,
    deliveryId: receipt.delivery_id,
    source: receipt.source,
    receivedAt: receipt.received_at,
    outcome: "failed",
  };
}

/**
 * The increment of a receipt counted directly (see {@link receiptDeliveryInput}): `received` +1 and
 * its outcome +1 on the UTC day of `received_at`. A receipt written before deliveries were counted
 * from their events may say `accepted`: it also adds its `published` events to `events_stored`.
 */
export function receiptIncrement(receipt: WebhookReceipt): StatsRow {
  const row = zeroStats(receipt.project_id, receipt.source, receipt.received_at);
  row.received = 1;
  row[receipt.outcome] = 1;
  row.last_received_at = receipt.received_at;
  if (receipt.outcome === "accepted") {
    row.events_stored = receipt.published;
    row.last_accepted_at = receipt.received_at;
  }
  return row;
}

/**
 * Folds one input into a delivery's ledger row (pure). Returns the row to store (`changed: false`
 * when it stays as it was) and the stats increments:
 * - first input: `received` +1 and its outcome +1 on the day of its receive time;
 * - an input raising the outcome: the old outcome and `received` −1 on the row's day, the new
 *   outcome and `received` +1 on the input's day (the same day, unless a receipt and the events of
 *   one delivery disagree on its time: the stored events' time wins, in any order);
 * - any other input: only its receive time (`last_received_at`), so the latest time is the maximum
 *   over all inputs whatever their order.
 */
export function evolveDelivery(
  row: DeliveryRow | undefined,
  input: DeliveryInput,
): { row: DeliveryRow; changed: boolean; increments: StatsRow[] } {
  const seen = zeroStats(input.projectId, input.source, input.receivedAt);
  seen.last_received_at = input.receivedAt;
  if (row && RANK[input.outcome] <= RANK[row.outcome]) return { row, changed: false, increments: [seen] };
  const next: DeliveryRow = {
    project_id: input.projectId,
    delivery_id: input.deliveryId,
    source: input.source,
    received_at: input.receivedAt,
    outcome: input.outcome,
  };
  const increments: StatsRow[] = [];
  if (row) {
    const undo = zeroStats(row.project_id, row.source, row.received_at);
    undo.received = -1;
    undo[row.outcome] = -1;
    increments.push(undo);
  }
  seen.received = 1;
  seen[next.outcome] = 1;
  if (next.outcome === "accepted") seen.last_accepted_at = next.received_at;
  increments.push(seen);
  return { row: next, changed: true, increments };
}

/** Adds `inc` into the accumulator `acc` (keyed by {@link statsKey}): counters add, latest times take the maximum. */
export function addStats(acc: Map<string, StatsRow>, inc: StatsRow): void {
  const key = statsKey(inc);
  const row = acc.get(key);
  acc.set(key, row ? sumStats(row, inc) : { ...inc });
}

/** The sum of two increments of the same stats row (pure): counters add, latest times take the maximum. */
export function sumStats(a: StatsRow, b: StatsRow): StatsRow {
  const out = { ...a };
  for (const c of STATS_COUNTERS) out[c] += b[c];
  for (const c of STATS_LATEST) out[c] = later(a[c], b[c]);
  return out;
}

/** Fact: one input of a delivery's ledger row (see {@link DeliveryInput}). */
export interface DeliveryInputFact {
  readonly type: "webhook.delivery_input";
  readonly input: DeliveryInput;
}

/** Fact: an increment of one `webhook_stats` row. */
export interface StatsIncrementFact {
  readonly type: "webhook.stats_increment";
  readonly row: StatsRow;
}

/** The facts that reach the delivery tally ({@link WEBHOOK_STATS_CHAIN}). */
export type WebhookFact = DeliveryInputFact | StatsIncrementFact;

/**
 * What a stored event of a webhook delivery tells the tally (pure): its `events_stored` (when
 * `isNew`: its fact was unknown to the dedup read model that keys it) or `events_redelivered`
 * increment, and its delivery's input (`accepted` when new, else `duplicate`). An event without a
 * `delivery` block (pollers, workers, CLI, older events) is no webhook delivery: no facts. The dedup
 * declarations (`order_status_events`, `deal_event_keys`, `messages`) emit these.
 */
export function storedEventFacts(event: DomainEvent, isNew: boolean): WebhookFact[] {
  const d = event.delivery;
  if (!d) return [];
  const inc = zeroStats(event.project_id, d.source, event.recorded_at);
  if (isNew) inc.events_stored = 1;
  else inc.events_redelivered = 1;
  return [
    { type: "webhook.stats_increment", row: inc },
    {
      type: "webhook.delivery_input",
      input: {
        projectId: event.project_id,
        deliveryId: d.id,
        source: d.source,
        receivedAt: event.recorded_at,
        outcome: isNew ? "accepted" : "duplicate",
      },
    },
  ];
}

/**
 * The facts of one receipt (pure): a `failed` receipt naming its delivery goes through the ledger
 * ({@link receiptDeliveryInput}), any other is counted directly ({@link receiptIncrement}).
 */
export function receiptFacts(receipt: WebhookReceipt): WebhookFact[] {
  const input = receiptDeliveryInput(receipt);
  return input
    ? [{ type: "webhook.delivery_input", input }]
    : [{ type: "webhook.stats_increment", row: receiptIncrement(receipt) }];
}

/**
 * The `rm.webhook_deliveries` projection (the delivery ledger): one state per delivery (key: its
 * id), folded by {@link evolveDelivery}; it emits the stats increments of each input (the move of the
 * delivery's outcome, or only its receive time) for {@link webhookStatsProjection}.
 */
export const webhookDeliveriesProjection: Projection<DeliveryInputFact, DeliveryRow, string> = {
  name: "webhook_deliveries",
  eventTypes: new Set(["webhook.delivery_input"]),
  keyOf: (fact) => ({ projectId: fact.input.projectId, id: fact.input.deliveryId }),
  evolve: (row, fact) => evolveDelivery(row ?? undefined, fact.input).row,
  emit: (before, _after, fact) =>
    evolveDelivery(before ?? undefined, fact.input).increments.map(
      (row): StatsIncrementFact => ({ type: "webhook.stats_increment", row }),
    ),
  rows: (row) => ({ webhook_deliveries: [row] }),
  upsert: { webhook_deliveries: { keys: ["project_id", "delivery_id"], action: "replace" } },
  load: async (db, projectId, ids) => {
    const out = new Map<string, DeliveryRow>();
    for (const r of await loadRowsByIds(db, "webhook_deliveries", projectId, "delivery_id", ids))
      out.set(r.delivery_id, { ...r, outcome: r.outcome as LedgerOutcome });
    return out;
  },
};

/**
 * The `rm.webhook_stats` projection: one state per project, source and UTC day (key:
 * `{source}\u0000{day}`), the sum of its increments ({@link sumStats}). It never loads the stored
 * row: the live store's states are the batch's increments, added to the stored counters by the
 * upsert (`+`, `GREATEST`); the replay's states are the totals. Both end with the same rows.
 */
export const webhookStatsProjection: Projection<StatsIncrementFact, StatsRow, string> = {
  name: "webhook_stats",
  eventTypes: new Set(["webhook.stats_increment"]),
  keyOf: (fact) => ({ projectId: fact.row.project_id, id: `${fact.row.source}\u0000${fact.row.day}` }),
  evolve: (row, fact) => (row ? sumStats(row, fact.row) : { ...fact.row }),
  rows: (row) => ({ webhook_stats: [row] }),
  upsert: {
    webhook_stats: {
      keys: ["project_id", "source", "day"],
      action: "add",
      columns: STATS_COUNTERS,
      greatest: STATS_LATEST,
    },
  },
};

/**
 * The delivery tally as a chain (fed the facts of {@link storedEventFacts} and {@link receiptFacts}):
 * the ledger first, whose increments join the stats. Live: `applyLiveChain`; replay: `evolveChain`.
 */
export const WEBHOOK_STATS_CHAIN: readonly AnyProjection[] = [
  webhookDeliveriesProjection,
  webhookStatsProjection,
];
