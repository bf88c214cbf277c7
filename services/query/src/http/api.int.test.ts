import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { createDb, createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import type { QueryDeps } from "../deps.js";
import { insertGroups, insertOrders, insertProject, insertStatuses } from "../testing/fixtures.js";
import { buildQueryApp, type QueryApp } from "./app.js";
import type { Principal } from "./auth.plugin.js";

const TOKEN = "test-admin-token-0123456789";
const VIEWER_TOKEN = "viewer-token-of-shop-only";
const NOW = "2026-10-12T12:00:00.000Z";

let env: TestEnv;
let app: QueryApp;
let deps: QueryDeps;

async function get(url: string, token: string | null = TOKEN) {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const res = await app.inject({ method: "GET", url, headers });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => res.json() };
}

before(async () => {
  env = await createTestEnv("qapi");
  const config = QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN });
  deps = {
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
  };
  app = await buildQueryApp(deps);
  await insertProject(env.db, "shop", "Shop");
  await insertProject(env.db, "other", "Other");
  await insertGroups(env.db, "shop", [
    [2, "Production"],
    [1, "New"],
  ]);
  await insertStatuses(env.db, "shop", [
    [1, 10, "Нове"],
    [2, 20, "In production"],
  ]);
  await insertGroups(env.db, "other", [[9, "Other group"]]);
  await insertStatuses(env.db, "other", [[9, 90, "Other status"]]);
  await insertOrders(env.db, "shop", [{ order_id: 1, last_status_id: 10, last_status_group_id: 1 }]);
  await env.db
    .insertInto("rm.webhook_stats")
    .values([
      {
        project_id: "shop",
        source: "keycrm",
        day: "2026-10-10",
        received: 10,
        accepted: 7,
        duplicate: 2,
        ignored: 1,
        rejected: 0,
        unauthorized: 0,
        failed: 0,
        events_stored: 9,
        events_redelivered: 1,
        last_received_at: "2026-10-10T20:00:00.000Z",
        last_accepted_at: "2026-10-10T19:00:00.000Z",
      },
      {
        project_id: "shop",
        source: "keycrm",
        day: "2026-10-11",
        received: 5,
        accepted: 3,
        duplicate: 1,
        ignored: 0,
        rejected: 0,
        unauthorized: 1,
        failed: 0,
        events_stored: 3,
        events_redelivered: 0,
        last_received_at: "2026-10-11T10:00:00.000Z",
        last_accepted_at: "2026-10-11T09:00:00.000Z",
      },
      {
        project_id: "shop",
        source: "amocrm",
        day: "2026-10-11",
        received: 4,
        accepted: 3,
        duplicate: 0,
        ignored: 0,
        rejected: 0,
        unauthorized: 0,
        failed: 1,
        events_stored: 5,
        events_redelivered: 2,
        last_received_at: "2026-10-11T08:00:00.000Z",
        last_accepted_at: null,
      },
      {
        project_id: "other",
        source: "keycrm",
        day: "2026-10-11",
        received: 100,
        accepted: 100,
        duplicate: 0,
        ignored: 0,
        rejected: 0,
        unauthorized: 0,
        failed: 0,
        events_stored: 100,
        events_redelivered: 0,
        last_received_at: "2026-10-11T23:00:00.000Z",
        last_accepted_at: "2026-10-11T23:00:00.000Z",
      },
    ])
    .execute();
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("authentication", () => {
  test("given no token, when an /api route is called, then 401 missing_token as problem+json with a Bearer challenge", async () => {
    const r = await get("/api/orders?project=shop", null);
    assert.equal(r.status, 401);
    assert.match(String(r.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(r.headers["www-authenticate"], 'Bearer realm="pulse"');
    const body = r.json();
    assert.equal(body.code, "missing_token");
    assert.equal(body.status, 401);
    assert.equal(body.type, "urn:pulse:problem:missing_token");
    assert.equal(body.instance, "/api/orders");
  });

  test("given a wrong token, of the same or another length, when called, then 401 invalid_token", async () => {
    for (const token of ["test-admin-token-0123456780", "short", `${TOKEN}x`]) {
      const r = await get("/api/projects", token);
      assert.equal(r.status, 401, token);
      assert.equal(r.json().code, "invalid_token");
      assert.equal(r.headers["www-authenticate"], 'Bearer realm="pulse", error="invalid_token"');
    }
  });

  test("given a Basic Authorization header, when called, then 401 invalid_authorization", async () => {
    const res = await app.inject({ url: "/api/projects", headers: { authorization: `Basic ${TOKEN}` } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, "invalid_authorization");
  });

  test("given the token as access_token, when called without a header, then it is accepted", async () => {
    const r = await get(`/api/projects?access_token=${TOKEN}`, null);
    assert.equal(r.status, 200);
    const bad = await get("/api/projects?access_token=nope", null);
    assert.equal(bad.status, 401);
    // The token never comes back in a problem document.
    assert.doesNotMatch(bad.body, /nope/);
  });

  test("given no token, when a bad query is sent, then authentication answers first (401, not 400)", async () => {
    assert.equal((await get("/api/orders?pageSize=9999", null)).status, 401);
  });

  test("given public routes, when called without a token, then they answer", async () => {
    assert.equal((await get("/health", null)).status, 200);
    assert.equal((await get("/", null)).status, 200);
    assert.equal((await get("/openapi.json", null)).status, 200);
  });

  test("given a viewer of one project (custom authenticator), when it reads another project, then it is answered like an unknown project", async () => {
    const viewer: Principal = { subject: "v1", role: "viewer", projects: ["shop"] };
    const viewerApp = await buildQueryApp({
      ...deps,
      authenticate: (t) => (t === VIEWER_TOKEN ? viewer : null),
    });
    try {
      const h = { authorization: `Bearer ${VIEWER_TOKEN}` };
      const projects = await viewerApp.inject({ url: "/api/projects", headers: h });
      assert.deepEqual(
        projects.json().items.map((p: { project_id: string }) => p.project_id),
        ["shop"],
      );
      assert.equal(projects.json().role, "viewer");
      assert.equal(
        (await viewerApp.inject({ url: "/api/dicts/statuses?project=shop", headers: h })).statusCode,
        200,
      );
      const other = await viewerApp.inject({ url: "/api/dicts/statuses?project=other", headers: h });
      assert.equal(other.statusCode, 404);
      assert.equal(other.json().code, "project_not_found");
      assert.equal(
        (await viewerApp.inject({ url: "/api/projects", headers: { authorization: `Bearer ${TOKEN}` } }))
          .statusCode,
        401,
      );
    } finally {
      await viewerApp.close();
    }
  });

  test("given an authenticator that fails, when called, then 500 internal_error without the error's text", async () => {
    const broken = await buildQueryApp({
      ...deps,
      authenticate: () => {
        throw new Error("connection to accounts db failed: password=hunter2");
      },
    });
    try {
      const res = await broken.inject({
        url: "/api/projects",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(res.statusCode, 500);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(res.json().code, "internal_error");
      assert.doesNotMatch(res.body, /hunter2|accounts db/);
      assert.equal(typeof res.json().request_id, "string");
    } finally {
      await broken.close();
    }
  });
});

describe("errors", () => {
  test("given an unknown route, when called, then 404 route_not_found problem", async () => {
    const r = await get("/api/nothing-here");
    assert.equal(r.status, 404);
    assert.match(String(r.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(r.json().code, "route_not_found");
  });

  test("given an invalid project id, when called, then 400 with the issue on project", async () => {
    const r = await get("/api/dicts/statuses?project=Not.Valid");
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json().issues.map((i: { path: string }) => i.path),
      ["/project"],
    );
  });
});

describe("GET /api/projects", () => {
  test("given two registered projects, when the admin lists them, then all are returned sorted with public fields only", async () => {
    const r = await get("/api/projects");
    assert.equal(r.status, 200);
    const body = r.json();
    assert.equal(body.role, "admin");
    assert.deepEqual(
      body.items.map((p: { project_id: string; name: string }) => [p.project_id, p.name]),
      [
        ["other", "Other"],
        ["shop", "Shop"],
      ],
    );
    assert.deepEqual(Object.keys(body.items[0]).sort(), [
      "active",
      "base_url",
      "kind",
      "name",
      "project_id",
      "registered_at",
      "time_zone",
    ]);
    assert.equal(body.items[0].registered_at, "2026-10-01T00:00:00.000Z");
  });
});

describe("GET /api/dicts/statuses", () => {
  test("given two projects' dictionaries, when shop's is read, then only its groups and statuses come, sorted by group", async () => {
    const r = await get("/api/dicts/statuses?project=shop");
    assert.equal(r.status, 200);
    const body = r.json();
    assert.deepEqual(
      body.groups.map((g: { group_id: number; name: string }) => [g.group_id, g.name]),
      [
        [1, "New"],
        [2, "Production"],
      ],
    );
    assert.deepEqual(
      body.statuses.map((s: { status_id: number; group_id: number; name: string }) => [
        s.group_id,
        s.status_id,
        s.name,
      ]),
      [
        [1, 10, "Нове"],
        [2, 20, "In production"],
      ],
    );
  });

  test("given an unknown project, when its dictionary is read, then 404", async () => {
    assert.equal((await get("/api/dicts/statuses?project=ghost")).status, 404);
  });
});

describe("GET /api/webhooks/stats", () => {
  test("given stats on several days, when read without a range, then the outcomes add up to received and freshness spans every day", async () => {
    const body = (await get("/api/webhooks/stats?project=shop")).json();
    assert.deepEqual(
      body.rows.map((r: { day: string; source: string }) => [r.day, r.source]),
      [
        ["2026-10-10", "keycrm"],
        ["2026-10-11", "amocrm"],
        ["2026-10-11", "keycrm"],
      ],
    );
    assert.deepEqual(body.totals, {
      received: 19,
      accepted: 13,
      duplicate: 3,
      ignored: 1,
      rejected: 0,
      unauthorized: 1,
      failed: 1,
      events_stored: 17,
      events_redelivered: 3,
    });
    assert.deepEqual(body.freshness, [
      { source: "amocrm", last_received_at: "2026-10-11T08:00:00.000Z", last_accepted_at: null },
      {
        source: "keycrm",
        last_received_at: "2026-10-11T10:00:00.000Z",
        last_accepted_at: "2026-10-11T09:00:00.000Z",
      },
    ]);
  });

  test("given a one-day range, when read, then only that day's rows and totals come (to is inclusive)", async () => {
    const body = (await get("/api/webhooks/stats?project=shop&from=2026-10-11&to=2026-10-11")).json();
    assert.equal(body.rows.length, 2);
    assert.deepEqual(body.totals, {
      received: 9,
      accepted: 6,
      duplicate: 1,
      ignored: 0,
      rejected: 0,
      unauthorized: 1,
      failed: 1,
      events_stored: 8,
      events_redelivered: 2,
    });
    assert.equal(body.freshness.length, 2, "freshness is not limited by the day range");
    const keycrm = (await get("/api/webhooks/stats?project=shop&source=keycrm")).json();
    assert.equal(keycrm.totals.received, 15);
  });

  test("given a range that selects nothing or is reversed, when read, then zeros, or 400", async () => {
    const none = (await get("/api/webhooks/stats?project=shop&from=2026-11-01")).json();
    assert.deepEqual(none.rows, []);
    assert.equal(none.totals.received, 0);
    assert.equal((await get("/api/webhooks/stats?project=shop&from=2026-10-12&to=2026-10-11")).status, 400);
    assert.equal((await get("/api/webhooks/stats?project=shop&from=2026-13-01")).status, 400);
  });
});

describe("documentation and page", () => {
  test("given the zod route schemas, when /openapi.json is read, then it documents the routes, parameters and limits", async () => {
    const doc = (await get("/openapi.json", null)).json();
    assert.equal(doc.openapi, "3.1.0");
    for (const path of [
      "/api/orders",
      "/api/orders/{orderId}/timeline",
      "/api/dicts/statuses",
      "/api/webhooks/stats",
      "/api/projects",
      "/api/stream/orders",
      "/health",
      "/ready",
    ]) {
      assert.ok(doc.paths[path]?.get, `missing ${path}`);
    }
    const params = doc.paths["/api/orders"].get.parameters as {
      name: string;
      required?: boolean;
      schema: { maximum?: number };
    }[];
    const pageSize = params.find((p) => p.name === "pageSize");
    assert.equal(pageSize?.schema.maximum, 200);
    assert.equal(params.find((p) => p.name === "project")?.required, true);
    assert.ok(doc.paths["/api/orders"].get.responses["200"].content["application/json"].schema);
    assert.ok(doc.components.securitySchemes.bearerAuth);
    assert.ok(doc.paths["/api/orders"].get.responses["401"].content["application/problem+json"]);
    assert.ok(doc.paths["/api/stream/orders"].get.responses["200"].content["text/event-stream"]);
    assert.equal(doc.paths["/"], undefined);
  });

  test("given /docs, when opened, then Swagger UI answers", async () => {
    const res = await app.inject({ url: "/docs/" });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });

  test("given /, when opened, then the live page is HTML that follows the SSE stream and tags rows with data-order-id", async () => {
    const r = await get("/", null);
    assert.match(String(r.headers["content-type"]), /^text\/html/);
    assert.match(r.body, /new EventSource\(/);
    assert.match(r.body, /\/api\/stream\/orders/);
    assert.match(r.body, /dataset\.orderId/);
    assert.match(r.body, /localStorage/);
  });
});

describe("health", () => {
  test("given the process runs, when /health is read, then 200 status ok", async () => {
    assert.deepEqual((await get("/health", null)).json(), { status: "ok" });
  });

  test("given 5 events in the stream and a checkpoint at 3, when /ready is read, then it reports lag 2", async () => {
    for (let i = 1; i <= 5; i++) {
      await env.nats.js.publish(`${env.subjectRoot}.events.shop.order.${i}`, JSON.stringify({ n: i }));
    }
    await env.db
      .insertInto("rm.checkpoints")
      .values({ name: "events", stream_seq: 3, updated_at: NOW })
      .execute();
    const r = await get("/ready", null);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      status: "ready",
      nats: "ok",
      postgres: "ok",
      events_last_seq: 5,
      projector_checkpoint: 3,
      lag: 2,
      recompute: {
        status: "up_to_date",
        reason: null,
        pending: 0,
        retrying: 0,
        failed: 0,
        last_error: null,
      },
    });
  });

  test("given the events stream is missing, when /ready is read, then 503 problem saying NATS is down", async () => {
    const broken = await buildQueryApp({
      ...deps,
      config: { ...deps.config, EVENTS_STREAM: "NO_SUCH_STREAM" },
    });
    try {
      const res = await broken.inject({ url: "/ready" });
      assert.equal(res.statusCode, 503);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body.code, "not_ready");
      assert.equal(body.nats, "down");
      assert.equal(body.postgres, "ok");
      assert.equal(body.events_last_seq, null);
      assert.equal(body.projector_checkpoint, 3);
      assert.equal(body.lag, null);
      assert.deepEqual(
        body.down.map((d: { dependency: string }) => d.dependency),
        ["nats"],
      );
      assert.ok(Number(res.headers["retry-after"]) > 0, "a 503 says when to retry");
    } finally {
      await broken.close();
    }
  });

  test("given PostgreSQL refuses connections, when /ready and a read route are called, then both answer 503 problem+json naming the database, with Retry-After", async () => {
    // A port nothing listens on: every connection attempt is refused, as while PostgreSQL restarts.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port;
        server.close(() => resolve(port));
      });
    });
    const downDb = createDb(`postgres://postgres@127.0.0.1:${closed}/nowhere`, 2);
    const broken = await buildQueryApp({ ...deps, db: downDb });
    try {
      const ready = await broken.inject({ url: "/ready" });
      assert.equal(ready.statusCode, 503);
      assert.match(String(ready.headers["content-type"]), /^application\/problem\+json/);
      assert.ok(Number(ready.headers["retry-after"]) > 0);
      const r = ready.json();
      assert.equal(r.code, "not_ready");
      assert.equal(r.postgres, "down");
      assert.equal(r.nats, "ok");
      assert.deepEqual(r.down, [{ dependency: "postgres", reason: "not answering (ECONNREFUSED)" }]);
      assert.match(r.detail, /PostgreSQL/);

      const orders = await broken.inject({
        url: "/api/orders?project=shop",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(orders.statusCode, 503);
      assert.match(String(orders.headers["content-type"]), /^application\/problem\+json/);
      assert.ok(Number(orders.headers["retry-after"]) > 0);
      assert.equal(orders.json().code, "database_unavailable");
      assert.doesNotMatch(orders.body, /ECONNREFUSED|127\.0\.0\.1/, "no internals in the answer");
    } finally {
      await broken.close();
      await downDb.destroy();
    }
  });
});
