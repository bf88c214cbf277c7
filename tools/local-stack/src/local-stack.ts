/**
 * `pnpm start` — the one-command local run (no Docker needed):
 *
 * 1. uses `NATS_URL` / `DATABASE_URL` when given, else makes sure the machine's nats-server and
 *    PostgreSQL run (infra/scripts/ensure-services.sh);
 * 2. creates the database, runs migrations and creates the streams;
 * 3. builds the dashboard when its build is missing or stale, starts a fixture-backed CRM API (the
 *    demo's stand-in for KeyCRM/amoCRM) and the four services as child processes (logs in
 *    `.run/logs/`);
 * 4. registers the demo projects, imports their status dictionaries, imports shop-lviv's orders
 *    from the KeyCRM order list (a project onboarded after its orders exist), and feeds
 *    `../shared/fixtures` (KeyCRM and amoCRM webhooks in recorded delivery order, duplicates and
 *    late deliveries included; Evolution chat webhooks) through the real HTTP endpoints;
 * 5. waits until the projector has applied every event, prints a report from the query API, and
 *    leaves the stack running with the URLs to open (Ctrl-C stops everything).
 *
 * Flags: `--no-feed` (start only), `--exit` (print the report and stop: used by tests and CI).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  connectNats,
  createDb,
  ensureDatabase,
  ensureStreams,
  migrate,
  type Nats,
  SERVICE_NODE_FLAGS,
} from "@pulse/infra";
import { feedFixtures } from "./feed.js";
import { DEMO_PIPELINE_PRODUCTS, printReport, printSalesReport, printShiftReport } from "./report.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const args = new Set(process.argv.slice(2));
const env = process.env;

const fixturesDir = resolve(env["FIXTURES_DIR"] ?? join(repo, "../shared/fixtures"));
const runDir = join(repo, ".run");
const logDir = join(runDir, "logs");
const ports = {
  query: Number(env["QUERY_PORT"] ?? 3000),
  ingest: Number(env["INGEST_PORT"] ?? 3001),
  crm: Number(env["FIXTURE_CRM_PORT"] ?? 3009),
  analyst: Number(env["ANALYST_PORT"] ?? 3002),
};
// The owner's API token the runner itself uses; kept in .run/ so a second run over the same
// database (where the owner exists already) uses the same one.
const adminTokenFile = join(runDir, "admin-token");
const adminToken =
  env["ADMIN_TOKEN"] ??
  (existsSync(adminTokenFile)
    ? readFileSync(adminTokenFile, "utf8").trim()
    : `dev-${randomBytes(12).toString("hex")}`);

/**
 * The demo accounts `pnpm start` creates and prints (demo only: fixed passwords): the instance
 * owner (its API token is the runner's `ADMIN_TOKEN`), an admin of shop-kyiv and a viewer of shop-lviv.
 */
