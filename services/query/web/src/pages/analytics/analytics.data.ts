/**
 * Shaping of `GET /api/analytics/status-durations` answers for the Analytics page's charts and
 * tables. Pure: no DOM, no fetch.
 */

/** Time statistics of one status, group or the whole period, as the API answers them (seconds). */
export interface DurationStats {
  orders_visited: number;
  intervals: number;
  total_seconds: number;
  mean_seconds: number;
  median_seconds: number;
  p90_seconds: number;
}

/** Which statistic a chart plots. */
export type Metric = "mean_seconds" | "median_seconds" | "p90_seconds" | "total_seconds";

/** A group of the answer (`group_id` null = unknown group). */
export interface GroupLike extends DurationStats {
  group_id: number | null;
  group_name: string | null;
}

/** A bucket of the answer. */
export interface BucketLike {
  bucket: string;
  groups: GroupLike[];
  cycles: {
    rule_name: string;
    cycles: number;
    mean_seconds: number;
    median_seconds: number;
    p90_seconds: number;
    total_seconds: number;
  }[];
  totals: { orders: number; intervals: number; total_seconds: number; open_intervals: number };
}

/** The key of a group in series and tables: its id, or `unknown`. */
export function groupKey(g: { group_id: number | null }): string {
  return g.group_id === null ? "unknown" : String(g.group_id);
}

/** One line of a chart: a label, and per bucket the value (null when nothing was measured) and its denominator. */
export interface Series {
  key: string;
  label: string;
  points: { bucket: string; value: number | null; count: number }[];
}

/**
 * Per status group, `metric` in every bucket (in bucket order): `null` where the group had no
 * measured interval in the bucket (a gap, not a zero), with `orders_visited` as the count.
 * Groups are listed in the order of the whole period's `groups` (`periodGroups`), then any that
 * only buckets name.
 */
export function groupSeries(
  buckets: readonly BucketLike[],
  periodGroups: readonly GroupLike[],
  metric: Metric,
  unknownLabel: string,
): Series[] {
  const order: { key: string; label: string }[] = [];
  const seen = new Set<string>();
  const note = (g: GroupLike) => {
    const key = groupKey(g);
    if (seen.has(key)) return;
    seen.add(key);
    order.push({ key, label: g.group_name ?? (g.group_id === null ? unknownLabel : `#${g.group_id}`) });
  };
  for (const g of periodGroups) note(g);
  for (const b of buckets) for (const g of b.groups) note(g);
  return order.map(({ key, label }) => ({
    key,
    label,
    points: buckets.map((b) => {
      const g = b.groups.find((x) => groupKey(x) === key);
      return g === undefined || g.orders_visited === 0
        ? { bucket: b.bucket, value: null, count: 0 }
        : { bucket: b.bucket, value: g[metric], count: g.orders_visited };
    }),
  }));
}

/** Per cycle rule, `metric` of the cycles that ended in each bucket (null = none ended there). */
export function cycleSeries(buckets: readonly BucketLike[], metric: Metric): Series[] {
  const names = [...new Set(buckets.flatMap((b) => b.cycles.map((c) => c.rule_name)))].sort();
  return names.map((name) => ({
    key: name,
    label: name,
    points: buckets.map((b) => {
      const c = b.cycles.find((x) => x.rule_name === name);
      return c === undefined || c.cycles === 0
        ? { bucket: b.bucket, value: null, count: 0 }
        : { bucket: b.bucket, value: c[metric], count: c.cycles };
    }),
  }));
}

/** A row of the normal-vs-urgent table: one group's statistic for each urgency. */
export interface UrgencyRow {
  key: string;
  label: string;
  normal: DurationStats | null;
  urgent: DurationStats | null;
}

/**
 * Rows of the normal-vs-urgent comparison: every group of either answer (normal's order first),
 * with its statistics for normal and urgent orders (`null` where the group had none).
 */
export function urgencyRows(
  normal: readonly GroupLike[],
  urgent: readonly GroupLike[],
  unknownLabel: string,
): UrgencyRow[] {
  const rows = new Map<string, UrgencyRow>();
  const label = (g: GroupLike) => g.group_name ?? (g.group_id === null ? unknownLabel : `#${g.group_id}`);
  for (const g of normal)
    rows.set(groupKey(g), { key: groupKey(g), label: label(g), normal: g, urgent: null });
  for (const g of urgent) {
    const row = rows.get(groupKey(g));
    if (row) row.urgent = g;
    else rows.set(groupKey(g), { key: groupKey(g), label: label(g), normal: null, urgent: g });
  }
  return [...rows.values()];
}

/**
 * The series as chart rows, one per bucket: `{bucket, [series key]: value}` (a missing value is
 * left out, so the chart shows a gap rather than a zero).
 */
export function chartRows(series: readonly Series[]): Record<string, string | number>[] {
  const first = series[0];
  if (first === undefined) return [];
  return first.points.map((p, i) => {
    const row: Record<string, string | number> = { bucket: p.bucket };
    for (const s of series) {
      const value = s.points[i]?.value;
      if (value !== null && value !== undefined) row[s.key] = value;
    }
    return row;
  });
}

/** `date` (`YYYY-MM-DD`) moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/** Colours of chart series, in order (distinguishable, and readable on white). */
const SERIES_COLOURS = [
  "#2456c7",
  "#c62f2f",
  "#1f8a4c",
  "#c98a00",
  "#7b3fb5",
  "#0f8a99",
  "#b5427b",
  "#5d6677",
] as const;

/** The colour of the `index`-th series. */
export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? "#2456c7";
}
