import { timelineSegments, workingSeconds } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import { type ExpressionBuilder, type Kysely, type RawBuilder, sql } from "kysely";
import { isoOrNull } from "../http/api.schemas.js";
import type { GroupCalendars } from "../settings/settings.kinds.js";
import { loadGroupCalendars } from "../settings/settings.repository.js";
import { isTimeSort, type OrderCursor } from "./order-cursor.js";
import type {
  CurrentInterval,
  GroupKpi,
  GroupTime,
  OrderDateField,
  OrderKpi,
  OrderRow,
  OrderSortField,
  SlaKpi,
  SlaStateValue,
  TimelineEvent,
  TimelineInterval,
  TimelineSegment,
} from "./orders.schemas.js";
import { groupSlaStateAt } from "./sla-state.sql.js";

/**
 * The lateral lookup of a status's name and group in `rm.statuses` for the outer row `alias`
 * (`oc`, `e`, `i`) with status column `statusCol` and group column `groupCol`. A status id can
 * stand in several groups (amoCRM stage ids 142 and 143 repeat in every pipeline), so the row's
 * own group wins, then the lowest group id. Only the name is read from it: the group of a row is
 * the one the projector resolved (SPEC "Group of a status": the dictionary's, else the delivery's,
 * else unknown), never a guess from the dictionary here. Used as
 * `.leftJoinLateral(statusLookup(…), onTrue)`.
 */
function statusLookup(alias: string, statusCol: string, groupCol: string) {
  const ref = (col: string) => sql.ref(`${alias}.${col}`);
  return <DB extends Database, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) =>
    // The subquery reads only `rm.statuses`; the outer row is referenced through raw `sql.ref`s,
    // so narrowing the builder to the plain database is sound for every caller.
    (eb as unknown as ExpressionBuilder<Database, never>)
      .selectFrom("rm.statuses as s")
      .select(["s.name", "s.group_id"])
      .where(sql<boolean>`s.project_id = ${ref("project_id")}`)
      .where(sql<boolean>`s.status_id = ${ref(statusCol)}`)
      .orderBy(sql`s.group_id IS NOT DISTINCT FROM ${ref(groupCol)}`, "desc")
      .orderBy("s.group_id")
      .limit(1)
      .as("st");
}

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
  /** `orders_current.manager_id` (CRM user id). */
  readonly managerId?: number | undefined;
  /**
   * SLA state at `asOf` of the order in the group of its current interval — its total working time
   * in that group (see {@link currentSlaStateOf}).
   */
  readonly slaState?: SlaStateValue | undefined;
  /** `orders_current.is_urgent`. */
  readonly urgent?: boolean | undefined;
}

/** A page request of the order list. `page` is 1-based. */
export interface OrderPageRequest extends OrderFilter {
  readonly asOf: Date;
  readonly page: number;
  readonly pageSize: number;
  readonly sort: OrderSortField;
  readonly dir: "asc" | "desc";
  /**
   * Keyset position: the page holds the rows after it (then `page` is not used); its `sort` and
   * `dir` are the request's (see `decodeOrderCursor`).
   */
  readonly cursor?: OrderCursor | undefined;
}

