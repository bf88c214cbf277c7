/**
 * The machinery shared by the workers that enrich an order/lead from its CRM API after its events
 * (the KeyCRM items worker, the amoCRM contacts worker): a durable JetStream consumer on the events
 * stream, a KV bucket remembering what was fetched per entity (so a restart or a replay does not
 * refetch), a pure refetch rule, one sequential queue per project (the CRM rate limit is per
 * project, SPEC "CRM API limits") so projects proceed concurrently, and an error policy that never
 * loses an entity: failures are `nak`ed with a growing delay, decode failures are poison (`term`).
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { type CrmKind, type DomainEvent, decodeEvent, IsoInstant, type SubjectRoot } from "@pulse/events";
import { isNotFound, type Logger, type Nats, publishDomainEvent } from "@pulse/infra";
import { z } from "zod";
import type { ProjectRecord, ProjectRegistry } from "../projects/project-registry.js";

/**
 * What the worker remembers per entity, in KV under `{project}.{entity id}`:
 * - `outcome`: `fetched`, or `gone` (KeyCRM 404 / amoCRM 204: nothing to publish);
 * - `sha256`: digest of the last published content (`null` when none was published);
 * - `fetched_at`: when the CRM was last asked (ISO);
 * - `group_id` / `group_at`: the status group (KeyCRM) or pipeline (amoCRM) of the newest event seen
 *   and its time, to notice an entity entering a new group.
 */
export const FetchState = z.object({
  outcome: z.enum(["fetched", "gone"]),
  sha256: z.string().nullable(),
  fetched_at: IsoInstant,
  group_id: z.number().int().nullable(),
  group_at: IsoInstant.nullable(),
});
/** See {@link FetchState}. */
export type FetchState = z.infer<typeof FetchState>;

/** The part of an event a worker reacts to: whose entity, its group (or null) and when (ISO). */
export interface FetchTrigger {
  projectId: string;
  entityId: number;
  groupId: number | null;
  at: IsoInstant;
  /** The event asks for a fresh read whatever the refetch interval (e.g. an amoCRM lead lost: its loss reason). */
  fresh?: boolean;
}

/** The group tracking of a state after `trigger`: a newer event with a known group moves it. */
export function nextGroup(
  state: Pick<FetchState, "group_id" | "group_at"> | null,
  trigger: FetchTrigger,
): { group_id: number | null; group_at: IsoInstant | null } {
  const current = { group_id: state?.group_id ?? null, group_at: state?.group_at ?? null };
  if (trigger.groupId === null) return current;
  if (current.group_at !== null && trigger.at < current.group_at) return current;
  return { group_id: trigger.groupId, group_at: trigger.at };
}

/**
 * True when the trigger makes the entity enter another group than the newest one seen (an older,
 * late event does not; an event without group never does).
 */
export function entersNewGroup(
  state: Pick<FetchState, "group_id" | "group_at"> | null,
  trigger: FetchTrigger,
) {
  if (trigger.groupId === null) return false;
  if (!state || state.group_id === null) return true;
  return trigger.groupId !== state.group_id && (state.group_at === null || trigger.at >= state.group_at);
}

/** The outcome of one fetch: content to publish with its digest, or "gone". */
export type FetchOutcome =
  | { outcome: "fetched"; sha256: string; event: (fetchedAt: Date, eventId: string) => DomainEvent }
  | { outcome: "gone" };

/** What makes one worker: names, the entity kind it reacts to, the rule and the fetch. */
export interface EntityFetchSpec {
  /** Durable consumer name (`items-worker`). */
  readonly durable: string;
  /** Subject filter (`{root}.events.*.order.>`). */
  readonly filter: string;
  /** KV bucket of the fetch states (`{EVENTS_STREAM}_ITEMS`). */
  readonly bucket: string;
  /** The CRM kind of the projects it serves; events of other projects are acknowledged and skipped. */
  readonly projectKind: CrmKind;
  /** The trigger of an event, or null when the event type does not concern the worker. */
  trigger(event: DomainEvent): FetchTrigger | null;
  /** The refetch rule (pure): fetch now for this trigger given what was fetched before? */
  shouldFetch(state: FetchState | null, trigger: FetchTrigger): boolean;
  /**
   * Fetches and maps the entity.
   * @throws on CRM/network failures after the HTTP client's retries (the message is nak'ed).
   */
  fetch(record: ProjectRecord, trigger: FetchTrigger, signal: AbortSignal): Promise<FetchOutcome>;
}

