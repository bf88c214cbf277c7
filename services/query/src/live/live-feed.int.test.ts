import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { orderUpdatesSubject, streamPlans } from "@pulse/events";
import { natsStatusOf } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { type PrivateNatsServer, startPrivateNats } from "@pulse/infra/testing-nats";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { QueryApp } from "../http/app.js";
import { insertProject } from "../testing/fixtures.js";
import { anOrderUpdatedNotice, listenQueryApp } from "../testing/query-server.js";
import { openSse, type SseReader } from "../testing/sse-reader.js";

// The shared live feed: one consumer per project however many clients, reconnects without
// duplicates or holes, bounded buffers for slow clients, feeds that close and survive NATS restarts.

const TOKEN = "test-admin-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Running {
  env: TestEnv;
  app: QueryApp;
  base: string;
  readers: SseReader[];
}

async function start(label: string, sse: Record<string, string> = {}, natsUrl?: string): Promise<Running> {
  const env = await createTestEnv(label, natsUrl === undefined ? {} : { natsUrl });
  const { app, base } = await listenQueryApp(env, { adminToken: TOKEN, heartbeatMs: 200, sse });
  await insertProject(env.db, "shop");
  await insertProject(env.db, "other");
  return { env, app, base, readers: [] };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  for (const x of r.readers) x.close();
  await r.app.close();
  await r.env.close();
}

/** Publishes an order_updated notice of `projectId` for `orderId`; returns its updates-stream sequence. */
async function publish(r: Running, projectId: string, orderId: number): Promise<number> {
  const ack = await r.env.nats.js.publish(
    orderUpdatesSubject({ root: r.env.subjectRoot }, projectId),
    JSON.stringify(anOrderUpdatedNotice(projectId, orderId, orderId)),
  );
  return ack.seq;
}

async function open(r: Running, project: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await openSse(`${r.base}/api/stream/orders?project=${project}`, { ...AUTH, ...headers });
  r.readers.push(reader);
  assert.equal(reader.status, 200);
  return reader;
}

async function consumers(r: Running): Promise<string[]> {
  const updates = streamPlans(r.env.streamName, r.env.subjectRoot).updates.name;
  return (await r.env.nats.jsm.consumers.list(updates).next()).map((c) => c.name);
}

