import type { DomainEvent, EventOfType, LeadSnapshot } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { configure } from "safe-stable-stringify";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { loadRowsByIds, type Projection } from "./projection.js";

/** A `rm.deals_current` row (`tags`, `custom_fields` as JSON text). */
export type DealRow = RowOf<"deals_current">;

/** What a deal-related event says about a lead: a snapshot, or a deletion. */
export type DealInput =
  | { readonly kind: "snapshot"; readonly projectId: string; readonly lead: LeadSnapshot }
  | {
      readonly kind: "deleted";
      readonly projectId: string;
      readonly leadId: number;
      readonly statusId: number | null;
      readonly pipelineId: number | null;
    };

/**
 * The deal input an event carries, if any: `deal.created`/`deal.updated` and an amoCRM
 * `order.status_changed` with a `lead` snapshot give a snapshot; `deal.deleted` a deletion.
 */
export function dealInputOf(event: DomainEvent): DealInput | null {
  switch (event.type) {
    case "deal.created":
    case "deal.updated":
      return { kind: "snapshot", projectId: event.project_id, lead: event.data.lead };
    case "order.status_changed":
      return event.data.lead
        ? { kind: "snapshot", projectId: event.project_id, lead: event.data.lead }
        : null;
    case "deal.deleted":
      return {
        kind: "deleted",
        projectId: event.project_id,
        leadId: event.data.lead_id,
        statusId: event.data.status_id,
        pipelineId: event.data.pipeline_id,
      };
    default:
      return null;
  }
}

/** Key of a lead across projects. */
export function dealKey(projectId: string, leadId: number): string {
  return `${projectId}\u0000${leadId}`;
}

/** The lead id an input is about. */
export function dealInputLeadId(input: DealInput): number {
  return input.kind === "snapshot" ? input.lead.lead_id : input.leadId;
}

const canonicalStringify = configure({ bigint: false, circularValue: Error, deterministic: true });

/**
 * JSON text with object keys sorted by UTF-16 code units at every depth (safe-stable-stringify), so
 * a value read back from `jsonb` (which reorders keys) and the same value built from an event compare
 * equal as strings. Otherwise as `JSON.stringify`: no whitespace, `undefined` properties left out,
 * `undefined` array items written as `null`, `toJSON` honoured; a bigint is left out.
 * @throws TypeError on a cycle.
 */
export function canonicalJson(value: unknown): string {
  return canonicalStringify(value) ?? "null";
}

function sameDeal(a: DealRow, b: DealRow): boolean {
  for (const k of Object.keys(a) as (keyof DealRow)[]) {
    if (k !== "last_event_seq" && a[k] !== b[k]) return false;
  }
  return true;
}

function snapshotRow(projectId: string, lead: LeadSnapshot, deleted: boolean, seq: number): DealRow {
  return {
    project_id: projectId,
    lead_id: lead.lead_id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsible_user_id,
    pipeline_id: lead.pipeline_id,
    status_id: lead.status_id,
    tags: canonicalJson(lead.tags),
    custom_fields: canonicalJson(lead.custom_fields),
    created_at: lead.created_at,
    updated_at: lead.updated_at,
    deleted,
    last_event_seq: seq,
  };
}

/**
 * Folds one deal input at stream position `seq` into the lead's row (pure). Returns the new row, or
 * `undefined` when the row does not change.
 *
 * - A snapshot replaces the row when its `updated_at` is not older than the row's (`null` counts as
 *   oldest, so a Digital-Pipeline body without time never overwrites a full snapshot); between
 *   equal times the later stream position wins — unless the content is identical (a re-sent
 *   delivery changes nothing). The rule depends on the stream only, so a replay gives the same row.
 * - A deletion sets `deleted` (a row is created from the deletion's ids when the lead is unknown).
 * `last_event_seq` is the position of the last input that changed the row.
 */
export function evolveDeal(row: DealRow | undefined, input: DealInput, seq: number): DealRow | undefined {
  if (input.kind === "deleted") {
    if (row) return row.deleted ? undefined : { ...row, deleted: true, last_event_seq: seq };
    return {
      project_id: input.projectId,
      lead_id: input.leadId,
      name: null,
      price: null,
      responsible_user_id: null,
      pipeline_id: input.pipelineId,
      status_id: input.statusId,
      tags: "[]",
      custom_fields: "[]",
      created_at: null,
      updated_at: null,
      deleted: true,
      last_event_seq: seq,
    };
  }
  const incoming = input.lead.updated_at ?? "";
  if (row && incoming < (row.updated_at ?? "")) return undefined;
  const next = snapshotRow(input.projectId, input.lead, row?.deleted ?? false, seq);
  return row && sameDeal(row, next) ? undefined : next;
}

/** Loads the `deals_current` rows of the given leads of one project, keyed by lead id. */
export async function loadDeals(
  db: Kysely<ReadModels>,
  projectId: string,
  leadIds: readonly number[],
): Promise<Map<number, DealRow>> {
  const out = new Map<number, DealRow>();
  for (const r of await loadRowsByIds(db, "deals_current", projectId, "lead_id", leadIds)) {
    // jsonb comes back parsed: stored again as canonical JSON text, as the row builder writes it.
    out.set(r.lead_id, { ...r, tags: canonicalJson(r.tags), custom_fields: canonicalJson(r.custom_fields) });
  }
  return out;
}

/** Upserts `deals_current` rows. */
export async function writeDeals(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly DealRow[],
): Promise<void> {
  await writeRows(db, schema, "deals_current", rows, { keys: ["project_id", "lead_id"], action: "replace" });
}

/** The events that carry a deal input ({@link dealInputOf}). */
type DealEvent = EventOfType<"deal.created" | "deal.updated" | "deal.deleted" | "order.status_changed">;

/**
 * The `rm.deals_current` projection: one state per lead (key: lead id), the inputs of
 * {@link dealInputOf} folded by {@link evolveDeal}; stored as its row (upsert by project and lead).
 */
export const dealsProjection: Projection<DealEvent, DealRow, number> = {
  name: "deals_current",
  eventTypes: new Set(["deal.created", "deal.updated", "deal.deleted", "order.status_changed"]),
  keyOf: (event) => {
    const input = dealInputOf(event);
    return input ? { projectId: input.projectId, id: dealInputLeadId(input) } : null;
  },
  evolve: (row, event, seq) => {
    const input = dealInputOf(event);
    return (input && evolveDeal(row ?? undefined, input, seq)) ?? row;
  },
  rows: (row) => ({ deals_current: [row] }),
  upsert: { deals_current: { keys: ["project_id", "lead_id"], action: "replace" } },
  load: loadDeals,
};
