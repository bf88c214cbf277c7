/**
 * Test support (not exported by the package): read-model rows written straight into `rm`, since
 * the projector that normally fills them is tested on its own.
 */
import { DurationStatsAccumulator, type OrderStatsInput } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";

/** Inserts a project into `rm.projects`. */
export async function insertProject(
  db: Kysely<Database>,
  projectId: string,
  name = projectId,
  kind = "keycrm",
): Promise<void> {
  await db
    .insertInto("rm.projects")
    .values({
      project_id: projectId,
      name,
      kind,
      base_url: null,
      time_zone: "UTC",
      active: true,
      registered_at: "2026-10-01T00:00:00.000Z",
      event_seq: 1,
    })
    .execute();
}

/** Inserts CRM users (managers) `[user_id, name]` into `rm.crm_users` (active, from the last sync). */
export async function insertCrmUsers(
  db: Kysely<Database>,
  projectId: string,
  users: [number, string][],
): Promise<void> {
  await db
    .insertInto("rm.crm_users")
    .values(
      users.map(([user_id, name]) => ({
        project_id: projectId,
        user_id,
        name,
        email: null,
        is_active: true,
        is_admin: false,
        in_last_sync: true,
        event_seq: 1,
      })),
    )
    .execute();
}

/** Inserts status groups `[group_id, name]` into `rm.status_groups`. */
export async function insertGroups(
  db: Kysely<Database>,
  projectId: string,
  groups: [number, string][],
): Promise<void> {
  await db
    .insertInto("rm.status_groups")
    .values(groups.map(([group_id, name]) => ({ project_id: projectId, group_id, name, is_main: false })))
    .execute();
}

/** Inserts statuses `[group_id, status_id, name]` into `rm.statuses`. */
export async function insertStatuses(
  db: Kysely<Database>,
  projectId: string,
  statuses: [number, number, string][],
): Promise<void> {
  await db
    .insertInto("rm.statuses")
    .values(
      statuses.map(([group_id, status_id, name], i) => ({
        project_id: projectId,
        group_id,
        status_id,
        name,
        alias: null,
        is_active: true,
        is_closing_order: false,
        expiration_period_seconds: null,
        sort: i,
        type: null,
        in_last_sync: true,
      })),
    )
    .execute();
}

/** An `rm.orders_current` row; unspecified fields are null/false. */
export interface OrderSeed {
  order_id: number;
  last_status_id: number | null;
  last_status_group_id: number | null;
  started_at?: string | null;
  last_changed_at?: string | null;
  closed_at?: string | null;
  order_created_at?: string | null;
  manager_id?: number | null;
  source?: string;
  last_event_seq?: number;
}

/** Inserts `rm.orders_current` rows. */
export async function insertOrders(
  db: Kysely<Database>,
  projectId: string,
  orders: OrderSeed[],
): Promise<void> {
  await db
    .insertInto("rm.orders_current")
    .values(
      orders.map((o) => ({
        project_id: projectId,
        order_id: o.order_id,
        source: o.source ?? "keycrm",
        order_created_at: o.order_created_at ?? null,
        started_at: o.started_at ?? null,
        last_status_id: o.last_status_id,
        last_status_group_id: o.last_status_group_id,
        last_changed_at: o.last_changed_at ?? null,
        manager_id: o.manager_id ?? null,
        closed_at: o.closed_at ?? null,
        is_urgent: false,
        status_events: 1,
        last_event_seq: o.last_event_seq ?? 1,
      })),
    )
    .execute();
}

/** `[seq, status_id, group_id, started_at, ended_at | null, duration_seconds | null]`. */
export type IntervalSeed = [number, number, number | null, string, string | null, number | null];

/** Inserts the intervals of one order into `rm.order_status_intervals`. */
export async function insertIntervals(
  db: Kysely<Database>,
  projectId: string,
  orderId: number,
  intervals: IntervalSeed[],
): Promise<void> {
  await db
    .insertInto("rm.order_status_intervals")
    .values(
      intervals.map(([seq, status_id, status_group_id, started_at, ended_at, duration_seconds]) => ({
        project_id: projectId,
        order_id: orderId,
        seq,
        status_id,
        status_group_id,
        started_at,
        ended_at,
        duration_seconds,
      })),
    )
    .execute();
}

/**
 * An `rm.order_status_events` row; unspecified fields get KeyCRM-like defaults. `status_group_id`
 * is the group the projector resolved; `event_group_id` the delivered one (default: the same).
 */