/** Result of {@link listOrders}: one page, the total and the KPI of the whole filtered set. */
export interface OrderPage {
  readonly total: number;
  readonly items: OrderRow[];
  readonly kpi: OrderKpi;
  /** Keyset position after the page's last row; null when no row follows. */
  readonly nextCursor: OrderCursor | null;
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

/** `asOf` as a `timestamptz` SQL value. */
function instant(asOf: Date): RawBuilder<unknown> {
  return sql`${asOf}::timestamptz`;
}

/**
 * SLA state at `asOf` of order `oc` in the group of its current interval (its latest interval
 * starting before `asOf`): see {@link groupSlaStateAt}.
 */
function currentSlaStateOf(asOf: Date): RawBuilder<SlaStateValue | null> {
  return sql<SlaStateValue | null>`(SELECT ${groupSlaStateAt("cg", instant(asOf))}
    FROM rm.order_status_intervals ci
    LEFT JOIN rm.order_group_sla cg
      ON cg.project_id = ci.project_id AND cg.order_id = ci.order_id AND cg.group_id = ci.status_group_id
    WHERE ci.project_id = oc.project_id AND ci.order_id = oc.order_id AND ci.started_at < ${asOf}::timestamptz
    ORDER BY ci.seq DESC LIMIT 1)`;
}

/**
 * Working seconds of an interval up to `asOf`: the stored `working_seconds` when it closed by
 * `asOf`; otherwise (open at `asOf`, or nothing stored) its overlap with its group's calendar from
 * `started_at` to its end or `asOf`, whichever is first (the domain's `workingSeconds`).
 */
function workingSecondsAsOf(
  i: {
    started_at: Date;
    ended_at: Date | null;
    working_seconds: number | null;
    status_group_id: number | null;
  },
  asOf: Date,
  calendars: GroupCalendars,
): number {
  const closed = i.ended_at !== null && i.ended_at <= asOf;
  if (closed && i.working_seconds !== null) return i.working_seconds;
  const end = closed && i.ended_at !== null ? i.ended_at : asOf;
  if (end <= i.started_at) return 0;
  return workingSeconds({ start: i.started_at.getTime(), end: end.getTime() }, calendars(i.status_group_id));
}

/**
 * The working and non-working parts of an interval up to `min(ended_at, asOf)` under its group's
 * calendar ({@link timelineSegments}), instants as ISO strings.
 */
function intervalSegments(
  i: { started_at: Date; ended_at: Date | null; status_group_id: number | null },
  asOf: Date,
  calendars: GroupCalendars,
): TimelineSegment[] {
  const end = i.ended_at !== null && i.ended_at <= asOf ? i.ended_at : asOf;
  if (end <= i.started_at) return [];
  return timelineSegments(
    { start: i.started_at.getTime(), end: end.getTime() },
    calendars(i.status_group_id),
  ).map((s) => ({
    start: new Date(s.start).toISOString(),
    end: new Date(s.end).toISOString(),
    working: s.working,
  }));
}

/** `rm.orders_current as oc` restricted by `f` (the SLA-state filter judged at `asOf`). */
function filteredOrders(db: Kysely<Database>, f: OrderFilter, asOf: Date) {
  return db
    .selectFrom("rm.orders_current as oc")
    .where("oc.project_id", "=", f.projectId)
    .$if(f.from !== undefined, (qb) => qb.where(`oc.${f.dateField}`, ">=", f.from as Date))
    .$if(f.to !== undefined, (qb) => qb.where(`oc.${f.dateField}`, "<", f.to as Date))
    .$if(f.statusId !== undefined, (qb) => qb.where("oc.last_status_id", "=", f.statusId as number))
    .$if(f.groupId !== undefined, (qb) => qb.where("oc.last_status_group_id", "=", f.groupId as number))
    .$if(f.orderId !== undefined, (qb) => qb.where("oc.order_id", "=", f.orderId as number))
    .$if(f.managerId !== undefined, (qb) => qb.where("oc.manager_id", "=", f.managerId as number))
    .$if(f.urgent !== undefined, (qb) => qb.where("oc.is_urgent", "=", f.urgent as boolean))
    .$if(f.slaState !== undefined, (qb) =>
      qb.where(sql<boolean>`${currentSlaStateOf(asOf)} = ${f.slaState as string}`),
    );
}

/**
 * The sort value of `oc.{sort}` as the cursor carries it: an instant as ISO-8601 UTC text with
 * microseconds (the column's full precision, so the next page starts exactly after it), an id as is.
 */
function sortKey(sort: OrderSortField): RawBuilder<string | number | null> {
  const column = sql.ref(`oc.${sort}`);
  return isTimeSort(sort)
    ? sql<string | null>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : sql<number | null>`${column}`;
}

/** The cursor's key as a SQL value of the sort column's type. */
function cursorKey(cursor: OrderCursor): RawBuilder<unknown> {
  return isTimeSort(cursor.sort) ? sql`${cursor.key}::timestamptz` : sql`${cursor.key}::int8`;
}

/** The page's rows with names (status, group, manager) and the cursor's sort key, unordered and unlimited. */
function pageQuery(db: Kysely<Database>, q: OrderPageRequest) {
  return filteredOrders(db, q, q.asOf)
    .leftJoinLateral(statusLookup("oc", "last_status_id", "last_status_group_id"), (join) => join.onTrue())
    .leftJoin("rm.status_groups as g", (join) =>
      join.onRef("g.project_id", "=", "oc.project_id").onRef("g.group_id", "=", "oc.last_status_group_id"),
    )
    .leftJoin("rm.crm_users as mu", (join) =>
      join.onRef("mu.project_id", "=", "oc.project_id").onRef("mu.user_id", "=", "oc.manager_id"),
    )
    .select([
      "oc.order_id",
      "oc.source",
      "oc.last_status_id",
      "st.name as last_status_name",
      "oc.last_status_group_id",
      "g.name as last_status_group_name",
      "oc.order_created_at",
      "oc.started_at",
      "oc.last_changed_at",
      "oc.closed_at",
      "oc.manager_id",
      "mu.name as manager_name",
      "oc.is_urgent",
      "oc.urgent_source",
      "oc.urgent_rule",
      "oc.urgent_since",
      "oc.delivery_entered_at",
      "oc.cycle_rule",
      "oc.cycle_started_at",
      "oc.cycle_ended_at",
      "oc.cycle_wall_seconds",
      "oc.cycle_working_seconds",
      "oc.sla_next_transition_at",
      "oc.last_event_seq",
      sortKey(q.sort).as("sort_key"),
    ]);
}

/**
 * The rows of one page of the order list and the cursor after its last row (null on the last page).
 * Keyset (`q.cursor`, and the first page): the rows after the cursor whose sort key is set, walked in
 * the order of the index `(project_id, {sort}, order_id)` by a row comparison (either direction),
 * then — once those run out — the rows whose key is null, by `order_id`; each part reads at most
 * one page plus one row whatever the depth. Page numbers beyond the first: `OFFSET`, the same order
 * (nulls last, ties by `order_id`), with the cursor of its last row so a client can go on by keyset.
 */
async function pageRows(db: Kysely<Database>, q: OrderPageRequest) {
  const n = q.pageSize;
  const column = `oc.${q.sort}` as const;
  let rows: Awaited<ReturnType<ReturnType<typeof pageQuery>["execute"]>>;
  if (q.cursor === undefined && q.page > 1) {
    rows = await pageQuery(db, q)
      .orderBy(column, (ob) => (q.dir === "asc" ? ob.asc() : ob.desc()).nullsLast())
      .orderBy("oc.order_id", q.dir)
      .limit(n + 1)
      .offset((q.page - 1) * n)
      .execute();
  } else {
    const cursor = q.cursor;
    const after = sql.raw(q.dir === "asc" ? ">" : "<");
    rows = [];
    if (cursor?.key !== null) {
      rows = await pageQuery(db, q)
        .where(column, "is not", null)
        .$if(cursor !== undefined, (qb) =>
          qb.where(
            sql<boolean>`(${sql.ref(column)}, oc.order_id) ${after} (${cursorKey(cursor as OrderCursor)}, ${(cursor as OrderCursor).orderId}::int8)`,
          ),
        )
        .orderBy(column, q.dir)
        .orderBy("oc.order_id", q.dir)
        .limit(n + 1)
        .execute();
    }
    if (rows.length <= n && q.sort !== "order_id") {
      const nulls = await pageQuery(db, q)
        .where(column, "is", null)
        .$if(cursor?.key === null, (qb) =>
          qb.where(sql<boolean>`oc.order_id ${after} ${(cursor as OrderCursor).orderId}::int8`),
        )
        .orderBy("oc.order_id", q.dir)
        .limit(n + 1 - rows.length)
        .execute();
      rows = [...rows, ...nulls];
    }
  }
  const last = rows.length > n ? rows[n - 1] : undefined;
  const next: OrderCursor | null =
    last === undefined ? null : { sort: q.sort, dir: q.dir, key: last.sort_key, orderId: last.order_id };
  return { rows: rows.slice(0, n), next };
}

/**
 * One page of orders of a project with status names, time per status group (wall-clock measured
 * to `asOf` in SQL; working time from the stored values, open intervals measured in TypeScript
 * with the project's working calendars — see {@link workingSecondsAsOf}), the SLA colour per group
 * (the order's total working time in the group, from `rm.order_group_sla` by
 * {@link groupSlaStateAt}) and of the current interval's group, urgency and cycle fields; the total
 * count; and the KPI over every order matching the filters: order count, per group the mean
 * seconds over the orders that visited the group, and the SLA states of the orders' current groups. Everything reads one snapshot (a
 * read-only repeatable-read transaction), so `total`, `items` and `kpi` agree.
 * Sorting puts nulls last in both directions and breaks ties by `order_id`.
 * @throws the Postgres error when a query fails.
 */
export async function listOrders(db: Kysely<Database>, q: OrderPageRequest): Promise<OrderPage> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const countRow = await filteredOrders(trx, q, q.asOf)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const total = Number(countRow.n);

