import {
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  type MsgRequest,
  type NextMsgRequest,
} from "@nats-io/jetstream";
import {
  OrderUpdatedNotice,
  orderUpdatesSubject,
  SaleNotice,
  type SubjectRoot,
  saleUpdatesSubject,
  streamPlans,
} from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import { type NoticeFrame, type SseClient, sseFrame } from "./sse.client.js";

/** Settings of {@link createOrderUpdatesFeeds}. */
export interface OrderUpdatesFeedsOptions {
  readonly nats: Nats;
  /** `EVENTS_STREAM`; the updates stream is `{EVENTS_STREAM}_UPDATES`. */
  readonly eventsStream: string;
  readonly subjectRoot: string;
  readonly logger: Logger;
  /** A project's feed stays open this long after its last client left, ms (`SSE_FEED_GRACE_MS`). */
  readonly graceMs: number;
  /**
   * Latest frames each feed keeps to answer a reconnect's `Last-Event-ID` without a consumer
   * (`SSE_REPLAY_BUFFER_FRAMES`).
   */
  readonly replayBufferFrames: number;
  /** Most frames a reconnect replays; a larger gap gets `resync` instead (`SSE_CLIENT_MAX_QUEUED_FRAMES`). */
  readonly maxReplayFrames: number;
  /**
   * Which notices the feeds carry (default `order`): `order` = `order_updated` on
   * `orderUpdatesSubject`, framed as `event: order_updated`, coalesced per order; `sale` =
   * `sale_won` on `saleUpdatesSubject`, framed as `event: sale_won`, coalesced per lead.
   */
  readonly kind?: NoticeKind;
}

/** The notices a feed carries (see {@link OrderUpdatesFeedsOptions.kind}). */
export type NoticeKind = "order" | "sale";

/** Per kind: the project's subject and the decoder of one notice (null: not decodable). */
const NOTICE_KINDS: Record<
  NoticeKind,
  {
    subject(scheme: SubjectRoot, projectId: string): string;
    event: string;
    decode(value: unknown): { project_id: string; key: number } | null;
  }
> = {
  order: {
    subject: orderUpdatesSubject,
    event: "order_updated",
    decode(value) {
      const p = OrderUpdatedNotice.safeParse(value);
      return p.success ? { project_id: p.data.project_id, key: p.data.order_id } : null;
    },
  },
  sale: {
    subject: saleUpdatesSubject,
    event: "sale_won",
    decode(value) {
      const p = SaleNotice.safeParse(value);
      return p.success ? { project_id: p.data.project_id, key: p.data.lead_id } : null;
    },
  },
};

/** How a client joined: what it must be told first and where its replay came from. */
export interface JoinOutcome {
  /** First updates-stream sequence the client can get live (the feed's start, or after its replay). */
  readonly startSeq: number;
  /**
   * True when the client asked to resume after a sequence older than the stream still keeps
   * (updates are kept 7 days): send `reset` first, the client reloads.
   */
  readonly historyLost: boolean;
  /** `buffer` (the feed's recent frames), `stream` (a short-lived consumer), or `none` (fresh client). */
  readonly replayedFrom: "buffer" | "stream" | "none";
  /** Frames replayed (0 when the gap was too large and the client got `resync` instead). */
  readonly replayed: number;
}

/** The live feeds of one query process: one per project with clients, shared by all of them. */
export interface OrderUpdatesFeeds {
  /**
   * Attaches `client` to the feed of `projectId` (opening the feed, i.e. its ordered consumer,
   * when it is the project's first client) and, with `afterSeq` (an SSE `Last-Event-ID`), replays
   * the project's notices after it from the feed's recent frames or, when they do not reach back
   * that far, from the stream; the client goes live after its replay (`client.goLive`). Without
   * `afterSeq`, the client gets the notices the feed delivers from now on. `first` events (e.g.
   * `reset`) are built by the caller from the outcome: it is called before anything is written.
   * @throws the JetStream error when the stream is missing or NATS is down (the client is detached).
   */
  join(
    projectId: string,
    client: SseClient,
    afterSeq: number | undefined,
    first: (outcome: JoinOutcome) => readonly string[],
  ): Promise<JoinOutcome>;
  /** Detaches `client`; the feed closes `graceMs` after its last client left. */
  leave(projectId: string, client: SseClient): void;
  /** Closes every feed and its clients' responses (app shutdown). */
  closeAll(): Promise<void>;
  /** Open feeds (one consumer each). */
  readonly feedCount: number;
  /** Clients attached to `projectId`'s feed (0 when it has none). */
  clientCount(projectId: string): number;
}

