/**
 * The analyst as a long-running unit (the process is `main.ts`): it finds dialogs in the read models,
 * analyses them with `analyzeDialog` (LLM, or the offline rules when no LLM is configured) and
 * publishes each result as `analysis.dialog_scored` / `analysis.dialog_failed`.
 *
 * Triggers:
 * - **schedule** — every `ANALYST_TICK_SECONDS` (and once at start), per active project of
 *   `rm.projects`: the newest complete shift (closed, and its catch-up `lookback_hours` passed, per the
 *   project's shift settings in `rm.settings`, SPEC "Analysis runs for a shift only after its data is
 *   complete") and the complete shifts before it, `ANALYST_BACKFILL_SHIFTS` in all. A shift is run again
 *   only when its data changed (`shiftFingerprint`) or its last run left dialogs to retry (transient
 *   LLM failures, publish failures; retried with backoff).
 * - **on demand** — a core-NATS responder on `{root}.cmd.*.analysis.run` (contract in
 *   `analysis-run.contract.ts`): it reads the dialogs, answers `{run_id, dialogs_queued}` at once and
 *   analyses them in the background.
 *
 * Idempotency: the ledger (default `createPgAnalysisLedger`: `rm.analysis_results` + this process's
 * recent results) holds every input analysed under the current prompt version; such dialogs are
 * skipped before a model is called, so restarts and repeated runs never pay twice. The token budget
 * (default `createPgTokenBudget`) starts each UTC day from the usage the table records.
 *
 * Error policy (STYLE.md rule 5): nothing a dialog does stops the others or the process. Dialogs run
 * `LLM_CONCURRENCY` at a time (analysis + publish); a publish that is still not acknowledged after
 * its retries is given up and its ledger entry forgotten, so a later run analyses it again.
 */
import type { Subscription } from "@nats-io/transport-node";
import {
  lastCompleteShift,
  resolveTimeZone,
  SettingsError,
  type Shift,
  type ShiftSettings,
  shiftById,
  shiftOf,
} from "@pulse/domain";
import { type Database, ensureStreams, type Logger, type Nats } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { Registry } from "prom-client";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { type PublishRetryOptions, publishAnalysisEvent } from "./analysis/analysis-event.publisher.js";
import { FINAL_FAILURE_CODES } from "./analysis/analysis-results.repository.js";
import {
  ANALYSIS_RUN_QUEUE,
  type AnalysisRunReply,
  AnalysisRunRequest,
  analysisRunWildcard,
  projectOfRunSubject,
} from "./analysis/analysis-run.contract.js";
import {
  type AnalysisDialog,
  type AnalysisOutcome,
  analysisIdentity,
  createDialogAnalyzer,
  toAnalysisEvent,
} from "./analysis/analyze-dialog.js";
import {
  readPeriodDialogs,
  readShiftDialogs,
  shiftFingerprint,
  shiftFromTable,
} from "./analysis/dialog-source.repository.js";
import { activeProjects, loadShiftSettings, projectTimeZone } from "./analysis/projects.repository.js";
import { type AnalystMetrics, createAnalystMetrics } from "./analyst.metrics.js";
import { withPrometheus } from "./analyst.prometheus.js";
import { type AnalystConfig, llmSettingsOf } from "./config.js";
import type { AnalysisKey, AnalysisLedger } from "./ledger/analysis-ledger.js";
import { createPgAnalysisLedger } from "./ledger/analysis-ledger.pg.js";
import { createLimiter } from "./llm/limiter.js";
import { createLlmExtractor, type LlmExtractor } from "./llm/llm-extractor.js";
import type { TokenBudget } from "./llm/token-budget.js";
import { createPgTokenBudget } from "./llm/token-budget.pg.js";

/** Longest on-demand period the analyst accepts, days (bounds the work of one request). */
export const MAX_PERIOD_DAYS = 31;