      const { rows, next } = await pageRows(trx, q);

      const calendars = await loadGroupCalendars(trx, q.projectId);
      const times = await pageIntervals(
        trx,
        q.projectId,
        rows.map((r) => r.order_id),
        q.asOf,
        calendars,
      );

      const kpi =
        (isUnfiltered(q) ? await boardKpiFromAggregates(trx, q.projectId, q.asOf) : null) ??
        (await boardKpiFromIntervals(trx, q));

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
        manager_name: r.manager_name,
        is_urgent: r.is_urgent,
        urgent_source: r.urgent_source,
        urgent_rule: r.urgent_rule,
        urgent_since: isoOrNull(r.urgent_since),
        delivery_entered_at: isoOrNull(r.delivery_entered_at),
        cycle_rule: r.cycle_rule,
        cycle_started_at: isoOrNull(r.cycle_started_at),
        cycle_ended_at: isoOrNull(r.cycle_ended_at),
        cycle_wall_seconds: r.cycle_wall_seconds,
        cycle_working_seconds: r.cycle_working_seconds,
        sla_next_transition_at: isoOrNull(r.sla_next_transition_at),
        current_interval: times.get(r.order_id)?.current ?? null,
        last_event_seq: r.last_event_seq,
        time_by_group: times.get(r.order_id)?.groups ?? [],
      }));
      return { total, items, kpi: { order_count: total, ...kpi }, nextCursor: next };
    });
}

