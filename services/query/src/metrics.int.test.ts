/**
 * The query service's `GET /metrics` against the local NATS and PostgreSQL: the SSE client gauge
 * goes up with each served live stream and down when it closes (unauthenticated attempts do not
 * count); the SLA gauge counts open orders per project by the SLA state of their current group.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { QueryConfig } from "./config.js";
import { buildQueryApp, type QueryApp } from "./http/app.js";
import { SLA_CACHE_MS } from "./metrics.js";
import { insertOrders, insertProject } from "./testing/fixtures.js";
import { listenQueryApp } from "./testing/query-server.js";
import { openSse, type SseReader } from "./testing/sse-reader.js";

const TOKEN = "test-admin-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const NOW = Date.parse("2026-10-12T12:00:00.000Z");

let env: TestEnv;
let app: QueryApp;
let base: string;
let now = NOW;
const readers: SseReader[] = [];

/** The sample of `series` (name with its labels as printed) in a fresh `GET /metrics`, or undefined. */
async function sample(series: string): Promise<number | undefined> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

before(async () => {
  env = await createTestEnv("qmetrics");
  ({ app, base } = await listenQueryApp(env, {
    adminToken: TOKEN,
    heartbeatMs: 1000,
    clock: () => new Date(now),
  }));
  await insertProject(env.db, "shop");
});

after(async () => {
  for (const r of readers) r.close();
  await app?.close();
  await env?.close();
});

describe("GET /metrics (query)", () => {
  test("serves the Prometheus text format with process metrics, without a token", async () => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^process_resident_memory_bytes\{service="query"\} \d+/m);
    assert.match(text, /^# TYPE pulse_sse_clients gauge$/m);
  });

  test("with METRICS_TOKEN, /metrics answers only its bearer", async () => {
    const guarded = await buildQueryApp({
      db: env.db,
      nats: env.nats,
      config: QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN }),
      logger: createLogger("query-test", "silent"),
      clock: () => new Date(now),
      metricsToken: "metrics-token-0123456789",
    });
    try {
      const refused = await guarded.inject({ method: "GET", url: "/metrics" });
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().code, "unauthorized");
      // The admin API token is not the metrics token.
      assert.equal((await guarded.inject({ method: "GET", url: "/metrics", headers: AUTH })).statusCode, 401);
      const ok = await guarded.inject({
        method: "GET",
        url: "/metrics",
        headers: { authorization: "Bearer metrics-token-0123456789" },
      });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /^# TYPE pulse_sla_orders gauge$/m);
    } finally {
      await guarded.close();
    }
  });

  test("pulse_sse_clients goes up per served stream and down when it closes", async () => {
    const series = 'pulse_sse_clients{service="query"}';
    assert.equal(await sample(series), 0);
    const a = await openSse(`${base}/api/stream/orders?project=shop`, AUTH);
    readers.push(a);
    await waitFor("one SSE client", async () => (await sample(series)) === 1);
    const b = await openSse(`${base}/api/stream/orders?project=shop`, AUTH);
    readers.push(b);
    await waitFor("two SSE clients", async () => (await sample(series)) === 2);
    // Refused before the handler: not counted.
    const refused = await fetch(`${base}/api/stream/orders?project=shop`, {
      headers: { accept: "text/event-stream" },
    });
    assert.equal(refused.status, 401);
    await refused.arrayBuffer();
    assert.equal(await sample(series), 2);
    a.close();
    await waitFor("one SSE client after a close", async () => (await sample(series)) === 1);
    b.close();
    await waitFor("no SSE client", async () => (await sample(series)) === 0);
  });

  test("pulse_sla_orders counts open orders by the SLA state of their current group", async () => {
    await insertOrders(env.db, "shop", [
      { order_id: 1, last_status_id: 20, last_status_group_id: 2 },
      { order_id: 2, last_status_id: 20, last_status_group_id: 2 },
      { order_id: 3, last_status_id: 20, last_status_group_id: 2 },
      { order_id: 4, last_status_id: 20, last_status_group_id: 2, closed_at: "2026-10-12T10:00:00.000Z" },
      { order_id: 5, last_status_id: 20, last_status_group_id: 2 },
    ]);
    const sla = (order_id: number, near: string, over: string, limit: number | null = 3600) => ({
      project_id: "shop",
      order_id,
      group_id: 2,
      visits: 1,
      first_entered_at: "2026-10-12T08:00:00.000Z",
      working_seconds_closed: 0,
      running_since: "2026-10-12T08:00:00.000Z",
      is_urgent: false,
      sla_profile: "standard",
      limit_seconds: limit,
      near_at: limit === null ? null : near,
      over_at: limit === null ? null : over,
      state_if_closed: null,
    });
    await env.db
      .insertInto("rm.order_group_sla")
      .values([
        sla(1, "2026-10-12T13:00:00.000Z", "2026-10-12T14:00:00.000Z"), // ok at NOW
        sla(2, "2026-10-12T11:00:00.000Z", "2026-10-12T13:00:00.000Z"), // near
        sla(3, "2026-10-12T09:00:00.000Z", "2026-10-12T10:00:00.000Z"), // over
        sla(4, "2026-10-12T09:00:00.000Z", "2026-10-12T10:00:00.000Z"), // over, but closed
        sla(5, "", "", null), // no limit
      ])
      .execute();
    now += SLA_CACHE_MS; // past the cache of earlier scrapes
    assert.equal(await sample('pulse_sla_orders{project="shop",state="ok",service="query"}'), 1);
    assert.equal(await sample('pulse_sla_orders{project="shop",state="near",service="query"}'), 1);
    assert.equal(await sample('pulse_sla_orders{project="shop",state="over",service="query"}'), 1);
    // At 13:30, order 2 is over and order 1 near.
    now = Date.parse("2026-10-12T13:30:00.000Z");
    assert.equal(await sample('pulse_sla_orders{project="shop",state="over",service="query"}'), 2);
    assert.equal(await sample('pulse_sla_orders{project="shop",state="near",service="query"}'), 1);
    assert.equal(await sample('pulse_sla_orders{project="shop",state="ok",service="query"}'), 0);
  });
});
