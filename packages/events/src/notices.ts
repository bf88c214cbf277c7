import { z } from "zod";
import { CrmId, IsoInstant, ProjectId } from "./primitives.js";

/**
 * `order_updated` — what the projector announces after a transaction that changed an order's read
 * models committed; the SSE stream forwards it. `event_seq` is the events-stream sequence that
 * caused it. The fields are the order's `orders_current` row after the change.
 */
export const OrderUpdatedNotice = z.object({
  type: z.literal("order_updated"),
  project_id: ProjectId,
  order_id: CrmId,
  event_seq: z.number().int().nonnegative(),
  reason: z.string(),
  last_status_id: CrmId.nullable(),
  last_status_group_id: CrmId.nullable(),
  last_changed_at: IsoInstant.nullable(),
  started_at: IsoInstant.nullable(),
  closed_at: IsoInstant.nullable(),
});
/** See {@link OrderUpdatedNotice}. */
export type OrderUpdatedNotice = z.infer<typeof OrderUpdatedNotice>;

/**
 * `sale_won` — what the projector's live path announces after a transaction in which an amoCRM lead
 * became a sale (entered 142, SPEC "amoCRM deals"), on `{root}.updates.{project}.sale`; never
 * written by a replay or recompute. The sale notification worker of ingest sends it to the
 * project's Telegram chat, at most once per `(project_id, lead_id)` (a lead won again after a
 * reopen is the same sale). Amount in the currency's units (`amount` = the lead's price, or the
 * pipeline's product price when it is 0). Readers accept extra fields.
 */
export const SaleNotice = z.looseObject({
  type: z.literal("sale_won"),
  project_id: ProjectId,
  lead_id: CrmId,
  event_seq: z.number().int().nonnegative(),
  sold_at: IsoInstant,
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  product: z.string().nullable(),
  pipeline_id: CrmId.nullable(),
  manager: z.string().nullable(),
  client_name: z.string().nullable(),
  client_phone: z.string().nullable(),
  team: z.string().nullable(),
  utm_source: z.string().nullable(),
  utm_campaign: z.string().nullable(),
  utm_content: z.string().nullable(),
});
/** See {@link SaleNotice}. */
export type SaleNotice = z.infer<typeof SaleNotice>;
