/**
 * The analytics aggregates' pure rules (`rm.order_duration_stats`): the cells one order adds per
 * local day / week / month / year × status group / status / cycle rule × urgency × basis, and their
 * sums — what the projector maintains (`order-duration-stats.projection.ts`) and the analytics read
 * instead of re-aggregating every interval (SPEC "Order status analytics"; the rules are those of
 * the per-interval SQL in `services/query/src/analytics/analytics.intervals.ts`):
 * - intervals count in the bucket of the local day of `started_at`; an open one is only counted
 *   (`open_intervals`); a closed one is measured by `working_seconds` (basis `working`; without one
 *   it is `unmeasured`) or `ended_at − started_at` (basis `wall`);
 * - per bucket and group (and group + status), an order's time is the sum of its measured intervals
 *   there: `orders` counts the orders, `histogram` keeps their sums, `total_ms` the total;
 * - cycles count closed, measured ones by the local day of `ended_at`, with the order's urgency;
 * - per bucket and group, the order's SLA state in the group at the bucket's end (`near_at` /
 *   `over_at` of its group SLA row, inclusive).
 * Durations are whole milliseconds, so sums are exact and independent of the order of additions
 * (the live store and a replay give identical rows).
 */
import {
  addToHistogram,
  BUCKET_GRANULARITIES,
  type BucketGranularity,
  bucketStartOf,
  type DurationHistogram,
  localDateOf,
  localMidnightMs,
  mergeHistogram,
  nextBucketStart,
} from "./duration-histogram.js";
import { type ResolvedTimeZone, resolveTimeZone } from "./zone-offsets.js";

/** Gets `map[key]`, creating it with `make` when absent. */
function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/**
 * A `rm.order_duration_stats` row: `bucket` as `YYYY-MM-DD`, `histogram` as JSON text of a
 * {@link DurationHistogram} (bins in a stable order).
 */
export interface DurationStatsRow {
  project_id: string;
  granularity: string;
  bucket: string;
  dimension: string;
  group_id: number;
  status_id: number;
  cycle_rule: string;
  is_urgent: boolean;
  basis: string;
  orders: number;
  intervals: number;
  total_ms: number;
  open_intervals: number;
  unmeasured_intervals: number;
  histogram: string;
  sla_judged: number;
  sla_ok: number;
  sla_near: number;
  sla_over: number;
}

/** The duration bases of the aggregates (the analytics `basis`). */
export const DURATION_BASES = ["working", "wall"] as const;
/** A duration basis of the aggregates. */
export type DurationBasis = (typeof DURATION_BASES)[number];

/** Stand-in for an unknown or not applicable group / status id in the key. */
export const NO_ID = -1;

/**
 * What an order's contribution is computed from: its intervals, group SLA rows and cycles (as the
 * projector writes them: times as ISO-8601 strings) and its current urgency (`orders_current`).
 */
export interface OrderStatsInput {
  readonly intervals: readonly {
    readonly status_id: number;
    readonly status_group_id: number | null;
    readonly started_at: string;
    readonly ended_at: string | null;
    /** Wall-clock seconds of a closed interval as the projector stored it (null while open). */
    readonly duration_seconds: number | null;
    readonly working_seconds: number | null;
    readonly is_urgent: boolean;
  }[];
  readonly groups: readonly {
    readonly group_id: number;
    readonly limit_seconds: number | null;
    readonly near_at: string | null;
    readonly over_at: string | null;
  }[];
  readonly cycles: readonly {
    readonly rule_name: string;
    readonly ended_at: string | null;
    readonly wall_seconds: number | null;
    readonly working_seconds: number | null;
    readonly is_open: boolean;
  }[];
  readonly isUrgent: boolean;
}