/** The KPI of {@link listOrders} without `order_count`, and where it was computed from. */
export type BoardKpi = Omit<OrderKpi, "order_count">;

/** True when the request filters nothing but its project (the board's first view). */
function isUnfiltered(f: OrderFilter): boolean {
  return (
    f.from === undefined &&
    f.to === undefined &&
    f.statusId === undefined &&
    f.groupId === undefined &&
    f.orderId === undefined &&
    f.managerId === undefined &&
    f.slaState === undefined &&
    f.urgent === undefined
  );
}

/**
 * The KPI of the orders matching `q`, re-aggregated from their intervals (`rm.order_status_intervals`)
 * and group SLA rows at request time: per group the orders that visited it and their time up to
 * `asOf`; the SLA state at `asOf` of each order in the group of its latest interval starting before
 * `asOf`. Its cost grows with the matching orders' history; {@link boardKpiFromAggregates} answers
 * the unfiltered board instead (the equality test keeps this as its oracle).
 * @throws the Postgres error when a query fails.
 */
export async function boardKpiFromIntervals(trx: Kysely<Database>, q: OrderPageRequest): Promise<BoardKpi> {
  const kpiRows = await trx
    .selectFrom("rm.order_status_intervals as i")
    .leftJoin("rm.status_groups as g", (join) =>
      join.onRef("g.project_id", "=", "i.project_id").onRef("g.group_id", "=", "i.status_group_id"),
    )
    .where("i.project_id", "=", q.projectId)
    .where("i.started_at", "<", q.asOf)
    .where("i.order_id", "in", filteredOrders(trx, q, q.asOf).select("oc.order_id"))
    .select([
      "i.status_group_id as group_id",
      "g.name as group_name",
      sql<number>`count(DISTINCT i.order_id)::int`.as("orders_visited"),
      sql<number>`sum(${measuredSeconds(q.asOf)})::float8`.as("total_seconds"),
      sql<number>`(sum(${measuredSeconds(q.asOf)}) / count(DISTINCT i.order_id))::float8`.as("mean_seconds"),
    ])
    .groupBy(["i.status_group_id", "g.name"])
    .orderBy("i.status_group_id")
    .execute();

  const slaRows = await trx
    .selectFrom((eb) =>
      eb
        .selectFrom("rm.order_status_intervals as i")
        .leftJoin("rm.order_group_sla as gs", (join) =>
          join
            .onRef("gs.project_id", "=", "i.project_id")
            .onRef("gs.order_id", "=", "i.order_id")
            .onRef("gs.group_id", "=", "i.status_group_id"),
        )
        .where("i.project_id", "=", q.projectId)
        .where("i.started_at", "<", q.asOf)
        .where("i.order_id", "in", filteredOrders(trx, q, q.asOf).select("oc.order_id"))
        .distinctOn("i.order_id")
        .select(["i.order_id", groupSlaStateAt("gs", instant(q.asOf)).as("state")])
        .orderBy("i.order_id")
        .orderBy("i.seq", "desc")
        .as("cur"),
    )
    .select(["cur.state", sql<number>`count(*)::int`.as("n")])
    .groupBy("cur.state")
    .execute();
  const groups: GroupKpi[] = kpiRows.map((k) => ({
    group_id: k.group_id,
    group_name: k.group_name,
    orders_visited: k.orders_visited,
    total_seconds: k.total_seconds,
    mean_seconds: k.mean_seconds,
  }));
  return { groups, sla: slaKpi(slaRows), computed_from: "intervals" };
}

