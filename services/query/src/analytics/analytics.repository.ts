import {
  BUCKET_GRANULARITIES,
  type BucketGranularity,
  bucketStartOf,
  type DurationHistogram,
  HISTOGRAM_MAX_RELATIVE_ERROR,
  histogramPercentile,
  mergeHistogram,
  nextBucketStart,
  type ResolvedTimeZone,
} from "@pulse/domain";
import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { statusDictionary } from "../settings/dicts.repository.js";
import {
  analyticsZone,
  durationsFromIntervalsIn,
  type StatusDurationsRequest,
  type StatusDurationsResult,
  zoneSql,
} from "./analytics.intervals.js";
import type {
  AnalyticsCoverage,
  CycleDurations,
  DurationsBlock,
  GroupDurations,
  PercentilesMethod,
  StatusDurations,
} from "./analytics.schemas.js";

export type { StatusDurationsRequest, StatusDurationsResult } from "./analytics.intervals.js";

/** Result of {@link statusDurations}: the analytics and what they cover. */
export interface CoveredStatusDurations extends StatusDurationsResult {
  readonly coverage: AnalyticsCoverage;
}

/** Stand-in for an unknown / not applicable id in `rm.order_duration_stats` (the projector's `NO_ID`). */
const NO_ID = -1;

const HISTOGRAM: PercentilesMethod = {
  method: "histogram",
  max_relative_error: HISTOGRAM_MAX_RELATIVE_ERROR,
};
const EXACT: PercentilesMethod = { method: "exact", max_relative_error: 0 };

/** An `rm.order_duration_stats` row as read (one urgency, or both merged). */
interface StatsCell {
  orders: number;
  intervals: number;
  totalMs: number;
  openIntervals: number;
  unmeasuredIntervals: number;
  histogram: DurationHistogram;
  slaJudged: number;
  slaOk: number;
  slaNear: number;
  slaOver: number;
}

interface StatsRow {
  granularity: BucketGranularity;
  bucket: string;
  dimension: "total" | "group" | "status" | "cycle";
  group_id: number;
  status_id: number;
  cycle_rule: string;
  orders: number;
  intervals: number;
  total_ms: number;
  open_intervals: number;
  unmeasured_intervals: number;
  histogram: DurationHistogram | string;
  sla_judged: number;
  sla_ok: number;
  sla_near: number;
  sla_over: number;
}

/** 100 × part / whole rounded to 0.1, or null for an empty whole. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}

/** `YYYY-MM-DD` of the day before `date`. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of the day after `date`. */
function dayAfter(date: string): string {
  return nextBucketStart(date, "day");
}

/** The granularity whose one bucket is exactly the local days `[from, to]`, or null. */
function singleBucketOf(from: string, to: string): BucketGranularity | null {
  for (const g of BUCKET_GRANULARITIES) {
    if (bucketStartOf(from, g) === from && nextBucketStart(from, g) === dayAfter(to)) return g;
  }
  return null;
}

/**
 * Time per status and status group, full cycles and totals of one project per local day, week
 * (from Monday) or month, plus the same over the whole range — the rules of
 * `statusDurationsFromIntervals` (`analytics.intervals.ts`), read from the projector's aggregates
 * (`rm.order_duration_stats`, maintained per day / week / month / year) so the cost of a fixed range
 * does not grow with the project's history:
 * - a bucket lying wholly in the range and ended at `asOf` is read from its aggregate row(s): counts,
 *   totals and means exactly as the per-interval SQL gives them (durations summed in whole
 *   milliseconds), median and p90 from the merged histograms (within 1 % relative), SLA as judged at
 *   the bucket's end;
 * - the whole range is read from one aggregate bucket when it is exactly one local day, week, month
 *   or year that ended at `asOf`;
 * - every other block (a bucket cut by the range, the bucket still running at `asOf`, a period of
 *   another length) is computed from the intervals of that block only (`durationsFromIntervalsIn`),
 *   exactly. `coverage` counts both kinds and states the percentiles' method.
 * One read-only snapshot.
 * @throws the Postgres error when a query fails.
 */
