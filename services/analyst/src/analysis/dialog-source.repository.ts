/**
 * Dialog building: the dialogs of a project in a window, read from the read models, as the
 * {@link AnalysisDialog}s `analyzeDialog` takes (SPEC "Dialog scoring": per deal per shift, or per
 * contact phone for chat-only sources). Plain functions taking `db` first.
 *
 * **Shift windows** come from the shift deal table: one dialog per `rm.shift_deals` row of the shift,
 * with the messages of `rm.messages` sent in `[shift_start, shift_end)` from or to any of the row's
 * phones (all phones of the deal), ordered by `sent_at`, then `message_id`. `window_start`/`window_end`
 * are the row's shift bounds exactly, `lead_id` is the row's (null for a chat-only row), `manager_id`
 * its `responsible_user_id` — the query API joins results to the table on project, window and
 * lead (or phone when there is no lead). When the table has no row for the shift at all (the projector
 * has not built it), the dialogs are built from the messages as for a period, keeping the shift's id.
 *
 * **Period windows** (on-demand `[from, to)` that is not a shift) come from the messages: the window's
 * messages with a phone, grouped by deal — each phone goes to the deal `rm.deal_phones` links it to
 * (the most recently updated live deal of `rm.deals_current` when several) — or, for a phone no deal
 * has, by that phone. `manager_id` is the deal's `responsible_user_id`; `phone` the phone of the
 * dialog's first message. Messages without a phone are left out (they cannot be keyed).
 *
 * **Dialog keys** name the dialog and its window; the PK of `rm.analysis_results` includes them:
 * - shift: `{base}@{shift_id}`, e.g. `lead:15001@2026-11-08`, `phone:+77010000001@2026-11-08T22:00`;
 * - period: `{base}@{from}/{to}`, e.g. `lead:15001@2026-11-01T00:00:00.000Z/2026-11-08T00:00:00.000Z`;
 * where `base` is the shift deal table's key: `lead:{id}` or `phone:{E.164}`.
 */
import type { Shift } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import type { AnalysisDialog } from "./analyze-dialog.js";
import type { DialogMessage, MessageDirection } from "./offline-extractor.js";

/** A window of time: ISO-8601 UTC instants with milliseconds, `from` inclusive, `to` exclusive. */
export interface PeriodWindow {
  readonly from: string;
  readonly to: string;
}

/** `lead:{id}` — the base key of a deal's dialog (as `rm.shift_deals.dialog_key`). */
export function leadKey(leadId: number): string {
  return `lead:${leadId}`;
}

/** `phone:{E.164}` — the base key of a chat-only contact's dialog (as `rm.shift_deals.dialog_key`). */
export function phoneKey(phone: string): string {
  return `phone:${phone}`;
}

/** `{base}@{shiftId}` — the dialog key of a shift's dialog (see the module comment). */
export function shiftDialogKey(base: string, shiftId: string): string {
  return `${base}@${shiftId}`;
}

/** `{base}@{from}/{to}` — the dialog key of an on-demand period's dialog (see the module comment). */
export function periodDialogKey(base: string, window: PeriodWindow): string {
  return `${base}@${window.from}/${window.to}`;
}

/** The text an analyser sees for a message: its text, or `[{media}]` for an attachment without text. */
function messageText(text: string | null, media: string | null): string {
  if (text !== null && text.trim() !== "") return text;
  return `[${media ?? "media"}]`;
}

function directionOf(value: string): MessageDirection {
  return value === "outgoing" ? "outgoing" : "incoming";
}

/** A message of the window with its phone and its position in window order (`sent_at`, `message_id`). */
interface WindowMessage extends DialogMessage {
  readonly phone: string;
  readonly position: number;
}

/** The messages of `phones` (or of every phone when `phones` is `null`) sent in `[from, to)`, in dialog order. */
async function windowMessages(
  db: Kysely<Database>,
  projectId: string,
  from: Date,
  to: Date,
  phones: readonly string[] | null,
): Promise<WindowMessage[]> {
  if (phones !== null && phones.length === 0) return [];
  const rows = await db
    .selectFrom("rm.messages")
    .select(["phone", "direction", "text", "media", "sent_at"])
    .where("project_id", "=", projectId)
    .where("sent_at", ">=", from)
    .where("sent_at", "<", to)
    .$if(phones === null, (qb) => qb.where("phone", "is not", null))
    .$if(phones !== null, (qb) => qb.where("phone", "in", phones as string[]))
    .orderBy("sent_at")
    .orderBy("message_id")
    .execute();
  return rows.map((r, position) => ({
    phone: r.phone as string,
    position,
    direction: directionOf(r.direction),
    text: messageText(r.text, r.media),
    sent_at: r.sent_at.toISOString(),
  }));
}

