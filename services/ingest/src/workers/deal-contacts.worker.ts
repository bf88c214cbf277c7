/**
 * The contacts worker: after an amoCRM lead's events, reads the lead's contacts and their phones
 * (`GET /api/v4/leads/{id}?with=contacts`, then `GET /api/v4/contacts/{id}` per contact) and
 * publishes `deal.contacts_linked` with E.164 phones — the join key between deals and dialogs
 * (SPEC "amoCRM deals": contacts with all their phones, normalized to E.164; "Deal ↔ dialog: by
 * normalized phone"). amoCRM is read-only: the worker only sends GETs.
 */
import type { DomainEvent } from "@pulse/events";
import type { CrmHttpClient } from "../crm/crm-http.client.js";
import {
  amocrmDealContact,
  amocrmLeadContacts,
  amocrmLeadLossReason,
  contactsDigest,
  type DealContact,
  dealContactsEvent,
} from "../crm/deal-contacts.mapper.js";
import { projectPhoneRegion } from "../projects/project-registry.js";
import {
  createEntityFetchWorker,
  type EntityFetchDeps,
  type EntityFetchWorker,
  type FetchState,
  type FetchTrigger,
} from "./entity-fetch.worker.js";

/** Durable consumer name of the contacts worker. */
export const CONTACTS_WORKER_DURABLE = "contacts-worker";

/** The KV bucket of the contacts worker's fetch states: `{EVENTS_STREAM}_CONTACTS`, keys `{project}.{lead}`. */
export function contactsBucketName(eventsStream: string): string {
  return `${eventsStream}_CONTACTS`;
}

/**
 * The refetch rule of a lead's contacts (pure, on the events' own times like the items rule):
 * 1. the first event of a lead seen (no state) → fetch;
 * 2. any later event of the lead at least `refetchAfterMs` after the last fetch → fetch again
 *    (contacts and phones are added or edited while a deal is worked; amoCRM sends no contact
 *    event with the lead, so the lead's own activity is the signal);
 * 3. a status change into 143 (lost) after the last fetch → fetch again, for the lead's loss reason
 *    (SPEC "amoCRM deals": a loss with its reason when the API gives one);
 * 4. otherwise nothing. A lead answered 204 (deleted) follows the same rule.
 * Unchanged contacts publish nothing new (digest compare; dedup key
 * `contacts:{project}:{lead}:{sha256}`). Default `CONTACTS_REFETCH_AFTER_MINUTES` = 360.
 */
export function shouldFetchContacts(
  state: FetchState | null,
  trigger: FetchTrigger,
  refetchAfterMs: number,
): boolean {
  if (!state) return true;
  if (trigger.fresh === true && trigger.at > state.fetched_at) return true;
  return Date.parse(trigger.at) - Date.parse(state.fetched_at) >= refetchAfterMs;
}

/**
 * The trigger of an event for the contacts worker: amoCRM `deal.created`, `deal.updated` and
 * `order.status_changed` (`entityId` = lead id, group = pipeline, time = `occurred_at`).
 */
export function contactsTrigger(event: DomainEvent): FetchTrigger | null {
  if (event.source !== "amocrm") return null;
  switch (event.type) {
    case "deal.created":
    case "deal.updated":
      return {
        projectId: event.project_id,
        entityId: event.data.lead.lead_id,
        groupId: event.data.lead.pipeline_id,
        at: event.occurred_at,
      };
    case "order.status_changed":
      return {
        projectId: event.project_id,
        entityId: event.data.order_id,
        groupId: event.data.status_group_id,
        at: event.data.status_changed_at,
        ...(event.data.status_id === 143 ? { fresh: true } : {}),
      };
    default:
      return null;
  }
}

/**
 * Dependencies of {@link createDealContactsWorker}: the shared runtime deps, the CRM HTTP client
 * (shared with the other amoCRM callers of the project: one limiter per project,
 * `AMOCRM_MIN_REQUEST_INTERVAL_MS` apart — amoCRM allows ~7 requests/s) and the refetch limit.
 */
export interface DealContactsWorkerDeps extends EntityFetchDeps {
  http: CrmHttpClient;
  refetchAfterMinutes: number;
}

/**
 * Creates the contacts worker: durable consumer {@link CONTACTS_WORKER_DURABLE} on
 * `{root}.events.*.lead.>`, KV `{EVENTS_STREAM}_CONTACTS`, for active amoCRM projects with a base URL
 * and token, per {@link shouldFetchContacts}. A lead answered 204 is gone (nothing published,
 * remembered); a contact answered 204 is skipped; phones are normalised with the project's phone
 * region (`KZ` by default) and kept raw too; failures nak with a growing delay.
 */
export function createDealContactsWorker(deps: DealContactsWorkerDeps): EntityFetchWorker {
  const refetchAfterMs = deps.refetchAfterMinutes * 60_000;
  return createEntityFetchWorker(
    {
      durable: CONTACTS_WORKER_DURABLE,
      filter: `${deps.scheme.root}.events.*.lead.>`,
      bucket: contactsBucketName(deps.eventsStream),
      projectKind: "amocrm",
      trigger: contactsTrigger,
      shouldFetch: (state, trigger) => shouldFetchContacts(state, trigger, refetchAfterMs),
      async fetch(record, trigger, signal) {
        const base = (record.base_url ?? "").replace(/\/+$/, "");
        const token = record.api_token ?? "";
        const lead = await deps.http.getJson(
          record.project_id,
          `${base}/api/v4/leads/${trigger.entityId}?with=contacts`,
          token,
          signal,
        );
        // amoCRM answers a missing (deleted) lead with 204 No Content (formats/amocrm.md §7.2).
        if (lead === null) return { outcome: "gone" };
        const region = projectPhoneRegion(record);
        const contacts: DealContact[] = [];
        for (const ref of amocrmLeadContacts(lead)) {
          const body = await deps.http.getJson(
            record.project_id,
            `${base}/api/v4/contacts/${ref.id}`,
            token,
            signal,
          );
          if (body === null) continue; // 204: the contact was deleted (§7.3)
          contacts.push(amocrmDealContact(body, ref, region));
        }
        const lossReason = amocrmLeadLossReason(lead);
        return {
          outcome: "fetched",
          sha256: contactsDigest(contacts, lossReason),
          event: (fetchedAt, id) =>
            dealContactsEvent(record.project_id, trigger.entityId, contacts, fetchedAt, id, lossReason),
        };
      },
    },
    deps,
  );
}
