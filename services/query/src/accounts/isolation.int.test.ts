import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedApiToken, seedMemberships, seedOwnerToken, seedUser } from "../testing/accounts.fixtures.js";
import { insertGroups, insertOrders, insertProject, insertStatuses } from "../testing/fixtures.js";

// Project A ("alpha") is the viewer's; project B ("bravo") is not. Every string below that belongs
// to B or is a secret must never reach the viewer.
const A = "alpha";
const B = "bravo";
const OWNER_TOKEN = "owner-token-isolation-0123456789";
const VIEWER_TOKEN = "viewer-token-isolation-0123456789";
const BEA_TOKEN = "bea-token-of-bravo-0123456789";
const BEA_PASSWORD = "bea-password-of-bravo";
const VERA_PASSWORD = "vera-password-of-alpha";
const B_ORDER = 777001;
/** Strings of project B's data: never in any answer to the viewer. */
const B_MARKERS = ["Bravo Shop Name", "BRAVO-STATUS", "BRAVO-GROUP", "bea-of-bravo", String(B_ORDER)];
/** Secrets: never in any answer to the viewer. */
const SECRETS = [
  OWNER_TOKEN,
  BEA_TOKEN,
  BEA_PASSWORD,
  VERA_PASSWORD,
  "$argon2",
  "password_hash",
  "token_hash",
];

let env: TestEnv;
let app: QueryApp;
let beaId = "";
let beaTokenId = "";
let cookie = "";
let csrf = "";

interface Operation {
  method: string;
  path: string;
  params: { in: string; name: string; required?: boolean }[];
}

before(async () => {
  env = await createTestEnv("qisolation");
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: QueryConfig.parse(env.env),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date("2026-10-12T12:00:00.000Z"),
  });
  await insertProject(env.db, A, "Alpha Shop");
  await insertProject(env.db, B, "Bravo Shop Name");
  for (const p of [A, B]) {
    await insertGroups(env.db, p, [[1, p === B ? "BRAVO-GROUP" : "Alpha group"]]);
    await insertStatuses(env.db, p, [[1, 10, p === B ? "BRAVO-STATUS" : "Alpha status"]]);
  }
  await insertOrders(env.db, B, [{ order_id: B_ORDER, last_status_id: 10, last_status_group_id: 1 }]);
  await insertOrders(env.db, A, [{ order_id: 1, last_status_id: 10, last_status_group_id: 1 }]);
  await seedOwnerToken(env.db, OWNER_TOKEN);
  const vera = await seedUser(env.db, { login: "vera", password: VERA_PASSWORD });
  await seedMemberships(env.db, vera, [A], "viewer");
  await seedApiToken(env.db, vera, VIEWER_TOKEN, { role: "viewer", projects: ["*"] });
  beaId = await seedUser(env.db, { login: "bea-of-bravo", password: BEA_PASSWORD });
  await seedMemberships(env.db, beaId, [B], "admin");
  // Bea makes a token and changes B's settings and members: audit rows of B exist.
  const beaLogin = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { login: "bea-of-bravo", password: BEA_PASSWORD },
  });
  const beaCookie = /pulse_session=([^;]+)/.exec(String(beaLogin.headers["set-cookie"]))?.[1] ?? "";
  const beaHeaders = {
    cookie: `pulse_session=${beaCookie}`,
    "x-csrf-token": String(beaLogin.json().csrf_token),
  };
  const made = await app.inject({
    method: "POST",
    url: "/api/tokens",
    headers: beaHeaders,
    payload: { name: "bravo ci", role: "admin", projects: [B] },
  });
  assert.equal(made.statusCode, 201, made.body);
  beaTokenId = made.json().id;
  await seedApiToken(env.db, beaId, BEA_TOKEN, { role: "admin", projects: [B] });
  const member = await app.inject({
    method: "PUT",
    url: `/api/projects/${B}/members/${vera}`,
    headers: { authorization: `Bearer ${OWNER_TOKEN}` },
    payload: { role: "viewer" },
  });
  assert.equal(member.statusCode, 200, member.body);
  await app.inject({
    method: "DELETE",
    url: `/api/projects/${B}/members/${vera}`,
    headers: { authorization: `Bearer ${OWNER_TOKEN}` },
  });
  const login = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { login: "vera", password: VERA_PASSWORD },
  });
  cookie = /pulse_session=([^;]+)/.exec(String(login.headers["set-cookie"]))?.[1] ?? "";
  csrf = String(login.json().csrf_token);
});

