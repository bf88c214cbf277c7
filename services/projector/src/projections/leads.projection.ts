/**
 * `rm.leads` and `rm.sales` (SPEC "amoCRM deals"): one lead row per amoCRM lead with its UTM values,
 * ad-team attribution, qualification and outcome, and one sale row per lead that is won now.
 *
 * The state of a lead is its facts ({@link LeadFacts}): its distinct stage entries (the status
 * events and the creation stage, deduplicated by dedup key), its latest snapshot (the
 * `rm.deals_current` rule, `evolveDeal`) and its contacts (the latest `deal.contacts_linked`). The
 * rows are a function of those facts and the project's context ({@link LeadContext}: the settings
 * `qualified_stages`, `pipeline_products`, `utm_fields`, `ad_teams` and the CRM users' names), so:
 * - the live store loads the facts from the tables other declarations write (`order_status_events`,
 *   `deals_current`, `deal_contacts`), folds the batch (idempotent: every fact is keyed) and writes
 *   the rows with the project's current context;
 * - the replay folds the facts in memory and writes the rows at the end with the final context;
 * - a settings change recomputes the project (the scheduler), so both agree again.
 */
import {
  type AdTeam,
  type AdTeamSetting,
  adTeamsOf,
  attributeUtmSource,
  attributionColumns,
  DEFAULT_AD_TEAM_SETTINGS,
  DEFAULT_SALES_SETTINGS,
  DEFAULT_UTM_FIELD_IDS,
  effectiveStageEntries,
  type LeadCustomField,
  leadOutcomeOf,
  type QualifiedStageSetting,
  qualificationOf,
  readUtm,
  type SalesSettings,
  type StageEntry,
  saleAmountOf,
  type UtmFieldIds,
} from "@pulse/domain";
import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { getOrCreate } from "../collections.js";
import { isoOrNull } from "../db-values.js";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { type DealContactRow, leadContactsOf } from "./deal-contacts.projection.js";
import {
  canonicalJson,
  type DealRow,
  dealInputOf,
  evolveDeal,
  loadDeals,
} from "./deals-current.projection.js";
import { statusEventOf } from "./order-status.projection.js";
import type { Projection } from "./projection.js";

/** A `rm.leads` row. */
export type LeadRow = RowOf<"leads">;
/** A `rm.sales` row. */
export type SaleRow = RowOf<"sales">;

/** One distinct stage entry of a lead: the domain's {@link StageEntry} and its dedup key. */
export interface LeadStageEntry extends StageEntry {
  readonly dedupKey: string;
  readonly managerId: number | null;
}

/** The lead's main contact as the rows show it: id, name, first E.164 phone, first e-mail. */
export interface LeadContact {
  readonly contactId: number;
  readonly name: string | null;
  readonly phone: string | null;
  readonly email: string | null;
}

/**
 * The facts of one amoCRM lead (the state of {@link leadsProjection}): stage entries in stream order
 * of first sight (distinct dedup keys), the latest snapshot (`rm.deals_current` row, or null),
 * the main contact (null: none linked), the loss reason as the lead API last gave it (null: none
 * or never read), and the stream position of the last fact that changed it.
 */
export interface LeadFacts {
  readonly projectId: string;
  readonly leadId: number;
  readonly entries: readonly LeadStageEntry[];
  readonly snapshot: DealRow | null;
  readonly contact: LeadContact | null;
  readonly lossReason: { readonly id: number; readonly name: string | null } | null;
  readonly lastSeq: number;
}

/**
 * A project's context of the lead rows (the `rm.settings` kinds `qualified_stages`,
 * `pipeline_products`, `utm_fields`, `ad_teams` over their defaults, and the CRM users' names).
 */
export interface LeadContext {
  readonly qualifiedStages: readonly QualifiedStageSetting[];
  readonly sales: SalesSettings;
  readonly utmFields: UtmFieldIds;
  readonly teams: readonly AdTeam[];
  readonly managerNames: ReadonlyMap<number, string>;
}

/** The `rm.settings` kinds the lead rows read. */
export const LEAD_SETTINGS_KINDS = [
  "qualified_stages",
  "pipeline_products",
  "utm_fields",
  "ad_teams",
] as const;

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};

