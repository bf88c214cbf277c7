/**
 * `pnpm bench query` — the query API's reads at scale, 10 concurrent clients.
 *
 * Data: the bench corpus of `pnpm bench replay` (stream `BENCH_TENANTS`, ≈ 1.06M events of ten
 * tenants; run that first). Its database `pulse_bench_tenants` is left as it is: the bench loads its
 * own `pulse_bench_query` once — a copy of `pulse_bench_tenants` (`CREATE DATABASE … TEMPLATE`) when
 * that holds read models, else a replay of the stream — and reuses it (`BENCH_QUERY_FRESH=1` loads
 * it again; it is loaded again when its read-model DDL version is not this code's, unless
 * `BENCH_QUERY_REUSE=1`, which measures another revision of the query service on the same data). There it
 * - applies this code's migrations and builds the declared read-model indexes the copy lacks (a
 *   replay by this code would have built them);
 * - adds the project {@link BIG} — every order of the four `shop-kyiv-*` tenants (the corpus's
 *   shop-kyiv), twice (the second copy under order ids + {@link ID_OFFSET}): ≥ 100k orders in one
 *   project, since the bench corpus splits each corpus project over tenants of ≈ 13k orders;
 * - `ANALYZE`s it and gives the bench an owner API token.
 * Then it starts the query service (`services/query/src/server.ts`) against the copy
 * and measures with autocannon, 10 connections for `BENCH_SECONDS` (default 10) per case, the
 * p50/p99 of each read beside a baseline of the same run (a primary-key lookup through the same
 * stack: `GET /api/orders/{id}/overrides`), the query's RSS (peak sampled, and its high-water mark)
 * and the load average.
 *
 * Targets (issue 14): board first page with KPI and any filtered page p99 ≤ 50 ms; timeline p99
 * ≤ 20 ms; analytics month ≤ 150 ms and year ≤ 500 ms p99; shift report ≤ 200 ms; query RSS ≤ 200 MB.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import {
  connectNats,
  createDb,
  createLogger,
  createReadModelIndex,
  type Database,
  dropDatabase,
  ensureDatabase,
  migrate,
  READ_MODEL_DECLARATIONS,
  READ_MODEL_INDEXES,
  READ_MODEL_VERSION,
} from "@pulse/infra";
import { freePort, waitFor } from "@pulse/infra/testing";
import { loadProjectorConfig, replayReadModels } from "@pulse/projector";
import { seedOwnerToken } from "@pulse/query/testing";
import autocannon from "autocannon";
import { type Kysely, sql } from "kysely";
import { printTable, repoRoot } from "./bench-support.js";

const SOURCE_DB = "pulse_bench_tenants";
const STREAM = "BENCH_TENANTS";
const ROOT = "bench_t";
const DB_NAME = "pulse_bench_query";
const TOKEN = "bench-query-owner-token-0123456789";
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10);
const CONNECTIONS = 10;
/** The project of ≥ 100k orders the bench adds: the four shop-kyiv tenants, twice. */
const BIG = "shop-kyiv-x2";
const KYIV_TENANTS = ["shop-kyiv-0", "shop-kyiv-1", "shop-kyiv-2", "shop-kyiv-3"];
/** Order ids of the second copy: the original + this. */
const ID_OFFSET = 1_000_000_000;
/** The amoCRM tenant the shift report is read for. */
const AMO = "demoacademy-0";
/** Read-model tables keyed by order whose rows {@link BIG} copies (the board, timeline and analytics read them). */
const ORDER_TABLES = [
  "orders_current",
  "order_status_events",
  "order_status_intervals",
  "order_group_sla",
  "order_cycle_metrics",
  "order_items",
  "order_overrides",
] as const;
/** Per-project tables {@link BIG} takes from `shop-kyiv-0` (dictionary, managers, settings). */
const PROJECT_TABLES = ["projects", "statuses", "status_groups", "crm_users", "settings"] as const;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** `pnpm bench query`. */
export async function benchQuery(): Promise<void> {
  const base = new URL(process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/pulse");
  const url = (name: string) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  const admin = createDb(url("postgres"), 2);
  let db: Kysely<Database> | undefined;
  let query: ChildProcess | undefined;
  try {
    await loadDatabase(admin, url);
    db = createDb(url(DB_NAME), 4);
    await prepare(db);
    const port = await freePort();
    query = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "services/query/src/server.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: url(DB_NAME),
        EVENTS_STREAM: "BENCH_TENANTS",
        SUBJECT_ROOT: "bench_t",
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    await measure(db, `http://127.0.0.1:${port}`, query);
  } finally {
    query?.kill("SIGTERM");
    if (query && query.exitCode === null) await new Promise((r) => query?.once("exit", r));
    await db?.destroy();
    await admin.destroy();
  }
}

/**
 * Makes {@link DB_NAME} hold the bench corpus's read models, unless it does (or `BENCH_QUERY_FRESH=1`):
 * a copy of {@link SOURCE_DB} when `pnpm bench replay` left it filled (`CREATE DATABASE … TEMPLATE`,
 * waiting while a replay still writes it), otherwise a replay of the stream {@link STREAM} into it.
 */
async function loadDatabase(admin: Kysely<Database>, url: (name: string) => string): Promise<void> {
  const target = url(DB_NAME);
  const exists = await sql`SELECT 1 FROM pg_database WHERE datname = ${DB_NAME}`.execute(admin);
  if (exists.rows.length > 0 && process.env["BENCH_QUERY_FRESH"] !== "1") {
    const db = createDb(target, 1);
    // Reused while it holds orders under this code's read-model DDL (else a replay rebuilds it).
    const filled = await sql<{ n: number; ddl: string | null }>`
      SELECT (SELECT count(*)::int FROM (SELECT 1 FROM rm.orders_current LIMIT 1) o) AS n,
             (SELECT value FROM rm.meta WHERE key = 'ddl_version') AS ddl`
      .execute(db)
      .then(
        (r) =>
          r.rows[0]?.n === 1 &&
          (r.rows[0]?.ddl === String(READ_MODEL_VERSION) || process.env["BENCH_QUERY_REUSE"] === "1"),
        () => false,
      )
      .finally(() => db.destroy());
    if (filled) {
      console.log(`reusing database ${DB_NAME} (BENCH_QUERY_FRESH=1 loads it again)`);
      return;
    }
  }
  if (exists.rows.length > 0) await dropDatabase(target);
  const started = performance.now();
  if (await hasOrders(url(SOURCE_DB), String(READ_MODEL_VERSION))) {
    for (let attempt = 0; ; attempt++) {
      try {
        await sql`CREATE DATABASE ${sql.id(DB_NAME)} TEMPLATE ${sql.id(SOURCE_DB)}`.execute(admin);
        break;
      } catch (error) {
        // A replay (or another bench) still connected to the source: wait for it to finish.
        if (!/being accessed by other users/.test(String(error)) || attempt >= 360) throw error;
        if (attempt % 6 === 0) console.log(`waiting for ${SOURCE_DB} to be idle (a replay writes it)…`);
        await new Promise((r) => setTimeout(r, 10_000));
      }
    }
    console.log(`copied ${SOURCE_DB} → ${DB_NAME} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  console.log(`${SOURCE_DB} holds no read models: replaying stream ${STREAM} into ${DB_NAME}…`);
  // The decode workers' JetStream requests wait longer on a busy machine (they inherit this).
  process.env["NATS_TIMEOUT_MS"] ??= "60000";
  await ensureDatabase(target);
  const vars = {
    ...process.env,
    DATABASE_URL: target,
    EVENTS_STREAM: STREAM,
    SUBJECT_ROOT: ROOT,
    LOG_LEVEL: "warn",
  };
  const config = loadProjectorConfig(vars);
  const db = createDb(target, Math.max(8, config.REPLAY_WRITERS + 4));
  const nats = await connectNats(config.NATS_URL, "bench-query");
  try {
    await migrate(db);
    const stored = (await nats.jsm.streams.info(STREAM)).state.messages;
    if (stored < 1_000_000)
      throw new Error(`stream ${STREAM} holds ${stored} messages: run \`pnpm bench replay\` first`);
    // A busy machine can starve the JetStream API (a decode worker's consumer request times out):
    // the replay drops its half-built schema then, and is tried again.
    let result: Awaited<ReturnType<typeof replayReadModels>> | undefined;
    for (let attempt = 1; result === undefined; attempt++) {
      try {
        result = await replayReadModels(
          { nats, db, config, logger: createLogger("bench-query", "warn") },
          {
            swap: true,
            onProgress: (p) => {
              if (p.phase !== "events" && p.phase !== "write")
                console.log(
                  `  replay ${p.phase}: ${p.done}${p.total ? `/${p.total}` : ""} (${p.seconds.toFixed(1)} s)`,
                );
            },
          },
        );
      } catch (error) {
        if (attempt >= 4) throw error;
        console.log(`replay attempt ${attempt} failed (${String(error)}): trying again`);
      }
    }
    console.log(`replayed ${result.events} events in ${result.seconds.toFixed(1)} s`);
  } finally {
    await nats.nc.drain().catch(() => undefined);
    await db.destroy();
  }
}

/** True when the database at `databaseUrl` exists and its `rm.orders_current` has rows under DDL version `ddl`. */
async function hasOrders(databaseUrl: string, ddl: string): Promise<boolean> {
  const db = createDb(databaseUrl, 1);
  try {
    const r = await sql<{ n: number; ddl: string | null }>`
      SELECT (SELECT count(*)::int FROM (SELECT 1 FROM rm.orders_current LIMIT 1) o) AS n,
             (SELECT value FROM rm.meta WHERE key = 'ddl_version') AS ddl`.execute(db);
    return r.rows[0]?.n === 1 && r.rows[0]?.ddl === ddl;
  } catch {
    return false;
  } finally {
    await db.destroy();
  }
}

/** Migrations, the declared indexes, the {@link BIG} project, statistics and the bench token. */
async function prepare(db: Kysely<Database>): Promise<void> {
  await migrate(db);
  const have = await sql<{ tablename: string; indexdef: string }>`
    SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'rm'`.execute(db);
  for (const index of READ_MODEL_INDEXES) {
    const columns = index.definition.split(" WHERE ")[0] ?? index.definition;
    if (have.rows.some((r) => r.tablename === index.table && r.indexdef.includes(`USING btree ${columns}`)))
      continue;
    const started = performance.now();
    await createReadModelIndex(db as unknown as Kysely<unknown>, "rm", index, 256);
    console.log(
      `built index rm.${index.table} ${index.definition} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  const big = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM rm.orders_current WHERE project_id = ${BIG}`.execute(db);
  if ((big.rows[0]?.n ?? 0) === 0) {
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      for (const table of PROJECT_TABLES) await copyRows(trx, table, ["shop-kyiv-0"], [0]);
      for (const table of ORDER_TABLES) await copyRows(trx, table, KYIV_TENANTS, [0, ID_OFFSET]);
    });
    console.log(`added project ${BIG} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await sql`ANALYZE`.execute(db);
  await seedOwnerToken(db, TOKEN);
}

/**
 * Copies the rows of `tenants` in `rm.{table}` into {@link BIG}, once per offset of `offsets`
 * (order ids + offset; the dedup keys, unique per project, prefixed with the offset).
 */
async function copyRows(
  db: Kysely<Database>,
  table: keyof typeof READ_MODEL_DECLARATIONS,
  tenants: readonly string[],
  offsets: readonly number[],
): Promise<void> {
  const columns = Object.keys(READ_MODEL_DECLARATIONS[table].columns);
  for (const offset of offsets) {
    const values = columns.map((c) => {
      if (c === "project_id") return sql`${BIG}::text`;
      if (c === "order_id") return sql`order_id + ${offset}::int8`;
      if (c === "dedup_key") return sql`${`${offset}:`}::text || dedup_key`;
      if (table === "projects" && c === "name") return sql`${BIG}::text`;
      return sql.ref(c);
    });
    await sql`INSERT INTO ${sql.id("rm", table)} (${sql.join(columns.map((c) => sql.id(c)))})
      SELECT ${sql.join(values)} FROM ${sql.id("rm", table)} WHERE project_id IN (${sql.join([...tenants])})`.execute(
      db,
    );
  }
}

/** One measured read: its label, the paths the clients cycle through, and its target p99 (ms). */
interface Case {
  readonly label: string;
  readonly paths: readonly string[];
  readonly targetMs?: number;
  readonly note?: string;
}

async function measure(db: Kysely<Database>, baseUrl: string, query: ChildProcess): Promise<void> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  await waitFor(
    "the query service to answer",
    async () =>
      (await fetch(`${baseUrl}/api/projects`, { headers }).then(
        (r) => r.status,
        () => 0,
      )) === 200,
    120_000,
  );
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, { headers });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const shape = await sql<{ orders: number; events: number; last: Date; group_id: number | null }>`
    SELECT (SELECT count(*)::int FROM rm.orders_current WHERE project_id = ${BIG}) AS orders,
           (SELECT count(*)::int FROM rm.order_status_events WHERE project_id = ${BIG}) AS events,
           (SELECT max(last_changed_at) FROM rm.orders_current WHERE project_id = ${BIG}) AS last,
           (SELECT last_status_group_id FROM rm.orders_current WHERE project_id = ${BIG}
             GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS group_id`.execute(db);
  const info = shape.rows[0];
  if (!info) throw new Error("no data");
  const largestTenant = await sql<{ project_id: string; n: number }>`
    SELECT project_id, count(*)::int AS n FROM rm.orders_current WHERE project_id <> ${BIG}
    GROUP BY 1 ORDER BY 2 DESC LIMIT 1`.execute(db);
  const streamEvents = await sql<{
    n: number;
  }>`SELECT stream_seq::int AS n FROM rm.checkpoints WHERE name = 'events'`.execute(db);
  const asOf = new Date(info.last.getTime() + 3_600_000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const monthEnd = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 0));
  const monthStart = new Date(Date.UTC(monthEnd.getUTCFullYear(), monthEnd.getUTCMonth(), 1));
  const yearStart = new Date(monthEnd.getTime() - 364 * 86_400_000);
  const at = `asOf=${asOf.toISOString()}`;
  const p = `project=${BIG}&${at}`;
  const orderIds = (
    await sql<{ order_id: number }>`SELECT order_id FROM rm.orders_current WHERE project_id = ${BIG}
      ORDER BY order_id LIMIT 200`.execute(db)
  ).rows.map((r) => r.order_id);
  const sampleIds = orderIds.filter((_, i) => i % 4 === 0);

  const filter = `groupId=${info.group_id}&dateField=last_changed_at&from=${yearStart.toISOString()}&to=${asOf.toISOString()}`;
  const depth = 40;
  const deepOffset = `/api/orders?${p}&${filter}&pageSize=25&page=${depth}`;
  const before = await get<{ next_cursor: string | null; total: number }>(
    `/api/orders?${p}&${filter}&pageSize=25&page=${depth - 1}`,
  );
  const deepCursor = before.next_cursor
    ? `/api/orders?${p}&${filter}&pageSize=25&cursor=${before.next_cursor}`
    : undefined;
  const shifts = await sql<{ first: Date | null; last: Date | null }>`
    SELECT min(shift_start) AS first, max(shift_start) AS last FROM rm.shift_deals WHERE project_id = ${AMO}`.execute(
    db,
  );
  const shiftLast = shifts.rows[0]?.last ?? asOf;
  const shiftFrom = new Date(shiftLast.getTime() - 30 * 86_400_000).toISOString();
  const doc = await get<{ paths: Record<string, unknown> }>("/openapi.json");
  const salesPath = Object.keys(doc.paths).find((path) => /sales/.test(path));

  const cases: Case[] = [
    {
      label: "baseline: order overrides (PK lookup)",
      paths: sampleIds.map((id) => `/api/orders/${id}/overrides?project=${BIG}`),
    },
    { label: "board first page + KPI", paths: [`/api/orders?${p}&pageSize=25`], targetMs: 50 },
    {
      label: `filtered page ${depth} (offset)`,
      paths: [deepOffset],
      targetMs: 50,
      note: `group ${info.group_id}, last 12 months: ${before.total} orders`,
    },
    ...(deepCursor ? [{ label: `filtered page ${depth} (cursor)`, paths: [deepCursor], targetMs: 50 }] : []),
    {
      label: "order timeline",
      paths: sampleIds.map((id) => `/api/orders/${id}/timeline?${p}`),
      targetMs: 20,
    },
    {
      label: "analytics month by day",
      paths: [
        `/api/analytics/status-durations?project=${BIG}&from=${day(monthStart)}&to=${day(monthEnd)}&granularity=day`,
      ],
      targetMs: 150,
    },
    {
      label: "analytics year by day",
      paths: [
        `/api/analytics/status-durations?project=${BIG}&from=${day(yearStart)}&to=${day(monthEnd)}&granularity=day`,
      ],
      targetMs: 500,
    },
    {
      label: `shift report (${AMO}, 30 days)`,
      paths: [`/api/reports/shifts?project=${AMO}&from=${shiftFrom}&to=${shiftLast.toISOString()}`],
      targetMs: 200,
    },
  ];
  if (salesPath) console.log(`sales stats route ${salesPath} exists but has no case here yet: skipped`);
  else console.log("sales stats: no such route in /openapi.json yet — skipped");

  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procStatus(query.pid, "VmRSS"));
  }, 200);
  const rows: string[][] = [["read", "p50 / p99 / max", "req/s · target p99 · note"]];
  const loads: string[] = [];
  try {
    for (const c of cases) {
      // A first call of each path outside the measurement (its plans cached, its pages warm).
      for (const path of c.paths.slice(0, 3)) await get(path);
      const r = await autocannon({
        url: baseUrl,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
        requests: c.paths.map((path) => ({ method: "GET", path })),
      });
      const bad = r.non2xx + r.errors + r.timeouts;
      // No answer within the run: every request outlasted it (autocannon counts only completed ones).
      const none = r.requests.total === 0;
      const verdict = c.targetMs === undefined ? "" : !none && r.latency.p99 <= c.targetMs ? " ✓" : " ✗";
      rows.push([
        c.label,
        none ? `none answered in ${SECONDS} s` : `${r.latency.p50} / ${r.latency.p99} / ${r.latency.max} ms`,
        `${r.requests.average.toFixed(0)}/s${c.targetMs === undefined ? "" : ` · ≤ ${c.targetMs} ms${verdict}`}` +
          `${bad ? ` · ${bad} failed` : ""}${c.note ? ` · ${c.note}` : ""}`,
      ]);
      loads.push(`${c.label}: ${load()}`);
      console.log(`  ${c.label}: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (load ${load()})`);
    }
  } finally {
    clearInterval(sampler);
  }
  const hwm = procStatus(query.pid, "VmHWM");
  rows.push([
    "query RSS",
    `${mb(peakRss)} peak sampled`,
    `high-water mark ${mb(hwm)} · ≤ 200 MB${Math.max(peakRss, hwm) <= 200 * 1024 * 1024 ? " ✓" : " ✗"}`,
  ]);
  printTable(
    `query benchmark (${CONNECTIONS} connections × ${SECONDS} s per read; project ${BIG}: ${info.orders} orders, ` +
      `${info.events} status events; largest bench tenant ${largestTenant.rows[0]?.project_id} ` +
      `${largestTenant.rows[0]?.n} orders; stream ${streamEvents.rows[0]?.n ?? "?"} events; as of ${asOf.toISOString()})`,
    rows,
  );
  console.log(`load average after each read: ${loads.join("; ")}`);
}

/** A `/proc/{pid}/status` size field (`VmRSS`, `VmHWM`) in bytes; 0 when unreadable. */
function procStatus(pid: number | undefined, field: string): number {
  if (pid === undefined) return 0;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
