/**
 * KeyCRM webhook → domain events (pure: no I/O, time comes from the delivery context).
 * Body format: formats/keycrm.md §1–3 (`{event, context}`, context = the flat order row).
 */
import type { IsoInstant, OrderStatusChanged } from "@pulse/events";
import {
  isRecord,
  readCrmId,
  readOptionalCrmId,
  readOptionalEventTime,
  readOptionalUserId,
} from "../crm/crm-values.js";
import { ValidationError } from "../http/http.errors.js";
import { type DeliveryContext, type NormalizedDelivery, rawOf, receivedIso } from "./delivery.js";

/** The only KeyCRM event that becomes a domain event; every other well-formed event is ignored. */
export const KEYCRM_STATUS_EVENT = "order.change_order_status";

/**
 * The dedup key of a KeyCRM status change (SPEC "Order status analytics"):
 * `keycrm:{project}:{order_id}:{status_changed_at}:{status_id}`, `status_changed_at` as an ISO
 * instant with milliseconds. It blocks only identical deliveries: a later return to the same
 * status has another time and is a new fact.
 */
export function keycrmDedupKey(
  projectId: string,
  orderId: number,
  statusChangedAt: string,
  statusId: number,
): string {
  return `keycrm:${projectId}:${orderId}:${statusChangedAt}:${statusId}`;
}

/**
 * The CRM's own time of a KeyCRM status change (SPEC "Decided rules — Time of a status change"):
 * `status_changed_at`, else the order's `updated_at`; `null` when neither is given (the caller
 * then takes the receipt time). Both arguments are already-read instants or `null` for absent.
 */
export function keycrmStatusTime(
  statusChangedAt: IsoInstant | null,
  updatedAt: IsoInstant | null,
): IsoInstant | null {
  return statusChangedAt ?? updatedAt;
}

/**
 * Normalises one KeyCRM delivery.
 *
 * - `order.change_order_status` → one `order.status_changed` (source `keycrm`): `order_id` =
 *   `context.id`, `status_id`, `status_group_id` (null when the minimal context lacks it),
 *   `order_created_at` = `created_at`, `manager_id`. KeyCRM sends no previous status.
 *   `status_changed_at` follows SPEC "Decided rules — Time of a status change":
 *   `context.status_changed_at`, else the order's `context.updated_at` (both `time_source: "crm"`),
 *   else the receipt time (`time_source: "received"`). A field counts as absent when its key is
 *   missing or `null`; a present-but-empty `""` is malformed, never a fall-through.
 * - any other event with an object `context` (`order.change_payment_status`,
 *   `lead.change_lead_status`, …) → no event, `ignored: 1`.
 *
 * Ids may be numbers or digit strings; timestamps are ISO (`…000000Z`) or `YYYY-MM-DD HH:MM:SS`
 * (zone-less = UTC), kept to the millisecond in `Date#toISOString()` form. Plausibility
 * (crm-values.ts, README "Plausibility rules"): `id`, `status_id`, `status_group_id` are positive
 * integers (`manager_id` may be 0); every time read (`status_changed_at`, `updated_at`,
 * `created_at`) lies in [2000-01-01T00:00:00Z, receipt + 1 day].
 * @throws ValidationError when the body is not `{event: string, context: object}`, or a status
 *   change has a missing/non-positive `id`/`status_id`, an empty, unparseable or implausible
 *   time, or another malformed id.
 */
export function normalizeKeycrmWebhook(body: unknown, ctx: DeliveryContext): NormalizedDelivery {
  if (!isRecord(body)) throw new ValidationError("body must be a JSON object {event, context}");
  const event = body["event"];
  if (typeof event !== "string" || event.length === 0 || event.length > 200) {
    throw new ValidationError("event must be a non-empty string");
  }
  const context = body["context"];
  if (!isRecord(context)) throw new ValidationError("context must be an object");
  if (event !== KEYCRM_STATUS_EVENT) return { events: [], ignored: 1, ignoredKinds: [event] };

  const orderId = readCrmId(context["id"], "context.id");
  const statusId = readCrmId(context["status_id"], "context.status_id");
  const statusGroupId = readOptionalCrmId(context["status_group_id"], "context.status_group_id");
  const at = ctx.receivedAt;
  const changedAt = readOptionalEventTime(context["status_changed_at"], "context.status_changed_at", at);
  const updatedAt = readOptionalEventTime(context["updated_at"], "context.updated_at", at);
  const createdAt = readOptionalEventTime(context["created_at"], "context.created_at", at);
  const managerId = readOptionalUserId(context["manager_id"], "context.manager_id");
  const crmTime = keycrmStatusTime(changedAt, updatedAt);
  const statusChangedAt = crmTime ?? receivedIso(ctx);

  const out: OrderStatusChanged = {
    id: ctx.newId(),
    type: "order.status_changed",
    version: 1,
    project_id: ctx.projectId,
    occurred_at: statusChangedAt,
    recorded_at: receivedIso(ctx),
    dedup_key: keycrmDedupKey(ctx.projectId, orderId, statusChangedAt, statusId),
    source: "keycrm",
    raw: rawOf(ctx),
    data: {
      order_id: orderId,
      status_id: statusId,
      status_group_id: statusGroupId,
      status_changed_at: statusChangedAt,
      time_source: crmTime ? "crm" : "received",
      order_created_at: createdAt,
      previous_status_id: null,
      manager_id: managerId,
      crm_event: KEYCRM_STATUS_EVENT,
      lead: null,
    },
  };
  return { events: [out], ignored: 0, ignoredKinds: [] };
}
