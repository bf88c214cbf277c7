import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createLogger, type Database } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { QueryConfig } from "../config.js";
import { seedOwnerToken } from "../testing/accounts.fixtures.js";
import { buildQueryApp, type QueryApp } from "./app.js";

/**
 * Every read the query API's routes issue is planned without a sequential scan of a project-scoped
 * table that holds more than {@link SEQ_SCAN_ROWS} rows: a synthetic installation of
 * {@link PROJECTS} projects (≈ 1M rows over the read models, inserted with `generate_series`,
 * then `ANALYZE`d), each GET route of `/openapi.json` called for one project with realistic
 * parameters and filters (a route without a case here fails the test), every statement captured
 * through Kysely's query log and run again as `EXPLAIN (FORMAT JSON)` with its parameters.
 */

const TOKEN = "test-admin-token-explain-0123456789";
const NOW = "2026-10-12T12:00:00.000Z";
/** Projects of the installation; each holds 1/PROJECTS of every project-scoped table. */
const PROJECTS = 20;
/** Orders (and amoCRM leads) per project. */
const ORDERS = 800;
/** The project the routes are called for. */
const P = "p07";
/** A sequential scan of a project-scoped table with more rows than this fails the test. */
const SEQ_SCAN_ROWS = 5000;

/**
 * GET routes with no project-scoped read worth planning: liveness, the SSE streams, the caller, and
 * the project record (ingest's sealed record, relayed over NATS; no read model behind it).
 */
const NOT_PLANNED = new Set([
  "/health",
  "/ready",
  "/api/stream/orders",
  "/api/stream/sales",
  "/api/auth/me",
  "/api/projects/{id}",
]);

let env: TestEnv;
let app: QueryApp;
let pool: pg.Pool;
let logged: Kysely<Database>;
const captured: { sql: string; parameters: readonly unknown[] }[] = [];

before(async () => {
  env = await createTestEnv("qexplain");
  await seedOwnerToken(env.db, TOKEN);
  await loadInstallation(env.db);
  pool = new pg.Pool({ connectionString: env.databaseUrl, max: 4 });
  logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query")
        captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  app = await buildQueryApp({
    db: logged,
    nats: env.nats,
    config: QueryConfig.parse(env.env),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
  });
});

after(async () => {
  await app?.close();
  await logged?.destroy();
  await env?.close();
});

