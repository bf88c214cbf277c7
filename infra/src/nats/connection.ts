import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { type ConnectionOptions, connect, type NatsConnection } from "@nats-io/transport-node";
import { type StreamPlan, streamPlans } from "@pulse/events";
import { natsStatusOf } from "./status.js";

/** A NATS connection with its JetStream client and manager. */
export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/**
 * Connects to NATS (`url` may list several servers, comma-separated) and opens JetStream.
 * `name` shows in the server's connection list. Reconnects forever with jitter. `extra` adds
 * connection options (e.g. `noAsyncTraces: true` on hot publish paths: no Error is built per
 * request just to keep a stack trace). Its up/down state is tracked from the start: see
 * `natsStatusOf` (`status.ts`).
 * @throws when no server answers within `timeoutMs` (default 5000).
 */
export async function connectNats(
  url: string,
  name: string,
  timeoutMs = 5000,
  extra: Partial<ConnectionOptions> = {},
): Promise<Nats> {
  const nc = await connect({
    servers: url.split(",").map((s) => s.trim()),
    name,
    timeout: timeoutMs,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    ...extra,
  });
  // Observe disconnects/reconnects from the first moment (readiness, pausing work).
  natsStatusOf(nc);
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
  return { nc, js: jetstream(nc, { timeout: timeoutMs }), jsm };
}

function toStreamConfig(plan: StreamPlan): Partial<StreamConfig> & { name: string } {
  return {
    name: plan.name,
    subjects: plan.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: plan.maxAgeNanos,
    duplicate_window: plan.duplicateWindowNanos,
    num_replicas: 1,
    allow_direct: true,
  };
}

/**
 * Creates the events, receipts and updates streams if missing, or updates their mutable settings.
 * Idempotent; every service calls it on start. Returns the stream names.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  baseName: string,
  root: string,
): Promise<{ events: string; receipts: string; updates: string }> {
  const plans = streamPlans(baseName, root);
  for (const plan of [plans.events, plans.receipts, plans.updates]) {
    const cfg = toStreamConfig(plan);
    try {
      await jsm.streams.info(plan.name);
      await jsm.streams.update(plan.name, cfg);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(cfg);
    }
  }
  return { events: plans.events.name, receipts: plans.receipts.name, updates: plans.updates.name };
}

/**
 * True when a JetStream API error means "stream/consumer not found" (API codes 10059, 10014),
 * judged by code, not message text (STYLE.md rule 6).
 */
export function isNotFound(error: unknown): boolean {
  const code = (error as { api_error?: { err_code?: number }; code?: unknown })?.api_error?.err_code;
  if (code === 10059 || code === 10014) return true;
  const name = (error as { name?: string })?.name;
  return name === "StreamNotFoundError" || name === "ConsumerNotFoundError";
}
