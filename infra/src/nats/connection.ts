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
 * The connect and JetStream request timeout when the caller gives none: `NATS_TIMEOUT_MS` (a
 * positive integer, ms) — e.g. for a bulk replay on a machine so busy that the server answers a
 * consumer request after more than 5 s — else 5000.
 */
function defaultTimeoutMs(): number {
  const v = Number(process.env["NATS_TIMEOUT_MS"]);
  return Number.isInteger(v) && v > 0 ? v : 5000;
}

/**
 * Connects to NATS (`url` may list several servers, comma-separated, with credentials as in
 * `nats://user:password@host:4222`, see {@link natsServers}) and opens JetStream.
 * `name` shows in the server's connection list. Reconnects forever with jitter. `extra` adds
 * connection options (e.g. `noAsyncTraces: true` on hot publish paths: no Error is built per
 * request just to keep a stack trace). Its up/down state is tracked from the start: see
 * `natsStatusOf` (`status.ts`).
 * @throws when no server answers within `timeoutMs` (default: `NATS_TIMEOUT_MS` from the
 * environment, else 5000; the same bound applies to each JetStream API request).
 */
export async function connectNats(
  url: string,
  name: string,
  timeoutMs = defaultTimeoutMs(),
  extra: Partial<ConnectionOptions> = {},
): Promise<Nats> {
  const nc = await connect({
    ...natsServers(url),
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

/**
 * Splits a `NATS_URL` into the client's `servers` and its `user`/`pass` options. The nats.js client
 * does not read credentials from a server URL, so `nats://user:password@host:port` is taken apart
 * here (user and password percent-decoded); the first URL carrying credentials sets them for every
 * server. A URL without credentials yields `servers` only.
 * @param url comma-separated server URLs, e.g. `nats://ingest:s3cret@nats:4222`
 */
export function natsServers(url: string): { servers: string[]; user?: string; pass?: string } {
  let user: string | undefined;
  let pass: string | undefined;
  const servers = url
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(s);
      if (!m) return s;
      const [, scheme, auth, rest] = m as unknown as [string, string, string, string];
      if (user === undefined) {
        const colon = auth.indexOf(":");
        user = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
        pass = colon < 0 ? undefined : decodeURIComponent(auth.slice(colon + 1));
      }
      return `${scheme}${rest}`;
    });
  return {
    servers,
    ...(user !== undefined ? { user } : {}),
    ...(pass !== undefined ? { pass } : {}),
  };
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
