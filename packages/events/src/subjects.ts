import type { DomainEvent } from "./catalogue.js";

/**
 * Subject scheme. Everything lives under one configurable root (default `crm`) so that tests can
 * run isolated streams side by side:
 *
 * | subject | stream | what |
 * |---|---|---|
 * | `{root}.events.{project}.order.{orderId}` | events | KeyCRM order facts |
 * | `{root}.events.{project}.lead.{leadId}` | events | amoCRM lead facts (status changes and deal.*) |
 * | `{root}.events.{project}.dictionary.statuses` | events | status dictionary syncs |
 * | `{root}.events.{project}.dictionary.users` | events | CRM user (manager) list syncs |
 * | `{root}.events.{project}.project.{project}` | events | project registration |
 * | `{root}.events.{project}.settings.{kind}` | events | settings changes (`sla`, `working_hours`, …) |
 * | `{root}.events.{project}.chat.{phone or chat token}` | events | chat messages |
 * | `{root}.events.{project}.dialog.{dialog token}` | events | analyst results |
 * | `{root}.receipts.{project}.{source}` | receipts | the webhook receipts of a project and source, batched per flush window (stats) |
 * | `{root}.updates.{project}.order` | updates | `order_updated` notices for SSE |
 * | `{root}.updates.{project}.sale` | updates | `sale_won` notices (live sales page, sale notifications) |
 * | `{root}.cmd.{project}.dictionary.refresh` | (core NATS) | ask the dictionary worker for a refresh |
 *
 * The aggregate id is always the last token, so `{root}.events.{project}.order.15001` holds the
 * whole history of one order in stream order and can be replayed alone.
 */
export interface SubjectRoot {
  /** Root token(s), e.g. `crm` or `t_3f9a.crm` in tests. */
  readonly root: string;
}

/** The aggregate an event belongs to: `{kind, id}` (e.g. `order`/`15001`). */
export function aggregateOf(event: DomainEvent): { kind: string; id: string } {
  switch (event.type) {
    case "order.status_changed":
      return { kind: event.source === "amocrm" ? "lead" : "order", id: String(event.data.order_id) };
    case "deal.created":
    case "deal.updated":
      return { kind: "lead", id: String(event.data.lead.lead_id) };
    case "deal.deleted":
      return { kind: "lead", id: String(event.data.lead_id) };
    case "dictionary.statuses_synced":
      return { kind: "dictionary", id: "statuses" };
    case "dictionary.users_synced":
      return { kind: "dictionary", id: "users" };
    case "project.registered":
      return { kind: "project", id: event.project_id };
    case "order.items_fetched":
    case "order.overrides_changed":
      return { kind: event.source === "amocrm" ? "lead" : "order", id: String(event.data.order_id) };
    case "settings.working_hours_changed":
      return { kind: "settings", id: "working_hours" };
    case "settings.sla_changed":
      return { kind: "settings", id: "sla" };
    case "settings.cycle_changed":
      return { kind: "settings", id: "cycle" };
    case "settings.urgent_rules_changed":
      return { kind: "settings", id: "urgent_rules" };
    case "settings.shifts_changed":
      return { kind: "settings", id: "shifts" };
    case "settings.qualified_stages_changed":
      return { kind: "settings", id: "qualified_stages" };
    case "settings.pipeline_products_changed":
      return { kind: "settings", id: "pipeline_products" };
    case "settings.utm_fields_changed":
      return { kind: "settings", id: "utm_fields" };
    case "settings.ad_teams_changed":
      return { kind: "settings", id: "ad_teams" };
    case "chat.message_received":
      return { kind: "chat", id: subjectToken(event.data.phone ?? event.data.chat_id) };
    case "deal.contacts_linked":
      return { kind: "lead", id: String(event.data.lead_id) };
    case "analysis.dialog_scored":
    case "analysis.dialog_failed":
      return { kind: "dialog", id: subjectToken(event.data.dialog_key) };
  }
}

/**
 * Makes a subject token of an arbitrary id: keeps `[A-Za-z0-9_-]`, maps every other character to
 * `_`, and appends a short FNV-1a hash when anything was mapped (so distinct ids stay distinct).
 */
export function subjectToken(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 120);
  if (safe === id) return id;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${safe}-${h.toString(16).padStart(8, "0")}`;
}

/** The subject an event is published on (see the table above). */
export function eventSubject(scheme: SubjectRoot, event: DomainEvent): string {
  const agg = aggregateOf(event);
  return `${scheme.root}.events.${event.project_id}.${agg.kind}.${agg.id}`;
}

/** Wildcard over every event of the events stream. */
export function eventsWildcard(scheme: SubjectRoot): string {
  return `${scheme.root}.events.>`;
}

/** Subject of a webhook receipt. */
export function receiptSubject(scheme: SubjectRoot, projectId: string, source: string): string {
  return `${scheme.root}.receipts.${projectId}.${source}`;
}

/** Wildcard over every receipt. */
export function receiptsWildcard(scheme: SubjectRoot): string {
  return `${scheme.root}.receipts.>`;
}

/** Subject of `sale_won` notices of one project: `{root}.updates.{project}.sale`. */
export function saleUpdatesSubject(scheme: SubjectRoot, projectId: string): string {
  return `${scheme.root}.updates.${projectId}.sale`;
}

/** Filter of every project's `sale_won` notices: `{root}.updates.*.sale`. */
export function saleUpdatesWildcard(scheme: SubjectRoot): string {
  return `${scheme.root}.updates.*.sale`;
}

/** Subject of `order_updated` notices of one project. */
export function orderUpdatesSubject(scheme: SubjectRoot, projectId: string): string {
  return `${scheme.root}.updates.${projectId}.order`;
}

/** Wildcard over every update notice. */
export function updatesWildcard(scheme: SubjectRoot): string {
  return `${scheme.root}.updates.>`;
}

/** Core-NATS subject on which the dictionary worker listens for refresh requests of one project. */
export function dictionaryRefreshSubject(scheme: SubjectRoot, projectId: string): string {
  return `${scheme.root}.cmd.${projectId}.dictionary.refresh`;
}
