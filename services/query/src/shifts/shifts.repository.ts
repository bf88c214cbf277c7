import {
  resolveShiftSettings,
  SettingsError,
  type Shift,
  type ShiftSettings,
  shiftById,
} from "@pulse/domain";
import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import {
  latestResultOfShiftDeal,
  type ResultSummary,
  resultSummaryOf,
} from "../dialogs/dialogs.repository.js";
import { isoOrNull } from "../http/api.schemas.js";
import { ConflictError, NotFoundError } from "../http/app.errors.js";
import { currentSettings } from "../settings/settings.repository.js";

/**
 * `rm.settings.data` of kind `shifts` (the data of the latest `settings.shifts_changed`). Every field
 * is optional here: what is missing falls back to `DEFAULT_SHIFT_SETTINGS` of `@pulse/domain`.
 */
const StoredShiftSettings = z.looseObject({
  time_zone: z.string().optional(),
  start_hour: z.number().optional(),
  length_hours: z.number().optional(),
  lookback_hours: z.number().optional(),
});

/**
 * The project's shift settings: `rm.settings` kind `shifts` over the SPEC defaults (UTC+5, 22:00,
 * 24 h, 72 h catch-up) — `resolveShiftSettings` of `@pulse/domain` fills the gaps and validates.
 * No row → the defaults.
 * @throws ConflictError `invalid_shift_settings` when the stored settings are not usable (unknown
 *   zone, a length that does not divide 24, …); the Postgres error when the query fails.
 */