/** One project's shared feed: an ordered consumer fanned out to the project's clients. */
interface ProjectFeed {
  readonly projectId: string;
  readonly clients: Set<SseClient>;
  /** First updates-stream sequence the feed may deliver. */
  readonly startSeq: number;
  /** The latest frames, oldest first, at most `replayBufferFrames`. */
  readonly recent: NoticeFrame[];
  /** Highest sequence dropped from `recent` (0: none). */
  evictedUpTo: number;
  graceTimer: NodeJS.Timeout | null;
  /** Set once {@link close} started: a client must not be attached any more. */
  closed: boolean;
  close(): Promise<void>;
}

/** A project's entry in the registry: the feed once its consumer exists. */
interface FeedEntry {
  ready: Promise<ProjectFeed>;
  feed: ProjectFeed | null;
}

/**
 * Frames the notice in `m` for the SSE clients of `projectId` (`event:` the kind's event name, `id:`
 * the updates-stream sequence), or null when it does not decode as the kind's notice of that project.
 */
function frameOf(m: JsMsg, projectId: string, kind: NoticeKind): NoticeFrame | null {
  const json = m.string();
  const notice = NOTICE_KINDS[kind];
  let decoded: { project_id: string; key: number } | null;
  try {
    decoded = notice.decode(JSON.parse(json));
  } catch {
    return null;
  }
  if (decoded === null || decoded.project_id !== projectId) return null;
  return {
    seq: m.seq,
    orderId: decoded.key,
    bytes: Buffer.from(sseFrame({ id: String(m.seq), event: notice.event, data: json })),
  };
}

/**
 * Creates the live feeds of `order_updated` notices (docs/ARCHITECTURE.md "Live feed"). A project's
 * feed is one ordered (ephemeral, flow-controlled, self-healing across NATS reconnects) consumer
 * filtered on `orderUpdatesSubject(root, project)` — another project's notice can never reach it —
 * started at the stream's `last_seq + 1` when its first client joins (pinned, not "deliver new":
 * an ordered consumer re-created after a reconnect restarts from its cursor, which would be 0).
 * Each notice is framed once and pushed to every client of the project ({@link SseClient} bounds
 * what each one buffers). A reconnect is served from the feed's recent frames when they reach back
 * to its `Last-Event-ID`, else from a short-lived ordered consumer from `afterSeq + 1` (clamped to
 * the stream's end); live frames are held meanwhile and those the replay covered are dropped.
 * A feed whose consumer fails ends its clients' responses (they reconnect with Last-Event-ID).
 * Notices that fail to decode are skipped with a warning (the stream is the projector's).
 */
