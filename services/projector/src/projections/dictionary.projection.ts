import {
  indexStatusDictionary,
  type ResolvedStatus,
  resolveStatus,
  type StatusDictionaryIndex,
} from "@pulse/domain";
import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { RowOf } from "../replay/table-writer.js";
import type { Projection } from "./projection.js";

/** A `rm.statuses` row. */
export type StatusRow = RowOf<"statuses">;
/** A `rm.status_groups` row. */
export type StatusGroupRow = RowOf<"status_groups">;

/**
 * The status dictionary of one project as the read models hold it: statuses keyed by
 * `"{group_id}:{status_id}"`, groups keyed by `group_id`, and `byStatus` (status id → its rows)
 * for the resolution rule (`resolveStatus`, `@pulse/domain`). Rows missing from the latest sync are
 * kept (`in_last_sync: false`, `is_active: false`) so old events still resolve.
 */
export interface ProjectDictionary {
  readonly projectId: string;
  readonly statuses: ReadonlyMap<string, StatusRow>;
  readonly groups: ReadonlyMap<number, StatusGroupRow>;
  readonly byStatus: StatusDictionaryIndex;
}

/** Builds a {@link ProjectDictionary} (and its status index) from its rows. */
export function makeDictionary(
  projectId: string,
  statuses: ReadonlyMap<string, StatusRow>,
  groups: ReadonlyMap<number, StatusGroupRow>,
): ProjectDictionary {
  return { projectId, statuses, groups, byStatus: indexStatusDictionary(statuses.values()) };
}

/** Key of a status in {@link ProjectDictionary.statuses}. */
export function statusKey(groupId: number, statusId: number): string {
  return `${groupId}:${statusId}`;
}

/** An empty dictionary (a project that never synced). */
export function emptyDictionary(projectId: string): ProjectDictionary {
  return makeDictionary(projectId, new Map(), new Map());
}

/**
 * Folds a `dictionary.statuses_synced` into a dictionary (pure): every listed status and group is
 * upserted with `in_last_sync: true`; statuses missing from the sync are kept with
 * `in_last_sync: false` and `is_active: false` (event doc: "kept in read models as inactive");
 * groups are upserted and never removed. Returns a new dictionary.
 */
export function evolveDictionary(
  dict: ProjectDictionary,
  event: EventOfType<"dictionary.statuses_synced">,
): ProjectDictionary {
  const projectId = dict.projectId;
  const statuses = new Map<string, StatusRow>();
  for (const [key, row] of dict.statuses)
    statuses.set(key, { ...row, in_last_sync: false, is_active: false });
  for (const s of event.data.statuses) {
    statuses.set(statusKey(s.group_id, s.status_id), {
      project_id: projectId,
      group_id: s.group_id,
      status_id: s.status_id,
      name: s.name,
      alias: s.alias,
      is_active: s.is_active,
      is_closing_order: s.is_closing_order,
      expiration_period_seconds: s.expiration_period_seconds,
      sort: s.sort,
      type: s.type,
      in_last_sync: true,
    });
  }
  const groups = new Map(dict.groups);
  for (const g of event.data.groups) {
    groups.set(g.group_id, { project_id: projectId, group_id: g.group_id, name: g.name, is_main: g.is_main });
  }
  return makeDictionary(projectId, statuses, groups);
}

/**
 * The group and closing flag of `statusId` delivered with `deliveredGroupId` by the project's
 * dictionary as it is now — `resolveStatus` of `@pulse/domain` (SPEC "Decided rules: Group of a
 * status"): the dictionary's group wins; the delivered group only for a status it does not know;
 * else unknown. Closing is the dictionary's `is_closing_order`.
 */
export function resolveInDictionary(
  dict: ProjectDictionary,
  statusId: number,
  deliveredGroupId: number | null,
): ResolvedStatus {
  return resolveStatus(dict.byStatus, statusId, deliveredGroupId);
}

/**
 * True when the dictionary knows the status: `(group, status)` when the event names its group,
 * else any row with that status id. An unknown status triggers a dictionary refresh request.
 */
export function isKnownStatus(dict: ProjectDictionary, statusId: number, groupId: number | null): boolean {
  if (groupId !== null) return dict.statuses.has(statusKey(groupId, statusId));
  return (dict.byStatus.get(statusId)?.length ?? 0) > 0;
}