/** `generate_series` inserts of {@link PROJECTS} projects into every table the reads touch, then `ANALYZE`. */
async function loadInstallation(db: Kysely<Database>): Promise<void> {
  const projects = sql`generate_series(0, ${PROJECTS - 1}) AS p(n)`;
  const pid = sql`'p' || lpad(p.n::text, 2, '0')`;
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`INSERT INTO rm.projects (project_id, name, kind, base_url, time_zone, active, registered_at, event_seq)
    SELECT ${pid}, 'Shop ' || p.n, CASE WHEN p.n % 3 = 2 THEN 'amocrm' ELSE 'keycrm' END, NULL, 'Europe/Kyiv', true,
           '2026-01-01T00:00:00Z', p.n + 1 FROM ${projects}`);
  await run(sql`INSERT INTO rm.status_groups (project_id, group_id, name, is_main)
    SELECT ${pid}, g, 'Group ' || g, g = 1 FROM ${projects}, generate_series(1, 4) g`);
  await run(sql`INSERT INTO rm.statuses (project_id, group_id, status_id, name, alias, is_active, is_closing_order,
      expiration_period_seconds, sort, type, in_last_sync)
    SELECT ${pid}, g, g * 10 + s, 'Status ' || g || '.' || s, NULL, true, g = 4, NULL, s, NULL, true
    FROM ${projects}, generate_series(1, 4) g, generate_series(1, 3) s`);
  await run(sql`INSERT INTO rm.crm_users (project_id, user_id, name, email, is_active, is_admin, in_last_sync, event_seq)
    SELECT ${pid}, u, 'Manager ' || u, NULL, true, false, true, 1 FROM ${projects}, generate_series(1, 12) u`);
  // Orders: created over Jan–Oct 2026; four intervals each (groups 1→4), the last open for a third of them.
  const created = sql`'2026-01-01T00:00:00Z'::timestamptz + (o * interval '3 hours 31 minutes') + (p.n * interval '7 minutes')`;
  await run(sql`INSERT INTO rm.orders_current (project_id, order_id, source, order_created_at, started_at, last_status_id,
      last_status_group_id, last_changed_at, manager_id, closed_at, is_urgent, status_events, last_event_seq, urgent_source,
      delivery_entered_at, cycle_rule, cycle_started_at, cycle_ended_at, cycle_wall_seconds, cycle_working_seconds,
      sla_next_transition_at)
    SELECT ${pid}, o, 'keycrm', ${created}, ${created}, (1 + o % 4) * 10 + 1, 1 + o % 4,
           ${created} + (1 + o % 4) * interval '5 hours', 1 + o % 12,
           CASE WHEN o % 4 = 3 THEN ${created} + interval '20 hours' END, o % 10 = 0, 1 + o % 4, o, 'rule',
           CASE WHEN o % 4 >= 2 THEN ${created} + interval '10 hours' END, 'main', ${created},
           CASE WHEN o % 4 = 3 THEN ${created} + interval '20 hours' END,
           CASE WHEN o % 4 = 3 THEN 72000 END, CASE WHEN o % 4 = 3 THEN 30000 END,
           CASE WHEN o % 4 < 3 THEN ${created} + interval '30 hours' END
    FROM ${projects}, generate_series(1, ${ORDERS}) o`);
  await run(sql`INSERT INTO rm.order_status_events (project_id, dedup_key, order_id, status_id, status_group_id, event_group_id,
      status_changed_at, time_source, order_created_at, previous_status_id, manager_id, crm_event, source, event_id,
      stream_seq, recorded_at, is_effective)
    SELECT oc.project_id, oc.order_id || ':' || k, oc.order_id, k * 10 + 1, k, k,
           oc.started_at + (k - 1) * interval '5 hours', 'crm', oc.order_created_at,
           CASE WHEN k > 1 THEN (k - 1) * 10 + 1 END, oc.manager_id, 'order.change_order_status', 'keycrm',
           md5(oc.project_id || oc.order_id || k), oc.order_id * 4 + k, oc.started_at, true
    FROM rm.orders_current oc, generate_series(1, 4) k WHERE k <= oc.last_status_group_id`);
  await run(sql`INSERT INTO rm.order_status_intervals (project_id, order_id, seq, status_id, status_group_id, started_at,
      ended_at, duration_seconds, working_seconds, is_urgent)
    SELECT e.project_id, e.order_id, e.status_group_id::int, e.status_id, e.status_group_id, e.status_changed_at,
           CASE WHEN e.status_group_id < oc.last_status_group_id THEN e.status_changed_at + interval '5 hours' END,
           CASE WHEN e.status_group_id < oc.last_status_group_id THEN 18000 END,
           CASE WHEN e.status_group_id < oc.last_status_group_id THEN 9000 END, oc.is_urgent
    FROM rm.order_status_events e JOIN rm.orders_current oc USING (project_id, order_id)`);
  await run(sql`INSERT INTO rm.order_group_sla (project_id, order_id, group_id, visits, first_entered_at, working_seconds_closed,
      running_since, is_urgent, sla_profile, limit_seconds, near_at, over_at, state_if_closed)
    SELECT i.project_id, i.order_id, i.status_group_id, 1, i.started_at, COALESCE(i.working_seconds, 0),
           CASE WHEN i.ended_at IS NULL THEN i.started_at END, i.is_urgent, 'normal', 14400,
           i.started_at + interval '3 hours', i.started_at + interval '4 hours',
           CASE WHEN i.ended_at IS NOT NULL THEN 'ok' END
    FROM rm.order_status_intervals i`);
  await run(sql`INSERT INTO rm.order_cycle_metrics (project_id, order_id, rule_name, started_at, ended_at, wall_seconds,
      working_seconds, is_open)
    SELECT project_id, order_id, 'main', cycle_started_at, cycle_ended_at, cycle_wall_seconds, cycle_working_seconds,
           cycle_ended_at IS NULL
    FROM rm.orders_current`);
  // amoCRM side: leads, phones, messages, shift tables and analysis results.
  await run(sql`INSERT INTO rm.deals_current (project_id, lead_id, name, price, responsible_user_id, pipeline_id, status_id,
      tags, custom_fields, created_at, updated_at, deleted, last_event_seq)
    SELECT ${pid}, o, 'Lead ' || o, 1000, 1 + o % 12, 1 + o % 4, (1 + o % 4) * 10 + 1, '[]', '{}', ${created},
           ${created} + interval '1 day', false, o
    FROM ${projects}, generate_series(1, ${ORDERS}) o`);
  const phone = sql`'+38067' || lpad((p.n * 100000 + o)::text, 7, '0')`;
  await run(sql`INSERT INTO rm.deal_phones (project_id, phone, lead_id)
    SELECT ${pid}, ${phone}, o FROM ${projects}, generate_series(1, ${ORDERS}) o`);
  await run(sql`INSERT INTO rm.messages (project_id, source, message_id, chat_id, phone, direction, text, media, sent_at,
      sender_name, connection, dedup_key, stream_seq)
    SELECT ${pid}, 'radist', o || ':' || m, 'chat' || o, ${phone}, CASE WHEN m % 2 = 0 THEN 'in' ELSE 'out' END,
           'message ' || m, NULL, ${created} + m * interval '7 minutes', NULL, NULL, o || ':' || m, o * 8 + m
    FROM ${projects}, generate_series(1, ${ORDERS}) o, generate_series(1, 6) m`);
  // One shift a day (09:00–18:00 UTC) from Jan 1: each lead lands in the shift of its creation day.
  const shiftStart = sql`date_trunc('day', ${created}) + interval '9 hours'`;
  await run(sql`INSERT INTO rm.shift_deals (project_id, shift_id, shift_start, shift_end, dialog_key, lead_id, phone,
      responsible_user_id, pipeline_id, status_id, phones, updated_in_window, messaged_in_window, incoming, outgoing,
      dialog_text, first_message_at, last_message_at)
    SELECT ${pid}, to_char(${shiftStart}, 'YYYY-MM-DD"T"HH24:MI'), ${shiftStart}, ${shiftStart} + interval '9 hours',
           'lead:' || o, o, NULL, 1 + o % 12, 1 + o % 4, (1 + o % 4) * 10 + 1, ARRAY[${phone}], true, true, 3, 3,
           'hello', ${created}, ${created} + interval '40 minutes'
    FROM ${projects}, generate_series(1, ${ORDERS}) o`);
  await run(sql`INSERT INTO rm.analysis_results (project_id, dialog_key, input_hash, prompt_version, status, mode, model,
      lead_id, phone, shift_id, window_start, window_end, manager_id, score, interest, funnel_stage,
      qualification_complete, facts, evidence, reasons, incoming, outgoing, duration_ms, error_code, error_message,
      recorded_at, event_seq)
    SELECT sd.project_id, sd.dialog_key, md5(sd.dialog_key), 'v1', CASE WHEN sd.lead_id % 9 = 0 THEN 'failed' ELSE 'scored' END,
           'offline', NULL, sd.lead_id, NULL, sd.shift_id, sd.shift_start, sd.shift_end, sd.responsible_user_id,
           (sd.lead_id * 7) % 100, (ARRAY['hot', 'warm', 'cold'])[1 + sd.lead_id % 3], 'qualified', sd.lead_id % 2 = 0,
           '{}', '[]', '[]', 3, 3, 12.5, NULL, NULL, sd.shift_end, sd.lead_id
    FROM rm.shift_deals sd`);
  await run(sql`INSERT INTO rm.webhook_stats (project_id, source, day, received, accepted, last_received_at, last_accepted_at)
    SELECT ${pid}, s, d::date, 10, 9, d + interval '12 hours', d + interval '12 hours'
    FROM ${projects}, unnest(ARRAY['keycrm', 'amocrm', 'evolution']) s,
         generate_series('2026-01-01'::timestamptz, '2026-10-12'::timestamptz, interval '1 day') d`);
  await run(sql`INSERT INTO rm.webhook_deliveries (project_id, delivery_id, source, received_at, outcome)
    SELECT ${pid}, 'd' || o, 'keycrm', ${created}, 'accepted' FROM ${projects}, generate_series(1, ${ORDERS}) o`);
  await run(sql`INSERT INTO auth.audit (id, at, actor, entity, entity_id, project_id, action, before, after)
    SELECT 'a' || p.n || '-' || k, '2026-01-01T00:00:00Z'::timestamptz + k * interval '1 hour', 'user' || (k % 5),
           (ARRAY['settings', 'override', 'user'])[1 + k % 3], 'e' || k, ${pid}, 'update', NULL, NULL
    FROM ${projects}, generate_series(1, 300) k`);
  await run(sql`INSERT INTO ops.replays (id, project_id, reason, requested_by, status, started_at)
    SELECT 'r' || p.n || '-' || k, ${pid}, 'settings', 'test', 'done',
           '2026-01-01T00:00:00Z'::timestamptz + k * interval '1 hour'
    FROM ${projects}, generate_series(1, 300) k`);
  await sql`ANALYZE`.execute(db);
}

