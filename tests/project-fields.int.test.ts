/**
 * Project fields edited through the query API and kept by ingest (`PATCH /api/projects/{id}` →
 * `{root}.cmd.{project}.project.update`): the owner and project admins change base URL, CRM token
 * (write-only), time zone and active; viewers get 403, strangers 404; ingest's registry and the
 * read model follow; the change is audited without the token; no answer and no log line of either
 * service carries the token.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { createLogger, loadConfig } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { IngestConfig, projectRegisterCommand, type RunningIngest, startIngest } from "@pulse/ingest";
import { buildQueryApp, loadQueryConfig, type QueryApp } from "@pulse/query";
import { seedApiToken, seedMemberships, seedUser } from "@pulse/query/testing";
import { INGEST_WITHOUT_CRM_CALLS } from "./support/ingest-env.js";

const A = "shop-kyiv";
const B = "shop-lviv";
const OWNER = "owner-token-project-fields-0123";
const ADMIN_A = "admin-a-token-project-fields-0123";
const VIEWER_A = "viewer-a-token-project-fields-0123";
const ADMIN_B = "admin-b-token-project-fields-0123";
const PASSWORD = "project-fields-password";
const CRM_TOKEN = "crm-token-VERY-secret-4f1d2a9b";

let env: TestEnv;
let ingest: RunningIngest;
let query: QueryApp;
let queryUrl: string;
const logged: string[] = [];

/** A log destination that keeps every line for the secret check. */
const capture = new Writable({
  write(chunk, _encoding, done) {
    logged.push(String(chunk));
    done();
  },
});

before(async () => {
  env = await createTestEnv("projfields");
  const vars = {
    ...env.env,
    NODE_ENV: "test",
    PORT: "0",
    INGEST_PORT: "0",
    INGEST_HOST: "127.0.0.1",
    ...INGEST_WITHOUT_CRM_CALLS,
  };
  const logger = createLogger("project-fields", "debug", capture);
  const ctx = {
    nats: env.nats,
    config: loadConfig(IngestConfig, vars),
    logger,
    env: vars,
    out: () => undefined,
  };
  for (const id of [A, B]) {
    await projectRegisterCommand(ctx, {
      id,
      name: id,
      kind: "keycrm",
      timeZone: "Europe/Kyiv",
      webhookSecret: "project-fields-webhook-secret",
      baseUrl: "https://openapi.keycrm.app/v1",
    });
  }
  // The read model of the registered projects (the projector's job, written here directly).
  for (const id of [A, B]) {
    await env.db
      .insertInto("rm.projects")
      .values({
        project_id: id,
        name: id,
        kind: "keycrm",
        base_url: "https://openapi.keycrm.app/v1",
        time_zone: "Europe/Kyiv",
        active: true,
        registered_at: new Date("2026-12-01T00:00:00Z"),
        event_seq: 1,
      })
      .execute();
  }
  ingest = await startIngest({ env: vars, logger });
  query = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: loadQueryConfig(vars),
    logger,
    clock: () => new Date(),
  });
  queryUrl = (await query.listen({ port: 0, host: "127.0.0.1" })).replace("[::1]", "127.0.0.1");
  const owner = await seedUser(env.db, { login: "olga", isOwner: true });
  await seedApiToken(env.db, owner, OWNER, { role: "admin", projects: ["*"] });
  const adminA = await seedUser(env.db, { login: "adam", password: PASSWORD });
  await seedMemberships(env.db, adminA, [A], "admin");
  await seedApiToken(env.db, adminA, ADMIN_A, { role: "admin", projects: [A] });
  const viewerA = await seedUser(env.db, { login: "vera" });
  await seedMemberships(env.db, viewerA, [A], "viewer");
  await seedApiToken(env.db, viewerA, VIEWER_A, { role: "viewer", projects: [A] });
  const adminB = await seedUser(env.db, { login: "bob" });
  await seedMemberships(env.db, adminB, [B], "admin");
  await seedApiToken(env.db, adminB, ADMIN_B, { role: "admin", projects: [B] });
});

after(async () => {
  await query?.close();
  await ingest?.close();
  await env?.close();
});

async function call(
  method: "GET" | "PATCH",
  path: string,
  opts: { token?: string; body?: unknown; cookie?: string; csrf?: string } = {},
): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
  if (opts.cookie) headers["cookie"] = `pulse_session=${opts.cookie}`;
  if (opts.csrf) headers["x-csrf-token"] = opts.csrf;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${queryUrl}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, text, json };
}