const DEMO_ACCOUNTS = [
  {
    login: "owner",
    password: "owner-demo-password",
    what: "instance owner (every project)",
    args: ["--owner"],
  },
  {
    login: "kyiv-admin",
    password: "kyiv-admin-demo-password",
    what: "admin of shop-kyiv",
    args: ["--member", "shop-kyiv:admin"],
  },
  {
    login: "lviv-viewer",
    password: "lviv-viewer-demo-password",
    what: "viewer of shop-lviv",
    args: ["--member", "shop-lviv:viewer"],
  },
] as const;
const webhookSecret = env["DEMO_WEBHOOK_SECRET"] ?? `whs-${randomBytes(12).toString("hex")}`;
const children: ChildProcess[] = [];

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  if (!env["NATS_URL"] || !env["DATABASE_URL"]) {
    const r = spawnSync("bash", [join(repo, "infra/scripts/ensure-services.sh")], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("could not start PostgreSQL/NATS (see above)");
  }
  const base = {
    NATS_URL: env["NATS_URL"] ?? "nats://dev:dev@127.0.0.1:4222",
    DATABASE_URL: env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/pulse",
    EVENTS_STREAM: env["EVENTS_STREAM"] ?? "CRM_EVENTS",
    SUBJECT_ROOT: env["SUBJECT_ROOT"] ?? "crm",
    LOG_LEVEL: env["LOG_LEVEL"] ?? "info",
  };
  await ensureDatabase(base.DATABASE_URL);
  const db = createDb(base.DATABASE_URL, 2);
  await migrate(db);
  const nats = await connectNats(base.NATS_URL, "local-stack");
  await ensureStreams(nats.jsm, base.EVENTS_STREAM, base.SUBJECT_ROOT);

  const childEnv = { ...env, ...base, ADMIN_TOKEN: adminToken };
  createDemoAccounts(childEnv);
  writeFileSync(adminTokenFile, `${adminToken}\n`, { mode: 0o600 });
  const crmUrl = `http://127.0.0.1:${ports.crm}`;
  start("fixture-crm", "services/ingest/src/testing/fixture-crm.main.ts", {
    ...childEnv,
    FIXTURES_DIR: fixturesDir,
    PORT: String(ports.crm),
  });
  start("projector", "services/projector/src/main.ts", childEnv, SERVICE_NODE_FLAGS.projector);
  start(
    "ingest",
    "services/ingest/src/server.ts",
    {
      ...childEnv,
      PORT: String(ports.ingest),
      // The fixtures are recorded deliveries: keep their original receive times (X-Recorded-Received-At).
      TRUST_RECORDED_RECEIVED_AT: "true",
    },
    SERVICE_NODE_FLAGS.ingest,
  );
  // The dashboard the query service serves at `/` (built when missing or older than its sources).
  const dashboard = spawnSync(
    process.execPath,
    [join(repo, "scripts/build.mjs"), "--dashboard-only", "--if-stale"],
    {
      stdio: "inherit",
    },
  );
  if (dashboard.status !== 0) throw new Error("the dashboard build failed (see above)");
  start("query", "services/query/src/server.ts", { ...childEnv, PORT: String(ports.query) });
  if (existsSync(join(repo, "services/analyst/src/main.ts"))) {
    start("analyst", "services/analyst/src/main.ts", { ...childEnv, PORT: String(ports.analyst) });
  }
  await waitHttp(`${crmUrl}/health`, "fixture CRM");
  await waitHttp(`http://127.0.0.1:${ports.ingest}/health`, "ingest");
  await waitHttp(`http://127.0.0.1:${ports.query}/health`, "query");

  const ingestUrl = `http://127.0.0.1:${ports.ingest}`;
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  if (!args.has("--no-feed")) {
    const projects = registerDemoProjects(childEnv, crmUrl);
    say(`registered ${projects.length} demo projects: ${projects.join(", ")}`);
    await configureDemoSettings(queryUrl);
    importKeycrmHistory(childEnv);
    const fed = await feedFixtures({ fixturesDir, ingestUrl, secret: webhookSecret, log: say });
    say(`fed ${fed.deliveries} webhook deliveries (${fed.rejected} rejected) in ${fed.seconds.toFixed(1)} s`);
    catchUp(childEnv);
    await waitForProjector(queryUrl);
    await printReport({ queryUrl, token: adminToken, projects, log: say });
    await printSalesReport({
      queryUrl,
      token: adminToken,
      project: "demoacademy",
      from: "2026-10-01",
      to: "2026-11-30",
      log: say,
    });
    // Dialogs are scored once the deals' contacts are linked: a phone-only dialog becomes a deal's
    // dialog then, and a score taken before would belong to a dialog the report no longer lists.
    await waitForContactLinks(nats, base.EVENTS_STREAM);
    await waitForProjector(queryUrl);
    // The chat fixtures cover 2026-10-20 … 2026-11-07 (UTC+5): score every shift of that period.
    const shiftIds: string[] = [];
    for (let d = Date.UTC(2026, 9, 19); d <= Date.UTC(2026, 10, 6); d += 86_400_000)
      shiftIds.push(new Date(d).toISOString().slice(0, 10));
    await printShiftReport({
      queryUrl,
      token: adminToken,
      project: "demoacademy",
      shiftIds,
      from: "2026-10-19T17:00:00.000Z",
      to: "2026-11-07T17:00:00.000Z",
      log: say,
    });
    const items = await unfinished(nats, base.EVENTS_STREAM, ITEMS_DURABLE);
    if (items > 0)
      say(
        `\n  The items worker is still reading order items from the KeyCRM API (${items} status events left, at KeyCRM's 60 requests a minute per project); urgency flags follow as items arrive.`,
      );
  }
  await db.destroy();
  await nats.nc.close();

  say("");
  say("The stack is running:");
  say(`  dashboard      ${queryUrl}/   (sign in with a demo account)`);
  say("  demo accounts  (demo only: fixed passwords)");
  for (const a of DEMO_ACCOUNTS) say(`    ${a.login.padEnd(12)} ${a.password.padEnd(26)} ${a.what}`);
  say(`  owner API token ${adminToken}   (Authorization: Bearer …)`);
  say(`  API docs       ${queryUrl}/docs`);
  say(
    `  webhooks       ${ingestUrl}/webhooks/keycrm/<project>?secret=…  ${ingestUrl}/webhooks/amocrm/<project>?secret=…`,
  );
  say(`  demo secret    ${webhookSecret}`);
  say(`  logs           ${logDir}/`);
  if (args.has("--exit")) return shutdown(0);
  say("Ctrl-C stops it.");
}

/**
 * Creates the {@link DEMO_ACCOUNTS} with `pnpm cli user create` (the owner with `--api-token-env
 * ADMIN_TOKEN`, so the runner's API calls are the owner's). An account that exists is kept as it is.
 */
