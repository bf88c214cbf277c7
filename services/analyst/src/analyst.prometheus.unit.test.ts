import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createAnalystMetrics } from "./analyst.metrics.js";
import { createAnalystRegistry, withPrometheus } from "./analyst.prometheus.js";

describe("withPrometheus", () => {
  test("every recorded fact counts in the registry and in the in-memory snapshot", async () => {
    const registry = createAnalystRegistry();
    const inner = createAnalystMetrics(0);
    const m = withPrometheus(inner, registry);
    m.runStarted();
    m.scored({ score: 80, interest: "hot", durationMs: 1500, promptTokens: 100, completionTokens: 20 });
    m.scored({ score: 40, interest: "cold", durationMs: 500, promptTokens: 50, completionTokens: 10 });
    m.failed({ code: "timeout", promptTokens: 30, completionTokens: 0 });
    m.skipped(3);
    m.published({ duplicate: false, atMs: 1000 });
    m.publishFailed();
    m.runFinished();

    const text = await registry.metrics();
    const has = (line: string) => assert.ok(text.split("\n").includes(line), `missing: ${line}\n${text}`);
    has('pulse_analyst_dialogs_total{result="scored",service="analyst"} 2');
    has('pulse_analyst_dialogs_total{result="failed",service="analyst"} 1');
    has('pulse_analyst_dialogs_total{result="skipped",service="analyst"} 3');
    has('pulse_analyst_failures_total{code="timeout",service="analyst"} 1');
    has('pulse_analyst_publish_failures_total{service="analyst"} 1');
    has('pulse_analyst_tokens_total{kind="prompt",service="analyst"} 180');
    has('pulse_analyst_tokens_total{kind="completion",service="analyst"} 30');
    has('pulse_analyst_interest_total{interest="hot",service="analyst"} 1');
    has('pulse_analyst_dialog_duration_seconds_count{service="analyst"} 2');
    has('pulse_analyst_dialog_duration_seconds_sum{service="analyst"} 2');
    has('pulse_analyst_runs_total{phase="started",service="analyst"} 1');
    has('pulse_analyst_runs_total{phase="finished",service="analyst"} 1');

    const snap = m.snapshot(1000);
    assert.equal(snap.scored, 2);
    assert.equal(snap.failed, 1);
    assert.equal(snap.skipped, 3);
    assert.equal(snap.publish_failures, 1);
    assert.deepEqual(snap.tokens, { prompt: 180, completion: 30 });
  });
});