/** Ledger entries checked at once while a run is prepared. */
const LEDGER_CHECKS_IN_FLIGHT = 8;
/** Cap of the wait before a scheduled shift with retryable failures is run again, ms. */
const MAX_SHIFT_RETRY_MS = 3_600_000;

/**
 * What {@link createAnalyst} needs.
 * - `clock`: wall clock (`() => new Date()` in production): shift completeness, the budget's UTC day,
 *   the events' `occurred_at`;
 * - `extractor`: the LLM extractor; omitted → built from the config (`LLM_BASE_URL` set → LLM mode,
 *   unset → offline); `null` → offline whatever the config says;
 * - `budget` / `ledger`: default the Postgres-backed ones over `db`;
 * - `publishRetry`: retry settings of the event publisher (tests pass tiny delays).
 */
export interface AnalystDeps {
  readonly nats: Nats;
  readonly db: Kysely<Database>;
  readonly config: AnalystConfig;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly extractor?: LlmExtractor | null;
  readonly budget?: TokenBudget;
  readonly ledger?: AnalysisLedger & { forget?(key: AnalysisKey): void };
  readonly publishRetry?: Partial<PublishRetryOptions>;
  /** Prometheus registry to count in as well (`analyst.prometheus.ts`; `main.ts` serves it). */
  readonly registry?: Registry;
}

/** What started a run. */
export type RunTrigger = "schedule" | "request";

/**
 * The account of one run (also logged as `analysis run finished`). Instants ISO-8601 UTC.
 * - `dialogs`: dialogs the window has; `queued`: those sent to analysis;
 * - `skipped`: by reason — `too_few_incoming` (below `min_incoming`, or no message at all),
 *   `already_analyzed` (the ledger holds the input), `max_dialogs` (beyond the request's cap),
 *   `stopped` (the analyst stopped before their turn);
 * - `scored` / `failed`: results published; `retryable`: failures a later run tries again;
 * - `published` / `duplicates` / `publish_failures`: acks, of which the stream had the dedup key
 *   already, and results given up after the publish retries; `errors`: dialogs that threw
 *   (database down during the ledger check, …);
 * - `tokens` of the results; `duration_ms` from preparation to the last dialog.
 */
export interface RunReport {
  readonly run_id: string;
  readonly project_id: string;
  readonly trigger: RunTrigger;
  readonly requested_by: string | null;
  readonly shift_id: string | null;
  readonly window_start: string;
  readonly window_end: string;
  readonly source: "shift_deals" | "messages";
  readonly mode: "llm" | "offline";
  readonly dialogs: number;
  readonly queued: number;
  readonly skipped: {
    too_few_incoming: number;
    already_analyzed: number;
    max_dialogs: number;
    stopped: number;
  };
  scored: number;
  failed: number;
  retryable: number;
  published: number;
  duplicates: number;
  publish_failures: number;
  errors: number;
  readonly tokens: { prompt: number; completion: number };
  duration_ms: number;
}

/** A running analyst (see {@link createAnalyst}). */
export interface Analyst {
  /**
   * Ensures the streams, subscribes the run responder and starts the scheduler (first pass at once;
   * none when `ANALYST_TICK_SECONDS` is 0). Resolves once the responder listens.
   * @throws when NATS cannot be reached.
   */
  start(): Promise<void>;
  /**
   * Stops answering and scheduling, lets the dialogs in flight finish (publish retries are cut short),
   * drops the queued ones (a later run does them). Idempotent.
   */
  stop(): Promise<void>;
  /**
   * One scheduler pass now (see the module comment); resolves with the reports of the shift runs it
   * started, once they have finished. Shifts already running are left alone.
   * @throws the Postgres error when the projects or settings cannot be read.
   */
  tick(): Promise<RunReport[]>;
  /** Resolves when no run, request or scheduler pass is in progress. */
  idle(): Promise<void>;
  /** The metrics since start (analyses per minute, mean score, hot/warm/cold, time per dialog, …). */
  metrics(): AnalystMetrics;
}

