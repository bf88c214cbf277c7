import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import type { QueryDeps } from "../deps.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedMemberships, seedUser } from "../testing/accounts.fixtures.js";
import { insertProject } from "../testing/fixtures.js";
import { sha256Hex } from "./passwords.js";

const VIEWER = { login: "vera", password: "vera-password-0123" };
const ADMIN = { login: "adam", password: "adam-password-0123" };
const START = Date.parse("2026-10-12T08:00:00.000Z");

let env: TestEnv;
let app: QueryApp;
let deps: QueryDeps;
let now = START;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

async function call(
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH",
  url: string,
  opts: { cookie?: string; csrf?: string; token?: string; body?: unknown; on?: QueryApp } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.cookie !== undefined) headers["cookie"] = `pulse_session=${opts.cookie}`;
  if (opts.csrf !== undefined) headers["x-csrf-token"] = opts.csrf;
  if (opts.token !== undefined) headers["authorization"] = `Bearer ${opts.token}`;
  const res = await (opts.on ?? app).inject({
    method,
    url,
    headers,
    ...(opts.body === undefined ? {} : { payload: opts.body as Record<string, unknown> }),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => res.json() };
}

/** Signs in; returns the cookie value and the CSRF token. */
async function signIn(who: { login: string; password: string }, on?: QueryApp) {
  const res = await call("POST", "/api/auth/login", { body: who, ...(on ? { on } : {}) });
  assert.equal(res.status, 200, res.body);
  const setCookie = String(res.headers["set-cookie"]);
  const cookie = /pulse_session=([^;]+)/.exec(setCookie)?.[1];
  assert.ok(cookie);
  return { cookie, csrf: String(res.json()["csrf_token"]), setCookie, me: res.json() };
}

function buildApp(overrides: Record<string, string> = {}) {
  return buildQueryApp({ ...deps, config: QueryConfig.parse({ ...env.env, ...overrides }) });
}

before(async () => {
  env = await createTestEnv("qauth");
  deps = {
    db: env.db,
    nats: env.nats,
    config: QueryConfig.parse(env.env),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(now),
  };
  app = await buildQueryApp(deps);
  await insertProject(env.db, "shop", "Shop");
  await insertProject(env.db, "other", "Other");
  const vera = await seedUser(env.db, { ...VIEWER, displayName: "Vera V." });
  await seedMemberships(env.db, vera, ["shop"], "viewer");
  const adam = await seedUser(env.db, ADMIN);
  await seedMemberships(env.db, adam, ["shop"], "admin");
});

after(async () => {
  await app.close();
  await env.close();
});

