import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodeEvent } from "@pulse/events";
import type { FastifyInstance } from "fastify";
import { monotonicFactory } from "ulid";
import { type CliContext, catchUpKeycrmCommand, projectRegisterCommand } from "../cli/cli.commands.js";
import { KEYCRM_ORDER_LIST_EVENT } from "../crm/keycrm-orders.mapper.js";
import { buildIngestApp } from "../http/app.js";
import { openProjectRegistry, type ProjectRegistry } from "../projects/project-registry.js";
import { defaultFixturesDir, type FixtureCrm, startFixtureCrm } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { keycrmTestPoller } from "../testing/keycrm-test-poller.js";
import { KEYCRM_ORDERS_POLLER } from "./keycrm-orders.poller.js";
import { openPollerCheckpoints } from "./poller-checkpoints.store.js";

const fixtures = defaultFixturesDir();
/** The corpus snapshot (end of the capture): the import's clock. */
const NOW = new Date("2026-11-07T04:00:00.000Z");
const SINCE = "2026-10-01";
const CRM_TOKEN = "kyiv-crm-token-0123456789";
const SECRET = "kyiv-webhook-secret";
const ulid = monotonicFactory();
const ordersOf = (project: string) =>
  readdirSync(join(fixtures, "keycrm", project, "orders")).filter((f) => f.endsWith(".json")).length;

let t: IngestTestEnv;
let crm: FixtureCrm;
let registry: ProjectRegistry;
let app: FastifyInstance;
let ctx: CliContext;
const out: string[] = [];

before(async () => {
  t = await createIngestTestEnv("ingestkeycrmimport", {
    CRM_MIN_REQUEST_INTERVAL_MS: "0",
    CRM_RETRY_MIN_DELAY_MS: "0",
  });
  // The fake CRM accepts exactly this token: every answered request proves the token was opened from KV.
  crm = await startFixtureCrm({ fixturesDir: fixtures, token: CRM_TOKEN });
  ctx = {
    nats: t.env.nats,
    config: t.config,
    logger: t.logger,
    env: { SECRET, CRM_TOKEN },
    out: (l) => out.push(l),
    clock: () => NOW,
    newId: () => ulid(),
  };
  for (const project of ["shop-kyiv", "shop-lviv"])
    await projectRegisterCommand(ctx, {
      id: project,
      name: project,
      kind: "keycrm",
      timeZone: "Europe/Kyiv",
      webhookSecretEnv: "SECRET",
      baseUrl: `${crm.url}/${project}`,
      tokenEnv: "CRM_TOKEN",
    });
  registry = await openProjectRegistry(t.env.nats.js, t.env.streamName, t.logger);
  app = await buildIngestApp({ nats: t.env.nats, config: t.config, logger: t.logger, registry });
});

after(async () => {
  await app?.close();
  await registry?.close();
  await crm?.close();
  await t?.close();
});

async function statusEvents(project: string) {
  const n = await t.eventCount();
  const events = [];
  for (let seq = 1; seq <= n; seq++) {
    const d = decodeEvent((await t.eventAt(seq)).data);
    if (d.ok && d.event.type === "order.status_changed" && d.event.project_id === project)
      events.push(d.event);
  }
  return events;
}

