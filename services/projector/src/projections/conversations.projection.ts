/**
 * The shift deal rows (`rm.shift_deals`), derived from the conversation declarations (`messages`,
 * `deal_contacts` / `deal_phones`, `analysis_results`) and the deals' status events and snapshots:
 * recomputed per affected row live ({@link applyShiftDealsLive}, per batch inside its transaction)
 * and built from the final state in a replay ({@link ConversationsFold}). Both use the same row
 * builder, so a replay equals the live tables.
 */
import { type ShiftSettings, shiftOf } from "@pulse/domain";
import type { DomainEvent } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { getOrCreate } from "../collections.js";
import type { RowOf } from "../replay/table-writer.js";
import { type AnalysisResultRow, analysisResultsProjection } from "./analysis-results.projection.js";
import {
  dealContactsProjection,
  type LeadContacts,
  leadKey,
  loadLeadPhones,
} from "./deal-contacts.projection.js";
import type { DealRow } from "./deals-current.projection.js";
import { type MessageRow, messageRow, messagesProjection } from "./messages.projection.js";
import type { StoredOrderEvent } from "./order-status.projection.js";
import { type PositionedEvent, rowsOf } from "./projection.js";
import {
  AffectedShiftDeals,
  buildProjectShiftDeals,
  dealUpdateOf,
  type LeadStatusPoint,
  leadDialogKey,
  loadShiftSettings,
  phoneDialogKey,
  recomputeShiftDeals,
  type ShiftDealRow,
  type ShiftMessage,
  shiftsOfLeadRows,
  shiftsOfPhoneMessages,
} from "./shift-deals.projection.js";

/**
 * The phones of the leads whose contacts a segment links, as stored before the segment (lead memory
 * key → sorted phones): what {@link applyShiftDealsLive} needs to move a phone's rows between a lead
 * and its chat-only rows. Call before the declarations are applied.
 * @throws the Postgres error.
 */
export async function loadLinkedPhonesBefore(
  db: Kysely<ReadModels>,
  items: readonly PositionedEvent[],
): Promise<Map<string, string[]>> {
  const linked = new Map<string, Set<number>>();
  for (const { event } of items)
    if (event.type === "deal.contacts_linked")
      getOrCreate(linked, event.project_id, () => new Set<number>()).add(event.data.lead_id);
  const oldPhones = new Map<string, string[]>();
  for (const [projectId, leadIds] of linked) {
    for (const [leadId, phones] of await loadLeadPhones(db, projectId, [...leadIds]))
      oldPhones.set(leadKey(projectId, leadId), phones);
  }
  return oldPhones;
}

/**
 * Live store of the shift deal rows: after a segment's declarations are applied and its orders
 * recomputed (the shift rows read the messages, contacts, status events and deal snapshots),
 * recomputes the rows the segment may have changed — the shift of each message (its phone's row and
 * the rows of the deals the phone belongs to), the shift of each deal update plus every shift the
 * deal already has a row in (its state at those ends may change), and for a contacts link
 * (`contacts`: the changed `dealContactsProjection` states; `oldPhones`: {@link loadLinkedPhonesBefore})
 * every shift with messages of the lead's old or new phones (a phone's chat-only rows move to the
 * lead, or back). The replay builds every row from its final state instead
 * ({@link ConversationsFold.shiftDeals}); both use `buildShiftDealRow`.
 * @throws the Postgres error (the caller rolls the batch back).
 */
export async function applyShiftDealsLive(
  db: Kysely<ReadModels>,
  schema: string,
  items: readonly PositionedEvent[],
  contacts: ReadonlyMap<string, LeadContacts>,
  oldPhones: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  const messages: MessageRow[] = [];
  const updates: { projectId: string; leadId: number; at: string }[] = [];
  for (const { seq, event } of items) {
    if (event.type === "chat.message_received") messages.push(messageRow(event, seq));
    else {
      const u = dealUpdateOf(event);
      if (u) updates.push({ projectId: event.project_id, ...u });
    }
  }
  if (messages.length === 0 && contacts.size === 0 && updates.length === 0) return;

  const projects = new Set<string>([
    ...messages.map((m) => m.project_id),
    ...[...contacts.values()].map((c) => c.projectId),
    ...updates.map((u) => u.projectId),
  ]);
  const affected = new AffectedShiftDeals();
  for (const projectId of projects) {
    const settings = await loadShiftSettings(db, projectId);
    const touchedLeads = new Set<number>();

    const own = messages.filter((m) => m.project_id === projectId && m.phone !== null);
    const phones = [...new Set(own.map((m) => m.phone as string))];
    const leadsOfPhone = new Map<string, number[]>();
    if (phones.length > 0) {
      const links = await db
        .selectFrom("deal_phones")
        .select(["phone", "lead_id"])
        .where("project_id", "=", projectId)
        .where("phone", "in", phones)
        .execute();
      for (const l of links) getOrCreate(leadsOfPhone, l.phone, () => []).push(l.lead_id);
    }
    for (const m of own) {
      const shift = shiftOf(m.sent_at, settings);
      affected.add(projectId, shift, phoneDialogKey(m.phone as string));
      for (const leadId of leadsOfPhone.get(m.phone as string) ?? [])
        affected.add(projectId, shift, leadDialogKey(leadId));
    }

    for (const u of updates) {
      if (u.projectId !== projectId) continue;
      affected.addUpdate(projectId, shiftOf(u.at, settings), u.leadId);
      touchedLeads.add(u.leadId);
    }

    for (const c of contacts.values()) {
      if (c.projectId !== projectId) continue;
      touchedLeads.add(c.leadId);
      const moved = [...new Set([...(oldPhones.get(leadKey(projectId, c.leadId)) ?? []), ...c.phones])];
      for (const shift of await shiftsOfPhoneMessages(db, projectId, moved, settings)) {
        affected.add(projectId, shift, leadDialogKey(c.leadId));
        for (const p of moved) affected.add(projectId, shift, phoneDialogKey(p));
      }
    }

    for (const [leadId, shifts] of await shiftsOfLeadRows(db, projectId, [...touchedLeads]))
      for (const shift of shifts) affected.add(projectId, shift, leadDialogKey(leadId));
  }
  for (const [projectId, shifts] of affected.byProject) {
    await recomputeShiftDeals(db, schema, projectId, shifts, affected.updates.get(projectId) ?? new Map());
  }
}

