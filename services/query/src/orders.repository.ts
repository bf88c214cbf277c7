import type { Database } from "@pulse/infra";
import { type Kysely, type RawBuilder, sql } from "kysely";
import { isoOrNull } from "./api.schemas.js";
import type {
  GroupKpi,
  GroupTime,
  OrderDateField,
  OrderKpi,
  OrderRow,
  OrderSortField,
  TimelineEvent,
  TimelineInterval,
} from "./orders.schemas.js";

/** Filters of the order list; every field but `projectId` is optional. `[from, to)` on `dateField`. */
export interface OrderFilter {
  readonly projectId: string;
  readonly dateField: OrderDateField;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Current status id (`orders_current.last_status_id`). */
  readonly statusId?: number | undefined;
  /** Current status group id (`orders_current.last_status_group_id`). */
  readonly groupId?: number | undefined;
  readonly orderId?: number | undefined;
}

/** A page request of the order list. `page` is 1-based. */
export interface OrderPageRequest extends OrderFilter {
  readonly asOf: Date;
  readonly page: number;
  readonly pageSize: number;
  readonly sort: OrderSortField;
  readonly dir: "asc" | "desc";
}

/** Result of {@link listOrders}: one page, the total and the KPI of the whole filtered set. */
export interface OrderPage {
  readonly total: number;
  readonly items: OrderRow[];
  readonly kpi: OrderKpi;
}

/**
 * Seconds of interval `i` (alias of `rm.order_status_intervals`) up to `asOf`: an interval that
 * ended by `asOf` counts its stored `duration_seconds` (the projector's measure, which may follow a
 * working calendar), or `ended_at − started_at` when none is stored; an open interval, or one that
 * ends after `asOf`, counts wall-clock seconds from `started_at` to `asOf`. Callers exclude
 * intervals starting at or after `asOf`.
 */
function measuredSeconds(asOf: Date): RawBuilder<number> {
  return sql<number>`(CASE
    WHEN i.ended_at IS NOT NULL AND i.ended_at <= ${asOf}::timestamptz
      THEN COALESCE(i.duration_seconds, EXTRACT(EPOCH FROM (i.ended_at - i.started_at)))
    ELSE EXTRACT(EPOCH FROM (${asOf}::timestamptz - i.started_at))
  END)::float8`;
}

/** `rm.orders_current as oc` restricted by `f`. */
function filteredOrders(db: Kysely<Database>, f: OrderFilter) {
  return db
    .selectFrom("rm.orders_current as oc")
    .where("oc.project_id", "=", f.projectId)
    .$if(f.from !== undefined, (qb) => qb.where(`oc.${f.dateField}`, ">=", f.from as Date))
    .$if(f.to !== undefined, (qb) => qb.where(`oc.${f.dateField}`, "<", f.to as Date))
    .$if(f.statusId !== undefined, (qb) => qb.where("oc.last_status_id", "=", f.statusId as number))
    .$if(f.groupId !== undefined, (qb) => qb.where("oc.last_status_group_id", "=", f.groupId as number))
    .$if(f.orderId !== undefined, (qb) => qb.where("oc.order_id", "=", f.orderId as number));
}

/**
 * One page of orders of a project with status names and time per status group (measured to
 * `asOf` in SQL), the total count, and the KPI over every order matching the filters: order count
 * and, per group, the mean seconds over the orders that visited the group. All three read one
 * snapshot (a read-only repeatable-read transaction), so `total`, `items` and `kpi` agree.
 * Sorting puts nulls last in both directions and breaks ties by `order_id`.
 * @throws the Postgres error when a query fails.
 */