export async function statusDurations(
  db: Kysely<Database>,
  q: StatusDurationsRequest,
): Promise<CoveredStatusDurations> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const zone = await analyticsZone(trx, q.projectId);
      const bucketRows = await bucketLayout(trx, q, zone);
      const asOfMs = q.asOf.getTime();
      const rangeStartMs = bucketRows.rangeStart.getTime();
      const rangeEndMs = bucketRows.rangeEnd.getTime();

      const fromAggregates = bucketRows.buckets.filter(
        (b) =>
          b.start.getTime() >= rangeStartMs && b.end.getTime() <= rangeEndMs && b.end.getTime() <= asOfMs,
      );
      const periodGranularity = singleBucketOf(q.from, q.to);
      const periodFromAggregates = periodGranularity !== null && rangeEndMs <= asOfMs;

      const wanted: { granularity: BucketGranularity; bucket: string }[] = fromAggregates.map((b) => ({
        granularity: q.granularity,
        bucket: b.bucket,
      }));
      // The period may be one of the buckets (a single day by day, a month by month): read it once.
      if (
        periodFromAggregates &&
        !wanted.some((w) => w.granularity === periodGranularity && w.bucket === q.from)
      )
        wanted.push({ granularity: periodGranularity, bucket: q.from });
      const rows =
        wanted.length === 0
          ? []
          : (
              await sql<StatsRow>`
          SELECT s.granularity, to_char(s.bucket, 'YYYY-MM-DD') AS bucket, s.dimension, s.group_id, s.status_id,
                 s.cycle_rule, s.orders, s.intervals, s.total_ms, s.open_intervals, s.unmeasured_intervals,
                 s.histogram, s.sla_judged, s.sla_ok, s.sla_near, s.sla_over
          FROM rm.order_duration_stats s
          JOIN unnest(${wanted.map((w) => w.granularity)}::text[], ${wanted.map((w) => w.bucket)}::date[])
            AS w(granularity, bucket) ON s.granularity = w.granularity AND s.bucket = w.bucket
          WHERE s.project_id = ${q.projectId} AND s.basis = ${q.basis}
            ${q.urgency === "all" ? sql`` : sql`AND s.is_urgent = ${q.urgency === "urgent"}`}`.execute(trx)
            ).rows;

      const dict = await statusDictionary(trx, q.projectId);
      const names = dictionaryNames(dict);
      const byBucket = new Map<string, StatsRow[]>();
      for (const r of rows) {
        const k = `${r.granularity}|${r.bucket}`;
        const list = byBucket.get(k) ?? [];
        list.push(r);
        byBucket.set(k, list);
      }

      let fromIntervals = 0;
      const buckets = [];
      for (const b of bucketRows.buckets) {
        let block: DurationsBlock;
        if (fromAggregates.includes(b)) {
          block = blockOfRows(byBucket.get(`${q.granularity}|${b.bucket}`) ?? [], names);
        } else {
          fromIntervals += 1;
          const from = b.bucket < q.from ? q.from : b.bucket;
          const lastDay = dayBefore(nextBucketStart(b.bucket, q.granularity));
          const to = lastDay > q.to ? q.to : lastDay;
          const judgedAt = new Date(Math.min(b.end.getTime(), asOfMs));
          block = (
            await durationsFromIntervalsIn(
              trx,
              { ...q, from, to },
              { periodOnly: true, periodJudgedAt: judgedAt },
            )
          ).period;
        }
        buckets.push({ bucket: b.bucket, start: b.start.toISOString(), end: b.end.toISOString(), ...block });
      }
      let period: DurationsBlock;
      if (periodFromAggregates) {
        period = blockOfRows(byBucket.get(`${periodGranularity}|${q.from}`) ?? [], names);
      } else {
        fromIntervals += 1;
        period = (await durationsFromIntervalsIn(trx, q, { periodOnly: true })).period;
      }
      const fromAggregatesCount = fromAggregates.length + (periodFromAggregates ? 1 : 0);
      return {
        timeZone: zone.id,
        rangeStart: bucketRows.rangeStart,
        rangeEnd: bucketRows.rangeEnd,
        period,
        buckets,
        coverage: {
          as_of: q.asOf.toISOString(),
          range_start: bucketRows.rangeStart.toISOString(),
          range_end: bucketRows.rangeEnd.toISOString(),
          counted:
            "status intervals that started in the range and are closed (open ones counted apart in totals); " +
            "full cycles that ended in the range; buckets cut by the range count only their part in it",
          denominators: {
            mean_median_p90:
              "orders_visited: orders with at least one measured interval in the status or group",
            sla_percent:
              "sla.judged: orders_visited whose group has an SLA limit, judged at the bucket's end or as_of",
            cycles: "cycles: closed cycles with a measured duration",
          },
          percentiles: fromAggregatesCount > 0 ? HISTOGRAM : EXACT,
          blocks_from_aggregates: fromAggregatesCount,
          blocks_from_intervals: fromIntervals,
        },
      };
    });
}