describe("login", () => {
  test("given the right password, when signing in, then Me comes back and an HttpOnly SameSite=Strict cookie holds a session stored only hashed", async () => {
    now = START;
    const { cookie, setCookie, me, csrf } = await signIn(VIEWER);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/i, "plain http: no Secure attribute");
    const user = me["user"] as Record<string, unknown>;
    assert.equal(user["login"], "vera");
    assert.equal(user["display_name"], "Vera V.");
    assert.equal(user["is_owner"], false);
    assert.deepEqual(me["memberships"], [{ project_id: "shop", role: "viewer" }]);
    assert.ok(csrf.length >= 32);
    const rows = await env.db.selectFrom("auth.sessions").select("id_hash").execute();
    assert.ok(rows.some((r) => r.id_hash === sha256Hex(cookie)));
    assert.ok(rows.every((r) => r.id_hash !== cookie));
    const meAgain = await call("GET", "/api/auth/me", { cookie });
    assert.equal(meAgain.status, 200);
    assert.equal(meAgain.json()["csrf_token"], csrf);
  });

  test("given a wrong password or an unknown login, when signing in, then both are the same 401 invalid_credentials and no cookie is set", async () => {
    const wrong = await call("POST", "/api/auth/login", {
      body: { login: "adam", password: "nope-nope-nope" },
    });
    const unknown = await call("POST", "/api/auth/login", {
      body: { login: "nobody", password: "nope-nope-nope" },
    });
    for (const r of [wrong, unknown]) {
      assert.equal(r.status, 401);
      assert.equal(r.json()["code"], "invalid_credentials");
      assert.equal(r.headers["set-cookie"], undefined);
    }
    assert.equal(wrong.json()["detail"], unknown.json()["detail"]);
  });

  test("given a deactivated user, when signing in with the right password, then 401 invalid_credentials", async () => {
    const id = await seedUser(env.db, { login: "gone", password: "gone-password-0123" });
    await env.db.updateTable("auth.users").set({ active: false }).where("id", "=", id).execute();
    const r = await call("POST", "/api/auth/login", {
      body: { login: "gone", password: "gone-password-0123" },
    });
    assert.equal(r.status, 401);
    assert.equal(r.json()["code"], "invalid_credentials");
  });

  test("given five failed logins, when trying again, then 429 login_throttled with Retry-After even with the right password, until the backoff has passed", async () => {
    now = START;
    await seedUser(env.db, { login: "tina", password: "tina-password-0123" });
    for (let i = 0; i < 5; i++) {
      const r = await call("POST", "/api/auth/login", { body: { login: "tina", password: `wrong-${i}` } });
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const sixth = await call("POST", "/api/auth/login", { body: { login: "tina", password: "wrong-5" } });
    assert.equal(sixth.status, 401, "the sixth failure is still checked; backoff starts after it");
    const blocked = await call("POST", "/api/auth/login", {
      body: { login: "TINA", password: "tina-password-0123" },
    });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.json()["code"], "login_throttled");
    assert.equal(blocked.headers["retry-after"], "1");
    now += 1_001;
    const fine = await call("POST", "/api/auth/login", {
      body: { login: "tina", password: "tina-password-0123" },
    });
    assert.equal(fine.status, 200);
  });

  test("given the per-IP-and-login rate limit, when exceeded, then 429 rate_limited with Retry-After; another login is not affected", async () => {
    const limited = await buildApp({ LOGIN_RATE_LIMIT_MAX: "3" });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await call("POST", "/api/auth/login", { body: ADMIN, on: limited })).status, 200);
      }
      const fourth = await call("POST", "/api/auth/login", { body: ADMIN, on: limited });
      assert.equal(fourth.status, 429);
      assert.equal(fourth.json()["code"], "rate_limited");
      assert.ok(Number(fourth.headers["retry-after"]) > 0);
      assert.equal((await call("POST", "/api/auth/login", { body: VIEWER, on: limited })).status, 200);
    } finally {
      await limited.close();
    }
  });
});

