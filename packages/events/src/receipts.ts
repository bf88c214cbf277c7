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