function createDemoAccounts(childEnv: NodeJS.ProcessEnv): void {
  for (const a of DEMO_ACCOUNTS) {
    const argv = ["user", "create", "--login", a.login, "--password-env", "DEMO_PASSWORD", ...a.args];
    if (a.login === "owner") argv.push("--api-token-env", "ADMIN_TOKEN");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(repo, "services/ingest/src/cli.ts"), ...argv],
      {
        cwd: repo,
        env: { ...childEnv, DEMO_PASSWORD: a.password },
        encoding: "utf8",
      },
    );
    if (r.status !== 0 && !/exists already/.test(r.stderr)) {
      throw new Error(`cli user create ${a.login} failed: ${r.stderr || r.stdout}`);
    }
  }
}

function registerDemoProjects(childEnv: NodeJS.ProcessEnv, crmUrl: string): string[] {
  const keycrm = JSON.parse(readFileSync(join(fixturesDir, "keycrm/projects.json"), "utf8")) as {
    projects: { project: string; time_zone: string }[];
  };
  const done: string[] = [];
  const cli = (argv: string[]) => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(repo, "services/ingest/src/cli.ts"), ...argv],
      {
        cwd: repo,
        env: { ...childEnv, DEMO_TOKEN: "demo-crm-token", DEMO_SECRET: webhookSecret },
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`cli ${argv.slice(0, 2).join(" ")} failed: ${r.stderr || r.stdout}`);
  };
  for (const p of keycrm.projects) {
    cli([
      "project",
      "register",
      "--id",
      p.project,
      "--name",
      p.project,
      "--kind",
      "keycrm",
      "--time-zone",
      p.time_zone,
      "--webhook-secret-env",
      "DEMO_SECRET",
      "--base-url",
      `${crmUrl}/${p.project}`,
      "--token-env",
      "DEMO_TOKEN",
    ]);
    cli([
      "dictionary",
      "import",
      "--project",
      p.project,
      "--file",
      join(fixturesDir, `keycrm/${p.project}/statuses.json`),
    ]);
    done.push(p.project);
  }
  const amo = "--id demoacademy --name DemoAcademy --kind amocrm --time-zone Asia/Almaty --phone-region KZ";
  cli([
    "project",
    "register",
    ...amo.split(" "),
    "--webhook-secret-env",
    "DEMO_SECRET",
    "--base-url",
    `${crmUrl}/demoacademy`,
    "--token-env",
    "DEMO_TOKEN",
  ]);
  cli([
    "dictionary",
    "import",
    "--project",
    "demoacademy",
    "--file",
    join(fixturesDir, "amocrm/pipelines.json"),
  ]);
  // The Radist.Online stand-in: company 271845, WhatsApp connection 40977 (its Telegram chat is left out).
  cli([
    "project",
    "set-radist",
    ..."--project demoacademy --company-id 271845 --connection-id 40977".split(" "),
    "--api-key-env",
    "DEMO_TOKEN",
    "--base-url",
    `${crmUrl}/radist/v2`,
  ]);
  done.push("demoacademy");
  return done;
}

/**
 * Onboards shop-lviv as a project registered after its orders exist: `catch-up keycrm` imports the
 * current status of its orders from the (fixture) KeyCRM order list — 3 pages at KeyCRM's 60
 * requests a minute. The webhooks fed afterwards add the history; the webhook of each change the
 * import already stored is counted as a duplicate.
 */
function importKeycrmHistory(childEnv: NodeJS.ProcessEnv): void {
  const argv = ["catch-up", "keycrm", "--project", "shop-lviv", "--since", "2026-10-01"];
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repo, "services/ingest/src/cli.ts"), ...argv],
    {
      cwd: repo,
      env: childEnv,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`cli ${argv.join(" ")} failed: ${r.stderr || r.stdout}`);
  say((r.stdout || "").trim().split("\n").pop() ?? "");
}

/**
 * Backfills what webhooks never delivered: amoCRM status changes that exist only in the events API,
 * and the Radist.Online dialogs (polled, not pushed), from the start of the fixture period.
 */
function catchUp(childEnv: NodeJS.ProcessEnv): void {
  for (const source of ["amocrm", "radist"]) {
    const argv = ["catch-up", source, "--project", "demoacademy", "--since", "2026-10-19T00:00:00Z"];
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(repo, "services/ingest/src/cli.ts"), ...argv],
      {
        cwd: repo,
        env: { ...childEnv, DEMO_TOKEN: "demo-crm-token" },
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`cli ${argv.join(" ")} failed: ${r.stderr || r.stdout}`);
    say(`catch-up ${source}: ${(r.stdout || "").trim().split("\n").pop() ?? ""}`);
  }
}

