/**
 * The projector's probes over plain HTTP (it serves no API, so no web framework):
 * - `GET /health` — liveness: 200 `{"status":"ok"}` while the process runs;
 * - `GET /ready` — readiness: 200 when NATS is connected and Postgres answers, with the events
 *   checkpoint and the state of recomputes; otherwise 503 `application/problem+json` saying what is
 *   down (`code: not_ready`). Recomputes are reported, never a reason for 503: a pending one is
 *   normal for seconds after a settings change; `retrying`/`failed` say the read models are behind
 *   their settings (see `recomputeSummary`).
 */
import { createServer, type Server } from "node:http";
import {
  type Database,
  type Logger,
  type Nats,
  natsStatusOf,
  type RecomputeSummary,
  recomputeSummary,
} from "@pulse/infra";
import type { Kysely } from "kysely";
import { readCheckpoint } from "./checkpoints.repository.js";
import { inSchema } from "./table-writer.js";

/** How long `/ready` waits for Postgres before calling it down, milliseconds. */
export const PROJECTOR_READY_TIMEOUT_MS = 2000;

/**
 * A readiness answer: HTTP status and body.
 * - 200 `{status: "ready", nats: "ok", postgres: "ok", events_checkpoint, recompute}`;
 * - 503 `{type: "urn:pulse:problem:not_ready", title, status: 503, code: "not_ready", detail,
 *   nats: "ok"|"down", postgres: "ok"|"down", events_checkpoint: number|null,
 *   recompute: RecomputeSummary|null}`.
 */
export interface Readiness {
  readonly status: 200 | 503;
  readonly body: Record<string, unknown>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Probes NATS (the connection's state) and Postgres (checkpoint and `ops.replays`). Never throws. */
export async function projectorReadiness(deps: { nats: Nats; db: Kysely<Database> }): Promise<Readiness> {
  const natsDown = natsStatusOf(deps.nats.nc).reason();
  const pg = await withTimeout(
    (async () => ({
      checkpoint: await readCheckpoint(inSchema(deps.db, "rm"), "events"),
      recompute: await recomputeSummary(deps.db),
    }))(),
    PROJECTOR_READY_TIMEOUT_MS,
  ).then(
    (v): { ok: true; checkpoint: number; recompute: RecomputeSummary } => ({ ok: true, ...v }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (natsDown === null && pg.ok) {
    return {
      status: 200,
      body: {
        status: "ready",
        nats: "ok",
        postgres: "ok",
        events_checkpoint: pg.checkpoint,
        recompute: pg.recompute,
      },
    };
  }
  const down = [natsDown === null ? null : `NATS (${natsDown})`, pg.ok ? null : "Postgres"].filter(
    (x) => x !== null,
  );
  return {
    status: 503,
    body: {
      type: "urn:pulse:problem:not_ready",
      title: "Service Unavailable",
      status: 503,
      code: "not_ready",
      detail: `not ready: ${down.join(" and ")} not answering; consuming pauses and resumes by itself`,
      nats: natsDown === null ? "ok" : "down",
      postgres: pg.ok ? "ok" : "down",
      events_checkpoint: pg.ok ? pg.checkpoint : null,
      recompute: pg.ok ? pg.recompute : null,
    },
  };
}

/**
 * Starts the probe server on `host:port` (port 0 = any free port). Resolves with the bound port
 * and a `close()`.
 * @throws when the port cannot be bound.
 */
export async function startHealthServer(opts: {
  nats: Nats;
  db: Kysely<Database>;
  logger: Logger;
  port: number;
  host?: string;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { status: 405 });
    if (path === "/health") return send(200, { status: "ok" });
    if (path === "/ready") {
      void projectorReadiness(opts).then((r) => {
        if (r.status !== 200) opts.logger.warn({ readiness: r.body }, "readiness: not ready");
        send(r.status, r.body, r.status === 200 ? "application/json" : "application/problem+json");
      });
      return;
    }
    send(404, { status: 404 });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
