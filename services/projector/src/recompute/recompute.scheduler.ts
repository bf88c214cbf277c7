import { type Database, databaseErrorSummary, isDatabaseUnavailable, natsStatusOf } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type ReplayDeps, type ReplayProgress, replayReadModels } from "../replay/replay.js";
import { diffSchemas, type ReplayDiff } from "../replay/replay-diff.js";
import { ProjectScopeError } from "../replay/stream-projects.reader.js";
import {
  classifyRecomputeFailure,
  failureText,
  NatsUnavailableError,
  type RecomputeFailureKind,
  retryDelayMs,
} from "./recompute.failure.js";
import { type ProjectRecomputeResult, recomputeProject } from "./recompute.project.js";

/**
 * Log fields of a failure: a lost database connection as its code and message only (node-postgres
 * may attach the client, with its connection settings, to such errors), anything else as `err`.
 */
function logFields(error: unknown): Record<string, unknown> {
  return isDatabaseUnavailable(error) ? { db: databaseErrorSummary(error) } : { err: error };
}
/** The recompute scheduler of one projector process (see {@link createRecomputeScheduler}). */
export interface RecomputeScheduler {
  /**
   * Looks for requests soon (after a commit that inserted one, on start, on a NATS reconnect);
   * never throws. `resume: true` makes waiting `retrying` rows due now (a restart or a reconnect is
   * a reason to try at once rather than wait out the backoff).
   */
  kick(opts?: { resume?: boolean }): void;
  /**
   * Resolves when no attempt is running or due: every request is `done` or `failed`, or waits as
   * `retrying` for its next attempt (for tests and shutdown).
   */
  idle(): Promise<void>;
  /** Lets the running attempt finish (it is not interrupted) and stops taking new ones. */
  stop(): Promise<void>;
}

/** One attempt as the test seam sees it: the requests it serves and its number (1 = first). */
export interface RecomputeAttempt {
  readonly ids: readonly string[];
  readonly attempt: number;
}

/** Test seams of the scheduler. */
export interface RecomputeHooks {
  /**
   * Awaited inside an attempt, after the new tables are written and before the swap (mid-recompute):
   * throwing fails the attempt like any fault there would; a NATS outage started meanwhile fails it
   * as `NatsUnavailableError`.
   */
  beforeSwap?(attempt: RecomputeAttempt): Promise<void>;
  /**
   * Called after a project recompute's new tables are live, with its result (where its time went:
   * the projector lock held, rows rewritten) — for benches and logs; never awaited, never fails it.
   */
  afterProjectRecompute?(result: ProjectRecomputeResult): void;
}

/** What {@link createRecomputeScheduler} needs: the replay's dependencies and the retry settings. */
export interface RecomputeDeps extends ReplayDeps {
  /** Minimum time between two progress writes to `ops.replays`, in ms (default 1000). */
  readonly progressEveryMs?: number;
  /** Backoff after a transient failure: first delay and cap, in ms (default from the config). */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  readonly hooks?: RecomputeHooks;
}

interface Request {
  readonly id: string;
  readonly project_id: string | null;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: Date | null;
}

const UNFINISHED = ["running", "retrying"] as const;

/**
 * Runs the recomputations (rebuilds of read models over all history) requested in `ops.replays` —
 * by settings and dictionary changes of a project (SPEC: "the projections it affects are
 * recomputed over all history") or any other trigger (`requestRecompute`) — until each completes.
 *
 * - One attempt at a time. A request of a project is served by a recompute of that project alone
 *   (`recomputeProject`: its events only, by subject filter; the other projects' live updates keep
 *   flowing), a request without a project by a blue/green `replayReadModels` of everything. The
 *   attempt takes the oldest due request's scope; every unfinished request (`running`, `retrying`)
 *   of the same project joins it (a full replay serves all of them), and requests inserted during an
 *   attempt get one more attempt after it (they coalesce). A project whose subjects hold another
 *   project's messages (`ProjectScopeError`) is served by a full replay instead. An attempt sets its
 *   rows `running`, `attempts + 1`; progress (`events_done` / `events_total`: the project's events,
 *   or the stream's) is written at most every `progressEveryMs`.
 * - Success: each row gets the diff of its project's orders (`diffSchemas`, old vs new tables at the
 *   same stream positions), then `done` with the events folded as `events_total`/`events_done`.
 * - Transient failure (`classifyRecomputeFailure`: NATS or Postgres away, decode worker crash, …):
 *   the rows turn `retrying` with `last_error` and `next_attempt_at` (backoff `retryMinMs` doubling
 *   to `retryMaxMs`), and a timer starts the next attempt. Losing the NATS connection aborts the
 *   running attempt at once (`NatsUnavailableError`) instead of letting it hang; the reconnect starts
 *   the next attempt without waiting out the backoff.
 * - Deterministic failure: `failed` with `error` (retrying cannot help; the settings answer and
 *   `/ready` show it).
 * - A process restart resumes every `running`/`retrying` row (the projector kicks with `resume`).
 *   Faults of the scheduler itself (Postgres down while it reads or writes the rows) are retried with
 *   the same backoff; a row left `running` by them is picked up by the next attempt.
 */