/** The zone-cut bucket bounds of the request (as the per-interval SQL cuts them). */
async function bucketLayout(
  trx: Kysely<Database>,
  q: StatusDurationsRequest,
  zone: ResolvedTimeZone,
): Promise<{ rangeStart: Date; rangeEnd: Date; buckets: { bucket: string; start: Date; end: Date }[] }> {
  const tz = zoneSql(zone);
  const step = `1 ${q.granularity}`;
  const range = await sql<{ range_start: Date; range_end: Date }>`
    SELECT (${q.from}::date::timestamp AT TIME ZONE ${tz}) AS range_start,
           ((${q.to}::date + 1)::timestamp AT TIME ZONE ${tz}) AS range_end`.execute(trx);
  const buckets = await sql<{ bucket: string; start: Date; end: Date }>`
    SELECT to_char(b, 'YYYY-MM-DD') AS bucket, (b AT TIME ZONE ${tz}) AS start,
           ((b + ${step}::interval) AT TIME ZONE ${tz}) AS "end"
    FROM generate_series(date_trunc(${q.granularity}, ${q.from}::date::timestamp),
                         ${q.to}::date::timestamp, ${step}::interval) AS b
    ORDER BY b`.execute(trx);
  const r = range.rows[0]!;
  return { rangeStart: r.range_start, rangeEnd: r.range_end, buckets: buckets.rows };
}

interface Names {
  readonly group: (id: number | null) => string | null;
  readonly status: (groupId: number | null, statusId: number) => string | null;
}

/** Group and status names of the dictionary (a status's own group first, else any group's). */
function dictionaryNames(dict: Awaited<ReturnType<typeof statusDictionary>>): Names {
  const groupNames = new Map(dict.groups.map((g) => [g.group_id, g.name]));
  const statusNames = new Map(dict.statuses.map((s) => [`${s.group_id}:${s.status_id}`, s.name]));
  for (const s of dict.statuses) {
    if (!statusNames.has(`*:${s.status_id}`)) statusNames.set(`*:${s.status_id}`, s.name);
  }
  return {
    group: (id) => (id === null ? null : (groupNames.get(id) ?? null)),
    status: (groupId, statusId) =>
      statusNames.get(`${groupId}:${statusId}`) ?? statusNames.get(`*:${statusId}`) ?? null,
  };
}

const emptyCell = (): StatsCell => ({
  orders: 0,
  intervals: 0,
  totalMs: 0,
  openIntervals: 0,
  unmeasuredIntervals: 0,
  histogram: {},
  slaJudged: 0,
  slaOk: 0,
  slaNear: 0,
  slaOver: 0,
});

