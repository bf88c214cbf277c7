import { z } from "zod";
import { IsoInstant, ProjectId } from "./primitives.js";

/** The webhook sources ingest receives. */
export const WebhookSource = z.enum(["keycrm", "amocrm", "evolution"]);
/** See {@link WebhookSource}. */
export type WebhookSource = z.infer<typeof WebhookSource>;

/**
 * One webhook delivery as ingest answered it — the input of `webhook_stats`. It carries counts,
 * never the body (a rejected body is not stored anywhere).
 *
 * - `outcome`: `accepted` (≥1 new event), `duplicate` (every event was already stored),
 *   `ignored` (a delivery kind we do not analyse, e.g. `order.change_payment_status`),
 *   `rejected` (400/413 for an authenticated project; 401s are not attributed to any project).
 * - `published` / `duplicates` / `ignored`: entity counts within the delivery.
 */
export const WebhookReceipt = z.object({
  project_id: ProjectId,
  source: WebhookSource,
  received_at: IsoInstant,
  outcome: z.enum(["accepted", "duplicate", "ignored", "rejected"]),
  http_status: z.number().int(),
  published: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  reason: z.string().nullable(),
});
/** See {@link WebhookReceipt}. */
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

/** Most receipts one receipts-stream message carries (≈ 250 B each: well under NATS' 1 MB payload). */
export const MAX_RECEIPTS_PER_MESSAGE = 500;

/**
 * One receipts-stream message as ingest writes it: the receipts of one project and source collected
 * over a short window (ingest's `RECEIPT_FLUSH_MS`), in answer order. Batching keeps the statistics
 * from doubling JetStream's per-webhook work: one receipts message per window instead of one per
 * delivery. Messages holding a single bare {@link WebhookReceipt} (the first format) stay valid;
 * {@link receiptsOf} reads both.
 */
export const WebhookReceiptBatch = z.object({
  receipts: z.array(WebhookReceipt).min(1).max(MAX_RECEIPTS_PER_MESSAGE),
});
/** See {@link WebhookReceiptBatch}. */
export type WebhookReceiptBatch = z.infer<typeof WebhookReceiptBatch>;

/** A receipts-stream message body in either format: a batch, or one bare receipt. */
export const ReceiptsMessage = z.union([WebhookReceiptBatch, WebhookReceipt]);
/** See {@link ReceiptsMessage}. */
export type ReceiptsMessage = z.infer<typeof ReceiptsMessage>;

/** The receipts of a decoded receipts-stream message (a bare receipt gives a one-element list). */
export function receiptsOf(message: ReceiptsMessage): readonly WebhookReceipt[] {
  return "receipts" in message ? message.receipts : [message];
}