/**
 * The conversation read models in the replay's memory store (see `ReadModelsFold`): the states of
 * the messages, contacts and analysis results declarations, and each lead's deal updates. The shift
 * deal rows are built at the end ({@link ConversationsFold.shiftDeals}) from the final state, which
 * is what the live projector's per-batch recomputation converges to.
 */
export class ConversationsFold {
  readonly messages = new Map<string, MessageRow>();
  readonly contacts = new Map<string, LeadContacts>();
  readonly results = new Map<string, AnalysisResultRow>();
  /** project → lead → `occurred_at` of its updates */
  readonly updates = new Map<string, Map<number, string[]>>();

  /**
   * Folds the deal updates of one decoded event (stream order); its messages, contacts and analysis
   * results are folded by their declarations into {@link messages}, {@link contacts} and
   * {@link results} (`PROJECTIONS`).
   */
  apply(event: DomainEvent): void {
    const u = dealUpdateOf(event);
    if (u) {
      const leads = getOrCreate(this.updates, event.project_id, () => new Map<number, string[]>());
      getOrCreate(leads, u.leadId, () => []).push(u.at);
    }
  }

  /**
   * Every shift deal row, from the folded messages, contacts and updates and the final status
   * events (`orders`: each order's stored events), deal snapshots (`deals`) and each project's shift
   * settings (`settingsOf`: the final `rm.settings` kind `shifts`).
   */
  shiftDeals(
    orders: Iterable<readonly StoredOrderEvent[]>,
    deals: Iterable<DealRow>,
    settingsOf: (projectId: string) => ShiftSettings,
  ): ShiftDealRow[] {
    const projects = new Set<string>();
    const messagesOf = new Map<string, ShiftMessage[]>();
    for (const m of this.messages.values()) {
      if (m.phone === null) continue;
      projects.add(m.project_id);
      getOrCreate(messagesOf, m.project_id, () => []).push({
        source: m.source,
        message_id: m.message_id,
        phone: m.phone,
        direction: m.direction,
        text: m.text,
        media: m.media,
        sent_at: m.sent_at,
      });
    }
    const phonesOf = new Map<string, Map<number, readonly string[]>>();
    for (const c of this.contacts.values()) {
      if (c.phones.length === 0) continue;
      getOrCreate(phonesOf, c.projectId, () => new Map()).set(c.leadId, c.phones);
    }
    for (const p of this.updates.keys()) projects.add(p);
    const statuses = new Map<string, LeadStatusPoint[]>();
    for (const events of orders) {
      for (const e of events) {
        if (e.source !== "amocrm") continue;
        getOrCreate(statuses, leadKey(e.project_id, e.order_id), () => []).push({
          at: e.status_changed_at,
          seq: e.stream_seq,
          pipelineId: e.status_group_id,
          statusId: e.status_id,
          managerId: e.manager_id,
        });
      }
    }
    const snapshots = new Map<string, DealRow>();
    for (const d of deals) snapshots.set(leadKey(d.project_id, d.lead_id), d);
    const rows: ShiftDealRow[] = [];
    for (const projectId of projects) {
      // A loop, not push(...rows): a spread passes one argument per row and overflows the stack
      // at a million-event replay.
      const projectRows = buildProjectShiftDeals(
        projectId,
        settingsOf(projectId),
        messagesOf.get(projectId) ?? [],
        phonesOf.get(projectId) ?? new Map(),
        this.updates.get(projectId) ?? new Map(),
        (leadId) => statuses.get(leadKey(projectId, leadId)) ?? [],
        (leadId) => {
          const d = snapshots.get(leadKey(projectId, leadId));
          return d
            ? {
                at: d.updated_at,
                seq: d.last_event_seq ?? 0,
                pipelineId: d.pipeline_id,
                statusId: d.status_id,
                responsibleUserId: d.responsible_user_id,
              }
            : undefined;
        },
      );
      for (const row of projectRows) rows.push(row);
    }
    return rows;
  }

  /** The rows of the other conversation tables: messages, contacts, phones, analysis results. */
  tables(): {
    messages: RowOf<"messages">[];
    deal_contacts: RowOf<"deal_contacts">[];
    deal_phones: RowOf<"deal_phones">[];
    analysis_results: RowOf<"analysis_results">[];
  } {
    const contacts = rowsOf(dealContactsProjection, this.contacts.values());
    return {
      messages: [...(rowsOf(messagesProjection, this.messages.values()).messages ?? [])],
      deal_contacts: [...(contacts.deal_contacts ?? [])],
      deal_phones: [...(contacts.deal_phones ?? [])],
      analysis_results: [
        ...(rowsOf(analysisResultsProjection, this.results.values()).analysis_results ?? []),
      ],
    };
  }
}