/**
 * Puts the KeyCRM demo projects' rules through the settings API, as an owner would: the working
 * hours and urgent rules the fixture scenario assumes (`keycrm/projects.json`), an SLA grid per
 * status group (normal and urgent), and two cycle rules. Done before the feed, so history is judged
 * by these rules from the first event.
 */
async function configureDemoSettings(queryUrl: string): Promise<void> {
  const scenario = JSON.parse(readFileSync(join(fixturesDir, "keycrm/projects.json"), "utf8")) as {
    projects: {
      project: string;
      working_hours: Record<string, string[]>;
      urgent_rules: { match_type: string; match_value: string }[];
    }[];
  };
  const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  // Based on the current version, so a second `pnpm start` on the same database is a new version.
  const put = async (path: string, body: Record<string, unknown>) => {
    const current = await fetch(`${queryUrl}${path}`, { headers });
    const { version } = (await current.json()) as { version: number };
    const res = await fetch(`${queryUrl}${path}`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ ...body, version }),
    });
    if (res.status !== 202) throw new Error(`PUT ${path} → ${res.status} ${await res.text()}`);
  };
  for (const p of scenario.projects) {
    const q = `?project=${p.project}`;
    await put(`/api/settings/working-hours${q}`, {
      version: 0,
      default: { working_hours: p.working_hours },
      groups: {},
    });
    await put(`/api/settings/urgent-rules${q}`, { version: 0, rules: p.urgent_rules });
    await put(`/api/settings/sla${q}`, {
      version: 0,
      near_share: 0.8,
      grids: {
        normal: { "1": "02:00", "2": "08:00", "3": "40:00", "4": "72:00" },
        urgent: { "1": "01:00", "2": "04:00", "3": "16:00", "4": "48:00" },
      },
    });
    await put(`/api/settings/cycle${q}`, {
      version: 0,
      rules: [
        { name: "full cycle", start: { group_id: 1 }, end: { group_id: 5 } },
        { name: "to delivery", start: { group_id: 1 }, end: { group_id: 4 } },
      ],
    });
  }
  say(
    `configured working hours, urgent rules, SLA grids and cycle rules of ${scenario.projects.length} KeyCRM projects`,
  );
  // demoacademy's pipeline products: a won lead with price 0 is sold at its pipeline's product price.
  await put("/api/settings/pipeline-products?project=demoacademy", { version: 0, ...DEMO_PIPELINE_PRODUCTS });
  say("configured demoacademy's pipeline products (Express course 5 000 KZT, Flagship course 490 000 KZT)");
}

/** Ingest's deal-contacts worker's durable consumer (ingest's `CONTACTS_WORKER_DURABLE`). */
const CONTACTS_DURABLE = "contacts-worker";
/** Ingest's order-items worker's durable consumer (ingest's `ITEMS_WORKER_DURABLE`). */
const ITEMS_DURABLE = "items-worker";

/**
 * Events the durable consumer `durable` on `stream` has not yet acknowledged (pending plus
 * unacknowledged), or 0 when it does not exist (its worker is off). A worker acks an event after
 * the fetch it caused is published.
 */
async function unfinished(nats: Nats, stream: string, durable: string): Promise<number> {
  const info = await nats.jsm.consumers.info(stream, durable).catch(() => null);
  return info ? info.num_pending + info.num_ack_pending : 0;
}

/**
 * Waits until the deal-contacts worker has linked every deal's contacts (its consumer has nothing
 * left), polling its consumer info. After 120 s it says so and returns: the shift report then may
 * count fewer scored dialogs. The items worker is not waited for: dialogs do not depend on order
 * items, and it fetches them at KeyCRM's 60 requests a minute per project, which takes minutes.
 */
async function waitForContactLinks(nats: Nats, stream: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const left = await unfinished(nats, stream, CONTACTS_DURABLE);
    if (left === 0) return;
    if (Date.now() > deadline) {
      say(`  (the contacts worker still has ${left} deal events to link; going on)`);
      return;
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function waitForProjector(queryUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await fetch(`${queryUrl}/ready`).catch(() => null);
    const body = r ? ((await r.json().catch(() => ({}))) as { lag?: number }) : {};
    if (r?.ok && body.lag === 0) return;
    if (Date.now() > deadline) throw new Error("the projector did not catch up within 120 s");
    await new Promise((res) => setTimeout(res, 200));
  }
}

function start(
  name: string,
  file: string,
  childEnv: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
): void {
  const out = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", join(repo, file)], {
    cwd: repo,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${name} exited (code ${code}, signal ${signal}); see ${join(logDir, `${name}.log`)}`);
      void shutdown(1);
    }
  });
  children.push(child);
}

async function waitHttp(url: string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start (${url}); see ${logDir}/`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))),
  );
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
main().catch((error: unknown) => {
  process.stderr.write(`local stack failed: ${(error as Error).message}\n`);
  void shutdown(1);
});