describe("PATCH /api/projects/{id}", () => {
  test("given a project admin, when the CRM token, base URL and time zone are changed, then the answer shows the fields and only a token fingerprint, ingest's registry holds the token, the event reaches the stream and the audit has before/after without the token", async () => {
    const res = await call("PATCH", `/api/projects/${A}`, {
      token: ADMIN_A,
      body: { api_token: CRM_TOKEN, base_url: "https://openapi.keycrm.app/v1/", time_zone: "Europe/Warsaw" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json["api_token_set"], true);
    assert.match(String(res.json["api_token_fingerprint"]), /^[0-9a-f]{12}$/);
    assert.equal(res.json["time_zone"], "Europe/Warsaw");
    assert.equal(res.json["base_url"], "https://openapi.keycrm.app/v1/");
    assert.ok(!res.text.includes(CRM_TOKEN), "the token is write-only");
    await waitFor(
      "ingest's registry to follow",
      async () => ingest.registry.get(A)?.record.api_token === CRM_TOKEN,
      10_000,
    );
    assert.equal(ingest.registry.get(A)?.record.time_zone, "Europe/Warsaw");

    const audit = await call("GET", `/api/audit?entity=project&project_id=${A}`, { token: ADMIN_A });
    assert.equal(audit.status, 200, audit.text);
    const items = audit.json["items"] as {
      actor: string;
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    }[];
    assert.equal(items.length, 1);
    assert.equal(items[0]?.actor, "adam");
    assert.equal(items[0]?.before["time_zone"], "Europe/Kyiv");
    assert.equal(items[0]?.before["api_token_set"], false);
    assert.equal(items[0]?.after["time_zone"], "Europe/Warsaw");
    assert.equal(items[0]?.after["api_token_set"], true);
    assert.ok(!audit.text.includes(CRM_TOKEN));

    // The event carries public fields and the fingerprint only.
    const stream = env.env["EVENTS_STREAM"] as string;
    const info = await env.nats.jsm.streams.info(stream);
    const last = await env.nats.jsm.streams.getMessage(stream, { seq: info.state.last_seq });
    assert.ok(last);
    const event = last.json<{ type: string; data: Record<string, unknown> }>();
    assert.equal(event.type, "project.registered");
    assert.equal(event.data["time_zone"], "Europe/Warsaw");
    assert.equal(event.data["token_fingerprint"], res.json["api_token_fingerprint"]);
    assert.ok(!last.string().includes(CRM_TOKEN));
  });

  test("given a viewer of the project, when it reads the project, then it sees that a token is set and its fingerprint, never the token; when it patches, then 403 admin_required", async () => {
    const shown = await call("GET", `/api/projects/${A}`, { token: VIEWER_A });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.json["api_token_set"], true);
    assert.ok(!shown.text.includes(CRM_TOKEN));
    const res = await call("PATCH", `/api/projects/${A}`, { token: VIEWER_A, body: { active: false } });
    assert.equal(res.status, 403);
    assert.equal(res.json["code"], "admin_required");
  });

  test("given an admin of another project, when it reads or patches this one, then 404 project_not_found", async () => {
    for (const method of ["GET", "PATCH"] as const) {
      const res = await call(method, `/api/projects/${A}`, {
        token: ADMIN_B,
        ...(method === "PATCH" ? { body: { active: false } } : {}),
      });
      assert.equal(res.status, 404, `${method}: ${res.text}`);
      assert.equal(res.json["code"], "project_not_found");
    }
  });

  test("given the owner, when it deactivates a project and sets the same value again, then the first is one audited change that ingest's registry follows and the second changes nothing", async () => {
    const res = await call("PATCH", `/api/projects/${B}`, { token: OWNER, body: { active: false } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json["active"], false);
    await waitFor(
      "ingest's registry to follow",
      async () => ingest.registry.get(B)?.record.active === false,
      10_000,
    );
    const again = await call("PATCH", `/api/projects/${B}`, { token: OWNER, body: { active: false } });
    assert.equal(again.status, 200);
    const audit = await call("GET", `/api/audit?entity=project&project_id=${B}`, { token: OWNER });
    assert.equal((audit.json["items"] as unknown[]).length, 1, "an unchanged patch is not a change");
  });

  test("given invalid fields, when patched, then 400 problem+json names the field and nothing changes", async () => {
    const cases: [unknown, RegExp][] = [
      [{ time_zone: "Mars/Olympus" }, /time_zone/],
      [{ base_url: "ftp://example.com" }, /base_url/],
      [{ api_token: "" }, /api_token/],
      [{ active: "yes" }, /active/],
      [{ webhook_secret: "x" }, /webhook_secret|unrecognized/i],
      [{}, /at least one field/],
    ];
    for (const [body, field] of cases) {
      const res = await call("PATCH", `/api/projects/${A}`, { token: ADMIN_A, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.text, field);
    }
    assert.equal(ingest.registry.get(A)?.record.time_zone, "Europe/Warsaw");
  });

  test("given a signed-in admin, when it patches without the CSRF header, then 403 csrf_rejected; with it, 200; and removing the token (null) clears it", async () => {
    const login = await fetch(`${queryUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "adam", password: PASSWORD }),
    });
    assert.equal(login.status, 200);
    const cookie = /pulse_session=([^;]+)/.exec(String(login.headers.get("set-cookie")))?.[1] ?? "";
    const csrf = String(((await login.json()) as { csrf_token: string }).csrf_token);
    const refused = await call("PATCH", `/api/projects/${A}`, { cookie, body: { api_token: null } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json["code"], "csrf_rejected");
    const res = await call("PATCH", `/api/projects/${A}`, { cookie, csrf, body: { api_token: null } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json["api_token_set"], false);
    assert.equal(res.json["api_token_fingerprint"], null);
    await waitFor(
      "ingest's registry to follow",
      async () => ingest.registry.get(A)?.record.api_token === null,
      10_000,
    );
  });

  test("given every request above, then no log line of ingest or query carries the CRM token", () => {
    assert.ok(logged.length > 0, "the services logged");
    assert.ok(logged.some((l) => l.includes("project updated")));
    for (const line of logged) assert.ok(!line.includes(CRM_TOKEN), `a log line carries the token: ${line}`);
  });
});