/**
 * The lead context of a project from its stored settings data by kind (`rm.settings.data`, the event
 * data minus version and author) and its users' names; a kind never set takes its default (no
 * qualified-stage overrides, no products with currency KZT, the default UTM field ids, the SPEC's
 * four teams).
 */
export function leadContextOf(
  stored: Readonly<Record<string, unknown>>,
  managerNames: ReadonlyMap<number, string> = new Map(),
): LeadContext {
  const q = record(stored["qualified_stages"]);
  const p = record(stored["pipeline_products"]);
  const u = record(stored["utm_fields"]);
  const t = record(stored["ad_teams"]);
  const stages = Array.isArray(q["stages"]) ? (q["stages"] as QualifiedStageSetting[]) : [];
  const sales: SalesSettings =
    typeof p["default_currency"] === "string"
      ? {
          defaultCurrency: p["default_currency"],
          products: Array.isArray(p["products"]) ? (p["products"] as SalesSettings["products"]) : [],
        }
      : DEFAULT_SALES_SETTINGS;
  const utmFields =
    u["fields"] !== undefined && typeof u["fields"] === "object"
      ? { ...DEFAULT_UTM_FIELD_IDS, ...(u["fields"] as Partial<UtmFieldIds>) }
      : DEFAULT_UTM_FIELD_IDS;
  const teams = Array.isArray(t["teams"]) ? (t["teams"] as AdTeamSetting[]) : DEFAULT_AD_TEAM_SETTINGS;
  return { qualifiedStages: stages, sales, utmFields, teams: adTeamsOf(teams), managerNames };
}

/** The context of a project that never changed these settings and has no users. */
export const DEFAULT_LEAD_CONTEXT: LeadContext = leadContextOf({});

/** The events {@link leadsProjection} folds. */
export type LeadEvent = EventOfType<
  "deal.created" | "deal.updated" | "deal.deleted" | "order.status_changed" | "deal.contacts_linked"
>;

/** The lead id an event is about, or null (a KeyCRM order's status change is not a lead's). */
export function leadIdOf(event: LeadEvent): number | null {
  switch (event.type) {
    case "deal.created":
    case "deal.updated":
      return event.data.lead.lead_id;
    case "deal.deleted":
    case "deal.contacts_linked":
      return event.data.lead_id;
    case "order.status_changed":
      return event.source === "amocrm" ? event.data.order_id : null;
  }
}

/** The main contact of a `deal.contacts_linked`: the `is_main` one, else the first; null without contacts. */
export function mainContactOf(contacts: readonly DealContactRow[]): LeadContact | null {
  const c = contacts.find((x) => x.is_main) ?? contacts[0];
  if (!c) return null;
  return { contactId: c.contact_id, name: c.name, phone: c.phones[0] ?? null, email: c.emails[0] ?? null };
}

const emptyFacts = (projectId: string, leadId: number): LeadFacts => ({
  projectId,
  leadId,
  entries: [],
  snapshot: null,
  contact: null,
  lossReason: null,
  lastSeq: 0,
});

const sameContact = (a: LeadContact | null, b: LeadContact | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.contactId === b.contactId &&
    a.name === b.name &&
    a.phone === b.phone &&
    a.email === b.email);

/**
 * Folds one event at stream position `seq` into a lead's facts (pure; returns `facts` itself when
 * nothing changes, so a redelivered or reloaded fact writes nothing):
 * - a status event (`statusEventOf`: `order.status_changed` of amoCRM, the creation stage of a
 *   `deal.created`) adds a stage entry unless its dedup key is known;
 * - a snapshot (`deal.created` / `deal.updated` / a status body's lead) or a deletion folds into the
 *   snapshot by the `rm.deals_current` rule (`evolveDeal`);
 * - `deal.contacts_linked` replaces the main contact.
 */