/** One cell of the aggregates (a row without its key), mutable while it is being added up. */
export interface StatsCell {
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

/** A cell counting nothing. */
export const emptyStatsCell = (): StatsCell => ({
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

/** The key of a cell inside one project (the primary key without `project_id`). */
export interface CellKey {
  readonly granularity: BucketGranularity;
  readonly bucket: string;
  readonly dimension: "total" | "group" | "status" | "cycle";
  readonly groupId: number;
  readonly statusId: number;
  readonly cycleRule: string;
  readonly isUrgent: boolean;
  readonly basis: DurationBasis;
}

/** The text of a cell key (map key). */
export const cellKeyText = (k: CellKey): string =>
  `${k.granularity}|${k.bucket}|${k.dimension}|${k.groupId}|${k.statusId}|${k.cycleRule}|${k.isUrgent ? 1 : 0}|${k.basis}`;

/** A contribution or an accumulation: key text → key and cell. */
export type Cells = Map<string, { key: CellKey; cell: StatsCell }>;

/**
 * Local buckets of instants in one zone, cached: the `granularity` bucket start of the local day of
 * an instant and the instant a bucket ends.
 */
export class ZoneBuckets {
  private readonly days = new Map<string, string>();
  private readonly ends = new Map<string, number>();

  /** @param zone the project's zone (an invalid one should have been replaced by UTC). */
  constructor(readonly zone: ResolvedTimeZone) {}

  /** The zone of a project's `time_zone` text: the resolved zone, UTC when it is not valid (as the reads do). */
  static of(timeZone: string | null | undefined): ZoneBuckets {
    try {
      return new ZoneBuckets(resolveTimeZone(timeZone ?? "UTC"));
    } catch {
      return new ZoneBuckets({ id: "UTC", fixedOffsetMs: 0 });
    }
  }

  /** The local day of an ISO-8601 instant. */
  dayOf(iso: string): string {
    let d = this.days.get(iso);
    if (d === undefined) {
      d = localDateOf(Date.parse(iso), this.zone);
      this.days.set(iso, d);
    }
    return d;
  }

  /** The end instant (ms) of the `granularity` bucket starting on `start`. */
  endOf(start: string, granularity: BucketGranularity): number {
    const k = `${granularity}|${start}`;
    let e = this.ends.get(k);
    if (e === undefined) {
      e = localMidnightMs(nextBucketStart(start, granularity), this.zone);
      this.ends.set(k, e);
    }
    return e;
  }
}

const ms = (seconds: number): number => Math.round(seconds * 1000);

/**
 * The SLA state of a group row at instant `atMs` (`groupSlaStateAt` of the reads): `null` without a
 * row or limit, `over` from `over_at`, `near` from `near_at`, else `ok`.
 */
function slaStateAt(
  g: OrderStatsInput["groups"][number] | undefined,
  atMs: number,
): "ok" | "near" | "over" | null {
  if (!g || g.limit_seconds === null) return null;
  if (g.over_at !== null && Date.parse(g.over_at) <= atMs) return "over";
  if (g.near_at !== null && Date.parse(g.near_at) <= atMs) return "near";
  return "ok";
}

/**
 * The cells one order adds to its project's aggregates (see the module comment for the rules).
 * Pure; `buckets` carries the project's zone.
 */
export function orderContribution(input: OrderStatsInput, buckets: ZoneBuckets): Cells {
  const out: Cells = new Map();
  const cell = (key: CellKey): StatsCell =>
    getOrCreate(out, cellKeyText(key), () => ({ key, cell: emptyStatsCell() })).cell;
  const slaByGroup = new Map(input.groups.map((g) => [g.group_id, g]));
  for (const granularity of BUCKET_GRANULARITIES) {
    for (const basis of DURATION_BASES) {
      // bucket → group → status → per-order sum (ms) and intervals; bucket → measured intervals
      const perGroup = new Map<string, Map<number, { ms: number; n: number }>>();
      const perStatus = new Map<
        string,
        Map<string, { groupId: number; statusId: number; ms: number; n: number }>
      >();
      for (const iv of input.intervals) {
        const bucket = bucketStartOf(buckets.dayOf(iv.started_at), granularity);
        const base = {
          granularity,
          bucket,
          cycleRule: "",
          isUrgent: iv.is_urgent,
          basis,
        };
        const total = cell({ ...base, dimension: "total", groupId: NO_ID, statusId: NO_ID });
        if (iv.ended_at === null) {
          total.openIntervals += 1;
          continue;
        }
        const s =
          basis === "working"
            ? iv.working_seconds === null
              ? null
              : ms(iv.working_seconds)
            : Date.parse(iv.ended_at) - Date.parse(iv.started_at);
        if (s === null) {
          total.unmeasuredIntervals += 1;
          continue;
        }
        total.intervals += 1;
        total.totalMs += s;
        const groupId = iv.status_group_id ?? NO_ID;
        const g = getOrCreate(
          getOrCreate(perGroup, bucket, () => new Map()),
          groupId,
          () => ({ ms: 0, n: 0 }),
        );
        g.ms += s;
        g.n += 1;
        const st = getOrCreate(
          getOrCreate(perStatus, bucket, () => new Map()),
          `${groupId}:${iv.status_id}`,
          () => ({
            groupId,
            statusId: iv.status_id,
            ms: 0,
            n: 0,
          }),
        );
        st.ms += s;
        st.n += 1;
      }
      // An order's intervals share its urgency, so one urgency per order.
      const isUrgent = input.intervals[0]?.is_urgent ?? input.isUrgent;
      for (const [bucket, groups] of perGroup) {
        const end = buckets.endOf(bucket, granularity);
        const base = { granularity, bucket, cycleRule: "", isUrgent, basis, statusId: NO_ID };
        cell({ ...base, dimension: "total", groupId: NO_ID }).orders += 1;
        for (const [groupId, sum] of groups) {
          const c = cell({ ...base, dimension: "group", groupId });
          c.orders += 1;
          c.intervals += sum.n;
          c.totalMs += sum.ms;
          addToHistogram(c.histogram, sum.ms);
          const state = groupId === NO_ID ? null : slaStateAt(slaByGroup.get(groupId), end);
          if (state !== null) {
            c.slaJudged += 1;
            if (state === "ok") c.slaOk += 1;
            else if (state === "near") c.slaNear += 1;
            else c.slaOver += 1;
          }
        }
      }
      for (const [bucket, statuses] of perStatus) {
        for (const sum of statuses.values()) {
          const c = cell({
            granularity,
            bucket,
            dimension: "status",
            groupId: sum.groupId,
            statusId: sum.statusId,
            cycleRule: "",
            isUrgent,
            basis,
          });
          c.orders += 1;
          c.intervals += sum.n;
          c.totalMs += sum.ms;
          addToHistogram(c.histogram, sum.ms);
        }
      }
      for (const cy of input.cycles) {
        if (cy.is_open || cy.ended_at === null) continue;
        const seconds = basis === "working" ? cy.working_seconds : cy.wall_seconds;
        if (seconds === null) continue;
        const c = cell({
          granularity,
          bucket: bucketStartOf(buckets.dayOf(cy.ended_at), granularity),
          dimension: "cycle",
          groupId: NO_ID,
          statusId: NO_ID,
          cycleRule: cy.rule_name,
          isUrgent: input.isUrgent,
          basis,
        });
        c.orders += 1;
        c.totalMs += ms(seconds);
        addToHistogram(c.histogram, ms(seconds));
      }
    }
  }
  return out;
}

/** Adds `from` (times `sign`) into `into`, cell by cell. */
export function addCells(into: Cells, from: Cells, sign: 1 | -1): void {
  for (const [k, { key, cell }] of from) {
    const c = getOrCreate(into, k, () => ({ key, cell: emptyStatsCell() })).cell;
    c.orders += sign * cell.orders;
    c.intervals += sign * cell.intervals;
    c.totalMs += sign * cell.totalMs;
    c.openIntervals += sign * cell.openIntervals;
    c.unmeasuredIntervals += sign * cell.unmeasuredIntervals;
    mergeHistogram(c.histogram, cell.histogram, sign);
    c.slaJudged += sign * cell.slaJudged;
    c.slaOk += sign * cell.slaOk;
    c.slaNear += sign * cell.slaNear;
    c.slaOver += sign * cell.slaOver;
  }
}

/** True when a cell counts nothing (its row is deleted / not written). */
export function isEmptyCell(c: StatsCell): boolean {
  return (
    c.orders === 0 &&
    c.intervals === 0 &&
    c.totalMs === 0 &&
    c.openIntervals === 0 &&
    c.unmeasuredIntervals === 0 &&
    c.slaJudged === 0 &&
    c.slaOk === 0 &&
    c.slaNear === 0 &&
    c.slaOver === 0 &&
    Object.keys(c.histogram).length === 0
  );
}

/** JSON of a histogram with its bins in a stable order (equal histograms, equal text). */
export function histogramJson(h: DurationHistogram): string {
  const keys = Object.keys(h).sort();
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, h[k]])));
}

