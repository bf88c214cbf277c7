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
 * `sale_recorded` — what the projector announces after a transaction in which a lead became a sale
 * (entered 142: new, or won again after a reopen) committed (SPEC "amoCRM deals"; issue 15 "the live
 * page and SSE announce new sales", "Sale notifications"). Published to `saleUpdatesSubject` with the
 * `Nats-Msg-Id` `sale:{project}:{lead_id}:{sold_at}`, only by the live path (a replay never announces).
 * The fields are the lead's `rm.sales` row after the change: `amount` in `currency` (the lead's price
 * or the pipeline product's price), `team` null when unattributed or ambiguous. `event_seq` is the
 * events-stream sequence that caused it. Consumers: the live sales page (SSE `GET /api/stream/sales`)
 * and the Telegram sale notifier (at most once per `(project_id, lead_id, sold_at)`).
 */
export const SaleRecordedNotice = z.object({
  type: z.literal("sale_recorded"),
  project_id: ProjectId,
  lead_id: CrmId,
  event_seq: z.number().int().nonnegative(),
  sold_at: IsoInstant,
  amount: z.number(),
  currency: z.string(),
  product: z.string().nullable(),
  pipeline_id: CrmId.nullable(),
  manager_id: CrmId.nullable(),
  manager_name: z.string().nullable(),
  contact_name: z.string().nullable(),
  team: z.string().nullable(),
  confidence: z.enum(["high", "medium", "low"]),
  utm_source: z.string().nullable(),
  utm_campaign: z.string().nullable(),
  utm_content: z.string().nullable(),
});
/** See {@link SaleRecordedNotice}. */
export type SaleRecordedNotice = z.infer<typeof SaleRecordedNotice>;
