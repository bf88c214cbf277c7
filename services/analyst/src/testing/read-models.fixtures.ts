/**
 * Test fixtures of the analyst's integration tests: rows of the read models the analyst reads
 * (`rm.projects`, `rm.settings`, `rm.shift_deals`, `rm.messages`, `rm.deal_phones`,
 * `rm.deals_current`, `rm.analysis_results`) inserted with Kysely as the projector would have written
 * them, and a reader of the analysis events a test's stream holds.
 */
import type { DialogFailed, DialogScored } from "@pulse/events";
import type { Database, Nats } from "@pulse/infra";
import type { Kysely } from "kysely";

/** Inserts an `rm.projects` row (kind `amocrm`, active, time zone `Asia/Almaty` unless given). */
export async function insertProject(
  db: Kysely<Database>,
  projectId: string,
  options: { timeZone?: string; active?: boolean } = {},
): Promise<void> {
  await db
    .insertInto("rm.projects")
    .values({
      project_id: projectId,
      name: projectId,
      kind: "amocrm",
      base_url: null,
      time_zone: options.timeZone ?? "Asia/Almaty",
      active: options.active ?? true,
      registered_at: new Date("2026-01-01T00:00:00.000Z"),
      event_seq: 1,
    })
    .execute();
}

/** Inserts the `shifts` settings of a project (`rm.settings.data` as `settings.shifts_changed` carries it). */
export async function insertShiftSettings(
  db: Kysely<Database>,
  projectId: string,
  data: { time_zone?: string; start_hour?: number; length_hours?: number; lookback_hours?: number },
): Promise<void> {
  await db
    .insertInto("rm.settings")
    .values({
      project_id: projectId,
      kind: "shifts",
      version: 1,
      data: JSON.stringify({ version: 1, changed_by: "admin@test", ...data }),
      changed_by: "admin@test",
      changed_at: new Date("2026-01-01T00:00:00.000Z"),
      event_seq: 2,
    })
    .execute();
}

/** A row of the shift deal table; counts and text are not read by the analyst and default to 0 / "". */
export interface ShiftDealFixture {
  readonly shiftId: string;
  readonly start: string;
  readonly end: string;
  readonly dialogKey: string;
  readonly leadId: number | null;
  readonly phone: string | null;
  readonly phones: readonly string[];
  readonly managerId?: number | null;
  readonly incoming?: number;
  readonly outgoing?: number;
}

/** Inserts one `rm.shift_deals` row. */
export async function insertShiftDeal(
  db: Kysely<Database>,
  projectId: string,
  r: ShiftDealFixture,
): Promise<void> {
  await db
    .insertInto("rm.shift_deals")
    .values({
      project_id: projectId,
      shift_id: r.shiftId,
      shift_start: new Date(r.start),
      shift_end: new Date(r.end),
      dialog_key: r.dialogKey,
      lead_id: r.leadId,
      phone: r.phone,
      responsible_user_id: r.managerId ?? null,
      pipeline_id: null,
      status_id: null,
      phones: [...r.phones],
      updated_in_window: r.leadId !== null,
      messaged_in_window: true,
      incoming: r.incoming ?? 0,
      outgoing: r.outgoing ?? 0,
      dialog_text: "",
      first_message_at: null,
      last_message_at: null,
    })
    .execute();
}

/** A chat message to insert: `at` ISO-8601 UTC; `text` null with `media` for an attachment. */
export interface MessageFixture {
  readonly id: string;
  readonly phone: string | null;
  readonly direction: "incoming" | "outgoing";
  readonly text: string | null;
  readonly at: string;
  readonly media?: string | null;
  readonly source?: string;
}

let streamSeq = 1000;