after(async () => {
  await app.close();
  await env.close();
});

/** The value of path parameter `name` of `path` that names something of project B. */
function bValue(path: string, name: string): string {
  if (name === "id" && path.startsWith("/api/projects/")) return B;
  if (name === "id" && path.startsWith("/api/users/")) return beaId;
  if (name === "id" && path.startsWith("/api/tokens/")) return beaTokenId;
  if (name === "userId") return beaId;
  if (name === "orderId" || name === "leadId") return String(B_ORDER);
  if (name === "shiftId") return "2026-10-12";
  return "x";
}

/** A plausible body for a write, so a route that validates before its checks still gets to them. */
function bodyFor(method: string, path: string): Record<string, unknown> | undefined {
  if (method === "GET" || method === "DELETE") return undefined;
  if (path === "/api/tokens") return { name: "steal", role: "viewer", projects: [B] };
  if (path === "/api/users") return { login: "mallory", display_name: "M", password: "mallory-password-1" };
  if (path.startsWith("/api/users/")) return { active: false };
  if (path.includes("/members/")) return { role: "admin" };
  if (path === "/api/analysis/run")
    return { project: B, from: "2026-10-12T00:00:00Z", to: "2026-10-13T00:00:00Z" };
  if (path === "/api/auth/login") return { login: "bea-of-bravo", password: "wrong-password" };
  if (path === "/api/auth/password") return { current_password: "wrong", new_password: "something-long-1" };
  return { version: 0 };
}

async function operations(): Promise<Operation[]> {
  const doc = (await app.inject({ url: "/openapi.json" })).json() as {
    paths: Record<string, Record<string, { parameters?: Operation["params"] }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({ method: method.toUpperCase(), path, params: op.parameters ?? [] });
    }
  }
  return ops;
}

function assertNothingLeaks(label: string, body: string): void {
  for (const m of B_MARKERS)
    assert.ok(!body.includes(m), `${label}: answer carries project B's "${m}": ${body}`);
  for (const s of SECRETS) assert.ok(!body.includes(s), `${label}: answer carries a secret: ${body}`);
}