/**
 * The KPI of a project's whole board from the projector's counters, or `null` when they cannot
 * answer for `asOf` (an interval of the project starts at or after it: the per-interval rules measure
 * only up to `asOf`). Per group (`rm.order_group_kpi`): orders that visited it and their time —
 * closed intervals' stored milliseconds plus each open interval's `asOf − started_at` (from the
 * summed start instants). SLA: the running group of each order (`rm.order_group_sla` rows with
 * `running_since`, the group of its open latest interval) judged at `asOf` by its stored `near_at` /
 * `over_at` through the project's partial indexes; orders without a running group with a limit
 * are `without_sla`. Equal to {@link boardKpiFromIntervals} for an unfiltered request; its cost does
 * not grow with the project's history.
 * @throws the Postgres error when a query fails.
 */
export async function boardKpiFromAggregates(
  trx: Kysely<Database>,
  projectId: string,
  asOf: Date,
): Promise<BoardKpi | null> {
  const latest = await trx
    .selectFrom("rm.orders_current")
    .select((eb) => eb.fn.max("last_changed_at").as("at"))
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (latest?.at && new Date(latest.at as Date).getTime() >= asOf.getTime()) return null;
  const rows = await trx
    .selectFrom("rm.order_group_kpi as k")
    .leftJoin("rm.status_groups as g", (join) =>
      join.onRef("g.project_id", "=", "k.project_id").onRef("g.group_id", "=", "k.group_id"),
    )
    .where("k.project_id", "=", projectId)
    .select([
      "k.group_id",
      "g.name as group_name",
      "k.orders_now",
      "k.orders_visited",
      "k.closed_ms",
      "k.open_intervals",
      "k.open_started_ms",
    ])
    .execute();
  const asOfMs = asOf.getTime();
  let ordersWithIntervals = 0;
  const groups: GroupKpi[] = [];
  for (const r of rows) {
    ordersWithIntervals += Number(r.orders_now);
    if (Number(r.orders_visited) === 0) continue;
    const ms = Number(r.closed_ms) + Number(r.open_intervals) * asOfMs - Number(r.open_started_ms);
    const groupId = Number(r.group_id) === -1 ? null : Number(r.group_id);
    groups.push({
      group_id: groupId,
      group_name: groupId === null ? null : r.group_name,
      orders_visited: Number(r.orders_visited),
      total_seconds: ms / 1000,
      mean_seconds: ms / 1000 / Number(r.orders_visited),
    });
  }
  groups.sort((a, b) =>
    a.group_id === b.group_id
      ? 0
      : a.group_id === null
        ? 1
        : b.group_id === null
          ? -1
          : a.group_id - b.group_id,
  );
  const at = instant(asOf);
  const sla = await sql<{ judged: number; near: number; over: number }>`
    SELECT count(*)::int AS judged,
           count(*) FILTER (WHERE near_at <= ${at} AND (over_at IS NULL OR over_at > ${at}))::int AS near,
           count(*) FILTER (WHERE over_at <= ${at})::int AS over
    FROM rm.order_group_sla
    WHERE project_id = ${projectId} AND running_since IS NOT NULL AND limit_seconds IS NOT NULL`.execute(trx);
  const c = sla.rows[0] ?? { judged: 0, near: 0, over: 0 };
  const states: { state: SlaStateValue | null; n: number }[] = [
    { state: "ok", n: c.judged - c.near - c.over },
    { state: "near", n: c.near },
    { state: "over", n: c.over },
    { state: null, n: ordersWithIntervals - c.judged },
  ];
  return { groups, sla: slaKpi(states), computed_from: "aggregates" };
}