/** A sample of the query's `/metrics` (0 when absent). */
async function metric(r: Running, name: string): Promise<number> {
  const text = (await r.app.inject({ url: "/metrics" })).body;
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

const ids = (reader: SseReader) => reader.events.filter((e) => e.event === "order_updated").map((e) => e.id);

describe("live feed: one consumer per project", () => {
  let r: Running;
  before(async () => {
    r = await start("qlive");
  });
  after(() => stop(r));

  test("given five clients of one project and two of another, when notices are published, then there are two consumers and each client gets exactly its project's notices", async () => {
    const shop = await Promise.all([1, 2, 3, 4, 5].map(() => open(r, "shop")));
    const other = await Promise.all([1, 2].map(() => open(r, "other")));
    assert.equal((await consumers(r)).length, 2);
    assert.equal(await metric(r, "pulse_sse_feeds"), 2);
    const s1 = await publish(r, "shop", 1);
    const o2 = await publish(r, "other", 2);
    const s3 = await publish(r, "shop", 3);
    for (const c of shop) await c.take("order_updated", 2);
    for (const c of other) await c.take("order_updated", 1);
    // A marker after both: anything of the other project would have arrived before it.
    const s4 = await publish(r, "shop", 4);
    const o5 = await publish(r, "other", 5);
    for (const c of shop) {
      await c.take("order_updated", 3);
      assert.deepEqual(ids(c), [String(s1), String(s3), String(s4)]);
    }
    for (const c of other) {
      await c.take("order_updated", 2);
      assert.deepEqual(ids(c), [String(o2), String(o5)]);
    }
    assert.ok((await metric(r, "pulse_sse_frames_sent_total")) >= 5 * 3 + 2 * 2);
    for (const c of [...shop, ...other]) c.close();
    await waitFor("both feeds closed (grace 0)", async () => (await consumers(r)).length === 0);
    assert.equal(await metric(r, "pulse_sse_feeds"), 0);
  });

  test("given a client that disconnected while another kept the feed open, when it reconnects with Last-Event-ID, then the feed's recent frames give exactly the missed notices, with no extra consumer", async () => {
    const keeper = await open(r, "shop");
    const r1 = await open(r, "shop");
    const a = await publish(r, "shop", 10);
    await r1.take("order_updated", 1);
    r1.close();
    const m1 = await publish(r, "shop", 11);
    await publish(r, "other", 12);
    const m2 = await publish(r, "shop", 13);
    await keeper.take("order_updated", 3);
    const [feedConsumer] = await consumers(r);
    const r2 = await open(r, "shop", { "last-event-id": String(a) });
    await r2.take("order_updated", 2);
    const live = await publish(r, "shop", 14);
    await r2.take("order_updated", 3);
    assert.deepEqual(ids(r2), [String(m1), String(m2), String(live)]);
    assert.deepEqual(await consumers(r), [feedConsumer]);
    keeper.close();
    r2.close();
    await waitFor("the feed closed", async () => (await consumers(r)).length === 0);
  });
});

describe("live feed: reconnect from the stream while notices keep coming", () => {
  let r: Running;
  before(async () => {
    // No recent frames kept: every reconnect reads its gap from the stream.
    r = await start("qlivegap", { SSE_REPLAY_BUFFER_FRAMES: "0" });
  });
  after(() => stop(r));

  test("given notices published during the reconnect, when the client resumes after an old sequence, then it gets every later notice of its project once, in order", async () => {
    const keeper = await open(r, "shop");
    const before: number[] = [];
    for (let i = 0; i < 30; i++) before.push(await publish(r, i % 3 === 0 ? "other" : "shop", 100 + i));
    const resumeAfter = before[4] ?? 0;
    // Publishing goes on while the client reads its gap and joins the live feed.
    const during: Promise<number[]> = (async () => {
      const seqs: number[] = [];
      for (let i = 0; i < 60; i++) seqs.push(await publish(r, i % 3 === 0 ? "other" : "shop", 200 + i));
      return seqs;
    })();
    const client = await open(r, "shop", { "last-event-id": String(resumeAfter) });
    const published = [...before, ...(await during)];
    const last = await publish(r, "shop", 999);
    await keeper.waitCount("order_updated", 1 + published.filter((_, i) => i % 3 !== 0).length);
    const shopSeqs = await waitFor("the client to get the last notice", async () => {
      const got = ids(client);
      return got.at(-1) === String(last) ? got : undefined;
    });
    const expected = [...(await shopSequencesAfter(r, resumeAfter))];
    assert.deepEqual(shopSeqs, expected.map(String));
    assert.equal(new Set(shopSeqs).size, shopSeqs.length);
    keeper.close();
    client.close();
  });
});

/** Sequences of `shop`'s notices in the updates stream after `afterSeq`, read back from the stream. */
async function shopSequencesAfter(r: Running, afterSeq: number): Promise<number[]> {
  const updates = streamPlans(r.env.streamName, r.env.subjectRoot).updates.name;
  const subject = orderUpdatesSubject({ root: r.env.subjectRoot }, "shop");
  const last = (await r.env.nats.jsm.streams.info(updates)).state.last_seq;
  const out: number[] = [];
  for (let seq = afterSeq + 1; seq <= last; seq++) {
    const m = await r.env.nats.jsm.streams.getMessage(updates, { seq });
    if (m?.subject === subject) out.push(seq);
  }
  return out;
}

describe("live feed: a client that stops reading", () => {
  let r: Running;
  before(async () => {
    r = await start("qliveslow", {
      SSE_FLUSH_MS: "5",
      // Above a consume batch (256), so a client that reads is never behind.
      SSE_CLIENT_MAX_QUEUED_FRAMES: "400",
      SSE_CLIENT_MAX_BUFFERED_BYTES: "16384",
    });
  });
  after(() => stop(r));

  test("given a paused reader, when notices keep coming, then it falls behind, later frames are dropped instead of buffered, and on reading again it gets resync then live frames", async () => {
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    let response: http.IncomingMessage | undefined;
    const req = http.get(
      `${r.base}/api/stream/orders?project=shop`,
      { agent: false, headers: { ...AUTH, accept: "text/event-stream" } },
      (res) => {
        response = res;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => parser.feed(chunk));
        res.pause();
      },
    );
    req.on("error", () => undefined);
    const healthy = await open(r, "shop");
    await waitFor("the paused client attached", async () => response !== undefined);
    // Until the socket and the client's queue are full, notices are buffered; then it falls behind.
    let orderId = 1;
    while ((await metric(r, "pulse_sse_resyncs_total")) === 0) {
      if (orderId > 200_000) assert.fail("the paused client never fell behind");
      await Promise.all(Array.from({ length: 50 }, () => publish(r, "shop", orderId++)));
    }
    const droppedAtResync = await metric(r, "pulse_sse_frames_dropped_total");
    // Everything published while it stays paused is dropped, not queued for it.
    let last = 0;
    for (let i = 0; i < 20; i++) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => publish(r, "shop", orderId++)));
      last = Math.max(last, ...batch);
    }
    await healthy.waitCount("order_updated", orderId - 1, 60_000);
    const dropped = await metric(r, "pulse_sse_frames_dropped_total");
    assert.ok(dropped - droppedAtResync >= 1000, `dropped ${droppedAtResync} → ${dropped}`);
    assert.equal(await metric(r, "pulse_sse_resyncs_total"), 1);
    assert.equal(healthy.count("resync"), 0, "the reading client never falls behind");

    response?.resume();
    const resync = await waitFor("the resync event", async () => events.find((e) => e.event === "resync"));
    assert.equal(resync.id, String(last), "the resync covers every notice dropped");
    assert.equal(JSON.parse(resync.data).reason, "client_behind");
    const live = await publish(r, "shop", orderId++);
    const after = await waitFor("a live frame after the resync", async () =>
      events.find((e) => e.event === "order_updated" && e.id === String(live)),
    );
    assert.equal(JSON.parse(after.data).order_id, orderId - 1);
    // Frames before the resync are older than it, frames after are newer: ids never go back.
    const seqs = events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
    );
    req.destroy();
  });
});

