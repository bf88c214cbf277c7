import assert from "node:assert/strict";
import { after, before, describe, type TestContext, test } from "node:test";
import { queryObjects, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { orderUpdatesSubject, streamPlans } from "@pulse/events";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import type { QueryApp } from "../http/app.js";
import { insertProject } from "../testing/fixtures.js";
import { anOrderUpdatedNotice, listenQueryApp } from "../testing/query-server.js";
import { openSse, type SseReader } from "../testing/sse-reader.js";

// A long-lived SSE connection must hold memory bounded by its buffers, not by how many notices it
// has carried: a per-frame reaction on a promise that lives as long as the connection once kept
// every delivered notice (about 1 KB each) until the client left.

const TOKEN = "test-admin-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** Notices delivered before the baseline is taken (warms every buffer and JIT path). */
const WARM = 2_000;
/** Notices delivered in total; the measured growth is over `TOTAL - WARM` of them. */
const TOTAL = 12_000;
/** Heap growth allowed over `TOTAL - WARM` notices: a leak of ~1 KB per notice is ~10 MB. */
const MAX_HEAP_GROWTH_BYTES = 2 * 1024 * 1024;
/** Promises allowed to outlive their frame: a per-frame reaction keeps at least one per notice. */
const MAX_PROMISE_GROWTH = 500;
/** Connections opened and closed before the baseline, and after it. */
const WARM_CONNECTIONS = 20;
const MORE_CONNECTIONS = 100;
/** Heap growth allowed over `MORE_CONNECTIONS` closed connections (15 KB left behind by each would be 1.5 MB). */
const MAX_HEAP_GROWTH_PER_CONNECTIONS_BYTES = 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let env: TestEnv;
let app: QueryApp;
let base: string;
let reader: SseReader | undefined;
let published = 0;

/** Publishes notices of `projectId` until `published` reaches `upTo`, 200 in flight at a time. */
async function publishUpTo(projectId: string, upTo: number): Promise<void> {
  const subject = orderUpdatesSubject({ root: env.subjectRoot }, projectId);
  while (published < upTo) {
    const batch: Promise<unknown>[] = [];
    for (; published < upTo && batch.length < 200; published++) {
      const notice = anOrderUpdatedNotice(projectId, 100_000 + published, published + 1);
      batch.push(env.nats.js.publish(subject, JSON.stringify(notice)));
    }
    await Promise.all(batch);
  }
}

/**
 * Heap in use and live promises after full collections. Between collections the event loop turns,
 * so the async-hook destroy callbacks of collected promises run (the test runner tracks every
 * async resource in a map until then, which would otherwise count as heap).
 */
async function retained(): Promise<{ heapUsed: number; promises: number }> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const promises = queryObjects(Promise, { format: "count" });
  gc();
  return { heapUsed: process.memoryUsage().heapUsed, promises };
}

/**
 * Heap growth (bytes) and live-promise growth from `warm` to `late` ({@link retained} figures),
 * reported as diagnostics of test `t`.
 */
function growth(
  t: TestContext,
  warm: Awaited<ReturnType<typeof retained>>,
  late: Awaited<ReturnType<typeof retained>>,
): { heapGrowth: number; promiseGrowth: number } {
  const heapGrowth = late.heapUsed - warm.heapUsed;
  const promiseGrowth = late.promises - warm.promises;
  t.diagnostic(
    `heap after GC: ${warm.heapUsed} → ${late.heapUsed} bytes (${heapGrowth >= 0 ? "+" : ""}${heapGrowth})`,
  );
  t.diagnostic(
    `live promises: ${warm.promises} → ${late.promises} (${promiseGrowth >= 0 ? "+" : ""}${promiseGrowth})`,
  );
  return { heapGrowth, promiseGrowth };
}

