/**
 * Mergeable histograms of durations with a bounded relative error, and the local calendar buckets
 * (day, week, month, year) of an instant in a project's zone — what the analytics aggregates keep
 * per project × status/group × bucket × urgency (issue "Reads … that stay fast at scale", SPEC
 * "Order status analytics": mean / median / p90 per day, week or month).
 *
 * A histogram keeps counts per logarithmic bin of a duration in milliseconds: bin `i` holds the
 * values in `(γ^(i−1), γ^i]` with γ = {@link HISTOGRAM_GAMMA}, zero has its own bin. Every value of
 * a bin is represented by `2γ^i / (γ + 1)`, within `(γ − 1) / (γ + 1)` ≈ 0.99 % of it, so a
 * percentile read from merged histograms is within {@link HISTOGRAM_MAX_RELATIVE_ERROR} of the exact
 * one (Postgres `percentile_cont`: a linear interpolation of two order statistics, each within the
 * bound). Counts add and subtract, so a histogram is maintained by deltas and merged across buckets
 * and urgencies.
 */
import { offsetAt, type ResolvedTimeZone } from "./zone-offsets.js";

/** Ratio of consecutive bin edges. */
export const HISTOGRAM_GAMMA = 1.02;

/** The bound on the relative error of a percentile read from a histogram (stated in the answers). */
export const HISTOGRAM_MAX_RELATIVE_ERROR = 0.01;

/** Bin key of zero. */
const ZERO_BIN = "z";

const LOG_GAMMA = Math.log(HISTOGRAM_GAMMA);

/** A duration histogram: bin key (`"z"` for zero, else the bin index as text) → count of values. */
export type DurationHistogram = Record<string, number>;

/**
 * The bin key of a duration in milliseconds (≥ 0; a negative value counts as zero). Values of one
 * bin lie within a factor γ of each other.
 */
export function histogramBin(ms: number): string {
  if (!(ms > 0)) return ZERO_BIN;
  // The nudge keeps exact powers of γ in their own bin despite rounding in the logarithm.
  return String(Math.ceil(Math.log(ms) / LOG_GAMMA - 1e-9));
}

/** The value (ms) that stands for every value of bin `key`: `2γ^i / (γ + 1)`, 0 for the zero bin. */
export function histogramBinValue(key: string): number {
  if (key === ZERO_BIN) return 0;
  return (2 * HISTOGRAM_GAMMA ** Number(key)) / (HISTOGRAM_GAMMA + 1);
}

/**
 * Adds `count` (may be negative: a delta) to `ms`'s bin of `h` in place; a bin that reaches 0 is
 * removed, so equal multisets give equal objects.
 */
export function addToHistogram(h: DurationHistogram, ms: number, count = 1): void {
  addToBin(h, histogramBin(ms), count);
}

/** Adds `count` to bin `key` of `h` in place, removing a bin that reaches 0. */
export function addToBin(h: DurationHistogram, key: string, count: number): void {
  const n = (h[key] ?? 0) + count;
  if (n === 0) delete h[key];
  else h[key] = n;
}

/** Adds every count of `from` (times `sign`: 1 to merge, −1 to subtract) into `into` in place. */
export function mergeHistogram(into: DurationHistogram, from: DurationHistogram, sign: 1 | -1 = 1): void {
  for (const [key, n] of Object.entries(from)) addToBin(into, key, sign * n);
}

/**
 * The `p`-th percentile (0 ≤ p ≤ 1) of the values counted in `h`, in milliseconds, as Postgres
 * `percentile_cont(p)` computes it (linear interpolation between the order statistics at
 * `floor(p·(n−1))` and the next) with each order statistic replaced by its bin's value: within
 * {@link HISTOGRAM_MAX_RELATIVE_ERROR} of the exact answer. `null` for an empty histogram.
 * @throws RangeError when a bin holds a negative count (a delta applied without its base).
 */
export function histogramPercentile(h: DurationHistogram, p: number): number | null {
  const bins = Object.entries(h)
    .map(([key, n]) => ({ value: histogramBinValue(key), n }))
    .sort((a, b) => a.value - b.value);
  let total = 0;
  for (const b of bins) {
    if (b.n < 0) throw new RangeError(`histogramPercentile: negative count ${b.n}`);
    total += b.n;
  }
  if (total === 0) return null;
  const pos = p * (total - 1);
  const k = Math.floor(pos);
  const at = (rank: number): number => {
    let seen = 0;
    for (const b of bins) {
      seen += b.n;
      if (rank < seen) return b.value;
    }
    return bins[bins.length - 1]!.value;
  };
  const lo = at(k);
  const frac = pos - k;
  return frac === 0 ? lo : lo + frac * (at(k + 1) - lo);
}

/** The granularities of the analytics buckets: local day, week (from Monday), month, year. */
export type BucketGranularity = "day" | "week" | "month" | "year";

/** Every {@link BucketGranularity}, finest first. */
export const BUCKET_GRANULARITIES: readonly BucketGranularity[] = ["day", "week", "month", "year"];

/** A local calendar date `YYYY-MM-DD`. */
function isoDate(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

/** The local date (`YYYY-MM-DD`) of instant `ms` in `zone`. */
export function localDateOf(ms: number, zone: ResolvedTimeZone): string {
  return new Date(ms + offsetAt(zone, ms)).toISOString().slice(0, 10);
}

/**
 * The first local day (`YYYY-MM-DD`) of the `granularity` bucket holding local day `date`: the day
 * itself, the Monday of its week, the 1st of its month or January 1 — Postgres `date_trunc`.
 */
export function bucketStartOf(date: string, granularity: BucketGranularity): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  switch (granularity) {
    case "day":
      return date;
    case "week": {
      const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
      return isoDate(y, m, d - ((weekday + 6) % 7));
    }
    case "month":
      return isoDate(y, m, 1);
    case "year":
      return isoDate(y, 1, 1);
  }
}

/** The first local day of the bucket after the `granularity` bucket starting on `start`. */
export function nextBucketStart(start: string, granularity: BucketGranularity): string {
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7));
  const d = Number(start.slice(8, 10));
  switch (granularity) {
    case "day":
      return isoDate(y, m, d + 1);
    case "week":
      return isoDate(y, m, d + 7);
    case "month":
      return isoDate(y, m + 1, 1);
    case "year":
      return isoDate(y + 1, 1, 1);
  }
}

/**
 * The instant (ms) of local midnight starting day `date` in `zone` — Postgres
 * `date::timestamp AT TIME ZONE zone` (a midnight skipped by a DST change maps forward).
 */
export function localMidnightMs(date: string, zone: ResolvedTimeZone): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const guess = wall - offsetAt(zone, wall);
  return wall - offsetAt(zone, guess);
}
