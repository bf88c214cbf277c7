import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodeEvent, type WebhookReceipt, WebhookReceiptBatch } from "@pulse/events";
import { ensureStreams } from "@pulse/infra";
import { waitFor } from "@pulse/infra/testing";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { monotonicFactory } from "ulid";
import { buildIngestApp } from "./app.js";
import {
  openProjectRegistry,
  openProjectsBucket,
  type ProjectRegistry,
  putProject,
  registerProject,
  sha256Hex,
} from "./project-registry.js";
import { defaultFixturesDir } from "./testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "./testing/ingest-test-env.js";

const fixtures = defaultFixturesDir();
const SECRET = "kyiv-secret-123";
const AMO_SECRET = "amo-secret-456";
const keycrmBody = {
  event: "order.change_order_status",
  context: {
    id: 15734,
    status_group_id: 5,
    status_id: 12,
    manager_id: 4,
    status_changed_at: "2025-03-14T12:05:41.000000Z",
    created_at: "2025-03-10T08:11:02.000000Z",
  },
};
const amoStatus2021 = readFileSync(join(fixtures, "real/amocrm-2021-leads-status.urlencoded"), "utf8").trim();
const amoTwoLeads = readFileSync(join(fixtures, "amocrm/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.includes("leads%5Bstatus%5D%5B1%5D"))
  .map((l) => (JSON.parse(l) as { body: string }).body)[0];

let t: IngestTestEnv;
let registry: ProjectRegistry;
let projectsKv: Awaited<ReturnType<typeof openProjectsBucket>>;
let app: FastifyInstance;

const post = (url: string, payload: string, contentType: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "POST", url, payload, headers: { "content-type": contentType, ...headers } });
const postKeycrm = (body: unknown, query = `?secret=${SECRET}`, project = "shop-kyiv") =>
  post(
    `/webhooks/keycrm/${project}${query}`,
    typeof body === "string" ? body : JSON.stringify(body),
    "application/json",
  );
const postAmo = (raw: string, query = `?secret=${AMO_SECRET}`, project = "demoacademy") =>
  post(`/webhooks/amocrm/${project}${query}`, raw, "application/x-www-form-urlencoded");

before(async () => {
  t = await createIngestTestEnv("ingesthttp");
  const { env, config, logger } = t;
  const ulid = monotonicFactory();
  const base = { time_zone: "Europe/Kyiv", active: true, api_token: null };
  await registerProject(
    {
      js: env.nats.js,
      eventsStream: env.streamName,
      scheme: { root: env.subjectRoot },
      now: new Date(),
      newId: () => ulid(),
    },
    {
      ...base,
      project_id: "shop-kyiv",
      name: "Kyiv",
      kind: "keycrm",
      base_url: null,
      webhook_secret: SECRET,
      api_token: "tok-kyiv-1",
    },
  );
  const kv = await openProjectsBucket(env.nats.js, env.streamName);
  projectsKv = kv;
  await putProject(kv, {
    ...base,
    project_id: "demoacademy",
    name: "Demo",
    kind: "amocrm",
    base_url: null,
    webhook_secret_sha256: sha256Hex(AMO_SECRET),
  });
  await putProject(kv, {
    ...base,
    project_id: "sleepy",
    name: "Inactive",
    kind: "keycrm",
    base_url: null,
    active: false,
    webhook_secret_sha256: sha256Hex(SECRET),
  });
  registry = await openProjectRegistry(env.nats.js, env.streamName, logger);
  app = await buildIngestApp({
    nats: env.nats,
    config: { ...config, WEBHOOK_BODY_LIMIT_BYTES: 64 * 1024 },
    logger,
    registry,
  });
});

/** The projects of one test that counts receipts (see {@link freshProjects}). */
interface TestProjects {
  /** A KeyCRM project with {@link SECRET}. */
  readonly keycrm: string;
  /** An amoCRM project with {@link AMO_SECRET}. */
  readonly amocrm: string;
  /** An inactive KeyCRM project with {@link SECRET}. */
  readonly inactive: string;
  /** A project id nobody registered. */
  readonly unknown: string;
}

let projectSerial = 0;

/**
 * Registers fresh KeyCRM, amoCRM and inactive projects for one test and waits until the registry
 * serves them. Receipts are batched and published after the answer, so an earlier test's receipt
 * may still be on its way when the next test starts: a test that counts receipts counts only those
 * of its own projects.
 */
async function freshProjects(): Promise<TestProjects> {
  projectSerial += 1;
  const p: TestProjects = {
    keycrm: `kyiv-${projectSerial}`,
    amocrm: `academy-${projectSerial}`,
    inactive: `sleepy-${projectSerial}`,
    unknown: `nobody-${projectSerial}`,
  };
  const base = { time_zone: "Europe/Kyiv", api_token: null, base_url: null };
  await putProject(projectsKv, {
    ...base,
    project_id: p.keycrm,
    name: "Kyiv",
    kind: "keycrm",
    active: true,
    webhook_secret_sha256: sha256Hex(SECRET),
  });
  await putProject(projectsKv, {
    ...base,
    project_id: p.amocrm,
    name: "Demo",
    kind: "amocrm",
    active: true,
    webhook_secret_sha256: sha256Hex(AMO_SECRET),
  });
  await putProject(projectsKv, {
    ...base,
    project_id: p.inactive,
    name: "Inactive",
    kind: "keycrm",
    active: false,
    webhook_secret_sha256: sha256Hex(SECRET),
  });
  await waitFor(
    "the registry to serve the test's projects",
    async () => registry.get(p.keycrm) && registry.get(p.amocrm) && registry.get(p.inactive),
  );
  return p;
}

/** The receipts of `p`'s projects in the receipts stream, in stream order. */
async function receiptsOf(p: TestProjects): Promise<WebhookReceipt[]> {
  const ids = new Set<string>(Object.values(p));
  return (await t.receipts()).filter((r) => ids.has(r.project_id));
}

after(async () => {
  await app?.close();
  await registry?.close();
  await t?.close();
});

describe("webhooks → JetStream", () => {
  test("given a registered project, when the registry is opened, then it holds the KV records, secrets only as digests", () => {
    assert.equal(registry.get("shop-kyiv")?.record.kind, "keycrm");
    assert.equal(registry.get("shop-kyiv")?.record.webhook_secret_sha256, sha256Hex(SECRET));
    assert.equal(registry.get("demoacademy")?.record.kind, "amocrm");
  });

  test("given a valid KeyCRM delivery, when posted, then 200 after the ack and one event on the order subject with msg id = dedup key", async () => {
    const before = await t.eventCount();
    const res = await postKeycrm(keycrmBody);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: 1, duplicates: 0, ignored: 0 });
    assert.equal(await t.eventCount(), before + 1);
    const msg = await t.eventAt(before + 1);
    assert.equal(msg.subject, `${t.env.subjectRoot}.events.shop-kyiv.order.15734`);
    assert.equal(msg.header.get("Nats-Msg-Id"), "keycrm:shop-kyiv:15734:2025-03-14T12:05:41.000Z:12");
    const decoded = decodeEvent(msg.data);
    assert.ok(decoded.ok && decoded.event.type === "order.status_changed");
    assert.equal(decoded.event.data.status_group_id, 5);
    assert.equal(decoded.event.raw?.body, JSON.stringify(keycrmBody));
  });

  test("given the same KeyCRM delivery again, when posted, then it counts as a duplicate and the stream is unchanged", async () => {
    const before = await t.eventCount();
    const res = await postKeycrm(keycrmBody);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: 0, duplicates: 1, ignored: 0 });
    assert.equal(await t.eventCount(), before);
  });

  test("given a payment-status delivery, when posted, then 200 ignored and nothing published", async () => {
    const before = await t.eventCount();
    const res = await postKeycrm({ event: "order.change_payment_status", context: { id: 1, status_id: 2 } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: 0, duplicates: 0, ignored: 1 });
    assert.equal(await t.eventCount(), before);
  });

  test("given the secret in the X-Webhook-Secret header or the token parameter, when posted, then accepted", async () => {
    const body = {
      event: "order.change_order_status",
      context: { id: 77, status_id: 3, status_changed_at: "2026-10-12 04:27:45" },
    };
    const a = await post("/webhooks/keycrm/shop-kyiv", JSON.stringify(body), "application/json", {
      "x-webhook-secret": SECRET,
    });
    assert.equal(a.statusCode, 200);
    assert.equal(a.json().accepted, 1);
    const b = await postKeycrm(body, `?token=${SECRET}`);
    assert.deepEqual(b.json(), { accepted: 0, duplicates: 1, ignored: 0 });
  });

  test("given an amoCRM status body, when posted, then one event on the lead subject with the account-webhook key", async () => {
    const before = await t.eventCount();
    const res = await postAmo(amoStatus2021);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: 1, duplicates: 0, ignored: 0 });
    const msg = await t.eventAt(before + 1);
    assert.equal(msg.subject, `${t.env.subjectRoot}.events.demoacademy.lead.30267969`);
    assert.equal(msg.header.get("Nats-Msg-Id"), "amocrm:demoacademy:30267969:status:16525558:1615985846");
    const again = await postAmo(amoStatus2021);
    assert.deepEqual(again.json(), { accepted: 0, duplicates: 1, ignored: 0 });
    assert.equal(await t.eventCount(), before + 1);
  });

  test("given a body with two leads, when posted, then two events, one per lead subject", async () => {
    assert.ok(amoTwoLeads, "the corpus has a two-lead body");
    const before = await t.eventCount();
    const res = await postAmo(amoTwoLeads);
    assert.deepEqual(res.json(), { accepted: 2, duplicates: 0, ignored: 0 });
    const subjects = [(await t.eventAt(before + 1)).subject, (await t.eventAt(before + 2)).subject];
    assert.equal(new Set(subjects).size, 2);
    for (const s of subjects)
      assert.match(s, new RegExp(`^${t.env.subjectRoot}\\.events\\.demoacademy\\.lead\\.\\d+$`));
  });

  test("given an accepted delivery, when answered, then a receipt with outcome accepted reaches the receipts stream in a batch", async () => {
    const p = await freshProjects();
    const res = await postKeycrm(
      {
        event: "order.change_order_status",
        context: { id: 99, status_id: 1, status_changed_at: "2026-10-12T04:27:45.000000Z" },
      },
      `?secret=${SECRET}`,
      p.keycrm,
    );
    assert.equal(res.statusCode, 200);
    await waitFor("the receipt", async () => (await receiptsOf(p)).length > 0);
    const m = await t.env.nats.jsm.streams.getMessage(`${t.env.streamName}_RECEIPTS`, {
      last_by_subj: `${t.env.subjectRoot}.receipts.${p.keycrm}.keycrm`,
    });
    assert.ok(m);
    const batch = WebhookReceiptBatch.parse(m.json());
    assert.equal(batch.receipts.length, 1);
    const receipt = batch.receipts[0];
    assert.equal(receipt?.project_id, p.keycrm);
    assert.equal(receipt?.outcome, "accepted");
    assert.equal(receipt?.published, 1);
    assert.equal(receipt?.http_status, 200);
  });

  test("given many deliveries answered at once, when their receipts are published, then they share messages and none is lost", async () => {
    const p = await freshProjects();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        postKeycrm(
          {
            event: "order.change_order_status",
            context: { id: 7000 + i, status_id: 2, status_changed_at: "2026-10-12T05:00:00.000000Z" },
          },
          `?secret=${SECRET}`,
          p.keycrm,
        ),
      ),
    );
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      answers.map(() => 200),
    );
    await waitFor("40 receipts", async () => (await receiptsOf(p)).length >= 40);
    const added = await receiptsOf(p);
    assert.equal(added.length, 40);
    assert.ok(added.every((r) => r.project_id === p.keycrm && r.outcome === "accepted"));
    const subject = `${t.env.subjectRoot}.receipts.${p.keycrm}.keycrm`;
    const info = await t.env.nats.jsm.streams.info(`${t.env.streamName}_RECEIPTS`, {
      subjects_filter: subject,
    });
    const messages = info.state.subjects?.[subject] ?? 0;
    assert.ok(messages >= 1 && messages < 40, `40 receipts took ${messages} messages`);
  });
});

