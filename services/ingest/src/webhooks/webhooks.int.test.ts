import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodeEvent } from "@pulse/events";
import { ensureStreams } from "@pulse/infra";
import { waitFor } from "@pulse/infra/testing";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { monotonicFactory } from "ulid";
import { buildIngestApp } from "../http/app.js";
import {
  openProjectRegistry,
  openProjectsBucket,
  type ProjectRegistry,
  putProject,
  registerProject,
  sha256Hex,
} from "../projects/project-registry.js";
import { defaultFixturesDir } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";

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
    // One request: both events name the same delivery, of two events (counted once by the projector).
    const deliveries = [];
    for (const seq of [before + 1, before + 2]) {
      const d = decodeEvent((await t.eventAt(seq)).data);
      assert.ok(d.ok);
      deliveries.push(d.event.delivery);
    }
    assert.equal(deliveries[0]?.id, deliveries[1]?.id);
    assert.deepEqual(
      deliveries.map((d) => [d?.source, d?.events]),
      [
        ["amocrm", 2],
        ["amocrm", 2],
      ],
    );
    for (const s of subjects)
      assert.match(s, new RegExp(`^${t.env.subjectRoot}\\.events\\.demoacademy\\.lead\\.\\d+$`));
  });

  test("given an accepted delivery, when answered, then its event carries the delivery and no receipt is written (the projector counts it from the event)", async () => {
    const receipts = (await t.receipts()).length;
    const before = await t.eventCount();
    const res = await postKeycrm({
      event: "order.change_order_status",
      context: { id: 99, status_id: 1, status_changed_at: "2026-10-12T04:27:45.000000Z" },
    });
    assert.equal(res.statusCode, 200);
    const decoded = decodeEvent((await t.eventAt(before + 1)).data);
    assert.ok(decoded.ok);
    assert.equal(decoded.event.delivery?.source, "keycrm");
    assert.equal(decoded.event.delivery?.events, 1);
    assert.match(decoded.event.delivery?.id ?? "", /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal((await t.receipts()).length, receipts);
  });

  test("given many deliveries that store nothing answered at once, when answered, then their receipts are already stored and share messages", async () => {
    const before = await t.receipts();
    const beforeMessages = (await t.env.nats.jsm.streams.info(`${t.env.streamName}_RECEIPTS`)).state.messages;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        postKeycrm({ event: "order.change_payment_status", context: { id: 7000 + i, status_id: 2 } }),
      ),
    );
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      answers.map(() => 200),
    );
    // No wait: a delivery that stores no event is answered only after its receipt is stored.
    const added = (await t.receipts()).slice(before.length);
    assert.equal(added.length, 40);
    assert.ok(added.every((r) => r.project_id === "shop-kyiv" && r.outcome === "ignored"));
    const messages =
      (await t.env.nats.jsm.streams.info(`${t.env.streamName}_RECEIPTS`)).state.messages - beforeMessages;
    assert.ok(messages < 40, `40 receipts took ${messages} messages`);
  });

  test("given a duplicate within the window, when answered, then a duplicate receipt is already stored", async () => {
    const receipts = (await t.receipts()).length;
    const res = await postKeycrm(keycrmBody);
    assert.deepEqual(res.json(), { accepted: 0, duplicates: 1, ignored: 0 });
    const added = (await t.receipts()).slice(receipts);
    assert.deepEqual(
      added.map((r) => [r.project_id, r.source, r.outcome, r.duplicates]),
      [["shop-kyiv", "keycrm", "duplicate", 1]],
    );
  });
});