/**
 * The window of shift `shiftId` as the shift deal table holds it (earliest `shift_start`, latest
 * `shift_end` of its rows), or `null` when the table has no row of that shift. For shift ids made
 * under older shift settings, which `shiftById` no longer recognises.
 * @throws the Postgres error when the query fails.
 */
export async function shiftFromTable(
  db: Kysely<Database>,
  projectId: string,
  shiftId: string,
): Promise<Shift | null> {
  const row = await db
    .selectFrom("rm.shift_deals")
    .select([sql<Date | null>`min(shift_start)`.as("start"), sql<Date | null>`max(shift_end)`.as("end")])
    .where("project_id", "=", projectId)
    .where("shift_id", "=", shiftId)
    .executeTakeFirst();
  if (row?.start == null || row.end == null) return null;
  return { shiftId, start: row.start.toISOString(), end: row.end.toISOString() };
}

/**
 * The dialogs of shift `shift` of `projectId` (see the module comment): one per `rm.shift_deals` row,
 * in dialog-key order, with `source: "shift_deals"`; or, when the table has no row for the shift, the
 * dialogs built from the shift's messages, with `source: "messages"`. Rows with no message in the
 * window are included with an empty `messages` list (the caller drops them by `min_incoming`).
 * @throws the Postgres error when a query fails.
 */
export async function readShiftDialogs(
  db: Kysely<Database>,
  projectId: string,
  shift: Shift,
): Promise<{ dialogs: AnalysisDialog[]; source: "shift_deals" | "messages" }> {
  const rows = await db
    .selectFrom("rm.shift_deals")
    .select(["dialog_key", "lead_id", "phone", "phones", "responsible_user_id", "shift_start", "shift_end"])
    .where("project_id", "=", projectId)
    .where("shift_id", "=", shift.shiftId)
    .orderBy("dialog_key")
    .execute();
  if (rows.length === 0) {
    const dialogs = await messageDialogs(db, projectId, { from: shift.start, to: shift.end }, (base) =>
      shiftDialogKey(base, shift.shiftId),
    );
    return { dialogs: dialogs.map((d) => ({ ...d, shift_id: shift.shiftId })), source: "messages" };
  }
  const phonesOf = (r: (typeof rows)[number]): string[] => {
    const set = new Set(r.phones);
    if (r.phone !== null) set.add(r.phone);
    return [...set];
  };
  // One read of the window's messages for every phone of the shift, then shared out per row (a phone
  // shared by two deals gives its messages to both, as the shift deal table does).
  const byWindow = new Map<string, { from: Date; to: Date; phones: Set<string> }>();
  for (const r of rows) {
    const w = `${r.shift_start.toISOString()}/${r.shift_end.toISOString()}`;
    const entry = byWindow.get(w) ?? { from: r.shift_start, to: r.shift_end, phones: new Set<string>() };
    for (const p of phonesOf(r)) entry.phones.add(p);
    byWindow.set(w, entry);
  }
  const messagesByWindow = new Map<string, Map<string, WindowMessage[]>>();
  for (const [w, entry] of byWindow) {
    const perPhone = new Map<string, WindowMessage[]>();
    for (const m of await windowMessages(db, projectId, entry.from, entry.to, [...entry.phones])) {
      const list = perPhone.get(m.phone) ?? [];
      list.push(m);
      perPhone.set(m.phone, list);
    }
    messagesByWindow.set(w, perPhone);
  }
  const dialogs = rows.map((r): AnalysisDialog => {
    const w = `${r.shift_start.toISOString()}/${r.shift_end.toISOString()}`;
    const perPhone = messagesByWindow.get(w) ?? new Map<string, WindowMessage[]>();
    const merged = phonesOf(r).flatMap((p) => perPhone.get(p) ?? []);
    return {
      project_id: projectId,
      dialog_key: shiftDialogKey(r.dialog_key, shift.shiftId),
      lead_id: r.lead_id,
      phone: r.phone,
      shift_id: shift.shiftId,
      window_start: r.shift_start.toISOString(),
      window_end: r.shift_end.toISOString(),
      manager_id: r.responsible_user_id,
      messages: sortMessages(merged).map(({ direction, text, sent_at }) => ({ direction, text, sent_at })),
    };
  });
  return { dialogs, source: "shift_deals" };
}

/** Messages of several phones merged back into window order (`sent_at`, then `message_id`). */
function sortMessages(messages: WindowMessage[]): WindowMessage[] {
  return [...messages].sort((a, b) => a.position - b.position);
}

/**
 * The dialogs of the on-demand period `window` of `projectId` (see the module comment), keyed
 * `{base}@{from}/{to}`, `shift_id` null, window = `[from, to)` exactly; ordered by dialog key. Only
 * phones with a message in the window make dialogs.
 * @throws the Postgres error when a query fails.
 */
