/**
 * The analytics aggregates (`rm.order_duration_stats`): per project × local day / week / month /
 * year × status group / status / cycle rule × urgency × basis, the orders, intervals, summed
 * milliseconds, a histogram of the per-order sums and the SLA states at the bucket's end — what
 * `GET /analytics/status-durations` reads instead of re-aggregating every interval per request.
 *
 * The aggregates are a function of each order's derived rows ({@link OrderRows}: intervals, group
 * SLA, cycles, current urgency), so they follow every recompute of an order:
 * - an order's **contribution** ({@link orderContribution}) is the cells it adds, with the same
 *   rules as the per-interval SQL (`analytics.repository.ts`): intervals by the local day of
 *   `started_at`, closed ones measured (`working_seconds`, or `ended_at − started_at` on the wall
 *   basis), per-order sums per bucket and group / status, cycles closed by the local day of
 *   `ended_at` with the order's urgency, SLA judged at the bucket's end;
 * - the replay and a project recompute add every order's contribution into one
 *   {@link DurationStatsAccumulator} and write its rows;
 * - the live projector adds `new − old` contributions of the orders it recomputes
 *   ({@link applyDurationStatsLive}) into the stored rows.
 * Milliseconds are integers, so sums are exact and independent of the order of additions: the live
 * store and a replay write identical rows.
 */
