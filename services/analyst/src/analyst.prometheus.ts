/**
 * Prometheus export of the analyst's metrics (README "Metrics and alerts"): wraps the in-memory
 * recorder of `analyst.metrics.ts` so that every recorded fact also counts in a prom-client
 * registry, served by the analyst's ops listener (`/metrics`, see `main.ts`). Rates (dialogs per
 * minute) are Prometheus' `rate()` over the counters. No per-dialog or per-project labels.
 */
import { createMetricsRegistry } from "@pulse/infra";
import { Counter, Histogram, type Registry } from "prom-client";
import type { AnalystMetricsRecorder } from "./analyst.metrics.js";

/** Creates the analyst's registry (process metrics and `service="analyst"`). */
export function createAnalystRegistry(): Registry {
  return createMetricsRegistry("analyst");
}

/**
 * Returns a recorder that forwards to `recorder` and counts in `registry`:
 * - `pulse_analyst_dialogs_total{result}`: dialogs `scored`, `failed` (a published failure
 *   result) or `skipped`;
 * - `pulse_analyst_failures_total{code}`: failure results by code (`budget_exhausted`,
 *   `invalid_output`, `timeout`, …), and `pulse_analyst_publish_failures_total`: results that could
 *   not be published;
 * - `pulse_analyst_dialog_duration_seconds`: analysis time of a scored dialog (waiting for a model
 *   slot included);
 * - `pulse_analyst_tokens_total{kind}`: LLM tokens (`prompt` | `completion`);
 * - `pulse_analyst_interest_total{interest}`: scored dialogs per interest level;
 * - `pulse_analyst_runs_total{phase}`: runs `started` / `finished`.
 * Call once per registry (metric names are registered on it).
 */
export function withPrometheus(recorder: AnalystMetricsRecorder, registry: Registry): AnalystMetricsRecorder {
  const dialogs = new Counter({
    name: "pulse_analyst_dialogs_total",
    help: "Dialogs analysed by result: scored, failed, skipped",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: "pulse_analyst_failures_total",
    help: "Dialog analyses that ended in a failure result, by code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const publishFailures = new Counter({
    name: "pulse_analyst_publish_failures_total",
    help: "Analysis results that could not be published to JetStream (the dialog is analysed again later)",
    registers: [registry],
  });
  const duration = new Histogram({
    name: "pulse_analyst_dialog_duration_seconds",
    help: "Analysis time of a scored dialog (waiting for a model slot included), seconds",
    buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "pulse_analyst_tokens_total",
    help: "LLM tokens used, by kind (prompt, completion)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const interest = new Counter({
    name: "pulse_analyst_interest_total",
    help: "Scored dialogs by interest level (hot, warm, cold)",
    labelNames: ["interest"] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: "pulse_analyst_runs_total",
    help: "Analysis runs by phase (started, finished)",
    labelNames: ["phase"] as const,
    registers: [registry],
  });
  for (const result of ["scored", "failed", "skipped"]) dialogs.inc({ result }, 0);
  for (const kind of ["prompt", "completion"]) tokens.inc({ kind }, 0);
  for (const phase of ["started", "finished"]) runs.inc({ phase }, 0);
  return {
    scored(r) {
      recorder.scored(r);
      dialogs.inc({ result: "scored" });
      interest.inc({ interest: r.interest });
      duration.observe(r.durationMs / 1000);
      tokens.inc({ kind: "prompt" }, r.promptTokens);
      tokens.inc({ kind: "completion" }, r.completionTokens);
    },
    failed(r) {
      recorder.failed(r);
      dialogs.inc({ result: "failed" });
      failures.inc({ code: r.code });
      tokens.inc({ kind: "prompt" }, r.promptTokens);
      tokens.inc({ kind: "completion" }, r.completionTokens);
    },
    skipped(count = 1) {
      recorder.skipped(count);
      dialogs.inc({ result: "skipped" }, count);
    },
    published(r) {
      recorder.published(r);
    },
    publishFailed() {
      recorder.publishFailed();
      publishFailures.inc();
    },
    runStarted() {
      recorder.runStarted();
      runs.inc({ phase: "started" });
    },
    runFinished() {
      recorder.runFinished();
      runs.inc({ phase: "finished" });
    },
    snapshot: (nowMs) => recorder.snapshot(nowMs),
  };
}
