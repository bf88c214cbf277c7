import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createAnalystMetrics } from "./analyst.metrics.js";

const T0 = Date.UTC(2026, 10, 12, 6, 0, 0);

describe("analyst metrics", () => {
  test("given no result yet, when read, then means are null, not 0", () => {
    const m = createAnalystMetrics(T0).snapshot(T0);
    assert.equal(m.mean_score, null);
    assert.equal(m.mean_duration_ms, null);
    assert.equal(m.analyses_per_minute, 0);
    assert.equal(m.since, "2026-11-12T06:00:00.000Z");
  });

  test("given scored and failed results, when read, then the mean score counts scored ones only and tokens add up", () => {
    const m = createAnalystMetrics(T0);
    m.scored({ score: 75, interest: "hot", durationMs: 1000, promptTokens: 900, completionTokens: 150 });
    m.scored({ score: 30, interest: "cold", durationMs: 3000, promptTokens: 100, completionTokens: 50 });
    m.failed({ code: "timeout", promptTokens: 0, completionTokens: 0 });
    m.failed({ code: "timeout", promptTokens: 10, completionTokens: 0 });
    const s = m.snapshot(T0);
    assert.equal(s.mean_score, 52.5);
    assert.equal(s.mean_duration_ms, 2000);
    assert.deepEqual(s.interest, { hot: 1, warm: 0, cold: 1 });
    assert.deepEqual(s.failed_by_code, { timeout: 2 });
    assert.deepEqual(s.tokens, { prompt: 1010, completion: 200 });
  });

  test("given publishes over time, when read, then analyses per minute counts the last 60 s only", () => {
    const m = createAnalystMetrics(T0);
    m.published({ duplicate: false, atMs: T0 });
    m.published({ duplicate: true, atMs: T0 + 30_000 });
    m.published({ duplicate: false, atMs: T0 + 59_000 });
    assert.equal(m.snapshot(T0 + 59_000).analyses_per_minute, 3);
    // At T0 + 60 s the first publish is exactly a minute old: out of the window.
    assert.equal(m.snapshot(T0 + 60_000).analyses_per_minute, 2);
    const s = m.snapshot(T0 + 120_000);
    assert.equal(s.analyses_per_minute, 0);
    assert.equal(s.published, 3);
    assert.equal(s.duplicates, 1);
  });
});
