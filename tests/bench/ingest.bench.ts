/**
 * `pnpm bench ingest` — sustained KeyCRM webhook ingest over HTTP with autocannon (50 connections,
 * the real `order.change_order_status` payload shape from the fixtures, a unique order per request),
 * printed beside two baselines measured in the same run on the same machine:
 *   - the raw JetStream async-publish rate (file storage, msgID per message, 256 in flight) of the
 *     event bytes ingest stores for the same delivery, sustained for as long as the ingest load run,
 *     on a connection opened with ingest's own NATS options (`INGEST_NATS_OPTIONS`);
 *   - a no-op Fastify POST rate (JSON body parsed, 200).
 * Target (issue "Event backbone"): ingest ≥ 0.5 × raw JetStream publish rate, p99 ≤ 25 ms.
 * Ingest and the no-op server run as child processes, the load generator in this process. Each
 * phase also prints the CPU time its processes spent per message or request (µs, user + system) and
 * how busy the machine's cores were: on a small machine the load generator, ingest and nats-server
 * share the cores, and these figures show which of them the rate is bound by.
 * `BENCH_PROF=DIR` makes the ingest process write a V8 CPU profile into DIR.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeEvent } from "@pulse/events";
import { connectNats, ensureStreams, SERVICE_NODE_FLAGS } from "@pulse/infra";
import { INGEST_NATS_OPTIONS, normalizeKeycrmWebhook } from "@pulse/ingest";
import { INGEST_WITHOUT_CRM_CALLS } from "../support/ingest-env.js";
import {
  loadPost,
  machineCpuBusy,
  processCpuMs,
  rawJetStreamPublishRate,
  startNoopServer,
} from "./baselines.js";
import { fixturesDir, printTable, repoRoot } from "./bench-support.js";

const CONNECTIONS = 50;
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 15);

export async function benchIngest(): Promise<void> {
  const natsUrl = process.env["NATS_URL"] ?? "nats://dev:dev@127.0.0.1:4222";
  const id = randomBytes(3).toString("hex");
  const stream = `BENCH_INGEST_${id.toUpperCase()}`;
  const root = `bench_${id}`;
  const nats = await connectNats(natsUrl, "bench-ingest", 5000, INGEST_NATS_OPTIONS);
  await ensureStreams(nats.jsm, stream, root);
  const env = {
    ...process.env,
    NATS_URL: natsUrl,
    EVENTS_STREAM: stream,
    SUBJECT_ROOT: root,
    LOG_LEVEL: "warn",
    PORT: "3101",
    ...INGEST_WITHOUT_CRM_CALLS,
  };
  const secret = `bench-${id}-secret`;
  const cli = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(repoRoot, "services/ingest/src/cli.ts"),
      "project",
      "register",
      "--id",
      "shop-bench",
      "--name",
      "Bench shop",
      "--kind",
      "keycrm",
      "--time-zone",
      "Europe/Kyiv",
      "--webhook-secret",
      secret,
    ],
    { cwd: repoRoot, env, encoding: "utf8" },
  );
  if (cli.status !== 0) throw new Error(`project register failed: ${cli.stderr}`);

  // The real payload shape: the first full order.change_order_status delivery of the fixtures.
  // It is serialised once with markers in place of the order id and status time, so the load
  // generator (which shares the machine's cores with ingest) only splices two values per request.
  const template = firstFullKeycrmDelivery();
  const [head, middle, tail] = splitAtMarkers(
    JSON.stringify({
      event: template.event,
      context: { ...template.context, id: ID_MARKER, status_changed_at: TIME_MARKER },
    }),
  );
  let order = 1_000_000;
  const body = () => {
    order += 1;
    return `${head}${order}${middle}${new Date(Date.UTC(2026, 9, 12) + order * 1000).toISOString()}${tail}`;
  };

  // Baseline 1: raw JetStream async publish of the bytes ingest stores for such a delivery (the
  // event as the real normalizer builds it, raw delivery included).
  const sample = body();
  const [event] = normalizeKeycrmWebhook(JSON.parse(sample), {
    projectId: "shop-bench",
    receivedAt: new Date(),
    contentType: "application/json",
    rawBody: sample,
    newId: () => "01KAB0BENCH000000000000000",
  }).events;
  if (!event) throw new Error("the template delivery normalised to no event");
  const payload = encodeEvent(event);
  await rawJetStreamPublishRate(nats.js, `${root}.events.raw.order.0`, payload, { count: 5_000 }); // warm-up
  const rawBusy = machineCpuBusy();
  const raw = await rawJetStreamPublishRate(nats.js, `${root}.events.raw.order.1`, payload, {
    seconds: SECONDS,
  });
  const rawMachine = rawBusy();

  // Baseline 2: no-op Fastify POST.
  const noop = await startNoopServer(3102);
  await loadPost(noop.url, body, { connections: CONNECTIONS, seconds: 3 });
  const noopCpu = await cpuMeter([noop.pid]);
  const noopRun = await loadPost(noop.url, body, { connections: CONNECTIONS, seconds: SECONDS });
  const noopUse = await noopCpu.read(noopRun.total);
  const [noopMicros] = noopUse.micros;
  noop.stop();

  // Ingest.
  const ingest = await startChild("services/ingest/src/server.ts", env);
  const url = `http://127.0.0.1:3101/webhooks/keycrm/shop-bench?secret=${secret}`;
  await waitHealthy("http://127.0.0.1:3101/health");
  await loadPost(url, body, { connections: CONNECTIONS, seconds: 3 });
  const before = (await nats.jsm.streams.info(stream)).state.messages;
  const ingestCpu = await cpuMeter([ingest.pid, process.pid]);
  const run = await loadPost(url, body, { connections: CONNECTIONS, seconds: SECONDS });
  const ingestUse = await ingestCpu.read(run.total);
  const [ingestMicros, loaderMicros] = ingestUse.micros;
  const after = (await nats.jsm.streams.info(stream)).state.messages;
  ingest.kill("SIGTERM");

  printTable("ingest benchmark (KeyCRM order.change_order_status, unique orders)", [
    [
      "raw JetStream async publish",
      `${raw.perSecond.toFixed(0)} msg/s`,
      `${raw.count} msgs in ${raw.seconds.toFixed(2)} s`,
    ],
    [
      "  publisher CPU",
      `${raw.cpuMicrosPerMessage.toFixed(1)} µs/msg`,
      `machine busy ${percent(rawMachine)}`,
    ],
    [
      "no-op Fastify POST",
      `${noopRun.requestsPerSecond.toFixed(0)} req/s`,
      `p50 ${noopRun.p50Ms} ms, p99 ${noopRun.p99Ms} ms`,
    ],
    ["  server CPU", perRequest(noopMicros), `machine busy ${percent(noopUse.machine)}`],
    [
      "ingest POST /webhooks/keycrm",
      `${run.requestsPerSecond.toFixed(0)} req/s`,
      `p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
    ],
    [
      "  ingest CPU",
      perRequest(ingestMicros),
      `load generator ${perRequest(loaderMicros)}, machine busy ${percent(ingestUse.machine)}`,
    ],
    ["events stored during the run", `${after - before}`, `requests answered ${run.total}`],
    ["ingest / raw publish", `${(run.requestsPerSecond / raw.perSecond).toFixed(2)}×`, "target ≥ 0.5×"],
    ["ingest / no-op Fastify", `${(run.requestsPerSecond / noopRun.requestsPerSecond).toFixed(2)}×`, ""],
  ]);
  for (const name of [stream, `${stream}_RECEIPTS`, `${stream}_UPDATES`])
    await nats.jsm.streams.delete(name).catch(() => undefined);
  for (const bucket of ["PROJECTS", "ITEMS", "CONTACTS", "POLLERS"])
    await nats.jsm.streams.delete(`KV_${stream}_${bucket}`).catch(() => undefined);
  await nats.nc.close();
}

/**
 * Starts measuring the CPU time of processes `pids` and the machine's busy share; `read(n)` returns,
 * per process in the same order, its CPU time per unit (µs; `null` when its figure could not be
 * read) over `n` units since then, and the machine's busy share over that time.
 */
