/**
 * Baseline rates the benchmarks print beside their own figures, measured in the same run on the
 * same machine: raw JetStream async publish, raw batched Postgres insert, and a no-op Fastify POST.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { JetStreamClient } from "@nats-io/jetstream";
import autocannon from "autocannon";
import { type Kysely, sql } from "kysely";

/**
 * Publishes `payload` to `subject` through JetStream with at most `window` publishes in flight (each
 * with a unique msgID, as ingest does) until `limit.count` messages are acknowledged or
 * `limit.seconds` have passed, whichever comes first, and returns acknowledged msgs/s.
 */
export async function rawJetStreamPublishRate(
  js: JetStreamClient,
  subject: string,
  payload: Uint8Array,
  limit: { count?: number; seconds?: number },
  window = 256,
): Promise<{ count: number; seconds: number; perSecond: number }> {
  const started = performance.now();
  const deadline = limit.seconds === undefined ? Number.POSITIVE_INFINITY : started + limit.seconds * 1000;
  const maxCount = limit.count ?? Number.POSITIVE_INFINITY;
  const inflight = new Set<Promise<unknown>>();
  const prefix = randomBytes(4).toString("hex");
  let sent = 0;
  while (sent < maxCount && (sent % 1000 !== 0 || performance.now() < deadline)) {
    const p = js.publish(subject, payload, { msgID: `${prefix}-${sent}` });
    sent++;
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    if (inflight.size >= window) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - started) / 1000;
  return { count: sent, seconds, perSecond: sent / seconds };
}

/**
 * Inserts `rows` rows shaped like `order_status_events` (15 columns) into an unlogged scratch table
 * with multi-row INSERTs of `batch` rows, one transaction per batch, and returns rows/s. This is
 * "the raw batched Postgres insert rate" the replay and recompute targets are relative to.
 */
export async function rawPostgresInsertRate(
  db: Kysely<unknown>,
  rows: number,
  batch = 1000,
): Promise<{ rows: number; seconds: number; perSecond: number }> {
  await sql`DROP TABLE IF EXISTS bench_raw_insert`.execute(db);
  await sql`CREATE TABLE bench_raw_insert (
    project_id text, dedup_key text PRIMARY KEY, order_id bigint, status_id bigint, status_group_id bigint,
    status_changed_at timestamptz, time_source text, order_created_at timestamptz, previous_status_id bigint,
    manager_id bigint, crm_event text, source text, event_id text, stream_seq bigint, recorded_at timestamptz)`.execute(
    db,
  );
  const t0 = Date.UTC(2026, 9, 12);
  const started = performance.now();
  for (let offset = 0; offset < rows; offset += batch) {
    const values = [];
    for (let i = offset; i < Math.min(rows, offset + batch); i++) {
      const at = new Date(t0 + i * 1000);
      values.push(
        sql`(${"shop-bench"}, ${`keycrm:shop-bench:${i}`}, ${i % 50_000}, ${(i % 18) + 1}, ${(i % 6) + 1}, ${at}, ${"crm"}, ${at}, ${null}, ${7}, ${"order.change_order_status"}, ${"keycrm"}, ${`01JBENCH${String(i).padStart(18, "0")}`}, ${i + 1}, ${at})`,
      );
    }
    await sql`INSERT INTO bench_raw_insert VALUES ${sql.join(values)}`.execute(db);
  }
  const seconds = (performance.now() - started) / 1000;
  await sql`DROP TABLE bench_raw_insert`.execute(db);
  return { rows, seconds, perSecond: rows / seconds };
}

/** Result of an HTTP load run. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  total: number;
}

/**
 * Drives `url` with autocannon (`connections` connections, `seconds` long), POSTing bodies from
 * `body(i)` (unique per request when the caller wants unique orders).
 */
export async function loadPost(
  url: string,
  body: (i: number) => string,
  opts: { connections: number; seconds: number; contentType?: string },
): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": opts.contentType ?? "application/json" },
        setupRequest: (req) => ({ ...req, body: body(i++) }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

/**
 * Starts a no-op Fastify server in a child process (JSON body parsed, 200 `{ok:true}`), so that its
 * rate is measured under the same conditions as ingest (a separate process from the load generator).
 */
export async function startNoopServer(port: number): Promise<{ url: string; stop: () => void }> {
  const code = `
    import Fastify from "fastify";
    const app = Fastify({ logger: false });
    app.post("/noop", async () => ({ ok: true }));
    await app.listen({ port: ${port}, host: "127.0.0.1" });
    process.send?.("ready");
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
    cwd: new URL("../../services/ingest/", import.meta.url).pathname,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (c) => reject(new Error(`no-op server exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}/noop`, stop: () => child.kill("SIGTERM") };
}
