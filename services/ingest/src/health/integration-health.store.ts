/**
 * Integration health and notification counts of every project, kept by ingest in the JetStream KV
 * bucket `{EVENTS_STREAM}_HEALTH` (`@pulse/events` `integrations.ts`) for the query API. Call
 * outcomes are recorded in memory on the hot path (no I/O) and written by a periodic flush: each
 * dirty key is read, merged (counts added, latest fields replaced) and written back, so counts
 * survive restarts. One ingest runs the background workers, so one writer per key.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import {
  ApiHealth,
  apiHealthKey,
  healthBucketName,
  type IntegrationApi,
  type IntegrationError,
  NotificationStats,
  notificationStatsKey,
} from "@pulse/events";
import type { Logger } from "@pulse/infra";

/** The outcome of one API attempt: the HTTP status, or `null` with a secret-free message when no answer came. */
export interface CallOutcome {
  status: number | null;
  message?: string;
}

/** Changes to a project's notification counts (deltas) and its latest send or error. */
export interface NotificationChange {
  sent?: number;
  failed?: number;
  unconfirmed?: number;
  test_sent?: number;
  /** A confirmed send (sale or test): sets `last_sent_at`. */
  sentAt?: Date;
  error?: { status: number | null; message: string; at: Date };
}

/** Records health and notification outcomes; see {@link openIntegrationHealth}. */
export interface IntegrationHealthRecorder {
  /** Records one attempt of `api` for `projectId` at `at` (in memory; written by the next flush). */
  recordCall(projectId: string, api: IntegrationApi, outcome: CallOutcome, at: Date): void;
  /** Adds to a project's notification counts (in memory; written by the next flush). */
  recordNotification(projectId: string, change: NotificationChange): void;
  /** Writes every pending change now. @throws NATS errors (the changes stay pending). */
  flush(): Promise<void>;
  /** Reads the stored notification counts of a project (null when none). */
  notificationStats(projectId: string): Promise<NotificationStats | null>;
  /** Stops the timer and flushes what is pending (errors logged). */
  close(): Promise<void>;
}

/** Options of {@link openIntegrationHealth}: flush period (ms; 0 = only on `flush()`), logger, clock. */
export interface IntegrationHealthOptions {
  flushMs?: number;
  log: Logger;
  clock?: () => Date;
}

interface PendingApi {
  calls: number;
  failures: number;
  last: CallOutcome;
  lastAt: Date;
  successAt: Date | null;
  error: IntegrationError | null;
  tokenValid: boolean | null;
}

/** Opens (creating if missing) the bucket `{eventsStream}_HEALTH` and returns a recorder on it. */
export async function openIntegrationHealth(
  js: JetStreamClient,
  eventsStream: string,
  opts: IntegrationHealthOptions,
): Promise<IntegrationHealthRecorder> {
  const kv = await new Kvm(js).create(healthBucketName(eventsStream), { history: 1 });
  return createIntegrationHealthRecorder(kv, opts);
}

/** A secret-free message of a failed attempt (URLs and tokens are never part of it). */
export function callErrorMessage(outcome: CallOutcome): string {
  if (outcome.status !== null) return `HTTP ${outcome.status}`;
  return (outcome.message ?? "no answer").slice(0, 500);
}

/**
 * Merges pending outcomes of one API into its stored record (pure): counts added, latest fields
 * replaced; `token_valid` stays as stored when the pending attempts said nothing about it.
 */
export function mergeApiHealth(
  stored: ApiHealth | null,
  projectId: string,
  api: IntegrationApi,
  p: PendingApiHealth,
): ApiHealth {
  return {
    project_id: projectId,
    api,
    reachable: p.last.status !== null,
    token_valid: p.tokenValid ?? stored?.token_valid ?? null,
    last_success_at: p.successAt?.toISOString() ?? stored?.last_success_at ?? null,
    last_error: p.error ?? stored?.last_error ?? null,
    calls: (stored?.calls ?? 0) + p.calls,
    failures: (stored?.failures ?? 0) + p.failures,
    updated_at: p.lastAt.toISOString(),
  };
}

/** Pending outcomes of one API since the last flush (see {@link mergeApiHealth}). */
export type PendingApiHealth = PendingApi;