/** 100 × part / whole rounded to 0.1, or null for an empty whole. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}

/** The SLA KPI from counts of orders per state of their current group (`null` = no SLA). */
function slaKpi(rows: readonly { state: SlaStateValue | null; n: number }[]): SlaKpi {
  const count = (state: SlaStateValue | null) => rows.find((r) => r.state === state)?.n ?? 0;
  const ok = count("ok");
  const near = count("near");
  const over = count("over");
  const intervals = ok + near + over;
  return {
    intervals,
    ok,
    near,
    over,
    ok_percent: percent(ok, intervals),
    near_percent: percent(near, intervals),
    over_percent: percent(over, intervals),
    without_sla: count(null),
  };
}

/** What {@link pageIntervals} derives per order: time per group and the current interval. */
interface OrderIntervalsView {
  readonly groups: GroupTime[];
  readonly current: CurrentInterval | null;
}

/**
 * Time per status group (wall-clock and working, up to `asOf`) and the SLA colour per group at
 * `asOf` (`rm.order_group_sla`) of each of `orderIds`, plus each order's current interval — from
 * their intervals starting before `asOf`. Groups are sorted by id, the unknown (null) group last.
 */
async function pageIntervals(
  db: Kysely<Database>,
  projectId: string,
  orderIds: number[],
  asOf: Date,
  calendars: GroupCalendars,
): Promise<Map<number, OrderIntervalsView>> {
  const out = new Map<number, OrderIntervalsView>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectFrom("rm.order_status_intervals as i")
    .leftJoin("rm.status_groups as g", (join) =>
      join.onRef("g.project_id", "=", "i.project_id").onRef("g.group_id", "=", "i.status_group_id"),
    )
    .leftJoin("rm.order_group_sla as gs", (join) =>
      join
        .onRef("gs.project_id", "=", "i.project_id")
        .onRef("gs.order_id", "=", "i.order_id")
        .onRef("gs.group_id", "=", "i.status_group_id"),
    )
    .where("i.project_id", "=", projectId)
    .where("i.order_id", "in", orderIds)
    .where("i.started_at", "<", asOf)
    .select([
      "i.order_id",
      "i.seq",
      "i.status_id",
      "i.status_group_id",
      "g.name as group_name",
      "i.started_at",
      "i.ended_at",
      "i.working_seconds",
      "i.is_urgent",
      "gs.limit_seconds as sla_limit_seconds",
      "gs.near_at as sla_near_at",
      "gs.over_at as sla_over_at",
      measuredSeconds(asOf).as("seconds"),
      groupSlaStateAt("gs", instant(asOf)).as("sla_state"),
    ])
    .orderBy("i.order_id")
    .orderBy("i.seq")
    .execute();
  const byOrder = new Map<
    number,
    { groups: Map<number | null, GroupTime>; current: CurrentInterval | null }
  >();
  for (const r of rows) {
    const view = byOrder.get(r.order_id) ?? { groups: new Map(), current: null };
    byOrder.set(r.order_id, view);
    const working = workingSecondsAsOf(r, asOf, calendars);
    const group = view.groups.get(r.status_group_id) ?? {
      group_id: r.status_group_id,
      group_name: r.group_name,
      seconds: 0,
      working_seconds: 0,
      sla_state: null,
      sla_limit_seconds: null,
      sla_near_at: null,
      sla_over_at: null,
    };
    // Rows come in seq order: the last one seen is the group's (and the order's) latest interval.
    view.groups.set(r.status_group_id, {
      ...group,
      seconds: group.seconds + r.seconds,
      working_seconds: group.working_seconds + working,
      sla_state: r.sla_state,
      sla_limit_seconds: r.sla_limit_seconds,
      sla_near_at: isoOrNull(r.sla_near_at),
      sla_over_at: isoOrNull(r.sla_over_at),
    });
    view.current = {
      seq: r.seq,
      status_id: r.status_id,
      status_group_id: r.status_group_id,
      started_at: r.started_at.toISOString(),
      ended_at: isoOrNull(r.ended_at),
      seconds: r.seconds,
      working_seconds: working,
      is_urgent: r.is_urgent,
      sla_limit_seconds: r.sla_limit_seconds,
      sla_state: r.sla_state,
      sla_near_at: isoOrNull(r.sla_near_at),
      sla_over_at: isoOrNull(r.sla_over_at),
    };
  }
  for (const [orderId, view] of byOrder) {
    const groups = [...view.groups.values()].sort((a, b) =>
      a.group_id === b.group_id
        ? 0
        : a.group_id === null
          ? 1
          : b.group_id === null
            ? -1
            : a.group_id - b.group_id,
    );
    out.set(orderId, { groups, current: view.current });
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
 * or after `asOf` left out; wall-clock and working durations measured to `asOf` as in
 * {@link listOrders}; `sla_state` = the state of the order's total in the interval's group when the
 * interval ended, or at `asOf` while it was open), with status and group names from the dictionary. Returns `null` when the
 * project has no event of the order.
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
        .leftJoinLateral(statusLookup("e", "status_id", "status_group_id"), (join) => join.onTrue())
        .leftJoin("rm.status_groups as g", (join) =>
          join.onRef("g.project_id", "=", "e.project_id").onRef("g.group_id", "=", "e.status_group_id"),
        )
        .leftJoin("rm.crm_users as mu", (join) =>
          join.onRef("mu.project_id", "=", "e.project_id").onRef("mu.user_id", "=", "e.manager_id"),
        )
        .where("e.project_id", "=", projectId)
        .where("e.order_id", "=", orderId)
        .select([
          "e.stream_seq",
          "e.event_id",
          "e.dedup_key",
          "e.status_id",
          "st.name as status_name",
          "e.status_group_id",
          "g.name as status_group_name",
          "e.previous_status_id",
          "e.status_changed_at",
          "e.time_source",
          "e.is_effective",
          "e.order_created_at",
          "e.manager_id",
          "mu.name as manager_name",
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
        .leftJoinLateral(statusLookup("i", "status_id", "status_group_id"), (join) => join.onTrue())
        .leftJoin("rm.status_groups as g", (join) =>
          join.onRef("g.project_id", "=", "i.project_id").onRef("g.group_id", "=", "i.status_group_id"),
        )
        .leftJoin("rm.order_group_sla as gs", (join) =>
          join
            .onRef("gs.project_id", "=", "i.project_id")
            .onRef("gs.order_id", "=", "i.order_id")
            .onRef("gs.group_id", "=", "i.status_group_id"),
        )
        .where("i.project_id", "=", projectId)
        .where("i.order_id", "=", orderId)
        .where("i.started_at", "<", asOf)
        .select([
          "i.seq",
          "i.status_id",
          "st.name as status_name",
          "i.status_group_id",
          "g.name as status_group_name",
          "i.started_at",
          "i.ended_at",
          sql<boolean>`(i.ended_at IS NULL OR i.ended_at > ${asOf}::timestamptz)`.as("open_at_as_of"),
          measuredSeconds(asOf).as("duration_seconds"),
          "i.working_seconds",
          "i.is_urgent",
          "gs.limit_seconds as sla_limit_seconds",
          groupSlaStateAt(
            "gs",
            sql`LEAST(COALESCE(i.ended_at, ${asOf}::timestamptz), ${asOf}::timestamptz)`,
          ).as("sla_state"),
          "gs.near_at as sla_near_at",
          "gs.over_at as sla_over_at",
        ])
        .orderBy("i.seq")
        .execute();
      const calendars = await loadGroupCalendars(trx, projectId);

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
          working_seconds: workingSecondsAsOf(i, asOf, calendars),
          sla_near_at: isoOrNull(i.sla_near_at),
          sla_over_at: isoOrNull(i.sla_over_at),
          segments: intervalSegments(i, asOf, calendars),
        })),
      };
    });
}