describe("rejected deliveries publish nothing to the events stream", () => {
  // [what, request, the project and source it is counted for (null: an unknown project, only logged)]
  const unauthorized: [string, () => ReturnType<typeof post>, [string, string] | null][] = [
    ["an unknown project", () => postKeycrm(keycrmBody, `?secret=${SECRET}`, "nobody"), null],
    ["a wrong secret", () => postKeycrm(keycrmBody, "?secret=wrong-secret"), ["shop-kyiv", "keycrm"]],
    ["no secret", () => postKeycrm(keycrmBody, ""), ["shop-kyiv", "keycrm"]],
    [
      "an inactive project",
      () => postKeycrm(keycrmBody, `?secret=${SECRET}`, "sleepy"),
      ["sleepy", "keycrm"],
    ],
    [
      "a KeyCRM project on the amoCRM endpoint",
      () => postAmo(amoStatus2021, `?secret=${SECRET}`, "shop-kyiv"),
      ["shop-kyiv", "amocrm"],
    ],
    [
      "an amoCRM project on the KeyCRM endpoint",
      () => postKeycrm(keycrmBody, `?secret=${AMO_SECRET}`, "demoacademy"),
      ["demoacademy", "keycrm"],
    ],
  ];
  for (const [what, send, countedFor] of unauthorized) {
    const counted = countedFor ? `an unauthorized receipt for ${countedFor.join("/")}` : "no receipt";
    test(`given ${what}, when posted, then 401 problem+json, no event and ${counted}`, async () => {
      const events = await t.eventCount();
      const receipts = (await t.receipts()).length;
      const res = await send();
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      const problem = res.json();
      assert.equal(problem.status, 401);
      assert.equal(problem.type, "urn:pulse:problem:unauthorized");
      assert.equal(typeof problem.title, "string");
      assert.equal(await t.eventCount(), events);
      // A 401 for an existing project is answered after its receipt is stored; the marker (ignored:
      // it stores no event) likewise, so once it is answered, anything the 401 wrote is in the stream.
      const marker = await postKeycrm({ event: "order.change_payment_status", context: { id: 1 } });
      assert.equal(marker.statusCode, 200);
      const added = (await t.receipts()).slice(receipts);
      assert.deepEqual(
        added.map((r) => [r.project_id, r.source, r.outcome]),
        [...(countedFor ? [[...countedFor, "unauthorized"]] : []), ["shop-kyiv", "keycrm", "ignored"]],
      );
      assert.doesNotMatch(JSON.stringify(added), /wrong-secret|kyiv-secret|amo-secret/);
      assert.equal(await t.eventCount(), events);
    });
  }

  const invalid: [string, () => ReturnType<typeof post>, number][] = [
    ["malformed JSON", () => postKeycrm('{"event":"order.change_order_status","context":{'), 400],
    ["an empty JSON body", () => postKeycrm(""), 400],
    [
      "a missing order id",
      () => postKeycrm({ event: "order.change_order_status", context: { status_id: 1 } }),
      400,
    ],
    [
      "a non-numeric status id",
      () => postKeycrm({ event: "order.change_order_status", context: { id: 1, status_id: "x" } }),
      400,
    ],
    [
      "an unparseable date",
      () =>
        postKeycrm({
          event: "order.change_order_status",
          context: { id: 1, status_id: 1, status_changed_at: "32.13.2026" },
        }),
      400,
    ],
    [
      "a text/plain body",
      () => post(`/webhooks/keycrm/shop-kyiv?secret=${SECRET}`, JSON.stringify(keycrmBody), "text/plain"),
      415,
    ],
    [
      "a form body on the KeyCRM endpoint",
      () => post(`/webhooks/keycrm/shop-kyiv?secret=${SECRET}`, "a=1", "application/x-www-form-urlencoded"),
      415,
    ],
    [
      "a JSON body on the amoCRM endpoint",
      () => post(`/webhooks/amocrm/demoacademy?secret=${AMO_SECRET}`, "{}", "application/json"),
      415,
    ],
    ["an oversized body (> 64 KiB)", () => postKeycrm({ ...keycrmBody, pad: "x".repeat(70 * 1024) }), 413],
    ["an amoCRM body without a lead id", () => postAmo("leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=1"), 400],
    ["an empty amoCRM body", () => postAmo(""), 400],
  ];
  for (const [what, send, status] of invalid) {
    test(`given ${what}, when posted by an authenticated project, then ${status}, no event, and a rejected receipt`, async () => {
      const events = await t.eventCount();
      const receipts = (await t.receipts()).length;
      const res = await send();
      assert.equal(res.statusCode, status);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(res.json().status, status);
      assert.ok(res.json().detail.length > 0);
      // No wait: the 4xx is answered after its receipt is stored.
      const [receipt, ...more] = (await t.receipts()).slice(receipts);
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