/** What a run analyses: a shift (from the shift deal table) or an on-demand period. */
type RunWindow =
  | { readonly kind: "shift"; readonly shift: Shift }
  | { readonly kind: "period"; readonly from: string; readonly to: string };

interface RunSpec {
  readonly projectId: string;
  readonly trigger: RunTrigger;
  readonly requestedBy: string | null;
  readonly window: RunWindow;
  readonly minIncoming: number;
  readonly maxDialogs?: number | undefined;
}

interface PreparedRun {
  readonly report: RunReport;
  readonly queue: readonly AnalysisDialog[];
  readonly analyze: (dialog: AnalysisDialog) => Promise<AnalysisOutcome>;
  readonly startedMs: number;
}

/** Refusal of a run request: its message is the `{error}` reply (short, secret-free). */
class RunRefused extends Error {}

/** The shift's scheduling memory: the data it was run on, and whether that run left work to retry. */
interface ShiftState {
  readonly fingerprint: string;
  readonly clean: boolean;
  readonly failures: number;
  readonly retryAtMs: number;
}

/**
 * Creates the analyst (see the module comment). Nothing runs until {@link Analyst.start} (or a
 * manual {@link Analyst.tick}).
 * @throws RangeError when the configured LLM settings are unusable (e.g. `LLM_CONCURRENCY` < 1).
 */