/** Creates a recorder on an opened bucket (see {@link openIntegrationHealth}). */
export function createIntegrationHealthRecorder(
  kv: KV,
  opts: IntegrationHealthOptions,
): IntegrationHealthRecorder {
  const clock = opts.clock ?? (() => new Date());
  const apis = new Map<string, { projectId: string; api: IntegrationApi; p: PendingApi }>();
  const notifications = new Map<string, NotificationChange>();
  let flushing: Promise<void> = Promise.resolve();
  const timer =
    (opts.flushMs ?? 1000) > 0
      ? setInterval(() => {
          void recorder
            .flush()
            .catch((error: unknown) => opts.log.warn({ err: error }, "health flush failed"));
        }, opts.flushMs ?? 1000)
      : null;
  timer?.unref();

  const readJson = async (key: string): Promise<unknown> => {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== "PUT") return null;
    try {
      return entry.json();
    } catch {
      return null;
    }
  };

  async function writeAll(): Promise<void> {
    const apiBatch = [...apis.entries()];
    apis.clear();
    const noticeBatch = [...notifications.entries()];
    notifications.clear();
    try {
      for (const [key, { projectId, api, p }] of apiBatch) {
        const stored = ApiHealth.safeParse(await readJson(key));
        const merged = mergeApiHealth(stored.success ? stored.data : null, projectId, api, p);
        await kv.put(key, JSON.stringify(merged));
      }
      for (const [projectId, change] of noticeBatch) {
        const key = notificationStatsKey(projectId);
        const parsed = NotificationStats.safeParse(await readJson(key));
        const stored = parsed.success ? parsed.data : null;
        const merged: NotificationStats = {
          project_id: projectId,
          sent: (stored?.sent ?? 0) + (change.sent ?? 0),
          failed: (stored?.failed ?? 0) + (change.failed ?? 0),
          unconfirmed: (stored?.unconfirmed ?? 0) + (change.unconfirmed ?? 0),
          test_sent: (stored?.test_sent ?? 0) + (change.test_sent ?? 0),
          last_sent_at: change.sentAt?.toISOString() ?? stored?.last_sent_at ?? null,
          last_error: change.error
            ? {
                ...change.error,
                message: change.error.message.slice(0, 500),
                at: change.error.at.toISOString(),
              }
            : (stored?.last_error ?? null),
          updated_at: clock().toISOString(),
        };
        await kv.put(key, JSON.stringify(merged));
      }
    } catch (error) {
      // Put back what was not written (merged with what arrived meanwhile) for the next flush.
      for (const [key, v] of apiBatch) if (!apis.has(key)) apis.set(key, v);
      for (const [p, c] of noticeBatch) notifications.set(p, addChanges(c, notifications.get(p)));
      throw error;
    }
  }

  const recorder: IntegrationHealthRecorder = {
    recordCall(projectId, api, outcome, at) {
      const key = apiHealthKey(projectId, api);
      let entry = apis.get(key);
      if (!entry) {
        entry = {
          projectId,
          api,
          p: {
            calls: 0,
            failures: 0,
            last: outcome,
            lastAt: at,
            successAt: null,
            error: null,
            tokenValid: null,
          },
        };
        apis.set(key, entry);
      }
      const p = entry.p;
      p.calls++;
      p.last = outcome;
      p.lastAt = at;
      const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
      if (ok) {
        p.successAt = at;
        p.tokenValid = true;
      } else {
        p.failures++;
        p.error = { status: outcome.status, message: callErrorMessage(outcome), at: at.toISOString() };
        if (outcome.status === 401 || outcome.status === 403) p.tokenValid = false;
      }
    },
    recordNotification(projectId, change) {
      notifications.set(projectId, addChanges(change, notifications.get(projectId)));
    },
    flush() {
      flushing = flushing.catch(() => undefined).then(writeAll);
      return flushing;
    },
    async notificationStats(projectId) {
      await flushing.catch(() => undefined);
      const parsed = NotificationStats.safeParse(await readJson(notificationStatsKey(projectId)));
      return parsed.success ? parsed.data : null;
    },
    async close() {
      if (timer) clearInterval(timer);
      await recorder.flush().catch((error: unknown) => opts.log.warn({ err: error }, "health flush failed"));
    },
  };
  return recorder;
}

function addChanges(a: NotificationChange, b: NotificationChange | undefined): NotificationChange {
  if (!b) return { ...a };
  const later = (x?: Date, y?: Date) => (x && y ? (x > y ? x : y) : (x ?? y));
  const sentAt = later(a.sentAt, b.sentAt);
  const error = a.error && b.error ? (a.error.at > b.error.at ? a.error : b.error) : (a.error ?? b.error);
  return {
    sent: (a.sent ?? 0) + (b.sent ?? 0),
    failed: (a.failed ?? 0) + (b.failed ?? 0),
    unconfirmed: (a.unconfirmed ?? 0) + (b.unconfirmed ?? 0),
    test_sent: (a.test_sent ?? 0) + (b.test_sent ?? 0),
    ...(sentAt ? { sentAt } : {}),
    ...(error ? { error } : {}),
  };
}
