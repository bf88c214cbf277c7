import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addToHistogram,
  bucketStartOf,
  type DurationHistogram,
  HISTOGRAM_MAX_RELATIVE_ERROR,
  histogramBin,
  histogramBinValue,
  histogramPercentile,
  localDateOf,
  localMidnightMs,
  mergeHistogram,
  nextBucketStart,
} from "./duration-histogram.js";
import { resolveTimeZone } from "./zone-offsets.js";

/** `percentile_cont(p)` of `values` (what Postgres computes). */
function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const k = Math.floor(pos);
  const lo = sorted[k]!;
  return pos === k ? lo : lo + (pos - k) * (sorted[k + 1]! - lo);
}

/** A deterministic pseudo-random sequence in [0, 1) (no machine dependence). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("duration histogram", () => {
  test("given any positive duration, when binned, then the bin's value is within 1 % of it", () => {
    for (const ms of [1, 2, 999, 1000, 1001, 59_999, 3_600_000, 86_400_000 * 400, 1.02 ** 100]) {
      const v = histogramBinValue(histogramBin(ms));
      assert.ok(Math.abs(v - ms) / ms <= HISTOGRAM_MAX_RELATIVE_ERROR, `${ms} → ${v}`);
    }
    assert.equal(histogramBinValue(histogramBin(0)), 0);
  });

  test("given 2,000 skewed durations, when percentiles are read, then each is within 1 % of percentile_cont", () => {
    const rnd = lcg(7);
    const values: number[] = [];
    const h: DurationHistogram = {};
    for (let i = 0; i < 2000; i++) {
      const ms = Math.round(1000 * Math.exp(12 * rnd()));
      values.push(ms);
      addToHistogram(h, ms);
    }
    for (const p of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
      const exact = exactPercentile(values, p);
      const approx = histogramPercentile(h, p)!;
      assert.ok(
        Math.abs(approx - exact) / exact <= HISTOGRAM_MAX_RELATIVE_ERROR,
        `p${p}: ${approx} vs ${exact}`,
      );
    }
  });

  test("given two histograms, when merged and the second subtracted again, then the first is back exactly", () => {
    const a: DurationHistogram = {};
    const b: DurationHistogram = {};
    for (const ms of [0, 5, 5_000, 70_000]) addToHistogram(a, ms);
    for (const ms of [5, 9_000_000]) addToHistogram(b, ms);
    const m: DurationHistogram = { ...a };
    mergeHistogram(m, b);
    assert.equal(histogramPercentile(m, 1)! > histogramPercentile(a, 1)!, true);
    mergeHistogram(m, b, -1);
    assert.deepEqual(m, a);
  });

  test("given an empty histogram, when a percentile is read, then null", () => {
    assert.equal(histogramPercentile({}, 0.5), null);
  });

  test("given one value between two ranks, when p50 of two values, then the interpolation of their bins", () => {
    const h: DurationHistogram = {};
    addToHistogram(h, 1000);
    addToHistogram(h, 3000);
    const m = histogramPercentile(h, 0.5)!;
    assert.ok(Math.abs(m - 2000) / 2000 <= HISTOGRAM_MAX_RELATIVE_ERROR);
  });
});

describe("local buckets", () => {
  const kyiv = resolveTimeZone("Europe/Kyiv");
  test("given 2026-03-01T21:59Z in Kyiv (UTC+2), when the local day is taken, then 2026-03-01; at 22:00Z then 2026-03-02", () => {
    assert.equal(localDateOf(Date.parse("2026-03-01T21:59:59.999Z"), kyiv), "2026-03-01");
    assert.equal(localDateOf(Date.parse("2026-03-01T22:00:00.000Z"), kyiv), "2026-03-02");
  });

  test("given a Sunday, when truncated, then its week starts on the Monday before (Postgres date_trunc)", () => {
    assert.equal(bucketStartOf("2026-03-08", "week"), "2026-03-02");
    assert.equal(bucketStartOf("2026-03-02", "week"), "2026-03-02");
    assert.equal(bucketStartOf("2026-03-08", "month"), "2026-03-01");
    assert.equal(bucketStartOf("2026-03-08", "year"), "2026-01-01");
    assert.equal(nextBucketStart("2026-12-28", "week"), "2027-01-04");
    assert.equal(nextBucketStart("2026-12-01", "month"), "2027-01-01");
  });

  test("given the night Kyiv moves to summer time, when the next local midnight is taken, then it is 21:00Z", () => {
    assert.equal(new Date(localMidnightMs("2026-03-29", kyiv)).toISOString(), "2026-03-28T22:00:00.000Z");
    assert.equal(new Date(localMidnightMs("2026-03-30", kyiv)).toISOString(), "2026-03-29T21:00:00.000Z");
    assert.equal(
      new Date(localMidnightMs("2026-03-30", resolveTimeZone("+05:00"))).toISOString(),
      "2026-03-29T19:00:00.000Z",
    );
  });
});
