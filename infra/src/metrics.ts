/**
 * Prometheus metrics plumbing shared by the services (prom-client): one registry per service with
 * the default process metrics (CPU, memory, event-loop lag, GC, handles, under their standard
 * `process_*` / `nodejs_*` names so stock dashboards apply) and a `service` default label, a collect-on-scrape cache, and the small HTTP listener (`/health`, `/ready`,
 * `/metrics`) of the services that have no HTTP app of their own (projector, analyst).
 *
 * Label rule (README "Metrics and alerts"): project ids are fine as labels (tens to hundreds),
 * order, lead and dialog ids never are.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { Logger } from "./logger.js";

/** The services that export metrics; the value of every series' `service` label. */
export type MetricsService = "ingest" | "projector" | "query" | "analyst";

/**
 * Creates the registry of `service`: the default process metrics (`process_*`, `nodejs_*`) and the
 * default label `service="{service}"` on every series. Call once per service instance.
 */
export function createMetricsRegistry(service: MetricsService): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Memoises an async reading for `ttlMs` milliseconds (collect-on-scrape gauges whose value costs a
 * query: several scrapes within the window share one reading; concurrent callers share the one in
 * flight). A failed reading is reused for the window too, so a dependency that is down costs one
 * timeout per window, not one per gauge. `clock` is epoch ms (default `Date.now`).
 */
export function cachedReading<T>(
  read: () => Promise<T>,
  ttlMs: number,
  clock: () => number = Date.now,
): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | null = null;
  return () => {
    const now = clock();
    if (value && now - value.at < ttlMs) return value.promise;
    const promise = read();
    promise.catch(() => undefined); // callers see the rejection; this keeps it from being unhandled
    value = { at: now, promise };
    return promise;
  };
}

/**
 * Whether a `GET /metrics` may be answered: always when no `token` is configured (`METRICS_TOKEN`
 * unset or empty), else only with `Authorization: Bearer {token}` (compared in constant time).
 * Prometheus sends it with `authorization: {credentials: …}` in its scrape config.
 */
export function metricsRequestAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  if (typeof authorization !== "string") return false;
  const presented = Buffer.from(authorization);
  const expected = Buffer.from(`Bearer ${token}`);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** What `/ready` of an {@link startOpsServer} listener reports: ready or not, with a JSON body. */
export interface OpsReadiness {
  readonly ready: boolean;
  readonly body: Record<string, unknown>;
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** TCP port (0: any free port, see {@link OpsServer.port}). */
  readonly port: number;
  /** Listen address (default `0.0.0.0`). */
  readonly host?: string;
  readonly registry: Registry;
  /** When set, `/metrics` needs `Authorization: Bearer {token}` (see {@link metricsRequestAllowed}). */
  readonly token?: string | undefined;
  /** Readiness probe of `/ready`; a rejection counts as not ready (its message is not echoed). */
  readiness(): Promise<OpsReadiness>;
  readonly logger: Logger;
}

/** A running ops listener. */
export interface OpsServer {
  /** The bound port. */
  readonly port: number;
  /** Stops listening; resolves when closed. */
  close(): Promise<void>;
}

/**
 * Starts the ops HTTP listener of a service without a web app (projector, analyst):
 * - `GET /health` → 200 `{"status":"ok"}` while the process runs;
 * - `GET /ready` → 200 `{status: "ready", …body}`, or 503 `application/problem+json`
 *   `{type, title, status: 503, code: "not_ready", detail, …body}` (`detail` from the body when it
 *   gives one);
 * - `GET /metrics` → the registry in the Prometheus text format (401 without the bearer `token`
 *   when one is set);
 * - anything else → 404. `/health` and `/ready` need no token; bind the listener to a private
 *   network (it carries no secrets, only counts per project id).
 * @throws when the port cannot be bound.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    const json = (status: number, body: unknown) =>
      send(status, "application/json; charset=utf-8", JSON.stringify(body));
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { status: "method_not_allowed" });
    if (path === "/health") return json(200, { status: "ok" });
    if (path === "/metrics") {
      if (!metricsRequestAllowed(req.headers.authorization, opts.token))
        return json(401, { status: "unauthorized" });
      opts.registry.metrics().then(
        (text) => send(200, opts.registry.contentType, text),
        (error: unknown) => {
          opts.logger.error({ err: error }, "metrics collection failed");
          json(500, { status: "error" });
        },
      );
      return;
    }
    const notReady = (body: Record<string, unknown>) =>
      send(
        503,
        "application/problem+json; charset=utf-8",
        JSON.stringify({
          type: "urn:pulse:problem:not_ready",
          title: "Service Unavailable",
          detail: "not ready",
          ...body,
          status: 503,
          code: "not_ready",
        }),
      );
    if (path === "/ready") {
      opts.readiness().then(
        (r) => (r.ready ? json(200, { status: "ready", ...r.body }) : notReady(r.body)),
        (error: unknown) => {
          opts.logger.warn({ err: (error as Error)?.message }, "readiness probe failed");
          notReady({});
        },
      );
      return;
    }
    json(404, { status: "not_found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  opts.logger.info({ port }, "ops listener (/health, /ready, /metrics) started");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Reads an optional TCP port from `env[name]`: `fallback` when unset or empty, an integer 0–65535
 * otherwise (0 = any free port; `off` = no listener → `null`).
 * @throws Error naming the variable when the value is not a port.
 */
export function opsPortFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "off") return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new Error(`${name}: expected a port (0–65535) or "off"`);
  return n;
}
