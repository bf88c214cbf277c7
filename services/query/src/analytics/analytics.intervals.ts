import { type ResolvedTimeZone, resolveTimeZone } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import { type Kysely, type RawBuilder, sql } from "kysely";
import { groupSlaStateAt } from "../orders/sla-state.sql.js";
import { statusDictionary } from "../settings/dicts.repository.js";
import { projectTimeZone } from "../settings/settings.repository.js";
import type {
  CycleDurations,
  DurationBasis,
  DurationsBlock,
  DurationsBucket,
  DurationTotals,
  Granularity,
  GroupDurations,
  StatusDurations,
  UrgencyFilter,
} from "./analytics.schemas.js";

/** A request for {@link statusDurations}: local days `[from, to]` (ISO dates) of the project's zone. */
export interface StatusDurationsRequest {
  readonly projectId: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly basis: DurationBasis;
  readonly urgency: UrgencyFilter;
  /** The instant SLA states are judged at when a bucket ends later (the request's "now"). */
  readonly asOf: Date;
}

/** Result of {@link statusDurations}. */
export interface StatusDurationsResult {
  /** The zone the buckets were cut in (canonical id; `UTC` when the project's is not valid). */
  readonly timeZone: string;
  readonly rangeStart: Date;
  readonly rangeEnd: Date;
  readonly period: DurationsBlock;
  readonly buckets: DurationsBucket[];
}

/**
 * The zone the analytics of a project are cut in: its `time_zone`, or UTC when the domain does not
 * know it (the answer says so in `time_zone`).
 */
export async function analyticsZone(db: Kysely<Database>, projectId: string): Promise<ResolvedTimeZone> {
  try {
    return resolveTimeZone(await projectTimeZone(db, projectId));
  } catch {
    return { id: "UTC", fixedOffsetMs: 0 };
  }
}

/**
 * The zone as Postgres must see it. A fixed offset becomes an `interval`: Postgres reads a text
 * zone such as `+05:00` as POSIX (west of Greenwich), the opposite of ISO 8601.
 */
export function zoneSql(zone: ResolvedTimeZone): RawBuilder<unknown> {
  return zone.fixedOffsetMs !== null
    ? sql`${`${zone.fixedOffsetMs / 1000} seconds`}::interval`
    : sql`${zone.id}::text`;
}

const PERIOD = "period";

/** Percentiles computed with `percentile_cont` over the per-order sums themselves. */
const EXACT_PERCENTILES = { method: "exact", max_relative_error: 0 } as const;

/** 100 × part / whole rounded to 0.1, or null for an empty whole. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}

interface StatsRow {
  bucket: string;
  orders_visited: number;
  intervals: number;
  total_seconds: number;
  mean_seconds: number;
  median_seconds: number;
  p90_seconds: number;
}

/**
 * The per-interval computation of the analytics (every block re-aggregated from
 * `rm.order_status_intervals` at request time). `statusDurations` (`analytics.repository.ts`) reads
 * the projector's aggregates instead and uses this only for the blocks they cannot answer (a bucket
 * cut by the range, one not ended at `asOf`, a range that is not one calendar bucket); the
 * equality test keeps it as the oracle the aggregates must match.
 *
 * Time per status and status group, full cycles and totals of one project per local day, week
 * (from Monday) or month, plus the same over the whole range, all computed in SQL:
 * - intervals count in the bucket of their `started_at` (in the project's zone, `rm.projects`),
 *   within `[from 00:00, to + 1 day 00:00)`, and only once closed; their duration is the stored
 *   `working_seconds` (basis `working`; closed intervals without one are counted as unmeasured) or
 *   `ended_at − started_at` (basis `wall`); `urgency` filters on the interval's `is_urgent`;
 * - per status / group, an order's time is the sum of its intervals there in the bucket; mean,
 *   median and p90 (`percentile_cont`) are over those per-order sums, `orders_visited` is their count;
 * - cycles (`rm.order_cycle_metrics`, closed ones) count in the bucket of their `ended_at`, with
 *   `working_seconds` or `wall_seconds`; `urgency` filters on the order's `is_urgent`;
 * - per group, the SLA states of those orders (`rm.order_group_sla`: their total working time in the
 *   group, compared at the bucket's end or `asOf`, whichever is earlier).
 * Every bucket of the range is returned, empty ones included. One read-only snapshot.
 * @throws the Postgres error when a query fails.
 */
