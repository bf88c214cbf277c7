import { ServiceUnavailableError } from "@pulse/infra";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY, projectScope } from "../http/api.schemas.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import type { OrderUpdatesFeeds } from "./order-updates.feed.js";
import { type LiveFeedCounters, SseClient, sseFrame } from "./sse.client.js";

/** Options of {@link sseRoutes}. */
export interface SseRouteOptions extends RouteOptions {
  readonly feeds: OrderUpdatesFeeds;
  /** The feeds of `sale_won` notices (`kind: "sale"`), served at `GET /stream/sales`. */
  readonly salesFeeds: OrderUpdatesFeeds;
  readonly counters: LiveFeedCounters;
}

/** `retry:` sent first on every stream, ms: how long an EventSource waits before reconnecting. */
export const SSE_RETRY_MS = 2000;

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

/**
 * `GET /stream/orders?project=…` — Server-Sent Events of the project's `order_updated` notices
 * (SPEC "Live"), under `/api` behind the auth plugin (API token or session cookie; no credential in the URL), served
 * from the project's shared live feed (`order-updates.feed.ts`; docs/ARCHITECTURE.md "Live feed").
 * Events: `order_updated` (`id` = updates-stream sequence, `data` = the notice JSON), `heartbeat`
 * every `SSE_HEARTBEAT_MS` (no `id`), `reset` first when `Last-Event-ID` is older than the stream
 * keeps, `resync` (`id` = the last sequence it covers) when the client fell behind its bounds
 * (`sse.client.ts`) — both mean "reload the order list". Resumes after `Last-Event-ID` (header, or
 * `lastEventId` query) with exactly the missed notices; without it, streams the notices the feed
 * delivers from the connection on. The client is attached to the feed before the response headers
 * are sent, so once a client sees the response open nothing is missed. Framing by fastify-sse-v2
 * (`retry: 2000` first). Errors before streaming: 400, 401, 404 problems; 503
 * `updates_unavailable` when the feed's consumer (or a reconnect's replay) cannot be read.
 */
export const sseRoutes: FastifyPluginAsyncZod<SseRouteOptions> = async (
  app,
  { deps, feeds, salesFeeds, counters },
) => {
  const limits = {
    flushMs: deps.config.SSE_FLUSH_MS,
    maxQueuedFrames: deps.config.SSE_CLIENT_MAX_QUEUED_FRAMES,
    maxBufferedBytes: deps.config.SSE_CLIENT_MAX_BUFFERED_BYTES,
    heartbeatMs: deps.config.SSE_HEARTBEAT_MS,
  };
  const heartbeat = () => JSON.stringify({ at: deps.clock().toISOString() });

  // Ending the responses lets `server.close()` finish: an SSE response never ends by itself.
  app.addHook("preClose", async () => {
    await Promise.all([feeds.closeAll(), salesFeeds.closeAll()]);
  });

  /** The handler streaming the notices of `from` (the caller's project, after its Last-Event-ID). */
  const streamOf =
    (from: OrderUpdatesFeeds) =>
    async (
      request: FastifyRequest<{
        Querystring: z.infer<typeof OrderStreamQuery>;
        Headers: z.infer<typeof OrderStreamHeaders>;
      }>,
      reply: FastifyReply,
    ) => {
      const { project } = request.query;
      await requireProject(deps.db, request, project);
      const afterSeq = request.headers["last-event-id"] ?? request.query.lastEventId;
      const res = reply.raw;
      const client = new SseClient(res, limits, counters, heartbeat);
      const log = request.log.child({ project });
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        from.leave(project, client);
        log.info("sse stream closed");
      };
      res.once("close", leave);
      try {
        const outcome = await from.join(project, client, afterSeq, (o) => {
          // Called once the client is attached and its replay read: the response opens here.
          if (res.destroyed) return [];
          reply.hijack();
          res.writeHead(200, {
            ...headersOf(reply.getHeaders()),
            "content-type": "text/event-stream; charset=utf-8",
            connection: "keep-alive",
            "cache-control": "no-cache,no-transform",
            "x-no-compression": "1",
            "x-accel-buffering": "no",
          });
          const first = [sseFrame({ retry: SSE_RETRY_MS })];
          if (o.historyLost)
            first.push(
              sseFrame({
                event: "reset",
                data: JSON.stringify({ reason: "history_expired", start_seq: o.startSeq }),
              }),
            );
          return first;
        });
        log.info({ start_seq: outcome.startSeq, replayed_from: outcome.replayedFrom }, "sse stream opened");
      } catch (error) {
        res.off("close", leave);
        left = true;
        request.log.error({ err: error }, "cannot open the live feed");
        throw new ServiceUnavailableError(
          "updates_unavailable",
          "the live update stream is not available; retry later",
        );
      }
      if (res.destroyed) {
        // The client left while the feed was being joined.
        leave();
        if (!reply.sent) reply.hijack();
      }
      return reply;
    };

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
          "stream's retention were asked for, `event: resync` that the client fell behind and notices up to its " +
          "`id` were dropped: reload the order list.",
        security: API_SECURITY,
        produces: ["text/event-stream"],
        querystring: OrderStreamQuery,
        headers: OrderStreamHeaders,
        response: { 200: z.string().describe("text/event-stream"), ...API_ERRORS, 503: Problem },
      },
    },
    streamOf(feeds),
  );

  app.get(
    "/stream/sales",
    {
      exposeHeadRoute: false,
      schema: {
        tags: ["stream"],
        summary: "Live sale_won notices (Server-Sent Events)",
        description:
          'text/event-stream of the project\'s new sales (a lead entering 142; SPEC "amoCRM deals"). Each notice: ' +
          "`event: sale_won`, `id:` updates-stream sequence, `data:` the SaleNotice JSON (lead, sold_at, " +
          "amount, currency, product, pipeline, manager, client name and phone, team, UTM source/campaign/content). Heartbeats, Last-Event-ID resumption, `reset` and `resync` as in GET /api/stream/orders " +
          "(reload the sales list).",
        security: API_SECURITY,
        produces: ["text/event-stream"],
        querystring: OrderStreamQuery,
        headers: OrderStreamHeaders,
        response: { 200: z.string().describe("text/event-stream"), ...API_ERRORS, 503: Problem },
      },
    },
    streamOf(salesFeeds),
  );
};

/** Reply headers set by hooks (request id, CORS, …) as `writeHead` takes them. */
function headersOf(
  headers: Record<string, string | number | string[] | undefined>,
): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}