async function cpuMeter(
  pids: readonly (number | undefined)[],
): Promise<{ read(n: number): Promise<{ micros: (number | null)[]; machine: number }> }> {
  const busy = machineCpuBusy();
  const cpuMs = (pid: number | undefined) => (pid === undefined ? null : processCpuMs(pid));
  const start = await Promise.all(pids.map(cpuMs));
  return {
    async read(n) {
      const machine = busy();
      const end = await Promise.all(pids.map(cpuMs));
      const micros = end.map((e, i) => {
        const s = start[i] ?? null;
        return s === null || e === null || n === 0 ? null : ((e - s) * 1000) / n;
      });
      return { micros, machine };
    },
  };
}

function perRequest(micros: number | null | undefined): string {
  return micros == null ? "n/a" : `${micros.toFixed(1)} µs/req`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(0)} %`;
}

const ID_MARKER = -918_273_645;
const TIME_MARKER = "\u0000status-time\u0000";

/** The serialised body around its two markers: `[before id, between id and time, after time]`. */
function splitAtMarkers(json: string): [string, string, string] {
  const id = json.indexOf(String(ID_MARKER));
  const time = json.indexOf(JSON.stringify(TIME_MARKER));
  if (id < 0 || time < id) throw new Error("body template: markers not found in order");
  return [
    json.slice(0, id),
    json.slice(id + String(ID_MARKER).length, time + 1),
    json.slice(time + JSON.stringify(TIME_MARKER).length - 1),
  ];
}

function firstFullKeycrmDelivery(): { event: string; context: Record<string, unknown> } {
  for (const line of readFileSync(join(fixturesDir, "keycrm/webhooks.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const d = JSON.parse(line) as { body: { event: string; context: Record<string, unknown> } };
    if (d.body.event === "order.change_order_status" && Object.keys(d.body.context).length > 30)
      return d.body;
  }
  throw new Error("no full KeyCRM delivery in the fixtures");
}

async function startChild(file: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_PROF=DIR: the ingest process writes a V8 CPU profile into DIR when it exits.
      ...(process.env["BENCH_PROF"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_PROF"]}`] : []),
      // The flags ingest runs with in the stack.
      ...SERVICE_NODE_FLAGS.ingest,
      "--import",
      "tsx",
      join(repoRoot, file),
    ],
    {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return child;
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}
