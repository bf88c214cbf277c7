/**
 * Test builders for events (the `@pulse/events/testing` subpath). Not for production code.
 */
import { createHash } from "node:crypto";
import { ulid } from "ulid";
import type { EventOfType } from "./catalogue.js";
import type { WebhookReceipt } from "./receipts.js";

let clock = Date.UTC(2026, 9, 12, 6, 0, 0);

/**
 * Builds a valid `order.status_changed` (KeyCRM) with overridable data fields. The dedup key
 * follows the SPEC rule, so two builders with the same order/status/time are one fact.
 */
export function anOrderStatusChanged(
  data: Partial<EventOfType<"order.status_changed">["data"]> & {
    order_id: number;
    status_id: number;
    status_changed_at: string;
  },
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

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Builds a `dictionary.statuses_synced` for `projectId` from short status specs
 * (`{status_id, group_id}` plus optional fields; `name` defaults to `Status {id}`). Groups default
 * to one per distinct `group_id`. The dedup key is the SHA-256 of the content, so an identical
 * dictionary is one fact.
 */
export function aDictionarySynced(
  statuses: (Partial<EventOfType<"dictionary.statuses_synced">["data"]["statuses"][number]> & {
    status_id: number;
    group_id: number;
  })[],
  projectId = "shop-test",
  data: Partial<Omit<EventOfType<"dictionary.statuses_synced">["data"], "statuses">> = {},
): EventOfType<"dictionary.statuses_synced"> {
  clock += 1000;
  const full = statuses.map((s) => ({
    name: `Status ${s.status_id}`,
    alias: null,
    is_active: true,
    is_closing_order: false,
    expiration_period_seconds: null,
    sort: null,
    type: null,
    ...s,
  }));
  const groups =
    data.groups ??
    [...new Set(full.map((s) => s.group_id))].map((g) => ({
      group_id: g,
      name: `Group ${g}`,
      is_main: false,
    }));
  const body = {
    kind: "keycrm" as const,
    origin: "file" as const,
    reason: "manual",
    ...data,
    statuses: full,
    groups,
  };
  const at = new Date(clock).toISOString();
  return {
    id: ulid(clock),
    type: "dictionary.statuses_synced",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `dict:${projectId}:${sha256(JSON.stringify([body.statuses, body.groups]))}`,
    source: "cli",
    raw: null,
    data: body,
  };
}

/**
 * Builds a `dictionary.users_synced` (amoCRM, from a file) for `projectId` from `{user_id, name}`
 * specs (`email` null, active, not admin unless given). The dedup key is the SHA-256 of the content.
 */
export function aUsersSynced(
  users: (Partial<EventOfType<"dictionary.users_synced">["data"]["users"][number]> & {
    user_id: number;
    name: string;
  })[],
  projectId = "shop-test",
): EventOfType<"dictionary.users_synced"> {
  clock += 1000;
  const full = users.map((u) => ({ email: null, is_active: true, is_admin: false, ...u }));
  const at = new Date(clock).toISOString();
  return {
    id: ulid(clock),
    type: "dictionary.users_synced",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `users:${projectId}:${sha256(JSON.stringify(full))}`,
    source: "cli",
    raw: null,
    data: { kind: "amocrm", origin: "file", reason: "manual", users: full },
  };
}

/** Builds a `project.registered` for `projectId` (KeyCRM, UTC, active) with overridable data. */
export function aProjectRegistered(
  projectId = "shop-test",
  data: Partial<EventOfType<"project.registered">["data"]> = {},
): EventOfType<"project.registered"> {
  clock += 1000;
  const full = {
    project_id: projectId,
    name: `Project ${projectId}`,
    kind: "keycrm" as const,
    base_url: null,
    time_zone: "UTC",
    active: true,
    webhook_secret_fingerprint: "0123456789ab",
    token_fingerprint: null,
    ...data,
  };
  const at = new Date(clock).toISOString();
  return {
    id: ulid(clock),
    type: "project.registered",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `project:${projectId}:${sha256(JSON.stringify(full))}`,
    source: "cli",
    raw: null,
    data: full,
  };
}

/** A lead snapshot (amoCRM) with every field `null`/empty except the overrides. */
export function aLeadSnapshot(
  lead: Partial<EventOfType<"deal.updated">["data"]["lead"]> & { lead_id: number },
): EventOfType<"deal.updated">["data"]["lead"] {
  return {
    name: null,
    price: null,
    responsible_user_id: null,
    pipeline_id: null,
    status_id: null,
    created_user_id: null,
    modified_user_id: null,
    created_at: null,
    updated_at: null,
    tags: [],
    custom_fields: [],
    ...lead,
  };
}

/**
 * Builds a `deal.created` or `deal.updated` (amoCRM) carrying `lead`; the dedup key follows the
 * catalogue (`amocrm:{project}:{lead}:{add|update}:{status}:{updated_at}`).
 */
export function aDealEvent(
  type: "deal.created" | "deal.updated",
  lead: Partial<EventOfType<"deal.updated">["data"]["lead"]> & { lead_id: number },
  projectId = "amo-test",
): EventOfType<"deal.created"> | EventOfType<"deal.updated"> {
  clock += 1000;
  const snapshot = aLeadSnapshot(lead);
  const at = snapshot.updated_at ?? new Date(clock).toISOString();
  const base = {
    id: ulid(clock),
    version: 1 as const,
    project_id: projectId,
    occurred_at: at,
    recorded_at: new Date(clock).toISOString(),
    dedup_key: `amocrm:${projectId}:${snapshot.lead_id}:${type === "deal.created" ? "add" : "update"}:${snapshot.status_id}:${snapshot.updated_at}`,
    source: "amocrm" as const,
    raw: null,
  };
  return type === "deal.created"
    ? { ...base, type, data: { lead: snapshot, minimal: false } }
    : { ...base, type, data: { lead: snapshot } };
}

/** Builds a `deal.deleted` (amoCRM `leads[delete]`) of `leadId`. */
export function aDealDeleted(leadId: number, projectId = "amo-test"): EventOfType<"deal.deleted"> {
  clock += 1000;
  const at = new Date(clock).toISOString();
  return {
    id: ulid(clock),
    type: "deal.deleted",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `amocrm:${projectId}:${leadId}:delete`,
    source: "amocrm",
    raw: null,
    data: { lead_id: leadId, status_id: null, pipeline_id: null },
  };
}

/**
 * Builds a `WebhookReceipt` (receipts stream): an accepted KeyCRM delivery with one published event
 * unless overridden.
 */
export function aWebhookReceipt(receipt: Partial<WebhookReceipt> = {}): WebhookReceipt {
  clock += 1000;
  return {
    project_id: "shop-test",
    source: "keycrm",
    received_at: new Date(clock).toISOString(),
    outcome: "accepted",
    http_status: 200,
    published: 1,
    duplicates: 0,
    ignored: 0,
    reason: null,
    ...receipt,
  };
}

/**
 * A source of deterministic, distinct ULID-shaped ids (26 Crockford base-32 characters:
 * `01J` + 13 zeros + the call number in 10 digits), 1st call `01J0000000000000000000000001`, for
 * tests whose events must get the same ids on every run. Each source counts on its own from 1.
 */
export function sequentialIds(): () => string {
  const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let counter = 0;
  return () => {
    let n = ++counter;
    let out = "";
    for (let i = 0; i < 10; i++) {
      out = crockford[n % 32] + out;
      n = Math.floor(n / 32);
    }
    return `01J${"0".repeat(13)}${out}`;
  };
}