/** Inserts `rm.messages` rows (source `radist` unless given; chat id = phone). */
export async function insertMessages(
  db: Kysely<Database>,
  projectId: string,
  messages: readonly MessageFixture[],
): Promise<void> {
  if (messages.length === 0) return;
  await db
    .insertInto("rm.messages")
    .values(
      messages.map((m) => ({
        project_id: projectId,
        source: m.source ?? "radist",
        message_id: m.id,
        chat_id: m.phone ?? `chat-${m.id}`,
        phone: m.phone,
        direction: m.direction,
        text: m.text,
        media: m.media ?? null,
        sent_at: new Date(m.at),
        sender_name: null,
        connection: null,
        dedup_key: `chat:${projectId}:${m.id}`,
        stream_seq: streamSeq++,
      })),
    )
    .execute();
}

/**
 * A client dialog of `incoming` client messages, each answered by the manager, starting at `start`
 * (ISO-8601) one minute apart; message ids `{prefix}-{n}`. The client is a dentistry owner with a
 * budget, so the offline rules find facts to score.
 */
export function aConversation(prefix: string, phone: string, start: string, incoming = 3): MessageFixture[] {
  const client = [
    "Здравствуйте! У нас стоматологическая клиника в Алматы, я владелица.",
    "Бюджет около 500 тысяч тенге в месяц, старт в декабре.",
    "Да, четверг в 15:00 подходит.",
    "Спасибо, до связи.",
    "Хорошо.",
  ];
  const manager = [
    "Добрый день! Какой рекламный бюджет в месяц планируете?",
    "Отлично. Созвонимся в четверг в 15:00?",
    "Записала вас на четверг.",
    "До встречи!",
    "Ок.",
  ];
  const t0 = Date.parse(start);
  const out: MessageFixture[] = [];
  for (let i = 0; i < incoming; i++) {
    out.push({
      id: `${prefix}-${2 * i + 1}`,
      phone,
      direction: "incoming",
      text: client[i % client.length] as string,
      at: new Date(t0 + 2 * i * 60_000).toISOString(),
    });
    out.push({
      id: `${prefix}-${2 * i + 2}`,
      phone,
      direction: "outgoing",
      text: manager[i % manager.length] as string,
      at: new Date(t0 + (2 * i + 1) * 60_000).toISOString(),
    });
  }
  return out;
}

/** Links `phones` to lead `leadId` (`rm.deal_phones`) and writes its `rm.deals_current` snapshot. */
export async function insertDeal(
  db: Kysely<Database>,
  projectId: string,
  leadId: number,
  options: { phones: readonly string[]; managerId?: number | null; updatedAt?: string; deleted?: boolean },
): Promise<void> {
  await db
    .insertInto("rm.deals_current")
    .values({
      project_id: projectId,
      lead_id: leadId,
      name: `Deal ${leadId}`,
      price: null,
      responsible_user_id: options.managerId ?? null,
      pipeline_id: null,
      status_id: null,
      tags: "[]",
      custom_fields: "{}",
      created_at: null,
      updated_at: options.updatedAt === undefined ? null : new Date(options.updatedAt),
      deleted: options.deleted ?? false,
      last_event_seq: 1,
    })
    .execute();
  if (options.phones.length > 0)
    await db
      .insertInto("rm.deal_phones")
      .values(options.phones.map((phone) => ({ project_id: projectId, phone, lead_id: leadId })))
      .execute();
}

/**
 * Inserts the `rm.analysis_results` row the projector writes for an analysis event, with `overrides`
 * applied (e.g. `{status: "failed", error_code: "timeout"}` to fake a transient failure).
 */
