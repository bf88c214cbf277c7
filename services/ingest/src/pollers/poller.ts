/**
 * The one loop every API poller of ingest runs (the amoCRM events catch-up, the KeyCRM order-list
 * catch-up, the Radist.Online poller): schedule (`poller.scheduler.ts`: once at start, then every
 * interval, one run per project at a time), window start from the checkpoint
 * (`poller-checkpoints.store.ts`: `since`, else last run's start − lookback), the poller's own
 * fetching of pages, publishing (msgID = dedup key, counted), skipped items logged once per run,
 * the checkpoint after a complete run, and stop (abort + wait). A poller declares only what is its
 * own: which projects it reads and how it reads and maps one run's pages ({@link PollerSpec.poll}).
 */
import type { DomainEvent, SubjectRoot } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import type { IngestConfig } from "../ingest.config.js";
import type { ProjectRecord, ProjectRegistry } from "../projects/project-registry.js";
import { type PublishOutcome, publishEvents } from "../publishing/event.publisher.js";
import { createPollerScheduler } from "./poller.scheduler.js";
import { type PollerCheckpoints, runWindowStartMs, saveRunCheckpoint } from "./poller-checkpoints.store.js";

/** Event counts of a run so far: stored now, already in the stream, and items skipped. */
export interface PollCounts {
  published: number;
  duplicates: number;
  skipped: number;
}

/** What one run of one project is given by the skeleton (see {@link createPoller}). */
export interface PollRun {
  readonly record: ProjectRecord;
  /** Aborted when the poller closes; pass it to every request. */
  readonly signal: AbortSignal;
  /** When the run started (the checkpoint it leaves). */
  readonly startedAt: Date;
  /** Start of the window to read, ms since the epoch (`since`, else checkpoint − lookback). */
  readonly fromMs: number;
  /** The running counts ({@link PollRun.publish} and {@link PollRun.skip} add to them). */
  readonly counts: PollCounts;
  /** "Now" (the poller's clock). */
  now(): Date;
  /**
   * Publishes mapped events (msgID = dedup key) and adds the outcome to `counts`.
   * @throws ServiceUnavailableError when JetStream does not persist (the run fails; no checkpoint).
   */
  publish(events: readonly DomainEvent[]): Promise<PublishOutcome>;
  /**
   * Counts a skipped item; with a `reason` it is logged once per run as a tally by reason with the
   * first `detail` as the example (never a secret).
   */
  skip(reason?: string, detail?: string | null): void;
}

/** Options every run accepts: `since` overrides the window start (a backfill or an import). */
export interface PollOptions {
  since?: Date;
}

/** What a poller declares: its name, timing, eligible projects and the reading of one run. */
export interface PollerSpec<R, O extends PollOptions> {
  /** Checkpoint name in `{EVENTS_STREAM}_POLLERS` and the `poller` field of log lines. */
  name: string;
  /** Period in seconds; `0` = on demand only. */
  intervalSeconds: number;
  /** Hours re-read before the last run's start. */
  lookbackHours: number;
  /** True for a project this poller reads. */
  eligible: (record: ProjectRecord | undefined) => record is ProjectRecord;
  /** What an ineligible project is not, for the error of `runOnce` (e.g. "an active amoCRM project …"). */
  requirement: string;
  /** Message of the log line that tallies skipped items. */
  skippedMessage: string;
  /** Reads, maps and publishes (through `run.publish`) one run's pages; returns the run's result. */
  poll(run: PollRun, opts: O): Promise<R>;
  /** Fields of a successful run for the "poll finished" log line. */
  summary(result: R): Record<string, unknown>;
}

/** Dependencies shared by every poller. */
export interface PollerDeps {
  nats: Nats;
  config: Pick<IngestConfig, "SUBJECT_ROOT" | "PUBLISH_TIMEOUT_MS" | "WEBHOOK_RETRY_AFTER_SECONDS">;
  logger: Logger;
  registry: ProjectRegistry;
  checkpoints: PollerCheckpoints;
  clock?: () => Date;
}