/** Tuning of the runtime (tests shorten it). Times in milliseconds. */
export interface EntityFetchTuning {
  /** Server redelivery timeout; queued messages are kept alive with `working()` (default 60 000). */
  ackWaitMs?: number;
  /** Unacknowledged messages the server lets out to this worker (default 512). */
  maxAckPending?: number;
  /** Messages waiting per project before new ones are nak'ed to leave room to others (default 64). */
  queuePerProject?: number;
  /** First nak delay after a failure; doubled per delivery up to `maxNakDelayMs` (default 5 000). */
  nakDelayMs?: number;
  /** Longest nak delay (default 600 000). */
  maxNakDelayMs?: number;
}

/** Dependencies of {@link createEntityFetchWorker}. */
export interface EntityFetchDeps {
  nats: Nats;
  eventsStream: string;
  scheme: SubjectRoot;
  publishTimeoutMs: number;
  registry: ProjectRegistry;
  logger: Logger;
  clock: () => Date;
  newId: () => string;
  tuning?: EntityFetchTuning;
}

/** A running fetch worker. */
export interface EntityFetchWorker {
  /** Creates/updates the durable consumer and starts consuming. Resolves once consuming. */
  start(): Promise<void>;
  /** Resolves when the consumer has nothing pending or unacknowledged and no queue holds work (tests, CLI). */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops consuming, aborts running requests (their messages are nak'ed for redelivery), waits. */
  close(): Promise<void>;
}

interface Job {
  msg: JsMsg;
  trigger: FetchTrigger;
}

interface ProjectQueue {
  jobs: Job[];
  running: Job | null;
  draining: Promise<void> | null;
}

/** Reads a fetch state from KV (`null` when absent or unreadable — then it is fetched again). */
export async function readFetchState(kv: KV, key: string): Promise<FetchState | null> {
  const entry = await kv.get(key);
  if (!entry || entry.operation !== "PUT") return null;
  try {
    const parsed = FetchState.safeParse(entry.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The KV key of an entity: `{project}.{entity id}`. */
export function fetchStateKey(projectId: string, entityId: number): string {
  return `${projectId}.${entityId}`;
}

/** Opens (creating if missing) a fetch-state bucket (one revision kept per key). */
export async function openFetchStateBucket(js: JetStreamClient, bucket: string): Promise<KV> {
  return new Kvm(js).create(bucket, { history: 1 });
}

/**
 * Creates a worker from `spec`. Per message: decode (poison → `term` + error log with the stream
 * sequence) → `spec.trigger` (null → ack) → project of `spec.projectKind` with API access (else ack:
 * nothing can be fetched) → KV state → if `spec.shouldFetch` is false and the group tracking is
 * unchanged, ack at once; otherwise the job joins its project's queue. A project's queue runs one
 * job at a time: re-read the state (an earlier job may have fetched the entity), fetch, publish the
 * event only when its digest differs from the last published one (msgID = dedup key), write the
 * state, ack. Failures `nak` with `nakDelayMs × 2^(deliveries−1)` (capped); a full queue `nak`s new
 * jobs after a short delay so that one project's backlog never occupies every unacknowledged slot.
 */
export function createEntityFetchWorker(spec: EntityFetchSpec, deps: EntityFetchDeps): EntityFetchWorker {
  const log = deps.logger.child({ worker: spec.durable });
  const ackWaitMs = deps.tuning?.ackWaitMs ?? 60_000;
  const maxAckPending = deps.tuning?.maxAckPending ?? 512;
  const queuePerProject = deps.tuning?.queuePerProject ?? 64;
  const nakDelayMs = deps.tuning?.nakDelayMs ?? 5_000;
  const maxNakDelayMs = deps.tuning?.maxNakDelayMs ?? 600_000;
  const abort = new AbortController();
  const queues = new Map<string, ProjectQueue>();
  const inFlight = new Set<Promise<void>>();
  let kv: KV | null = null;
  let messages: ConsumerMessages | null = null;
  let loop: Promise<void> | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let closed = false;

  const nakDelay = (msg: JsMsg) =>
    Math.min(maxNakDelayMs, nakDelayMs * 2 ** Math.min(20, Math.max(0, msg.info.deliveryCount - 1)));

  const eligible = (record: ProjectRecord | undefined): record is ProjectRecord =>
    !!record &&
    record.active &&
    record.kind === spec.projectKind &&
    record.base_url !== null &&
    record.api_token !== null;

  const putState = async (key: string, state: FetchState) => {
    await kv?.put(key, JSON.stringify(state));
  };

  async function runJob(job: Job): Promise<void> {
    const { msg, trigger } = job;
    const key = fetchStateKey(trigger.projectId, trigger.entityId);
    const record = deps.registry.get(trigger.projectId)?.record;
    if (!kv || !eligible(record)) {
      msg.ack();
      return;
    }
    try {
      const state = await readFetchState(kv, key);
      const group = nextGroup(state, trigger);
      if (!spec.shouldFetch(state, trigger)) {
        if (state && (group.group_id !== state.group_id || group.group_at !== state.group_at))
          await putState(key, { ...state, ...group });
        msg.ack();
        return;
      }
      const fetchedAt = deps.clock();
      const result = await spec.fetch(record, trigger, abort.signal);
      if (result.outcome === "gone") {
        log.info(
          { project: trigger.projectId, entity: trigger.entityId },
          "entity not found in the CRM: nothing published",
        );
        await putState(key, {
          outcome: "gone",
          sha256: state?.sha256 ?? null,
          fetched_at: fetchedAt.toISOString(),
          ...group,
        });
      } else {
        if (state?.sha256 !== result.sha256) {
          const event = result.event(fetchedAt, deps.newId());
          const ack = await publishDomainEvent(deps.nats.js, deps.scheme, event, {
            timeoutMs: deps.publishTimeoutMs,
          });
          log.debug(
            { project: trigger.projectId, entity: trigger.entityId, seq: ack.seq, duplicate: ack.duplicate },
            "published",
          );
        }
        await putState(key, {
          outcome: "fetched",
          sha256: result.sha256,
          fetched_at: fetchedAt.toISOString(),
          ...group,
        });
      }
      msg.ack();
    } catch (error) {
      if (closed) {
        msg.nak();
        return;
      }
      const delay = nakDelay(msg);
      log.warn(
        { project: trigger.projectId, entity: trigger.entityId, seq: msg.seq, delayMs: delay, err: error },
        "fetch failed: will retry",
      );
      msg.nak(delay);
    }
  }

  function drain(projectId: string, q: ProjectQueue): void {
    if (q.draining) return;
    q.draining = (async () => {
      for (let job = q.jobs.shift(); job && !closed; job = q.jobs.shift()) {
        q.running = job;
        await runJob(job);
        q.running = null;
      }
    })().finally(() => {
      q.draining = null;
      if (q.jobs.length > 0 && !closed) drain(projectId, q);
    });
  }

  async function handle(msg: JsMsg): Promise<void> {
    const decoded = decodeEvent(msg.data);
    if (!decoded.ok) {
      log.error(
        { seq: msg.seq, subject: msg.subject, reason: decoded.reason },
        "undecodable event: terminated",
      );
      msg.term(decoded.reason.slice(0, 200));
      return;
    }
    const trigger = spec.trigger(decoded.event);
    if (!trigger || !eligible(deps.registry.get(trigger.projectId)?.record) || !kv) {
      msg.ack();
      return;
    }
    try {
      // Cheap path without the queue: nothing to fetch and the group tracking unchanged.
      const state = await readFetchState(kv, fetchStateKey(trigger.projectId, trigger.entityId));
      const group = nextGroup(state, trigger);
      if (
        state &&
        !spec.shouldFetch(state, trigger) &&
        group.group_id === state.group_id &&
        group.group_at === state.group_at
      ) {
        msg.ack();
        return;
      }
    } catch (error) {
      log.warn({ seq: msg.seq, err: error }, "fetch state unreadable: will retry");
      msg.nak(nakDelay(msg));
      return;
    }
    let q = queues.get(trigger.projectId);
    if (!q) {
      q = { jobs: [], running: null, draining: null };
      queues.set(trigger.projectId, q);
    }
    if (q.jobs.length >= queuePerProject) {
      msg.nak(Math.min(maxNakDelayMs, 2_000 + q.jobs.length * 50));
      return;
    }
    q.jobs.push({ msg, trigger });
    drain(trigger.projectId, q);
  }

  async function ensureConsumer(): Promise<void> {
    const config = {
      filter_subject: spec.filter,
      ack_wait: ackWaitMs * 1_000_000,
      max_ack_pending: maxAckPending,
      max_deliver: -1,
    };
    try {
      const info = await deps.nats.jsm.consumers.info(deps.eventsStream, spec.durable);
      const c = info.config;
      if (
        c.filter_subject !== config.filter_subject ||
        c.ack_wait !== config.ack_wait ||
        c.max_ack_pending !== config.max_ack_pending
      )
        await deps.nats.jsm.consumers.update(deps.eventsStream, spec.durable, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await deps.nats.jsm.consumers.add(deps.eventsStream, {
        ...config,
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
    }
  }

  /** Opens the durable (re-created when missing) and starts pulling. */
  async function openMessages(): Promise<ConsumerMessages> {
    await ensureConsumer();
    const consumer = await deps.nats.js.consumers.get(deps.eventsStream, spec.durable);
    // A durable deleted or lost on the server (e.g. a NATS restart on another store) ends the
    // iteration instead of waiting for it forever; disconnects are ridden out by the client.
    return consumer.consume({ max_messages: Math.min(256, maxAckPending), abort_on_missing_resource: true });
  }

  /** Handles messages until closed; an iteration that ends otherwise is re-opened with backoff. */
  async function consumeLoop(): Promise<void> {
    for (let failures = 0; !closed; ) {
      const iter = messages;
      if (iter) {
        try {
          for await (const msg of iter) {
            failures = 0;
            const p = handle(msg).catch((error: unknown) => {
              log.error({ err: error, seq: msg.seq }, "unexpected worker failure");
              msg.nak(nakDelay(msg));
            });
            inFlight.add(p);
            void p.finally(() => inFlight.delete(p));
          }
        } catch (error) {
          if (!closed) log.warn({ err: error }, "consumer interrupted");
        }
      }
      if (closed) break;
      failures++;
      const delay = Math.min(maxNakDelayMs, 250 * 2 ** Math.min(failures - 1, 8));
      log.warn({ failures, retryInMs: delay }, "consumer ended; re-opening it");
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, delay);
        function done() {
          clearTimeout(t);
          abort.signal.removeEventListener("abort", done);
          resolve();
        }
        abort.signal.addEventListener("abort", done);
      });
      if (closed) break;
      messages = await openMessages().catch((error: unknown) => {
        log.warn({ err: error }, "consumer not re-opened; retrying");
        return null;
      });
    }
  }

  const queued = () => [...queues.values()].reduce((n, q) => n + q.jobs.length + (q.running ? 1 : 0), 0);

  return {
    async start() {
      if (messages || closed) return;
      kv = await openFetchStateBucket(deps.nats.js, spec.bucket);
      messages = await openMessages();
      loop = consumeLoop();
      heartbeat = setInterval(
        () => {
          for (const q of queues.values()) {
            q.running?.msg.working();
            for (const j of q.jobs) j.msg.working();
          }
        },
        Math.max(200, Math.floor(ackWaitMs / 3)),
      );
      heartbeat.unref();
      log.info({ durable: spec.durable, filter: spec.filter }, "fetch worker consuming");
    },
    async idle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const info = await deps.nats.jsm.consumers.info(deps.eventsStream, spec.durable);
        if (info.num_pending === 0 && info.num_ack_pending === 0 && queued() === 0 && inFlight.size === 0)
          return;
        if (Date.now() > deadline)
          throw new Error(`${spec.durable} did not become idle within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (heartbeat) clearInterval(heartbeat);
      abort.abort(new Error(`${spec.durable} closed`));
      await messages?.close().catch(() => undefined);
      await loop?.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      await Promise.allSettled([...queues.values()].map((q) => q.draining));
      for (const q of queues.values()) for (const j of q.jobs.splice(0)) j.msg.nak();
    },
  };
}
