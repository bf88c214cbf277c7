import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmId, IsoInstant } from "./primitives.js";

/**
 * A lead snapshot as an amoCRM account webhook carries it (api/v2 shape, normalised: numbers are
 * numbers, unix seconds are ISO instants, `custom_fields` values are `{value, enum}` pairs even for
 * date fields that arrive as a bare `values[0]`). Fields the delivery did not carry are `null`.
 */
export const LeadSnapshot = z.object({
  lead_id: CrmId,
  name: z.string().nullable(),
  price: z.number().nullable(),
  responsible_user_id: CrmId.nullable(),
  pipeline_id: CrmId.nullable(),
  status_id: CrmId.nullable(),
  created_user_id: CrmId.nullable(),
  modified_user_id: CrmId.nullable(),
  created_at: IsoInstant.nullable(),
  updated_at: IsoInstant.nullable(),
  // The keys of `tags` and `custom_fields` items are declared in sorted order: a decoded snapshot
  // then lists them canonically, and the projector stores these lists as canonical JSON text.
  tags: z.array(z.object({ id: CrmId.nullable(), name: z.string() })),
  custom_fields: z.array(
    z.object({
      code: z.string().nullable(),
      id: CrmId,
      name: z.string().nullable(),
      values: z.array(z.object({ enum: z.string().nullable(), value: z.string().nullable() })),
    }),
  ),
});
/** See {@link LeadSnapshot}. */
export type LeadSnapshot = z.infer<typeof LeadSnapshot>;

/**
 * `order.status_changed` v1 — an order (KeyCRM) or lead (amoCRM) entered a status.
 *
 * - `status_group_id`: the KeyCRM status group, or the amoCRM pipeline (in the order-status model
 *   the pipeline plays the group, SPEC "amoCRM deals"); `null` when the delivery had none (KeyCRM
 *   minimal context) — the projector resolves it from the status dictionary.
 * - `status_changed_at`: the source time of the change; `time_source` says whether the CRM gave
 *   it (`crm`) or the delivery had no time and we used the receive time (`received`).
 * - `previous_status_id`: amoCRM `old_status_id`; KeyCRM does not send it.
 * - `crm_event`: the delivery kind (`order.change_order_status`, `leads.status`, `leads.dp_status`,
 *   `events_api`).
 * - `lead`: for amoCRM account webhooks, the lead snapshot the delivery carried.
 * Dedup key (SPEC): KeyCRM `keycrm:{project}:{order}:{status_changed_at}:{status_id}`;
 * amoCRM `amocrm:{project}:{lead}:status:{status_id}:{last_modified}`.
 */
export const OrderStatusChanged = defineEvent(
  "order.status_changed",
  1,
  z.object({
    order_id: CrmId,
    status_id: CrmId,
    status_group_id: CrmId.nullable(),
    status_changed_at: IsoInstant,
    time_source: z.enum(["crm", "received"]),
    order_created_at: IsoInstant.nullable(),
    previous_status_id: CrmId.nullable(),
    manager_id: CrmId.nullable(),
    crm_event: z.string(),
    lead: LeadSnapshot.nullable(),
  }),
);
/** See {@link OrderStatusChanged}. */
export type OrderStatusChanged = z.infer<typeof OrderStatusChanged>;

/**
 * `deal.created` v1 — amoCRM `leads[add]`. Dedup key `amocrm:{project}:{lead}:add:{status}:{last_modified}`.
 * `minimal` is true for a Digital-Pipeline body (only id, status and pipeline).
 */
export const DealCreated = defineEvent(
  "deal.created",
  1,
  z.object({ lead: LeadSnapshot, minimal: z.boolean() }),
);
/** See {@link DealCreated}. */
export type DealCreated = z.infer<typeof DealCreated>;

/** `deal.updated` v1 — amoCRM `leads[update]`. Dedup key `amocrm:{project}:{lead}:update:{status}:{last_modified}`. */
export const DealUpdated = defineEvent("deal.updated", 1, z.object({ lead: LeadSnapshot }));
/** See {@link DealUpdated}. */
export type DealUpdated = z.infer<typeof DealUpdated>;

/** `deal.deleted` v1 — amoCRM `leads[delete]` (id, status and pipeline only). */
export const DealDeleted = defineEvent(
  "deal.deleted",
  1,
  z.object({ lead_id: CrmId, status_id: CrmId.nullable(), pipeline_id: CrmId.nullable() }),
);
/** See {@link DealDeleted}. */
export type DealDeleted = z.infer<typeof DealDeleted>;
