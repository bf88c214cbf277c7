import { type Database, databaseErrorSummary, isDatabaseUnavailable } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type ReplayDeps, type ReplayProgress, replayReadModels } from "./replay.js";
import { diffSchemas, type ReplayDiff } from "./replay-diff.js";

/** The recompute scheduler of one projector process (see {@link createRecomputeScheduler}). */
export interface RecomputeScheduler {
  /** Looks for `running` rows in `ops.replays` soon (after a commit that inserted one); never throws. */
  kick(): void;
  /** Resolves when no rebuild is running, queued or waiting for its retry (for tests and shutdown). */
  idle(): Promise<void>;
  /** Lets the running rebuild finish (it is not interrupted) and stops taking new ones. */
  stop(): Promise<void>;
}

/** What {@link createRecomputeScheduler} needs: the replay's dependencies and the progress period. */
export interface RecomputeDeps extends ReplayDeps {
  /** Minimum time between two progress writes to `ops.replays`, in ms (default 1000). */
  readonly progressEveryMs?: number;
}

interface Pending {
  readonly id: string;
  readonly project_id: string | null;
}

/**
 * Runs the recomputations requested by settings changes (SPEC: "the projections it affects are
 * recomputed over all history") and by dictionary syncs that move a status to another group or
 * change its `is_closing_order` (SPEC "Group of a status": "the read models follow"). The live
 * projector inserts an `ops.replays` row (`running`, id = the triggering event's id, `reason` = its
 * type) in the transaction that applies the change and kicks this scheduler after the commit; on
 * start the projector kicks it too, so a row left `running` by a crash is rebuilt then.
 *
 * One rebuild at a time: all rows `running` when it starts share one blue/green
 * `replayReadModels` (the live consumers keep applying events meanwhile); rows inserted during a
 * rebuild are served by one more rebuild after it (requests coalesce). Progress (`events_done` /
 * `events_total`) is written at most every `progressEveryMs` and logged. After the swap and before
 * the old schema is dropped, each row gets the diff of its project's orders between the old and the
 * new tables (`diffSchemas`), then `status = done`; on failure `status = failed` with the error text.
 * When PostgreSQL cannot be reached (restart) the rows stay `running` and the scheduler tries again
 * by itself, 1 s doubling to 30 s between attempts; {@link RecomputeScheduler.idle} waits for that.
 */
export function createRecomputeScheduler(deps: RecomputeDeps): RecomputeScheduler {
  const { db, logger } = deps;
  const every = deps.progressEveryMs ?? 1000;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let retried: Promise<void> | null = null;
  let endRetry: (() => void) | null = null;

  async function runOnce(): Promise<boolean> {
    const pending: Pending[] = await db
      .selectFrom("ops.replays")
      .select(["id", "project_id"])
      .where("status", "=", "running")
      .orderBy("started_at")
      .orderBy("id")
      .execute();
    if (pending.length === 0) return false;
    const ids = pending.map((p) => p.id);
    const projects = [...new Set(pending.map((p) => p.project_id))];
    const log = logger.child({ replays: ids });
    log.info({ projects }, "recompute: rebuilding the read models over all history");
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const onProgress = (p: ReplayProgress) => {
      if (p.phase !== "events") return;
      const now = performance.now();
      if (now - lastWrite < every && p.done < p.total) return;
      lastWrite = now;
      log.info({ done: p.done, total: p.total, seconds: Math.round(p.seconds) }, "recompute progress");
      writing = writing
        .then(() => writeProgress(db, ids, p.done, p.total))
        .catch((error: unknown) => {
          log.warn({ err: error }, "recompute: progress not written");
        });
    };
    const diffs = new Map<string | null, ReplayDiff>();
    try {
      const result = await replayReadModels(deps, {
        swap: true,
        onProgress,
        beforeDropOld: async (oldSchema) => {
          for (const p of projects) {
            diffs.set(p, p === null ? emptyDiff() : await diffSchemas(db, oldSchema, "rm", p));
          }
        },
      });
      await writing;
      for (const p of pending) {
        await db
          .updateTable("ops.replays")
          .set({
            status: "done",
            finished_at: new Date(),
            events_total: result.events,
            events_done: result.events,
            diff: JSON.stringify(diffs.get(p.project_id) ?? emptyDiff()),
          })
          .where("id", "=", p.id)
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
    } catch (error) {
      await writing;
      // PostgreSQL down (restart): the rows stay `running` and the scheduler retries with backoff.
      if (isDatabaseUnavailable(error)) throw error;
      log.error({ err: error }, "recompute failed");
      await db
        .updateTable("ops.replays")
        .set({ status: "failed", finished_at: new Date(), error: String((error as Error)?.message ?? error) })
        .where("id", "in", ids)
        .execute();
    }
    return true;
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
          while (!stopped && (await runOnce())) {
            // one more rebuild for the rows inserted meanwhile
          }
          failures = 0;
        } catch (error) {
          // The rows are still `running` (the database could not be read or written): retry them
          // with backoff (1 s doubling to 30 s) rather than wait for the next settings change.
          failures++;
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
          logger.error(
            { db: databaseErrorSummary(error), failures, retryInMs: delay },
            "recompute scheduler failed; retrying",
          );
          if (!stopped && !retryTimer) {
            retried = new Promise<void>((resolve) => {
              endRetry = resolve;
              retryTimer = setTimeout(() => {
                retryTimer = null;
                endRetry = null;
                retried = null;
                resolve(stopped ? undefined : run());
              }, delay);
            });
          }
          return;
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    kick() {
      if (!stopped) void run();
    },
    async idle() {
      while (running || retried) await (running ?? retried);
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      endRetry?.();
      endRetry = null;
      retried = null;
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
