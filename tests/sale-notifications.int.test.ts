/**
 * Telegram sale notifications and integration health, end to end over ingest and the query API
 * against a local Bot API server: settings through `PATCH /api/projects/{id}` (write-only token),
 * each sale notified once despite 429 (`retry_after`) and 500 answers, a replay of the notices
 * never re-notifies, a crash between send and record leaves the sale unconfirmed and never resent,
 * `POST /api/notifications/test`, and `GET /api/integrations/health` (401 token recorded,
 * unreachable API, notification counts). No answer or log line carries a token.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { type SaleNotice, saleUpdatesSubject } from "@pulse/events";
import { connectNats, createLogger, loadConfig } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import {
  createSaleNotificationsWorker,
  IngestConfig,
  notifiedBucketName,
  projectRegisterCommand,
  type RunningIngest,
  startIngest,
} from "@pulse/ingest";
import { type FakeTelegram, startFakeTelegram } from "@pulse/ingest/testing";
import { buildQueryApp, loadQueryConfig, type QueryApp } from "@pulse/query";
import { seedApiToken, seedMemberships, seedUser } from "@pulse/query/testing";
import { INGEST_WITHOUT_CRM_CALLS } from "./support/ingest-env.js";

const A = "academy";
const B = "shop";
const ADMIN_A = "admin-a-token-sale-notifications-01";
const VIEWER_A = "viewer-a-token-sale-notifications-01";
const ADMIN_B = "admin-b-token-sale-notifications-01";
const BOT_TOKEN = "123456789:AAF-secret-bot-token-abcdefghijklmnop";
const CRM_TOKEN = "crm-token-sale-notifications-VERY-secret";
const CHAT = "-1001234567890";

let env: TestEnv;
let ingest: RunningIngest;
let query: QueryApp;
let queryUrl: string;
let telegram: FakeTelegram;
let crm: { url: string; close(): Promise<void> };
let vars: Record<string, string>;
const logged: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    logged.push(String(chunk));
    done();
  },
});
const logger = createLogger("sale-notifications", "debug", capture);

/** A CRM stand-in that refuses every token (401), as amoCRM does for a revoked one. */
async function startRefusingCrm(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const server = createServer((_req, res) => {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ title: "Unauthorized", status: 401 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sale(lead: number, seq: number, extra: Partial<SaleNotice> = {}): SaleNotice {
  return {
    type: "sale_won",
    project_id: A,
    lead_id: lead,
    event_seq: seq,
    sold_at: new Date().toISOString(),
    amount: 490000,
    currency: "KZT",
    product: "Flagship course",
    pipeline_id: 7001,
    manager: "Aigerim",
    client_name: `Client ${lead}`,
    team: "Kenesary",
    client_phone: null,
    utm_source: "fb_kenesary",
    utm_campaign: `campaign-${lead}`,
    utm_content: null,
    ...extra,
  };
}

/** Publishes notices as the projector's outbox relay does (msgID per notice). */
async function publishSales(notices: SaleNotice[], msgPrefix: string): Promise<void> {
  const scheme = { root: vars["SUBJECT_ROOT"] as string };
  for (const n of notices)
    await env.nats.js.publish(saleUpdatesSubject(scheme, n.project_id), JSON.stringify(n), {
      msgID: `${msgPrefix}:${n.project_id}:${n.lead_id}:${n.event_seq}`,
    });
}

async function call(
  method: "GET" | "PATCH" | "POST",
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
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

const deliveredFor = (lead: number) =>
  telegram.delivered().filter((r) => r.text.includes(`campaign-${lead}`) && !r.text.startsWith("[test]"));

before(async () => {
  env = await createTestEnv("salenotify");
  telegram = await startFakeTelegram([BOT_TOKEN]);
  crm = await startRefusingCrm();
  vars = {
    ...env.env,
    NODE_ENV: "test",
    PORT: "0",
    INGEST_PORT: "0",
    INGEST_HOST: "127.0.0.1",
    ...INGEST_WITHOUT_CRM_CALLS,
    TELEGRAM_API_URL: telegram.url,
    TELEGRAM_RETRY_MIN_DELAY_MS: "20",
    CRM_RETRIES: "0",
    CRM_MIN_REQUEST_INTERVAL_MS: "0",
    AMOCRM_MIN_REQUEST_INTERVAL_MS: "0",
    HEALTH_FLUSH_MS: "0",
  };
  const ctx = {
    nats: env.nats,
    config: loadConfig(IngestConfig, vars),
    logger,
    env: vars,
    out: () => undefined,
  };
  await projectRegisterCommand(ctx, {
    id: A,
    name: A,
    kind: "amocrm",
    timeZone: "Asia/Almaty",
    webhookSecret: "sale-notifications-webhook-secret",
    baseUrl: crm.url,
    token: CRM_TOKEN,
  });
  await projectRegisterCommand(ctx, {
    id: B,
    name: B,
    kind: "keycrm",
    timeZone: "Europe/Kyiv",
    webhookSecret: "sale-notifications-webhook-secret",
    baseUrl: "http://127.0.0.1:1/v1",
    token: CRM_TOKEN,
  });
  for (const [id, kind, url] of [
    [A, "amocrm", crm.url],
    [B, "keycrm", "http://127.0.0.1:1/v1"],
  ] as const)
    await env.db
      .insertInto("rm.projects")
      .values({
        project_id: id,
        name: id,
        kind,
        base_url: url,
        time_zone: "UTC",
        active: true,
        registered_at: new Date("2026-12-01T00:00:00Z"),
        event_seq: 1,
      })
      .execute();
  ingest = await startIngest({ env: vars, logger });
  query = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: loadQueryConfig(vars),
    logger,
    clock: () => new Date(),
  });
  queryUrl = (await query.listen({ port: 0, host: "127.0.0.1" })).replace("[::1]", "127.0.0.1");
  const adminA = await seedUser(env.db, { login: "adam" });
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
  await telegram?.close();
  await crm?.close();
  const stream = env?.streamName;
  if (stream)
    for (const bucket of ["PROJECTS", "POLLERS", "HEALTH", "NOTIFIED", "ITEMS", "CONTACTS"])
      await env.nats.jsm.streams.delete(`KV_${stream}_${bucket}`).catch(() => undefined);
  await env?.close();
});

describe("sale notifications", () => {
  test("given no Telegram settings, when a sale is announced, then nothing is sent (off) and the test route answers 409 notifications_not_configured", async () => {
    await publishSales([sale(1, 1)], "live");
    await ingest.saleNotifications?.idle();
    assert.equal(telegram.requests.length, 0);
    const res = await call("POST", `/api/notifications/test?project=${A}`, { token: ADMIN_A });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json["code"], "notifications_not_configured");
  });

  test("given an admin, when it sets the bot token, chat and template, then the answer and the viewer's health show the settings without the token, and a viewer cannot change them", async () => {
    const res = await call("PATCH", `/api/projects/${A}`, {
      token: ADMIN_A,
      body: {
        telegram: {
          bot_token: BOT_TOKEN,
          chat_id: CHAT,
          template: "Sale {amount} by {team}: {client}, {product}, {campaign}",
        },
      },
    });
    assert.equal(res.status, 200, res.text);
    const t = res.json["telegram"] as Record<string, unknown>;
    assert.equal(t["bot_token_set"], true);
    assert.equal(t["enabled"], true);
    assert.match(String(t["bot_token_fingerprint"]), /^[0-9a-f]{12}$/);
    assert.ok(!res.text.includes(BOT_TOKEN));
    await waitFor(
      "ingest's registry",
      async () => ingest.registry.get(A)?.record.telegram?.bot_token === BOT_TOKEN,
    );
    const denied = await call("PATCH", `/api/projects/${A}`, { token: VIEWER_A, body: { telegram: null } });
    assert.equal(denied.status, 403);
    const health = await call("GET", `/api/integrations/health?project=${A}`, { token: VIEWER_A });
    assert.equal(health.status, 200, health.text);
    const n = health.json["notifications"] as Record<string, unknown>;
    assert.equal(n["configured"], true);
    assert.equal(n["chat_id"], null, "viewers do not see the chat");
    const asAdmin = await call("GET", `/api/integrations/health?project=${A}`, { token: ADMIN_A });
    assert.equal((asAdmin.json["notifications"] as Record<string, unknown>)["chat_id"], CHAT);
    assert.ok(!asAdmin.text.includes(BOT_TOKEN));
  });

  test("given 429 with retry_after and 500 answers, when three sales are announced (one of them twice, as a lead won again), then each sale is delivered exactly once with the template", async () => {
    telegram.script(/campaign-11/, [{ status: 429, retryAfter: 1 }, { status: 500 }]);
    await publishSales([sale(11, 11), sale(12, 12), sale(13, 13), sale(12, 14)], "live");
    await ingest.saleNotifications?.idle();
    for (const lead of [11, 12, 13]) assert.equal(deliveredFor(lead).length, 1, `lead ${lead}`);
    const statuses = telegram.requests.filter((r) => r.text.includes("campaign-11")).map((r) => r.status);
    assert.deepEqual(statuses, [429, 500, 200], "retried after 429 and 500");
    assert.equal(
      deliveredFor(11)[0]?.text,
      "Sale 490 000 KZT by Kenesary: Client 11, Flagship course, campaign-11",
    );
    assert.equal(deliveredFor(11)[0]?.chatId, CHAT);
  });

  test("given a sale won three days ago (history imported by a catch-up), when it is announced, then nothing is sent and no claim is made", async () => {
    const before = telegram.delivered().length;
    const old = new Date(Date.now() - 72 * 3_600_000).toISOString();
    await publishSales([sale(19, 19, { sold_at: old })], "history");
    await ingest.saleNotifications?.idle();
    assert.equal(telegram.delivered().length, before);
    assert.equal(deliveredFor(19).length, 0);
  });

  test("given the sales were notified, when their notices are published again (a replay or a reset consumer), then nothing is re-notified", async () => {
    const before = telegram.delivered().length;
    await publishSales([sale(11, 11), sale(12, 12), sale(13, 13)], "replay");
    await ingest.saleNotifications?.idle();
    assert.equal(telegram.delivered().length, before);
  });

  test("given a worker killed after Telegram took the message but before it recorded it, when a worker restarts, then the sale is marked unconfirmed and never resent", async () => {
    await ingest.saleNotifications?.close();
    const doomedNats = await connectNats(vars["NATS_URL"] as string, "doomed-worker");
    const workerDeps = {
      eventsStream: env.streamName,
      scheme: { root: vars["SUBJECT_ROOT"] as string },
      registry: ingest.registry,
      health: ingest.health,
      telegram: {
        apiUrl: telegram.url,
        retries: 2,
        minRetryDelayMs: 20,
        maxRetryDelayMs: 1000,
        timeoutMs: 5000,
      },
      logger,
      ackWaitMs: 1500,
    };
    const crashed = createSaleNotificationsWorker({ ...workerDeps, nats: doomedNats });
    await crashed.start();
    // Telegram takes the message; the worker's connection dies before the answer reaches it.
    telegram.script(/campaign-21/, [{ status: 200, before: () => doomedNats.nc.close() }]);
    await publishSales([sale(21, 21)], "live");
    await waitFor("Telegram to take the message", async () => deliveredFor(21).length === 1);
    await crashed.close().catch(() => undefined);

    const restarted = createSaleNotificationsWorker({ ...workerDeps, nats: env.nats });
    await restarted.start();
    await restarted.idle(20_000);
    await restarted.close();
    assert.equal(deliveredFor(21).length, 1, "not resent");
    const bucket = notifiedBucketName(env.streamName);
    const entry = await env.nats.jsm.streams.getMessage(`KV_${bucket}`, {
      last_by_subj: `$KV.${bucket}.${A}.21`,
    });
    assert.equal(entry?.json<{ state: string }>().state, "unconfirmed");
    await ingest.health.flush();
    const health = await call("GET", `/api/integrations/health?project=${A}`, { token: ADMIN_A });
    const n = health.json["notifications"] as Record<string, unknown>;
    assert.equal(n["sent"], 3);
    assert.equal(n["unconfirmed"], 1);
    assert.equal(n["failed"], 0);
  });

  test("given an admin, when it asks for a test message, then the chat gets it (200 with the message id); a viewer gets 403, another project's admin 404", async () => {
    const res = await call("POST", `/api/notifications/test?project=${A}`, { token: ADMIN_A });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json["sent"], true);
    assert.equal(typeof res.json["message_id"], "number");
    assert.ok(telegram.delivered().some((r) => r.text.startsWith("[test] Sale 5 000 KZT by Test team")));
    const viewer = await call("POST", `/api/notifications/test?project=${A}`, { token: VIEWER_A });
    assert.equal(viewer.status, 403);
    const stranger = await call("POST", `/api/notifications/test?project=${A}`, { token: ADMIN_B });
    assert.equal(stranger.status, 404);
  });

  test("given a revoked bot token, when a test is asked, then 409 notification_send_failed with the Bot API's 401, and the health shows the error", async () => {
    const res = await call("PATCH", `/api/projects/${A}`, {
      token: ADMIN_A,
      body: { telegram: { bot_token: "987654321:AAF-revoked-bot-token-abcdefghijk" } },
    });
    assert.equal(res.status, 200, res.text);
    await waitFor(
      "ingest's registry",
      async () => ingest.registry.get(A)?.record.telegram?.bot_token.startsWith("987") === true,
    );
    const test1 = await call("POST", `/api/notifications/test?project=${A}`, { token: ADMIN_A });
    assert.equal(test1.status, 409, test1.text);
    assert.equal(test1.json["code"], "notification_send_failed");
    assert.match(String(test1.json["detail"]), /401/);
    await ingest.health.flush();
    const health = await call("GET", `/api/integrations/health?project=${A}`, { token: ADMIN_A });
    const err = (health.json["notifications"] as { last_error: { status: number } }).last_error;
    assert.equal(err.status, 401);
  });
});

