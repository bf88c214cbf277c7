/**
 * Test support (not exported by the package): shift deal tables, chat messages and analysis results
 * written straight into `rm` (the projector and analyst that normally fill them are tested on their
 * own), and one scenario shared by the dialog, report and analysis-run tests.
 */
import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { insertCrmUsers, insertGroups, insertProject, insertStatuses } from "./fixtures.js";

/** An `rm.shift_deals` row; unspecified fields get neutral defaults. */
export interface ShiftDealSeed {
  shift_id: string;
  shift_start: string;
  shift_end: string;
  lead_id?: number | null;
  phone?: string | null;
  responsible_user_id?: number | null;
  pipeline_id?: number | null;
  status_id?: number | null;
  phones?: string[];
  incoming: number;
  outgoing: number;
  dialog_text?: string;
  last_message_at?: string | null;
}

/** Inserts `rm.shift_deals` rows; `dialog_key` is `lead:{id}` or `phone:{phone}`. */
export async function insertShiftDeals(
  db: Kysely<Database>,
  projectId: string,
  rows: ShiftDealSeed[],
): Promise<void> {
  await db
    .insertInto("rm.shift_deals")
    .values(
      rows.map((r) => ({
        project_id: projectId,
        shift_id: r.shift_id,
        shift_start: r.shift_start,
        shift_end: r.shift_end,
        dialog_key: r.lead_id != null ? `lead:${r.lead_id}` : `phone:${r.phone}`,
        lead_id: r.lead_id ?? null,
        phone: r.lead_id != null ? null : (r.phone ?? null),
        responsible_user_id: r.responsible_user_id ?? null,
        pipeline_id: r.pipeline_id ?? null,
        status_id: r.status_id ?? null,
        phones: r.phones ?? (r.phone ? [r.phone] : []),
        updated_in_window: r.lead_id != null,
        messaged_in_window: r.incoming + r.outgoing > 0,
        incoming: r.incoming,
        outgoing: r.outgoing,
        dialog_text: r.dialog_text ?? "",
        first_message_at: r.last_message_at ?? null,
        last_message_at: r.last_message_at ?? null,
      })),
    )
    .execute();
}

/** An `rm.analysis_results` row; `scored` rows need score/interest, `failed` rows an error code. */
export interface ResultSeed {
  status: "scored" | "failed";
  lead_id?: number | null;
  phone?: string | null;
  shift_id: string | null;
  window_start: string;
  window_end: string;
  manager_id?: number | null;
  score?: number | null;
  interest?: "hot" | "warm" | "cold" | null;
  funnel_stage?: string | null;
  qualification_complete?: boolean | null;
  niche?: string;
  summary?: string;
  prompt_version?: string;
  mode?: "llm" | "offline";
  prompt_tokens?: number;
  completion_tokens?: number;
  error_code?: string | null;
  error_message?: string | null;
  recorded_at: string;
  event_seq: number;
}

/** The analyst's dialog key of a seed: `{lead id | phone}:{window start}:{window end}`. */
export function dialogKeyOf(
  r: Pick<ResultSeed, "lead_id" | "phone" | "window_start" | "window_end">,
): string {
  return `${r.lead_id ?? r.phone}:${r.window_start}:${r.window_end}`;
}

