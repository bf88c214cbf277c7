import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { RowOf } from "../replay/table-writer.js";
import type { Projection } from "./projection.js";

/** A `rm.projects` row (public fields only; secrets never reach the stream). */
export type ProjectRow = RowOf<"projects">;

/**
 * Folds a `project.registered` at stream position `seq` into the project's row (pure): the public
 * settings are replaced; `registered_at` is the `occurred_at` of the first registration and stays;
 * `event_seq` is the position of the latest registration.
 */
export function evolveProject(
  row: ProjectRow | undefined,
  event: EventOfType<"project.registered">,
  seq: number,
): ProjectRow {
  const d = event.data;
  return {
    project_id: d.project_id,
    name: d.name,
    kind: d.kind,
    base_url: d.base_url,
    time_zone: d.time_zone,
    active: d.active,
    registered_at: row?.registered_at ?? event.occurred_at,
    event_seq: seq,
  };
}

/** Loads `rm.projects` rows by id. */
export async function loadProjects(
  db: Kysely<ReadModels>,
  ids: readonly string[],
): Promise<Map<string, ProjectRow>> {
  const out = new Map<string, ProjectRow>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom("projects").selectAll().where("project_id", "in", ids).execute();
  for (const r of rows)
    out.set(r.project_id, { ...r, registered_at: new Date(r.registered_at).toISOString() });
  return out;
}

/**
 * The `rm.projects` projection: one state per registered project (key: the project id), evolved by
 * {@link evolveProject}, stored as its row (upsert by `project_id`).
 */
export const projectsProjection: Projection<EventOfType<"project.registered">, ProjectRow, string> = {
  name: "projects",
  eventTypes: new Set(["project.registered"]),
  keyOf: (event) => ({ projectId: event.data.project_id, id: event.data.project_id }),
  evolve: (row, event, seq) => evolveProject(row ?? undefined, event, seq),
  rows: (row) => ({ projects: [row] }),
  upsert: { projects: { keys: ["project_id"], action: "replace" } },
  load: (db, _projectId, ids) => loadProjects(db, ids),
};
