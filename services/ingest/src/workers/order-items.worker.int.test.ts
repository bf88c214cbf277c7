import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type DomainEvent, decodeEvent, type OrderItemsFetched } from "@pulse/events";
import { waitFor } from "@pulse/infra/testing";
import { monotonicFactory } from "ulid";
import { createProjectCrmHttpClient } from "../crm/crm-http.client.js";
import { type ProjectRecord, sha256Hex, staticProjectRegistry } from "../projects/project-registry.js";
import { publishEvents } from "../publishing/event.publisher.js";
import {
  defaultFixturesDir,
  type FixtureCrm,
  recordingFetch,
  type SendLog,
  shortGaps,
  startFixtureCrm,
} from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { normalizeKeycrmWebhook } from "../webhooks/keycrm.normalizer.js";
import {
  type EntityFetchWorker,
  fetchStateKey,
  openFetchStateBucket,
  readFetchState,
} from "./entity-fetch.worker.js";
import { createOrderItemsWorker, ITEMS_WORKER_DURABLE, itemsBucketName } from "./order-items.worker.js";

const INTERVAL_MS = 1000;
/** The worker's clock: after every status time used below (refetch decisions compare event times with it). */
const NOW = new Date("2026-11-07T04:00:00.000Z");
const ulid = monotonicFactory();
let t: IngestTestEnv;
let crm: FixtureCrm;
/** Every request the workers' CRM client sent, with its send time. */
let sends: SendLog;
const workers: EntityFetchWorker[] = [];

const project = (id: string, kind: "keycrm" | "amocrm"): ProjectRecord => ({
  project_id: id,
  name: id,
  kind,
  base_url: `${crm.url}/${id}`,
  time_zone: "Europe/Kyiv",
  active: true,
  webhook_secret_sha256: sha256Hex("irrelevant-secret"),
  api_token: "crm-token-1",
});

function worker(): EntityFetchWorker {
  const registry = staticProjectRegistry([
    project("shop-kyiv", "keycrm"),
    project("shop-lviv", "keycrm"),
    project("demoacademy", "amocrm"),
  ]);
  const w = createOrderItemsWorker({
    nats: t.env.nats,
    eventsStream: t.env.streamName,
    scheme: { root: t.env.subjectRoot },
    publishTimeoutMs: 2000,
    registry,
    logger: t.logger,
    clock: () => NOW,
    newId: () => ulid(),
    http: createProjectCrmHttpClient(t.config, (p) => registry.get(p)?.record.kind, t.logger, sends.fetch),
    refetchAfterMinutes: 60,
    tuning: { ackWaitMs: 30_000, nakDelayMs: 200 },
  });
  workers.push(w);
  return w;
}

/** Publishes KeyCRM status changes of `project`: [order, status, group, status_changed_at]. */
async function statusChanges(project: string, changes: [number, number, number, string][]): Promise<void> {
  const events: DomainEvent[] = changes.flatMap(([id, status, group, at]) => {
    const body = {
      event: "order.change_order_status",
      context: { id, status_id: status, status_group_id: group, status_changed_at: at },
    };
    return normalizeKeycrmWebhook(body, {
      projectId: project,
      receivedAt: new Date(),
      contentType: "application/json",
      rawBody: JSON.stringify(body),
      newId: () => ulid(),
    }).events;
  });
  await publishEvents(t.env.nats.js, { root: t.env.subjectRoot }, events, {
    timeoutMs: 2000,
    retryAfterSeconds: 1,
  });
}

async function itemsEvents(): Promise<OrderItemsFetched[]> {
  const out: OrderItemsFetched[] = [];
  const n = await t.eventCount();
  for (let seq = 1; seq <= n; seq++) {
    const d = decodeEvent((await t.eventAt(seq)).data);
    if (d.ok && d.event.type === "order.items_fetched") out.push(d.event);
  }
  return out;
}

const orderRequests = (p: string) => crm.requests.filter((r) => r.path.startsWith(`/${p}/order/`));
/** Send times of the order requests of `p` (epoch ms, in send order). */
const orderSends = (p: string) =>
  sends.sent.filter((s) => new URL(s.url).pathname.startsWith(`/${p}/order/`)).map((s) => s.at);

before(async () => {
  t = await createIngestTestEnv("ingestitems", {
    CRM_MIN_REQUEST_INTERVAL_MS: String(INTERVAL_MS),
    CRM_RETRY_MIN_DELAY_MS: "50",
    CRM_RETRIES: "5",
  });
  crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir() });
  sends = recordingFetch();
});

after(async () => {
  for (const w of workers) await w.close();
  await crm?.close();
  await t?.close();
});

