import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { Subscription } from "@nats-io/transport-node";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import type { Principal } from "../http/auth.plugin.js";
import { insertProject } from "../testing/fixtures.js";
import { analysisRunSubject } from "./analysis.contract.js";

const TOKEN = "test-admin-token-0123456789";
const AMO_VIEWER = "viewer-token-of-amo-only";
const OTHER_ADMIN = "admin-token-of-other-only";
const NOW = "2026-10-23T06:00:00.000Z";

let env: TestEnv;
let app: QueryApp;
let subject: string;
let sub: Subscription | undefined;

async function run(body: unknown, token = TOKEN) {
  const res = await app.inject({
    method: "POST",
    url: "/api/analysis/run",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, json: () => res.json() };
}

/** A stand-in analyst on the run subject: records each request and answers with `reply(request)` (or not at all). */
function analyst(reply: ((request: Record<string, unknown>) => string) | null): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  sub = env.nats.nc.subscribe(subject, {
    callback: (_err, msg) => {
      const request = msg.json<Record<string, unknown>>();
      seen.push(request);
      if (reply !== null) msg.respond(reply(request));
    },
  });
  return seen;
}

before(async () => {
  env = await createTestEnv("qanalysis");
  const config = QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN });
  const principals: Record<string, Principal> = {
    [TOKEN]: { subject: "admin", role: "admin", projects: "*" },
    [AMO_VIEWER]: { subject: "v-amo", role: "viewer", projects: ["amo"] },
    [OTHER_ADMIN]: { subject: "a-other", role: "admin", projects: ["other"] },
  };
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
    authenticate: (t) => principals[t] ?? null,
  });
  await insertProject(env.db, "amo", "Amo", "amocrm");
  await insertProject(env.db, "other", "Other");
  subject = analysisRunSubject({ root: env.subjectRoot }, "amo");
});

afterEach(async () => {
  sub?.unsubscribe();
  sub = undefined;
  await env.nats.nc.flush();
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("POST /api/analysis/run", () => {
  test("given an analyst on the subject, when an admin starts a shift run, then 202 with its reply and it got the contract's JSON", async () => {
    const seen = analyst(() => JSON.stringify({ run_id: "run-01", dialogs_queued: 4 }));
    await env.nats.nc.flush();
    const r = await run({ project: "amo", shiftId: "2026-10-21" });
    assert.equal(r.status, 202);
    assert.deepEqual(r.json(), { project_id: "amo", run_id: "run-01", dialogs_queued: 4 });
    assert.equal(subject, `${env.subjectRoot}.cmd.amo.analysis.run`);
    assert.deepEqual(seen, [
      { project: "amo", shift_id: "2026-10-21", min_incoming: 3, requested_by: "admin" },
    ]);
  });

  test("given a window with offsets and limits, when started, then from/to go out as UTC instants with the limits", async () => {
    const seen = analyst(() => JSON.stringify({ run_id: "run-02", dialogs_queued: 0 }));
    await env.nats.nc.flush();
    const r = await run({
      project: "amo",
      from: "2026-10-22T03:00:00+05:00",
      to: "2026-10-22T15:30:00Z",
      minIncoming: 5,
      maxDialogs: 10,
    });
    assert.equal(r.status, 202);
    assert.equal(r.json().dialogs_queued, 0);
    assert.deepEqual(seen, [
      {
        project: "amo",
        from: "2026-10-21T22:00:00.000Z",
        to: "2026-10-22T15:30:00.000Z",
        min_incoming: 5,
        max_dialogs: 10,
        requested_by: "admin",
      },
    ]);
  });

  test("given an analyst that refuses, when started, then 409 analysis_rejected with its reason", async () => {
    analyst(() => JSON.stringify({ error: "shift 2026-10-22 is not complete yet" }));
    await env.nats.nc.flush();
    const r = await run({ project: "amo", shiftId: "2026-10-22" });
    assert.equal(r.status, 409);
    assert.equal(r.json().code, "analysis_rejected");
    assert.match(r.json().detail, /shift 2026-10-22 is not complete yet/);
  });

  test("given no analyst listening, when started, then 503 analyst_unavailable problem without waiting for the timeout", async () => {
    const r = await run({ project: "amo", shiftId: "2026-10-21" });
    assert.equal(r.status, 503);
    assert.match(String(r.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(r.json().code, "analyst_unavailable");
    // Known from NATS' "no responders" answer, not from the request timing out.
    assert.match(r.json().detail, /no analyst is listening/);
  });

  test("given an analyst that never answers, when started, then 503 after the 2 s timeout", async () => {
    const seen = analyst(null);
    await env.nats.nc.flush();
    const started = Date.now();
    const r = await run({ project: "amo", shiftId: "2026-10-21" });
    const waited = Date.now() - started;
    assert.equal(r.status, 503);
    assert.equal(r.json().code, "analyst_unavailable");
    assert.match(r.json().detail, /within 2000 ms/);
    // The timeout's lower bound only: a busy machine can make the answer later, never earlier.
    assert.ok(waited >= 1900, `waited ${waited} ms`);
    assert.equal(seen.length, 1);
  });

  test("given a reply that is not the contract, when started, then 503 analyst_bad_reply", async () => {
    analyst(() => "accepted!");
    await env.nats.nc.flush();
    const r = await run({ project: "amo", shiftId: "2026-10-21" });
    assert.equal(r.status, 503);
    assert.equal(r.json().code, "analyst_bad_reply");
  });

  test("given a viewer of the project or an admin of another one, when they start a run, then 403 and 404 and nothing is sent", async () => {
    const seen = analyst(() => JSON.stringify({ run_id: "x", dialogs_queued: 1 }));
    await env.nats.nc.flush();
    const viewer = await run({ project: "amo", shiftId: "2026-10-21" }, AMO_VIEWER);
    assert.equal(viewer.status, 403);
    assert.equal(viewer.json().code, "admin_required");
    const stranger = await run({ project: "amo", shiftId: "2026-10-21" }, OTHER_ADMIN);
    assert.equal(stranger.status, 404);
    assert.equal(stranger.json().code, "project_not_found");
    assert.deepEqual(seen, []);
  });

  test("given bad bodies or an unknown shift, when started, then 400 or 404 before any request", async () => {
    const seen = analyst(() => JSON.stringify({ run_id: "x", dialogs_queued: 1 }));
    await env.nats.nc.flush();
    const both = await run({
      project: "amo",
      shiftId: "2026-10-21",
      from: "2026-10-21T00:00:00Z",
      to: "2026-10-22T00:00:00Z",
    });
    assert.equal(both.status, 400);
    assert.equal((await run({ project: "amo" })).status, 400);
    assert.equal((await run({ project: "amo", from: "2026-10-21T00:00:00Z" })).status, 400);
    assert.equal(
      (await run({ project: "amo", from: "2026-10-22T00:00:00Z", to: "2026-10-21T00:00:00Z" })).status,
      400,
    );
    assert.equal((await run({ project: "amo", shiftId: "2026-10-21", maxDialogs: 0 })).status, 400);
    const unknown = await run({ project: "amo", shiftId: "2026-10-21T10:00" });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().code, "shift_not_found");
    assert.deepEqual(seen, []);
  });

  test("given the OpenAPI document, when read, then the run route documents its body and answers", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    const op = doc.paths["/api/analysis/run"]?.post;
    assert.ok(op, "missing POST /api/analysis/run");
    assert.ok(op.requestBody.content["application/json"].schema.properties.shiftId);
    for (const code of ["202", "403", "409", "503"]) assert.ok(op.responses[code], code);
  });
});
