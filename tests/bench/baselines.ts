/**
 * Baseline rates the benchmarks print beside their own figures, measured in the same run on the
 * same machine: raw JetStream async publish, raw batched Postgres insert, and a no-op Fastify POST.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { JetStreamClient } from "@nats-io/jetstream";
import autocannon from "autocannon";
import { type Kysely, sql } from "kysely";
import pidusage from "pidusage";

/**
 * Publishes `payload` to `subject` through JetStream with at most `window` publishes in flight (each
 * with a unique msgID, as ingest does) until `limit.count` messages are acknowledged or
 * `limit.seconds` have passed, whichever comes first. Returns acknowledged msgs/s and this process's
 * CPU time per message (µs, user + system), the publisher's own cost.
 *
 * The window is a counter with one waiter, so the loop's own cost per message is constant (a
 * `Promise.race` over the in-flight set would add a reaction to every pending publish per message).
 * Open `js`'s connection with the options the measured service uses (for ingest:
 * `INGEST_NATS_OPTIONS`), or the baseline carries client costs the service does not.
 * @throws the first publish error (the baseline has no reason to fail).
 */
export async function rawJetStreamPublishRate(
  js: JetStreamClient,
  subject: string,
  payload: Uint8Array,
  limit: { count?: number; seconds?: number },
  window = 256,
): Promise<{ count: number; seconds: number; perSecond: number; cpuMicrosPerMessage: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = limit.seconds === undefined ? Number.POSITIVE_INFINITY : started + limit.seconds * 1000;
  const maxCount = limit.count ?? Number.POSITIVE_INFINITY;
  const prefix = randomBytes(4).toString("hex");
  let inflight = 0;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const settled = () => {
    inflight--;
    const w = wake;
    wake = null;
    w?.();
  };
  const failed = (error: unknown) => {
    failure ??= error;
    settled();
  };
  const slot = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  let sent = 0;
  while (failure === null && sent < maxCount && (sent % 1000 !== 0 || performance.now() < deadline)) {
    inflight++;
    js.publish(subject, payload, { msgID: `${prefix}-${sent}` }).then(settled, failed);
    sent++;
    if (inflight >= window) await slot();
  }
  while (inflight > 0) await slot();
  if (failure !== null) throw failure;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    count: sent,
    seconds,
    perSecond: sent / seconds,
    cpuMicrosPerMessage: (cpu.user + cpu.system) / sent,
  };
}

/**
 * The share of the machine's CPU time (all cores, 0–1) spent outside idle between the call and the
 * returned function's call (`os.cpus()` counters; steal time is not among them).
 */
export function machineCpuBusy(): () => number {
  const total = (cpus: ReturnType<typeof os.cpus>) => {
    let busy = 0;
    let idle = 0;
    for (const c of cpus) {
      busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
      idle += c.times.idle;
    }
    return { busy, idle };
  };
  const before = total(os.cpus());
  return () => {
    const after = total(os.cpus());
    const busy = after.busy - before.busy;
    const all = busy + after.idle - before.idle;
    return all > 0 ? busy / all : 0;
  };
}

/**
 * CPU time (ms, user + system) process `pid` has used so far (pidusage's `ctime`), or `null` when
 * it cannot be read (the process is gone, or the platform has no such figure).
 */
export async function processCpuMs(pid: number): Promise<number | null> {
  try {
    return (await pidusage(pid)).ctime;
  } catch {
    return null;
  }
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
export async function startNoopServer(
  port: number,
): Promise<{ url: string; pid: number | undefined; stop: () => void }> {
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
  return { url: `http://127.0.0.1:${port}/noop`, pid: child.pid, stop: () => child.kill("SIGTERM") };
}
