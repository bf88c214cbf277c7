import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type DomainEvent, decodeEvent } from "@pulse/events";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import type { QueryDeps } from "../deps.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import type { Principal } from "../http/auth.plugin.js";
import { insertOrders, insertProject } from "../testing/fixtures.js";

const ADMIN_TOKEN = "admin-token-of-alice-0123";
const VIEWER_TOKEN = "viewer-token-of-shop-only";
const NOW = "2026-10-12T12:00:00.000Z";
const alice: Principal = { subject: "alice@shop", role: "admin", projects: "*" };
const viewer: Principal = { subject: "victor", role: "viewer", projects: ["shop"] };

let env: TestEnv;
let app: QueryApp;
let deps: QueryDeps;

interface Answer {
  status: number;
  contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
}

async function call(
  method: "GET" | "PUT",
  url: string,
  payload?: unknown,
  token = ADMIN_TOKEN,
  on: QueryApp = app,
): Promise<Answer> {
  const res = await on.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, contentType: String(res.headers["content-type"]), body: res.json() };
}

async function lastSeq(): Promise<number> {
  return (await env.nats.jsm.streams.info(env.streamName)).state.last_seq;
}

/** The last event on `{root}.events.shop.{tail}`, decoded, with its stream headers. */
async function lastEventOn(tail: string): Promise<{ event: DomainEvent; msgId: string; seq: number } | null> {
  const msg = await env.nats.jsm.streams.getMessage(env.streamName, {
    last_by_subj: `${env.subjectRoot}.events.shop.${tail}`,
  });
  if (msg === null) return null;
  const decoded = decodeEvent(msg.data);
  assert.ok(decoded.ok, decoded.ok ? "" : decoded.reason);
  return { event: decoded.event, msgId: msg.header.get("Nats-Msg-Id"), seq: msg.seq };
}

async function storeSettings(kind: string, version: number, data: object, changedBy = "bob"): Promise<void> {
  await env.db
    .insertInto("rm.settings")
    .values({
      project_id: "shop",
      kind,
      version,
      data: JSON.stringify({ ...data, version, changed_by: changedBy }),
      changed_by: changedBy,
      changed_at: "2026-10-10T08:00:00.000Z",
      event_seq: 1,
    })
    .execute();
}

const WEEK = {
  mon: ["09:00-13:00", "14:00-18:00"],
  tue: ["09:00-18:00"],
  wed: ["09:00-18:00"],
  thu: ["09:00-18:00"],
  fri: ["09:00-18:00"],
  sat: [],
  sun: [],
};