describe("items worker against the fake CRM", () => {
  test("given status events of two projects and injected 429/500 answers, when the worker runs, then one items_fetched per order at ≤ 1 request/s per project", async () => {
    await statusChanges("shop-kyiv", [
      [15001, 1, 1, "2026-10-12T06:02:43.000000Z"],
      [15001, 21, 2, "2026-10-12T06:30:00.000000Z"],
      [15002, 1, 1, "2026-10-12T07:00:00.000000Z"],
      [99999, 1, 1, "2026-10-12T07:10:00.000000Z"],
    ]);
    await statusChanges("shop-lviv", [
      [4201, 1, 1, "2026-10-12T06:00:00.000000Z"],
      [4202, 1, 1, "2026-10-12T06:05:00.000000Z"],
      [4201, 2, 2, "2026-10-12T06:20:00.000000Z"],
    ]);
    crm.failNext(1, 429, 1);
    const w = worker();
    await w.start();
    await waitFor("the first CRM request", async () => crm.requests.length > 0);
    crm.failNext(2, 500);
    await w.idle(60_000);

    const statuses = crm.requests.map((r) => r.status);
    assert.ok(statuses.includes(429) && statuses.includes(500), `injected failures seen: ${statuses}`);
    assert.ok(crm.requests.every((r) => r.query["include"] === "products.offer" && r.authorized));

    const events = await itemsEvents();
    assert.deepEqual(events.map((e) => `${e.project_id}/${e.data.order_id}`).sort(), [
      "shop-kyiv/15001",
      "shop-kyiv/15002",
      "shop-lviv/4201",
      "shop-lviv/4202",
    ]);
    const urgent = events.find((e) => e.data.order_id === 15001);
    assert.deepEqual(
      urgent?.data.items.map((i) => [i.sku, i.offer_id, i.product_id]),
      [
        ["PRN-WALL", 44, 10],
        ["Термінове виготовлення", 16, 2],
      ],
    );
    assert.equal(urgent?.occurred_at, urgent?.data.fetched_at);

    // The limiter's schedule itself is asserted on a mocked clock (crm-http.client.unit.test.ts); here
    // the send times of the real worker: a busy machine can only make them further apart.
    for (const p of ["shop-kyiv", "shop-lviv"]) {
      assert.equal(orderSends(p).length, orderRequests(p).length, `${p}: every request sent was received`);
      assert.deepEqual(shortGaps(orderSends(p), INTERVAL_MS), [], `${p} requests sent closer than 1 s`);
    }
    const kyiv = orderSends("shop-kyiv");
    const lviv = orderSends("shop-lviv");
    assert.ok(
      (lviv[0] ?? 0) < (kyiv.at(-1) ?? 0) && (kyiv[0] ?? 0) < (lviv.at(-1) ?? 0),
      "the projects ran side by side",
    );

    const kv = await openFetchStateBucket(t.env.nats.js, itemsBucketName(t.env.streamName));
    const gone = await readFetchState(kv, fetchStateKey("shop-kyiv", 99999));
    assert.equal(gone?.outcome, "gone");
    assert.equal(
      orderRequests("shop-kyiv").filter((r) => r.path.endsWith("/99999") && r.status === 404).length,
      1,
    );
    const fetched = await readFetchState(kv, fetchStateKey("shop-kyiv", 15001));
    assert.equal(fetched?.outcome, "fetched");
    assert.equal(fetched?.group_id, 2, "the newest event's group is tracked");
  });

  test("given a restart whose durable consumer is gone (full redelivery), when the worker runs again, then nothing is refetched", async () => {
    for (const w of workers.splice(0)) await w.close();
    await t.env.nats.jsm.consumers.delete(t.env.streamName, ITEMS_WORKER_DURABLE);
    const requestsBefore = crm.requests.length;
    const itemsBefore = (await itemsEvents()).length;
    await statusChanges("shop-kyiv", [[15002, 21, 2, "2026-10-12T07:20:00.000000Z"]]);
    const w = worker();
    await w.start();
    await w.idle(30_000);
    const info = await t.env.nats.jsm.consumers.info(t.env.streamName, ITEMS_WORKER_DURABLE);
    assert.equal(
      info.ack_floor.stream_seq,
      await t.eventCount(),
      "every event was redelivered and acknowledged",
    );
    assert.equal(crm.requests.length, requestsBefore);
    assert.equal((await itemsEvents()).length, itemsBefore);
  });

  test("given an order entering a new group 2 h after its last fetch, when processed, then it is refetched and unchanged items publish nothing", async () => {
    const requestsBefore = orderRequests("shop-lviv").length;
    const itemsBefore = (await itemsEvents()).length;
    const later = new Date(NOW.getTime() + 2 * 3_600_000).toISOString();
    await statusChanges("shop-lviv", [[4202, 8, 4, later]]);
    await workers[0]?.idle(30_000);
    assert.equal(orderRequests("shop-lviv").length, requestsBefore + 1);
    assert.equal(orderRequests("shop-lviv").at(-1)?.path, "/shop-lviv/order/4202");
    assert.equal((await itemsEvents()).length, itemsBefore);
  });
});