/** Adds a row (one urgency) into a cell: the urgencies of a key are disjoint sets of orders. */
function addRow(c: StatsCell, r: StatsRow): void {
  c.orders += Number(r.orders);
  c.intervals += Number(r.intervals);
  c.totalMs += Number(r.total_ms);
  c.openIntervals += Number(r.open_intervals);
  c.unmeasuredIntervals += Number(r.unmeasured_intervals);
  mergeHistogram(
    c.histogram,
    (typeof r.histogram === "string" ? JSON.parse(r.histogram) : r.histogram) as DurationHistogram,
  );
  c.slaJudged += Number(r.sla_judged);
  c.slaOk += Number(r.sla_ok);
  c.slaNear += Number(r.sla_near);
  c.slaOver += Number(r.sla_over);
}

/** Seconds of a cell's statistics: mean = total / orders, median and p90 from its histogram. */
function statsOf(c: StatsCell) {
  return {
    orders_visited: c.orders,
    intervals: c.intervals,
    total_seconds: c.totalMs / 1000,
    mean_seconds: c.totalMs / 1000 / c.orders,
    median_seconds: (histogramPercentile(c.histogram, 0.5) ?? 0) / 1000,
    p90_seconds: (histogramPercentile(c.histogram, 0.9) ?? 0) / 1000,
  };
}

const byGroupId = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

/** One block (a bucket or the period) from the aggregate rows of its bucket, urgencies merged. */
function blockOfRows(rows: readonly StatsRow[], names: Names): DurationsBlock {
  const cells = new Map<string, { row: StatsRow; cell: StatsCell }>();
  for (const r of rows) {
    const k = `${r.dimension}|${r.group_id}|${r.status_id}|${r.cycle_rule}`;
    const entry = cells.get(k) ?? { row: r, cell: emptyCell() };
    addRow(entry.cell, r);
    cells.set(k, entry);
  }
  const total = emptyCell();
  const groups: GroupDurations[] = [];
  const statuses: StatusDurations[] = [];
  const cycles: CycleDurations[] = [];
  for (const { row, cell } of cells.values()) {
    const groupId = Number(row.group_id) === NO_ID ? null : Number(row.group_id);
    if (row.dimension === "total") {
      total.orders += cell.orders;
      total.intervals += cell.intervals;
      total.totalMs += cell.totalMs;
      total.openIntervals += cell.openIntervals;
      total.unmeasuredIntervals += cell.unmeasuredIntervals;
    } else if (cell.orders === 0) {
      // nothing measured here (only open or unmeasured intervals): no statistics, as in SQL
    } else if (row.dimension === "group") {
      groups.push({
        group_id: groupId,
        group_name: names.group(groupId),
        ...statsOf(cell),
        sla: {
          judged: cell.slaJudged,
          ok: cell.slaOk,
          near: cell.slaNear,
          over: cell.slaOver,
          ok_percent: percent(cell.slaOk, cell.slaJudged),
          near_percent: percent(cell.slaNear, cell.slaJudged),
          over_percent: percent(cell.slaOver, cell.slaJudged),
        },
      });
    } else if (row.dimension === "status") {
      const statusId = Number(row.status_id);
      statuses.push({
        status_id: statusId,
        status_name: names.status(groupId, statusId),
        group_id: groupId,
        group_name: names.group(groupId),
        ...statsOf(cell),
      });
    } else {
      const s = statsOf(cell);
      cycles.push({
        rule_name: row.cycle_rule,
        cycles: cell.orders,
        total_seconds: s.total_seconds,
        mean_seconds: s.mean_seconds,
        median_seconds: s.median_seconds,
        p90_seconds: s.p90_seconds,
      });
    }
  }
  groups.sort((a, b) => byGroupId(a.group_id, b.group_id));
  statuses.sort((a, b) => byGroupId(a.group_id, b.group_id) || a.status_id - b.status_id);
  cycles.sort((a, b) => (a.rule_name < b.rule_name ? -1 : a.rule_name > b.rule_name ? 1 : 0));
  return {
    percentiles: HISTOGRAM,
    totals: {
      orders: total.orders,
      intervals: total.intervals,
      total_seconds: total.totalMs / 1000,
      open_intervals: total.openIntervals,
      unmeasured_intervals: total.unmeasuredIntervals,
    },
    groups,
    statuses,
    cycles,
  };
}