describe("KeyCRM import and catch-up against the fake order list", () => {
  test("given a project registered after its orders exist, when catch-up keycrm runs since October (a 429 first), then every order's current status is stored once", async () => {
    crm.requests.length = 0;
    crm.failNext(1, 429, 0);
    out.length = 0;
    const r = await catchUpKeycrmCommand(ctx, { project: "shop-kyiv", since: SINCE });
    const orders = ordersOf("shop-kyiv");
    assert.equal(r.orders, orders);
    assert.equal(r.pages, Math.ceil(orders / 50));
    assert.equal(r.published, orders);
    assert.equal(r.duplicates, 0);
    assert.equal(r.skipped, 0);
    assert.equal(r.from, "2026-10-01T00:00:00.000Z");
    assert.equal(r.to, NOW.toISOString());

    assert.equal(crm.requests[0]?.status, 429, "the 429 is retried");
    const ok = crm.requests.filter((q) => q.status === 200);
    assert.deepEqual(
      ok.map((q) => q.query["page"]),
      Array.from({ length: r.pages }, (_, i) => String(i + 1)),
    );
    for (const q of ok) {
      assert.equal(q.path, "/shop-kyiv/order");
      assert.equal(q.query["limit"], "50");
      assert.equal(q.query["sort"], "id");
      assert.equal(q.query["filter[updated_between]"], "2026-10-01 00:00:00,2026-11-07 04:00:00");
      assert.ok(q.authorized);
    }
    const events = await statusEvents("shop-kyiv");
    assert.equal(events.length, orders);
    assert.equal(new Set(events.map((e) => e.data.order_id)).size, orders);
    assert.ok(events.every((e) => e.data.crm_event === KEYCRM_ORDER_LIST_EVENT));
    // Plain progress lines (not a terminal) and the summary.
    assert.match(out[0] ?? "", /^shop-kyiv page 1: 50\/156 orders, 50 new, 0 already stored$/);
    assert.match(
      out.at(-1) ?? "",
      /^imported shop-kyiv orders updated 2026-10-01T00:00:00.000Z … 2026-11-07T04:00:00.000Z: 4 pages, 156 orders, 156 events stored, 0 duplicates, 0 skipped$/,
    );
    const cp = await (await openPollerCheckpoints(t.env.nats.js, t.env.streamName)).get(
      KEYCRM_ORDERS_POLLER,
      "shop-kyiv",
    );
    assert.equal(cp?.last_run_started_at, NOW.toISOString());
  });

  test("given the import ran, when it runs again, then it stores nothing new", async () => {
    const before = await t.eventCount();
    const r = await catchUpKeycrmCommand(ctx, { project: "shop-kyiv", since: SINCE });
    assert.equal(r.published, 0);
    assert.equal(r.duplicates, ordersOf("shop-kyiv"));
    assert.equal(await t.eventCount(), before);
  });

  test("given the import ran, when the webhook of an imported change arrives later, then it is a duplicate; a webhook of an older change is new", async () => {
    const detail = JSON.parse(
      readFileSync(join(fixtures, "keycrm/shop-kyiv/orders/15001.json"), "utf8"),
    ) as Record<string, unknown>;
    const lines = readFileSync(join(fixtures, "keycrm/webhooks.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"id":15001,') && l.includes("order.change_order_status"))
      .map((l) => JSON.parse(l) as { body: { context: Record<string, unknown> } });
    const same = lines.find(
      (l) =>
        l.body.context["status_id"] === detail["status_id"] &&
        l.body.context["status_changed_at"] === detail["status_changed_at"],
    );
    const older = lines.find((l) => l.body.context["status_changed_at"] !== detail["status_changed_at"]);
    assert.ok(same && older);
    const post = (body: unknown) =>
      app.inject({
        method: "POST",
        url: `/webhooks/keycrm/shop-kyiv?secret=${SECRET}`,
        payload: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
    const dup = await post(same.body);
    assert.equal(dup.statusCode, 200);
    assert.deepEqual(dup.json(), { accepted: 0, duplicates: 1, ignored: 0 });
    const fresh = await post(older.body);
    assert.deepEqual(fresh.json(), { accepted: 1, duplicates: 0, ignored: 0 });
    const wrong = await app.inject({
      method: "POST",
      url: "/webhooks/keycrm/shop-kyiv?secret=not-the-secret",
      payload: JSON.stringify(same.body),
      headers: { "content-type": "application/json" },
    });
    assert.equal(wrong.statusCode, 401);
  });

  test("given project register with --import-since, when it runs, then the project is registered and its orders imported in one command", async () => {
    out.length = 0;
    const record = await projectRegisterCommand(ctx, {
      id: "kyiv-onboard",
      name: "Kyiv (onboarded)",
      kind: "keycrm",
      timeZone: "Europe/Kyiv",
      webhookSecretEnv: "SECRET",
      baseUrl: `${crm.url}/shop-kyiv`,
      tokenEnv: "CRM_TOKEN",
      importSince: SINCE,
    });
    assert.equal(record.project_id, "kyiv-onboard");
    assert.match(out[0] ?? "", /^registered project kyiv-onboard /);
    assert.match(
      out.at(-1) ?? "",
      /^imported kyiv-onboard .*: 4 pages, 156 orders, 156 events stored, 0 duplicates, 0 skipped$/,
    );
    assert.equal((await statusEvents("kyiv-onboard")).length, ordersOf("shop-kyiv"));
    await assert.rejects(
      projectRegisterCommand(ctx, {
        ...{ id: "x", name: "x", kind: "keycrm", webhookSecretEnv: "SECRET" },
        importSince: "yesterday",
      }),
      /invalid --import-since/,
    );
  });

  test("given an order edited while the list is paged, when the list shrinks, then the pages already read are read again and no order is skipped", async () => {
    const poller = await keycrmTestPoller(t, registry, { clock: () => NOW, newId: () => ulid() });
    const orders = ordersOf("shop-lviv");
    const pagesSeen: number[] = [];
    const r = await poller.runOnce("shop-lviv", {
      since: new Date(`${SINCE}T00:00:00Z`),
      onPage: (p) => {
        pagesSeen.push(p.page);
        // After page 1, the CRM edits its first order: it leaves the window, and every later row
        // moves one place forward (row 51 onto page 1, which was already read).
        if (pagesSeen.length === 1) crm.touchKeycrmOrder("shop-lviv", 4201, "2026-11-08T00:00:00.000Z");
      },
    });
    await poller.close();
    assert.equal(r.rereads, 1);
    assert.deepEqual(pagesSeen, [1, 2, 1, 2, 3]);
    assert.equal(r.published, orders, "every order stored once");
    const events = await statusEvents("shop-lviv");
    assert.equal(new Set(events.map((e) => e.data.order_id)).size, orders);
  });
});