/** The row of one cell of project `projectId`. */
export function durationStatsRowOf(projectId: string, key: CellKey, c: StatsCell): DurationStatsRow {
  return {
    project_id: projectId,
    granularity: key.granularity,
    bucket: key.bucket,
    dimension: key.dimension,
    group_id: key.groupId,
    status_id: key.statusId,
    cycle_rule: key.cycleRule,
    is_urgent: key.isUrgent,
    basis: key.basis,
    orders: c.orders,
    intervals: c.intervals,
    total_ms: c.totalMs,
    open_intervals: c.openIntervals,
    unmeasured_intervals: c.unmeasuredIntervals,
    histogram: histogramJson(c.histogram),
    sla_judged: c.slaJudged,
    sla_ok: c.slaOk,
    sla_near: c.slaNear,
    sla_over: c.slaOver,
  };
}

/**
 * The replay's (and a project recompute's) store of the aggregates: every order's contribution
 * added per project, then written as rows.
 */
export class DurationStatsAccumulator {
  private readonly projects = new Map<string, { buckets: ZoneBuckets; cells: Cells; kpi: KpiCells }>();

  /**
   * Adds one order's contribution to project `projectId` whose zone is `timeZone` (the project's
   * `time_zone`; the first call per project fixes it).
   */
  add(projectId: string, timeZone: string | null | undefined, input: OrderStatsInput): void {
    const p = getOrCreate(this.projects, projectId, () => ({
      buckets: ZoneBuckets.of(timeZone),
      cells: new Map(),
      kpi: new Map(),
    }));
    addCells(p.cells, orderContribution(input, p.buckets), 1);
    addKpiCells(p.kpi, orderKpiContribution(input), 1);
  }