export function createRecomputeScheduler(deps: RecomputeDeps): RecomputeScheduler {
  const { db, logger } = deps;
  const every = deps.progressEveryMs ?? 1000;
  const minMs = deps.retryMinMs ?? deps.config.RECOMPUTE_RETRY_MIN_MS;
  const maxMs = deps.retryMaxMs ?? deps.config.RECOMPUTE_RETRY_MAX_MS;
  const nats = natsStatusOf(deps.nats.nc);
  let running: Promise<void> | null = null;
  let again = false;
  let resume = false;
  const forced = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let schedulerFailures = 0;
  let attemptAbort: AbortController | null = null;

  const offStatus = nats.onChange((connected) => {
    if (!connected) {
      attemptAbort?.abort(new NatsUnavailableError(nats.reason() ?? "NATS connection lost"));
    } else {
      // Back: retry now rather than at the end of the backoff.
      kick({ resume: true });
    }
  });

  function wakeAt(at: Date | null): void {
    if (stopped || at === null) return;
    const delay = Math.max(0, at.getTime() - Date.now());
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      kick();
    }, delay);
    timer.unref?.();
  }

  /**
   * One attempt if any request is due; returns false when there was nothing to do now. The attempt's
   * scope is the project of the oldest due request (every unfinished request of that project joins
   * it), or everything when a due request names no project.
   */
  async function attemptOnce(): Promise<boolean> {
    const rows: Request[] = await db
      .selectFrom("ops.replays")
      .select(["id", "project_id", "status", "attempts", "next_attempt_at"])
      .where("status", "in", UNFINISHED)
      .orderBy("started_at")
      .orderBy("id")
      .execute();
    if (rows.length === 0) return false;
    const now = Date.now();
    if (resume) {
      // A restart or a reconnect makes every request waiting now due at once.
      for (const r of rows) forced.add(r.id);
      resume = false;
    }
    const due = rows.filter(
      (r) =>
        forced.has(r.id) ||
        r.status === "running" ||
        r.next_attempt_at === null ||
        r.next_attempt_at.getTime() <= now,
    );
    if (due.length === 0) {
      const next = Math.min(...rows.map((r) => r.next_attempt_at?.getTime() ?? now));
      wakeAt(new Date(next));
      return false;
    }
    const whole = due.some((r) => r.project_id === null);
    const project = whole ? null : due[0]!.project_id;
    const scope = whole ? rows : rows.filter((r) => r.project_id === project);
    for (const r of scope) forced.delete(r.id);
    await runAttempt(scope, project);
    return true;
  }

  /**
   * One attempt for `rows`: a recompute of `project` alone (`recomputeProject`), or with `project`
   * null a full blue/green replay (which serves every request).
   */
  async function runAttempt(rows: Request[], project: string | null): Promise<void> {
    const ids = rows.map((r) => r.id);
    const projects = [...new Set(rows.map((r) => r.project_id))];
    const attempt = Math.max(...rows.map((r) => r.attempts)) + 1;
    const log = logger.child({ replays: ids, attempt });
    if (!nats.connected) {
      // Nothing to try while NATS is away: record the attempt as failed without showing it running.
      const delay = retryDelayMs(attempt, minMs, maxMs);
      const next = new Date(Date.now() + delay);
      const text = failureText(new NatsUnavailableError(nats.reason() ?? "NATS is not connected"));
      log.warn({ retryInMs: delay, reason: text }, "recompute waits for NATS");
      await db
        .updateTable("ops.replays")
        .set((eb) => ({
          status: "retrying",
          attempts: eb("attempts", "+", 1),
          last_error: text,
          next_attempt_at: next,
        }))
        .where("id", "in", ids)
        .where("status", "in", UNFINISHED)
        .execute();
      wakeAt(next);
      return;
    }
    await db
      .updateTable("ops.replays")
      .set((eb) => ({
        status: "running",
        attempts: eb("attempts", "+", 1),
        next_attempt_at: null,
        events_done: 0,
      }))
      .where("id", "in", ids)
      .where("status", "in", UNFINISHED)
      .execute();
    log.info(
      { projects, scope: project ?? "all projects" },
      project === null
        ? "recompute: rebuilding every read model over all history"
        : "recompute: rebuilding one project's read models over its history",
    );
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const onProgress = (p: ReplayProgress) => {
      if (p.phase !== "events") return;
      const t = performance.now();
      if (t - lastWrite < every && p.done < p.total) return;
      lastWrite = t;
      log.info({ done: p.done, total: p.total, seconds: Math.round(p.seconds) }, "recompute progress");
      writing = writing
        .then(() => writeProgress(db, ids, p.done, p.total))
        .catch((error: unknown) => {
          log.warn(logFields(error), "recompute: progress not written");
        });
    };
    const diffs = new Map<string | null, ReplayDiff>();
    const abort = new AbortController();
    attemptAbort = abort;
    try {
      const replayAll = async () => {
        const result = await replayReadModels(deps, {
          swap: true,
          onProgress,
          signal: abort.signal,
          beforeSwap: async () => {
            await deps.hooks?.beforeSwap?.({ ids, attempt });
            abort.signal.throwIfAborted();
          },
          beforeDropOld: async (oldSchema) => {
            for (const p of projects) {
              diffs.set(p, p === null ? emptyDiff() : await diffSchemas(db, oldSchema, "rm", p));
            }
          },
        });
        return { events: result.events, seconds: result.seconds, eventsPerSecond: result.eventsPerSecond };
      };
      const recomputeOne = async (projectId: string) => {
        const result = await recomputeProject(deps, projectId, {
          onProgress,
          signal: abort.signal,
          beforeSwap: async () => {
            await deps.hooks?.beforeSwap?.({ ids, attempt });
            abort.signal.throwIfAborted();
          },
        });
        diffs.set(projectId, result.diff);
        try {
          deps.hooks?.afterProjectRecompute?.(result);
        } catch (error) {
          log.warn({ err: error }, "recompute: afterProjectRecompute hook failed");
        }
        const events = result.events + result.caughtUp.events;
        return { events, seconds: result.seconds, eventsPerSecond: events / Math.max(result.seconds, 1e-9) };
      };
      let result: { events: number; seconds: number; eventsPerSecond: number };
      if (project === null) result = await replayAll();
      else {
        try {
          result = await recomputeOne(project);
        } catch (error) {
          if (!(error instanceof ProjectScopeError)) throw error;
          log.warn(
            { err: error },
            "recompute: the project's subjects hold foreign messages; replaying everything",
          );
          result = await replayAll();
        }
      }
      attemptAbort = null;
      await writing;
      for (const r of rows) {
        await db
          .updateTable("ops.replays")
          .set({
            status: "done",
            finished_at: new Date(),
            next_attempt_at: null,
            events_total: result.events,
            events_done: result.events,
            diff: JSON.stringify(diffs.get(r.project_id) ?? emptyDiff()),
          })
          .where("id", "=", r.id)
          .execute();
      }
      log.info(
        {
          events: result.events,
          seconds: result.seconds,
          eventsPerSecond: Math.round(result.eventsPerSecond),
        },
        "recompute done",
      );
    } catch (caught) {
      attemptAbort = null;
      await writing;
      // An abort carries its reason; anything thrown after the abort is a consequence of it.
      const error = abort.signal.aborted ? abort.signal.reason : caught;
      const kind: RecomputeFailureKind = stopped ? "transient" : classifyRecomputeFailure(error);
      const text = failureText(error);
      if (kind === "deterministic") {
        log.error(logFields(error), "recompute failed: the same input fails every time; not retried");
        await db
          .updateTable("ops.replays")
          .set({
            status: "failed",
            finished_at: new Date(),
            error: text,
            last_error: text,
            next_attempt_at: null,
          })
          .where("id", "in", ids)
          .execute();
        return;
      }
      const delay = retryDelayMs(attempt, minMs, maxMs);
      const next = new Date(Date.now() + delay);
      log.error(
        { ...logFields(error), retryInMs: delay },
        "recompute attempt failed for a transient reason; it will be retried",
      );
      await db
        .updateTable("ops.replays")
        .set({ status: "retrying", last_error: text, next_attempt_at: next })
        .where("id", "in", ids)
        .execute();
      wakeAt(next);
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          while (!stopped && (await attemptOnce())) {
            // one more attempt for requests inserted meanwhile, or due again
          }
          schedulerFailures = 0;
        } catch (error) {
          schedulerFailures++;
          const delay = retryDelayMs(schedulerFailures, minMs, maxMs);
          logger.error({ ...logFields(error), retryInMs: delay }, "recompute scheduler failed; retrying");
          wakeAt(new Date(Date.now() + delay));
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function kick(opts: { resume?: boolean } = {}): void {
    if (stopped) return;
    if (opts.resume) resume = true;
    void run();
  }

  return {
    kick,
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      offStatus();
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running;
    },
  };
}

function emptyDiff(): ReplayDiff {
  return { orders_changed: 0, changes: [], truncated: false };
}

async function writeProgress(db: Kysely<Database>, ids: readonly string[], done: number, total: number) {
  await db
    .updateTable("ops.replays")
    .set({ events_done: done, events_total: total })
    .where("id", "in", ids)
    .where("status", "=", "running")
    .execute();
}
