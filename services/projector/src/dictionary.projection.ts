import { isClosingStatus, type StatusRef, type StatusResolver } from "@pulse/domain";
import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "./table-writer.js";

/** A `rm.statuses` row. */
export type StatusRow = RowOf<"statuses"> & { project_id: string; group_id: number; status_id: number };
/** A `rm.status_groups` row. */
export type StatusGroupRow = RowOf<"status_groups"> & { project_id: string; group_id: number };

/**
 * The status dictionary of one project as the read models hold it: statuses keyed by
 * `"{group_id}:{status_id}"` and groups keyed by `group_id`. Rows missing from the latest sync are
 * kept (`in_last_sync: false`, `is_active: false`) so old events still resolve.
 */
export interface ProjectDictionary {
  readonly projectId: string;
  readonly statuses: ReadonlyMap<string, StatusRow>;
  readonly groups: ReadonlyMap<number, StatusGroupRow>;
}

/** Key of a status in {@link ProjectDictionary.statuses}. */
export function statusKey(groupId: number, statusId: number): string {
  return `${groupId}:${statusId}`;
}

/** An empty dictionary (a project that never synced). */
export function emptyDictionary(projectId: string): ProjectDictionary {
  return { projectId, statuses: new Map(), groups: new Map() };
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
  return { projectId, statuses, groups };
}

/**
 * The group of a status id in the dictionary, for events without one (KeyCRM minimal context):
 * the single group among the rows of the latest sync that carry this id, else the single group
 * among all rows; `null` when unknown or ambiguous (amoCRM 142/143 exist in every pipeline).
 */
export function groupOfStatus(dict: ProjectDictionary, statusId: number): number | null {
  const current = new Set<number>();
  const all = new Set<number>();
  for (const row of dict.statuses.values()) {
    if (row.status_id !== statusId) continue;
    all.add(row.group_id);
    if (row.in_last_sync) current.add(row.group_id);
  }
  const pick = current.size > 0 ? current : all;
  return pick.size === 1 ? ([...pick][0] ?? null) : null;
}

/**
 * True when the dictionary knows the status: `(group, status)` when the event names its group,
 * else any row with that status id. An unknown status triggers a dictionary refresh request.
 */
export function isKnownStatus(dict: ProjectDictionary, statusId: number, groupId: number | null): boolean {
  if (groupId !== null) return dict.statuses.has(statusKey(groupId, statusId));
  for (const row of dict.statuses.values()) if (row.status_id === statusId) return true;
  return false;
}

/**
 * The {@link StatusResolver} of one order: groups from {@link groupOfStatus}; closing per
 * `isClosingStatus(source, status, is_closing_order of the dictionary row)` (KeyCRM
 * `is_closing_order` or group 5/6; amoCRM 142/143). `source` is the order's event source.
 */
export function dictionaryResolver(dict: ProjectDictionary, source: string): StatusResolver {
  const groupCache = new Map<number, number | null>();
  return {
    groupOf(statusId) {
      let g = groupCache.get(statusId);
      if (g === undefined) {
        g = groupOfStatus(dict, statusId);
        groupCache.set(statusId, g);
      }
      return g;
    },
    isClosing(status: StatusRef) {
      const row =
        status.status_group_id === null
          ? undefined
          : dict.statuses.get(statusKey(status.status_group_id, status.status_id));
      return isClosingStatus(source, status, row?.is_closing_order ?? false);
    },
  };
}

/**
 * Status ids whose resolution or closing flag a sync changed (`before` → `after`): ids whose
 * {@link groupOfStatus} differs, and ids of rows whose `is_closing_order` differs (a new row counts
 * as changed from `false`). Orders with events of these ids must be recomputed.
 */
export function changedStatusIds(before: ProjectDictionary, after: ProjectDictionary): Set<number> {
  const changed = new Set<number>();
  const ids = new Set<number>();
  for (const row of before.statuses.values()) ids.add(row.status_id);
  for (const row of after.statuses.values()) ids.add(row.status_id);
  for (const id of ids) if (groupOfStatus(before, id) !== groupOfStatus(after, id)) changed.add(id);
  for (const [key, row] of after.statuses) {
    if ((before.statuses.get(key)?.is_closing_order ?? false) !== row.is_closing_order)
      changed.add(row.status_id);
  }
  return changed;
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
  for (const [projectId, b] of building) out.set(projectId, { projectId, ...b });
  return out;
}

/** Upserts every status and group row of `dict` into `schema` (a sync touches a few dozen rows). */
export async function writeDictionary(
  db: Kysely<ReadModels>,
  schema: string,
  dict: ProjectDictionary,
): Promise<void> {
  await writeRows(db, schema, "statuses", [...dict.statuses.values()], {
    keys: ["project_id", "group_id", "status_id"],
    action: "replace",
  });
  await writeRows(db, schema, "status_groups", [...dict.groups.values()], {
    keys: ["project_id", "group_id"],
    action: "replace",
  });
}
