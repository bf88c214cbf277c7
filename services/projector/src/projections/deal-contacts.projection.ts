import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import type { Projection } from "./projection.js";

/** A `rm.deal_contacts` row (`fetched_at` ISO-8601 UTC). */
export type DealContactRow = RowOf<"deal_contacts">;

/**
 * The contacts of one lead as the latest `deal.contacts_linked` gives them: the `rm.deal_contacts`
 * rows and `phones`, the distinct E.164 phones of all the contacts, sorted (the lead's
 * `rm.deal_phones` rows).
 */
export interface LeadContacts {
  readonly projectId: string;
  readonly leadId: number;
  readonly contacts: readonly DealContactRow[];
  readonly phones: readonly string[];
}

/** Key of a lead across projects (as `dealKey`). */
export function leadKey(projectId: string, leadId: number): string {
  return `${projectId}\u0000${leadId}`;
}

const distinct = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v !== ""))];

/**
 * The lead's contacts from a `deal.contacts_linked` (pure). A contact listed twice keeps its first
 * entry (the table's key is `(project, lead, contact)`); phones and emails lose duplicates and empty
 * strings, keeping their order. An empty `contacts` list means the lead has no contact (any earlier
 * link is dropped).
 */
export function leadContactsOf(event: EventOfType<"deal.contacts_linked">): LeadContacts {
  const d = event.data;
  const seen = new Set<number>();
  const contacts: DealContactRow[] = [];
  for (const c of d.contacts) {
    if (seen.has(c.contact_id)) continue;
    seen.add(c.contact_id);
    contacts.push({
      project_id: event.project_id,
      lead_id: d.lead_id,
      contact_id: c.contact_id,
      name: c.name,
      is_main: c.is_main,
      phones: distinct(c.phones),
      emails: distinct(c.emails),
      fetched_at: d.fetched_at,
    });
  }
  const phones = [...new Set(contacts.flatMap((c) => c.phones))].sort();
  return { projectId: event.project_id, leadId: d.lead_id, contacts, phones };
}

/** The `rm.deal_phones` phones of the given leads of one project (lead id → sorted phones; a lead without phones is absent). */
export async function loadLeadPhones(
  db: Kysely<ReadModels>,
  projectId: string,
  leadIds: readonly number[],
): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (leadIds.length === 0) return out;
  const rows = await db
    .selectFrom("deal_phones")
    .select(["lead_id", "phone"])
    .where("project_id", "=", projectId)
    .where("lead_id", "in", [...leadIds])
    .execute();
  for (const r of rows) {
    const list = out.get(r.lead_id) ?? [];
    list.push(r.phone);
    out.set(r.lead_id, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * Replaces the contacts and phones of each lead in `list` (one entry per lead: the latest link) in
 * `rm.deal_contacts` and `rm.deal_phones`.
 * @throws the Postgres error.
 */
export async function writeLeadContacts(
  db: Kysely<ReadModels>,
  schema: string,
  list: readonly LeadContacts[],
): Promise<void> {
  const byProject = new Map<string, number[]>();
  for (const l of list) byProject.set(l.projectId, [...(byProject.get(l.projectId) ?? []), l.leadId]);
  for (const [projectId, leadIds] of byProject) {
    await db
      .deleteFrom("deal_contacts")
      .where("project_id", "=", projectId)
      .where("lead_id", "in", leadIds)
      .execute();
    await db
      .deleteFrom("deal_phones")
      .where("project_id", "=", projectId)
      .where("lead_id", "in", leadIds)
      .execute();
  }
  await writeRows(
    db,
    schema,
    "deal_contacts",
    list.flatMap((l) => l.contacts),
  );
  await writeRows(db, schema, "deal_phones", dealPhoneRows(list));
}

/** The `rm.deal_phones` rows of `list`. */
export function dealPhoneRows(list: Iterable<LeadContacts>): RowOf<"deal_phones">[] {
  const rows: RowOf<"deal_phones">[] = [];
  for (const l of list)
    for (const phone of l.phones) rows.push({ project_id: l.projectId, phone, lead_id: l.leadId });
  return rows;
}

/**
 * The `rm.deal_contacts` / `rm.deal_phones` projection: one state per lead (key: lead id), the latest
 * `deal.contacts_linked` ({@link leadContactsOf}); the live write replaces the lead's rows
 * ({@link writeLeadContacts}).
 */
export const dealContactsProjection: Projection<EventOfType<"deal.contacts_linked">, LeadContacts, number> = {
  name: "deal_contacts",
  eventTypes: new Set(["deal.contacts_linked"]),
  keyOf: (event) => ({ projectId: event.project_id, id: event.data.lead_id }),
  evolve: (_state, event) => leadContactsOf(event),
  rows: (state) => ({ deal_contacts: [...state.contacts], deal_phones: dealPhoneRows([state]) }),
  write: writeLeadContacts,
};
