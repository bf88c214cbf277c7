import { type ConsumerMessages, DeliverPolicy } from "@nats-io/jetstream";
import { OrderUpdatedNotice, orderUpdatesSubject, streamPlans } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import fp from "fastify-plugin";

/** One `order_updated` notice read from the updates stream. */
export interface OrderUpdate {
  /** Sequence of the message in the updates stream (`{EVENTS_STREAM}_UPDATES`): the SSE `id`. */
  readonly seq: number;
  readonly notice: OrderUpdatedNotice;
  /** The message body as published (JSON of `notice`): the SSE `data`. */
  readonly json: string;
}

/**
 * A live read of one project's notices, backed by an ordered (ephemeral, flow-controlled,
 * self-healing) JetStream consumer. Iterate it once; {@link close} ends the iteration and deletes
 * the consumer on the server. Idempotent.
 */
export interface OrderUpdatesSubscription extends AsyncIterable<OrderUpdate> {
  /** First updates-stream sequence the subscription may deliver. */
  readonly startSeq: number;
  /**
   * True when the caller asked to resume after a sequence older than the stream still keeps
   * (updates are kept 7 days): some notices may be lost and the client should reload its state.
   */
  readonly historyLost: boolean;
  close(): Promise<void>;
}

/** Opens and tracks {@link OrderUpdatesSubscription}s on the updates stream. */
export interface OrderUpdatesFeed {
  /**
   * Subscribes to the notices of `projectId` published after updates-stream sequence `afterSeq`
   * (an SSE `Last-Event-ID`), or, without it, to notices published from now on. Resolves once the
   * consumer exists on the server, so nothing published after that is missed.
   * @throws the JetStream error when the stream is missing or NATS is down.
   */
  subscribe(projectId: string, afterSeq?: number): Promise<OrderUpdatesSubscription>;
  /** Closes every open subscription (app shutdown). */
  closeAll(): Promise<void>;
  /** Number of open subscriptions. */
  readonly size: number;
}

/** Settings of {@link createOrderUpdatesFeed}. */
export interface OrderUpdatesFeedOptions {
  readonly nats: Nats;
  /** `EVENTS_STREAM`; the updates stream is `{EVENTS_STREAM}_UPDATES`. */
  readonly eventsStream: string;
  readonly subjectRoot: string;
  readonly logger: Logger;
}

/**
 * Creates the feed of `order_updated` notices. Each subscription is an ordered consumer filtered
 * on `orderUpdatesSubject(root, project)`, so another project's notice can never reach it; its
 * start is always an explicit stream sequence:
 * - resume: `afterSeq + 1` (clamped to the stream's end when `afterSeq` is ahead of it), which
 *   delivers exactly the notices the client missed, in stream order, once;
 * - fresh: `last_seq + 1` read from the stream just before the consumer is made. That is "deliver
 *   new" (nothing already stored), but pinned: nats.js re-creates an ordered consumer after a
 *   reconnect from its cursor, and with `DeliverPolicy.New` and no message seen yet that cursor is
 *   0, which would replay the whole stream to the client.
 * Notices that fail to decode are skipped with a warning (the stream is the projector's; a bad
 * message must not end a client's stream).
 */
export function createOrderUpdatesFeed(opts: OrderUpdatesFeedOptions): OrderUpdatesFeed {
  const updatesStream = streamPlans(opts.eventsStream, opts.subjectRoot).updates.name;
  const open = new Set<OrderUpdatesSubscription>();

  async function subscribe(projectId: string, afterSeq?: number): Promise<OrderUpdatesSubscription> {
    const { nats, logger } = opts;
    const info = await nats.jsm.streams.info(updatesStream);
    const lastSeq = info.state.last_seq;
    const startSeq = afterSeq === undefined ? lastSeq + 1 : Math.min(afterSeq, lastSeq) + 1;
    const historyLost =
      afterSeq !== undefined && afterSeq + 1 < info.state.first_seq && info.state.messages > 0;
    const consumer = await nats.js.consumers.get(updatesStream, {
      filter_subjects: orderUpdatesSubject({ root: opts.subjectRoot }, projectId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
      // A consumer whose process died is removed by the server after this long without pulls (ms).
      inactive_threshold: 60_000,
    });
    let messages: ConsumerMessages;
    try {
      messages = await consumer.consume({ max_messages: 64 });
    } catch (error) {
      await consumer.delete().catch(() => undefined);
      throw error;
    }

    let closed: Promise<void> | null = null;
    const sub: OrderUpdatesSubscription = {
      startSeq,
      historyLost,
      async *[Symbol.asyncIterator]() {
        for await (const m of messages) {
          const json = m.string();
          let parsed: ReturnType<typeof OrderUpdatedNotice.safeParse>;
          try {
            parsed = OrderUpdatedNotice.safeParse(JSON.parse(json));
          } catch {
            parsed = OrderUpdatedNotice.safeParse(undefined);
          }
          if (!parsed.success || parsed.data.project_id !== projectId) {
            logger.warn(
              { stream: updatesStream, seq: m.seq, subject: m.subject },
              "skipping undecodable order_updated notice",
            );
            continue;
          }
          yield { seq: m.seq, notice: parsed.data, json };
        }
      },
      close() {
        closed ??= (async () => {
          open.delete(sub);
          await messages.close().catch(() => undefined);
          // The server would drop it after `inactive_threshold`; delete now to keep the count honest.
          await consumer.delete().catch(() => undefined);
        })();
        return closed;
      },
    };
    open.add(sub);
    return sub;
  }

  return {
    subscribe,
    async closeAll() {
      await Promise.all([...open].map((s) => s.close()));
    },
    get size() {
      return open.size;
    },
  };
}

/** Options of {@link natsPlugin}. */
export interface NatsPluginOptions {
  readonly feed: OrderUpdatesFeed;
}

/**
 * Ties the feed's consumers to the app's lifetime: on close, every subscription still open is
 * closed and its consumer deleted. The NATS connection itself belongs to the caller.
 */
export const natsPlugin = fp<NatsPluginOptions>(
  async (app, { feed }) => {
    app.addHook("onClose", async () => {
      await feed.closeAll();
    });
  },
  { name: "pulse-nats", fastify: "5.x" },
);

/**
 * Last sequence of the events stream (`EVENTS_STREAM`), i.e. how far the source of truth goes.
 * @throws the JetStream error when the stream is missing or NATS is down.
 */
export async function eventsStreamLastSeq(nats: Nats, eventsStream: string): Promise<number> {
  const info = await nats.jsm.streams.info(eventsStream);
  return info.state.last_seq;
}