export async function insertAnalysisResult(
  db: Kysely<Database>,
  event: DialogScored | DialogFailed,
  eventSeq: number,
  overrides: Partial<{
    status: string;
    error_code: string | null;
    prompt_tokens: number;
    completion_tokens: number;
    recorded_at: string;
  }> = {},
): Promise<void> {
  const d = event.data;
  const scored = event.type === "analysis.dialog_scored" ? event.data : null;
  const failed = event.type === "analysis.dialog_failed" ? event.data : null;
  await db
    .insertInto("rm.analysis_results")
    .values({
      project_id: event.project_id,
      dialog_key: d.dialog_key,
      input_hash: d.input_hash,
      prompt_version: d.prompt_version,
      status: overrides.status ?? (scored !== null ? "scored" : "failed"),
      mode: d.mode,
      model: d.model,
      lead_id: d.lead_id,
      phone: d.phone,
      shift_id: d.shift_id,
      window_start: new Date(d.window_start),
      window_end: new Date(d.window_end),
      manager_id: d.manager_id,
      score: scored?.score ?? null,
      interest: scored?.interest ?? null,
      funnel_stage: typeof scored?.facts["funnel_stage"] === "string" ? scored.facts["funnel_stage"] : null,
      qualification_complete: null,
      facts: scored === null ? null : JSON.stringify(scored.facts),
      evidence: scored === null ? null : JSON.stringify(scored.evidence),
      reasons: scored === null ? null : JSON.stringify(scored.reasons),
      incoming: scored?.incoming ?? null,
      outgoing: scored?.outgoing ?? null,
      prompt_tokens: overrides.prompt_tokens ?? d.usage.prompt_tokens,
      completion_tokens: overrides.completion_tokens ?? d.usage.completion_tokens,
      duration_ms: scored?.duration_ms ?? null,
      error_code: overrides.error_code !== undefined ? overrides.error_code : (failed?.code ?? null),
      error_message: failed?.message ?? null,
      recorded_at: new Date(overrides.recorded_at ?? event.recorded_at),
      event_seq: eventSeq,
    })
    .execute();
}

/**
 * Inserts an `rm.analysis_results` row that only records LLM token usage: a scored result of dialog
 * `dialogKey` recorded at `recordedAt` (ISO-8601) with `tokens` prompt tokens.
 */
export async function insertTokenUsage(
  db: Kysely<Database>,
  projectId: string,
  dialogKey: string,
  recordedAt: string,
  tokens: number,
): Promise<void> {
  await db
    .insertInto("rm.analysis_results")
    .values({
      project_id: projectId,
      dialog_key: dialogKey,
      input_hash: `hash-of-${dialogKey}`,
      prompt_version: "dialog-facts@1",
      status: "scored",
      mode: "llm",
      model: "gpt-4o-mini",
      lead_id: null,
      phone: null,
      shift_id: null,
      window_start: new Date("2026-11-01T00:00:00.000Z"),
      window_end: new Date("2026-11-02T00:00:00.000Z"),
      manager_id: null,
      score: 30,
      interest: "cold",
      funnel_stage: "qualified",
      qualification_complete: null,
      facts: null,
      evidence: null,
      reasons: null,
      incoming: 3,
      outgoing: 3,
      prompt_tokens: tokens,
      completion_tokens: 0,
      duration_ms: 1000,
      error_code: null,
      error_message: null,
      recorded_at: new Date(recordedAt),
      event_seq: 1,
    })
    .execute();
}

/** An analysis event read back from the stream, with its subject and stream sequence. */
export interface StoredAnalysisEvent {
  readonly seq: number;
  readonly subject: string;
  readonly event: DialogScored | DialogFailed;
}

/**
 * Every `analysis.*` event of `projectId` in `stream` (subjects `{root}.events.{project}.dialog.…`), in
 * stream order, read message by message (test streams are small).
 */
export async function analysisEventsOf(
  nats: Nats,
  stream: string,
  subjectRoot: string,
  projectId: string,
): Promise<StoredAnalysisEvent[]> {
  const info = await nats.jsm.streams.info(stream);
  const prefix = `${subjectRoot}.events.${projectId}.dialog.`;
  const out: StoredAnalysisEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m === null || !m.subject.startsWith(prefix)) continue;
    out.push({ seq, subject: m.subject, event: m.json<DialogScored | DialogFailed>() });
  }
  return out;
}
