import type { EventMessage, FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY, projectScope } from "../http/api.schemas.js";
import { ServiceUnavailableError } from "../http/app.errors.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { withHeartbeats } from "./heartbeats.stream.js";
import type { OrderUpdatesFeed, OrderUpdatesSubscription } from "./nats.plugin.js";

/** Options of {@link sseRoutes}. */
export interface SseRouteOptions extends RouteOptions {
  readonly feed: OrderUpdatesFeed;
}

// An empty value means "no id yet" (what an EventSource that saw no id would have).
const SequenceParam = z
  .string()
  .regex(/^\d{0,15}$/, "a stream sequence (non-negative integer)")
  .transform((s) => (s === "" ? undefined : Number(s)));

/** Query of `GET /api/stream/orders`. */
export const OrderStreamQuery = z.strictObject({
  ...projectScope,
  lastEventId: SequenceParam.optional().describe(
    "resume after this updates-stream sequence (for clients that cannot send Last-Event-ID); the header wins",
  ),
});

/** Headers of `GET /api/stream/orders` (other headers pass through unchanged). */
export const OrderStreamHeaders = z.looseObject({
  "last-event-id": SequenceParam.optional().describe("resume after this updates-stream sequence"),
});

/** What one open SSE connection needs to be stopped from outside (client gone, app closing). */
interface OpenStream {
  readonly stop: AbortController;
  readonly sub: OrderUpdatesSubscription;
  readonly reply: FastifyReply;
}

/**
 * The SSE events of one connection: `order_updated` per notice (`id` = updates-stream sequence,
 * `data` = the notice JSON), and `heartbeat` every `heartbeatMs` whatever the traffic. Heartbeats
 * carry no `id`, so they never move the client's `Last-Event-ID`. Ends when `signal` aborts or the
 * subscription ends (or fails: `onError`, and the client reconnects with its Last-Event-ID without
 * a gap); the subscription is closed then. The generator is pulled by the response stream, so a slow
 * client applies backpressure down to the consumer instead of growing a buffer, and it holds the same
 * memory after a million notices as after one ({@link withHeartbeats}).
 */
async function* sseEvents(
  sub: OrderUpdatesSubscription,
  signal: AbortSignal,
  heartbeatMs: number,
  clock: () => Date,
  onError: (error: unknown) => void,
): AsyncGenerator<EventMessage> {
  try {
    if (sub.historyLost) {
      yield { event: "reset", data: JSON.stringify({ reason: "history_expired", start_seq: sub.startSeq }) };
    }
    const steps = withHeartbeats(sub[Symbol.asyncIterator](), heartbeatMs, signal);
    try {
      for await (const step of steps) {
        if (step.kind === "heartbeat") {
          yield { event: "heartbeat", data: JSON.stringify({ at: clock().toISOString() }) };
        } else {
          yield { id: String(step.item.seq), event: "order_updated", data: step.item.json };
        }
      }
    } catch (error) {
      onError(error);
    }
  } finally {
    await sub.close();
  }
}

/**
 * `GET /stream/orders?project=…` — Server-Sent Events of the project's `order_updated` notices
 * (SPEC "Live"), under `/api` behind the auth plugin (API token or session cookie; no credential in the URL).
 * Resumes after `Last-Event-ID` (header, or `lastEventId` query) with exactly the missed notices;
 * without it, streams notices published after the connection was made. The consumer exists before
 * the response headers are sent, so once a client sees the response open nothing is missed.
 * The consumer is deleted when the client disconnects or the app closes. Framing by
 * fastify-sse-v2 (`retry: 2000` first). Errors before streaming: 400, 401, 404 problems; 503
 * `updates_unavailable` when the consumer cannot be created.
 */
export const sseRoutes: FastifyPluginAsyncZod<SseRouteOptions> = async (app, { deps, feed }) => {
  const openStreams = new Set<OpenStream>();

  // Ending the responses lets `server.close()` finish: an SSE response never ends by itself.
  app.addHook("preClose", async () => {
    const streams = [...openStreams];
    for (const s of streams) s.stop.abort();
    await Promise.all(streams.map((s) => s.sub.close()));
    for (const s of streams) if (!s.reply.raw.writableEnded) s.reply.raw.end();
  });

  app.get(
    "/stream/orders",
    {
      // A HEAD would open a stream whose headers never come: HEAD is not served (404 problem).
      exposeHeadRoute: false,
      schema: {
        tags: ["stream"],
        summary: "Live order_updated notices (Server-Sent Events)",
        description:
          "text/event-stream. Each notice: `event: order_updated`, `id:` updates-stream sequence, `data:` the " +
          "OrderUpdatedNotice JSON. `event: heartbeat` every SSE_HEARTBEAT_MS. Reconnect with Last-Event-ID (or " +
          "lastEventId) to receive exactly the missed notices. `event: reset` means notices older than the " +
          "stream's retention were asked for: reload the order list.",
        security: API_SECURITY,
        produces: ["text/event-stream"],
        querystring: OrderStreamQuery,
        headers: OrderStreamHeaders,
        response: { 200: z.string().describe("text/event-stream"), ...API_ERRORS, 503: Problem },
      },
    },
    async (request, reply) => {
      const { project } = request.query;
      await requireProject(deps.db, request, project);
      const afterSeq = request.headers["last-event-id"] ?? request.query.lastEventId;
      let sub: OrderUpdatesSubscription;
      try {
        sub = await feed.subscribe(project, afterSeq);
      } catch (error) {
        request.log.error({ err: error }, "cannot open the updates consumer");
        throw new ServiceUnavailableError(
          "updates_unavailable",
          "the live update stream is not available; retry later",
        );
      }
      if (reply.raw.destroyed || request.raw.socket.destroyed) {
        // The client left while the consumer was being made: no 'close' event will come now.
        await sub.close();
        reply.hijack();
        return reply;
      }
      const stop = new AbortController();
      const open: OpenStream = { stop, sub, reply };
      openStreams.add(open);
      const log = request.log.child({ project, start_seq: sub.startSeq });
      log.info("sse stream opened");
      reply.raw.once("close", () => {
        openStreams.delete(open);
        stop.abort();
        void sub.close();
        log.info("sse stream closed");
      });
      reply.header("x-accel-buffering", "no");
      const onError = (error: unknown) =>
        log.warn({ err: error }, "updates consumer failed; ending the stream");
      reply.sse(sseEvents(sub, stop.signal, deps.config.SSE_HEARTBEAT_MS, deps.clock, onError));
      return reply;
    },
  );
};
