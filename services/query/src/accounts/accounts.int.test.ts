import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedMemberships, seedOwnerToken, seedUser } from "../testing/accounts.fixtures.js";
import { insertProject } from "../testing/fixtures.js";

const OWNER = "owner-token-accounts-0123456789";
const NOW = "2026-10-12T12:00:00.000Z";

let env: TestEnv;
let app: QueryApp;

type Json = Record<string, unknown>;

async function call(method: string, url: string, auth: Record<string, string>, payload?: Json) {
  const res = await app.inject({
    method: method as "GET",
    url,
    headers: auth,
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: res.statusCode, body: res.body, json: () => res.json() as Json & Json[] };
}

const owner = { authorization: `Bearer ${OWNER}` };

/** Signs `login` in; returns the headers of a cookie-authenticated write. */
async function session(login: string, password: string): Promise<Record<string, string>> {
  const res = await app.inject({ method: "POST", url: "/api/auth/login", payload: { login, password } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = /pulse_session=([^;]+)/.exec(String(res.headers["set-cookie"]))?.[1] ?? "";
  return { cookie: `pulse_session=${cookie}`, "x-csrf-token": String(res.json().csrf_token) };
}

before(async () => {
  env = await createTestEnv("qaccounts");
  await seedOwnerToken(env.db, OWNER);
  await insertProject(env.db, "shop", "Shop");
  await insertProject(env.db, "other", "Other");
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: QueryConfig.parse(env.env),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
  });
});

after(async () => {
  await app.close();
  await env.close();
});

describe("users (owner)", () => {
  test("given the owner, when it creates, lists and deactivates a user, then the user signs in until deactivated, and each change is audited with masked values", async () => {
    const made = await call("POST", "/api/users", owner, {
      login: "Nina",
      display_name: "Nina N.",
      password: "nina-password-0123",
    });
    assert.equal(made.status, 201, made.body);
    const id = String(made.json()["id"]);
    assert.equal(made.json()["is_owner"], false);
    assert.equal(made.json()["password_hash"], undefined);
    const dup = await call("POST", "/api/users", owner, {
      login: "nina",
      display_name: "x",
      password: "another-pass-1",
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.json()["code"], "login_taken");
    const list = await call("GET", "/api/users", owner);
    assert.deepEqual(
      list.json().map((u) => u["login"]),
      ["Nina", "test-owner"],
    );
    assert.doesNotMatch(list.body, /argon2|password/);

    const nina = await session("nina", "nina-password-0123");
    assert.equal((await call("GET", "/api/auth/me", nina)).status, 200);
    const off = await call("PATCH", `/api/users/${id}`, owner, {
      active: false,
      display_name: "Nina (left)",
    });
    assert.equal(off.status, 200);
    assert.equal(off.json()["active"], false);
    assert.equal((await call("GET", "/api/auth/me", nina)).status, 401, "her session ended");
    const relogin = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { login: "nina", password: "nina-password-0123" },
    });
    assert.equal(relogin.statusCode, 401);

    const audit = await call("GET", "/api/audit?entity=user&actor=test-owner", owner);
    const items = audit.json()["items"] as Json[];
    assert.deepEqual(
      items.map((i) => i["action"]),
      ["update", "create"],
    );
    assert.deepEqual(items[0]?.["before"], {
      login: "Nina",
      display_name: "Nina N.",
      is_owner: false,
      active: true,
    });
    assert.deepEqual(items[0]?.["after"], {
      login: "Nina",
      display_name: "Nina (left)",
      is_owner: false,
      active: false,
    });
    assert.equal((items[1]?.["after"] as Json)["password"], "***");
    assert.doesNotMatch(audit.body, /nina-password/);
  });

  test("given a project admin, when it calls the user API, then 403 owner_required", async () => {
    const id = await seedUser(env.db, { login: "ada", password: "ada-password-0123" });
    await seedMemberships(env.db, id, ["shop"], "admin");
    const ada = await session("ada", "ada-password-0123");
    for (const [m, u] of [
      ["GET", "/api/users"],
      ["POST", "/api/users"],
      ["PATCH", `/api/users/${id}`],
    ] as const) {
      const r = await call(m, u, ada, m === "GET" ? undefined : { display_name: "x" });
      assert.equal(r.status, 403, `${m} ${u}`);
      assert.equal(r.json()["code"], "owner_required");
    }
  });
});

