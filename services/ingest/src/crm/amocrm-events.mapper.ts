/**
 * amoCRM events API (`GET /api/v4/events?filter[type]=lead_status_changed`) → `order.status_changed`
 * (pure). The catch-up for status webhooks that never arrived (formats/amocrm.md §5: "plan a
 * periodic reconciliation via API"; fixtures: 19 of 722 changes exist only there).
 */
import type { IsoInstant, OrderStatusChanged } from "@pulse/events";
import { z } from "zod";
import { amocrmStatusDedupKey } from "../webhooks/amocrm.normalizer.js";
import {
  describeValue,
  implausibleTimeReason,
  isCrmId,
  jsonDepthExceeds,
  MAX_BODY_DEPTH,
  unixSecondsToIso,
} from "./crm-values.js";

/** The event type the catch-up reads. */
export const AMOCRM_STATUS_EVENT_TYPE = "lead_status_changed";

/** An integer as the shape needs it; whether it is a plausible id is judged after ({@link amocrmStatusEvent}). */
const Int = z.number().int();
const LeadStatus = z.object({ lead_status: z.object({ id: Int, pipeline_id: Int.nullable().optional() }) });

/**
 * One item of `_embedded.events` as the catch-up needs it: `entity_id` (lead), `created_at` (unix
 * seconds), `value_after[0].lead_status` `{id, pipeline_id}`, optional `value_before` and
 * `created_by`. Other fields pass.
 */
export const AmocrmStatusEventItem = z.looseObject({
  id: z.string().min(1).max(100),
  type: z.literal(AMOCRM_STATUS_EVENT_TYPE),
  entity_id: Int,
  entity_type: z.literal("lead"),
  created_at: Int,
  value_after: z.array(LeadStatus).min(1),
  value_before: z.array(LeadStatus).nullable().optional(),
});
/** See {@link AmocrmStatusEventItem}. */
export type AmocrmStatusEventItem = z.infer<typeof AmocrmStatusEventItem>;

/**
 * A page of the events API: `{_page, _links: {next?}, _embedded: {events: […]}}`, or `null` for a
 * 204 (amoCRM answers an empty result with 204, formats/amocrm.md §7.2).
 * @returns the raw items and whether `_links.next` announces another page.
 * @throws Error when the body has no `_embedded.events` array.
 */
export function amocrmEventsPage(body: unknown): { items: unknown[]; hasNext: boolean } {
  if (body === null) return { items: [], hasNext: false };
  const parsed = z
    .looseObject({
      _links: z.looseObject({ next: z.looseObject({ href: z.string() }).optional() }).optional(),
      _embedded: z.looseObject({ events: z.array(z.unknown()) }),
    })
    .safeParse(body);
  if (!parsed.success)
    throw new Error("amoCRM GET /api/v4/events answered something that is not an events page");
  return { items: parsed.data._embedded.events, hasNext: parsed.data._links?.next !== undefined };
}

/**
 * Result of {@link amocrmStatusEvent}: the event, or why an item was skipped — `reason` a short
 * code for counting (another event type, `malformed`, `nesting`, `entity_id`, `status_id`,
 * `pipeline_id`, `created_at`), `detail` the problem in words for an implausible item.
 */
export type AmocrmEventMapping =
  | { ok: true; event: OrderStatusChanged }
  | { ok: false; reason: string; detail?: string };

/**
 * Maps one events-API item to `order.status_changed` (source `amocrm`, `crm_event: "events_api"`):
 * `order_id` = `entity_id`; `status_id` / `status_group_id` = `value_after[0].lead_status`
 * `id` / `pipeline_id` (the pipeline plays the status group, SPEC "amoCRM deals");
 * `previous_status_id` = `value_before[0].lead_status.id`; `status_changed_at` = `occurred_at` =
 * `created_at`, `time_source: "crm"`; no order creation time, manager or lead snapshot (the API event
 * carries none). Dedup key {@link amocrmStatusDedupKey} with `created_at` — the one the webhook's
 * `last_modified` gives, so a change seen both ways is one fact. `raw` keeps the item as JSON with
 * `received_at` = `fetchedAt`.
 * Items of other types, entities or shapes are skipped (`ok: false`): the events API is a source
 * we read, not a delivery we must reject. So are implausible items (README "Plausibility rules",
 * crm-values.ts): an `entity_id`, status id or pipeline id that is not a positive integer, a
 * `created_at` outside [2000-01-01T00:00:00Z, `fetchedAt` + 1 day], or an item nested deeper than
 * 64 levels (its JSON is kept in `raw`, and `JSON.stringify` would overflow the stack).
 */
export function amocrmStatusEvent(
  projectId: string,
  item: unknown,
  ctx: { fetchedAt: Date; newId: () => string },
): AmocrmEventMapping {
  if (jsonDepthExceeds(item))
    return { ok: false, reason: "nesting", detail: `item nests deeper than ${MAX_BODY_DEPTH} levels` };
  const parsed = AmocrmStatusEventItem.safeParse(item);
  if (!parsed.success) {
    const type = (item as { type?: unknown } | null)?.type;
    return {
      ok: false,
      reason: typeof type === "string" && type !== AMOCRM_STATUS_EVENT_TYPE ? type : "malformed",
    };
  }
  const e = parsed.data;
  const after = e.value_after[0]?.lead_status;
  if (!after) return { ok: false, reason: "malformed" };
  const before = e.value_before?.[0]?.lead_status;
  // [reason, field as the API names it, value]; an absent pipeline or previous status is allowed.
  const ids: [string, string, unknown][] = [
    ["entity_id", "entity_id", e.entity_id],
    ["status_id", "value_after[0].lead_status.id", after.id],
    ["pipeline_id", "value_after[0].lead_status.pipeline_id", after.pipeline_id ?? 1],
    ["previous_status_id", "value_before[0].lead_status.id", before?.id ?? 1],
  ];
  for (const [reason, field, value] of ids)
    if (!isCrmId(value))
      return {
        ok: false,
        reason,
        detail: `${field} must be a positive integer id, got ${describeValue(value)}`,
      };
  const implausible = implausibleTimeReason(e.created_at * 1000, ctx.fetchedAt);
  if (implausible !== null)
    return { ok: false, reason: "created_at", detail: `created_at is implausible: ${implausible}` };
  const at: IsoInstant = unixSecondsToIso(e.created_at);
  return {
    ok: true,
    event: {
      id: ctx.newId(),
      type: "order.status_changed",
      version: 1,
      project_id: projectId,
      occurred_at: at,
      recorded_at: ctx.fetchedAt.toISOString(),
      dedup_key: amocrmStatusDedupKey(projectId, e.entity_id, after.id, e.created_at),
      source: "amocrm",
      raw: {
        received_at: ctx.fetchedAt.toISOString(),
        content_type: "application/hal+json",
        body: JSON.stringify(item),
      },
      data: {
        order_id: e.entity_id,
        status_id: after.id,
        status_group_id: after.pipeline_id ?? null,
        status_changed_at: at,
        time_source: "crm",
        order_created_at: null,
        previous_status_id: before?.id ?? null,
        manager_id: null,
        crm_event: "events_api",
        lead: null,
      },
    },
  };
}