describe("sessions", () => {
  test("given a session, when logging out with the CSRF token, then 204, the cookie is cleared and the session no longer works", async () => {
    now = START;
    const { cookie, csrf } = await signIn(VIEWER);
    const out = await call("POST", "/api/auth/logout", { cookie, csrf });
    assert.equal(out.status, 204);
    assert.match(String(out.headers["set-cookie"]), /pulse_session=;/);
    const me = await call("GET", "/api/auth/me", { cookie });
    assert.equal(me.status, 401);
    assert.equal(me.json()["code"], "invalid_session");
    const rows = await env.db
      .selectFrom("auth.sessions")
      .select("id_hash")
      .where("id_hash", "=", sha256Hex(cookie))
      .execute();
    assert.equal(rows.length, 0);
  });

  test("given a cookie write without or with a wrong X-CSRF-Token, when sent, then 403 csrf_rejected and nothing changes", async () => {
    now = START;
    const { cookie, csrf } = await signIn(ADMIN);
    const none = await call("POST", "/api/auth/logout", { cookie });
    assert.equal(none.status, 403);
    assert.equal(none.json()["code"], "csrf_rejected");
    const wrong = await call("POST", "/api/auth/logout", { cookie, csrf: `${csrf}x` });
    assert.equal(wrong.status, 403);
    const put = await call("PUT", "/api/settings/cycle?project=shop", { cookie, body: { version: 0 } });
    assert.equal(put.status, 403);
    assert.equal(put.json()["code"], "csrf_rejected");
    assert.equal((await call("GET", "/api/auth/me", { cookie })).status, 200, "the session is still there");
  });

  test("given a session idle longer than SESSION_IDLE_MINUTES, when used, then 401 session_expired", async () => {
    now = START;
    const { cookie } = await signIn(VIEWER);
    now = START + 119 * 60_000;
    assert.equal((await call("GET", "/api/auth/me", { cookie })).status, 200);
    now += 121 * 60_000;
    const r = await call("GET", "/api/auth/me", { cookie });
    assert.equal(r.status, 401);
    assert.equal(r.json()["code"], "session_expired");
  });

  test("given a session used every hour, when older than SESSION_ABSOLUTE_HOURS, then 401 session_expired", async () => {
    now = START;
    const { cookie } = await signIn(VIEWER);
    for (let h = 1; h <= 24; h++) {
      now = START + h * 3_600_000;
      assert.equal((await call("GET", "/api/auth/me", { cookie })).status, 200, `hour ${h}`);
    }
    now = START + 24 * 3_600_000 + 60_000;
    const r = await call("GET", "/api/auth/me", { cookie });
    assert.equal(r.status, 401);
    assert.equal(r.json()["code"], "session_expired");
  });

  test("given a password change, when the current password is wrong or the new one short, then 401/400; when right, then the old password stops working and other sessions end", async () => {
    now = START;
    const login = "pat";
    await seedUser(env.db, { login, password: "pat-password-0123" });
    const first = await signIn({ login, password: "pat-password-0123" });
    const second = await signIn({ login, password: "pat-password-0123" });
    const wrong = await call("POST", "/api/auth/password", {
      ...first,
      body: { current_password: "not-it-at-all", new_password: "pat-new-password-0123" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json()["code"], "invalid_credentials");
    const short = await call("POST", "/api/auth/password", {
      ...first,
      body: { current_password: "pat-password-0123", new_password: "short" },
    });
    assert.equal(short.status, 400);
    const ok = await call("POST", "/api/auth/password", {
      cookie: first.cookie,
      csrf: first.csrf,
      body: { current_password: "pat-password-0123", new_password: "pat-new-password-0123" },
    });
    assert.equal(ok.status, 204);
    assert.equal((await call("GET", "/api/auth/me", { cookie: first.cookie })).status, 200);
    assert.equal((await call("GET", "/api/auth/me", { cookie: second.cookie })).status, 401);
    const old = await call("POST", "/api/auth/login", { body: { login, password: "pat-password-0123" } });
    assert.equal(old.status, 401);
    await signIn({ login, password: "pat-new-password-0123" });
  });
});

describe("API tokens", () => {
  test("given an admin's viewer token for one project, when used, then it reads that project only, cannot write, needs no CSRF header, and records last use", async () => {
    now = START;
    const { cookie, csrf } = await signIn(ADMIN);
    const made = await call("POST", "/api/tokens", {
      cookie,
      csrf,
      body: { name: "dashboard tv", role: "viewer", projects: ["shop"] },
    });
    assert.equal(made.status, 201, made.body);
    const token = String(made.json()["token"]);
    assert.match(token, /^pulse_[A-Za-z0-9_-]{43}$/);
    const stored = await env.db.selectFrom("auth.api_tokens").select("token_hash").execute();
    assert.ok(stored.some((r) => r.token_hash === sha256Hex(token)));
    assert.ok(stored.every((r) => r.token_hash !== token));

    now = START + 5 * 60_000;
    assert.equal((await call("GET", "/api/dicts/statuses?project=shop", { token })).status, 200);
    const other = await call("GET", "/api/dicts/statuses?project=other", { token });
    assert.equal(other.status, 404);
    assert.equal(other.json()["code"], "project_not_found");
    const write = await call("PUT", "/api/settings/cycle?project=shop", { token, body: { version: 0 } });
    assert.equal(write.status, 403);
    assert.equal(write.json()["code"], "admin_required");

    const list = await call("GET", "/api/tokens", { cookie });
    const item = (list.json() as unknown as Record<string, unknown>[]).find(
      (t) => t["id"] === made.json()["id"],
    );
    assert.ok(item);
    assert.equal(item["token"], undefined);
    assert.deepEqual(item["projects"], ["shop"]);
    assert.equal(item["role"], "viewer");
    assert.equal(item["last_used_at"], "2026-10-12T08:05:00.000Z");
    assert.doesNotMatch(list.body, new RegExp(token));
  });

  test("given a viewer, when making an admin token or one for a project it cannot see, then 403/404", async () => {
    const { cookie, csrf } = await signIn(VIEWER);
    const admin = await call("POST", "/api/tokens", {
      cookie,
      csrf,
      body: { name: "x", role: "admin", projects: ["shop"] },
    });
    assert.equal(admin.status, 403);
    const other = await call("POST", "/api/tokens", {
      cookie,
      csrf,
      body: { name: "x", role: "viewer", projects: ["other"] },
    });
    assert.equal(other.status, 404);
  });

  test("given a revoked token, when used, then 401 invalid_token; revoking another user's token is 404", async () => {
    const adam = await signIn(ADMIN);
    const made = await call("POST", "/api/tokens", {
      ...adam,
      body: { name: "ci", role: "admin", projects: ["*"] },
    });
    const token = String(made.json()["token"]);
    const id = String(made.json()["id"]);
    assert.equal((await call("GET", "/api/projects", { token })).status, 200);
    const vera = await signIn(VIEWER);
    assert.equal((await call("DELETE", `/api/tokens/${id}`, { ...vera })).status, 404);
    assert.equal((await call("DELETE", `/api/tokens/${id}`, { ...adam })).status, 204);
    const r = await call("GET", "/api/projects", { token });
    assert.equal(r.status, 401);
    assert.equal(r.json()["code"], "invalid_token");
    const list = await call("GET", "/api/tokens", { cookie: adam.cookie });
    const item = (list.json() as unknown as Record<string, unknown>[]).find((t) => t["id"] === id);
    assert.equal(typeof item?.["revoked_at"], "string");
  });

  test("given a viewer's token already in use (resolved once, so cached), when its user leaves the project, then the next request no longer sees the project; back in, it does again", async () => {
    const vera = await signIn(VIEWER);
    const veraId = String((vera.me["user"] as Record<string, unknown>)["id"]);
    const made = await call("POST", "/api/tokens", {
      ...vera,
      body: { name: "ro", role: "viewer", projects: ["shop"] },
    });
    assert.equal(made.status, 201);
    const token = String(made.json()["token"]);
    const seen = async () =>
      ((await call("GET", "/api/projects", { token })).json()["items"] as { project_id: string }[]).map(
        (p) => p.project_id,
      );
    assert.deepEqual(await seen(), ["shop"]);
    const adam = await signIn(ADMIN);
    assert.equal((await call("DELETE", `/api/projects/shop/members/${veraId}`, { ...adam })).status, 204);
    assert.deepEqual(await seen(), [], "the membership change holds from the next request");
    const back = await call("PUT", `/api/projects/shop/members/${veraId}`, {
      ...adam,
      body: { role: "viewer" },
    });
    assert.equal(back.status, 200);
    assert.deepEqual(await seen(), ["shop"]);
  });
});

describe("SSE", () => {
  test("given no cookie and no token, when opening the order stream, then 401 — also with ?access_token=", async () => {
    const bare = await call("GET", "/api/stream/orders?project=shop");
    assert.equal(bare.status, 401);
    assert.equal(bare.json()["code"], "missing_token");
    const { cookie } = await signIn(VIEWER);
    const inUrl = await call("GET", `/api/stream/orders?project=shop&access_token=${cookie}`);
    assert.equal(inUrl.status, 401);
    assert.doesNotMatch(inUrl.body, new RegExp(cookie));
  });
});
