/**
 * Project-level reads of the analyst: the active projects, a project's time zone and its shift
 * settings (`rm.projects`, `rm.settings` kind `shifts`). Plain functions taking `db` first.
 */
import type { ShiftSettings } from "@pulse/domain";
import { type Database, readShiftSettings } from "@pulse/infra";
import type { Kysely } from "kysely";

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
 * The project's shift settings: `readShiftSettings` of `@pulse/infra` (`rm.settings` kind `shifts`
 * over the SPEC defaults) — the same reading as the query API's, so both cut the same windows.
 * @throws SettingsError (code `invalid_settings`) when the stored settings are not usable; the
 *   Postgres error when the query fails.
 */
export function loadShiftSettings(db: Kysely<Database>, projectId: string): Promise<ShiftSettings> {
  return readShiftSettings(db, projectId);
}