/** What the resolution of one status id reads from a dictionary, as a comparable string. */
function resolutionInputs(dict: ProjectDictionary, statusId: number): string {
  const rows = dict.byStatus.get(statusId) ?? [];
  const current = rows.filter((r) => r.in_last_sync);
  return (current.length > 0 ? current : rows)
    .map((r) => `${r.group_id}:${r.is_closing_order ? 1 : 0}`)
    .sort()
    .join(",");
}

/**
 * Status ids whose resolution a sync may have changed (`before` → `after`): those whose current
 * rows (groups and `is_closing_order`) differ — the only ids {@link resolveInDictionary} can answer
 * differently for. A sync that changes no status's group or closing flag gives an empty set.
 */
export function changedStatusIds(before: ProjectDictionary, after: ProjectDictionary): Set<number> {
  const changed = new Set<number>();
  for (const id of new Set([...before.byStatus.keys(), ...after.byStatus.keys()])) {
    if (resolutionInputs(before, id) !== resolutionInputs(after, id)) changed.add(id);
  }
  return changed;
}

/**
 * How a sync changes the resolution of a status as delivered (`statusId`, `deliveredGroupId`):
 * `none` (same group and closing flag); `learned` (the status had no group at all — unknown to the
 * old dictionary and delivered without one, KeyCRM minimal context — and now has one: only its
 * orders' rows change); `moved` (it had a group, the old dictionary's or the delivery's, and the new
 * dictionary gives another group or closing flag: a change the read models must follow over all
 * history, shift tables included).
 */
export function resolutionChange(
  before: ProjectDictionary,
  after: ProjectDictionary,
  statusId: number,
  deliveredGroupId: number | null,
): "none" | "learned" | "moved" {
  const a = resolveInDictionary(before, statusId, deliveredGroupId);
  const b = resolveInDictionary(after, statusId, deliveredGroupId);
  if (a.group_id === b.group_id && a.is_closing === b.is_closing) return "none";
  return a.source === "unknown" ? "learned" : "moved";
}

/** Loads the dictionaries of `projectIds` from `schema` (projects without rows get an empty one). */
export async function loadDictionaries(
  db: Kysely<ReadModels>,
  projectIds: readonly string[],
): Promise<Map<string, ProjectDictionary>> {
  const out = new Map<string, ProjectDictionary>();
  if (projectIds.length === 0) return out;
  const statuses = await db
    .selectFrom("statuses")
    .selectAll()
    .where("project_id", "in", projectIds)
    .execute();
  const groups = await db
    .selectFrom("status_groups")
    .selectAll()
    .where("project_id", "in", projectIds)
    .execute();
  const building = new Map<
    string,
    { statuses: Map<string, StatusRow>; groups: Map<number, StatusGroupRow> }
  >();
  for (const p of projectIds) building.set(p, { statuses: new Map(), groups: new Map() });
  for (const s of statuses)
    building.get(s.project_id)?.statuses.set(statusKey(s.group_id, s.status_id), { ...s });
  for (const g of groups) building.get(g.project_id)?.groups.set(g.group_id, { ...g });
  for (const [projectId, b] of building) out.set(projectId, makeDictionary(projectId, b.statuses, b.groups));
  return out;
}

/**
 * The `rm.statuses` / `rm.status_groups` projection: one state per project (key: the project id),
 * its {@link ProjectDictionary} folded by {@link evolveDictionary} (an unknown project starts empty);
 * stored as upserted rows. Applied at the sync's stream position: events before it resolve against
 * the old dictionary, events after it against the new one.
 */
export const dictionaryProjection: Projection<
  EventOfType<"dictionary.statuses_synced">,
  ProjectDictionary,
  string
> = {
  name: "dictionary",
  eventTypes: new Set(["dictionary.statuses_synced"]),
  keyOf: (event) => ({ projectId: event.project_id, id: event.project_id }),
  evolve: (dict, event) => evolveDictionary(dict ?? emptyDictionary(event.project_id), event),
  rows: (dict) => ({ statuses: [...dict.statuses.values()], status_groups: [...dict.groups.values()] }),
  upsert: {
    statuses: { keys: ["project_id", "group_id", "status_id"], action: "replace" },
    status_groups: { keys: ["project_id", "group_id"], action: "replace" },
  },
  load: (db, projectId) => loadDictionaries(db, [projectId]),
};
