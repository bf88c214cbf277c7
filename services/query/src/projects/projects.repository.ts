import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";

/** A project as the query API shows it: the public fields of `rm.projects` (no secrets exist there). */
export interface ProjectRow {
  project_id: string;
  name: string;
  kind: string;
  base_url: string | null;
  time_zone: string;
  active: boolean;
  /** ISO instant of the latest `project.registered`. */
  registered_at: string;
}

/**
 * The projects in `visible` (`'*'` = all), sorted by id.
 * @throws the Postgres error when the query fails.
 */
export async function listProjects(
  db: Kysely<Database>,
  visible: "*" | readonly string[],
): Promise<ProjectRow[]> {
  if (visible !== "*" && visible.length === 0) return [];
  const rows = await db
    .selectFrom("rm.projects")
    .select(["project_id", "name", "kind", "base_url", "time_zone", "active", "registered_at"])
    .$if(visible !== "*", (qb) => qb.where("project_id", "in", visible as readonly string[]))
    .orderBy("project_id")
    .execute();
  return rows.map((r) => ({ ...r, registered_at: r.registered_at.toISOString() }));
}

/**
 * True when `rm.projects` has `projectId`.
 * @throws the Postgres error when the query fails.
 */
export async function projectExists(db: Kysely<Database>, projectId: string): Promise<boolean> {
  const row = await db
    .selectFrom("rm.projects")
    .select("project_id")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The CRM kind of a project (`keycrm` | `amocrm`), or null when `rm.projects` does not have it.
 * @throws the Postgres error when the query fails.
 */
export async function projectKind(db: Kysely<Database>, projectId: string): Promise<string | null> {
  const row = await db
    .selectFrom("rm.projects")
    .select("kind")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row?.kind ?? null;
}