describe("isolation of a viewer of project A", () => {
  test("given every route of /openapi.json with B's ids, when a viewer of A calls it (token and cookie), then it gets 403/404 or an answer without any of B's rows and without secrets", async () => {
    const ops = await operations();
    const apiOps = ops.filter((o) => o.path.startsWith("/api/") && o.path !== "/api/auth/logout");
    assert.ok(apiOps.length >= 40, `only ${apiOps.length} /api operations listed`);
    const answered = new Map<string, number[]>();
    for (const op of apiOps) {
      const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        encodeURIComponent(bValue(op.path, name)),
      );
      const scoped = op.params.some((p) => p.in === "query" && p.name === "project");
      const url = scoped ? `${path}?project=${B}` : path;
      const namesB = scoped || path.startsWith(`/api/projects/${B}`) || op.path === "/api/analysis/run";
      const body = bodyFor(op.method, op.path);
      for (const via of ["token", "cookie"] as const) {
        const headers: Record<string, string> =
          via === "token"
            ? { authorization: `Bearer ${VIEWER_TOKEN}` }
            : { cookie: `pulse_session=${cookie}`, "x-csrf-token": csrf };
        const res = await app.inject({
          method: op.method as "GET",
          url,
          headers,
          ...(body === undefined ? {} : { payload: body }),
        });
        const label = `${op.method} ${url} (${via})`;
        answered.set(`${op.method} ${op.path}`, [
          ...(answered.get(`${op.method} ${op.path}`) ?? []),
          res.statusCode,
        ]);
        // A problem's `instance` is the caller's own path (B's ids in it came from the caller).
        assertNothingLeaks(label, res.body.replaceAll(`"instance":"${path}"`, ""));
        if (namesB) {
          assert.ok([403, 404].includes(res.statusCode), `${label}: ${res.statusCode} ${res.body}`);
        } else if (res.statusCode < 300) {
          // A problem may echo the caller's own input (`project bravo not found`); data may not.
          assert.ok(!res.body.includes(B), `${label}: mentions ${B}: ${res.body}`);
        }
      }
    }
    // Owner-only and admin-only routes refuse the viewer outright.
    for (const key of ["GET /api/users", "POST /api/users", "PATCH /api/users/{id}", "GET /api/audit"]) {
      assert.deepEqual(answered.get(key), [403, 403], key);
    }
    assert.deepEqual(answered.get("DELETE /api/tokens/{id}"), [404, 404], "another user's token");
    assert.deepEqual(answered.get("POST /api/tokens"), [404, 404], "a token for project B");
  });

  test("given project A, when the viewer reads it, then it gets A's rows but no secrets, and writes are 403", async () => {
    const h = { authorization: `Bearer ${VIEWER_TOKEN}` };
    const orders = await app.inject({ url: `/api/orders?project=${A}`, headers: h });
    assert.equal(orders.statusCode, 200);
    assert.equal(orders.json().items.length, 1);
    assertNothingLeaks("orders of A", orders.body);
    const me = await app.inject({ url: "/api/auth/me", headers: { cookie: `pulse_session=${cookie}` } });
    assert.deepEqual(me.json().memberships, [{ project_id: A, role: "viewer" }]);
    const projects = await app.inject({ url: "/api/projects", headers: h });
    assert.deepEqual(
      projects.json().items.map((p: { project_id: string }) => p.project_id),
      [A],
    );
    const put = await app.inject({
      method: "PUT",
      url: `/api/settings/cycle?project=${A}`,
      headers: h,
      payload: { version: 0 },
    });
    assert.equal(put.statusCode, 403);
    assert.equal(put.json().code, "admin_required");
    const members = await app.inject({ url: `/api/projects/${A}/members`, headers: h });
    assert.equal(members.statusCode, 403);
    const audit = await app.inject({ url: `/api/audit?project_id=${A}`, headers: h });
    assert.equal(audit.statusCode, 403);
  });

  test("given the SSE stream of B, when the viewer opens it by cookie or token, then 404 and no stream", async () => {
    for (const headers of [
      { cookie: `pulse_session=${cookie}` },
      { authorization: `Bearer ${VIEWER_TOKEN}` },
    ]) {
      const res = await app.inject({ url: `/api/stream/orders?project=${B}`, headers });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, "project_not_found");
    }
  });

  test("given the audit log, when B's admin and the owner read it, then B's admin sees B's rows only and the owner everything, secrets masked", async () => {
    const bea = await app.inject({ url: "/api/audit", headers: { authorization: `Bearer ${BEA_TOKEN}` } });
    assert.equal(bea.statusCode, 200);
    const items = bea.json().items as { project_id: string | null; entity: string; actor: string }[];
    assert.ok(items.length >= 2);
    assert.ok(items.every((i) => i.project_id === B));
    assert.deepEqual([...new Set(items.map((i) => i.entity))], ["membership"]);
    const owner = await app.inject({
      url: "/api/audit",
      headers: { authorization: `Bearer ${OWNER_TOKEN}` },
    });
    const all = owner.json().items as {
      entity: string;
      actor: string;
      after: Record<string, unknown> | null;
    }[];
    const token = all.find((i) => i.entity === "api_token");
    assert.equal(token?.actor, "bea-of-bravo");
    assert.equal(token?.after?.["token"], "***");
    assert.ok(!owner.body.includes(BEA_TOKEN));
  });
});
