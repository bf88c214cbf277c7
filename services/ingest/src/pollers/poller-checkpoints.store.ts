/**
 * Checkpoints of the API pollers (amoCRM events catch-up, Radist.Online) in the NATS KV bucket
 * `{EVENTS_STREAM}_POLLERS`, key `{poller}.{project}`: when the last successful run of a project
 * started. A run reads from `checkpoint − lookback`, so a run that failed, or a process that was
 * down, is caught up by the next run, and late arrivals inside the lookback are read again (their
 * dedup keys make them duplicates).
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { IsoInstant } from "@pulse/events";
import { z } from "zod";

/** One checkpoint: the start of the last successful run (ISO) and its counts. */
export const PollerCheckpoint = z.object({
  last_run_started_at: IsoInstant,
  last_run_finished_at: IsoInstant,
  published: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
});
/** See {@link PollerCheckpoint}. */
export type PollerCheckpoint = z.infer<typeof PollerCheckpoint>;

/** The KV bucket of the poller checkpoints: `{EVENTS_STREAM}_POLLERS`. */
export function pollersBucketName(eventsStream: string): string {
  return `${eventsStream}_POLLERS`;
}

/** Reads and writes poller checkpoints. */
export interface PollerCheckpoints {
  /** The checkpoint of `poller` for `projectId`, or null when none (or unreadable). */
  get(poller: string, projectId: string): Promise<PollerCheckpoint | null>;
  /** Stores a checkpoint (validated). @throws ZodError / NATS errors. */
  put(poller: string, projectId: string, checkpoint: PollerCheckpoint): Promise<void>;
}

/** Opens (creating if missing) the checkpoint bucket of a deployment. */
export async function openPollerCheckpoints(
  js: JetStreamClient,
  eventsStream: string,
): Promise<PollerCheckpoints> {
  const kv = await new Kvm(js).create(pollersBucketName(eventsStream), { history: 5 });
  return {
    async get(poller, projectId) {
      const entry = await kv.get(`${poller}.${projectId}`);
      if (!entry || entry.operation !== "PUT") return null;
      try {
        const parsed = PollerCheckpoint.safeParse(entry.json());
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async put(poller, projectId, checkpoint) {
      await kv.put(`${poller}.${projectId}`, JSON.stringify(PollerCheckpoint.parse(checkpoint)));
    },
  };
}

/**
 * Where a run of `poller` for `projectId` that started at `startedAt` begins reading, in ms since
 * the epoch: `since` when given (a backfill, taken as is); else the start of the last successful
 * run (its checkpoint) − `lookbackMs` (ms); the first run: `startedAt` − `lookbackMs`. See the
 * module comment for why the lookback is re-read.
 * @throws NATS errors of the checkpoint read.
 */
export async function runWindowStartMs(
  checkpoints: PollerCheckpoints,
  poller: string,
  projectId: string,
  run: { startedAt: Date; lookbackMs: number; since?: Date | undefined },
): Promise<number> {
  const checkpoint = await checkpoints.get(poller, projectId);
  return (
    run.since?.getTime() ??
    (checkpoint ? Date.parse(checkpoint.last_run_started_at) : run.startedAt.getTime()) - run.lookbackMs
  );
}

/**
 * Records a complete run of `poller` for `projectId`: its start and finish times and its
 * `published` / `duplicates` event counts become the checkpoint the next run reads from. Call it
 * only after every page was published (a failed run leaves the previous checkpoint).
 * @throws ZodError for negative or fractional counts; NATS errors of the KV write.
 */
export async function saveRunCheckpoint(
  checkpoints: PollerCheckpoints,
  poller: string,
  projectId: string,
  run: { startedAt: Date; finishedAt: Date; published: number; duplicates: number },
): Promise<void> {
  await checkpoints.put(poller, projectId, {
    last_run_started_at: run.startedAt.toISOString(),
    last_run_finished_at: run.finishedAt.toISOString(),
    published: run.published,
    duplicates: run.duplicates,
  });
}