export function createAnalyst(deps: AnalystDeps): Analyst {
  const { nats, db, config, clock } = deps;
  const logger = deps.logger;
  const root = config.SUBJECT_ROOT;
  const llm = llmSettingsOf(config);
  const extractor: LlmExtractor | null =
    deps.extractor !== undefined
      ? deps.extractor
      : llm === null
        ? null
        : createLlmExtractor({ ...llm, logger: logger.child({ component: "llm" }) });
  const mode = extractor === null ? "offline" : "llm";
  const ledger: AnalysisLedger & { forget?(key: AnalysisKey): void } =
    deps.ledger ?? createPgAnalysisLedger(db);
  const budget =
    deps.budget ??
    createPgTokenBudget(db, config.LLM_DAILY_TOKEN_BUDGET, { logger: logger.child({ component: "budget" }) });
  const limit = createLimiter(config.LLM_CONCURRENCY);
  const recorder = createAnalystMetrics(clock().getTime());
  const metrics = deps.registry ? withPrometheus(recorder, deps.registry) : recorder;
  const newRunId = monotonicFactory();
  const tickMs = config.ANALYST_TICK_SECONDS * 1000;

  const analyzers = new Map<string, (dialog: AnalysisDialog) => Promise<AnalysisOutcome>>();
  /** One analyzer per prompt time zone; min incoming is applied by the run, before the analyzer. */
  const analyzerFor = (timeZone: string) => {
    let analyze = analyzers.get(timeZone);
    if (analyze === undefined) {
      analyze = createDialogAnalyzer({
        extractor,
        ledger,
        budget,
        logger,
        minIncoming: 0,
        timeZone,
        now: () => clock().getTime(),
      });
      analyzers.set(timeZone, analyze);
    }
    return analyze;
  };

  const active = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p);
    const done = (): void => {
      active.delete(p);
    };
    p.then(done, done);
    return p;
  };
  const shiftStates = new Map<string, ShiftState>();
  const shiftsRunning = new Set<string>();
  let abort = new AbortController();
  let subscription: Subscription | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let stopping = false;

  /** The prompt time zone of a project: its registered zone, else UTC (an unknown zone is logged). */
  const timeZoneOf = async (projectId: string): Promise<string> => {
    const zone = (await projectTimeZone(db, projectId)) ?? "UTC";
    try {
      return resolveTimeZone(zone).id;
    } catch {
      logger.warn({ project_id: projectId, time_zone: zone }, "unknown project time zone; prompts use UTC");
      return "UTC";
    }
  };

  const prepareRun = async (spec: RunSpec): Promise<PreparedRun> => {
    const startedMs = Date.now();
    const w = spec.window;
    const { dialogs, source } =
      w.kind === "shift"
        ? await readShiftDialogs(db, spec.projectId, w.shift)
        : {
            dialogs: await readPeriodDialogs(db, spec.projectId, { from: w.from, to: w.to }),
            source: "messages" as const,
          };
    const timeZone = await timeZoneOf(spec.projectId);
    const analyze = analyzerFor(timeZone);
    const skipped = { too_few_incoming: 0, already_analyzed: 0, max_dialogs: 0, stopped: 0 };
    const enough = dialogs.filter((d) => {
      const incoming = d.messages.filter((m) => m.direction === "incoming").length;
      const ok = d.messages.length > 0 && incoming >= spec.minIncoming;
      if (!ok) skipped.too_few_incoming += 1;
      return ok;
    });
    // Inputs the ledger holds are not queued, so `dialogs_queued` counts the dialogs that will cost
    // an analysis, and `max_dialogs` caps those.
    const done = new Array<boolean>(enough.length).fill(false);
    const check = createLimiter(LEDGER_CHECKS_IN_FLIGHT);
    await Promise.all(
      enough.map((d, i) =>
        check(async () => {
          const id = analysisIdentity(d, { extractor, timeZone });
          done[i] = await ledger.has(id.project_id, id.dialog_key, id.input_hash, id.prompt_version);
        }),
      ),
    );
    let queue = enough.filter((_, i) => !done[i]);
    skipped.already_analyzed = enough.length - queue.length;
    if (spec.maxDialogs !== undefined && queue.length > spec.maxDialogs) {
      // The most recently active dialogs first (last message, newest first), then by key.
      const lastAt = (d: AnalysisDialog): string => d.messages.at(-1)?.sent_at ?? "";
      queue = [...queue]
        .sort((a, b) =>
          lastAt(a) !== lastAt(b) ? (lastAt(a) < lastAt(b) ? 1 : -1) : a.dialog_key < b.dialog_key ? -1 : 1,
        )
        .slice(0, spec.maxDialogs);
      skipped.max_dialogs = enough.length - skipped.already_analyzed - queue.length;
    }
    const report: RunReport = {
      run_id: newRunId(clock().getTime()),
      project_id: spec.projectId,
      trigger: spec.trigger,
      requested_by: spec.requestedBy,
      shift_id: w.kind === "shift" ? w.shift.shiftId : null,
      window_start: w.kind === "shift" ? w.shift.start : w.from,
      window_end: w.kind === "shift" ? w.shift.end : w.to,
      source,
      mode,
      dialogs: dialogs.length,
      queued: queue.length,
      skipped,
      scored: 0,
      failed: 0,
      retryable: 0,
      published: 0,
      duplicates: 0,
      publish_failures: 0,
      errors: 0,
      tokens: { prompt: 0, completion: 0 },
      duration_ms: 0,
    };
    return { report, queue, analyze, startedMs };
  };

  const processDialog = async (run: PreparedRun, dialog: AnalysisDialog): Promise<void> => {
    const report = run.report;
    if (stopping) {
      report.skipped.stopped += 1;
      metrics.skipped();
      return;
    }
    const log = logger.child({
      run_id: report.run_id,
      project_id: dialog.project_id,
      dialog_key: dialog.dialog_key,
    });
    let outcome: AnalysisOutcome;
    try {
      outcome = await run.analyze(dialog);
    } catch (error) {
      report.errors += 1;
      log.error({ err: error }, "dialog analysis threw; a later run tries again");
      return;
    }
    if (outcome.kind === "skipped") {
      // Another run analysed the same input meanwhile.
      report.skipped.already_analyzed += 1;
      metrics.skipped();
      return;
    }
    const d = outcome.data;
    const key: AnalysisKey = {
      project_id: dialog.project_id,
      dialog_key: d.dialog_key,
      input_hash: d.input_hash,
      prompt_version: d.prompt_version,
    };
    let published: Awaited<ReturnType<typeof publishAnalysisEvent>>;
    try {
      const event = toAnalysisEvent(dialog.project_id, outcome, { nowMs: clock().getTime() });
      published = await publishAnalysisEvent(nats.js, root, event, {
        retry: deps.publishRetry ?? {},
        signal: abort.signal,
        logger: log,
      });
    } catch (error) {
      published = { ok: false, attempts: 0, error };
    }
    if (!published.ok) {
      ledger.forget?.(key);
      report.publish_failures += 1;
      metrics.publishFailed();
      log.error(
        { err: published.error, attempts: published.attempts },
        "analysis result not published; a later run analyses the dialog again",
      );
      return;
    }
    report.published += 1;
    if (published.duplicate) report.duplicates += 1;
    metrics.published({ duplicate: published.duplicate, atMs: clock().getTime() });
    report.tokens.prompt += d.usage.prompt_tokens;
    report.tokens.completion += d.usage.completion_tokens;
    if (outcome.kind === "scored") {
      report.scored += 1;
      metrics.scored({
        score: outcome.data.score,
        interest: outcome.data.interest,
        durationMs: outcome.data.duration_ms,
        promptTokens: d.usage.prompt_tokens,
        completionTokens: d.usage.completion_tokens,
      });
    } else {
      report.failed += 1;
      if (!FINAL_FAILURE_CODES.includes(outcome.data.code)) report.retryable += 1;
      metrics.failed({
        code: outcome.data.code,
        promptTokens: d.usage.prompt_tokens,
        completionTokens: d.usage.completion_tokens,
      });
    }
  };

  const executeRun = async (run: PreparedRun): Promise<RunReport> => {
    metrics.runStarted();
    await Promise.all(run.queue.map((dialog) => limit(() => processDialog(run, dialog))));
    const report = run.report;
    report.duration_ms = Math.max(0, Date.now() - run.startedMs);
    metrics.runFinished();
    logger.info(
      {
        run_id: report.run_id,
        project_id: report.project_id,
        trigger: report.trigger,
        requested_by: report.requested_by,
        shift_id: report.shift_id,
        window_start: report.window_start,
        window_end: report.window_end,
        source: report.source,
        mode: report.mode,
        dialogs: report.dialogs,
        queued: report.queued,
        scored: report.scored,
        failed: report.failed,
        skipped: report.skipped,
        publish_failures: report.publish_failures,
        errors: report.errors,
        tokens: report.tokens,
        duration_ms: report.duration_ms,
      },
      "analysis run finished",
    );
    return report;
  };

  /** The complete shifts the scheduler considers for one project at `now`, newest first. */
  const candidateShifts = (now: Date, settings: ShiftSettings): Shift[] => {
    const out: Shift[] = [lastCompleteShift(now.getTime(), settings)];
    while (out.length < config.ANALYST_BACKFILL_SHIFTS) {
      const oldest = out[out.length - 1] as Shift;
      out.push(shiftOf(Date.parse(oldest.start) - 1, settings));
    }
    return out;
  };

  /** One scheduler pass: starts the runs it decides on and returns them (not awaited). */
  const scan = async (): Promise<Promise<RunReport | null>[]> => {
    const runs: Promise<RunReport | null>[] = [];
    const now = clock();
    const seen = new Set<string>();
    for (const project of await activeProjects(db)) {
      if (stopping) break;
      const projectId = project.project_id;
      let settings: ShiftSettings;
      try {
        settings = await loadShiftSettings(db, projectId);
      } catch (error) {
        if (!(error instanceof SettingsError)) throw error;
        logger.warn(
          { project_id: projectId, err: error },
          "shift settings not usable; project not scheduled",
        );
        continue;
      }
      for (const shift of candidateShifts(now, settings)) {
        if (stopping) break;
        const key = JSON.stringify([projectId, shift.shiftId, shift.start]);
        seen.add(key);
        if (shiftsRunning.has(key)) continue;
        const fingerprint = `${await shiftFingerprint(db, projectId, shift)}|${project.time_zone}|${config.ANALYSIS_MIN_INCOMING}`;
        const state = shiftStates.get(key);
        if (
          state !== undefined &&
          state.fingerprint === fingerprint &&
          (state.clean || now.getTime() < state.retryAtMs)
        )
          continue;
        shiftsRunning.add(key);
        const run = (async (): Promise<RunReport | null> => {
          try {
            const prepared = await prepareRun({
              projectId,
              trigger: "schedule",
              requestedBy: null,
              window: { kind: "shift", shift },
              minIncoming: config.ANALYSIS_MIN_INCOMING,
            });
            const report = await executeRun(prepared);
            const clean =
              report.retryable === 0 &&
              report.publish_failures === 0 &&
              report.errors === 0 &&
              report.skipped.stopped === 0;
            const failures = clean ? 0 : (state?.failures ?? 0) + 1;
            const base = tickMs > 0 ? tickMs : 60_000;
            shiftStates.set(key, {
              fingerprint,
              clean,
              failures,
              retryAtMs:
                clock().getTime() + Math.min(MAX_SHIFT_RETRY_MS, base * 2 ** Math.max(0, failures - 1)),
            });
            return report;
          } catch (error) {
            logger.error({ err: error, project_id: projectId, shift_id: shift.shiftId }, "shift run failed");
            return null;
          } finally {
            shiftsRunning.delete(key);
          }
        })();
        runs.push(track(run));
      }
    }
    // Shifts that left the backfill horizon (or whose project went inactive) are forgotten.
    for (const key of shiftStates.keys()) if (!seen.has(key)) shiftStates.delete(key);
    return runs;
  };

  const tick = async (): Promise<RunReport[]> => {
    const runs = await track(scan());
    const reports = await Promise.all(runs);
    return reports.filter((r): r is RunReport => r !== null);
  };

  const scheduledPass = async (): Promise<void> => {
    timer = null;
    if (stopping) return;
    try {
      // Runs go on in the background; shifts still running are skipped by the next pass.
      await track(scan());
    } catch (error) {
      logger.error({ err: error }, "scheduler pass failed; next tick tries again");
    }
    logger.info({ metrics: metrics.snapshot(clock().getTime()) }, "analyst metrics");
    if (!stopping) timer = setTimeout(() => void scheduledPass(), tickMs);
  };

  /** Validates a run request and prepares the run; throws {@link RunRefused} with the reply's reason. */
  const acceptRequest = async (data: string, subject: string): Promise<PreparedRun> => {
    if (stopping) throw new RunRefused("the analyst is stopping; retry later");
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      throw new RunRefused("the request is not JSON");
    }
    const parsed = AnalysisRunRequest.safeParse(json);
    if (!parsed.success) {
      throw new RunRefused(
        `invalid request: ${z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 250)}`,
      );
    }
    const r = parsed.data;
    const subjectProject = projectOfRunSubject({ root }, subject);
    if (subjectProject !== r.project) {
      throw new RunRefused(`the request's project ${r.project} does not match its subject`);
    }
    let settings: ShiftSettings | null = null;
    try {
      settings = await loadShiftSettings(db, r.project);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
    }
    let window: RunWindow;
    if (r.shift_id !== undefined) {
      if (settings === null) throw new RunRefused(`the shift settings of ${r.project} are not valid`);
      const shift = shiftById(r.shift_id, settings) ?? (await shiftFromTable(db, r.project, r.shift_id));
      if (shift === null) throw new RunRefused(`shift ${r.shift_id} not found in ${r.project}`);
      window = { kind: "shift", shift };
    } else {
      const from = r.from as string;
      const to = r.to as string;
      const span = Date.parse(to) - Date.parse(from);
      if (span <= 0) throw new RunRefused("`to` must be after `from`");
      if (span > MAX_PERIOD_DAYS * 86_400_000)
        throw new RunRefused(`the period is longer than ${MAX_PERIOD_DAYS} days`);
      // A period that is exactly one shift is that shift: the same dialogs and keys as its scheduled run.
      const shift = settings === null ? null : shiftOf(from, settings);
      window =
        shift !== null && shift.start === from && shift.end === to
          ? { kind: "shift", shift }
          : { kind: "period", from, to };
    }
    return prepareRun({
      projectId: r.project,
      trigger: "request",
      requestedBy: r.requested_by,
      window,
      minIncoming: r.min_incoming,
      maxDialogs: r.max_dialogs,
    });
  };

  const answerRequest = async (data: string, subject: string, respond: (reply: AnalysisRunReply) => void) => {
    let prepared: PreparedRun;
    try {
      prepared = await acceptRequest(data, subject);
    } catch (error) {
      if (error instanceof RunRefused) {
        logger.info({ subject, reason: error.message }, "analysis run refused");
        respond({ error: error.message });
      } else {
        logger.error({ err: error, subject }, "analysis run request failed");
        respond({ error: "the analyst could not read the dialogs; retry later" });
      }
      return;
    }
    const { report } = prepared;
    respond({ run_id: report.run_id, dialogs_queued: report.queued });
    logger.info(
      {
        run_id: report.run_id,
        project_id: report.project_id,
        requested_by: report.requested_by,
        shift_id: report.shift_id,
        window_start: report.window_start,
        window_end: report.window_end,
        dialogs: report.dialogs,
        queued: report.queued,
      },
      "analysis run accepted",
    );
    await executeRun(prepared);
  };

  return {
    async start() {
      if (started) return;
      started = true;
      stopping = false;
      abort = new AbortController();
      await ensureStreams(nats.jsm, config.EVENTS_STREAM, root);
      subscription = nats.nc.subscribe(analysisRunWildcard({ root }), {
        queue: ANALYSIS_RUN_QUEUE,
        callback: (error, msg) => {
          if (error !== null) {
            logger.error({ err: error }, "run request subscription failed");
            return;
          }
          const respond = (reply: AnalysisRunReply): void => {
            if (msg.reply === undefined || msg.reply === "") return;
            try {
              msg.respond(JSON.stringify(reply));
            } catch (e) {
              logger.warn({ err: e }, "run reply not sent");
            }
          };
          void track(
            answerRequest(msg.string(), msg.subject, respond).catch((e: unknown) => {
              logger.error({ err: e }, "analysis run failed");
            }),
          );
        },
      });
      await nats.nc.flush();
      logger.info(
        {
          mode,
          model: extractor?.model ?? null,
          tick_seconds: config.ANALYST_TICK_SECONDS,
          backfill_shifts: config.ANALYST_BACKFILL_SHIFTS,
          min_incoming: config.ANALYSIS_MIN_INCOMING,
          concurrency: config.LLM_CONCURRENCY,
          subject: analysisRunWildcard({ root }),
        },
        "analyst started",
      );
      if (tickMs > 0) timer = setTimeout(() => void scheduledPass(), 0);
    },
    async stop() {
      if (!started) return;
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const sub = subscription;
      subscription = null;
      await sub?.drain().catch(() => undefined);
      abort.abort();
      while (active.size > 0) await Promise.allSettled([...active]);
      started = false;
      logger.info({ metrics: metrics.snapshot(clock().getTime()) }, "analyst stopped");
    },
    tick,
    async idle() {
      while (active.size > 0) await Promise.allSettled([...active]);
    },
    metrics: () => metrics.snapshot(clock().getTime()),
  };
}
