/**
 * Plausibility rules through the real webhook route (`app.inject` against real NATS): an
 * implausible delivery of each source is answered 400 problem+json whose detail names the field and
 * the value's problem, and the events stream does not grow — the route publishes only what the
 * normalizer returned, and a rejected delivery returns nothing. The plausible twin of each delivery
 * is accepted, so "nothing stored" is the rule's doing, not a broken route.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { defaultFixturesDir } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { buildWebhookTestApp } from "../testing/webhook-test-app.js";

const SECRET = "plausible-secret-01";
const fixtures = defaultFixturesDir();
const amo2021 = readFileSync(join(fixtures, "real/amocrm-2021-leads-status.urlencoded"), "utf8").trim();

let t: IngestTestEnv;
let app: FastifyInstance;

before(async () => {
  t = await createIngestTestEnv("ingestplausible");
  app = await buildWebhookTestApp(t, SECRET);
});

after(async () => {
  await app?.close();
  await t?.close();
});

const post = (source: string, project: string, payload: string, contentType: string) =>
  app.inject({
    method: "POST",
    url: `/webhooks/${source}/${project}?secret=${SECRET}`,
    payload,
    headers: { "content-type": contentType },
  });
const keycrm = (context: Record<string, unknown>) =>
  post(
    "keycrm",
    "shop",
    JSON.stringify({
      event: "order.change_order_status",
      context: {
        id: 15734,
        status_id: 12,
        status_group_id: 5,
        status_changed_at: "2025-03-14T12:05:41.000000Z",
        ...context,
      },
    }),
    "application/json",
  );
const evolution = (key: Record<string, unknown>, extra = "") =>
  post(
    "evolution",
    "amo",
    `{"event":"messages.upsert","instance":"wa-1","apikey":"instance-token","data":{"key":${JSON.stringify({
      remoteJid: "77011234567@s.whatsapp.net",
      fromMe: false,
      id: "3EB0C767D26A1D853909",
      ...key,
    })},"messageTimestamp":1792485171,"message":{"conversation":"Здравствуйте"${extra}}}}`,
    "application/json",
  );

describe("implausible deliveries through the webhook route", () => {
  // The detail names the field and the problem; a RegExp where another layer may word it.
  const rejected: [string, () => ReturnType<typeof post>, string | RegExp][] = [
    ["a KeyCRM order id 0", () => keycrm({ id: 0 }), "context.id must be a positive integer id, got 0"],
    [
      "a KeyCRM status id 0",
      () => keycrm({ status_id: 0 }),
      "context.status_id must be a positive integer id",
    ],
    [
      "a KeyCRM empty status_changed_at",
      () => keycrm({ status_changed_at: "", updated_at: "2025-03-14T12:05:41.000000Z" }),
      "context.status_changed_at is present but empty",
    ],
    [
      "a KeyCRM status time in 2100",
      () => keycrm({ status_changed_at: "2100-01-01T00:00:00.000000Z" }),
      "context.status_changed_at is implausible: 2100-01-01T00:00:00.000Z is more than 1 day after the receipt time",
    ],
    [
      "a KeyCRM status time in 1970",
      () => keycrm({ status_changed_at: "1970-01-01 00:00:00" }),
      "context.status_changed_at is implausible: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "an amoCRM status body cut before its account (lead first, 2021 order)",
      () =>
        post(
          "amocrm",
          "amo",
          amo2021.slice(0, amo2021.indexOf("&account")),
          "application/x-www-form-urlencoded",
        ),
      "account[subdomain] is missing",
    ],
    [
      "an amoCRM status body cut inside a key",
      () =>
        post(
          "amocrm",
          "amo",
          amo2021.slice(0, amo2021.indexOf("%5Bupdated_at%5D") + 8),
          "application/x-www-form-urlencoded",
        ),
      "the body looks truncated",
    ],
    [
      "an Evolution chat id of a bare @s.whatsapp.net",
      () => evolution({ remoteJid: "@s.whatsapp.net" }),
      'data.key.remoteJid must be a WhatsApp JID (<digits>@s.whatsapp.net, <digits>@lid, <digits>@g.us, status@broadcast), got "@s.whatsapp.net"',
    ],
    [
      "an Evolution chat id with SQL text",
      () => evolution({ remoteJid: "1'; DROP TABLE chats; --@s.whatsapp.net" }),
      "data.key.remoteJid must be a WhatsApp JID",
    ],
    [
      "an Evolution chat id with a NUL byte",
      () => evolution({ remoteJid: "77011234567\u0000@s.whatsapp.net" }),
      'got "77011234567\\u0000@s.whatsapp.net"',
    ],
    [
      "an Evolution body nested 100 000 levels (re-serialised for its apikey)",
      () => evolution({}, `,"x":${"[".repeat(100_000)}${"]".repeat(100_000)}`),
      // The route layer may refuse deep JSON before the normalizer does: either way a 400.
      /nest|deep|depth/i,
    ],
  ];
  for (const [what, send, detail] of rejected) {
    test(`given ${what}, when posted, then 400 problem+json naming the problem, and nothing is stored`, async () => {
      const events = await t.eventCount();
      const res = await send();
      assert.equal(res.statusCode, 400, res.body.slice(0, 300));
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      const problem = res.json() as { type: string; status: number; detail: string };
      assert.equal(problem.type, "urn:pulse:problem:validation_failed");
      assert.equal(problem.status, 400);
      if (typeof detail === "string") assert.ok(problem.detail.includes(detail), problem.detail);
      else assert.match(problem.detail, detail);
      assert.doesNotMatch(res.body, /instance-token/);
      assert.equal(await t.eventCount(), events);
    });
  }

  const accepted: [string, () => ReturnType<typeof post>][] = [
    ["the KeyCRM delivery with plausible values", () => keycrm({})],
    [
      "the KeyCRM delivery falling back to updated_at",
      () => keycrm({ status_changed_at: null, updated_at: "2025-03-14T12:06:00.000000Z" }),
    ],
    ["the whole amoCRM capture", () => post("amocrm", "amo", amo2021, "application/x-www-form-urlencoded")],
    ["the Evolution message with a phone JID", () => evolution({})],
    [
      "the Evolution message of a @lid chat",
      () => evolution({ remoteJid: "181744219537465@lid", id: "3A9F2B7C1D0E4F5A6B7C" }),
    ],
  ];
  for (const [what, send] of accepted) {
    test(`given ${what}, when posted, then 200 and one event stored (control)`, async () => {
      const events = await t.eventCount();
      const res = await send();
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.equal(res.json().accepted, 1);
      assert.equal(await t.eventCount(), events + 1);
    });
  }
});