  /** Every non-empty `rm.order_duration_stats` row, per project in insertion order. */
  *rows(): Generator<DurationStatsRow> {
    for (const [projectId, { cells }] of this.projects) {
      for (const { key, cell } of cells.values())
        if (!isEmptyCell(cell)) yield durationStatsRowOf(projectId, key, cell);
    }
  }

  /** Every non-empty `rm.order_group_kpi` row, per project in insertion order. */
  *kpiRows(): Generator<GroupKpiRow> {
    for (const [projectId, { kpi }] of this.projects) {
      for (const [groupId, cell] of kpi)
        if (!isEmptyKpiCell(cell)) yield groupKpiRowOf(projectId, groupId, cell);
    }
  }
}

/** A `rm.order_group_kpi` row (see its declaration): counters of one project and status group. */
export interface GroupKpiRow {
  project_id: string;
  group_id: number;
  orders_now: number;
  orders_visited: number;
  closed_ms: number;
  open_intervals: number;
  open_started_ms: number;
}

/** The counters of one group (a row without its key), mutable while being added up. */
export interface KpiCell {
  ordersNow: number;
  ordersVisited: number;
  closedMs: number;
  openIntervals: number;
  openStartedMs: number;
}

/** KPI cells by group id ({@link NO_ID} = unknown group). */
export type KpiCells = Map<number, KpiCell>;

const emptyKpiCell = (): KpiCell => ({
  ordersNow: 0,
  ordersVisited: 0,
  closedMs: 0,
  openIntervals: 0,
  openStartedMs: 0,
});

/**
 * The board KPI counters one order adds per status group (the rules of the per-interval KPI in
 * `services/query/src/orders/orders.repository.ts`): it visited every group it has an interval in;
 * it is now in the group of its latest interval; a closed interval adds its `duration_seconds`
 * (else `ended_at − started_at`) in ms, an open one its count and `started_at` in epoch ms.
 * `input.intervals` are in `seq` order. Pure.
 */
export function orderKpiContribution(input: OrderStatsInput): KpiCells {
  const out: KpiCells = new Map();
  for (const iv of input.intervals) {
    const c = getOrCreate(out, iv.status_group_id ?? NO_ID, emptyKpiCell);
    if (iv.ended_at === null) {
      c.openIntervals += 1;
      c.openStartedMs += Date.parse(iv.started_at);
    } else {
      c.closedMs +=
        iv.duration_seconds === null
          ? Date.parse(iv.ended_at) - Date.parse(iv.started_at)
          : Math.round(iv.duration_seconds * 1000);
    }
  }
  for (const c of out.values()) c.ordersVisited = 1;
  const last = input.intervals[input.intervals.length - 1];
  if (last) getOrCreate(out, last.status_group_id ?? NO_ID, emptyKpiCell).ordersNow = 1;
  return out;
}

/** Adds `from` (times `sign`) into `into`, group by group. */
export function addKpiCells(into: KpiCells, from: KpiCells, sign: 1 | -1): void {
  for (const [groupId, cell] of from) {
    const c = getOrCreate(into, groupId, emptyKpiCell);
    c.ordersNow += sign * cell.ordersNow;
    c.ordersVisited += sign * cell.ordersVisited;
    c.closedMs += sign * cell.closedMs;
    c.openIntervals += sign * cell.openIntervals;
    c.openStartedMs += sign * cell.openStartedMs;
  }
}

/** True when a KPI cell counts nothing (its row is deleted / not written). */
export function isEmptyKpiCell(c: KpiCell): boolean {
  return (
    c.ordersNow === 0 &&
    c.ordersVisited === 0 &&
    c.closedMs === 0 &&
    c.openIntervals === 0 &&
    c.openStartedMs === 0
  );
}

/** The row of one KPI cell of project `projectId`. */
export function groupKpiRowOf(projectId: string, groupId: number, c: KpiCell): GroupKpiRow {
  return {
    project_id: projectId,
    group_id: groupId,
    orders_now: c.ordersNow,
    orders_visited: c.ordersVisited,
    closed_ms: c.closedMs,
    open_intervals: c.openIntervals,
    open_started_ms: c.openStartedMs,
  };
}
