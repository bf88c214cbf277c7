/**
 * KeyCRM order list (`GET /order`, formats/keycrm.md §5) → `order.status_changed`: the import of a
 * project's existing orders and the periodic catch-up. Pure: no I/O, time comes from the caller.
 *
 * A list item is the same flat order row a `order.change_order_status` webhook carries as its
 * `context` (formats/keycrm.md §1–2), so each row is mapped by the webhook normalizer itself
 * ({@link normalizeKeycrmWebhook}): the same checks, the same time fallback
 * (`status_changed_at` → `updated_at` → fetch time, SPEC "Decided rules") and the same dedup key
 * (`keycrm:{project}:{order}:{status_changed_at}:{status}`). A webhook of the change the import
 * saw is then a JetStream duplicate (or, after the 24 h window, dropped by the projector's
 * dedup-key check): never a second visit.
 */
import type { OrderStatusChanged } from "@pulse/events";
import { KEYCRM_STATUS_EVENT, normalizeKeycrmWebhook } from "../webhooks/keycrm.normalizer.js";
import { isRecord } from "./crm-values.js";

/** `crm_event` of the status events the order list produces (the webhook's is `order.change_order_status`). */
export const KEYCRM_ORDER_LIST_EVENT = "order_list";

/** KeyCRM's largest list page (`limit` ≤ 50, formats/keycrm.md §5). */
export const KEYCRM_ORDER_PAGE_LIMIT = 50;

/**
 * One page of `GET /order` (Laravel page object `{total, current_page, per_page, data, …,
 * next_page_url}`): the rows as received, `total` (rows matching the filter now; `null` when
 * absent) and whether `next_page_url` announces another page.
 */
export interface KeycrmOrdersPage {
  rows: unknown[];
  total: number | null;
  hasNext: boolean;
}

/**
 * Reads a `GET /order` page.
 * @throws Error when the body is not an object with a `data` array.
 */
export function keycrmOrdersPage(body: unknown): KeycrmOrdersPage {
  if (!isRecord(body) || !Array.isArray(body["data"]))
    throw new Error("KeyCRM order list: expected a page object with a data array");
  const total = body["total"];
  const next = body["next_page_url"];
  return {
    rows: body["data"] as unknown[],
    total: typeof total === "number" && Number.isSafeInteger(total) && total >= 0 ? total : null,
    hasNext: typeof next === "string" && next.length > 0,
  };
}

/** Result of {@link keycrmOrderRowEvent}: the event, or why the row was skipped. */
export type KeycrmOrderRowMapping = { ok: true; event: OrderStatusChanged } | { ok: false; reason: string };

/**
 * Maps one order row of the list to the `order.status_changed` of its **current** status, exactly
 * as the webhook normalizer maps a webhook `context` (see the module comment), with
 * `recorded_at` / `raw.received_at` = `fetchedAt`, `raw.body` = the row as JSON and
 * `crm_event` = {@link KEYCRM_ORDER_LIST_EVENT}. The dedup key does not depend on either, so it
 * equals the webhook's for the same change.
 * @returns `{ok: false, reason}` for a row the webhook route would answer 400 (not an object,
 *   missing/non-positive `id` or `status_id`, an implausible time, …): the caller counts and logs it.
 */
export function keycrmOrderRowEvent(
  projectId: string,
  row: unknown,
  ctx: { fetchedAt: Date; newId: () => string },
): KeycrmOrderRowMapping {
  if (!isRecord(row)) return { ok: false, reason: "order row is not an object" };
  try {
    const normalized = normalizeKeycrmWebhook(
      { event: KEYCRM_STATUS_EVENT, context: row },
      {
        projectId,
        receivedAt: ctx.fetchedAt,
        contentType: "application/json",
        rawBody: JSON.stringify(row),
        newId: ctx.newId,
      },
    );
    const event = normalized.events[0];
    if (!event || event.type !== "order.status_changed")
      return { ok: false, reason: "order row gave no status change" };
    return { ok: true, event: { ...event, data: { ...event.data, crm_event: KEYCRM_ORDER_LIST_EVENT } } };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * The `filter[updated_between]` value of a window: `"YYYY-MM-DD HH:MM:SS,YYYY-MM-DD HH:MM:SS"` in
 * UTC (KeyCRM reads and filters every time in UTC, formats/keycrm.md §5; the filter name and the
 * `from,to` form are those KeyCRM clients use — UNCONFIRMED by the official reference). Seconds
 * are floored for `from` and `to` alike, both ends inclusive.
 */
export function keycrmUpdatedBetween(from: Date, to: Date): string {
  const fmt = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");
  return `${fmt(from)},${fmt(to)}`;
}