export async function statusDurationsFromIntervals(
  db: Kysely<Database>,
  q: StatusDurationsRequest,
): Promise<StatusDurationsResult> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => await durationsFromIntervalsIn(trx, q));
}

/** Options of {@link durationsFromIntervalsIn}. */
export interface FromIntervalsOptions {
  /**
   * The instant the whole range's SLA is judged at instead of `min(range end, asOf)` — the end of
   * the bucket the range lies in, when the range is a part of one bucket.
   */
  readonly periodJudgedAt?: Date;
  /** Only the whole range's block (no buckets: `buckets` is empty). */
  readonly periodOnly?: boolean;
}

/**
 * {@link statusDurationsFromIntervals} inside the caller's transaction `trx` (its snapshot), with
 * {@link FromIntervalsOptions}.
 * @throws the Postgres error when a query fails.
 */
export async function durationsFromIntervalsIn(
  trx: Kysely<Database>,
  q: StatusDurationsRequest,
  options: FromIntervalsOptions = {},
): Promise<StatusDurationsResult> {
  const zone = await analyticsZone(trx, q.projectId);
  const tz = zoneSql(zone);
  const step = `1 ${q.granularity}`;

  const range = await sql<{ range_start: Date; range_end: Date }>`
    SELECT (${q.from}::date::timestamp AT TIME ZONE ${tz}) AS range_start,
           ((${q.to}::date + 1)::timestamp AT TIME ZONE ${tz}) AS range_end`
    .execute(trx)
    .then((r) => r.rows[0] as { range_start: Date; range_end: Date });
  const bucketRows = await sql<{ bucket: string; start: Date; end: Date }>`
    SELECT to_char(b, 'YYYY-MM-DD') AS bucket, (b AT TIME ZONE ${tz}) AS start,
           ((b + ${step}::interval) AT TIME ZONE ${tz}) AS "end"
    FROM generate_series(date_trunc(${q.granularity}, ${q.from}::date::timestamp),
                         ${q.to}::date::timestamp, ${step}::interval) AS b
    ORDER BY b`.execute(trx);

  const bucketOf = (column: RawBuilder<unknown>) =>
    sql`to_char(date_trunc(${q.granularity}, ${column} AT TIME ZONE ${tz}), 'YYYY-MM-DD')`;
  const measure =
    q.basis === "working"
      ? sql`i.working_seconds`
      : sql`EXTRACT(EPOCH FROM (i.ended_at - i.started_at))::float8`;
  const urgency =
    q.urgency === "all" ? sql`` : q.urgency === "urgent" ? sql`AND i.is_urgent` : sql`AND NOT i.is_urgent`;
  const selected = (bucket: RawBuilder<unknown>) => sql`
    SELECT i.order_id, i.status_id, i.status_group_id, ${bucket} AS bucket, (i.ended_at IS NULL) AS open,
           CASE WHEN i.ended_at IS NULL THEN NULL ELSE ${measure} END AS s
    FROM rm.order_status_intervals i
    WHERE i.project_id = ${q.projectId}
      AND i.started_at >= ${range.range_start} AND i.started_at < ${range.range_end} ${urgency}`;
  const stats = sql`count(*)::int AS orders_visited, sum(n)::int AS intervals,
    sum(s)::float8 AS total_seconds, avg(s)::float8 AS mean_seconds,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS median_seconds,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY s) AS p90_seconds`;

  const cycleMeasure = q.basis === "working" ? sql`c.working_seconds` : sql`c.wall_seconds`;
  const cycleUrgency =
    q.urgency === "all" ? sql`` : q.urgency === "urgent" ? sql`AND oc.is_urgent` : sql`AND NOT oc.is_urgent`;

  const block = async (
    bucket: (column: RawBuilder<unknown>) => RawBuilder<unknown>,
    ends: readonly { bucket: string; end: Date }[],
  ) => {
    const sel = selected(bucket(sql`i.started_at`));
    const judgedAt = sql`LEAST(be.bucket_end, ${q.asOf}::timestamptz)`;
    const groups = await sql<
      StatsRow & {
        group_id: number | null;
        sla_judged: number;
        sla_ok: number;
        sla_near: number;
        sla_over: number;
      }
    >`
      WITH sel AS (${sel}), per_order AS (
        SELECT bucket, status_group_id, order_id, sum(s) AS s, count(*) AS n
        FROM sel WHERE s IS NOT NULL GROUP BY bucket, status_group_id, order_id
      ), judged AS (
        SELECT p.*, ${groupSlaStateAt("gs", judgedAt)} AS sla
        FROM per_order p
        JOIN unnest(${ends.map((e) => e.bucket)}::text[], ${ends.map((e) => e.end)}::timestamptz[])
          AS be(bucket, bucket_end) ON be.bucket = p.bucket
        LEFT JOIN rm.order_group_sla gs
          ON gs.project_id = ${q.projectId} AND gs.order_id = p.order_id AND gs.group_id = p.status_group_id)
      SELECT bucket, status_group_id AS group_id, ${stats},
             count(sla)::int AS sla_judged, count(*) FILTER (WHERE sla = 'ok')::int AS sla_ok,
             count(*) FILTER (WHERE sla = 'near')::int AS sla_near,
             count(*) FILTER (WHERE sla = 'over')::int AS sla_over
      FROM judged GROUP BY bucket, status_group_id
      ORDER BY bucket, status_group_id NULLS LAST`.execute(trx);
    const statuses = await sql<StatsRow & { group_id: number | null; status_id: number }>`
      WITH sel AS (${sel}), per_order AS (
        SELECT bucket, status_group_id, status_id, order_id, sum(s) AS s, count(*) AS n
        FROM sel WHERE s IS NOT NULL GROUP BY bucket, status_group_id, status_id, order_id)
      SELECT bucket, status_group_id AS group_id, status_id, ${stats}
      FROM per_order GROUP BY bucket, status_group_id, status_id
      ORDER BY bucket, status_group_id NULLS LAST, status_id`.execute(trx);
    const totals = await sql<DurationTotals & { bucket: string }>`
      WITH sel AS (${sel})
      SELECT bucket,
             count(DISTINCT order_id) FILTER (WHERE s IS NOT NULL)::int AS orders,
             count(*) FILTER (WHERE s IS NOT NULL)::int AS intervals,
             COALESCE(sum(s), 0)::float8 AS total_seconds,
             count(*) FILTER (WHERE open)::int AS open_intervals,
             count(*) FILTER (WHERE NOT open AND s IS NULL)::int AS unmeasured_intervals
      FROM sel GROUP BY bucket`.execute(trx);
    const cycles = await sql<Omit<CycleDurations, "cycles"> & { bucket: string; cycles: number }>`
      WITH c AS (
        SELECT ${bucket(sql`c.ended_at`)} AS bucket, c.rule_name, ${cycleMeasure} AS s
        FROM rm.order_cycle_metrics c
        JOIN rm.orders_current oc ON oc.project_id = c.project_id AND oc.order_id = c.order_id
        WHERE c.project_id = ${q.projectId} AND NOT c.is_open
          AND c.ended_at >= ${range.range_start} AND c.ended_at < ${range.range_end} ${cycleUrgency})
      SELECT bucket, rule_name, count(*)::int AS cycles, sum(s)::float8 AS total_seconds,
             avg(s)::float8 AS mean_seconds,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS median_seconds,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY s) AS p90_seconds
      FROM c WHERE s IS NOT NULL GROUP BY bucket, rule_name ORDER BY bucket, rule_name`.execute(trx);
    return { groups: groups.rows, statuses: statuses.rows, totals: totals.rows, cycles: cycles.rows };
  };

  const perBucket = options.periodOnly
    ? { groups: [], statuses: [], totals: [], cycles: [] }
    : await block(
        bucketOf,
        bucketRows.rows.map((b) => ({ bucket: b.bucket, end: b.end })),
      );
  const whole = await block(
    () => sql`${PERIOD}::text`,
    [{ bucket: PERIOD, end: options.periodJudgedAt ?? range.range_end }],
  );
  const dict = await statusDictionary(trx, q.projectId);
  const groupNames = new Map(dict.groups.map((g) => [g.group_id, g.name]));
  const statusNames = new Map(dict.statuses.map((s) => [`${s.group_id}:${s.status_id}`, s.name]));
  for (const s of dict.statuses) {
    if (!statusNames.has(`*:${s.status_id}`)) statusNames.set(`*:${s.status_id}`, s.name);
  }

  const stat = (r: StatsRow) => ({
    orders_visited: r.orders_visited,
    intervals: r.intervals,
    total_seconds: r.total_seconds,
    mean_seconds: r.mean_seconds,
    median_seconds: r.median_seconds,
    p90_seconds: r.p90_seconds,
  });
  const blockOf = (rows: Awaited<ReturnType<typeof block>>, key: string): DurationsBlock => {
    const totals = rows.totals.find((t) => t.bucket === key);
    const groups: GroupDurations[] = rows.groups
      .filter((g) => g.bucket === key)
      .map((g) => ({
        group_id: g.group_id,
        group_name: g.group_id === null ? null : (groupNames.get(g.group_id) ?? null),
        ...stat(g),
        sla: {
          judged: g.sla_judged,
          ok: g.sla_ok,
          near: g.sla_near,
          over: g.sla_over,
          ok_percent: percent(g.sla_ok, g.sla_judged),
          near_percent: percent(g.sla_near, g.sla_judged),
          over_percent: percent(g.sla_over, g.sla_judged),
        },
      }));
    const statuses: StatusDurations[] = rows.statuses
      .filter((s) => s.bucket === key)
      .map((s) => ({
        status_id: s.status_id,
        status_name:
          statusNames.get(`${s.group_id}:${s.status_id}`) ?? statusNames.get(`*:${s.status_id}`) ?? null,
        group_id: s.group_id,
        group_name: s.group_id === null ? null : (groupNames.get(s.group_id) ?? null),
        ...stat(s),
      }));
    const cycles: CycleDurations[] = rows.cycles
      .filter((c) => c.bucket === key)
      .map((c) => ({
        rule_name: c.rule_name,
        cycles: c.cycles,
        total_seconds: c.total_seconds,
        mean_seconds: c.mean_seconds,
        median_seconds: c.median_seconds,
        p90_seconds: c.p90_seconds,
      }));
    return {
      percentiles: EXACT_PERCENTILES,
      totals: {
        orders: totals?.orders ?? 0,
        intervals: totals?.intervals ?? 0,
        total_seconds: totals?.total_seconds ?? 0,
        open_intervals: totals?.open_intervals ?? 0,
        unmeasured_intervals: totals?.unmeasured_intervals ?? 0,
      },
      groups,
      statuses,
      cycles,
    };
  };

  return {
    timeZone: zone.id,
    rangeStart: range.range_start,
    rangeEnd: range.range_end,
    period: blockOf(whole, PERIOD),
    buckets: (options.periodOnly ? [] : bucketRows.rows).map((b) => ({
      bucket: b.bucket,
      start: b.start.toISOString(),
      end: b.end.toISOString(),
      ...blockOf(perBucket, b.bucket),
    })),
  };
}
