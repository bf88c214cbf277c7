/**
 * Runs a poller periodically for every eligible project: once at start, then every `intervalMs`;
 * never two runs of one project at a time (a tick that finds the project still running skips it);
 * projects run concurrently (each has its own API rate limit). A failed run is logged and retried
 * at the next tick — its checkpoint did not move, so nothing is lost.
 */
import type { CrmKind } from "@pulse/events";
import type { Logger } from "@pulse/infra";
import type { ProjectRecord } from "../projects/project-registry.js";

/** Options of {@link createPollerScheduler}. */
export interface PollerSchedulerOptions<R> {
  /** Poller name for logs (`amocrm-events`, `radist`). */
  name: string;
  /** Period in milliseconds; `0` = never run on a timer (runs on demand only). */
  intervalMs: number;
  /** The projects to poll now (read at every tick). */
  projects: () => ProjectRecord[];
  /** One run for one project. @throws on failure (logged). */
  run: (record: ProjectRecord, signal: AbortSignal) => Promise<R>;
  /** Summary fields of a successful run for the log line. */
  summary: (result: R) => Record<string, unknown>;
  log: Logger;
}

/** A scheduler; see {@link createPollerScheduler}. */
export interface PollerScheduler {
  /** Runs every eligible project now, then on every interval (no-op when `intervalMs` is 0). */
  start(): void;
  /** The abort signal runs receive (aborted by {@link PollerScheduler.close}). */
  readonly signal: AbortSignal;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
  /** Stops the timer, aborts running runs and waits for them. */
  close(): Promise<void>;
}

/** Creates a {@link PollerScheduler}. */
export function createPollerScheduler<R>(opts: PollerSchedulerOptions<R>): PollerScheduler {
  const abort = new AbortController();
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const tick = () => {
    if (closed) return;
    for (const record of opts.projects()) {
      const id = record.project_id;
      if (running.has(id)) continue;
      const started = performance.now();
      const p = opts
        .run(record, abort.signal)
        .then(
          (r) =>
            opts.log.info(
              {
                poller: opts.name,
                project: id,
                ms: Math.round(performance.now() - started),
                ...opts.summary(r),
              },
              "poll finished",
            ),
          (error: unknown) => {
            if (!closed)
              opts.log.warn(
                { poller: opts.name, project: id, err: error },
                "poll failed: retried at the next interval",
              );
          },
        )
        .finally(() => running.delete(id));
      running.set(id, p);
    }
  };

  return {
    signal: abort.signal,
    start() {
      if (timer || closed || opts.intervalMs <= 0) return;
      tick();
      timer = setInterval(tick, opts.intervalMs);
      timer.unref();
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      abort.abort(new Error(`${opts.name} poller closed`));
      await Promise.allSettled([...running.values()]);
    },
  };
}

/**
 * True for a project a CRM API poller of `kind` can read: an active project of that CRM kind with a
 * base URL and an API token (the eligibility of the amoCRM and KeyCRM catch-ups).
 */
export function crmApiPollEligible(
  record: ProjectRecord | undefined,
  kind: CrmKind,
): record is ProjectRecord {
  return (
    !!record && record.active && record.kind === kind && record.base_url !== null && record.api_token !== null
  );
}