import {
  addCells,
  addKpiCells,
  type BucketGranularity,
  type CellKey,
  type Cells,
  cellKeyText,
  type DurationBasis,
  type DurationHistogram,
  durationStatsRowOf,
  type GroupKpiRow,
  groupKpiRowOf,
  isEmptyCell,
  isEmptyKpiCell,
  type KpiCells,
  type OrderStatsInput,
  orderContribution,
  orderKpiContribution,
  ZoneBuckets,
} from "@pulse/domain";
import type { ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { getOrCreate } from "../collections.js";
import { isoOrNull } from "../db-values.js";
import { type RowOf, writeRows } from "../replay/table-writer.js";

/** A `rm.order_duration_stats` row. */
export type DurationStatsRow = RowOf<"order_duration_stats">;

export { DurationStatsAccumulator, type OrderStatsInput } from "@pulse/domain";

/**
 * Loads what the stored contribution of the given orders of one project was computed from: their
 * stored intervals, group SLA rows, cycles and current urgency (order id → input). Orders without
 * rows are absent.
 */
export async function loadOrderStatsInputs(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrderStatsInput>> {
  type Mutable = {
    intervals: OrderStatsInput["intervals"][number][];
    groups: OrderStatsInput["groups"][number][];
    cycles: OrderStatsInput["cycles"][number][];
    isUrgent: boolean;
  };
  const out = new Map<number, Mutable>();
  if (orderIds.length === 0) return out;
  const of = (id: number) =>
    getOrCreate(out, id, () => ({ intervals: [], groups: [], cycles: [], isUrgent: false }));
  const current = await db
    .selectFrom("orders_current")
    .select(["order_id", "is_urgent"])
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  for (const r of current) of(r.order_id).isUrgent = r.is_urgent;
  const intervals = await db
    .selectFrom("order_status_intervals")
    .select([
      "order_id",
      "seq",
      "status_id",
      "status_group_id",
      "started_at",
      "ended_at",
      "duration_seconds",
      "working_seconds",
      "is_urgent",
    ])
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .orderBy("order_id")
    .orderBy("seq")
    .execute();
  for (const r of intervals) {
    of(r.order_id).intervals.push({
      status_id: r.status_id,
      status_group_id: r.status_group_id,
      started_at: isoOrNull(r.started_at)!,
      ended_at: isoOrNull(r.ended_at),
      duration_seconds: r.duration_seconds,
      working_seconds: r.working_seconds,
      is_urgent: r.is_urgent,
    });
  }
  const groups = await db
    .selectFrom("order_group_sla")
    .select(["order_id", "group_id", "limit_seconds", "near_at", "over_at"])
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  for (const r of groups) {
    of(r.order_id).groups.push({
      group_id: r.group_id,
      limit_seconds: r.limit_seconds,
      near_at: isoOrNull(r.near_at),
      over_at: isoOrNull(r.over_at),
    });
  }
  const cycles = await db
    .selectFrom("order_cycle_metrics")
    .select(["order_id", "rule_name", "ended_at", "wall_seconds", "working_seconds", "is_open"])
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  for (const r of cycles) {
    of(r.order_id).cycles.push({
      rule_name: r.rule_name,
      ended_at: isoOrNull(r.ended_at),
      wall_seconds: r.wall_seconds,
      working_seconds: r.working_seconds,
      is_open: r.is_open,
    });
  }
  return out;
}

/** The stored `time_zone` of a project (`null` when it is not registered). */
export async function loadProjectTimeZone(db: Kysely<ReadModels>, projectId: string): Promise<string | null> {
  const row = await db
    .selectFrom("projects")
    .select("time_zone")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row?.time_zone ?? null;
}

/**
 * Live store: adds `after − before` (each order's new and previous contribution) into the stored
 * `rm.order_duration_stats` and `rm.order_group_kpi` rows of project `projectId` inside the caller's
 * transaction — loads the rows of the touched keys, adds the delta, upserts the changed rows and
 * deletes those left empty.
 * @throws the Postgres error (the caller rolls the batch back).
 */
export async function applyDurationStatsLive(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
  timeZone: string | null,
  before: readonly OrderStatsInput[],
  after: readonly OrderStatsInput[],
): Promise<void> {
  await applyGroupKpiLive(db, schema, projectId, before, after);
  const buckets = ZoneBuckets.of(timeZone);
  const delta: Cells = new Map();
  for (const input of before) addCells(delta, orderContribution(input, buckets), -1);
  for (const input of after) addCells(delta, orderContribution(input, buckets), 1);
  for (const [k, { cell }] of delta) if (isEmptyCell(cell)) delta.delete(k);
  if (delta.size === 0) return;
  const keys = [...delta.values()].map((d) => d.key);
  const stored = await sql<DurationStatsRow>`
    SELECT s.* FROM ${sql.id(schema, "order_duration_stats")} s
    JOIN unnest(${keys.map((k) => k.granularity)}::text[], ${keys.map((k) => k.bucket)}::date[],
                ${keys.map((k) => k.dimension)}::text[], ${keys.map((k) => k.groupId)}::int8[],
                ${keys.map((k) => k.statusId)}::int8[], ${keys.map((k) => k.cycleRule)}::text[],
                ${keys.map((k) => k.isUrgent)}::bool[], ${keys.map((k) => k.basis)}::text[])
      AS k(granularity, bucket, dimension, group_id, status_id, cycle_rule, is_urgent, basis)
      ON s.granularity = k.granularity AND s.bucket = k.bucket AND s.dimension = k.dimension
     AND s.group_id = k.group_id AND s.status_id = k.status_id AND s.cycle_rule = k.cycle_rule
     AND s.is_urgent = k.is_urgent AND s.basis = k.basis
    WHERE s.project_id = ${projectId}`.execute(db);
  const merged: Cells = new Map();
  for (const r of stored.rows) {
    const key: CellKey = {
      granularity: r.granularity as BucketGranularity,
      bucket: typeof r.bucket === "string" ? r.bucket : localIso(r.bucket as unknown as Date),
      dimension: r.dimension as CellKey["dimension"],
      groupId: Number(r.group_id),
      statusId: Number(r.status_id),
      cycleRule: r.cycle_rule,
      isUrgent: r.is_urgent,
      basis: r.basis as DurationBasis,
    };
    const histogram = (
      typeof r.histogram === "string" ? JSON.parse(r.histogram) : r.histogram
    ) as DurationHistogram;
    merged.set(cellKeyText(key), {
      key,
      cell: {
        orders: Number(r.orders),
        intervals: Number(r.intervals),
        totalMs: Number(r.total_ms),
        openIntervals: Number(r.open_intervals),
        unmeasuredIntervals: Number(r.unmeasured_intervals),
        histogram,
        slaJudged: Number(r.sla_judged),
        slaOk: Number(r.sla_ok),
        slaNear: Number(r.sla_near),
        slaOver: Number(r.sla_over),
      },
    });
  }
  addCells(merged, delta, 1);
  const upserts: DurationStatsRow[] = [];
  const empty: CellKey[] = [];
  for (const { key, cell } of merged.values()) {
    if (isEmptyCell(cell)) empty.push(key);
    else upserts.push(durationStatsRowOf(projectId, key, cell));
  }
  if (empty.length > 0) {
    await sql`
      DELETE FROM ${sql.id(schema, "order_duration_stats")} s
      USING unnest(${empty.map((k) => k.granularity)}::text[], ${empty.map((k) => k.bucket)}::date[],
                   ${empty.map((k) => k.dimension)}::text[], ${empty.map((k) => k.groupId)}::int8[],
                   ${empty.map((k) => k.statusId)}::int8[], ${empty.map((k) => k.cycleRule)}::text[],
                   ${empty.map((k) => k.isUrgent)}::bool[], ${empty.map((k) => k.basis)}::text[])
        AS k(granularity, bucket, dimension, group_id, status_id, cycle_rule, is_urgent, basis)
      WHERE s.project_id = ${projectId} AND s.granularity = k.granularity AND s.bucket = k.bucket
        AND s.dimension = k.dimension AND s.group_id = k.group_id AND s.status_id = k.status_id
        AND s.cycle_rule = k.cycle_rule AND s.is_urgent = k.is_urgent AND s.basis = k.basis`.execute(db);
  }
  await writeRows(db, schema, "order_duration_stats", upserts, {
    keys: [
      "project_id",
      "granularity",
      "bucket",
      "dimension",
      "group_id",
      "status_id",
      "cycle_rule",
      "is_urgent",
      "basis",
    ],
    action: "replace",
  });
}

/** `YYYY-MM-DD` of a `date` column read as a JS `Date` (node-postgres parses it at local midnight). */
function localIso(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Live store of `rm.order_group_kpi`: adds `after − before` into the stored rows (see {@link applyDurationStatsLive}). */
async function applyGroupKpiLive(
  db: Kysely<ReadModels>,
  schema: string,
  projectId: string,
  before: readonly OrderStatsInput[],
  after: readonly OrderStatsInput[],
): Promise<void> {
  const delta: KpiCells = new Map();
  for (const input of before) addKpiCells(delta, orderKpiContribution(input), -1);
  for (const input of after) addKpiCells(delta, orderKpiContribution(input), 1);
  for (const [k, cell] of delta) if (isEmptyKpiCell(cell)) delta.delete(k);
  if (delta.size === 0) return;
  const stored = await sql<GroupKpiRow>`
    SELECT * FROM ${sql.id(schema, "order_group_kpi")}
    WHERE project_id = ${projectId} AND group_id = ANY(${[...delta.keys()]}::int8[])`.execute(db);
  const merged: KpiCells = new Map();
  for (const r of stored.rows) {
    merged.set(Number(r.group_id), {
      ordersNow: Number(r.orders_now),
      ordersVisited: Number(r.orders_visited),
      closedMs: Number(r.closed_ms),
      openIntervals: Number(r.open_intervals),
      openStartedMs: Number(r.open_started_ms),
    });
  }
  addKpiCells(merged, delta, 1);
  const empty = [...merged].filter(([, c]) => isEmptyKpiCell(c)).map(([g]) => g);
  if (empty.length > 0) {
    await sql`
      DELETE FROM ${sql.id(schema, "order_group_kpi")}
      WHERE project_id = ${projectId} AND group_id = ANY(${empty}::int8[])`.execute(db);
  }
  await writeRows(
    db,
    schema,
    "order_group_kpi",
    [...merged].filter(([, c]) => !isEmptyKpiCell(c)).map(([g, c]) => groupKpiRowOf(projectId, g, c)),
    { keys: ["project_id", "group_id"], action: "replace" },
  );
}
