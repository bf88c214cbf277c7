import { z } from "zod";
import { WebhookSource } from "./envelope.js";
import { IsoInstant, ProjectId } from "./primitives.js";

export { WebhookSource };

/** The six {@link DeliveryOutcome} values, in the order of their `webhook_stats` columns. */
export const DELIVERY_OUTCOMES = [
  "accepted",
  "duplicate",
  "ignored",
  "rejected",
  "unauthorized",
  "failed",
] as const;

/**
 * The outcome of one webhook delivery (HTTP request), SPEC "Webhook statistics count deliveries":
 * `accepted` (stored at least one new event), `duplicate` (everything in it was already stored),
 * `ignored` (valid, nothing to store), `rejected` (malformed: 4xx), `unauthorized` (wrong or missing
 * secret for an existing project), `failed` (could not be persisted: 503).
 */
export const DeliveryOutcome = z.enum(DELIVERY_OUTCOMES);
/** See {@link DeliveryOutcome}. */
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/**
 * The additive count columns of `rm.webhook_stats` (one row per project, source and UTC day), SPEC
 * "Webhook statistics count deliveries": `received` (deliveries, the sum of the outcome columns),
 * one column per {@link DELIVERY_OUTCOMES} value (deliveries), `events_stored` (events stored by
 * accepted deliveries) and `events_redelivered` (events re-stored by duplicate ones).
 */
export const WEBHOOK_STATS_COUNTERS = [
  "received",
  ...DELIVERY_OUTCOMES,
  "events_stored",
  "events_redelivered",
] as const;
/** One of {@link WEBHOOK_STATS_COUNTERS}. */
export type WebhookStatsCounter = (typeof WEBHOOK_STATS_COUNTERS)[number];

/**
 * One webhook delivery that stored no event, as ingest answered it — an input of `webhook_stats`
 * (deliveries that stored events are counted from those events, see `WebhookDelivery`). It carries
 * counts, never the body (a rejected body is not stored anywhere).
 *
 * - `outcome`: `duplicate` (the stream's duplicate window dropped every event), `ignored`,
 *   `rejected`, `unauthorized`, `failed` ({@link DeliveryOutcome}). `accepted` only in receipts
 *   written before deliveries were counted from their events (still read, counted as before).
 * - `delivery_id`: the request's delivery id when events were built (a `failed` delivery may have
 *   stored some of them: the projector then counts it once, from the events), else absent.
 * - `published` / `duplicates` / `ignored`: entity counts within the delivery.
 */
export const WebhookReceipt = z.object({
  project_id: ProjectId,
  source: WebhookSource,
  received_at: IsoInstant,
  outcome: DeliveryOutcome,
  http_status: z.number().int(),
  delivery_id: z.string().min(1).max(64).optional(),
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
 * while the previous receipts message was in flight (ingest's receipt batcher), in answer order,
 * published with a `Nats-Msg-Id` of its own so a retried publish is stored once. Messages holding a single bare {@link WebhookReceipt} (the first format) stay valid;
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