describe("rejected deliveries publish nothing to the events stream", () => {
  const unauthorized: [string, (p: TestProjects) => ReturnType<typeof post>][] = [
    ["an unknown project", (p) => postKeycrm(keycrmBody, `?secret=${SECRET}`, p.unknown)],
    ["a wrong secret", (p) => postKeycrm(keycrmBody, "?secret=wrong-secret", p.keycrm)],
    ["no secret", (p) => postKeycrm(keycrmBody, "", p.keycrm)],
    ["an inactive project", (p) => postKeycrm(keycrmBody, `?secret=${SECRET}`, p.inactive)],
    ["a KeyCRM project on the amoCRM endpoint", (p) => postAmo(amoStatus2021, `?secret=${SECRET}`, p.keycrm)],
    [
      "an amoCRM project on the KeyCRM endpoint",
      (p) => postKeycrm(keycrmBody, `?secret=${AMO_SECRET}`, p.amocrm),
    ],
  ];
  for (const [what, send] of unauthorized) {
    test(`given ${what}, when posted, then 401 problem+json, no event and no receipt`, async () => {
      const p = await freshProjects();
      const events = await t.eventCount();
      const res = await send(p);
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      const problem = res.json();
      assert.equal(problem.status, 401);
      assert.equal(problem.type, "urn:pulse:problem:unauthorized");
      assert.equal(typeof problem.title, "string");
      assert.equal(await t.eventCount(), events);
      // A marker delivery (ignored: it stores no event) queues its receipt after anything the 401
      // could have queued; once it is in the stream, the 401's absence is certain.
      const marker = await postKeycrm(
        { event: "order.change_payment_status", context: { id: 1 } },
        `?secret=${SECRET}`,
        p.keycrm,
      );
      assert.equal(marker.statusCode, 200);
      await waitFor("the marker receipt", async () => (await receiptsOf(p)).length > 0);
      assert.deepEqual(
        (await receiptsOf(p)).map((r) => [r.project_id, r.outcome]),
        [[p.keycrm, "ignored"]],
      );
      assert.equal(await t.eventCount(), events);
    });
  }

  const invalid: [string, (p: TestProjects) => ReturnType<typeof post>, number][] = [
    [
      "malformed JSON",
      (p) => postKeycrm('{"event":"order.change_order_status","context":{', `?secret=${SECRET}`, p.keycrm),
      400,
    ],
    ["an empty JSON body", (p) => postKeycrm("", `?secret=${SECRET}`, p.keycrm), 400],
    [
      "a missing order id",
      (p) =>
        postKeycrm(
          { event: "order.change_order_status", context: { status_id: 1 } },
          `?secret=${SECRET}`,
          p.keycrm,
        ),
      400,
    ],
    [
      "a non-numeric status id",
      (p) =>
        postKeycrm(
          { event: "order.change_order_status", context: { id: 1, status_id: "x" } },
          `?secret=${SECRET}`,
          p.keycrm,
        ),
      400,
    ],
    [
      "an unparseable date",
      (p) =>
        postKeycrm(
          {
            event: "order.change_order_status",
            context: { id: 1, status_id: 1, status_changed_at: "32.13.2026" },
          },
          `?secret=${SECRET}`,
          p.keycrm,
        ),
      400,
    ],
    [
      "a text/plain body",
      (p) => post(`/webhooks/keycrm/${p.keycrm}?secret=${SECRET}`, JSON.stringify(keycrmBody), "text/plain"),
      415,
    ],
    [
      "a form body on the KeyCRM endpoint",
      (p) =>
        post(`/webhooks/keycrm/${p.keycrm}?secret=${SECRET}`, "a=1", "application/x-www-form-urlencoded"),
      415,
    ],
    [
      "a JSON body on the amoCRM endpoint",
      (p) => post(`/webhooks/amocrm/${p.amocrm}?secret=${AMO_SECRET}`, "{}", "application/json"),
      415,
    ],
    [
      "an oversized body (> 64 KiB)",
      (p) => postKeycrm({ ...keycrmBody, pad: "x".repeat(70 * 1024) }, `?secret=${SECRET}`, p.keycrm),
      413,
    ],
    [
      "an amoCRM body without a lead id",
      (p) => postAmo("leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=1", `?secret=${AMO_SECRET}`, p.amocrm),
      400,
    ],
    ["an empty amoCRM body", (p) => postAmo("", `?secret=${AMO_SECRET}`, p.amocrm), 400],
  ];
  for (const [what, send, status] of invalid) {
    test(`given ${what}, when posted by an authenticated project, then ${status}, no event, and a rejected receipt`, async () => {
      const p = await freshProjects();
      const events = await t.eventCount();
      const res = await send(p);
      assert.equal(res.statusCode, status);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(res.json().status, status);
      assert.ok(res.json().detail.length > 0);
      await waitFor("the rejected receipt", async () => (await receiptsOf(p)).length > 0);
      const [receipt, ...more] = await receiptsOf(p);
      assert.equal(more.length, 0);
      assert.equal(receipt?.outcome, "rejected");
      assert.equal(receipt?.http_status, status);
      assert.equal(await t.eventCount(), events);
    });
  }

  test("given an unknown route, when requested, then 404 problem+json", async () => {
    const res = await app.inject({ method: "GET", url: "/webhooks/keycrm/shop-kyiv?secret=s3cr3t" });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().type, "urn:pulse:problem:not_found");
    assert.doesNotMatch(res.body, /s3cr3t/);
  });
});

