import type { Nats } from "@pulse/infra";
import fp from "fastify-plugin";
import type { OrderUpdatesFeeds } from "./order-updates.feed.js";

/** Options of {@link natsPlugin}. */
export interface NatsPluginOptions {
  readonly feeds: OrderUpdatesFeeds;
}

/**
 * Ties the live feeds' consumers to the app's lifetime: on close, every feed still open is closed
 * and its consumer deleted. The NATS connection itself belongs to the caller.
 */
export const natsPlugin = fp<NatsPluginOptions>(
  async (app, { feeds }) => {
    app.addHook("onClose", async () => {
      await feeds.closeAll();
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