export async function readPeriodDialogs(
  db: Kysely<Database>,
  projectId: string,
  window: PeriodWindow,
): Promise<AnalysisDialog[]> {
  return messageDialogs(db, projectId, window, (base) => periodDialogKey(base, window));
}

/** Dialogs of a window built from its messages, grouped by deal (via `rm.deal_phones`) or phone. */
async function messageDialogs(
  db: Kysely<Database>,
  projectId: string,
  window: PeriodWindow,
  keyOf: (base: string) => string,
): Promise<AnalysisDialog[]> {
  const messages = await windowMessages(db, projectId, new Date(window.from), new Date(window.to), null);
  if (messages.length === 0) return [];
  const phones = [...new Set(messages.map((m) => m.phone))];
  const links = await db
    .selectFrom("rm.deal_phones as dp")
    .leftJoin("rm.deals_current as d", (join) =>
      join.onRef("d.project_id", "=", "dp.project_id").onRef("d.lead_id", "=", "dp.lead_id"),
    )
    .select(["dp.phone", "dp.lead_id", "d.responsible_user_id", "d.deleted"])
    .where("dp.project_id", "=", projectId)
    .where("dp.phone", "in", phones)
    // Per phone the first row wins: live deals first, then the most recently updated, then the newest id.
    .orderBy("dp.phone")
    .orderBy(sql`coalesce(d.deleted, false)`)
    .orderBy("d.updated_at", (ob) => ob.desc().nullsLast())
    .orderBy("dp.lead_id", "desc")
    .execute();
  const dealOfPhone = new Map<string, { lead_id: number; manager_id: number | null }>();
  for (const l of links)
    if (!dealOfPhone.has(l.phone))
      dealOfPhone.set(l.phone, { lead_id: l.lead_id, manager_id: l.responsible_user_id ?? null });

  const groups = new Map<
    string,
    { lead_id: number | null; manager_id: number | null; phone: string; messages: DialogMessage[] }
  >();
  for (const m of messages) {
    const deal = dealOfPhone.get(m.phone);
    const base = deal !== undefined ? leadKey(deal.lead_id) : phoneKey(m.phone);
    let group = groups.get(base);
    if (group === undefined) {
      group = {
        lead_id: deal?.lead_id ?? null,
        manager_id: deal?.manager_id ?? null,
        phone: m.phone,
        messages: [],
      };
      groups.set(base, group);
    }
    group.messages.push({ direction: m.direction, text: m.text, sent_at: m.sent_at });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([base, g]) => ({
      project_id: projectId,
      dialog_key: keyOf(base),
      lead_id: g.lead_id,
      phone: g.phone,
      shift_id: null,
      window_start: window.from,
      window_end: window.to,
      manager_id: g.manager_id,
      messages: g.messages,
    }));
}

/**
 * A short digest of everything the dialogs of `shift` are built from: the shift deal table's rows
 * (keys, phones, managers, message counts, last message) and the window's messages (count, newest
 * stream sequence). The scheduler re-runs a shift only when it changes, so a quiet shift costs one
 * query per tick.
 * @throws the Postgres error when the query fails.
 */
export async function shiftFingerprint(
  db: Kysely<Database>,
  projectId: string,
  shift: Shift,
): Promise<string> {
  const result = await sql<{ table_digest: string | null; messages: number; last_seq: number | null }>`
    SELECT
      (SELECT md5(string_agg(
          sd.dialog_key || '|' || array_to_string(sd.phones, ',') || '|' || coalesce(sd.phone, '') || '|'
            || coalesce(sd.lead_id::text, '') || '|' || coalesce(sd.responsible_user_id::text, '') || '|'
            || sd.incoming || '|' || sd.outgoing || '|' || coalesce(sd.last_message_at::text, '') || '|'
            || sd.shift_start::text || '|' || sd.shift_end::text,
          ';' ORDER BY sd.dialog_key))
        FROM rm.shift_deals sd WHERE sd.project_id = ${projectId} AND sd.shift_id = ${shift.shiftId}
      ) AS table_digest,
      (SELECT count(*)::int FROM rm.messages m
        WHERE m.project_id = ${projectId} AND m.sent_at >= ${new Date(shift.start)} AND m.sent_at < ${new Date(shift.end)}
      ) AS messages,
      (SELECT max(m.stream_seq) FROM rm.messages m
        WHERE m.project_id = ${projectId} AND m.sent_at >= ${new Date(shift.start)} AND m.sent_at < ${new Date(shift.end)}
      ) AS last_seq`.execute(db);
  const row = result.rows[0];
  return `${row?.table_digest ?? "-"}:${row?.messages ?? 0}:${row?.last_seq ?? 0}`;
}
