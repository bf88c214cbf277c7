import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodeEvent, subjectToken } from "@pulse/events";
import { ensureStreams } from "@pulse/infra";
import type { FastifyInstance } from "fastify";
import { buildIngestApp } from "../http/app.js";
import {
  openProjectRegistry,
  openProjectsBucket,
  type ProjectRegistry,
  putProject,
  sha256Hex,
} from "../projects/project-registry.js";
import { defaultFixturesDir } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";

const SECRET = "evo-secret-789";
const lines = readFileSync(join(defaultFixturesDir(), "evolution/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim().length > 0);
type Body = { event: string; data: { key: { id: string; remoteJid: string }; messageTimestamp: number } };
/** A message delivered twice, the second time with a later messageTimestamp (evolution-api.md E9). */
const [original, redelivery] = (() => {
  const byId = new Map<string, string>();
  for (const line of lines) {
    const b = JSON.parse(line) as Body;
    if (b.event !== "messages.upsert") continue;
    const first = byId.get(b.data.key.id);
    if (first && (JSON.parse(first) as Body).data.messageTimestamp !== b.data.messageTimestamp)
      return [first, line];
    byId.set(b.data.key.id, line);
  }
  throw new Error("no re-timed duplicate in the corpus");
})();
const update = lines.find((l) => (JSON.parse(l) as Body).event === "messages.update") ?? "";
const group = lines.find((l) => l.includes("@g.us")) ?? "";

let t: IngestTestEnv;
let registry: ProjectRegistry;
let app: FastifyInstance;
const post = (body: string, project = "demoacademy", query = `?secret=${SECRET}`) =>
  app.inject({
    method: "POST",
    url: `/webhooks/evolution/${project}${query}`,
    payload: body,
    headers: { "content-type": "application/json" },
  });

before(async () => {
  t = await createIngestTestEnv("ingestevo");
  const kv = await openProjectsBucket(t.env.nats.js, t.env.streamName);
  const base = { time_zone: "Asia/Almaty", active: true, api_token: null, base_url: null };
  await putProject(kv, {
    ...base,
    project_id: "demoacademy",
    name: "Demo",
    kind: "amocrm",
    webhook_secret_sha256: sha256Hex(SECRET),
  });
  await putProject(kv, {
    ...base,
    project_id: "shop-kyiv",
    name: "Kyiv",
    kind: "keycrm",
    webhook_secret_sha256: sha256Hex(SECRET),
    phone_region: "UA",
  });
  registry = await openProjectRegistry(t.env.nats.js, t.env.streamName, t.logger);
  app = await buildIngestApp({
    nats: t.env.nats,
    config: { ...t.config, WEBHOOK_BODY_LIMIT_BYTES: 64 * 1024 },
    logger: t.logger,
    registry,
  });
});

after(async () => {
  await app?.close();
  await registry?.close();
  await t?.close();
});

describe("Evolution webhook → JetStream", () => {
  test("given a delivery and its re-delivery with a later timestamp, when posted, then one event that keeps the first timestamp", async () => {
    const before = await t.eventCount();
    const a = await post(original);
    assert.equal(a.statusCode, 200);
    assert.deepEqual(a.json(), { accepted: 1, duplicates: 0, ignored: 0 });
    const b = await post(redelivery);
    assert.equal(b.statusCode, 200);
    assert.deepEqual(b.json(), { accepted: 0, duplicates: 1, ignored: 0 });
    assert.equal(await t.eventCount(), before + 1);

    const first = JSON.parse(original) as Body;
    const msg = await t.eventAt(before + 1);
    assert.equal(msg.header.get("Nats-Msg-Id"), `chat:demoacademy:evolution:${first.data.key.id}`);
    const decoded = decodeEvent(msg.data);
    assert.ok(decoded.ok && decoded.event.type === "chat.message_received");
    assert.equal(decoded.event.data.sent_at, new Date(first.data.messageTimestamp * 1000).toISOString());
    assert.equal(decoded.event.data.phone, `+${first.data.key.remoteJid.split("@")[0]}`);
    assert.equal(
      msg.subject,
      `${t.env.subjectRoot}.events.demoacademy.chat.${subjectToken(decoded.event.data.phone ?? "")}`,
    );
    assert.equal(decoded.event.raw?.body, original);
    assert.equal(decoded.event.delivery?.source, "evolution");
    assert.equal(decoded.event.delivery?.events, 1);
  });

  test("given the duplicate, when answered, then its receipt says duplicate with source evolution (the stored original has none: its event carries the delivery)", async () => {
    // No wait: a request that stores nothing is answered after its receipt is stored.
    const receipts = (await t.receipts()).filter((r) => r.source === "evolution");
    assert.equal(receipts.length, 1);
    const receipt = receipts[0];
    assert.equal(receipt?.project_id, "demoacademy");
    assert.equal(receipt?.outcome, "duplicate");
    assert.equal(receipt?.duplicates, 1);
  });

  test("given messages.update and a group upsert, when posted, then 200 ignored and nothing stored", async () => {
    const before = await t.eventCount();
    for (const body of [update, group]) {
      const res = await post(body);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { accepted: 0, duplicates: 0, ignored: 1 });
    }
    assert.equal(await t.eventCount(), before);
  });

  test("given a KeyCRM project, when Evolution posts to it, then it is accepted (chat webhooks serve any project kind)", async () => {
    const body = JSON.parse(original) as Body & Record<string, unknown>;
    body.data.key.id = "3EB0AAAAAAAAAAAAAAAAAA";
    const res = await post(JSON.stringify(body), "shop-kyiv");
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().accepted, 1);
  });

  const rejected: [string, () => ReturnType<typeof post>, number][] = [
    ["a wrong secret", () => post(original, "demoacademy", "?secret=nope-nope"), 401],
    ["an unknown project", () => post(original, "nobody"), 401],
    ["malformed JSON", () => post("{not json"), 400],
    [
      "an upsert without key.id",
      () =>
        post(
          JSON.stringify({
            event: "messages.upsert",
            data: { key: { remoteJid: "7701@s.whatsapp.net", fromMe: false }, messageTimestamp: 1 },
          }),
        ),
      400,
    ],
    [
      "a body above the limit (inlined base64)",
      () => post(JSON.stringify({ ...JSON.parse(original), pad: "A".repeat(70 * 1024) })),
      413,
    ],
  ];
  for (const [what, send, status] of rejected) {
    test(`given ${what}, when posted, then ${status} problem+json and no event`, async () => {
      const before = await t.eventCount();
      const res = await send();
      assert.equal(res.statusCode, status);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(await t.eventCount(), before);
    });
  }

  test("given the events stream is gone, when a message is posted, then 503 with Retry-After (Evolution retries it)", async () => {
    await t.env.nats.jsm.streams.delete(t.env.streamName);
    try {
      const res = await post(lines.find((l) => l.includes('"fromMe":true')) ?? "");
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers["retry-after"], String(t.config.WEBHOOK_RETRY_AFTER_SECONDS));
    } finally {
      await ensureStreams(t.env.nats.jsm, t.env.streamName, t.env.subjectRoot);
    }
  });
});