before(async () => {
  env = await createTestEnv("qsettings");
  const config = QueryConfig.parse({ ...env.env, ADMIN_TOKEN: "unused-env-token-0123456789" });
  deps = {
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
    // The auth seam: accounts with roles come in here.
    authenticate: (t) => (t === ADMIN_TOKEN ? alice : t === VIEWER_TOKEN ? viewer : null),
  };
  app = await buildQueryApp(deps);
  await insertProject(env.db, "shop", "Shop");
  await insertProject(env.db, "other", "Other");
  await insertOrders(env.db, "shop", [{ order_id: 1001, last_status_id: 10, last_status_group_id: 1 }]);
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/settings/*", () => {
  test("given a project that never changed its settings, when each kind is read, then the SPEC defaults come with version 0", async () => {
    const wh = await call("GET", "/api/settings/working-hours?project=shop");
    assert.equal(wh.status, 200);
    assert.equal(wh.body.version, 0);
    assert.equal(wh.body.is_default, true);
    assert.equal(wh.body.changed_by, null);
    // 24/7: every weekday one window over the whole day; no group has its own calendar.
    assert.deepEqual(wh.body.settings.default.working_hours.mon, ["00:00-24:00"]);
    assert.deepEqual(wh.body.settings.default.working_hours.sun, ["00:00-24:00"]);
    assert.deepEqual(wh.body.settings.groups, {});

    const sla = await call("GET", "/api/settings/sla?project=shop");
    assert.deepEqual([sla.body.version, sla.body.settings], [0, { near_share: 0.8, grids: {} }]);
    assert.deepEqual((await call("GET", "/api/settings/cycle?project=shop")).body.settings, { rules: [] });
    assert.deepEqual((await call("GET", "/api/settings/urgent-rules?project=shop")).body.settings, {
      rules: [],
    });
    assert.deepEqual((await call("GET", "/api/settings/shifts?project=shop")).body.settings, {
      time_zone: "+05:00",
      start_hour: 22,
      length_hours: 24,
      lookback_hours: 72,
    });
  });

  test("given stored SLA settings at version 3, when read, then they come with their version and author, without envelope fields", async () => {
    await storeSettings("sla", 3, {
      near_share: 0.75,
      grids: { normal: { "1": "02:00" }, vip: { "1": "01:00" } },
    });
    const r = await call("GET", "/api/settings/sla?project=shop");
    assert.equal(r.status, 200);
    assert.equal(r.body.version, 3);
    assert.equal(r.body.is_default, false);
    assert.equal(r.body.changed_by, "bob");
    assert.equal(r.body.changed_at, "2026-10-10T08:00:00.000Z");
    assert.deepEqual(r.body.settings, {
      near_share: 0.75,
      grids: { normal: { "1": "02:00" }, vip: { "1": "01:00" } },
    });
  });

  test("given an unknown project, when settings are read, then 404 project_not_found", async () => {
    const r = await call("GET", "/api/settings/sla?project=ghost");
    assert.equal(r.status, 404);
    assert.equal(r.body.code, "project_not_found");
  });
});

describe("PUT /api/settings/*", () => {
  test("given version 0, when an admin changes the urgent rules, then 202 after the event is in the stream with version 1, changed_by, the dedup key and canonical values", async () => {
    const before = await lastSeq();
    const r = await call("PUT", "/api/settings/urgent-rules?project=shop", {
      version: 0,
      rules: [
        { match_type: "sku", match_value: "  Термінове виготовлення " },
        { match_type: "offer_id", match_value: "016" },
      ],
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.version, 1);
    assert.equal(r.body.kind, "urgent_rules");
    assert.equal(r.body.replay_id, r.body.event_id);
    assert.equal(r.body.replay_url, `/api/replays/${r.body.event_id}?project=shop`);
    assert.equal(r.body.stream_seq, before + 1);

    const stored = await lastEventOn("settings.urgent_rules");
    assert.ok(stored);
    assert.equal(stored.seq, r.body.stream_seq);
    assert.equal(stored.msgId, "settings:shop:urgent_rules:1");
    assert.equal(stored.event.type, "settings.urgent_rules_changed");
    assert.equal(stored.event.id, r.body.event_id);
    assert.equal(stored.event.source, "api");
    assert.equal(stored.event.dedup_key, "settings:shop:urgent_rules:1");
    assert.equal(stored.event.recorded_at, NOW);
    assert.ok(stored.event.type === "settings.urgent_rules_changed");
    assert.equal(stored.event.data.version, 1);
    assert.equal(stored.event.data.changed_by, "alice@shop");
    // The domain parser canonicalises: trimmed SKU, offer id without leading zeros.
    assert.deepEqual(stored.event.data.rules, [
      { match_type: "sku", match_value: "Термінове виготовлення" },
      { match_type: "offer_id", match_value: "16" },
    ]);
  });

  test("given SLA settings at version 3, when a change is based on version 3, then it becomes version 4 with limits as hh:mm", async () => {
    const r = await call("PUT", "/api/settings/sla?project=shop", {
      version: 3,
      grids: { normal: { "1": "2:00", "3": "72:00" }, urgent: { "1": "0:30", "3": null } },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.version, 4);
    const stored = await lastEventOn("settings.sla");
    assert.ok(stored?.event.type === "settings.sla_changed");
    assert.equal(stored.msgId, "settings:shop:sla:4");
    assert.equal(stored.event.data.version, 4);
    assert.equal(stored.event.data.near_share, 0.8);
    assert.deepEqual(stored.event.data.grids, {
      normal: { "1": "02:00", "3": "72:00" },
      urgent: { "1": "00:30", "3": null },
    });
  });

  test("given cycle rules at version 2, when a change is based on version 1, then 409 version_conflict naming the current version, and nothing is published", async () => {
    await storeSettings("cycle", 2, { rules: [] });
    const before = await lastSeq();
    const r = await call("PUT", "/api/settings/cycle?project=shop", {
      version: 1,
      rules: [{ name: "to delivery", start: { group_id: 1 }, end: { group_id: 4 } }],
    });
    assert.equal(r.status, 409);
    assert.match(r.contentType, /^application\/problem\+json/);
    assert.equal(r.body.code, "version_conflict");
    assert.equal(r.body.current_version, 2);
    assert.equal(await lastSeq(), before);
  });

  test("given two changes based on the same version, when the second arrives before the projector applied the first, then it is 409 and the stream keeps only the first", async () => {
    const first = await call("PUT", "/api/settings/shifts?project=shop", {
      version: 0,
      time_zone: "+05",
      start_hour: 20,
      length_hours: 12,
      lookback_hours: 48,
    });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const afterFirst = await lastSeq();
    const second = await call("PUT", "/api/settings/shifts?project=shop", {
      version: 0,
      time_zone: "Asia/Almaty",
      start_hour: 22,
      length_hours: 24,
      lookback_hours: 72,
    });
    assert.equal(second.status, 409);
    assert.equal(second.body.code, "version_conflict");
    assert.equal(await lastSeq(), afterFirst);
    const stored = await lastEventOn("settings.shifts");
    assert.ok(stored?.event.type === "settings.shifts_changed");
    // The first change, with its zone canonicalised by the domain (`+05` → `+05:00`).
    assert.deepEqual(
      [stored.event.data.time_zone, stored.event.data.start_hour, stored.event.data.length_hours],
      ["+05:00", 20, 12],
    );
  });

  test("given working hours with several mistakes, when put, then 400 invalid_settings lists every issue with its JSON-pointer path and nothing is published", async () => {
    const before = await lastSeq();
    const r = await call("PUT", "/api/settings/working-hours?project=shop", {
      version: 0,
      default: { working_hours: { ...WEEK, mon: ["25:00-26:00", "14:00-18:00"] }, holidays: ["2026-02-30"] },
      groups: {
        delivery: { working_hours: WEEK },
        "3": { working_hours: WEEK, time_zone: "Mars/Olympus_Mons" },
      },
    });
    assert.equal(r.status, 400);
    assert.match(r.contentType, /^application\/problem\+json/);
    assert.equal(r.body.code, "invalid_settings");
    assert.deepEqual(r.body.issues.map((i: { path: string }) => i.path).sort(), [
      "/default/holidays/0",
      "/default/working_hours/mon/0",
      "/groups/3/time_zone",
      "/groups/delivery",
    ]);
    assert.ok(r.body.issues.every((i: { location: string }) => i.location === "body"));
    // The detail lists them too, with the settings' own paths.
    assert.match(r.body.detail, /4 issues/);
    assert.match(r.body.detail, /default\.working_hours\.mon\[0\]/);
    assert.match(r.body.detail, /groups\.3\.time_zone/);
    assert.equal(await lastSeq(), before);
  });

  test("given overlapping windows, when put, then 400 names the later window", async () => {
    const r = await call("PUT", "/api/settings/working-hours?project=shop", {
      version: 0,
      default: { working_hours: { ...WEEK, tue: ["09:00-13:00", "12:00-18:00"] } },
      groups: {},
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.body.issues.map((i: { path: string }) => i.path),
      ["/default/working_hours/tue/1"],
    );
  });

  test("given bad SLA limits and a bad cycle rule, when put, then each issue is listed at its path", async () => {
    const sla = await call("PUT", "/api/settings/sla?project=shop", {
      version: 4,
      grids: { normal: { abc: "02:00", "1": "2:5" } },
    });
    assert.equal(sla.status, 400);
    assert.deepEqual(sla.body.issues.map((i: { path: string }) => i.path).sort(), [
      "/grids/normal/1",
      "/grids/normal/abc",
    ]);
    const cycle = await call("PUT", "/api/settings/cycle?project=shop", {
      version: 2,
      rules: [{ name: "", start: { group_id: 1 } }],
    });
    assert.equal(cycle.status, 400);
    assert.deepEqual(cycle.body.issues.map((i: { path: string }) => i.path).sort(), [
      "/rules/0/end",
      "/rules/0/name",
    ]);
  });

  test("given a body of the wrong shape, when put, then 400 validation_failed from the schema names the field, and unknown fields are refused", async () => {
    const before = await lastSeq();
    const wrong = await call("PUT", "/api/settings/urgent-rules?project=shop", { version: 1, rules: "sku" });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, "validation_failed");
    assert.deepEqual(
      wrong.body.issues.map((i: { location: string; path: string }) => [i.location, i.path]),
      [["body", "/rules"]],
    );
    const extra = await call("PUT", "/api/settings/cycle?project=shop", { version: 2, rules: [], rule: [] });
    assert.equal(extra.status, 400);
    const noVersion = await call("PUT", "/api/settings/cycle?project=shop", { rules: [] });
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.issues[0].path, "/version");
    assert.equal(await lastSeq(), before);
  });

  test("given a viewer of the project, when it changes settings (even with an invalid body), then 403 admin_required and nothing is published; reading is allowed", async () => {
    const before = await lastSeq();
    const r = await call("PUT", "/api/settings/sla?project=shop", { version: "x" }, VIEWER_TOKEN);
    assert.equal(r.status, 403);
    assert.equal(r.body.code, "admin_required");
    const valid = await call(
      "PUT",
      "/api/settings/sla?project=shop",
      { version: 4, grids: {} },
      VIEWER_TOKEN,
    );
    assert.equal(valid.status, 403);
    const overrides = await call(
      "PUT",
      "/api/orders/1001/overrides?project=shop",
      { urgent: true, sla_profile: null, cycle_start_at: null, cycle_end_at: null },
      VIEWER_TOKEN,
    );
    assert.equal(overrides.status, 403);
    assert.equal(await lastSeq(), before);
    assert.equal((await call("GET", "/api/settings/sla?project=shop", undefined, VIEWER_TOKEN)).status, 200);
  });

  test("given the events stream is not there, when settings are changed, then 503 events_unavailable without internals", async () => {
    const broken = await buildQueryApp({ ...deps, config: { ...deps.config, SUBJECT_ROOT: "t_nowhere" } });
    try {
      const r = await call(
        "PUT",
        "/api/settings/cycle?project=shop",
        { version: 2, rules: [] },
        ADMIN_TOKEN,
        broken,
      );
      assert.equal(r.status, 503);
      assert.match(r.contentType, /^application\/problem\+json/);
      assert.equal(r.body.code, "events_unavailable");
      assert.doesNotMatch(r.body.detail, /t_nowhere|responders/i);
    } finally {
      await broken.close();
    }
  });
});

describe("GET|PUT /api/orders/:orderId/overrides", () => {
  test("given an order without overrides, when read, then every override is null", async () => {
    const r = await call("GET", "/api/orders/1001/overrides?project=shop");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.overrides, {
      urgent: null,
      sla_profile: null,
      cycle_start_at: null,
      cycle_end_at: null,
    });
    assert.equal(r.body.changed_by, null);
  });

  test("given an admin, when overrides are set, then order.overrides_changed is on the order's subject with normalised instants and 202 carries the replay url", async () => {
    const r = await call("PUT", "/api/orders/1001/overrides?project=shop", {
      urgent: true,
      sla_profile: "vip",
      cycle_start_at: "2026-10-12T09:00:00+03:00",
      cycle_end_at: null,
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.kind, "order_overrides");
    assert.equal(r.body.version, null);
    assert.equal(r.body.replay_url, `/api/replays/${r.body.event_id}?project=shop`);
    const stored = await lastEventOn("order.1001");
    assert.ok(stored?.event.type === "order.overrides_changed");
    assert.equal(stored.msgId, `overrides:shop:1001:${r.body.event_id}`);
    assert.equal(stored.event.data.order_id, 1001);
    assert.equal(stored.event.data.changed_by, "alice@shop");
    assert.deepEqual(stored.event.data.overrides, {
      urgent: true,
      sla_profile: "vip",
      cycle_start_at: "2026-10-12T06:00:00.000Z",
      cycle_end_at: null,
    });
  });

  test("given an end before the start and a profile the SLA settings do not have, when set, then 400 lists both", async () => {
    const before = await lastSeq();
    const r = await call("PUT", "/api/orders/1001/overrides?project=shop", {
      urgent: null,
      sla_profile: "gold",
      cycle_start_at: "2026-10-12T09:00:00Z",
      cycle_end_at: "2026-10-12T08:00:00Z",
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, "invalid_settings");
    assert.deepEqual(r.body.issues.map((i: { path: string }) => i.path).sort(), [
      "/cycle_end_at",
      "/sla_profile",
    ]);
    assert.match(r.body.detail, /vip/);
    assert.equal(await lastSeq(), before);
  });

  test("given an order rm.orders_current does not have, when overrides are set or read, then 404 order_not_found", async () => {
    const body = { urgent: false, sla_profile: null, cycle_start_at: null, cycle_end_at: null };
    const put = await call("PUT", "/api/orders/4040/overrides?project=shop", body);
    assert.equal(put.status, 404);
    assert.equal(put.body.code, "order_not_found");
    assert.equal((await call("GET", "/api/orders/4040/overrides?project=shop")).status, 404);
    // Order 1001 exists in shop only.
    assert.equal((await call("PUT", "/api/orders/1001/overrides?project=other", body)).status, 404);
  });

  test("given overrides in rm.order_overrides, when read, then they come with who set them", async () => {
    await env.db
      .insertInto("rm.order_overrides")
      .values({
        project_id: "shop",
        order_id: 1001,
        urgent: false,
        sla_profile: null,
        cycle_start_at: "2026-10-12T06:00:00Z",
        cycle_end_at: null,
        changed_by: "alice@shop",
        changed_at: "2026-10-12T11:00:00Z",
        event_seq: 9,
      })
      .execute();
    const r = await call("GET", "/api/orders/1001/overrides?project=shop");
    assert.deepEqual(r.body.overrides, {
      urgent: false,
      sla_profile: null,
      cycle_start_at: "2026-10-12T06:00:00.000Z",
      cycle_end_at: null,
    });
    assert.equal(r.body.changed_by, "alice@shop");
  });
});

describe("GET /api/replays", () => {
  before(async () => {
    const row = {
      reason: "settings.sla_changed",
      requested_by: "alice@shop",
      error: null,
      diff: null,
      finished_at: null,
    };
    await env.db
      .insertInto("ops.replays")
      .values([
        {
          ...row,
          id: "01JREPLAYRUNNING000000000A",
          project_id: "shop",
          trigger_event_id: "01JREPLAYRUNNING000000000A",
          status: "running",
          events_total: 250,
          events_done: 100,
          started_at: "2026-10-12T11:59:00Z",
        },
        {
          ...row,
          id: "01JREPLAYDONE0000000000000",
          project_id: "shop",
          trigger_event_id: "01JREPLAYDONE0000000000000",
          status: "done",
          events_total: 80,
          events_done: 80,
          started_at: "2026-10-12T10:00:00Z",
          finished_at: "2026-10-12T10:00:05Z",
          diff: JSON.stringify({
            orders_changed: 1,
            changes: [{ order_id: 1001, field: "sla_state", group_id: 2, before: "ok", after: "over" }],
          }),
        },
        {
          ...row,
          id: "01JREPLAYOTHER000000000000",
          project_id: "other",
          trigger_event_id: null,
          status: "done",
          events_total: 5,
          events_done: 5,
          started_at: "2026-10-12T11:00:00Z",
        },
        {
          ...row,
          id: "rebuild-ddl-2",
          project_id: null,
          reason: "ddl_version",
          trigger_event_id: null,
          status: "done",
          events_total: 5,
          events_done: 5,
          started_at: "2026-10-12T11:30:00Z",
        },
      ])
      .execute();
  });

  test("given a running replay, when read, then its progress is events_done / events_total and it has no diff yet", async () => {
    const r = await call("GET", "/api/replays/01JREPLAYRUNNING000000000A?project=shop");
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "running");
    assert.equal(r.body.progress, 0.4);
    assert.deepEqual([r.body.events_done, r.body.events_total], [100, 250]);
    assert.equal(r.body.finished_at, null);
    assert.equal(r.body.diff, null);
  });

  test("given a finished replay, when read, then it reports done, progress 1 and the diff with before/after", async () => {
    const r = await call(
      "GET",
      "/api/replays/01JREPLAYDONE0000000000000?project=shop",
      undefined,
      VIEWER_TOKEN,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.progress, 1);
    assert.equal(r.body.finished_at, "2026-10-12T10:00:05.000Z");
    assert.equal(r.body.requested_by, "alice@shop");
    assert.deepEqual(r.body.diff.changes[0], {
      order_id: 1001,
      field: "sla_state",
      group_id: 2,
      before: "ok",
      after: "over",
    });
  });

  test("given another project's replay or an unknown id, when read under shop, then 404 replay_not_found", async () => {
    const r = await call("GET", "/api/replays/01JREPLAYOTHER000000000000?project=shop");
    assert.equal(r.status, 404);
    assert.equal(r.body.code, "replay_not_found");
    assert.equal((await call("GET", "/api/replays/nope?project=shop")).status, 404);
  });

  test("given replays of several projects, when shop's are listed, then only shop's come, newest first, without diffs", async () => {
    const r = await call("GET", "/api/replays?project=shop");
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.items.map((i: { id: string }) => i.id),
      ["01JREPLAYRUNNING000000000A", "01JREPLAYDONE0000000000000"],
    );
    assert.equal(r.body.items[0].diff, undefined);
    const done = await call("GET", "/api/replays?project=shop&status=done&limit=1");
    assert.deepEqual(
      done.body.items.map((i: { id: string }) => i.id),
      ["01JREPLAYDONE0000000000000"],
    );
  });
});

describe("documentation", () => {
  test("given the new routes, when /openapi.json is read, then each is documented with its body and answers", async () => {
    const res = await app.inject({ url: "/openapi.json" });
    const doc = res.json();
    for (const path of [
      "/api/settings/working-hours",
      "/api/settings/sla",
      "/api/settings/cycle",
      "/api/settings/urgent-rules",
      "/api/settings/shifts",
      "/api/orders/{orderId}/overrides",
    ]) {
      assert.ok(doc.paths[path]?.get, `missing GET ${path}`);
      assert.ok(doc.paths[path]?.put?.requestBody, `missing PUT body ${path}`);
      assert.ok(doc.paths[path].put.responses["202"], `missing 202 ${path}`);
      assert.ok(doc.paths[path].put.responses["409"].content["application/problem+json"], path);
    }
    assert.ok(doc.paths["/api/replays"]?.get);
    assert.ok(doc.paths["/api/replays/{id}"]?.get);
    assert.ok(doc.paths["/api/analytics/status-durations"]?.get);
    const sla = doc.paths["/api/settings/sla"].put.requestBody.content["application/json"].schema;
    assert.deepEqual(sla.required.sort(), ["grids", "version"]);
  });
});