/** A running poller (see {@link createPoller}). */
export interface Poller<R, O extends PollOptions = PollOptions> {
  /** Starts the periodic runs (no-op when the interval is 0). */
  start(): void;
  /**
   * Runs one project now.
   * @throws Error for an unknown or ineligible project; whatever the run throws (CrmHttpError when
   *   the API fails after retries, ServiceUnavailableError when JetStream does not persist). The
   *   checkpoint moves only after a complete run.
   */
  runOnce(projectId: string, opts?: O): Promise<R>;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
  /** Stops the timer, aborts running runs and waits for them. */
  close(): Promise<void>;
}

/**
 * Creates a poller from its declaration. One run of a project: `startedAt` = now; window start =
 * `runWindowStartMs` (`since`, else the checkpoint − lookback, the first run now − lookback);
 * `spec.poll` reads and publishes; skipped items are logged as one tally; then the checkpoint
 * (`{poller}.{project}`) becomes `startedAt` with the run's published/duplicates counts. A run that
 * throws leaves the previous checkpoint, so the next run reads the same window again.
 */
export function createPoller<R, O extends PollOptions>(
  spec: PollerSpec<R, O>,
  deps: PollerDeps,
): Poller<R, O> {
  const clock = deps.clock ?? (() => new Date());
  const scheme: SubjectRoot = { root: deps.config.SUBJECT_ROOT };
  const lookbackMs = spec.lookbackHours * 3_600_000;

  async function run(record: ProjectRecord, signal: AbortSignal, opts: O): Promise<R> {
    const startedAt = clock();
    const fromMs = await runWindowStartMs(deps.checkpoints, spec.name, record.project_id, {
      startedAt,
      lookbackMs,
      since: opts.since,
    });
    const counts: PollCounts = { published: 0, duplicates: 0, skipped: 0 };
    const skips = new Map<string, number>();
    let example: string | null = null;
    const result = await spec.poll(
      {
        record,
        signal,
        startedAt,
        fromMs,
        counts,
        now: clock,
        async publish(events) {
          const outcome = await publishEvents(deps.nats.js, scheme, events, {
            timeoutMs: deps.config.PUBLISH_TIMEOUT_MS,
            retryAfterSeconds: deps.config.WEBHOOK_RETRY_AFTER_SECONDS,
          });
          counts.published += outcome.accepted;
          counts.duplicates += outcome.duplicates;
          return outcome;
        },
        skip(reason, detail) {
          counts.skipped++;
          if (reason === undefined) return;
          skips.set(reason, (skips.get(reason) ?? 0) + 1);
          example ??= detail ?? null;
        },
      },
      opts,
    );
    if (skips.size > 0)
      deps.logger.warn(
        { poller: spec.name, project: record.project_id, skipped: Object.fromEntries(skips), example },
        spec.skippedMessage,
      );
    await saveRunCheckpoint(deps.checkpoints, spec.name, record.project_id, {
      startedAt,
      finishedAt: clock(),
      published: counts.published,
      duplicates: counts.duplicates,
    });
    return result;
  }

  const scheduler = createPollerScheduler({
    name: spec.name,
    intervalMs: spec.intervalSeconds * 1000,
    projects: () => deps.registry.list().filter(spec.eligible),
    run: (record, signal) => run(record, signal, {} as O),
    summary: spec.summary,
    log: deps.logger,
  });

  return {
    start: () => scheduler.start(),
    async runOnce(projectId, opts) {
      const record = deps.registry.get(projectId)?.record;
      if (!spec.eligible(record)) throw new Error(`project ${projectId} is not ${spec.requirement}`);
      return run(record, scheduler.signal, opts ?? ({} as O));
    },
    idle: () => scheduler.idle(),
    close: () => scheduler.close(),
  };
}