export async function loadShiftSettings(db: Kysely<Database>, projectId: string): Promise<ShiftSettings> {
  const stored = await currentSettings(db, projectId, "shifts");
  const parsed = StoredShiftSettings.safeParse(stored?.data ?? {});
  if (!parsed.success) {
    throw new ConflictError("invalid_shift_settings", `the shift settings of ${projectId} are not valid`);
  }
  const d = parsed.data;
  const input: { -readonly [K in keyof ShiftSettings]?: ShiftSettings[K] } = {};
  if (d.time_zone !== undefined) input.timeZone = d.time_zone;
  if (d.start_hour !== undefined) input.startHour = d.start_hour;
  if (d.length_hours !== undefined) input.lengthHours = d.length_hours;
  if (d.lookback_hours !== undefined) input.lookbackHours = d.lookback_hours;
  try {
    return resolveShiftSettings(input);
  } catch (error) {
    if (error instanceof SettingsError) {
      throw new ConflictError(
        "invalid_shift_settings",
        `the shift settings of ${projectId} are not valid: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * The window of shift `shiftId`: from the project's settings (`shiftById`), or — for an id made under
 * older settings — from the `rm.shift_deals` rows that carry it (earliest start, latest end).
 * @throws NotFoundError `shift_not_found` when neither knows the id; the Postgres error on failure.
 */
export async function resolveShift(
  db: Kysely<Database>,
  projectId: string,
  shiftId: string,
  settings: ShiftSettings,
): Promise<Shift> {
  const byRule = shiftById(shiftId, settings);
  if (byRule !== null) return byRule;
  const row = await db
    .selectFrom("rm.shift_deals")
    .select([sql<Date | null>`min(shift_start)`.as("start"), sql<Date | null>`max(shift_end)`.as("end")])
    .where("project_id", "=", projectId)
    .where("shift_id", "=", shiftId)
    .executeTakeFirst();
  if (row?.start == null || row.end == null) {
    throw new NotFoundError("shift_not_found", `shift ${shiftId} not found in ${projectId}`);
  }
  return { shiftId, start: row.start.toISOString(), end: row.end.toISOString() };
}

/** One row of the shift deal table ({@link shiftDeals}). Instants are ISO-8601 UTC strings. */
export interface ShiftDealRow {
  dialog_key: string;
  lead_id: number | null;
  deal_name: string | null;
  price: number | null;
  phone: string | null;
  manager_id: number | null;
  manager_name: string | null;
  pipeline_id: number | null;
  pipeline_name: string | null;
  status_id: number | null;
  status_name: string | null;
  phones: string[];
  updated_in_window: boolean;
  messaged_in_window: boolean;
  incoming: number;
  outgoing: number;
  dialog_text: string;
  first_message_at: string | null;
  last_message_at: string | null;
  analysis: ResultSummary | null;
}

/** Filter of {@link shiftDeals}: one shift, optionally one manager and a least number of incoming messages. */
export interface ShiftDealsFilter {
  readonly projectId: string;
  readonly shiftId: string;
  readonly managerId?: number | undefined;
  readonly minIncoming?: number | undefined;
}

/**
 * The shift deal table of one shift (`rm.shift_deals`, SPEC "Shift deal table"): per deal (or
 * chat-only phone) the manager, pipeline and stage at the window's end with their dictionary names,
 * the deal's name and price (`rm.deals_current`), phones, the window's dialog text and message
 * counts, and the dialog's analysis if any (the latest scored result, else the latest failed one).
 * Sorted by manager (unassigned last), then last message (newest first, none last), then dialog key.
 * @throws the Postgres error when the query fails.
 */
export async function shiftDeals(db: Kysely<Database>, f: ShiftDealsFilter): Promise<ShiftDealRow[]> {
  const rows = await db
    .selectFrom("rm.shift_deals as sd")
    .leftJoin("rm.deals_current as d", (join) =>
      join.onRef("d.project_id", "=", "sd.project_id").onRef("d.lead_id", "=", "sd.lead_id"),
    )
    .leftJoin("rm.status_groups as g", (join) =>
      join.onRef("g.project_id", "=", "sd.project_id").onRef("g.group_id", "=", "sd.pipeline_id"),
    )
    .leftJoin("rm.statuses as s", (join) =>
      join
        .onRef("s.project_id", "=", "sd.project_id")
        .onRef("s.group_id", "=", "sd.pipeline_id")
        .onRef("s.status_id", "=", "sd.status_id"),
    )
    .leftJoin("rm.crm_users as mu", (join) =>
      join.onRef("mu.project_id", "=", "sd.project_id").onRef("mu.user_id", "=", "sd.responsible_user_id"),
    )
    .leftJoinLateral(
      () => latestResultOfShiftDeal(db, "sd").as("r"),
      (join) => join.onTrue(),
    )
    .where("sd.project_id", "=", f.projectId)
    .where("sd.shift_id", "=", f.shiftId)
    .$if(f.managerId !== undefined, (qb) => qb.where("sd.responsible_user_id", "=", f.managerId as number))
    .$if(f.minIncoming !== undefined, (qb) => qb.where("sd.incoming", ">=", f.minIncoming as number))
    .select([
      "sd.dialog_key",
      "sd.lead_id",
      "d.name as deal_name",
      "d.price",
      "sd.phone",
      "sd.responsible_user_id as manager_id",
      "mu.name as manager_name",
      "sd.pipeline_id",
      "g.name as pipeline_name",
      "sd.status_id",
      "s.name as status_name",
      "sd.phones",
      "sd.updated_in_window",
      "sd.messaged_in_window",
      "sd.incoming",
      "sd.outgoing",
      "sd.dialog_text",
      "sd.first_message_at",
      "sd.last_message_at",
      "r.status as r_status",
      "r.score as r_score",
      "r.interest as r_interest",
      "r.funnel_stage as r_funnel_stage",
      "r.qualification_complete as r_qualification_complete",
      "r.facts as r_facts",
      "r.reasons as r_reasons",
      "r.mode as r_mode",
      "r.model as r_model",
      "r.prompt_version as r_prompt_version",
      "r.error_code as r_error_code",
      "r.recorded_at as r_recorded_at",
    ])
    .orderBy("sd.responsible_user_id", (ob) => ob.asc().nullsLast())
    .orderBy("sd.last_message_at", (ob) => ob.desc().nullsLast())
    .orderBy("sd.dialog_key")
    .execute();
  return rows.map((r) => ({
    dialog_key: r.dialog_key,
    lead_id: r.lead_id,
    deal_name: r.deal_name,
    price: r.price,
    phone: r.phone,
    manager_id: r.manager_id,
    manager_name: r.manager_name,
    pipeline_id: r.pipeline_id,
    pipeline_name: r.pipeline_name,
    status_id: r.status_id,
    status_name: r.status_name,
    phones: r.phones,
    updated_in_window: r.updated_in_window,
    messaged_in_window: r.messaged_in_window,
    incoming: r.incoming,
    outgoing: r.outgoing,
    dialog_text: r.dialog_text,
    first_message_at: isoOrNull(r.first_message_at),
    last_message_at: isoOrNull(r.last_message_at),
    analysis:
      r.r_status === null || r.r_recorded_at === null || r.r_mode === null || r.r_prompt_version === null
        ? null
        : resultSummaryOf({
            status: r.r_status,
            score: r.r_score,
            interest: r.r_interest,
            funnel_stage: r.r_funnel_stage,
            qualification_complete: r.r_qualification_complete,
            facts: r.r_facts,
            reasons: r.r_reasons,
            mode: r.r_mode,
            model: r.r_model,
            prompt_version: r.r_prompt_version,
            error_code: r.r_error_code,
            recorded_at: r.r_recorded_at,
          }),
  }));
}