export function evolveLeadFacts(facts: LeadFacts | null, event: LeadEvent, seq: number): LeadFacts | null {
  const leadId = leadIdOf(event);
  if (leadId === null) return facts;
  let next = facts ?? emptyFacts(event.project_id, leadId);
  let changed = false;
  const status = statusEventOf(event);
  if (status && !next.entries.some((e) => e.dedupKey === status.dedup_key)) {
    const d = status.data;
    next = {
      ...next,
      entries: [
        ...next.entries,
        {
          dedupKey: status.dedup_key,
          at: d.status_changed_at,
          seq,
          pipelineId: d.status_group_id,
          statusId: d.status_id,
          managerId: d.manager_id,
          timeless: d.time_source === "received",
        },
      ],
    };
    changed = true;
  }
  const input = dealInputOf(event);
  if (input) {
    const row = evolveDeal(next.snapshot ?? undefined, input, seq);
    if (row) {
      next = { ...next, snapshot: row };
      changed = true;
    }
  }
  if (event.type === "deal.contacts_linked") {
    const contact = mainContactOf(leadContactsOf(event).contacts);
    if (!sameContact(contact, next.contact)) {
      next = { ...next, contact };
      changed = true;
    }
    // Absent on events stored before the field existed: the known reason stays.
    const reason = event.data.loss_reason;
    if (reason !== undefined && (reason?.id ?? null) !== (next.lossReason?.id ?? null)) {
      next = { ...next, lossReason: reason };
      changed = true;
    } else if (reason && next.lossReason && reason.name !== next.lossReason.name) {
      next = { ...next, lossReason: reason };
      changed = true;
    }
  }
  if (!changed) return facts;
  return { ...next, lastSeq: Math.max(next.lastSeq, seq) };
}

const customFieldsOf = (snapshot: DealRow | null): LeadCustomField[] => {
  if (!snapshot) return [];
  try {
    const parsed: unknown = JSON.parse(snapshot.custom_fields);
    return Array.isArray(parsed) ? (parsed as LeadCustomField[]) : [];
  } catch {
    return [];
  }
};

/** The rows of one lead: its `rm.leads` row and its `rm.sales` row when it is won now (else null). */
export interface LeadRows {
  readonly lead: LeadRow;
  readonly sale: SaleRow | null;
}

/**
 * The rows of a lead from its facts and its project's context (pure; the rules are the domain's,
 * `amocrm-leads.ts`): current pipeline / stage from the latest stage entry (else the snapshot);
 * manager from the snapshot (else the latest entry that names one); UTM by `readUtm` of the
 * snapshot's custom fields; attribution of `utm_source`; qualification and outcome of the entries;
 * a sale when won, with the amount of `saleAmountOf` (the snapshot's current price). A deleted lead
 * keeps its lead row (`deleted`) and has no sale.
 */
export function leadRowsOf(facts: LeadFacts, ctx: LeadContext = DEFAULT_LEAD_CONTEXT): LeadRows {
  const snap = facts.snapshot;
  const outcome = leadOutcomeOf(facts.entries);
  let latest: LeadStageEntry | null = null;
  for (const e of effectiveStageEntries(facts.entries))
    if (!latest || e.at > latest.at || (e.at === latest.at && e.seq > latest.seq)) latest = e;
  const pipelineId = latest?.pipelineId ?? snap?.pipeline_id ?? null;
  const statusId = latest?.statusId ?? snap?.status_id ?? null;
  let managerId = snap?.responsible_user_id ?? null;
  if (managerId === null) {
    for (const e of [...facts.entries].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.seq - a.seq)))
      if (e.managerId !== null) {
        managerId = e.managerId;
        break;
      }
  }
  const managerName = managerId === null ? null : (ctx.managerNames.get(managerId) ?? null);
  const utm = readUtm(customFieldsOf(snap), ctx.utmFields);
  const attribution = attributionColumns(attributeUtmSource(utm.values.utm_source, ctx.teams));
  const qualification = qualificationOf(facts.entries, ctx.qualifiedStages);
  const deleted = snap?.deleted ?? false;
  const contact = facts.contact;
  const lead: LeadRow = {
    project_id: facts.projectId,
    lead_id: facts.leadId,
    name: snap?.name ?? null,
    pipeline_id: pipelineId,
    status_id: statusId,
    manager_id: managerId,
    manager_name: managerName,
    price: snap?.price ?? null,
    lead_created_at: snap?.created_at ?? null,
    ...utm.values,
    utm_conflicts: canonicalJson(utm.conflicts),
    team: attribution.team,
    confidence: attribution.confidence,
    matched_rule: attribution.matched_rule,
    matched_pattern: attribution.matched_pattern,
    is_ambiguous: attribution.is_ambiguous,
    candidate_teams: [...attribution.candidate_teams],
    is_qualified: qualification.isQualified,
    qualified_at: qualification.qualifiedAt,
    is_won: outcome.state === "won",
    won_at: outcome.state === "won" ? outcome.at : null,
    is_lost: outcome.state === "lost",
    lost_at: outcome.state === "lost" ? outcome.at : null,
    loss_reason: facts.lossReason?.name ?? null,
    loss_reason_id: facts.lossReason?.id ?? null,
    contact_id: contact?.contactId ?? null,
    contact_name: contact?.name ?? null,
    contact_phone: contact?.phone ?? null,
    contact_email: contact?.email ?? null,
    deleted,
    last_event_seq: facts.lastSeq,
  };
  if (outcome.state !== "won" || deleted) return { lead, sale: null };
  const money = saleAmountOf(snap?.price ?? null, outcome.pipelineId ?? pipelineId, ctx.sales);
  const sale: SaleRow = {
    project_id: facts.projectId,
    lead_id: facts.leadId,
    sold_at: outcome.at,
    amount: money.amount,
    currency: money.currency,
    price_source: money.priceSource,
    product: money.product,
    pipeline_id: outcome.pipelineId ?? pipelineId,
    manager_id: managerId,
    manager_name: managerName,
    contact_id: lead.contact_id,
    contact_name: lead.contact_name,
    contact_phone: lead.contact_phone,
    contact_email: lead.contact_email,
    ...utm.values,
    team: attribution.team,
    confidence: attribution.confidence,
    matched_rule: attribution.matched_rule,
    matched_pattern: attribution.matched_pattern,
    is_ambiguous: attribution.is_ambiguous,
    last_event_seq: facts.lastSeq,
  };
  return { lead, sale };
}

