/**
 * Test builders for events (the `@pulse/events/testing` subpath). Not for production code.
 */
import { ulid } from "ulid";
import type { EventOfType } from "./catalogue.js";

let clock = Date.UTC(2026, 9, 12, 6, 0, 0);

/**
 * Builds a valid `order.status_changed` (KeyCRM) with overridable data fields. The dedup key
 * follows the SPEC rule, so two builders with the same order/status/time are one fact.
 */
export function anOrderStatusChanged(
  data: Partial<EventOfType<"order.status_changed">["data"]> & { order_id: number; status_id: number; status_changed_at: string },
  projectId = "shop-test",
): EventOfType<"order.status_changed"> {
  clock += 1000;
  const full = {
    status_group_id: null,
    time_source: "crm" as const,
    order_created_at: null,
    previous_status_id: null,
    manager_id: null,
    crm_event: "order.change_order_status",
    lead: null,
    ...data,
  };
  return {
    id: ulid(clock),
    type: "order.status_changed",
    version: 1,
    project_id: projectId,
    occurred_at: full.status_changed_at,
    recorded_at: new Date(clock).toISOString(),
    dedup_key: `keycrm:${projectId}:${full.order_id}:${full.status_changed_at}:${full.status_id}`,
    source: "keycrm",
    raw: null,
    data: full,
  };
}
