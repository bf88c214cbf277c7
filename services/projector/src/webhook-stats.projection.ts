import { type DomainEvent, ReceiptsMessage, receiptsOf, type WebhookReceipt } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "./table-writer.js";

/**
 * A `rm.webhook_stats` row or an increment of one: counters per project, source and UTC day
 * (`YYYY-MM-DD`). Receipts feed `received`, `accepted`, `duplicates`, `ignored`, `rejected`; the
 * events stream feeds `late_duplicates`.
 */
export type StatsRow = RowOf<"webhook_stats"> & {
  project_id: string;
  source: string;
  day: string;
  received: number;
  accepted: number;
  duplicates: number;
  late_duplicates: number;
  ignored: number;
  rejected: number;
};

const COUNTERS = ["received", "accepted", "duplicates", "late_duplicates", "ignored", "rejected"] as const;

function zero(projectId: string, source: string, instant: string): StatsRow {
  return {
    project_id: projectId,
    source,
    day: instant.slice(0, 10),
    received: 0,
    accepted: 0,
    duplicates: 0,
    late_duplicates: 0,
    ignored: 0,
    rejected: 0,
  };
}

/** Key of a stats row: project, source, day. */
export function statsKey(row: Pick<StatsRow, "project_id" | "source" | "day">): string {
  return `${row.project_id}\u0000${row.source}\u0000${row.day}`;
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
 * The increment one receipt adds (SPEC "webhook statistics"): `received` +1, `accepted` += events
 * published, `duplicates` and `ignored` += their counts, `rejected` +1 when the delivery was
 * rejected; keyed by the UTC day of `received_at`.
 */
export function receiptIncrement(receipt: WebhookReceipt): StatsRow {
  const row = zero(receipt.project_id, receipt.source, receipt.received_at);
  row.received = 1;
  row.accepted = receipt.published;
  row.duplicates = receipt.duplicates;
  row.ignored = receipt.ignored;
  row.rejected = receipt.outcome === "rejected" ? 1 : 0;
  return row;
}

/**
 * The increment of a duplicate that outlived the stream's duplicate window (same dedup key as a
 * stored event): `late_duplicates` +1 for the event's project and source on the UTC day of its
 * `recorded_at`.
 */
export function lateDuplicateIncrement(event: DomainEvent): StatsRow {
  const row = zero(event.project_id, event.source, event.recorded_at);
  row.late_duplicates = 1;
  return row;
}

/** Adds `inc` into the accumulator `acc` (keyed by {@link statsKey}). */
export function addStats(acc: Map<string, StatsRow>, inc: StatsRow): void {
  const key = statsKey(inc);
  const row = acc.get(key);
  if (!row) {
    acc.set(key, { ...inc });
    return;
  }
  for (const c of COUNTERS) row[c] += inc[c];
}

/** Adds accumulated increments to `webhook_stats` in `schema` (upsert with `+`). */
export async function writeStatsIncrements(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly StatsRow[],
): Promise<void> {
  await writeRows(db, schema, "webhook_stats", rows, {
    keys: ["project_id", "source", "day"],
    action: "add",
    columns: COUNTERS,
  });
}