describe("integration health", () => {
  test("given a CRM that refuses the token, when ingest calls it, then the health shows it reachable with an invalid token and the 401", async () => {
    await assert.rejects(ingest.amocrmCatchup.runOnce(A), /401/);
    await ingest.health.flush();
    const res = await call("GET", `/api/integrations/health?project=${A}`, { token: VIEWER_A });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json["kind"], "amocrm");
    const apis = res.json["apis"] as Record<string, unknown>[];
    const crmHealth = apis.find((a) => a["api"] === "crm");
    assert.equal(crmHealth?.["configured"], true);
    assert.equal(crmHealth?.["reachable"], true);
    assert.equal(crmHealth?.["token_valid"], false);
    assert.equal((crmHealth?.["last_error"] as { status: number }).status, 401);
    assert.equal(crmHealth?.["last_success_at"], null);
    const radist = apis.find((a) => a["api"] === "radist");
    assert.equal(radist?.["configured"], false);
    assert.equal(radist?.["reachable"], null, "never called");
    assert.ok(!res.text.includes(CRM_TOKEN));
  });

  test("given a CRM that does not answer, when ingest calls it, then the health shows it unreachable with no status; another project's caller gets 404", async () => {
    await assert.rejects(ingest.keycrmCatchup.runOnce(B));
    await ingest.health.flush();
    const res = await call("GET", `/api/integrations/health?project=${B}`, { token: ADMIN_B });
    assert.equal(res.status, 200, res.text);
    const crmHealth = (res.json["apis"] as Record<string, unknown>[]).find((a) => a["api"] === "crm");
    assert.equal(crmHealth?.["reachable"], false);
    assert.equal((crmHealth?.["last_error"] as { status: number | null }).status, null);
    assert.equal(crmHealth?.["token_valid"], null);
    const stranger = await call("GET", `/api/integrations/health?project=${B}`, { token: ADMIN_A });
    assert.equal(stranger.status, 404);
  });

  test("given every request above, then no log line carries the bot token or the CRM token", () => {
    assert.ok(logged.length > 0);
    for (const line of logged) {
      assert.ok(!line.includes(BOT_TOKEN), `a log line carries the bot token: ${line.slice(0, 300)}`);
      assert.ok(!line.includes(CRM_TOKEN), `a log line carries the CRM token: ${line.slice(0, 300)}`);
    }
  });
});
