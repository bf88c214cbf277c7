import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { DictGroup, DictStatus } from "./dicts.routes.js";

/**
 * The status dictionary of a project: its groups (by `group_id`) and statuses (by group, CRM sort
 * order, then id), inactive ones included so old events still resolve.
 * @throws the Postgres error when a query fails.
 */
export async function statusDictionary(
  db: Kysely<Database>,
  projectId: string,
): Promise<{ groups: DictGroup[]; statuses: DictStatus[] }> {
  const groups = await db
    .selectFrom("rm.status_groups")
    .select(["group_id", "name", "is_main"])
    .where("project_id", "=", projectId)
    .orderBy("group_id")
    .execute();
  const statuses = await db
    .selectFrom("rm.statuses")
    .select([
      "status_id",
      "group_id",
      "name",
      "alias",
      "is_active",
      "is_closing_order",
      "expiration_period_seconds",
      "sort",
      "type",
      "in_last_sync",
    ])
    .where("project_id", "=", projectId)
    .orderBy("group_id")
    .orderBy("sort", (ob) => ob.asc().nullsLast())
    .orderBy("status_id")
    .execute();
  return { groups, statuses };
}
