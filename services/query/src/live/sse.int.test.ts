import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { orderUpdatesSubject, streamPlans } from "@pulse/events";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { insertProject } from "../testing/fixtures.js";
import { anOrderUpdatedNotice, listenQueryApp } from "../testing/query-server.js";
import { openSse, type SseReader } from "../testing/sse-reader.js";

const TOKEN = "test-admin-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let env: TestEnv;
let app: QueryApp;
let base: string;
let updatesStream: string;
const readers: SseReader[] = [];

/** Publishes an order_updated notice of `projectId` and returns its updates-stream sequence. */
async function publishNotice(projectId: string, orderId: number): Promise<number> {
  const notice = anOrderUpdatedNotice(projectId, orderId, orderId);
  const ack = await env.nats.js.publish(
    orderUpdatesSubject({ root: env.subjectRoot }, projectId),
    JSON.stringify(notice),
  );
  return ack.seq;
}

async function open(query: string, headers: Record<string, string> = AUTH): Promise<SseReader> {
  const r = await openSse(`${base}/api/stream/orders?${query}`, headers);
  readers.push(r);
  return r;
}

async function consumerCount(): Promise<number> {
  return (await env.nats.jsm.consumers.list(updatesStream).next()).length;
}

const updates = (r: SseReader) => r.events.filter((e) => e.event === "order_updated");

before(async () => {
  env = await createTestEnv("qsse");
  updatesStream = streamPlans(env.streamName, env.subjectRoot).updates.name;
  ({ app, base } = await listenQueryApp(env, { adminToken: TOKEN, heartbeatMs: 150 }));
  await insertProject(env.db, "shop");
  await insertProject(env.db, "other");
});

after(async () => {
  for (const r of readers) r.close();
  await app?.close();
  await env?.close();
});