export interface EventSeed {
  order_id: number;
  status_id: number;
  status_group_id: number | null;
  event_group_id?: number | null;
  status_changed_at: string;
  stream_seq: number;
  is_effective?: boolean;
  time_source?: string;
}

/** Inserts `rm.order_status_events` rows (dedup key per the SPEC rule). */
export async function insertEvents(
  db: Kysely<Database>,
  projectId: string,
  events: EventSeed[],
): Promise<void> {
  await db
    .insertInto("rm.order_status_events")
    .values(
      events.map((e) => ({
        project_id: projectId,
        dedup_key: `keycrm:${projectId}:${e.order_id}:${e.status_changed_at}:${e.status_id}`,
        order_id: e.order_id,
        status_id: e.status_id,
        status_group_id: e.status_group_id,
        event_group_id: e.event_group_id === undefined ? e.status_group_id : e.event_group_id,
        status_changed_at: e.status_changed_at,
        time_source: e.time_source ?? "crm",
        order_created_at: null,
        previous_status_id: null,
        manager_id: null,
        crm_event: "order.change_order_status",
        source: "keycrm",
        event_id: `01JEVENT${String(e.stream_seq).padStart(18, "0")}`,
        stream_seq: e.stream_seq,
        recorded_at: "2026-10-12T12:00:00.000Z",
        is_effective: e.is_effective ?? true,
      })),
    )
    .execute();
}

/**
 * Rebuilds the analytics and board aggregates (`rm.order_duration_stats`, `rm.order_group_kpi`) of project `projectId` from its
 * stored intervals, group SLA rows, cycles and orders — as the projector derives them (the domain's
 * `DurationStatsAccumulator`) — for tests that seed the read models directly instead of projecting
 * events. Replaces the project's aggregate rows.
 */
export async function rebuildDurationStats(db: Kysely<Database>, projectId: string): Promise<void> {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  const project = await db
    .selectFrom("rm.projects")
    .select("time_zone")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  const inputs = new Map<
    number,
    {
      intervals: OrderStatsInput["intervals"][number][];
      groups: OrderStatsInput["groups"][number][];
      cycles: OrderStatsInput["cycles"][number][];
      isUrgent: boolean;
    }
  >();
  const of = (id: number) => {
    let v = inputs.get(id);
    if (!v) {
      v = { intervals: [], groups: [], cycles: [], isUrgent: false };
      inputs.set(id, v);
    }
    return v;
  };
  for (const r of await db
    .selectFrom("rm.orders_current")
    .select(["order_id", "is_urgent"])
    .where("project_id", "=", projectId)
    .execute())
    of(r.order_id).isUrgent = r.is_urgent;
  for (const r of await db
    .selectFrom("rm.order_status_intervals")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("order_id")
    .orderBy("seq")
    .execute())
    of(r.order_id).intervals.push({
      status_id: r.status_id,
      status_group_id: r.status_group_id,
      started_at: r.started_at.toISOString(),
      ended_at: iso(r.ended_at),
      duration_seconds: r.duration_seconds,
      working_seconds: r.working_seconds,
      is_urgent: r.is_urgent,
    });
  for (const r of await db
    .selectFrom("rm.order_group_sla")
    .selectAll()
    .where("project_id", "=", projectId)
    .execute())
    of(r.order_id).groups.push({
      group_id: r.group_id,
      limit_seconds: r.limit_seconds,
      near_at: iso(r.near_at),
      over_at: iso(r.over_at),
    });
  for (const r of await db
    .selectFrom("rm.order_cycle_metrics")
    .selectAll()
    .where("project_id", "=", projectId)
    .execute())
    of(r.order_id).cycles.push({
      rule_name: r.rule_name,
      ended_at: iso(r.ended_at),
      wall_seconds: r.wall_seconds,
      working_seconds: r.working_seconds,
      is_open: r.is_open,
    });
  const acc = new DurationStatsAccumulator();
  for (const input of inputs.values()) acc.add(projectId, project?.time_zone ?? null, input);
  await db.deleteFrom("rm.order_duration_stats").where("project_id", "=", projectId).execute();
  const rows = [...acc.rows()];
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto("rm.order_duration_stats")
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  await db.deleteFrom("rm.order_group_kpi").where("project_id", "=", projectId).execute();
  const kpi = [...acc.kpiRows()];
  if (kpi.length > 0) await db.insertInto("rm.order_group_kpi").values(kpi).execute();
}