/**
 * Loads the facts of the given leads of one project from the tables the other declarations write:
 * the amoCRM stage entries of `rm.order_status_events`, the `rm.deals_current` row, the main
 * contact of `rm.deal_contacts`, and the loss reason and last stream position the lead's `rm.leads`
 * row keeps. `lastSeq` is the highest stream position among them.
 */
export async function loadLeadFacts(
  db: Kysely<ReadModels>,
  projectId: string,
  leadIds: readonly number[],
): Promise<Map<number, LeadFacts>> {
  const out = new Map<number, LeadFacts>();
  if (leadIds.length === 0) return out;
  const ids = [...leadIds];
  const events = await db
    .selectFrom("order_status_events")
    .select([
      "order_id",
      "dedup_key",
      "status_changed_at",
      "stream_seq",
      "event_group_id",
      "status_id",
      "manager_id",
      "time_source",
    ])
    .where("project_id", "=", projectId)
    .where("source", "=", "amocrm")
    .where("order_id", "in", ids)
    .orderBy("stream_seq")
    .execute();
  const entries = new Map<number, LeadStageEntry[]>();
  for (const r of events) {
    getOrCreate(entries, r.order_id, () => []).push({
      dedupKey: r.dedup_key,
      at: isoOrNull(r.status_changed_at)!,
      seq: r.stream_seq,
      pipelineId: r.event_group_id,
      statusId: r.status_id,
      managerId: r.manager_id,
      timeless: r.time_source === "received",
    });
  }
  const deals = await loadDeals(db, projectId, ids);
  const contacts = await db
    .selectFrom("deal_contacts")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("lead_id", "in", ids)
    .orderBy("contact_id")
    .execute();
  const stored = await db
    .selectFrom("leads")
    .select(["lead_id", "loss_reason_id", "loss_reason", "last_event_seq"])
    .where("project_id", "=", projectId)
    .where("lead_id", "in", ids)
    .execute();
  const storedOf = new Map(stored.map((r) => [r.lead_id, r]));
  const byLead = new Map<number, DealContactRow[]>();
  for (const c of contacts)
    getOrCreate(byLead, c.lead_id, () => []).push({ ...c, fetched_at: isoOrNull(c.fetched_at)! });
  for (const leadId of ids) {
    const list = entries.get(leadId) ?? [];
    const snapshot = deals.get(leadId) ?? null;
    const linked = byLead.get(leadId);
    const row = storedOf.get(leadId);
    if (list.length === 0 && !snapshot && !linked && !row) continue;
    let lastSeq = Math.max(snapshot?.last_event_seq ?? 0, row?.last_event_seq ?? 0);
    for (const e of list) if (e.seq > lastSeq) lastSeq = e.seq;
    out.set(leadId, {
      projectId,
      leadId,
      entries: list,
      snapshot,
      contact: linked ? mainContactOf(linked) : null,
      lossReason: row?.loss_reason_id != null ? { id: row.loss_reason_id, name: row.loss_reason } : null,
      lastSeq,
    });
  }
  return out;
}

