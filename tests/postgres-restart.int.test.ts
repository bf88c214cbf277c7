/**
 * PostgreSQL restarts while KeyCRM webhooks flow: the projector, query and analyst processes live
 * on, `/ready` says PostgreSQL is down while it is and ready after, read routes answer 503 with
 * `Retry-After` meanwhile, and once everything is applied the live read models equal a clean rebuild
 * from the streams (nothing lost, nothing applied twice).
 *
 * The services run as real processes (`main.ts` / `server.ts`, as in production) against a private
 * PostgreSQL cluster owned by this file (`@pulse/infra/testing-postgres`), stopped with a fast
 * shutdown (what a restart does: every backend gets 57P01) and started again, twice, mid-flow.
 * Ingest runs in this process (it does not use PostgreSQL) on the shared nats-server, with streams
 * of its own. Every wait is on a state, and bounded.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  connectNats,
  createDb,
  createLogger,
  type Database,
  ensureDatabase,
  ensureStreams,
  loadConfig,
  migrate,
  type Nats,
} from "@pulse/infra";
import { checkpointSeq, waitFor } from "@pulse/infra/testing";
import { type PrivatePostgres, startPrivatePostgres } from "@pulse/infra/testing-postgres";
import {
  dictionaryImportCommand,
  IngestConfig,
  projectRegisterCommand,
  type RunningIngest,
  startIngest,
} from "@pulse/ingest";
import { compareReadModels, loadProjectorConfig, replayReadModels } from "@pulse/projector";
import { seedOwnerToken } from "@pulse/query/testing";
import type { Kysely } from "kysely";
import { feed, loadDeliveries } from "./support/fixture-deliveries.js";
import { INGEST_WITHOUT_CRM_CALLS } from "./support/ingest-env.js";
import { ADMIN_TOKEN, type Delivery, fixturesDir, post, WEBHOOK_SECRET } from "./support/stack.js";

const repo = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const PROJECTS = ["shop-kyiv", "shop-lviv"] as const;
/** Longest wait for one state (a restart, a catch-up); generous for a loaded 2-core machine. */
const STATE_TIMEOUT_MS = 120_000;

interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** Every stdout/stderr line so far (pino JSON on stdout). */
  readonly lines: string[];
}

let cluster: PrivatePostgres;
let db: Kysely<Database>;
let nats: Nats;
let ingest: RunningIngest | null = null;
const services: Service[] = [];
let vars: Record<string, string>;
let queryUrl = "";
const id = randomBytes(4).toString("hex");
const stream = `T_PGRESTART_${id.toUpperCase()}`;
const root = `t_pgrestart_${id}`;

function startService(name: string, file: string): Service {
  const child = spawn(process.execPath, ["--import", "tsx", join(repo, file)], {
    cwd: repo,
    env: { ...process.env, ...vars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) {
    let rest = "";
    s?.setEncoding("utf8");
    s?.on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
    });
  }
  const service = { name, child, lines };
  services.push(service);
  return service;
}

function alive(s: Service): boolean {
  return s.child.exitCode === null && s.child.signalCode === null;
}

/** Parsed pino lines of `s` that match `pick`. */
function logged(s: Service, pick: (line: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const l of s.lines) {
    if (!l.startsWith("{")) continue;
    try {
      const j = JSON.parse(l) as Record<string, unknown>;
      if (pick(j)) out.push(j);
    } catch {
      // not a log line
    }
  }
  return out;
}

function tail(s: Service): string {
  return `${s.name} (exit ${s.child.exitCode ?? s.child.signalCode ?? "-"}):\n${s.lines.slice(-30).join("\n")}`;
}

/** Fails with the last log lines of a service that has ended (the failure this file guards against). */
function assertAllAlive(): void {
  for (const s of services) if (!alive(s)) throw new Error(`${s.name} has ended\n${tail(s)}`);
}

