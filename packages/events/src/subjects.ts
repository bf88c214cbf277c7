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
 * | `{root}.events.{project}.project.{project}` | events | project registration |
 * | `{root}.receipts.{project}.{source}` | receipts | one receipt per webhook delivery (stats) |
 * | `{root}.updates.{project}.order` | updates | `order_updated` notices for SSE |
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
    case "project.registered":
      return { kind: "project", id: event.project_id };
  }
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
