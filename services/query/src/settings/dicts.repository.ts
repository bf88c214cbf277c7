import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { DictGroup, DictManager, DictStatus } from "./dicts.routes.js";

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

/**
 * The managers of a project for the order filters: every CRM user of `rm.crm_users` still listed by
 * the CRM, plus every `manager_id` an order of the project has (named from `rm.crm_users` when
 * known, else `name` null), sorted by name then id.
 * @throws the Postgres error when a query fails.
 */
export async function managerDictionary(db: Kysely<Database>, projectId: string): Promise<DictManager[]> {
  const users = await db
    .selectFrom("rm.crm_users")
    .select(["user_id", "name", "in_last_sync"])
    .where("project_id", "=", projectId)
    .execute();
  const withOrders = await db
    .selectFrom("rm.orders_current")
    .select("manager_id")
    .distinct()
    .where("project_id", "=", projectId)
    .where("manager_id", "is not", null)
    .execute();
  const byId = new Map<number, DictManager>();
  for (const u of users) if (u.in_last_sync) byId.set(u.user_id, { user_id: u.user_id, name: u.name });
  const names = new Map(users.map((u) => [u.user_id, u.name]));
  for (const { manager_id } of withOrders) {
    if (manager_id !== null && !byId.has(manager_id)) {
      byId.set(manager_id, { user_id: manager_id, name: names.get(manager_id) ?? null });
    }
  }
  return [...byId.values()].sort(
    (a, b) => (a.name ?? "\uffff").localeCompare(b.name ?? "\uffff") || a.user_id - b.user_id,
  );
}
