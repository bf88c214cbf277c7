/**
 * `rm.shift_deals` (SPEC "Conversations and shifts", "Shift deal table"): per shift of the project's
 * shift settings, one row per amoCRM deal updated or messaged in the window, and one per phone that
 * wrote in the window but belongs to no deal (chat-only, `dialog_key` `phone:{E.164}`, `lead_id`
 * null).
 *
 * - **updated**: a `deal.created` / `deal.updated` / `deal.deleted`, or an `order.status_changed` of
 *   an amoCRM lead, with `occurred_at` in `[start, end)`. `deal.contacts_linked` is an enrichment
 *   fetch, not an update of the deal. Once a shift saw an update it keeps the flag (events are facts
 *   and are never removed).
 * - **messaged**: a message (`rm.messages`, with a phone) of one of the deal's phones
 *   (`rm.deal_phones`) with `sent_at` in the window. A phone linked to several deals gives its
 *   messages to each.
 * - **state at the window's end** ({@link dealStateAt}): manager, pipeline and stage from the lead's
 *   stored status events (`rm.order_status_events`, source `amocrm`) before `end` and its current
 *   snapshot (`rm.deals_current`) when that snapshot's `updated_at` is before `end` — older snapshots
 *   are not kept by any read model, so a past shift whose deal has changed since falls back to the
 *   status events' manager.
 * - **dialog**: the window's messages of the row's phones ordered by `sent_at`, then `message_id`,
 *   as `formatDialogText` (UTC) of `@pulse/domain` — the format the query API uses.
 *
 * Every row is a function of the final tables only, so the live projector (which recomputes the
 * affected rows from the tables per batch) and the replay (which folds in memory and builds every row
 * at the end) write identical rows. The project's shift settings are those of `rm.settings` kind
 * `shifts` (the replay: the latest `settings.shifts_changed`) over the SPEC defaults.
 */