before(async () => {
  env = await createTestEnv("qssemem");
  // Bounds above what the test publishes: it measures what a client that keeps up retains, so a
  // reader slowed by a busy machine must not be resynced (the resync bound has its own tests).
  ({ app, base } = await listenQueryApp(env, {
    adminToken: TOKEN,
    heartbeatMs: 50,
    sse: { SSE_CLIENT_MAX_QUEUED_FRAMES: "20000", SSE_CLIENT_MAX_BUFFERED_BYTES: "16777216" },
  }));
  await insertProject(env.db, "shop");
  await insertProject(env.db, "other");
});

async function consumerCount(): Promise<number> {
  const updates = streamPlans(env.streamName, env.subjectRoot).updates.name;
  return (await env.nats.jsm.consumers.list(updates).next()).length;
}

/** Opens a stream of `other`, takes one notice and one heartbeat on it, disconnects, waits until it is gone. */
async function connectOnce(): Promise<void> {
  const r = await openSse(`${base}/api/stream/orders?project=other`, AUTH, { record: false });
  assert.equal(r.status, 200);
  const subject = orderUpdatesSubject({ root: env.subjectRoot }, "other");
  await env.nats.js.publish(subject, JSON.stringify(anOrderUpdatedNotice("other", 1, 1)));
  await r.waitCount("order_updated", 1);
  await r.waitCount("heartbeat", 1);
  r.close();
  await r.ended;
  await waitFor("the closed stream's consumer to be deleted", async () => (await consumerCount()) === 0);
}

after(async () => {
  reader?.close();
  await app?.close();
  await env?.close();
});

describe("GET /api/stream/orders memory", () => {
  test("given one stream open across 12,000 notices, when the heap is collected, then it holds no more than after the first 2,000", async (t) => {
    reader = await openSse(`${base}/api/stream/orders?project=shop`, AUTH, { record: false });
    assert.equal(reader.status, 200);

    await publishUpTo("shop", WARM);
    await reader.waitCount("order_updated", WARM, 120_000);
    const warm = await retained();

    await publishUpTo("shop", TOTAL);
    await reader.waitCount("order_updated", TOTAL, 600_000);
    const late = await retained();

    const { heapGrowth, promiseGrowth } = growth(t, warm, late);
    assert.ok(
      promiseGrowth < MAX_PROMISE_GROWTH,
      `${promiseGrowth} more live promises after ${TOTAL - WARM} more notices (${warm.promises} → ${late.promises})`,
    );
    assert.ok(
      heapGrowth < MAX_HEAP_GROWTH_BYTES,
      `heap grew ${heapGrowth} bytes over ${TOTAL - WARM} notices (${warm.heapUsed} → ${late.heapUsed})`,
    );
    // The stream is still live after all that: heartbeats keep coming and a new notice arrives.
    const beats = reader.count("heartbeat");
    await publishUpTo("shop", TOTAL + 1);
    await reader.waitCount("order_updated", TOTAL + 1);
    await reader.waitCount("heartbeat", beats + 1);
    reader.close();
    await waitFor("the stream's consumer to be deleted", async () => (await consumerCount()) === 0);
  });

  test("given 100 streams opened and closed one after another, when the heap is collected, then closed connections leave nothing behind", async (t) => {
    for (let i = 0; i < WARM_CONNECTIONS; i++) await connectOnce();
    const warm = await retained();
    for (let i = 0; i < MORE_CONNECTIONS; i++) await connectOnce();
    const late = await retained();
    const { heapGrowth, promiseGrowth } = growth(t, warm, late);
    assert.ok(
      promiseGrowth < MORE_CONNECTIONS / 2,
      `${promiseGrowth} more live promises after ${MORE_CONNECTIONS} closed connections`,
    );
    assert.ok(
      heapGrowth < MAX_HEAP_GROWTH_PER_CONNECTIONS_BYTES,
      `heap grew ${heapGrowth} bytes over ${MORE_CONNECTIONS} closed connections`,
    );
  });
});