export async function listOrders(db: Kysely<Database>, q: OrderPageRequest): Promise<OrderPage> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const countRow = await filteredOrders(trx, q)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const total = Number(countRow.n);

      const rows = await filteredOrders(trx, q)
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom("rm.statuses as s")
              .select(["s.name", "s.group_id"])
              .whereRef("s.project_id", "=", "oc.project_id")
              .whereRef("s.status_id", "=", "oc.last_status_id")
              // amoCRM stage ids (142, 143) repeat in every pipeline: prefer the order's group.
              .orderBy(sql`s.group_id IS NOT DISTINCT FROM oc.last_status_group_id`, "desc")
              .orderBy("s.group_id")
              .limit(1)
              .as("st"),
          (join) => join.onTrue(),
        )
        .leftJoin("rm.status_groups as g", (join) =>
          join
            .onRef("g.project_id", "=", "oc.project_id")
            .on(sql<boolean>`g.group_id = COALESCE(oc.last_status_group_id, st.group_id)`),
        )
        .select([
          "oc.order_id",
          "oc.source",
          "oc.last_status_id",
          "st.name as last_status_name",
          sql<number | null>`COALESCE(oc.last_status_group_id, st.group_id)`.as("last_status_group_id"),
          "g.name as last_status_group_name",
          "oc.order_created_at",
          "oc.started_at",
          "oc.last_changed_at",
          "oc.closed_at",
          "oc.manager_id",
          "oc.is_urgent",
          "oc.last_event_seq",
        ])
        .orderBy(`oc.${q.sort}`, (ob) => (q.dir === "asc" ? ob.asc() : ob.desc()).nullsLast())
        .orderBy("oc.order_id", q.dir)
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();

      const times = await timeByGroup(
        trx,
        q.projectId,
        rows.map((r) => r.order_id),
        q.asOf,
      );

      const kpiRows = await trx
        .selectFrom("rm.order_status_intervals as i")
        .leftJoin("rm.status_groups as g", (join) =>
          join.onRef("g.project_id", "=", "i.project_id").onRef("g.group_id", "=", "i.status_group_id"),
        )
        .where("i.project_id", "=", q.projectId)
        .where("i.started_at", "<", q.asOf)
        .where("i.order_id", "in", filteredOrders(trx, q).select("oc.order_id"))
        .select([
          "i.status_group_id as group_id",
          "g.name as group_name",
          sql<number>`count(DISTINCT i.order_id)::int`.as("orders_visited"),
          sql<number>`sum(${measuredSeconds(q.asOf)})::float8`.as("total_seconds"),
          sql<number>`(sum(${measuredSeconds(q.asOf)}) / count(DISTINCT i.order_id))::float8`.as(
            "mean_seconds",
          ),
        ])
        .groupBy(["i.status_group_id", "g.name"])
        .orderBy("i.status_group_id")
        .execute();

      const items: OrderRow[] = rows.map((r) => ({
        order_id: r.order_id,
        source: r.source,
        last_status_id: r.last_status_id,
        last_status_name: r.last_status_name,
        last_status_group_id: r.last_status_group_id,
        last_status_group_name: r.last_status_group_name,
        order_created_at: isoOrNull(r.order_created_at),
        started_at: isoOrNull(r.started_at),
        last_changed_at: isoOrNull(r.last_changed_at),
        closed_at: isoOrNull(r.closed_at),
        manager_id: r.manager_id,
        is_urgent: r.is_urgent,
        last_event_seq: r.last_event_seq,
        time_by_group: times.get(r.order_id) ?? [],
      }));
      const groups: GroupKpi[] = kpiRows.map((k) => ({
        group_id: k.group_id,
        group_name: k.group_name,
        orders_visited: k.orders_visited,
        total_seconds: k.total_seconds,
        mean_seconds: k.mean_seconds,
      }));
      return { total, items, kpi: { order_count: total, groups } };
    });
}

/** Time per status group of each of `orderIds`, up to `asOf` (see {@link measuredSeconds}). */
async function timeByGroup(
  db: Kysely<Database>,
  projectId: string,
  orderIds: number[],
  asOf: Date,
): Promise<Map<number, GroupTime[]>> {
  const out = new Map<number, GroupTime[]>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectFrom("rm.order_status_intervals as i")
    .leftJoin("rm.status_groups as g", (join) =>
      join.onRef("g.project_id", "=", "i.project_id").onRef("g.group_id", "=", "i.status_group_id"),
    )
    .where("i.project_id", "=", projectId)
    .where("i.order_id", "in", orderIds)
    .where("i.started_at", "<", asOf)
    .select([
      "i.order_id",
      "i.status_group_id as group_id",
      "g.name as group_name",
      sql<number>`sum(${measuredSeconds(asOf)})::float8`.as("seconds"),
    ])
    .groupBy(["i.order_id", "i.status_group_id", "g.name"])
    .orderBy("i.order_id")
    .orderBy("i.status_group_id")
    .execute();
  for (const r of rows) {
    const list = out.get(r.order_id) ?? [];
    list.push({ group_id: r.group_id, group_name: r.group_name, seconds: r.seconds });
    out.set(r.order_id, list);
  }
  return out;
}

