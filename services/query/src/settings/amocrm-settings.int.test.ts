/**
 * The amoCRM sales settings routes: `/api/settings/qualified-stages`, `/pipeline-products`,
 * `/utm-fields`, `/ad-teams` — defaults, admin writes (event in the stream, audit row), viewer
 * reads, validation, OpenAPI.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type DomainEvent, decodeEvent } from "@pulse/events";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import type { Principal } from "../http/auth.plugin.js";
import { insertProject } from "../testing/fixtures.js";

const ADMIN_TOKEN = "admin-token-of-alice-0123";
const VIEWER_TOKEN = "viewer-token-of-academy-only";
const NOW = "2026-11-07T04:00:00.000Z";
const alice: Principal = { subject: "alice@academy", role: "admin", projects: "*" };
const viewer: Principal = { subject: "victor", role: "viewer", projects: ["academy"] };

let env: TestEnv;
let app: QueryApp;

async function call(method: "GET" | "PUT", url: string, payload?: unknown, token = ADMIN_TOKEN) {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  return { status: res.statusCode, body: res.json() as any };
}

async function lastSeq(): Promise<number> {
  return (await env.nats.jsm.streams.info(env.streamName)).state.last_seq;
}

async function lastEventOn(tail: string): Promise<DomainEvent | null> {
  const msg = await env.nats.jsm.streams.getMessage(env.streamName, {
    last_by_subj: `${env.subjectRoot}.events.academy.${tail}`,
  });
  if (msg === null) return null;
  const decoded = decodeEvent(msg.data);
  assert.ok(decoded.ok, decoded.ok ? "" : decoded.reason);
  return decoded.event;
}

before(async () => {
  env = await createTestEnv("qamosettings");
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: QueryConfig.parse({ ...env.env, ADMIN_TOKEN: "unused-env-token-0123456789" }),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
    authenticate: (t) => (t === ADMIN_TOKEN ? alice : t === VIEWER_TOKEN ? viewer : null),
  });
  await insertProject(env.db, "academy", "Demo academy");
  await insertProject(env.db, "other", "Other");
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("amoCRM sales settings", () => {
  test("given a project that never changed them, when read by a viewer, then the defaults come with version 0: no overrides (142 qualifies), KZT without products, the SPEC field ids and four teams", async () => {
    const q = await call("GET", "/api/settings/qualified-stages?project=academy", undefined, VIEWER_TOKEN);
    assert.equal(q.status, 200);
    assert.equal(q.body.version, 0);
    assert.deepEqual(q.body.settings, { stages: [] });
    const p = await call("GET", "/api/settings/pipeline-products?project=academy", undefined, VIEWER_TOKEN);
    assert.deepEqual(p.body.settings, { default_currency: "KZT", products: [] });
    const u = await call("GET", "/api/settings/utm-fields?project=academy", undefined, VIEWER_TOKEN);
    assert.deepEqual(u.body.settings.fields, {
      utm_source: [434731, 1037547],
      utm_medium: [434727],
      utm_campaign: [434729],
      utm_content: [434725],
      utm_term: [434733],
      utm_referrer: [434735],
      fbclid: [434761],
    });
    const t = await call("GET", "/api/settings/ad-teams?project=academy", undefined, VIEWER_TOKEN);
    assert.deepEqual(
      t.body.settings.teams.map((x: { name: string }) => x.name),
      ["Kenesary", "Arystan", "Muha", "Traf4"],
    );
    assert.ok(t.body.settings.teams.every((x: { colour: string }) => /^#[0-9a-f]{6}$/.test(x.colour)));
  });

  test("given an admin, when the teams are changed, then 202 after settings.ad_teams_changed is in the stream with trimmed, deduplicated patterns, and an audit row names the change", async () => {
    const r = await call("PUT", "/api/settings/ad-teams?project=academy", {
      version: 0,
      teams: [
        {
          name: " Kenesary ",
          utm_source: "kenesary",
          patterns: [" tripwire ", "tripwire", "  "],
          colour: "#2e7d32",
          emoji: "🦅",
        },
        { name: "Muha", utm_source: "muha", patterns: ["запуск", "on ai"], colour: "#6a1b9a", emoji: "🪰" },
      ],
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.kind, "ad_teams");
    assert.equal(r.body.version, 1);
    const stored = await lastEventOn("settings.ad_teams");
    assert.ok(stored?.type === "settings.ad_teams_changed");
    assert.equal(stored.dedup_key, "settings:academy:ad_teams:1");
    assert.equal(stored.data.changed_by, "alice@academy");
    assert.deepEqual(
      stored.data.teams.map((t) => [t.name, t.patterns]),
      [
        ["Kenesary", ["tripwire"]],
        ["Muha", ["запуск", "on ai"]],
      ],
    );
    const audit = await env.db
      .selectFrom("auth.audit")
      .selectAll()
      .where("entity", "=", "settings")
      .where("entity_id", "=", "ad_teams")
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, "alice@academy");
    assert.equal(audit[0]!.project_id, "academy");
  });

  test("given an admin, when qualified stages, products and UTM field ids are changed, then each is published in canonical order", async () => {
    const q = await call("PUT", "/api/settings/qualified-stages?project=academy", {
      version: 0,
      stages: [
        { pipeline_id: 10418746, status_id: 83010178, is_qualified: true },
        { pipeline_id: 10350882, status_id: 81854618, is_qualified: true },
      ],
    });
    assert.equal(q.status, 202, JSON.stringify(q.body));
    const qe = await lastEventOn("settings.qualified_stages");
    assert.ok(qe?.type === "settings.qualified_stages_changed");
    assert.deepEqual(
      qe.data.stages.map((s) => s.pipeline_id),
      [10350882, 10418746],
    );
    const p = await call("PUT", "/api/settings/pipeline-products?project=academy", {
      version: 0,
      default_currency: "KZT",
      products: [
        { pipeline_id: 10418746, name: "Flagship course", price: 490000, currency: "KZT" },
        { pipeline_id: 10350882, name: "Express course", price: 5000, currency: "KZT" },
      ],
    });
    assert.equal(p.status, 202, JSON.stringify(p.body));
    const u = await call("PUT", "/api/settings/utm-fields?project=academy", {
      version: 0,
      fields: {
        utm_source: [434731, 1037547],
        utm_medium: [434727],
        utm_campaign: [434729],
        utm_content: [434725],
        utm_term: [434733],
        utm_referrer: [434735],
        fbclid: [434761],
      },
    });
    assert.equal(u.status, 202, JSON.stringify(u.body));
    const ue = await lastEventOn("settings.utm_fields");
    assert.ok(ue?.type === "settings.utm_fields_changed");
    assert.deepEqual(ue.data.fields.utm_source, [434731, 1037547]);
  });

  test("given mistakes (a stage twice, two products of a pipeline, a field id under two keys, two teams of one name), when put, then 400 invalid_settings at each path and nothing is published", async () => {
    const before = await lastSeq();
    const q = await call("PUT", "/api/settings/qualified-stages?project=academy", {
      version: 1,
      stages: [
        { pipeline_id: 1, status_id: 2, is_qualified: true },
        { pipeline_id: 1, status_id: 2, is_qualified: false },
      ],
    });
    assert.equal(q.status, 400);
    assert.equal(q.body.issues[0].path, "/stages/1");
    const p = await call("PUT", "/api/settings/pipeline-products?project=academy", {
      version: 1,
      default_currency: "KZT",
      products: [
        { pipeline_id: 1, name: "A", price: 1, currency: "KZT" },
        { pipeline_id: 1, name: "B", price: 2, currency: "KZT" },
      ],
    });
    assert.equal(p.status, 400);
    assert.equal(p.body.issues[0].path, "/products/1/pipeline_id");
    const u = await call("PUT", "/api/settings/utm-fields?project=academy", {
      version: 1,
      fields: {
        utm_source: [434731],
        utm_medium: [434731],
        utm_campaign: [],
        utm_content: [434725],
        utm_term: [434733],
        utm_referrer: [434735],
        fbclid: [434761],
      },
    });
    assert.equal(u.status, 400);
    assert.deepEqual(u.body.issues.map((i: { path: string }) => i.path).sort(), [
      "/fields/utm_campaign",
      "/fields/utm_medium/0",
    ]);
    const t = await call("PUT", "/api/settings/ad-teams?project=academy", {
      version: 1,
      teams: [
        { name: "Muha", utm_source: "muha", patterns: [], colour: "#000000", emoji: "" },
        { name: "muha", utm_source: "m", patterns: [], colour: "#000000", emoji: "" },
      ],
    });
    assert.equal(t.status, 400);
    assert.equal(t.body.issues[0].path, "/teams/1/name");
    assert.equal(await lastSeq(), before);
  });

  test("given a viewer, when it changes the teams, then 403 admin_required; another project's settings are 404", async () => {
    const r = await call(
      "PUT",
      "/api/settings/ad-teams?project=academy",
      { version: 1, teams: [] },
      VIEWER_TOKEN,
    );
    assert.equal(r.status, 403);
    assert.equal(r.body.code, "admin_required");
    const other = await call("GET", "/api/settings/ad-teams?project=other", undefined, VIEWER_TOKEN);
    assert.equal(other.status, 404);
  });

  test("given the routes, when /openapi.json is read, then each is documented with its body and answers", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    for (const path of [
      "/api/settings/qualified-stages",
      "/api/settings/pipeline-products",
      "/api/settings/utm-fields",
      "/api/settings/ad-teams",
    ]) {
      assert.ok(doc.paths[path]?.get, `missing GET ${path}`);
      assert.ok(doc.paths[path]?.put?.requestBody, `missing PUT body ${path}`);
      assert.ok(doc.paths[path].put.responses["202"], path);
    }
  });
});
