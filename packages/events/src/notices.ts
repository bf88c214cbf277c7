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