describe("GET /api/stream/orders", () => {
  test("given a connected client, when notices are published, then it receives the project's notices as order_updated with stream-sequence ids", async () => {
    // A notice from before the connection is not replayed to a fresh client.
    await publishNotice("shop", 1);
    const r = await open("project=shop");
    assert.equal(r.status, 200);
    assert.match(String(r.contentType), /^text\/event-stream/);
    const s2 = await publishNotice("shop", 2);
    await publishNotice("other", 3);
    const s4 = await publishNotice("shop", 4);
    const got = await r.take("order_updated", 2);
    assert.deepEqual(
      got.map((e) => e.id),
      [String(s2), String(s4)],
    );
    const first = JSON.parse(got[0]?.data ?? "{}");
    assert.equal(first.order_id, 2);
    assert.equal(first.project_id, "shop");
    assert.equal(first.type, "order_updated");
    // The other project's notice (between them) never arrives, nor the one from before connecting.
    const marker = await publishNotice("shop", 5);
    await r.take("order_updated", 3);
    assert.deepEqual(
      updates(r).map((e) => JSON.parse(e.data).order_id),
      [2, 4, 5],
    );
    assert.equal(updates(r)[2]?.id, String(marker));
    r.close();
  });

  test("given an idle stream, when SSE_HEARTBEAT_MS passes, then heartbeat events arrive without an id", async () => {
    const r = await open("project=shop");
    const beats = await r.take("heartbeat", 2);
    assert.equal(beats[0]?.id, undefined);
    assert.ok(Number.isFinite(Date.parse(JSON.parse(beats[0]?.data ?? "{}").at)));
    assert.equal(r.retry, 2000);
    r.close();
  });

  test("given a client that disconnected, when it reconnects with Last-Event-ID, then it gets exactly the missed notices, once", async () => {
    const r1 = await open("project=shop");
    const a = await publishNotice("shop", 10);
    const b = await publishNotice("shop", 11);
    const seen = await r1.take("order_updated", 2);
    assert.deepEqual(
      seen.map((e) => e.id),
      [String(a), String(b)],
    );
    r1.close();
    await waitFor(
      "the consumer of the closed stream to be deleted",
      async () => (await consumerCount()) === 0,
    );

    const m1 = await publishNotice("shop", 12);
    await publishNotice("other", 13);
    const m2 = await publishNotice("shop", 14);

    const r2 = await open("project=shop", { ...AUTH, "last-event-id": String(b) });
    await r2.take("order_updated", 2);
    const live = await publishNotice("shop", 15);
    await r2.take("order_updated", 3);
    assert.deepEqual(
      updates(r2).map((e) => e.id),
      [String(m1), String(m2), String(live)],
    );
    assert.deepEqual(
      updates(r2).map((e) => JSON.parse(e.data).order_id),
      [12, 14, 15],
    );
    r2.close();
  });

  test("given lastEventId in the query (and access_token instead of a header), when connecting, then it resumes after it; a Last-Event-ID header wins", async () => {
    const a = await publishNotice("shop", 20);
    const b = await publishNotice("shop", 21);
    const c = await publishNotice("shop", 22);
    const r = await open(`project=shop&lastEventId=${a}&access_token=${TOKEN}`, {});
    assert.equal(r.status, 200);
    await r.take("order_updated", 2);
    assert.deepEqual(
      updates(r).map((e) => e.id),
      [String(b), String(c)],
    );
    const h = await open(`project=shop&lastEventId=${a}`, { ...AUTH, "last-event-id": String(b) });
    const fromHeader = await h.take("order_updated", 1);
    assert.equal(fromHeader[0]?.id, String(c));
    r.close();
    h.close();
  });

  test("given bad requests, when connecting, then 401, 404 and 400 problems come before any stream", async () => {
    const noToken = await open("project=shop", {});
    assert.equal(noToken.status, 401);
    const unknown = await open("project=ghost");
    assert.equal(unknown.status, 404);
    const badId = await open("project=shop", { ...AUTH, "last-event-id": "abc" });
    assert.equal(badId.status, 400);
    const negative = await open("project=shop&lastEventId=-1");
    assert.equal(negative.status, 400);
    // Refused requests leave no consumer behind (earlier tests' consumers go as their streams close).
    await waitFor("no consumers", async () => (await consumerCount()) === 0);
  });

  test("given a Last-Event-ID older than the stream keeps, when resuming, then a reset event comes first, then what is left", async () => {
    const a = await publishNotice("shop", 30);
    await publishNotice("shop", 31);
    const c = await publishNotice("shop", 32);
    // Retention dropped everything before c.
    await env.nats.jsm.streams.purge(updatesStream, { keep: 1 });
    const r = await open("project=shop", { ...AUTH, "last-event-id": String(a) });
    await r.take("order_updated", 1);
    assert.deepEqual(
      r.events.filter((e) => e.event !== "heartbeat").map((e) => [e.event, e.id]),
      [
        ["reset", undefined],
        ["order_updated", String(c)],
      ],
    );
    assert.equal(
      JSON.parse(r.events.find((e) => e.event === "reset")?.data ?? "{}").reason,
      "history_expired",
    );
    r.close();
  });

  test("given open streams, when the app closes, then the streams end and their consumers are deleted", async () => {
    const extra = await buildQueryApp({
      db: env.db,
      nats: env.nats,
      config: QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN }),
      logger: createLogger("query-test", "silent"),
      clock: () => new Date(),
    });
    await extra.listen({ port: 0, host: "127.0.0.1" });
    const address = extra.server.address();
    assert.ok(address !== null && typeof address === "object");
    await waitFor("no consumers", async () => (await consumerCount()) === 0);
    const r = await openSse(`http://127.0.0.1:${address.port}/api/stream/orders?project=shop`, AUTH);
    readers.push(r);
    assert.equal(await consumerCount(), 1);
    await extra.close();
    await r.ended;
    assert.equal(await consumerCount(), 0);
  });
});
