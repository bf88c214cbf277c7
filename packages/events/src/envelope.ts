import { z } from "zod";
import { EventSource, IsoInstant, ProjectId } from "./primitives.js";

/**
 * The delivery an event was derived from, kept verbatim for audit: when it was received, its
 * content type and its body as text (JSON or form-encoded). `null` for events we produce ourselves
 * (CLI, settings, analyst).
 */
export const RawDelivery = z.object({
  received_at: IsoInstant,
  content_type: z.string(),
  body: z.string(),
});
/** See {@link RawDelivery}. */
export type RawDelivery = z.infer<typeof RawDelivery>;

/** The webhook sources ingest receives (the endpoint segment `/webhooks/{source}/…`). */
export const WebhookSource = z.enum(["keycrm", "amocrm", "evolution"]);
/** See {@link WebhookSource}. */
export type WebhookSource = z.infer<typeof WebhookSource>;

/**
 * The webhook delivery (one HTTP request) an event was stored from: `id` — a ULID minted by ingest
 * per request (a CRM's retry is another request, so another id); `source` — the webhook endpoint;
 * `events` — how many events that request carried (≥ 1). Every event of the request carries the same
 * block, so the projector can count the request once from what was stored, whatever the receipts
 * stream holds (SPEC "Webhook statistics count deliveries"). Absent on events of pollers, workers,
 * the CLI and on events stored before the block existed.
 */
export const WebhookDelivery = z.object({
  id: z.string().min(1).max(64),
  source: WebhookSource,
  events: z.number().int().positive(),
});
/** See {@link WebhookDelivery}. */
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/**
 * The envelope every event in the stream shares.
 *
 * - `id`: ULID of the event, minted at ingest.
 * - `type`: past-tense event type (`order.status_changed`); `version`: schema version of `data`.
 * - `project_id`: the tenant.
 * - `occurred_at`: when it happened at the source (UTC); `recorded_at`: when we stored it.
 * - `dedup_key`: the identity of the fact (also the JetStream `Nats-Msg-Id`); two deliveries of
 *   one fact have the same key, so a projector can drop a duplicate that arrived after the
 *   stream's duplicate window.
 * - `source`: who produced it; `raw`: the delivery it came from, or `null`.
 * - `delivery`: the webhook request it was stored from ({@link WebhookDelivery}); absent otherwise.
 */
export const EnvelopeBase = z.object({
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "ULID"),
  type: z.string(),
  version: z.number().int().positive(),
  project_id: ProjectId,
  occurred_at: IsoInstant,
  recorded_at: IsoInstant,
  dedup_key: z.string().min(1).max(1000),
  source: EventSource,
  raw: RawDelivery.nullable(),
  delivery: WebhookDelivery.optional(),
});
/** See {@link EnvelopeBase}. */
export type EnvelopeBase = z.infer<typeof EnvelopeBase>;

/**
 * Builds the zod schema of one event type: the envelope with a literal `type`, a literal
 * `version` and the given `data` schema.
 */
export function defineEvent<const T extends string, const V extends number, D extends z.ZodType>(
  type: T,
  version: V,
  data: D,
) {
  return EnvelopeBase.extend({ type: z.literal(type), version: z.literal(version), data });
}
