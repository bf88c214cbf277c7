/**
 * Project-level reads of the analyst: the active projects, a project's time zone and its shift
 * settings (`rm.projects`, `rm.settings` kind `shifts`). Plain functions taking `db` first.
 */
import { resolveShiftSettings, type ShiftSettings } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { z } from "zod";

/** A project the scheduler analyses: id and its time zone (IANA or `±HH:MM`, as registered). */
export interface ActiveProject {
  readonly project_id: string;
  readonly time_zone: string;
}

/**
 * The active projects of `rm.projects` (flag `active`), ordered by id.
 * @throws the Postgres error when the query fails.
 */
export async function activeProjects(db: Kysely<Database>): Promise<ActiveProject[]> {
  return db
    .selectFrom("rm.projects")
    .select(["project_id", "time_zone"])
    .where("active", "=", true)
    .orderBy("project_id")
    .execute();
}

/**
 * The registered time zone of `projectId` (`rm.projects.time_zone`), or `null` when the project is not
 * in the read model (yet).
 * @throws the Postgres error when the query fails.
 */
export async function projectTimeZone(db: Kysely<Database>, projectId: string): Promise<string | null> {
  const row = await db
    .selectFrom("rm.projects")
    .select("time_zone")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row?.time_zone ?? null;
}

/**
 * `rm.settings.data` of kind `shifts` (the data of the latest `settings.shifts_changed`, which may also
 * carry `version`/`changed_by`). Missing fields fall back to the SPEC defaults.
 */
const StoredShiftSettings = z.looseObject({
  time_zone: z.string().optional(),
  start_hour: z.number().optional(),
  length_hours: z.number().optional(),
  lookback_hours: z.number().optional(),
});

/**
 * The project's shift settings: `rm.settings` kind `shifts` over `DEFAULT_SHIFT_SETTINGS` of
 * @pulse/domain (UTC+5, 22:00, 24 h, 72 h catch-up), validated by `resolveShiftSettings` — the same
 * reading as the query API's, so both cut the same windows. No row → the defaults.
 * @throws SettingsError (code `invalid_settings`) when the stored settings are not usable (unknown
 *   zone, a length that does not divide 24, a field of the wrong type); the Postgres error when the
 *   query fails.
 */
export async function loadShiftSettings(db: Kysely<Database>, projectId: string): Promise<ShiftSettings> {
  const row = await db
    .selectFrom("rm.settings")
    .select("data")
    .where("project_id", "=", projectId)
    .where("kind", "=", "shifts")
    .executeTakeFirst();
  const parsed = StoredShiftSettings.safeParse(row?.data ?? {});
  // A field of the wrong type is handed on as is, so that resolveShiftSettings reports it by name.
  const d = (parsed.success ? parsed.data : (row?.data ?? {})) as Record<string, unknown>;
  const input: { -readonly [K in keyof ShiftSettings]?: ShiftSettings[K] } = {};
  if (d["time_zone"] !== undefined) input.timeZone = d["time_zone"] as string;
  if (d["start_hour"] !== undefined) input.startHour = d["start_hour"] as number;
  if (d["length_hours"] !== undefined) input.lengthHours = d["length_hours"] as number;
  if (d["lookback_hours"] !== undefined) input.lookbackHours = d["lookback_hours"] as number;
  return resolveShiftSettings(input);
}