describe("registry updates and logs", () => {
  test("given a project deactivated in KV, when the watch delivers it, then its next delivery is 401 without any KV read", async () => {
    const kv = await openProjectsBucket(t.env.nats.js, t.env.streamName);
    const record = {
      project_id: "late",
      name: "Late",
      kind: "keycrm" as const,
      base_url: null,
      time_zone: "UTC",
      active: true,
      webhook_secret_sha256: sha256Hex(SECRET),
      api_token: null,
    };
    await putProject(kv, record);
    await waitFor("the new project", async () => registry.get("late")?.record.active === true);
    const body = {
      event: "order.change_order_status",
      context: { id: 8, status_id: 1, status_changed_at: "2026-10-14 10:00:00" },
    };
    assert.equal((await postKeycrm(body, `?secret=${SECRET}`, "late")).statusCode, 200);
    await putProject(kv, { ...record, active: false });
    await waitFor("the deactivation", async () => registry.get("late")?.record.active === false);
    assert.equal((await postKeycrm(body, `?secret=${SECRET}`, "late")).statusCode, 401);
  });

  test("given requests carrying secrets, when logged at debug level, then no log line contains a secret", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    const logged = await buildIngestApp({ nats: t.env.nats, config: t.config, logger, registry });
    try {
      const body = JSON.stringify({ event: "order.change_order_status", context: { id: 9, status_id: 1 } });
      await logged.inject({
        method: "POST",
        url: `/webhooks/keycrm/shop-kyiv?secret=${SECRET}`,
        payload: body,
        headers: { "content-type": "application/json" },
      });
      await logged.inject({
        method: "POST",
        url: "/webhooks/keycrm/shop-kyiv?secret=guess-secret-1",
        payload: body,
        headers: { "content-type": "application/json" },
      });
      await logged.inject({
        method: "POST",
        url: "/webhooks/keycrm/shop-kyiv",
        payload: "{",
        headers: { "content-type": "application/json", "x-webhook-secret": SECRET },
      });
      await logged.inject({ method: "GET", url: `/nowhere?token=${SECRET}` });
    } finally {
      await logged.close();
    }
    assert.ok(lines.length >= 4, `got ${lines.length} log lines`);
    for (const line of lines) {
      assert.doesNotMatch(line, new RegExp(SECRET));
      assert.doesNotMatch(line, /guess-secret-1/);
    }
    assert.ok(lines.some((l) => l.includes('"url":"/webhooks/keycrm/shop-kyiv?…"')));
  });
});

