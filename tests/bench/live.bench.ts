/**
 * `pnpm bench live` — the live path from a webhook's 2xx to the `order_updated` frame at every SSE
 * client, on an own stack: ingest, projector and query as child processes (the flags they run with
 * in the stack) on a private database, streams and subject root (`createTestEnv`), one KeyCRM
 * project registered with its fixture dictionary.
 *
 * Cases (`BENCH_LIVE_CASES`, default `1x100,1x500,1000x100,1000x500`: clients × deliveries/s): the
 * clients connect first (`GET /api/stream/orders`, parsed by `eventsource-parser`, all in this
 * process), then KeyCRM `order.change_order_status` deliveries (the first full one of
 * `../shared/fixtures/keycrm/webhooks.jsonl`, a new order id each, so one notice each) are posted at
 * the fixed rate for `BENCH_SECONDS` (default 20), then the clients are given up to
 * `BENCH_DRAIN_SECONDS` (default 60) to receive the last notice. Printed per case: deliveries
 * answered 2xx, p50/p99/max from a delivery's 2xx to its frame over every client, frames expected /
 * received / missed (neither received nor covered by a `resync`), resyncs and the frames they
 * covered, duplicates, query RSS (peak sampled in the case, and the process's high-water mark),
 * `/ready` probes that were not 200 (one every 500 ms during the case), duration and load average.
 * Targets (issue 14): 1,000 clients at 100/s p99 ≤ 250 ms, nothing missed; at 500/s p99 ≤ 1 s or
 * a resync for the clients that fell behind; query RSS ≤ 300 MB.
 * The load generator shares the machine's cores with the stack: at 1,000 clients it parses every
 * frame 1,000 times, and its own delays count in the latencies.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { streamPlans } from "@pulse/events";
import { createLogger, loadConfig, SERVICE_NODE_FLAGS } from "@pulse/infra";
import { createTestEnv, freePort, type TestEnv, waitFor } from "@pulse/infra/testing";
import { dictionaryImportCommand, IngestConfig, projectRegisterCommand } from "@pulse/ingest";
import { createParser } from "eventsource-parser";
import { INGEST_WITHOUT_CRM_CALLS } from "../support/ingest-env.js";
import { fixturesDir, printTable, repoRoot } from "./bench-support.js";

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 20);
const DRAIN_SECONDS = Number(process.env["BENCH_DRAIN_SECONDS"] ?? 60);
const CASES = (process.env["BENCH_LIVE_CASES"] ?? "1x100,1x500,1000x100,1000x500").split(",").map((c) => {
  const [clients, rate] = c.split("x").map(Number);
  if (!clients || !rate) throw new Error(`BENCH_LIVE_CASES: bad case ${c} (want CLIENTSxRATE)`);
  return { clients, rate };
});
const ADMIN_TOKEN = "bench-live-admin-token-0123456789";
const SECRET = "bench-live-webhook-secret";
/** Latency histogram: 1 ms buckets up to this many ms (later frames land in the last bucket). */
const HIST_MS = 600_000;

/** What one SSE client of the bench saw. */
interface BenchClient {
  status: number;
  /** `order_updated` frames received, by sequence range check at the end. */
  readonly seqs: number[];
  duplicates: number;
  lastSeq: number;
  /** `resync` events: the last sequence received before it and its id (the sequence it covers to). */
  readonly resyncs: { after: number; upTo: number }[];
  resets: number;
  close(): void;
}

/** 2xx time of each posted order (performance.now() ms). */
const answeredAt = new Map<number, number>();
const ORDER_ID = /"order_id":(\d+)/;
/** Frames parsed before this process had seen their webhook's answer (counted as 0 ms). */
let framesBeforeAnswer = 0;