export function createOrderUpdatesFeeds(opts: OrderUpdatesFeedsOptions): OrderUpdatesFeeds {
  const updatesStream = streamPlans(opts.eventsStream, opts.subjectRoot).updates.name;
  const { nats, logger } = opts;
  const feeds = new Map<string, FeedEntry>();
  const kind = opts.kind ?? "order";
  const subject = (projectId: string) => NOTICE_KINDS[kind].subject({ root: opts.subjectRoot }, projectId);

  const skip = (m: JsMsg) =>
    logger.warn(
      { stream: updatesStream, seq: m.seq, subject: m.subject },
      `skipping undecodable ${NOTICE_KINDS[kind].event} notice`,
    );

  async function openFeed(projectId: string, entry: FeedEntry): Promise<ProjectFeed> {
    const info = await nats.jsm.streams.info(updatesStream);
    const startSeq = info.state.last_seq + 1;
    const consumer = await nats.js.consumers.get(updatesStream, {
      filter_subjects: subject(projectId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
      // A consumer whose process died is removed by the server after this long without pulls (ms).
      inactive_threshold: 60_000,
    });
    let messages: ConsumerMessages;
    try {
      messages = await consumer.consume({ max_messages: 256 });
    } catch (error) {
      await consumer.delete().catch(() => undefined);
      throw error;
    }
    let closing: Promise<void> | null = null;
    const feed: ProjectFeed = {
      projectId,
      clients: new Set(),
      startSeq,
      recent: [],
      evictedUpTo: 0,
      graceTimer: null,
      closed: false,
      close() {
        feed.closed = true;
        closing ??= (async () => {
          if (feed.graceTimer) clearTimeout(feed.graceTimer);
          if (feeds.get(projectId) === entry) feeds.delete(projectId);
          for (const c of feed.clients) c.close();
          feed.clients.clear();
          await messages.close().catch(() => undefined);
          // The server would drop it after `inactive_threshold`; delete now to keep the count honest.
          await consumer.delete().catch(() => undefined);
          logger.debug({ project: projectId }, "live feed closed");
        })();
        return closing;
      },
    };
    void (async () => {
      try {
        for await (const m of messages) {
          const frame = frameOf(m, projectId, kind);
          if (frame === null) {
            skip(m);
            continue;
          }
          feed.recent.push(frame);
          if (feed.recent.length > opts.replayBufferFrames) {
            const old = feed.recent.shift();
            if (old) feed.evictedUpTo = old.seq;
          }
          for (const c of feed.clients) c.push(frame);
        }
      } catch (error) {
        logger.warn({ err: error, project: projectId }, "live feed consumer failed; ending its streams");
      }
      await feed.close();
    })();
    logger.debug({ project: projectId, start_seq: startSeq }, "live feed opened");
    return feed;
  }

  function feedOf(projectId: string): Promise<ProjectFeed> {
    const known = feeds.get(projectId);
    if (known) return known.ready;
    // The entry is the feed's identity in the map: a closing feed removes only its own entry.
    const entry: FeedEntry = {
      feed: null,
      ready: Promise.resolve().then(() => openFeed(projectId, entry)),
    };
    entry.ready = entry.ready.then(
      (feed) => {
        entry.feed = feed;
        return feed;
      },
      (error: unknown) => {
        if (feeds.get(projectId) === entry) feeds.delete(projectId);
        throw error;
      },
    );
    feeds.set(projectId, entry);
    return entry.ready;
  }

  /**
   * The project's notices after `afterSeq` from the stream, for a client attached to its feed:
   * frames in stream order and the sequence up to which they cover every notice of the project.
   * `tooMany` when more than `maxReplayFrames` are pending (the client gets `resync` instead).
   */
  async function replayFromStream(
    projectId: string,
    afterSeq: number,
  ): Promise<{ frames: NoticeFrame[]; coveredUpTo: number; historyLost: boolean; tooMany: boolean }> {
    const info = await nats.jsm.streams.info(updatesStream);
    const lastSeq = info.state.last_seq;
    const historyLost = afterSeq + 1 < info.state.first_seq && info.state.messages > 0;
    const from = Math.min(afterSeq, lastSeq) + 1;
    const frames: NoticeFrame[] = [];
    if (from > lastSeq) return { frames, coveredUpTo: lastSeq, historyLost, tooMany: false };
    // Nothing of the project in the gap: no consumer needed (a consume would wait for a message).
    // STREAM.MSG.GET takes `next_by_subj` since nats-server 2.9; nats.js types it for direct gets only.
    const nextQuery: NextMsgRequest = { next_by_subj: subject(projectId), seq: from };
    const next = await nats.jsm.streams.getMessage(updatesStream, nextQuery as unknown as MsgRequest);
    if (next === null || next.seq > lastSeq)
      return { frames, coveredUpTo: lastSeq, historyLost, tooMany: false };
    const consumer = await nats.js.consumers.get(updatesStream, {
      filter_subjects: subject(projectId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: next.seq,
      inactive_threshold: 60_000,
    });
    const messages = await consumer.consume({ max_messages: 256 });
    let coveredUpTo = lastSeq;
    let tooMany = false;
    try {
      for await (const m of messages) {
        coveredUpTo = Math.max(coveredUpTo, m.seq);
        if (frames.length === 0 && m.info.pending + 1 > opts.maxReplayFrames) {
          tooMany = true;
          coveredUpTo = Math.max(coveredUpTo, lastSeq);
          break;
        }
        const frame = frameOf(m, projectId, kind);
        if (frame === null) skip(m);
        else frames.push(frame);
        if (frames.length > opts.maxReplayFrames) {
          tooMany = true;
          break;
        }
        // Every notice of the project stored when this one was delivered is in hand.
        if (m.info.pending === 0) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
      await consumer.delete().catch(() => undefined);
    }
    return { frames, coveredUpTo, historyLost, tooMany };
  }

  function leave(projectId: string, client: SseClient): void {
    client.close();
    const known = feeds.get(projectId);
    if (!known) return;
    void known.ready.then(
      (feed) => {
        if (!feed.clients.delete(client) || feed.clients.size > 0 || feed.graceTimer) return;
        if (opts.graceMs <= 0) {
          void feed.close();
          return;
        }
        feed.graceTimer = setTimeout(() => {
          feed.graceTimer = null;
          if (feed.clients.size === 0) void feed.close();
        }, opts.graceMs);
      },
      () => undefined,
    );
  }

  return {
    async join(projectId, client, afterSeq, first) {
      let feed = await feedOf(projectId);
      // A feed that closed while this client waited for it (its consumer failed): open a new one.
      if (feed.closed) feed = await feedOf(projectId);
      if (client.isClosed) {
        // The client left while the feed was being opened: it is not attached.
        return { startSeq: feed.startSeq, historyLost: false, replayedFrom: "none", replayed: 0 };
      }
      if (feed.graceTimer) {
        clearTimeout(feed.graceTimer);
        feed.graceTimer = null;
      }
      // Attached before any replay is read: every notice after the replay's end is delivered live.
      feed.clients.add(client);
      try {
        let outcome: JoinOutcome;
        if (afterSeq === undefined) {
          outcome = { startSeq: feed.startSeq, historyLost: false, replayedFrom: "none", replayed: 0 };
          client.goLive([], 0, first(outcome));
        } else if (afterSeq + 1 >= feed.startSeq && afterSeq >= feed.evictedUpTo) {
          const frames = feed.recent.filter((f) => f.seq > afterSeq);
          const coveredUpTo = frames.at(-1)?.seq ?? afterSeq;
          outcome = {
            startSeq: afterSeq + 1,
            historyLost: false,
            replayedFrom: "buffer",
            replayed: frames.length,
          };
          client.goLive(frames, coveredUpTo, first(outcome));
        } else {
          const r = await replayFromStream(projectId, afterSeq);
          outcome = {
            startSeq: Math.min(afterSeq + 1, r.coveredUpTo + 1),
            historyLost: r.historyLost,
            replayedFrom: "stream",
            replayed: r.tooMany ? 0 : r.frames.length,
          };
          if (r.tooMany) client.fallBehind(r.coveredUpTo);
          client.goLive(r.tooMany ? [] : r.frames, r.coveredUpTo, first(outcome));
        }
        return outcome;
      } catch (error) {
        leave(projectId, client);
        throw error;
      }
    },
    leave,
    async closeAll() {
      const all = await Promise.allSettled([...feeds.values()].map((e) => e.ready));
      await Promise.all(all.flatMap((r) => (r.status === "fulfilled" ? [r.value.close()] : [])));
    },
    get feedCount() {
      return feeds.size;
    },
    clientCount(projectId) {
      return feeds.get(projectId)?.feed?.clients.size ?? 0;
    },
  };
}