/** The query string cases of each GET route, for project {@link P} (path parameters filled in). */
function routeCases(): Record<string, string[]> {
  const p = `project=${P}`;
  const month = "from=2026-09-01T00:00:00.000Z&to=2026-10-01T00:00:00.000Z";
  const shift = "2026-09-10T09:00";
  const orders = [
    "",
    "sort=started_at&dir=asc",
    "sort=last_status_group_id",
    "sort=order_id&dir=asc",
    "groupId=2",
    "statusId=21",
    "managerId=3",
    "urgent=true",
    "slaState=over",
    "orderId=117",
    `${month}&dateField=last_changed_at&groupId=2&slaState=ok&page=2`,
    `${month}&dateField=started_at`,
    "dateField=order_created_at&from=2026-05-01T00:00:00.000Z&to=2026-05-08T00:00:00.000Z",
    "page=20&pageSize=25",
    "pageSize=25&cursor=WyJsYXN0X2NoYW5nZWRfYXQiLCJkZXNjIiwiMjAyNi0wNi0wMVQwMDowMDowMC4wMDAwMDBaIiw1MDBd",
  ].map((q) => `${p}${q ? `&${q}` : ""}`);
  const dialogs = [
    "",
    month,
    `shiftId=${shift}`,
    "interest=hot&minScore=50",
    "manager=3&funnelStage=qualified&qualificationComplete=true",
    "includeFailed=true&sort=score&page=3&pageSize=20",
  ].map((q) => `${p}${q ? `&${q}` : ""}`);
  return {
    "/api/projects": [""],
    "/api/orders": orders,
    "/api/orders/117/timeline": [p],
    "/api/orders/117/overrides": [p],
    "/api/analytics/status-durations": [
      `${p}&from=2026-09-01&to=2026-09-30&granularity=day`,
      `${p}&from=2025-10-12&to=2026-10-11&granularity=day&basis=wall&urgency=urgent`,
      `${p}&from=2026-01-01&to=2026-10-11&granularity=month`,
    ],
    "/api/dialogs/analysis": dialogs,
    "/api/dialogs/export.csv": dialogs.slice(0, 4),
    "/api/dialogs/stats": [p, `${p}&${month}&minIncoming=2`, `${p}&shiftId=${shift}`],
    "/api/dicts/statuses": [p],
    "/api/dicts/managers": [p],
    "/api/shifts/2026-09-10T09:00/deals": [p, `${p}&manager=3&minIncoming=1`],
    "/api/reports/shifts": [p, `${p}&${month}`],
    "/api/reports/text": [
      `${p}&date=2026-09-10`,
      `${p}&date=2026-09-10&period=week`,
      `${p}&period=month&top=10`,
    ],
    "/api/webhooks/stats": [p, `${p}&from=2026-09-01&to=2026-09-30&source=keycrm`],
    "/api/audit": ["", `project_id=${P}`, `project_id=${P}&actor=user1`, "entity=settings&limit=20"],
    "/api/replays": [p, `${p}&status=done&limit=10`],
    "/api/replays/r7-10": [p],
    "/api/projects/p07/members": [""],
    "/api/users": [""],
    "/api/tokens": [""],
    "/api/settings/cycle": [p],
    "/api/settings/shifts": [p],
    "/api/settings/sla": [p],
    "/api/settings/urgent-rules": [p],
    "/api/settings/working-hours": [p],
    "/api/settings/qualified-stages": [p],
    "/api/settings/pipeline-products": [p],
    "/api/settings/utm-fields": [p],
    "/api/settings/ad-teams": [p],
    "/api/integrations/health": [p],
    "/api/sales": [
      p,
      `${p}&from=2026-09-01&to=2026-09-30&team=none&confidence=low`,
      `${p}&pipeline=5&manager=3&page=2`,
    ],
    "/api/sales/export.csv": [p, `${p}&from=2026-09-01&to=2026-09-30`],
    "/api/sales/stats": [
      `${p}&from=2026-09-01&to=2026-09-30`,
      `${p}&from=2025-10-01&to=2026-09-30&granularity=month`,
    ],
    "/api/leads/qualification": [
      p,
      `${p}&by=team&from=2026-09-01&to=2026-09-30`,
      `${p}&by=creative&pipeline=5`,
    ],
    "/api/leads/funnel": [p, `${p}&from=2026-09-01&to=2026-09-30`],
    "/api/leads/900/attribution": [p],
  };
}