async function ready(): Promise<{
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | null;
}> {
  assertAllAlive();
  const res = await fetch(`${queryUrl}/ready`).catch((error: unknown) => {
    assertAllAlive();
    throw error;
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    retryAfter: res.headers.get("retry-after"),
  };
}

function checkpoint(name: "events" | "receipts"): Promise<number> {
  return checkpointSeq(db, name);
}

async function lastSeq(name: string): Promise<number> {
  return (await nats.jsm.streams.info(name)).state.last_seq;
}

before(async () => {
  cluster = await startPrivatePostgres("pgrestart");
  const databaseUrl = cluster.url("pulse_restart");
  await ensureDatabase(databaseUrl);
  db = createDb(databaseUrl, 4);
  await migrate(db);
  await seedOwnerToken(db, ADMIN_TOKEN);
  const natsUrl = process.env["NATS_URL"] ?? "nats://dev:dev@127.0.0.1:4222";
  nats = await connectNats(natsUrl, `test-pgrestart-${id}`);
  await ensureStreams(nats.jsm, stream, root);
  vars = {
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    EVENTS_STREAM: stream,
    SUBJECT_ROOT: root,
    LOG_LEVEL: "info",
    NODE_ENV: "test",
    // query
    PORT: "0",
    HOST: "127.0.0.1",
    ADMIN_TOKEN,
    // projector: short backoff caps, so recovery after the restart does not wait long
    PROJECTOR_BATCH_SIZE: "50",
    PROJECTOR_RETRY_MAX_MS: "1000",
    SLA_TICK_SECONDS: "1",
    // analyst: offline rules, a short tick so its scheduler meets the outage
    ANALYST_TICK_SECONDS: "1",
    // ingest (in this process): no CRM calls
    INGEST_PORT: "0",
    INGEST_HOST: "127.0.0.1",
    ...INGEST_WITHOUT_CRM_CALLS,
    TRUST_RECORDED_RECEIVED_AT: "true",
  };
  const logger = createLogger("pgrestart-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  const ctx = { nats, config: loadConfig(IngestConfig, vars), logger, env: vars, out: () => undefined };
  for (const project of PROJECTS) {
    await projectRegisterCommand(ctx, {
      id: project,
      name: project,
      kind: "keycrm",
      timeZone: "Europe/Kyiv",
      webhookSecret: WEBHOOK_SECRET,
      baseUrl: "http://127.0.0.1:9/unused",
    });
    await dictionaryImportCommand(ctx, {
      project,
      file: join(fixturesDir, `keycrm/${project}/statuses.json`),
    });
  }
  ingest = await startIngest({ env: vars, logger });
  startService("projector", "services/projector/src/main.ts");
  const query = startService("query", "services/query/src/server.ts");
  startService("analyst", "services/analyst/src/main.ts");
  const listening = await waitFor(
    "the query service to listen",
    async () => {
      assertAllAlive();
      return logged(query, (l) => l["msg"] === "query service listening")[0];
    },
    STATE_TIMEOUT_MS,
  );
  queryUrl = String(listening["address"]).replace("[::1]", "127.0.0.1");
  await waitFor(
    "the query service to be ready",
    async () => (await ready()).status === 200,
    STATE_TIMEOUT_MS,
  );
});

after(async () => {
  await Promise.all(
    services.map(async (s) => {
      if (!alive(s)) return;
      const exited = new Promise((r) => s.child.once("exit", r));
      s.child.kill("SIGTERM");
      const timer = setTimeout(() => s.child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  await ingest?.close().catch(() => undefined);
  await db?.destroy().catch(() => undefined);
  if (nats) {
    for await (const name of nats.jsm.streams.names()) {
      if (name.includes(stream)) await nats.jsm.streams.delete(name).catch(() => undefined);
    }
    await nats.nc.drain().catch(() => undefined);
  }
  await cluster?.close();
});

/**
 * Restarts PostgreSQL once the projector has applied more than `afterCheckpoint` (so it is
 * mid-flow): fast shutdown, then — while it is down — `/ready` answers 503 naming PostgreSQL, a read
 * route answers 503 `database_unavailable` with `Retry-After`, and the projector has failed a batch
 * or a re-open on it; then start it and wait for `/ready` 200. Returns what was seen while down.
 */
async function restartMidFlow(afterCheckpoint: number) {
  await waitFor(
    `the projector to apply past ${afterCheckpoint}`,
    async () => {
      assertAllAlive();
      return (await checkpoint("events")) > afterCheckpoint;
    },
    STATE_TIMEOUT_MS,
  );
  const projector = services.find((s) => s.name === "projector")!;
  const failuresBefore = logged(projector, (l) => l["level"] === 50).length;
  await cluster.stop();

  const notReady = await waitFor(
    "/ready to say PostgreSQL is down",
    async () => {
      const r = await ready();
      return r.status === 503 ? r : null;
    },
    STATE_TIMEOUT_MS,
  );
  const orders = await fetch(`${queryUrl}/api/orders?project=shop-kyiv`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const ordersBody = (await orders.json()) as Record<string, unknown>;
  // Deliveries keep coming while the database is down: the projector meets the outage.
  await waitFor(
    "the projector to meet the outage",
    async () => {
      assertAllAlive();
      return logged(projector, (l) => l["level"] === 50).length > failuresBefore;
    },
    STATE_TIMEOUT_MS,
  );
  await cluster.start();
  await waitFor("/ready 200 after the restart", async () => (await ready()).status === 200, STATE_TIMEOUT_MS);
  // The API serves again by itself: no restart of the query service.
  const ordersAfter = await fetch(`${queryUrl}/api/orders?project=shop-kyiv`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  await ordersAfter.arrayBuffer();
  return {
    notReady,
    orders: { status: orders.status, retryAfter: orders.headers.get("retry-after"), body: ordersBody },
    ordersAfterStatus: ordersAfter.status,
  };
}

test("given KeyCRM deliveries flowing, when PostgreSQL restarts twice mid-flow, then every process lives on, /ready and the API answer 503 while it is down, and the read models equal a clean rebuild", async () => {
  const deliveries: Delivery[] = loadDeliveries(fixturesDir, new Set(PROJECTS));
  const third = Math.ceil(deliveries.length / 3);
  const statuses = new Map<number, number>();
  const send = async (part: readonly Delivery[]) => {
    for (const [status, n] of await feed((d) => post(ingest!.url, d), part, 2))
      statuses.set(status, (statuses.get(status) ?? 0) + n);
  };

  // Round 1: the first third is being delivered and applied when PostgreSQL restarts; the second
  // third is delivered meanwhile (ingest needs NATS only).
  const first = send(deliveries.slice(0, third));
  const firstDown = await restartMidFlow(0);
  await first;
  // Round 2: the rest flows while PostgreSQL restarts again.
  const atRound2 = await checkpoint("events");
  const rest = send(deliveries.slice(third));
  const secondDown = await restartMidFlow(atRound2);
  await rest;

  assert.deepEqual([...statuses.keys()], [200], `webhook answers: ${JSON.stringify([...statuses])}`);

  for (const down of [firstDown, secondDown]) {
    assert.equal(down.notReady.body["code"], "not_ready");
    assert.equal(down.notReady.body["postgres"], "down");
    assert.equal(down.notReady.body["nats"], "ok");
    const reasons = down.notReady.body["down"] as { dependency: string; reason: string }[];
    assert.deepEqual(
      reasons.map((r) => r.dependency),
      ["postgres"],
    );
    assert.match(reasons[0]!.reason, /^not answering \((ECONNREFUSED|57P0\d|08\d+)\)$|timed out/);
    assert.ok(Number(down.notReady.retryAfter) > 0, "/ready's 503 says when to retry");
    assert.equal(down.orders.status, 503, `orders while down: ${JSON.stringify(down.orders.body)}`);
    assert.equal(down.orders.body["code"], "database_unavailable");
    assert.ok(Number(down.orders.retryAfter) > 0, "the API's 503 says when to retry");
    assert.equal(down.ordersAfterStatus, 200, "orders are served again after the restart");
  }

  // Everything delivered is applied: the events and receipts consumers reach the streams' ends, and
  // the outbox relay has published every notice.
  const eventsEnd = await lastSeq(stream);
  const receiptsEnd = await lastSeq(`${stream}_RECEIPTS`);
  await waitFor(
    "the projector to apply both streams",
    async () => (await checkpoint("events")) >= eventsEnd && (await checkpoint("receipts")) >= receiptsEnd,
    STATE_TIMEOUT_MS,
  );
  await waitFor(
    "the outbox to be relayed",
    async () => (await db.selectFrom("ops.outbox").select("id").limit(1).execute()).length === 0,
    STATE_TIMEOUT_MS,
  );
  const r = await ready();
  assert.equal(r.status, 200);
  assert.equal(r.body["lag"], 0);

  for (const s of services) assert.ok(alive(s), `${s.name} still runs\n${tail(s)}`);
  const projector = services.find((s) => s.name === "projector")!;
  const lost = logged(
    projector,
    (l) => l["msg"] === "database connection lost; it is replaced on next use" && l["level"] === 40,
  );
  assert.ok(
    lost.some((l) => (l["db"] as { code?: string }).code === "57P01"),
    "the projector saw its connections terminated by the restart (57P01) and logged it",
  );
  for (const s of services) {
    const all = s.lines.join("\n");
    assert.ok(!all.includes(cluster.password), `${s.name} never logs the database password`);
    assert.ok(!/Unhandled 'error' event/.test(all), `${s.name}: no unhandled error event`);
  }

  // Nothing lost, nothing applied twice: every order of the corpus is there, and the live tables
  // equal a clean rebuild from the streams row for row.
  const expected = (
    JSON.parse(readFileSync(join(fixturesDir, "keycrm/expected-counts.json"), "utf8")) as {
      projects: Record<string, { orders: number }>;
    }
  ).projects;
  for (const project of PROJECTS) {
    const n = await db
      .selectFrom("rm.orders_current")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("project_id", "=", project)
      .executeTakeFirstOrThrow();
    assert.equal(Number(n.n), expected[project]?.orders, `${project} orders`);
  }
  const config = loadProjectorConfig(vars);
  const logger = createLogger("pgrestart-replay", "silent");
  const clean = await replayReadModels({ nats, db, config, logger }, { swap: false, schema: "rm_clean" });
  const cmp = await compareReadModels(db, "rm", clean.schema);
  assert.deepEqual(cmp.differences, [], "live read models equal a clean rebuild");
  assert.deepEqual(cmp.indexDifferences, []);
});
