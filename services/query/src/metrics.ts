/**
 * Prometheus metrics of the query service (README "Metrics and alerts"), served at `GET /metrics`
 * (with `Authorization: Bearer {METRICS_TOKEN}` when that is set, else open — it carries counts per
 * project id, no secrets, but expose it only to the monitoring network):
 * - `pulse_sse_clients`: open live-stream connections (`GET /api/stream/orders`), up when an
 *   authenticated request reaches the handler, down when its connection closes;
 * - `pulse_sla_orders{project,state}`: open orders per project by the SLA state (`ok` | `near` |
 *   `over`) of the status group they are in now (`rm.order_group_sla` by the same rule as the API's
 *   `sla_state`, see `sla-state.sql.ts`), read on scrape and cached for {@link SLA_CACHE_MS};
 * - the live feed (`order-updates.feed.ts`, `sse.client.ts`): `pulse_sse_feeds` (open project feeds, one
 *   consumer each), `pulse_sse_frames_sent_total`, `pulse_sse_frames_coalesced_total` (superseded by a
 *   later notice of the same order within a flush tick), `pulse_sse_frames_dropped_total` (for clients
 *   that fell behind; covered by their `resync`), `pulse_sse_resyncs_total`;
 * - the default process metrics.
 * Labels: project id and state only — never an order id.
 */
import { cachedReading, createMetricsRegistry, metricsRequestAllowed } from "@pulse/infra";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { sql } from "kysely";
import { Counter, Gauge, type Registry } from "prom-client";
import type { QueryDeps } from "./deps.js";
import { problemOf, sendProblem } from "./http/problem.handler.js";
import type { LiveFeedCounters } from "./live/sse.client.js";
import { groupSlaStateAt } from "./orders/sla-state.sql.js";

/** How long the SLA reading is reused between scrapes, ms. */
export const SLA_CACHE_MS = 15_000;

/** The route whose open connections `pulse_sse_clients` counts. */
const SSE_ROUTE = "/api/stream/orders";

/** The query service's metrics (one set per app). */
export interface QueryMetrics {
  readonly registry: Registry;
  /** `pulse_sse_clients`: open live-stream connections. */
  readonly sseClients: Gauge<string>;
  /** The live feed's counters (frames sent, coalesced, dropped; resyncs). */
  readonly live: LiveFeedCounters;
  /** Makes `pulse_sse_feeds` read `count()` on scrape (the feed registry is made after the metrics). */
  countFeeds(count: () => number): void;
}

/**
 * Counts of open orders per project and SLA state at `at`: orders not closed, in the status group of
 * their current status, with an SLA limit there. One grouped query over `rm.orders_current` joined
 * to `rm.order_group_sla` by primary key.
 */
export async function slaOrderCounts(
  db: QueryDeps["db"],
  at: Date,
): Promise<{ project_id: string; state: string; n: number }[]> {
  const rows = await db
    .selectFrom("rm.orders_current as oc")
    .innerJoin("rm.order_group_sla as g", (join) =>
      join
        .onRef("g.project_id", "=", "oc.project_id")
        .onRef("g.order_id", "=", "oc.order_id")
        .onRef("g.group_id", "=", "oc.last_status_group_id"),
    )
    .where("oc.closed_at", "is", null)
    .where("g.limit_seconds", "is not", null)
    .select([
      "oc.project_id",
      groupSlaStateAt("g", sql`${at}::timestamptz`).as("state"),
      sql<string>`count(*)`.as("n"),
    ])
    .groupBy(["oc.project_id", "state"])
    .execute();
  return rows.flatMap((r) =>
    r.state === null ? [] : [{ project_id: r.project_id, state: r.state, n: Number(r.n) }],
  );
}

/** Creates the registry of one query app (see the module comment); `deps` gives the database and clock. */
export function createQueryMetrics(deps: Pick<QueryDeps, "db" | "clock" | "logger">): QueryMetrics {
  const registry = createMetricsRegistry("query");
  const read = cachedReading(
    () => slaOrderCounts(deps.db, deps.clock()),
    SLA_CACHE_MS,
    () => deps.clock().getTime(),
  );
  const sla: Gauge<"project" | "state"> = new Gauge({
    name: "pulse_sla_orders",
    help: "Open orders by project and the SLA state of their current status group (ok, near, over)",
    labelNames: ["project", "state"] as const,
    registers: [registry],
    async collect() {
      sla.reset();
      try {
        const rows = await read();
        const projects = new Set(rows.map((r) => r.project_id));
        for (const p of projects)
          for (const state of ["ok", "near", "over"]) sla.set({ project: p, state }, 0);
        for (const r of rows) sla.set({ project: r.project_id, state: r.state }, r.n);
      } catch (error) {
        deps.logger.warn({ err: (error as Error)?.message }, "SLA metrics not read");
      }
    },
  });
  const sseClients = new Gauge({
    name: "pulse_sse_clients",
    help: "Open live-stream (SSE) connections",
    registers: [registry],
  });
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  const live: LiveFeedCounters = {
    framesSent: counter("pulse_sse_frames_sent_total", "order_updated frames written to SSE clients"),
    framesCoalesced: counter(
      "pulse_sse_frames_coalesced_total",
      "SSE frames superseded by a later notice of the same order within one flush tick",
    ),
    framesDropped: counter(
      "pulse_sse_frames_dropped_total",
      "SSE frames dropped for clients that fell behind (covered by their resync)",
    ),
    resyncs: counter("pulse_sse_resyncs_total", "resync events sent to SSE clients that fell behind"),
  };
  let feeds: () => number = () => 0;
  new Gauge({
    name: "pulse_sse_feeds",
    help: "Open live feeds (one updates-stream consumer per project with SSE clients)",
    registers: [registry],
    collect() {
      this.set(feeds());
    },
  });
  return {
    registry,
    sseClients,
    live,
    countFeeds(count) {
      feeds = count;
    },
  };
}

/**
 * The metrics plugin (global hooks, hence `fastify-plugin`): `GET /metrics` and the SSE client
 * count. Register before the `/api` routes.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { metrics: QueryMetrics; token?: string | undefined }) => {
    const { registry, sseClients } = opts.metrics;
    app.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
      if (!metricsRequestAllowed(request.headers.authorization, opts.token)) {
        return sendProblem(reply, problemOf(request, 401, "unauthorized", "metrics token required"));
      }
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
    // preHandler runs after authentication and validation: only streams that will be served count.
    app.addHook("preHandler", (request, reply, done) => {
      if (request.routeOptions.url === SSE_ROUTE) {
        sseClients.inc();
        reply.raw.once("close", () => sseClients.dec());
      }
      done();
    });
  },
  { name: "pulse-metrics" },
);