describe("health and JetStream outages", () => {
  test("given NATS and the events stream, when probed, then /health and /ready answer 200", async () => {
    assert.equal((await app.inject("/health")).statusCode, 200);
    const ready = await app.inject("/ready");
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().stream, t.env.streamName);
  });

  test("given the events stream is gone, when a delivery is posted, then 503 with Retry-After at once (not after the ack timeout), fixed detail, nothing stored", async () => {
    // amoCRM waits 2 s for an answer: a missing stream must be known from NATS' answer, not from an
    // ack that never comes. With a 60 s ack timeout, an answer within 30 s can only be the former,
    // however busy the machine.
    const patient = await buildIngestApp({
      nats: t.env.nats,
      config: { ...t.config, PUBLISH_TIMEOUT_MS: 60_000 },
      logger: t.logger,
      registry,
    });
    await t.env.nats.jsm.streams.delete(t.env.streamName);
    try {
      const started = performance.now();
      const res = await patient.inject({
        method: "POST",
        url: `/webhooks/keycrm/shop-kyiv?secret=${SECRET}`,
        payload: JSON.stringify({
          event: "order.change_order_status",
          context: { id: 5, status_id: 5, status_changed_at: "2026-10-13 10:00:00" },
        }),
        headers: { "content-type": "application/json" },
      });
      const ms = performance.now() - started;
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers["retry-after"], String(t.config.WEBHOOK_RETRY_AFTER_SECONDS));
      assert.equal(res.json().detail, "the event store is temporarily unavailable; retry later");
      assert.ok(ms < 30_000, `answered after ${Math.round(ms)} ms: it waited for the ack timeout`);
      assert.equal((await app.inject("/ready")).statusCode, 503);
    } finally {
      await ensureStreams(t.env.nats.jsm, t.env.streamName, t.env.subjectRoot);
      await patient.close();
    }
    assert.equal(await t.eventCount(), 0);
  });
});
