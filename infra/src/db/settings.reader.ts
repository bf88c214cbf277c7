/**
 * Reads of the settings read model (`rm.settings`) that several services need — one reading, so
 * that the analyst and the query API cut the same shift windows. Plain functions taking `db` first.
 */
import { resolveShiftSettings, type ShiftSettings } from "@pulse/domain";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "./database.js";

/**
 * `rm.settings.data` of `projectId` and `kind` (`shifts`, `sla`, `calendar`, … — the data of the
 * latest settings event of that kind), or `null` when there is no row.
 * @throws the Postgres error when the query fails.
 */
export async function readSettingsData(
  db: Kysely<Database>,
  projectId: string,
  kind: string,
): Promise<unknown | null> {
  const row = await db
    .selectFrom("rm.settings")
    .select("data")
    .where("project_id", "=", projectId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row?.data ?? null;
}

/**
 * `rm.settings.data` of kind `shifts` (the data of the latest `settings.shifts_changed`, which may also
 * carry `version`/`changed_by`). Every field is optional: what is missing falls back to the defaults.
 */
const StoredShiftSettings = z.looseObject({
  time_zone: z.string().optional(),
  start_hour: z.number().optional(),
  length_hours: z.number().optional(),
  lookback_hours: z.number().optional(),
});

/**
 * The project's shift settings: `rm.settings` kind `shifts` over `DEFAULT_SHIFT_SETTINGS` of
 * `@pulse/domain` (SPEC: UTC+5, 22:00, 24 h, 72 h catch-up), validated by `resolveShiftSettings`.
 * No row → the defaults. Used by the analyst and the query API.
 * @throws SettingsError (code `invalid_settings`) when the stored settings are not usable (unknown
 *   zone, a length that does not divide 24, a field of the wrong type — named in the message); the
 *   Postgres error when the query fails.
 */
export async function readShiftSettings(db: Kysely<Database>, projectId: string): Promise<ShiftSettings> {
  return parseShiftSettings((await readSettingsData(db, projectId, "shifts")) ?? {});
}

/**
 * The shift settings of the `data` of a `rm.settings` row of kind `shifts` (or of a
 * `settings.shifts_changed`): `{time_zone, start_hour, length_hours, lookback_hours}`, every field
 * optional, over `DEFAULT_SHIFT_SETTINGS` — the one reading of the query API, the analyst
 * ({@link readShiftSettings}) and the projector (which reads the row in its own schema).
 * @throws SettingsError (code `invalid_settings`) as {@link readShiftSettings}.
 */
export function parseShiftSettings(data: unknown): ShiftSettings {
  const parsed = StoredShiftSettings.safeParse(data);
  // A field of the wrong type is handed on as is, so that resolveShiftSettings reports it by name.
  const d = (parsed.success ? parsed.data : (data ?? {})) as Record<string, unknown>;
  const input: { -readonly [K in keyof ShiftSettings]?: ShiftSettings[K] } = {};
  if (d["time_zone"] !== undefined) input.timeZone = d["time_zone"] as string;
  if (d["start_hour"] !== undefined) input.startHour = d["start_hour"] as number;
  if (d["length_hours"] !== undefined) input.lengthHours = d["length_hours"] as number;
  if (d["lookback_hours"] !== undefined) input.lookbackHours = d["lookback_hours"] as number;
  return resolveShiftSettings(input);
}