/** Inserts `rm.analysis_results` rows (input hash from the event sequence, so each row is distinct). */
export async function insertResults(
  db: Kysely<Database>,
  projectId: string,
  rows: ResultSeed[],
): Promise<void> {
  await db
    .insertInto("rm.analysis_results")
    .values(
      rows.map((r) => {
        const scored = r.status === "scored";
        const facts = scored
          ? {
              funnel_stage: r.funnel_stage ?? "qualified",
              niche: r.niche ?? "other",
              is_owner_or_decision_maker: false,
              budget_stated: false,
              is_targetologist_or_smm: false,
              questionnaire: {},
              summary: r.summary ?? "",
            }
          : null;
        return {
          project_id: projectId,
          dialog_key: dialogKeyOf(r),
          input_hash: `hash${String(r.event_seq).padStart(8, "0")}`,
          prompt_version: r.prompt_version ?? "dialog-facts@1",
          status: r.status,
          mode: r.mode ?? "llm",
          model: r.mode === "offline" ? null : "gpt-4o-mini",
          lead_id: r.lead_id ?? null,
          phone: r.phone ?? null,
          shift_id: r.shift_id,
          window_start: r.window_start,
          window_end: r.window_end,
          manager_id: r.manager_id ?? null,
          score: scored ? (r.score ?? null) : null,
          interest: scored ? (r.interest ?? null) : null,
          funnel_stage: scored ? (r.funnel_stage ?? "qualified") : null,
          qualification_complete: scored ? (r.qualification_complete ?? false) : null,
          facts: facts === null ? null : JSON.stringify(facts),
          evidence: scored ? JSON.stringify([{ fact: "funnel_stage", quote: "…" }]) : null,
          reasons: scored
            ? JSON.stringify([{ rule: `stage:${r.funnel_stage ?? "qualified"}`, points: r.score ?? 0 }])
            : null,
          incoming: 3,
          outgoing: 2,
          prompt_tokens: r.prompt_tokens ?? 0,
          completion_tokens: r.completion_tokens ?? 0,
          duration_ms: 1200,
          error_code: scored ? null : (r.error_code ?? "timeout"),
          error_message: scored ? null : (r.error_message ?? "the model did not answer in time"),
          recorded_at: r.recorded_at,
          event_seq: r.event_seq,
        };
      }),
    )
    .execute();
}

/** A `rm.messages` row. */
export interface MessageSeed {
  message_id: string;
  phone: string;
  direction: "incoming" | "outgoing";
  text: string | null;
  sent_at: string;
}

/** Inserts WhatsApp messages (source `radist`) into `rm.messages`. */
export async function insertMessages(
  db: Kysely<Database>,
  projectId: string,
  rows: MessageSeed[],
): Promise<void> {
  await db
    .insertInto("rm.messages")
    .values(
      rows.map((m, i) => ({
        project_id: projectId,
        source: "radist",
        message_id: m.message_id,
        chat_id: `chat-${m.phone}`,
        phone: m.phone,
        direction: m.direction,
        text: m.text,
        media: m.text === null ? "image" : null,
        sent_at: m.sent_at,
        sender_name: null,
        connection: null,
        dedup_key: `radist:${projectId}:${m.message_id}`,
        stream_seq: 1000 + i,
      })),
    )
    .execute();
}

/** Stores the project's shift settings (`rm.settings` kind `shifts`). */
export async function insertShiftSettings(
  db: Kysely<Database>,
  projectId: string,
  data: { time_zone: string; start_hour: number; length_hours: number; lookback_hours: number },
): Promise<void> {
  await db
    .insertInto("rm.settings")
    .values({
      project_id: projectId,
      kind: "shifts",
      version: 1,
      data: JSON.stringify({ version: 1, changed_by: "admin", ...data }),
      changed_by: "admin",
      changed_at: "2026-10-01T00:00:00.000Z",
      event_seq: 1,
    })
    .execute();
}

/**
 * Shift `2026-10-21` under the default settings (UTC+5, 22:00, 24 h): `[W1_START, W1_END)`. Its
 * midpoint (05:00Z on the 22nd) lies in the local day 2026-10-22.
 */
export const W1_START = "2026-10-21T17:00:00.000Z";
/** End of shift `2026-10-21`. */
export const W1_END = "2026-10-22T17:00:00.000Z";
/** Shift `2026-10-20`: `[W0_START, W0_END)`. */
export const W0_START = "2026-10-20T17:00:00.000Z";
/** End of shift `2026-10-20`. */
export const W0_END = "2026-10-21T17:00:00.000Z";
/** The multi-line Cyrillic dialog of deal 501, with quotes, a comma and a semicolon. */
export const DIALOG_501 =
  '[22:05] client: Здравствуйте! У меня стоматология, хочу рекламу.\n[22:07] manager: Добрый день, какой бюджет?\n[22:10] client: "Около 300 000 ₸", решаю я сам; когда можно созвониться?';