/**
 * The lead context of one project as stored now (`rm.settings` kinds {@link LEAD_SETTINGS_KINDS},
 * `rm.crm_users` names).
 */
export async function loadLeadContext(db: Kysely<ReadModels>, projectId: string): Promise<LeadContext> {
  const rows = await db
    .selectFrom("settings")
    .select(["kind", "data"])
    .where("project_id", "=", projectId)
    .where("kind", "in", [...LEAD_SETTINGS_KINDS])
    .execute();
  const stored: Record<string, unknown> = {};
  for (const r of rows) stored[r.kind] = r.data;
  const users = await db
    .selectFrom("crm_users")
    .select(["user_id", "name"])
    .where("project_id", "=", projectId)
    .execute();
  return leadContextOf(stored, new Map(users.map((u) => [u.user_id, u.name])));
}

/**
 * Writes the rows of changed leads live: upserts `rm.leads`, deletes the leads' `rm.sales` rows and
 * inserts the sales of those won now (a reopened lead loses its sale).
 * @throws the Postgres error.
 */
export async function writeLeadRows(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly LeadRows[],
): Promise<void> {
  if (rows.length === 0) return;
  await writeRows(
    db,
    schema,
    "leads",
    rows.map((r) => r.lead),
    { keys: ["project_id", "lead_id"], action: "replace" },
  );
  const byProject = new Map<string, number[]>();
  for (const r of rows) getOrCreate(byProject, r.lead.project_id, () => []).push(r.lead.lead_id);
  for (const [projectId, leadIds] of byProject) {
    await db
      .deleteFrom("sales")
      .where("project_id", "=", projectId)
      .where("lead_id", "in", leadIds)
      .execute();
  }
  await writeRows(
    db,
    schema,
    "sales",
    rows.flatMap((r) => (r.sale ? [r.sale] : [])),
  );
}

/**
 * Updates `manager_name` of a project's leads and sales from `rm.crm_users` (after a users sync: the
 * rows name managers as the CRM names them now, as a replay would).
 */
export async function refreshManagerNames(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
): Promise<void> {
  for (const table of ["leads", "sales"] as const) {
    await sql`
      UPDATE ${sql.id(schema, table)} AS t SET manager_name = u.name
      FROM ${sql.id(schema, "crm_users")} AS u
      WHERE t.project_id = ${projectId} AND u.project_id = t.project_id AND u.user_id = t.manager_id
        AND t.manager_name IS DISTINCT FROM u.name`.execute(db);
  }
}

/**
 * The `rm.leads` / `rm.sales` projection, given how to find a project's {@link LeadContext}: the
 * live store passes the contexts it loaded for the batch (`loadLeadContext`), the replay the final
 * settings and users of its fold. State: the lead's {@link LeadFacts} (key: lead id); rows:
 * {@link leadRowsOf}; live write: {@link writeLeadRows}; live load: {@link loadLeadFacts}.
 */
export function leadsProjection(
  contextOf: (projectId: string) => LeadContext,
): Projection<LeadEvent, LeadFacts, number> {
  return {
    name: "leads",
    eventTypes: new Set([
      "deal.created",
      "deal.updated",
      "deal.deleted",
      "order.status_changed",
      "deal.contacts_linked",
    ]),
    keyOf: (event) => {
      const id = leadIdOf(event);
      return id === null ? null : { projectId: event.project_id, id };
    },
    evolve: evolveLeadFacts,
    rows: (facts) => {
      const r = leadRowsOf(facts, contextOf(facts.projectId));
      return { leads: [r.lead], sales: r.sale ? [r.sale] : [] };
    },
    write: (db, schema, states) =>
      writeLeadRows(
        db,
        schema,
        states.map((s) => leadRowsOf(s, contextOf(s.projectId))),
      ),
    load: loadLeadFacts,
  };
}
