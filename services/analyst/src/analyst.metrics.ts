/**
 * In-memory metrics of the analyst process (SPEC "Metrics: analyses per minute, mean score,
 * hot/warm/cold distribution, time per dialog"), counted since the process started. Logged every
 * scheduler tick and returned by `Analyst.metrics()`.
 */

/** A snapshot of the analyst's metrics (see {@link createAnalystMetrics}). */
export interface AnalystMetrics {
  /** When counting started, ISO-8601 UTC. */
  readonly since: string;
  /** Results (scored + failed) published in the 60 s before the snapshot. */
  readonly analyses_per_minute: number;
  /** Dialogs scored / failed / skipped (too few incoming, already analysed, run stopped). */
  readonly scored: number;
  readonly failed: number;
  readonly skipped: number;
  /** Failures by code (`budget_exhausted`, `invalid_output`, `timeout`, …). */
  readonly failed_by_code: Readonly<Record<string, number>>;
  /** Mean score of the scored dialogs, 0–100, or `null` before the first one. */
  readonly mean_score: number | null;
  /** Scored dialogs per interest level. */
  readonly interest: { readonly hot: number; readonly warm: number; readonly cold: number };
  /** Mean `duration_ms` of the scored dialogs (analysis time, waiting for a model slot included), or `null`. */
  readonly mean_duration_ms: number | null;
  /** LLM tokens of all results. */
  readonly tokens: { readonly prompt: number; readonly completion: number };
  /** Events acknowledged by JetStream (duplicates included), duplicates among them, and events given up on. */
  readonly published: number;
  readonly duplicates: number;
  readonly publish_failures: number;
  /** Runs started and finished (scheduled and on demand). */
  readonly runs_started: number;
  readonly runs_finished: number;
}

/** The counters behind {@link AnalystMetrics}; `snapshot(nowMs)` computes the rates. */
export interface AnalystMetricsRecorder {
  scored(result: {
    score: number;
    interest: "hot" | "warm" | "cold";
    durationMs: number;
    promptTokens: number;
    completionTokens: number;
  }): void;
  failed(result: { code: string; promptTokens: number; completionTokens: number }): void;
  skipped(count?: number): void;
  published(result: { duplicate: boolean; atMs: number }): void;
  publishFailed(): void;
  runStarted(): void;
  runFinished(): void;
  snapshot(nowMs: number): AnalystMetrics;
}

const MINUTE_MS = 60_000;

/** Creates the metrics recorder; `startMs` is the process start (epoch ms). */
export function createAnalystMetrics(startMs: number): AnalystMetricsRecorder {
  let scored = 0;
  let failed = 0;
  let skipped = 0;
  let scoreSum = 0;
  let durationSum = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let published = 0;
  let duplicates = 0;
  let publishFailures = 0;
  let runsStarted = 0;
  let runsFinished = 0;
  const interest = { hot: 0, warm: 0, cold: 0 };
  const failedByCode: Record<string, number> = {};
  // Publish times of results within the last minute (oldest first), for the rate.
  const recent: number[] = [];
  const prune = (nowMs: number): void => {
    while (recent.length > 0 && (recent[0] as number) <= nowMs - MINUTE_MS) recent.shift();
  };
  return {
    scored(r) {
      scored += 1;
      scoreSum += r.score;
      durationSum += r.durationMs;
      interest[r.interest] += 1;
      promptTokens += r.promptTokens;
      completionTokens += r.completionTokens;
    },
    failed(r) {
      failed += 1;
      failedByCode[r.code] = (failedByCode[r.code] ?? 0) + 1;
      promptTokens += r.promptTokens;
      completionTokens += r.completionTokens;
    },
    skipped(count = 1) {
      skipped += count;
    },
    published(r) {
      published += 1;
      if (r.duplicate) duplicates += 1;
      recent.push(r.atMs);
      prune(r.atMs);
    },
    publishFailed() {
      publishFailures += 1;
    },
    runStarted() {
      runsStarted += 1;
    },
    runFinished() {
      runsFinished += 1;
    },
    snapshot(nowMs) {
      prune(nowMs);
      return {
        since: new Date(startMs).toISOString(),
        analyses_per_minute: recent.filter((t) => t <= nowMs).length,
        scored,
        failed,
        skipped,
        failed_by_code: { ...failedByCode },
        mean_score: scored === 0 ? null : Math.round((scoreSum / scored) * 10) / 10,
        interest: { ...interest },
        mean_duration_ms: scored === 0 ? null : Math.round(durationSum / scored),
        tokens: { prompt: promptTokens, completion: completionTokens },
        published,
        duplicates,
        publish_failures: publishFailures,
        runs_started: runsStarted,
        runs_finished: runsFinished,
      };
    },
  };
}