/** The concrete path of an OpenAPI path template (`{id}` → a row of {@link P}). */
function concrete(template: string): string {
  return template
    .replace("{orderId}", "117")
    .replace("{shiftId}", "2026-09-10T09:00")
    .replace("{leadId}", "900")
    .replace("/replays/{id}", "/replays/r7-10")
    .replace("/projects/{id}", `/projects/${P}`);
}

/** Nodes of a JSON plan, depth first. */
function* planNodes(node: Record<string, unknown>): Generator<Record<string, unknown>> {
  yield node;
  for (const child of (node["Plans"] as Record<string, unknown>[] | undefined) ?? []) yield* planNodes(child);
}

test("every read the API's routes issue is planned without a sequential scan of a large project-scoped table", async () => {
  const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  const cases = routeCases();
  const getPaths = Object.entries(doc.paths)
    .filter(([, ops]) => "get" in ops)
    .map(([path]) => path)
    .filter((path) => !NOT_PLANNED.has(path));
  const uncovered = getPaths.filter((path) => cases[concrete(path)] === undefined);
  assert.deepEqual(uncovered, [], "GET routes without a case in this test");

  const statements = new Map<string, { sql: string; parameters: readonly unknown[]; route: string }>();
  for (const path of getPaths) {
    const url = concrete(path);
    for (const query of cases[url] ?? []) {
      captured.length = 0;
      const started = performance.now();
      const res = await app.inject({
        method: "GET",
        url: query ? `${url}?${query}` : url,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (process.env["EXPLAIN_TIMES"])
        console.log(`${(performance.now() - started).toFixed(0)} ms ${url}?${query}`);
      assert.ok(res.statusCode < 500, `${url}?${query}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      assert.notEqual(res.statusCode, 400, `${url}?${query}: ${res.body.slice(0, 300)}`);
      for (const q of captured) {
        if (!/^\s*(select|with)\b/i.test(q.sql)) continue;
        const key = `${q.sql}\u0000${JSON.stringify(q.parameters)}`;
        if (!statements.has(key)) statements.set(key, { ...q, route: `${url}?${query}` });
      }
    }
  }
  assert.ok(statements.size > 40, `captured ${statements.size} statements`);

  const scoped = await sql<{ name: string; rows: number }>`
    SELECT n.nspname || '.' || c.relname AS name, c.reltuples::float8 AS rows
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname IN ('rm', 'ops', 'auth')
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id' AND NOT a.attisdropped)`.execute(
    env.db,
  );
  const large = new Map(scoped.rows.filter((r) => r.rows > SEQ_SCAN_ROWS).map((r) => [r.name, r.rows]));
  assert.ok(
    large.has("rm.orders_current") && large.has("rm.order_status_intervals"),
    [...large.keys()].join(),
  );

  // The detector itself: a filter no index serves is a sequential scan of the large table.
  const unindexed = await pool.query(
    "EXPLAIN (FORMAT JSON, VERBOSE) SELECT order_id FROM rm.orders_current WHERE cycle_wall_seconds > $1",
    [1],
  );
  const unindexedPlan = (unindexed.rows[0] as { "QUERY PLAN": { Plan: Record<string, unknown> }[] })[
    "QUERY PLAN"
  ][0];
  assert.ok(
    [...planNodes(unindexedPlan?.Plan ?? {})].some(
      (n) => n["Node Type"] === "Seq Scan" && n["Schema"] === "rm" && n["Relation Name"] === "orders_current",
    ),
  );

  const offenders: string[] = [];
  for (const s of statements.values()) {
    const explained = await pool.query(`EXPLAIN (FORMAT JSON, VERBOSE) ${s.sql}`, [...s.parameters]);
    const plan = (explained.rows[0] as { "QUERY PLAN": { Plan: Record<string, unknown> }[] })["QUERY PLAN"][0]
      ?.Plan;
    assert.ok(plan, s.sql);
    for (const node of planNodes(plan)) {
      if (node["Node Type"] !== "Seq Scan") continue;
      const table = `${String(node["Schema"] ?? "rm")}.${String(node["Relation Name"])}`;
      const rows = large.get(table);
      if (rows !== undefined)
        offenders.push(
          `${s.route}\n  Seq Scan on ${table} (${rows} rows)\n  ${s.sql.replace(/\s+/g, " ").slice(0, 600)}`,
        );
    }
  }
  assert.deepEqual(
    offenders,
    [],
    `sequential scans of large project-scoped tables:\n${offenders.join("\n")}`,
  );
});