/**
 * The shared scenario, in project `amo` (amoCRM, default shift settings), plus noise in `other`:
 *
 * Shift 2026-10-21 (W1): deal 501 (manager 7, 5 in / 4 out; results: scored 45 warm, then scored 90
 * hot, then a failed re-run — its latest scored is 90), 502 (manager 7, 3/2, scored 30 cold new_lead),
 * 503 (manager 8, 4/1, scored 60 warm, a summary starting with `=`), 504 (manager 8, 1/0, none),
 * chat-only +77010000005 (no manager, 3/1, failed only), 505 (manager 9, 6/3, none).
 * Shift 2026-10-20 (W0): deal 601 (manager 7, 4/4, scored 80 hot).
 * On-demand window 2026-10-22T00:00Z–12:00Z (no shift, not in any shift table): deal 700 (manager 9,
 * scored 50 warm, offline), whose text comes from rm.messages.
 * Tokens in W1 by shift id: prompt 2950, completion 580.
 * The users dictionary names managers 7 (Айгерим Сейткали) and 8 (Дана Омарова), not 9.
 */
export async function seedDialogScenario(db: Kysely<Database>): Promise<void> {
  await insertProject(db, "amo", "Amo Clinic", "amocrm");
  await insertProject(db, "other", "Other");
  await insertGroups(db, "amo", [[100, "Sales"]]);
  // Managers 7 and 8 are in the users dictionary; 9 is not (shown as an id).
  await insertCrmUsers(db, "amo", [
    [7, "Айгерим Сейткали"],
    [8, "Дана Омарова"],
  ]);
  await insertStatuses(db, "amo", [
    [100, 20, "Консультация"],
    [100, 142, "Успешно реализовано"],
  ]);
  await db
    .insertInto("rm.deals_current")
    .values({
      project_id: "amo",
      lead_id: 501,
      name: "Стоматология Алматы",
      price: 490000,
      responsible_user_id: 7,
      pipeline_id: 100,
      status_id: 20,
      tags: "[]",
      custom_fields: "{}",
      created_at: "2026-10-20T10:00:00.000Z",
      updated_at: "2026-10-22T10:00:00.000Z",
      deleted: false,
      last_event_seq: 10,
    })
    .execute();
  const w1 = { shift_id: "2026-10-21", shift_start: W1_START, shift_end: W1_END };
  await insertShiftDeals(db, "amo", [
    {
      ...w1,
      lead_id: 501,
      responsible_user_id: 7,
      pipeline_id: 100,
      status_id: 20,
      phones: ["+77010000501", "+77020000501"],
      incoming: 5,
      outgoing: 4,
      dialog_text: DIALOG_501,
      last_message_at: "2026-10-22T10:00:00.000Z",
    },
    {
      ...w1,
      lead_id: 502,
      responsible_user_id: 7,
      pipeline_id: 100,
      status_id: 142,
      incoming: 3,
      outgoing: 2,
      dialog_text: "client: привет",
      last_message_at: "2026-10-22T12:00:00.000Z",
    },
    { ...w1, lead_id: 503, responsible_user_id: 8, incoming: 4, outgoing: 1, dialog_text: "client: цена?" },
    { ...w1, lead_id: 504, responsible_user_id: 8, incoming: 1, outgoing: 0 },
    { ...w1, phone: "+77010000005", incoming: 3, outgoing: 1, dialog_text: "client: ?" },
    { ...w1, lead_id: 505, responsible_user_id: 9, incoming: 6, outgoing: 3 },
    {
      shift_id: "2026-10-20",
      shift_start: W0_START,
      shift_end: W0_END,
      lead_id: 601,
      responsible_user_id: 7,
      incoming: 4,
      outgoing: 4,
      dialog_text: "client: готов",
    },
  ]);
  const r1 = { shift_id: "2026-10-21", window_start: W1_START, window_end: W1_END };
  await insertResults(db, "amo", [
    {
      ...r1,
      status: "scored",
      lead_id: 501,
      manager_id: 7,
      score: 45,
      interest: "warm",
      funnel_stage: "qualified",
      prompt_tokens: 400,
      completion_tokens: 80,
      recorded_at: "2026-10-22T18:00:00.000Z",
      event_seq: 11,
    },
    {
      ...r1,
      status: "scored",
      lead_id: 501,
      manager_id: 7,
      score: 90,
      interest: "hot",
      funnel_stage: "consultation_booked",
      qualification_complete: true,
      niche: "medicine",
      summary: "Owner of a dental clinic,\nready to book a consultation.",
      prompt_version: "dialog-facts@2",
      prompt_tokens: 1000,
      completion_tokens: 200,
      recorded_at: "2026-10-22T19:00:00.000Z",
      event_seq: 12,
    },
    {
      ...r1,
      status: "failed",
      lead_id: 501,
      manager_id: 7,
      error_code: "timeout",
      prompt_version: "dialog-facts@2",
      prompt_tokens: 50,
      recorded_at: "2026-10-22T20:00:00.000Z",
      event_seq: 13,
    },
    {
      ...r1,
      status: "scored",
      lead_id: 502,
      manager_id: 7,
      score: 30,
      interest: "cold",
      funnel_stage: "new_lead",
      prompt_tokens: 500,
      completion_tokens: 100,
      recorded_at: "2026-10-22T18:01:00.000Z",
      event_seq: 14,
    },
    {
      ...r1,
      status: "scored",
      lead_id: 503,
      manager_id: 8,
      score: 60,
      interest: "warm",
      funnel_stage: "qualified",
      summary: "=1+1 asked for the price",
      prompt_tokens: 700,
      completion_tokens: 150,
      recorded_at: "2026-10-22T18:02:00.000Z",
      event_seq: 15,
    },
    {
      ...r1,
      status: "failed",
      phone: "+77010000005",
      error_code: "invalid_output",
      prompt_tokens: 300,
      completion_tokens: 50,
      recorded_at: "2026-10-22T18:03:00.000Z",
      event_seq: 16,
    },
    {
      shift_id: "2026-10-20",
      window_start: W0_START,
      window_end: W0_END,
      status: "scored",
      lead_id: 601,
      manager_id: 7,
      score: 80,
      interest: "hot",
      funnel_stage: "deal_closed",
      prompt_tokens: 100,
      completion_tokens: 10,
      recorded_at: "2026-10-21T18:00:00.000Z",
      event_seq: 17,
    },
    {
      shift_id: null,
      window_start: "2026-10-22T00:00:00.000Z",
      window_end: "2026-10-22T12:00:00.000Z",
      status: "scored",
      lead_id: 700,
      manager_id: 9,
      score: 50,
      interest: "warm",
      funnel_stage: "qualified",
      mode: "offline",
      prompt_version: "offline-rules@1",
      recorded_at: "2026-10-22T12:30:00.000Z",
      event_seq: 18,
    },
  ]);
  await db
    .insertInto("rm.deal_phones")
    .values([{ project_id: "amo", phone: "+77010000700", lead_id: 700 }])
    .execute();
  await insertMessages(db, "amo", [
    {
      message_id: "m1",
      phone: "+77010000700",
      direction: "incoming",
      text: "Здравствуйте",
      sent_at: "2026-10-22T03:00:00.000Z",
    },
    {
      message_id: "m2",
      phone: "+77010000700",
      direction: "outgoing",
      text: "Добрый день",
      sent_at: "2026-10-22T03:05:00.000Z",
    },
    {
      message_id: "m3",
      phone: "+77010000700",
      direction: "incoming",
      text: null,
      sent_at: "2026-10-22T03:06:00.000Z",
    },
    // Outside the window, and another person's phone: neither belongs to the dialog.
    {
      message_id: "m4",
      phone: "+77010000700",
      direction: "incoming",
      text: "поздно",
      sent_at: "2026-10-22T12:00:00.000Z",
    },
    {
      message_id: "m5",
      phone: "+77019999999",
      direction: "incoming",
      text: "чужое",
      sent_at: "2026-10-22T03:01:00.000Z",
    },
  ]);
  // Another project's dialog in the same shift: never visible through project `amo`.
  await insertShiftDeals(db, "other", [
    {
      ...w1,
      lead_id: 9001,
      responsible_user_id: 7,
      incoming: 9,
      outgoing: 9,
      dialog_text: "secret of other",
    },
  ]);
  await insertResults(db, "other", [
    {
      ...r1,
      status: "scored",
      lead_id: 9001,
      manager_id: 7,
      score: 99,
      interest: "hot",
      recorded_at: "2026-10-22T18:00:00.000Z",
      event_seq: 90,
    },
  ]);
}
