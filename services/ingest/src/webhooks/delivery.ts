import type { PhoneRegion } from "@pulse/domain";
import type { DomainEvent, IsoInstant, RawDelivery } from "@pulse/events";

/**
 * What a normalizer needs to know about one webhook delivery besides its body.
 *
 * - `projectId`: the authenticated project (URL path).
 * - `receivedAt`: when ingest received it; the status time of deliveries that carry none, and
 *   every event's `recorded_at`.
 * - `contentType` / `rawBody`: kept verbatim in each event's `raw` for audit.
 * - `newId`: mints the event ids (ULIDs; injected so tests are deterministic).
 * - `phoneRegion`: the project's phone region for nationally written phones (absent = `KZ`, see
 *   `DEFAULT_PHONE_REGION`); CRM normalizers do not need it.
 */
export interface DeliveryContext {
  readonly projectId: string;
  readonly receivedAt: Date;
  readonly contentType: string;
  readonly rawBody: string;
  readonly newId: () => string;
  readonly phoneRegion?: PhoneRegion;
}

/**
 * A normalised delivery: the domain events it carries (in body order) and how many of its
 * entities were acknowledged but deliberately not turned into events (`ignored`, e.g. KeyCRM
 * `order.change_payment_status`, amoCRM `contacts[update]`), with their kinds for the receipt.
 */
export interface NormalizedDelivery {
  events: DomainEvent[];
  ignored: number;
  ignoredKinds: string[];
}

/** The `raw` block of every event built from `ctx`. */
export function rawOf(ctx: DeliveryContext): RawDelivery {
  return { received_at: receivedIso(ctx), content_type: ctx.contentType, body: ctx.rawBody };
}

/** `ctx.receivedAt` as an ISO instant (`Date#toISOString`). */
export function receivedIso(ctx: DeliveryContext): IsoInstant {
  return ctx.receivedAt.toISOString();
}