describe("live feed: lifetime", () => {
  let r: Running;
  before(async () => {
    r = await start("qlivegrace", { SSE_FEED_GRACE_MS: "600000" });
  });
  after(() => stop(r));

  test("given a grace period, when the last client leaves and another comes, then the same consumer serves it; closing the app closes the feed", async () => {
    const a = await open(r, "shop");
    const [name] = await consumers(r);
    a.close();
    await a.ended;
    await waitFor("the client detached", async () => (await metric(r, "pulse_sse_clients")) === 0);
    assert.deepEqual(await consumers(r), [name], "the feed outlives its last client during the grace period");
    const b = await open(r, "shop");
    const seq = await publish(r, "shop", 1);
    assert.equal((await b.take("order_updated", 1))[0]?.id, String(seq));
    assert.deepEqual(await consumers(r), [name]);
    await r.app.close();
    await b.ended;
    assert.deepEqual(await consumers(r), []);
  });
});

describe("live feed: NATS restart", () => {
  let nats: PrivateNatsServer;
  let r: Running;
  before(async () => {
    nats = await startPrivateNats();
    r = await start("qlivenats", {}, nats.url);
  });
  after(async () => {
    await stop(r);
    await nats?.close();
  });

  test("given an open stream, when nats-server restarts, then notices published after it reach the client", async () => {
    const client = await open(r, "shop");
    const s1 = await publish(r, "shop", 1);
    await client.take("order_updated", 1);
    await nats.stop("SIGTERM");
    await nats.start();
    await waitFor("the connection back", async () => natsStatusOf(r.env.nats.nc).connected, 30_000);
    const s2 = await publish(r, "shop", 2);
    const got = await client.take("order_updated", 2, 120_000);
    assert.deepEqual(
      got.map((e) => e.id),
      [String(s1), String(s2)],
    );
    client.close();
  });
});