function openClient(url: string, hist: { add(ms: number): void }): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const client: BenchClient = {
      status: 0,
      seqs: [],
      duplicates: 0,
      lastSeq: 0,
      resyncs: [],
      resets: 0,
      close: () => req.destroy(),
    };
    const parser = createParser({
      onEvent(e) {
        if (e.event === "order_updated") {
          const now = performance.now();
          const seq = Number(e.id);
          if (seq <= client.lastSeq) {
            client.duplicates++;
            return;
          }
          client.lastSeq = seq;
          client.seqs.push(seq);
          const order = Number(ORDER_ID.exec(e.data)?.[1]);
          const at = answeredAt.get(order);
          // A frame can be parsed before this process handled its webhook's answer: 0 ms.
          if (at === undefined) framesBeforeAnswer++;
          hist.add(at === undefined ? 0 : Math.max(0, now - at));
        } else if (e.event === "resync") {
          const upTo = Number(e.id);
          client.resyncs.push({ after: client.lastSeq, upTo });
          client.lastSeq = Math.max(client.lastSeq, upTo);
        } else if (e.event === "reset") {
          client.resets++;
        }
      },
    });
    const req = http.get(
      url,
      { agent: false, headers: { accept: "text/event-stream", authorization: `Bearer ${ADMIN_TOKEN}` } },
      (res) => {
        client.status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => parser.feed(chunk));
        res.on("error", () => undefined);
        resolve(client);
      },
    );
    req.on("error", (error) => (client.status === 0 ? reject(error) : undefined));
  });
}

/** A 1 ms-bucket histogram of latencies. */
function histogram() {
  const buckets = new Uint32Array(HIST_MS + 1);
  let n = 0;
  let max = 0;
  return {
    add(ms: number) {
      buckets[Math.min(HIST_MS, Math.round(ms))]! += 1;
      n++;
      if (ms > max) max = ms;
    },
    get count() {
      return n;
    },
    get max() {
      return max;
    },
    quantile(q: number): number {
      if (n === 0) return Number.NaN;
      const rank = Math.ceil(q * n);
      let seen = 0;
      for (let i = 0; i < buckets.length; i++) {
        seen += buckets[i] ?? 0;
        if (seen >= rank) return i;
      }
      return HIST_MS;
    },
  };
}

/** Resident set (`VmRSS`) or its high-water mark (`VmHWM`) of process `pid`, bytes; 0 when unreadable. */
function procMemory(pid: number | undefined, field: "VmRSS" | "VmHWM"): number {
  if (pid === undefined) return 0;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function startChild(file: string, env: NodeJS.ProcessEnv, flags: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...flags, "--import", "tsx", join(repoRoot, file)], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** The first full KeyCRM status-change delivery of the fixtures, and its project. */
function templateDelivery(): { project: string; body: { event: string; context: Record<string, unknown> } } {
  for (const line of readFileSync(join(fixturesDir, "keycrm/webhooks.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const d = JSON.parse(line) as {
      project: string;
      body: { event: string; context: Record<string, unknown> };
    };
    if (d.body.event === "order.change_order_status" && Object.keys(d.body.context).length > 30) return d;
  }
  throw new Error("no full KeyCRM delivery in the fixtures");
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

export async function benchLive(): Promise<void> {
  const env = await createTestEnv("benchlive");
  const children: ChildProcess[] = [];
  try {
    await runBench(env, children);
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)),
    );
    await env.close();
  }
}

