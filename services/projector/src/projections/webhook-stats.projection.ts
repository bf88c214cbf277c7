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
import type { ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";

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

/**
 * Collects, over a run of events in stream order, what each webhook delivery's stored events say:
 * whether any was new to the read models, and the `events_stored` / `events_redelivered` increments.
 * Events without a `delivery` block (pollers, workers, CLI, older events) are not webhook deliveries
 * and are left out.
 */
export class DeliveryTally {
  private readonly deliveries = new Map<string, { input: DeliveryInput; anyNew: boolean }>();
  /** Event-count increments per stats key. */
  readonly events = new Map<string, StatsRow>();

  /** Notes one stored event and whether its fact was new (its dedup key unknown before it). */
  note(event: DomainEvent, isNew: boolean): void {
    const d = event.delivery;
    if (!d) return;
    const key = deliveryKey(event.project_id, d.id);
    let entry = this.deliveries.get(key);
    if (!entry) {
      entry = {
        input: {
          projectId: event.project_id,
          deliveryId: d.id,
          source: d.source,
          receivedAt: event.recorded_at,
          outcome: "duplicate",
        },
        anyNew: false,
      };
      this.deliveries.set(key, entry);
    }
    if (isNew) entry.anyNew = true;
    const inc = zeroStats(event.project_id, d.source, event.recorded_at);
    if (isNew) inc.events_stored = 1;
    else inc.events_redelivered = 1;
    addStats(this.events, inc);
  }

  /** One input per noted delivery: `accepted` when any of its events was new, else `duplicate`. */
  inputs(): DeliveryInput[] {
    return [...this.deliveries.values()].map(({ input, anyNew }) => ({
      ...input,
      outcome: anyNew ? "accepted" : "duplicate",
    }));
  }

  /** True when nothing was noted. */
  get empty(): boolean {
    return this.deliveries.size === 0;
  }
}

/** Adds `inc` into the accumulator `acc` (keyed by {@link statsKey}): counters add, latest times take the maximum. */
export function addStats(acc: Map<string, StatsRow>, inc: StatsRow): void {
  const key = statsKey(inc);
  const row = acc.get(key);
  if (!row) {
    acc.set(key, { ...inc });
    return;
  }
  for (const c of STATS_COUNTERS) row[c] += inc[c];
  for (const c of STATS_LATEST) row[c] = later(row[c], inc[c]);
}

/**
 * Folds ledger inputs into the in-memory ledger `ledger` (keyed by {@link deliveryKey}) and their
 * increments into `stats` (the replay's path; the live projector uses {@link applyDeliveryInputs}).
 */
export function foldDeliveryInputs(
  ledger: Map<string, DeliveryRow>,
  stats: Map<string, StatsRow>,
  inputs: Iterable<DeliveryInput>,
): void {
  for (const input of inputs) {
    const key = deliveryKey(input.projectId, input.deliveryId);
    const r = evolveDelivery(ledger.get(key), input);
    if (r.changed) ledger.set(key, r.row);
    for (const inc of r.increments) addStats(stats, inc);
  }
}

/**
 * Folds one stored event into the in-memory ledger and stats (the replay's path, event by event):
 * its `events_stored` / `events_redelivered` count and its delivery's input (`accepted` when
 * `isNew`, else `duplicate`). An event without a `delivery` block changes nothing. Same result as a
 * {@link DeliveryTally} over the events followed by {@link foldDeliveryInputs}.
 */
export function foldStoredEvent(
  ledger: Map<string, DeliveryRow>,
  stats: Map<string, StatsRow>,
  event: DomainEvent,
  isNew: boolean,
): void {
  const d = event.delivery;
  if (!d) return;
  const inc = zeroStats(event.project_id, d.source, event.recorded_at);
  if (isNew) inc.events_stored = 1;
  else inc.events_redelivered = 1;
  addStats(stats, inc);
  foldDeliveryInputs(ledger, stats, [
    {
      projectId: event.project_id,
      deliveryId: d.id,
      source: d.source,
      receivedAt: event.recorded_at,
      outcome: isNew ? "accepted" : "duplicate",
    },
  ]);
}

/**
 * Applies ledger inputs against `webhook_deliveries` in `schema`: loads the rows of their deliveries,
 * folds the inputs ({@link evolveDelivery}), writes the changed rows and adds their increments to
 * `stats` (the caller writes those).
 * @throws the Postgres error.
 */
export async function applyDeliveryInputs(
  db: Kysely<ReadModels>,
  schema: string,
  stats: Map<string, StatsRow>,
  inputs: readonly DeliveryInput[],
): Promise<void> {
  if (inputs.length === 0) return;
  const ledger = new Map<string, DeliveryRow>();
  const byProject = new Map<string, Set<string>>();
  for (const i of inputs) {
    let ids = byProject.get(i.projectId);
    if (!ids) {
      ids = new Set();
      byProject.set(i.projectId, ids);
    }
    ids.add(i.deliveryId);
  }
  for (const [projectId, ids] of byProject) {
    const list = [...ids];
    for (let i = 0; i < list.length; i += 1000) {
      const rows = await db
        .selectFrom("webhook_deliveries")
        .select(["project_id", "delivery_id", "source", "received_at", "outcome"])
        .where("project_id", "=", projectId)
        .where("delivery_id", "in", list.slice(i, i + 1000))
        .execute();
      for (const r of rows) {
        ledger.set(deliveryKey(r.project_id, r.delivery_id), {
          ...r,
          received_at: new Date(r.received_at).toISOString(),
          outcome: r.outcome as LedgerOutcome,
        });
      }
    }
  }
  const changed = new Map<string, DeliveryRow>();
  for (const input of inputs) {
    const key = deliveryKey(input.projectId, input.deliveryId);
    const r = evolveDelivery(ledger.get(key), input);
    for (const inc of r.increments) addStats(stats, inc);
    if (!r.changed) continue;
    ledger.set(key, r.row);
    changed.set(key, r.row);
  }
  await writeRows(db, schema, "webhook_deliveries", [...changed.values()], {
    keys: ["project_id", "delivery_id"],
    action: "replace",
  });
}

/**
 * Of `keys` (dedup keys of deal events of `projectId` that no other read model keys, in stream
 * order), inserts the unknown ones into `deal_event_keys` and returns them: those facts are new.
 * @throws the Postgres error.
 */
export async function insertDealEventKeys(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  const fresh = new Set<string>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 1000) {
    const part = unique.slice(i, i + 1000);
    const r = await sql<{ dedup_key: string }>`
      INSERT INTO ${sql.id(schema, "deal_event_keys")} (project_id, dedup_key)
      SELECT ${projectId}, k FROM unnest(${part}::text[]) AS k
      ON CONFLICT DO NOTHING RETURNING dedup_key`.execute(db);
    for (const row of r.rows) fresh.add(row.dedup_key);
  }
  return fresh;
}

/** Adds accumulated increments to `webhook_stats` in `schema` (upsert: counters `+`, latest times `GREATEST`). */
export async function writeStatsIncrements(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly StatsRow[],
): Promise<void> {
  await writeRows(db, schema, "webhook_stats", rows, {
    keys: ["project_id", "source", "day"],
    action: "add",
    columns: STATS_COUNTERS,
    greatest: STATS_LATEST,
  });
}