/** An order's status history, as {@link orderTimeline} returns it. */
export interface OrderHistory {
  readonly events: TimelineEvent[];
  readonly intervals: TimelineInterval[];
}

/**
 * The status events of one order (every row of `rm.order_status_events`, sorted by
 * `status_changed_at`, then `stream_seq`) and its intervals (sorted by `seq`; those starting at
 * or after `asOf` left out; durations measured to `asOf` as in {@link listOrders}), with status and
 * group names from the dictionary. Returns `null` when the project has no event of the order.
 * @throws the Postgres error when a query fails.
 */
export async function orderTimeline(
  db: Kysely<Database>,
  projectId: string,
  orderId: number,
  asOf: Date,
): Promise<OrderHistory | null> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const events = await trx
        .selectFrom("rm.order_status_events as e")
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom("rm.statuses as s")
              .select(["s.name", "s.group_id"])
              .whereRef("s.project_id", "=", "e.project_id")
              .whereRef("s.status_id", "=", "e.status_id")
              .orderBy(sql`s.group_id IS NOT DISTINCT FROM e.status_group_id`, "desc")
              .orderBy("s.group_id")
              .limit(1)
              .as("st"),
          (join) => join.onTrue(),
        )
        .leftJoin("rm.status_groups as g", (join) =>
          join
            .onRef("g.project_id", "=", "e.project_id")
            .on(sql<boolean>`g.group_id = COALESCE(e.status_group_id, st.group_id)`),
        )
        .where("e.project_id", "=", projectId)
        .where("e.order_id", "=", orderId)
        .select([
          "e.stream_seq",
          "e.event_id",
          "e.dedup_key",
          "e.status_id",
          "st.name as status_name",
          sql<number | null>`COALESCE(e.status_group_id, st.group_id)`.as("status_group_id"),
          "g.name as status_group_name",
          "e.previous_status_id",
          "e.status_changed_at",
          "e.time_source",
          "e.is_effective",
          "e.order_created_at",
          "e.manager_id",
          "e.crm_event",
          "e.source",
          "e.recorded_at",
        ])
        .orderBy("e.status_changed_at")
        .orderBy("e.stream_seq")
        .execute();
      if (events.length === 0) return null;

      const intervals = await trx
        .selectFrom("rm.order_status_intervals as i")
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom("rm.statuses as s")
              .select(["s.name", "s.group_id"])
              .whereRef("s.project_id", "=", "i.project_id")
              .whereRef("s.status_id", "=", "i.status_id")
              .orderBy(sql`s.group_id IS NOT DISTINCT FROM i.status_group_id`, "desc")
              .orderBy("s.group_id")
              .limit(1)
              .as("st"),
          (join) => join.onTrue(),
        )
        .leftJoin("rm.status_groups as g", (join) =>
          join
            .onRef("g.project_id", "=", "i.project_id")
            .on(sql<boolean>`g.group_id = COALESCE(i.status_group_id, st.group_id)`),
        )
        .where("i.project_id", "=", projectId)
        .where("i.order_id", "=", orderId)
        .where("i.started_at", "<", asOf)
        .select([
          "i.seq",
          "i.status_id",
          "st.name as status_name",
          sql<number | null>`COALESCE(i.status_group_id, st.group_id)`.as("status_group_id"),
          "g.name as status_group_name",
          "i.started_at",
          "i.ended_at",
          sql<boolean>`(i.ended_at IS NULL OR i.ended_at > ${asOf}::timestamptz)`.as("open_at_as_of"),
          measuredSeconds(asOf).as("duration_seconds"),
        ])
        .orderBy("i.seq")
        .execute();

      return {
        events: events.map((e) => ({
          ...e,
          status_changed_at: e.status_changed_at.toISOString(),
          order_created_at: isoOrNull(e.order_created_at),
          recorded_at: e.recorded_at.toISOString(),
        })),
        intervals: intervals.map((i) => ({
          ...i,
          started_at: i.started_at.toISOString(),
          ended_at: isoOrNull(i.ended_at),
        })),
      };
    });
}