async function runBench(env: TestEnv, children: ChildProcess[]): Promise<void> {
  const template = templateDelivery();
  const project = template.project;
  const [ingestPort, queryPort] = [await freePort(), await freePort()];
  const vars: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...env.env,
    LOG_LEVEL: "warn",
    ADMIN_TOKEN,
    ...INGEST_WITHOUT_CRM_CALLS,
    SLA_TICK_SECONDS: "3600",
  };
  const logger = createLogger("bench-live", "warn");
  const ctx = {
    nats: env.nats,
    config: loadConfig(IngestConfig, vars),
    logger,
    env: vars,
    out: () => undefined,
  };
  await projectRegisterCommand(ctx, {
    id: project,
    name: project,
    kind: "keycrm",
    timeZone: "Europe/Kyiv",
    webhookSecret: SECRET,
    baseUrl: "http://127.0.0.1:9/unused",
  });
  await dictionaryImportCommand(ctx, { project, file: join(fixturesDir, `keycrm/${project}/statuses.json`) });

  children.push(startChild("services/projector/src/main.ts", vars, SERVICE_NODE_FLAGS.projector));
  children.push(
    startChild(
      "services/ingest/src/server.ts",
      { ...vars, PORT: String(ingestPort), INGEST_HOST: "127.0.0.1" },
      SERVICE_NODE_FLAGS.ingest,
    ),
  );
  const query = startChild("services/query/src/server.ts", {
    ...vars,
    PORT: String(queryPort),
    HOST: "127.0.0.1",
  });
  children.push(query);
  const ingestUrl = `http://127.0.0.1:${ingestPort}`;
  const queryUrl = `http://127.0.0.1:${queryPort}`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await waitFor(
    "the project to be served by query",
    async () =>
      (await fetch(`${queryUrl}/api/orders?project=${project}`, { headers: auth }).then(
        (r) => r.status,
        () => 0,
      )) === 200,
    120_000,
  );
  await waitFor(
    "ingest to answer",
    async () => (await fetch(`${ingestUrl}/health`).catch(() => null))?.ok,
    60_000,
  );

  const updates = streamPlans(env.streamName, env.subjectRoot).updates.name;
  const lastUpdateSeq = async () => (await env.nats.jsm.streams.info(updates)).state.last_seq;
  let order = 5_000_000;
  const body = () => {
    order += 1;
    const at = new Date(Date.UTC(2026, 9, 12) + (order - 5_000_000) * 1000).toISOString();
    return {
      id: order,
      text: JSON.stringify({
        event: template.body.event,
        context: { ...template.body.context, id: order, status_changed_at: at },
      }),
    };
  };
  const rows: string[][] = [];
  console.log(`live bench: project ${project}, ${SECONDS} s per case, load average ${load()}`);

  for (const { clients: n, rate } of CASES) {
    const hist = histogram();
    const probeMs = histogram();
    const clients: BenchClient[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, () =>
          openClient(`${queryUrl}/api/stream/orders?project=${project}`, hist),
        ),
      );
      clients.push(...batch);
    }
    const refused = clients.filter((c) => c.status !== 200).length;
    const startSeq = await lastUpdateSeq();

    let rssPeak = 0;
    const rssTimer = setInterval(() => {
      rssPeak = Math.max(rssPeak, procMemory(query.pid, "VmRSS"));
    }, 200);
    const probeOutcomes = new Map<string, number>();
    const probeOutcome = (o: string): void => {
      probeOutcomes.set(o, (probeOutcomes.get(o) ?? 0) + 1);
    };
    const probeTimer = setInterval(() => {
      const sent = performance.now();
      fetch(`${queryUrl}/ready`, { signal: AbortSignal.timeout(5000) }).then(
        async (r) => {
          await r.arrayBuffer();
          probeOutcome(r.status === 200 ? "200" : String(r.status));
          probeMs.add(performance.now() - sent);
        },
        () => probeOutcome("no answer in 5 s"),
      );
    }, 500);

    // Deliveries at the fixed rate: every 5 ms, post what is due by now.
    let posted = 0;
    let ok = 0;
    const non2xxStatuses = new Map<string, number>();
    const failed = (status: string): void => {
      non2xxStatuses.set(status, (non2xxStatuses.get(status) ?? 0) + 1);
    };
    framesBeforeAnswer = 0;
    const inFlight = new Set<Promise<void>>();
    const t0 = performance.now();
    const total = Math.round(SECONDS * rate);
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
        for (; posted < due; posted++) {
          const b = body();
          const p = fetch(`${ingestUrl}/webhooks/keycrm/${project}?secret=${SECRET}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: b.text,
          })
            .then(async (r) => {
              await r.arrayBuffer();
              if (r.status >= 200 && r.status < 300) {
                answeredAt.set(b.id, performance.now());
                ok++;
              } else failed(String(r.status));
            })
            .catch((error: unknown) => failed((error as Error).name))
            .finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        if (posted >= total) {
          clearInterval(tick);
          done();
        }
      }, 5);
    });
    await Promise.all(inFlight);
    const postSeconds = (performance.now() - t0) / 1000;
    // Every accepted delivery makes one notice once the projector applied it.
    await waitFor(
      "a notice per accepted delivery",
      async () => (await lastUpdateSeq()) - startSeq >= ok,
      300_000,
    ).catch(() => undefined);
    const finalSeq = await lastUpdateSeq();
    await waitFor(
      "every client to reach the last notice",
      async () => clients.every((c) => c.status !== 200 || c.lastSeq >= finalSeq),
      DRAIN_SECONDS * 1000,
    ).catch(() => undefined);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(rssTimer);
    clearInterval(probeTimer);
    const hwm = procMemory(query.pid, "VmHWM");
    // Where the query's memory is at the end of the case (V8 heap vs. buffers outside it).
    const sample = async (name: string) => {
      const text = await fetch(`${queryUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })
        .then((r) => r.text())
        .catch(() => "");
      const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
      return line ? Number(line.split(" ").at(-1)) : Number.NaN;
    };
    const heapUsed = await sample("nodejs_heap_size_used_bytes");
    const external = await sample("nodejs_external_memory_bytes");

    const expectedPerClient = finalSeq - startSeq;
    let received = 0;
    let covered = 0;
    let resyncs = 0;
    let resyncedClients = 0;
    let duplicates = 0;
    let missed = 0;
    for (const c of clients) {
      if (c.status !== 200) continue;
      const got = c.seqs.filter((s) => s > startSeq && s <= finalSeq).length;
      let cov = 0;
      for (const r of c.resyncs) cov += Math.max(0, Math.min(r.upTo, finalSeq) - Math.max(r.after, startSeq));
      // A resync covers the sequences between the last frame before it and its id: some of them may
      // be other frames' ids already counted (none here: one project, one notice per sequence).
      received += got;
      covered += Math.min(cov, expectedPerClient - got);
      resyncs += c.resyncs.length;
      if (c.resyncs.length > 0) resyncedClients++;
      duplicates += c.duplicates;
      missed += Math.max(0, expectedPerClient - got - cov);
      c.close();
    }
    const label = `${n} client${n === 1 ? "" : "s"} × ${rate}/s`;
    rows.push(
      [
        label,
        "deliveries 2xx",
        `${ok} of ${posted} in ${postSeconds.toFixed(1)} s (non-2xx ${[...non2xxStatuses].map(([k, v]) => `${k}×${v}`).join(" ") || 0}); SSE refused ${refused}`,
      ],
      [
        "",
        "2xx → frame",
        `p50 ${hist.quantile(0.5)} ms, p99 ${hist.quantile(0.99)} ms, max ${Math.round(hist.max)} ms over ${hist.count} frames (${framesBeforeAnswer} seen before their 2xx: 0 ms)`,
      ],
      [
        "",
        "frames",
        `expected ${expectedPerClient * (n - refused)}, received ${received}, missed ${missed}, duplicates ${duplicates}`,
      ],
      ["", "resyncs", `${resyncs} (${resyncedClients} clients), covering ${covered} frames`],
      [
        "",
        "query RSS",
        `peak ${mb(rssPeak)} in the case, high-water mark ${mb(hwm)}; at the end heap used ${mb(heapUsed)}, external ${mb(external)}`,
      ],
      [
        "",
        "/ready",
        `${[...probeOutcomes].map(([k, v]) => `${k}×${v}`).join(", ")}; answered in p50 ${probeMs.quantile(0.5)} ms, max ${Math.round(probeMs.max)} ms`,
      ],
      ["", "duration", `${seconds.toFixed(1)} s (posting + drain), load average ${load()}`],
    );
    console.log(
      rows
        .slice(-7)
        .map((r) => r.join(" │ "))
        .join("\n"),
    );
  }
  printTable("live bench (webhook 2xx → SSE frame at every client)", rows);
}
