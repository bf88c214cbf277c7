/**
 * The items worker (issue "urgency"): after a KeyCRM order's status events, reads its items from
 * `GET {base_url}/order/{id}?include=products.offer` and publishes `order.items_fetched`, which the
 * urgency rules need (SPEC "Urgency: … After an order's items are known … If items are missing when
 * a status event arrives, they are fetched asynchronously with retries and the flag follows").
 */
import type { DomainEvent } from "@pulse/events";
import { type CrmHttpClient, CrmHttpError } from "../crm/crm-http.client.js";
import { itemsDigest, keycrmOrderItems, orderItemsEvent } from "../crm/order-items.mapper.js";
import {
  createEntityFetchWorker,
  type EntityFetchDeps,
  type EntityFetchWorker,
  entersNewGroup,
  type FetchState,
  type FetchTrigger,
} from "./entity-fetch.worker.js";

/** Durable consumer name of the items worker. */
export const ITEMS_WORKER_DURABLE = "items-worker";

/** The KV bucket of the items worker's fetch states: `{EVENTS_STREAM}_ITEMS`, keys `{project}.{order}`. */
export function itemsBucketName(eventsStream: string): string {
  return `${eventsStream}_ITEMS`;
}

/**
 * The refetch rule of order items (pure; times compared are the events' own, so replaying old
 * history never refetches):
 * 1. the first status event of an order seen (no state) → fetch;
 * 2. a later event that makes the order **enter a new status group**, when the last fetch is at
 *    least `refetchAfterMs` older than that event → fetch again, so items edited after the first
 *    fetch (an urgent option added during approval…) are caught;
 * 3. otherwise nothing (a re-entry into the same group, a late older event, an event without group —
 *    KeyCRM's minimal context — or a fetch younger than the limit).
 * An order the CRM answered 404 for follows the same rule. Unchanged items publish nothing new: the
 * worker compares digests, and the dedup key `items:{project}:{order}:{sha256}` makes them one fact.
 * Source: ingest README "Items worker"; default `ITEMS_REFETCH_AFTER_MINUTES` = 60.
 */
export function shouldFetchItems(
  state: FetchState | null,
  trigger: FetchTrigger,
  refetchAfterMs: number,
): boolean {
  if (!state) return true;
  if (!entersNewGroup(state, trigger)) return false;
  return Date.parse(trigger.at) - Date.parse(state.fetched_at) >= refetchAfterMs;
}

/** The trigger of an event for the items worker: KeyCRM `order.status_changed` only. */
export function itemsTrigger(event: DomainEvent): FetchTrigger | null {
  if (event.type !== "order.status_changed" || event.source !== "keycrm") return null;
  return {
    projectId: event.project_id,
    entityId: event.data.order_id,
    groupId: event.data.status_group_id,
    at: event.data.status_changed_at,
  };
}

/**
 * Dependencies of {@link createOrderItemsWorker}: the shared runtime deps, the CRM HTTP client
 * (share it with the dictionary worker: one limiter per project for all KeyCRM calls, at most
 * 1 request/s — KeyCRM allows 60/min per token) and the refetch limit (minutes).
 */
export interface OrderItemsWorkerDeps extends EntityFetchDeps {
  http: CrmHttpClient;
  refetchAfterMinutes: number;
}

/**
 * Creates the items worker: durable consumer {@link ITEMS_WORKER_DURABLE} on
 * `{root}.events.*.order.>`, KV `{EVENTS_STREAM}_ITEMS`, reacting to `order.status_changed` of active
 * KeyCRM projects with a base URL and token, per {@link shouldFetchItems}. It GETs
 * `{base_url}/order/{id}?include=products.offer` (Bearer token) through `http` — 429/5xx retried
 * with backoff honouring `Retry-After`; a 404 publishes nothing and is remembered (`gone`, logged);
 * any other failure naks the event with a growing delay (the order is never lost, other orders and
 * projects go on) — and publishes `order.items_fetched` (source `keycrm`, `occurred_at` =
 * `fetched_at`, dedup key `items:{project}:{order}:{sha256 of the items}`).
 */
export function createOrderItemsWorker(deps: OrderItemsWorkerDeps): EntityFetchWorker {
  const refetchAfterMs = deps.refetchAfterMinutes * 60_000;
  return createEntityFetchWorker(
    {
      durable: ITEMS_WORKER_DURABLE,
      filter: `${deps.scheme.root}.events.*.order.>`,
      bucket: itemsBucketName(deps.eventsStream),
      projectKind: "keycrm",
      trigger: itemsTrigger,
      shouldFetch: (state, trigger) => shouldFetchItems(state, trigger, refetchAfterMs),
      async fetch(record, trigger, signal) {
        const base = (record.base_url ?? "").replace(/\/+$/, "");
        let body: unknown;
        try {
          body = await deps.http.getJson(
            record.project_id,
            `${base}/order/${trigger.entityId}?include=products.offer`,
            record.api_token ?? "",
            signal,
          );
        } catch (error) {
          if (error instanceof CrmHttpError && error.status === 404) return { outcome: "gone" };
          throw error;
        }
        const items = keycrmOrderItems(body);
        return {
          outcome: "fetched",
          sha256: itemsDigest(items),
          event: (fetchedAt, id) =>
            orderItemsEvent(record.project_id, trigger.entityId, items, fetchedAt, id),
        };
      },
    },
    deps,
  );
}