describe("members (project admins)", () => {
  test("given an admin of shop, when it adds, changes and removes a member, then the list follows, the audit names it, and other projects stay closed", async () => {
    const ed = await seedUser(env.db, { login: "ed", password: "ed-password-0123" });
    await seedMemberships(env.db, ed, ["shop"], "admin");
    const fay = await seedUser(env.db, { login: "fay", password: "fay-password-0123" });
    const h = await session("ed", "ed-password-0123");
    assert.equal((await call("PUT", `/api/projects/shop/members/${fay}`, h, { role: "viewer" })).status, 200);
    assert.equal((await call("PUT", `/api/projects/shop/members/${fay}`, h, { role: "admin" })).status, 200);
    const members = await call("GET", "/api/projects/shop/members", h);
    assert.deepEqual(
      members.json().map((m) => `${m["login"]}:${m["role"]}`),
      ["ada:admin", "ed:admin", "fay:admin"],
    );
    assert.equal((await call("PUT", `/api/projects/other/members/${fay}`, h, { role: "admin" })).status, 404);
    assert.equal((await call("PUT", "/api/projects/shop/members/nobody", h, { role: "admin" })).status, 404);
    assert.equal((await call("DELETE", `/api/projects/shop/members/${fay}`, h)).status, 204);
    assert.equal((await call("DELETE", `/api/projects/shop/members/${fay}`, h)).status, 404);
    const audit = await call("GET", "/api/audit?project_id=shop&entity=membership", h);
    const items = audit.json()["items"] as Json[];
    assert.deepEqual(
      items.map((i) => {
        const after = i["after"] as Json | null;
        return `${i["actor"]} ${i["action"]} ${after === null ? "-" : `${after["user"]}:${after["role"]}`}`;
      }),
      ["ed delete -", "ed update fay:admin", "ed create fay:viewer"],
    );
    // A viewer of shop cannot manage members.
    await seedMemberships(env.db, fay, ["shop"], "viewer");
    const f = await session("fay", "fay-password-0123");
    assert.equal((await call("GET", "/api/projects/shop/members", f)).status, 403);
    assert.equal((await call("PUT", `/api/projects/shop/members/${fay}`, f, { role: "admin" })).status, 403);
  });
});

describe("settings changes by a signed-in admin", () => {
  test("given an admin's session with the CSRF token, when it changes settings, then the event's changed_by and the audit's actor are its login, with before and after", async () => {
    const gus = await seedUser(env.db, { login: "gus", password: "gus-password-0123" });
    await seedMemberships(env.db, gus, ["shop"], "admin");
    const h = await session("gus", "gus-password-0123");
    const current = await call("GET", "/api/settings/cycle?project=shop", h);
    const settings = current.json()["settings"] as Json;
    const put = await call("PUT", "/api/settings/cycle?project=shop", h, { version: 0, ...settings });
    assert.equal(put.status, 202, put.body);
    const audit = await call("GET", "/api/audit?project_id=shop&entity=settings", h);
    const item = (audit.json()["items"] as Json[])[0];
    assert.equal(item?.["actor"], "gus");
    assert.equal(item?.["entity_id"], "cycle");
    assert.equal((item?.["before"] as Json)["version"], 0);
    assert.equal((item?.["after"] as Json)["version"], 1);
    assert.equal((item?.["after"] as Json)["event_id"], put.json()["event_id"]);
    const other = await call("PUT", "/api/settings/cycle?project=other", h, { version: 0, ...settings });
    assert.equal(other.status, 404);
  });
});