import {
  formatDialogText,
  resolveShiftSettings,
  type Shift,
  type ShiftSettings,
  shiftOf,
} from "@pulse/domain";
import type { DomainEvent } from "@pulse/events";
import { parseShiftSettings, type ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { getOrCreate } from "../collections.js";
import { iso } from "../db-values.js";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { loadRowsByIds } from "./projection.js";

/** A `rm.shift_deals` row (instants ISO-8601 UTC). */
export type ShiftDealRow = RowOf<"shift_deals">;

/** A message as the shift table needs it (`sent_at` ISO-8601 UTC). */
export interface ShiftMessage {
  readonly source: string;
  readonly message_id: string;
  readonly phone: string;
  readonly direction: string;
  readonly text: string | null;
  readonly media: string | null;
  readonly sent_at: string;
}

/** A stored status event of a lead: its time (`status_changed_at`), stream position, pipeline, stage, manager. */
export interface LeadStatusPoint {
  readonly at: string;
  readonly seq: number;
  readonly pipelineId: number | null;
  readonly statusId: number;
  readonly managerId: number | null;
}

/** The lead's current snapshot (`rm.deals_current`): its `updated_at`, last stream position, fields. */
export interface LeadSnapshotPoint {
  readonly at: string | null;
  readonly seq: number;
  readonly pipelineId: number | null;
  readonly statusId: number | null;
  readonly responsibleUserId: number | null;
}

/** Manager, pipeline and stage of a deal at an instant (null when unknown). */
export interface DealState {
  readonly responsible_user_id: number | null;
  readonly pipeline_id: number | null;
  readonly status_id: number | null;
}

/** `lead:{id}` — the dialog key of a deal's row. */
export function leadDialogKey(leadId: number): string {
  return `lead:${leadId}`;
}

/** `phone:{E.164}` — the dialog key of a chat-only row. */
export function phoneDialogKey(phone: string): string {
  return `phone:${phone}`;
}

const later = (a: { at: string; seq: number }, b: { at: string; seq: number }): boolean =>
  a.at > b.at || (a.at === b.at && a.seq > b.seq);

/**
 * The deal's state at `end` (exclusive, ISO-8601 UTC) (pure): pipeline and stage of the latest of
 * (the latest status event before `end`, the snapshot when its `updated_at` is before `end`) by time,
 * then stream position; the manager of the snapshot when it counts, else of that status event.
 * All null when nothing is known before `end`.
 */
export function dealStateAt(
  statusEvents: readonly LeadStatusPoint[],
  snapshot: LeadSnapshotPoint | undefined,
  end: string,
): DealState {
  let status: LeadStatusPoint | undefined;
  for (const e of statusEvents) if (e.at < end && (!status || later(e, status))) status = e;
  const snap = snapshot?.at != null && snapshot.at < end ? { ...snapshot, at: snapshot.at } : undefined;
  if (snap && (!status || later(snap, status))) {
    return {
      responsible_user_id: snap.responsibleUserId,
      pipeline_id: snap.pipelineId,
      status_id: snap.statusId,
    };
  }
  if (status) {
    return {
      responsible_user_id: snap ? snap.responsibleUserId : status.managerId,
      pipeline_id: status.pipelineId,
      status_id: status.statusId,
    };
  }
  return { responsible_user_id: null, pipeline_id: null, status_id: null };
}

/** Window order of messages: `sent_at`, then `message_id`, then source (code-unit order, same everywhere). */
export function compareMessages(a: ShiftMessage, b: ShiftMessage): number {
  if (a.sent_at !== b.sent_at) return a.sent_at < b.sent_at ? -1 : 1;
  if (a.message_id !== b.message_id) return a.message_id < b.message_id ? -1 : 1;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/** What one row is built from. `messages`: the window's messages of `phones` (any order). */
export interface ShiftDealInput {
  readonly projectId: string;
  readonly shift: Shift;
  readonly leadId: number | null;
  /** The deal's phones (sorted), or the chat-only phone. */
  readonly phones: readonly string[];
  readonly messages: readonly ShiftMessage[];
  readonly updated: boolean;
  readonly state: DealState;
}

/**
 * The shift deal row of one deal (or chat-only phone) in one shift (pure), or `null` when the deal
 * was neither updated nor messaged in the window. `phone` is the phone of the window's first message,
 * else the first of `phones`.
 */
export function buildShiftDealRow(input: ShiftDealInput): ShiftDealRow | null {
  const messages = [...input.messages].sort(compareMessages);
  if (!input.updated && messages.length === 0) return null;
  const first = messages[0];
  const last = messages[messages.length - 1];
  let incoming = 0;
  for (const m of messages) if (m.direction === "incoming") incoming++;
  return {
    project_id: input.projectId,
    shift_id: input.shift.shiftId,
    shift_start: input.shift.start,
    shift_end: input.shift.end,
    dialog_key: input.leadId !== null ? leadDialogKey(input.leadId) : phoneDialogKey(input.phones[0] ?? ""),
    lead_id: input.leadId,
    phone: first?.phone ?? input.phones[0] ?? null,
    responsible_user_id: input.state.responsible_user_id,
    pipeline_id: input.state.pipeline_id,
    status_id: input.state.status_id,
    phones: input.phones,
    updated_in_window: input.updated,
    messaged_in_window: messages.length > 0,
    incoming,
    outgoing: messages.length - incoming,
    dialog_text: formatDialogText(
      messages.map((m) => ({
        direction: m.direction === "outgoing" ? "outgoing" : "incoming",
        text: m.text,
        media: m.media,
        sentAt: m.sent_at,
      })),
    ),
    first_message_at: first?.sent_at ?? null,
    last_message_at: last?.sent_at ?? null,
  };
}

/**
 * The lead whose update an event reports, with its time (`occurred_at`), or null: `deal.created`,
 * `deal.updated`, `deal.deleted`, and `order.status_changed` of amoCRM (source `amocrm` or a lead
 * snapshot).
 */
export function dealUpdateOf(event: DomainEvent): { leadId: number; at: string } | null {
  switch (event.type) {
    case "deal.created":
    case "deal.updated":
      return { leadId: event.data.lead.lead_id, at: event.occurred_at };
    case "deal.deleted":
      return { leadId: event.data.lead_id, at: event.occurred_at };
    case "order.status_changed":
      return event.source === "amocrm" || event.data.lead !== null
        ? { leadId: event.data.order_id, at: event.occurred_at }
        : null;
    default:
      return null;
  }
}

/**
 * Shift settings from the `data` of a `rm.settings` row of kind `shifts` (or a
 * `settings.shifts_changed`): the reading the query API and the analyst use (`parseShiftSettings`
 * of `@pulse/infra`), except that settings which do not validate fall back to the defaults: an
 * event is a fact and the projector does not stop on it (STYLE.md rule 5).
 */
export function shiftSettingsOf(data: unknown): ShiftSettings {
  try {
    return parseShiftSettings(data);
  } catch {
    return resolveShiftSettings();
  }
}

/** Key of a (shift, dialog) row within a project. */
function rowKey(shiftId: string, dialogKey: string): string {
  return `${shiftId}\u0000${dialogKey}`;
}

/**
 * Builds every row of one project from its complete data (pure; the replay's path, and the
 * definition the live path reproduces per affected row):
 * - `messages`: the project's messages with a phone;
 * - `leadPhones`: lead id → its phones (sorted);
 * - `updates`: lead id → the `occurred_at` of each of its updates;
 * - `statusOf` / `snapshotOf`: the lead's status events and current snapshot.
 */
export function buildProjectShiftDeals(
  projectId: string,
  settings: ShiftSettings,
  messages: readonly ShiftMessage[],
  leadPhones: ReadonlyMap<number, readonly string[]>,
  updates: ReadonlyMap<number, readonly string[]>,
  statusOf: (leadId: number) => readonly LeadStatusPoint[],
  snapshotOf: (leadId: number) => LeadSnapshotPoint | undefined,
): ShiftDealRow[] {
  const leadsOfPhone = new Map<string, number[]>();
  for (const [leadId, phones] of leadPhones)
    for (const p of phones) getOrCreate(leadsOfPhone, p, () => []).push(leadId);
  const shiftCache = new Map<string, Shift>();
  const shiftAt = (at: string): Shift => {
    // Shifts are at least an hour long: the hour's shift is looked up once.
    let s = shiftCache.get(at.slice(0, 13));
    if (!s || !(s.start <= at && at < s.end)) {
      s = shiftOf(at, settings);
      shiftCache.set(at.slice(0, 13), s);
    }
    return s;
  };
  interface Pending {
    shift: Shift;
    leadId: number | null;
    phones: readonly string[];
    messages: ShiftMessage[];
    updated: boolean;
  }
  const pending = new Map<string, Pending>();
  const leadRow = (shift: Shift, leadId: number): Pending =>
    getOrCreate(pending, rowKey(shift.shiftId, leadDialogKey(leadId)), () => ({
      shift,
      leadId,
      phones: leadPhones.get(leadId) ?? [],
      messages: [],
      updated: false,
    }));
  for (const m of messages) {
    const shift = shiftAt(m.sent_at);
    const leads = leadsOfPhone.get(m.phone);
    if (leads) {
      for (const leadId of leads) leadRow(shift, leadId).messages.push(m);
    } else {
      getOrCreate(pending, rowKey(shift.shiftId, phoneDialogKey(m.phone)), () => ({
        shift,
        leadId: null,
        phones: [m.phone],
        messages: [],
        updated: false,
      })).messages.push(m);
    }
  }
  for (const [leadId, times] of updates) for (const at of times) leadRow(shiftAt(at), leadId).updated = true;
  const rows: ShiftDealRow[] = [];
  for (const p of pending.values()) {
    const state =
      p.leadId === null
        ? { responsible_user_id: null, pipeline_id: null, status_id: null }
        : dealStateAt(statusOf(p.leadId), snapshotOf(p.leadId), p.shift.end);
    const row = buildShiftDealRow({ projectId, ...p, state });
    if (row) rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Live: recompute the affected rows from the tables.

/** The rows of one project a batch may have changed: shift → dialog keys. */
export class AffectedShiftDeals {
  /** project → shift id → { shift, dialog keys } */
  readonly byProject = new Map<string, Map<string, { shift: Shift; keys: Set<string> }>>();
  /** project → lead → shifts where the batch saw an update of the lead */
  readonly updates = new Map<string, Map<number, Set<string>>>();

  /** Marks `(shift, dialogKey)` of `projectId` for recomputation. */
  add(projectId: string, shift: Shift, dialogKey: string): void {
    const shifts = getOrCreate(this.byProject, projectId, () => new Map());
    getOrCreate(shifts, shift.shiftId, () => ({ shift, keys: new Set<string>() })).keys.add(dialogKey);
  }

  /** Records an update of `leadId` in `shift` (and marks its row). */
  addUpdate(projectId: string, shift: Shift, leadId: number): void {
    const leads = getOrCreate(this.updates, projectId, () => new Map());
    getOrCreate(leads, leadId, () => new Set<string>()).add(shift.shiftId);
    this.add(projectId, shift, leadDialogKey(leadId));
  }
}

/** The project's shift settings from its `rm.settings` row of kind `shifts` ({@link shiftSettingsOf}). */
export async function loadShiftSettings(db: Kysely<ReadModels>, projectId: string): Promise<ShiftSettings> {
  const [row] = await loadRowsByIds(db, "settings", projectId, "kind", ["shifts"]);
  return shiftSettingsOf(row?.data ?? {});
}

/** The messages of `phones` of one project sent in `[from, to)`. */
export async function loadPhoneMessages(
  db: Kysely<ReadModels>,
  projectId: string,
  phones: readonly string[],
  from: string,
  to: string,
): Promise<ShiftMessage[]> {
  if (phones.length === 0) return [];
  const rows = await db
    .selectFrom("messages")
    .select(["source", "message_id", "phone", "direction", "text", "media", "sent_at"])
    .where("project_id", "=", projectId)
    .where("phone", "in", [...phones])
    .where("sent_at", ">=", new Date(from))
    .where("sent_at", "<", new Date(to))
    .execute();
  return rows.map((r) => ({
    source: r.source,
    message_id: r.message_id,
    phone: r.phone as string,
    direction: r.direction,
    text: r.text,
    media: r.media,
    sent_at: iso(r.sent_at),
  }));
}

/** The shifts (of `settings`) in which `phones` have messages. */
export async function shiftsOfPhoneMessages(
  db: Kysely<ReadModels>,
  projectId: string,
  phones: readonly string[],
  settings: ShiftSettings,
): Promise<Shift[]> {
  if (phones.length === 0) return [];
  const rows = await db
    .selectFrom("messages")
    .select("sent_at")
    .distinct()
    .where("project_id", "=", projectId)
    .where("phone", "in", [...phones])
    .execute();
  const out = new Map<string, Shift>();
  for (const r of rows) {
    const s = shiftOf(iso(r.sent_at), settings);
    out.set(s.shiftId, s);
  }
  return [...out.values()];
}

/** The shifts in which the given leads have rows now (lead id → shifts). */
export async function shiftsOfLeadRows(
  db: Kysely<ReadModels>,
  projectId: string,
  leadIds: readonly number[],
): Promise<Map<number, Shift[]>> {
  const out = new Map<number, Shift[]>();
  if (leadIds.length === 0) return out;
  const rows = await db
    .selectFrom("shift_deals")
    .select(["lead_id", "shift_id", "shift_start", "shift_end"])
    .where("project_id", "=", projectId)
    .where("lead_id", "in", [...leadIds])
    .execute();
  for (const r of rows) {
    getOrCreate(out, r.lead_id as number, () => []).push({
      shiftId: r.shift_id,
      start: iso(r.shift_start),
      end: iso(r.shift_end),
    });
  }
  return out;
}

/**
 * Recomputes the affected rows of one project from the tables (which already hold the batch's
 * messages, contacts, status events and deal snapshots) and replaces them: the rows are deleted and
 * rebuilt with {@link buildShiftDealRow}; an updated flag already stored is kept.
 * @throws the Postgres error.
 */
export async function recomputeShiftDeals(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
  shifts: ReadonlyMap<string, { shift: Shift; keys: ReadonlySet<string> }>,
  batchUpdates: ReadonlyMap<number, ReadonlySet<string>>,
): Promise<void> {
  const pairs: { shift: Shift; key: string }[] = [];
  for (const { shift, keys } of shifts.values()) for (const key of keys) pairs.push({ shift, key });
  if (pairs.length === 0) return;
  const table = sql.id(schema, "shift_deals");
  const stored = await sql<{ shift_id: string; dialog_key: string; updated_in_window: boolean }>`
    SELECT t.shift_id, t.dialog_key, t.updated_in_window FROM ${table} AS t
    JOIN unnest(${pairs.map((p) => p.shift.shiftId)}::text[], ${pairs.map((p) => p.key)}::text[]) AS k(s, d)
      ON t.shift_id = k.s AND t.dialog_key = k.d
    WHERE t.project_id = ${projectId}`.execute(db);
  const storedUpdated = new Set(
    stored.rows.filter((r) => r.updated_in_window).map((r) => rowKey(r.shift_id, r.dialog_key)),
  );

  const leadIds = new Set<number>();
  const chatPhones = new Set<string>();
  for (const { key } of pairs) {
    if (key.startsWith("lead:")) leadIds.add(Number(key.slice(5)));
    else chatPhones.add(key.slice(6));
  }
  const leadList = [...leadIds];
  const phonesOfLead = new Map<number, string[]>();
  const linkedPhones = new Set<string>();
  if (leadList.length > 0 || chatPhones.size > 0) {
    const links = await db
      .selectFrom("deal_phones")
      .select(["lead_id", "phone"])
      .where("project_id", "=", projectId)
      .where((eb) =>
        eb.or([
          ...(leadList.length > 0 ? [eb("lead_id", "in", leadList)] : []),
          ...(chatPhones.size > 0 ? [eb("phone", "in", [...chatPhones])] : []),
        ]),
      )
      .execute();
    for (const l of links) {
      linkedPhones.add(l.phone);
      if (leadIds.has(l.lead_id)) getOrCreate(phonesOfLead, l.lead_id, () => []).push(l.phone);
    }
  }
  for (const list of phonesOfLead.values()) list.sort();

  const statuses = new Map<number, LeadStatusPoint[]>();
  const snapshots = new Map<number, LeadSnapshotPoint>();
  if (leadList.length > 0) {
    const events = await db
      .selectFrom("order_status_events")
      .select(["order_id", "status_changed_at", "stream_seq", "status_group_id", "status_id", "manager_id"])
      .where("project_id", "=", projectId)
      .where("source", "=", "amocrm")
      .where("order_id", "in", leadList)
      .execute();
    for (const e of events) {
      getOrCreate(statuses, e.order_id, () => []).push({
        at: iso(e.status_changed_at),
        seq: e.stream_seq,
        pipelineId: e.status_group_id,
        statusId: e.status_id,
        managerId: e.manager_id,
      });
    }
    const deals = await db
      .selectFrom("deals_current")
      .select(["lead_id", "updated_at", "last_event_seq", "pipeline_id", "status_id", "responsible_user_id"])
      .where("project_id", "=", projectId)
      .where("lead_id", "in", leadList)
      .execute();
    for (const d of deals) {
      snapshots.set(d.lead_id, {
        at: d.updated_at === null ? null : iso(d.updated_at),
        seq: d.last_event_seq,
        pipelineId: d.pipeline_id,
        statusId: d.status_id,
        responsibleUserId: d.responsible_user_id,
      });
    }
  }

  const rows: ShiftDealRow[] = [];
  for (const { shift, keys } of shifts.values()) {
    const phones = new Set<string>();
    for (const key of keys) {
      if (key.startsWith("lead:"))
        for (const p of phonesOfLead.get(Number(key.slice(5))) ?? []) phones.add(p);
      else phones.add(key.slice(6));
    }
    const messages = await loadPhoneMessages(db, projectId, [...phones], shift.start, shift.end);
    const byPhone = new Map<string, ShiftMessage[]>();
    for (const m of messages) getOrCreate(byPhone, m.phone, () => []).push(m);
    for (const key of keys) {
      let row: ShiftDealRow | null;
      if (key.startsWith("lead:")) {
        const leadId = Number(key.slice(5));
        const leadPhones = phonesOfLead.get(leadId) ?? [];
        row = buildShiftDealRow({
          projectId,
          shift,
          leadId,
          phones: leadPhones,
          messages: leadPhones.flatMap((p) => byPhone.get(p) ?? []),
          updated:
            storedUpdated.has(rowKey(shift.shiftId, key)) ||
            (batchUpdates.get(leadId)?.has(shift.shiftId) ?? false),
          state: dealStateAt(statuses.get(leadId) ?? [], snapshots.get(leadId), shift.end),
        });
      } else {
        const phone = key.slice(6);
        row = linkedPhones.has(phone)
          ? null
          : buildShiftDealRow({
              projectId,
              shift,
              leadId: null,
              phones: [phone],
              messages: byPhone.get(phone) ?? [],
              updated: false,
              state: { responsible_user_id: null, pipeline_id: null, status_id: null },
            });
      }
      if (row) rows.push(row);
    }
  }
  await sql`
    DELETE FROM ${table} AS t
    USING unnest(${pairs.map((p) => p.shift.shiftId)}::text[], ${pairs.map((p) => p.key)}::text[]) AS k(s, d)
    WHERE t.project_id = ${projectId} AND t.shift_id = k.s AND t.dialog_key = k.d`.execute(db);
  await writeRows(db, schema, "shift_deals", rows);
}
