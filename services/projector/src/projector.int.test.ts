import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import {
  type DomainEvent,
  dictionaryRefreshSubject,
  encodeEvent,
  eventSubject,
  OrderUpdatedNotice,
  orderUpdatesSubject,
  receiptSubject,
  type WebhookReceipt,
} from "@pulse/events";
import {
  aDealDeleted,
  aDealEvent,
  aDictionarySynced,
  aLeadSnapshot,
  anOrderStatusChanged,
  aProjectRegistered,
  aWebhookReceipt,
} from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { sql } from "kysely";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector, type Projector, type ProjectorHooks } from "./projector.js";
import { compareReadModels } from "./replay/read-models.compare.js";
import { replayReadModels } from "./replay/replay.js";

const P = "shop-test";
const T0 = Date.UTC(2026, 9, 12, 6, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** KeyCRM-like dictionary: 1 new, 2–3 approval, 4 production, 5 delivery, 6 completed, 7 cancelled. */
const DICTIONARY = [
  { status_id: 1, group_id: 1 },
  { status_id: 2, group_id: 2 },
  { status_id: 3, group_id: 2 },
  { status_id: 4, group_id: 3 },
  { status_id: 5, group_id: 4 },
  { status_id: 6, group_id: 5, is_closing_order: true },
  { status_id: 7, group_id: 6, is_closing_order: true },
];

interface Harness {
  env: TestEnv;
  projectors: Projector[];
  start(overrides?: Record<string, string>, hooks?: ProjectorHooks): Promise<Projector>;
  publish(event: DomainEvent, msgID?: string): Promise<number>;
  publishRaw(subject: string, bytes: Uint8Array | string): Promise<number>;
  publishReceipt(receipt: WebhookReceipt): Promise<number>;
  checkpoint(name: "events" | "receipts"): Promise<number>;
  waitCheckpoint(name: "events" | "receipts", seq: number): Promise<void>;
  deps(overrides?: Record<string, string>): Parameters<typeof replayReadModels>[0];
}

async function harness(label: string): Promise<Harness> {
  const env = await createTestEnv(label);
  const scheme = { root: env.subjectRoot };
  const logger = createLogger("projector-test", env.env["LOG_LEVEL"]);
  const h: Harness = {
    env,
    projectors: [],
    deps(overrides = {}) {
      const config = loadProjectorConfig({ ...env.env, PROJECTOR_RETRY_MAX_MS: "200", ...overrides });
      return { nats: env.nats, db: env.db, config, logger };
    },
    async start(overrides = {}, hooks) {
      const projector = createProjector({ ...h.deps(overrides), ...(hooks ? { hooks } : {}) });
      h.projectors.push(projector);
      await projector.start();
      return projector;
    },
    async publish(event, msgID = event.dedup_key) {
      const ack = await env.nats.js.publish(eventSubject(scheme, event), encodeEvent(event), { msgID });
      return ack.seq;
    },
    async publishRaw(subject, bytes) {
      return (await env.nats.js.publish(subject, bytes)).seq;
    },
    async publishReceipt(receipt) {
      const ack = await env.nats.js.publish(
        receiptSubject(scheme, receipt.project_id, receipt.source),
        JSON.stringify(receipt),
      );
      return ack.seq;
    },
    async checkpoint(name) {
      const row = await env.db
        .selectFrom("rm.checkpoints")
        .select("stream_seq")
        .where("name", "=", name)
        .executeTakeFirst();
      return row?.stream_seq ?? 0;
    },
    async waitCheckpoint(name, seq) {
      await waitFor(`${name} checkpoint ${seq}`, async () => (await h.checkpoint(name)) >= seq);
    },
  };
  return h;
}

async function intervals(env: TestEnv, orderId: number) {
  const rows = await env.db
    .selectFrom("rm.order_status_intervals")
    .selectAll()
    .where("project_id", "=", P)
    .where("order_id", "=", orderId)
    .orderBy("seq")
    .execute();
  return rows.map((r) => [
    r.status_id,
    r.status_group_id,
    new Date(r.started_at).toISOString(),
    r.ended_at === null ? null : new Date(r.ended_at).toISOString(),
    r.duration_seconds,
  ]);
}

async function current(env: TestEnv, orderId: number) {
  return env.db
    .selectFrom("rm.orders_current")
    .selectAll()
    .where("project_id", "=", P)
    .where("order_id", "=", orderId)
    .executeTakeFirstOrThrow();
}

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A KeyCRM-like history for `orders` orders with the fixture quirks: re-entries, minimal context
 * (no group), time-less repeats, unknown statuses (8, group 3 — synced later), and a delivery plan
 * with late/out-of-order deliveries, same-msgID retries (dropped by JetStream) and re-sends after
 * the window (new msgID: late duplicates). Returns the deliveries and the distinct event count.
 */
function keycrmScenario(orders: number, seed: number, orderBase = 15000) {
  const rand = rng(seed);
  const distinct: DomainEvent[] = [];
  for (let o = 0; o < orders; o++) {
    const orderId = orderBase + o;
    let minute = o * 7;
    const path = [1, 2, 3, 4, 5, 6];
    if (rand() < 0.25) path.splice(2, 0, 2, 3); // re-entry: …2, 3, 2, 3…
    if (rand() < 0.15) path.splice(3, 0, 8); // a status the dictionary learns later
    if (rand() < 0.2) path.push(7); // completed → cancelled
    const steps = path.slice(0, 1 + Math.floor(rand() * path.length));
    for (const status of steps) {
      minute += 1 + Math.floor(rand() * 180);
      const minimal = rand() < 0.1;
      distinct.push(
        anOrderStatusChanged(
          {
            order_id: orderId,
            status_id: status,
            status_changed_at: at(minute),
            status_group_id: minimal ? null : (DICTIONARY.find((d) => d.status_id === status)?.group_id ?? 3),
            order_created_at: at(o * 7),
            manager_id: rand() < 0.3 ? null : 1 + Math.floor(rand() * 4),
          },
          P,
        ),
      );
      if (rand() < 0.1) {
        // A time-less delivery repeating the status (absorbed).
        distinct.push(
          anOrderStatusChanged(
            {
              order_id: orderId,
              status_id: status,
              status_changed_at: at(minute + 0.5),
              time_source: "received",
              status_group_id: null,
            },
            P,
          ),
        );
      }
    }
  }
  const deliveries: { event: DomainEvent; msgID: string }[] = distinct.map((e) => ({
    event: e,
    msgID: e.dedup_key,
  }));
  // Late deliveries: swap some neighbours.
  for (let i = 1; i < deliveries.length; i++) {
    if (rand() < 0.15) [deliveries[i - 1], deliveries[i]] = [deliveries[i]!, deliveries[i - 1]!];
  }
  const extra: { event: DomainEvent; msgID: string }[] = [];
  let lateDuplicates = 0;
  for (const d of deliveries) {
    if (rand() < 0.05) extra.push({ ...d }); // retried within the window: JetStream drops it
    if (rand() < 0.05) {
      extra.push({ event: d.event, msgID: `${d.msgID}#resent` }); // outlived the window
      lateDuplicates++;
    }
  }
  return { deliveries: [...deliveries, ...extra], distinct: distinct.length, lateDuplicates };
}

describe("projector: events → read models", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness("proj");
  });
  afterEach(async () => {
    for (const p of h.projectors) await p.stop();
    await h.env.close();
  });

  test("given out-of-order deliveries with a re-entry, when projected, then intervals follow source time and the re-entry is a new interval", async () => {
    await h.publish(aProjectRegistered(P));
    await h.publish(aDictionarySynced(DICTIONARY, P));
    const e = (status: number, minute: number, manager: number | null = null) =>
      anOrderStatusChanged(
        {
          order_id: 15001,
          status_id: status,
          status_changed_at: at(minute),
          manager_id: manager,
          order_created_at: at(0),
        },
        P,
      );
    await h.publish(e(3, 60));
    await h.publish(e(1, 0, 7));
    await h.publish(e(2, 90));
    const last = await h.publish(e(2, 30, 9));
    await h.start();
    await h.waitCheckpoint("events", last);

    assert.deepEqual(await intervals(h.env, 15001), [
      [1, 1, at(0), at(30), 1800],
      [2, 2, at(30), at(60), 1800],
      [3, 2, at(60), at(90), 1800],
      [2, 2, at(90), null, null],
    ]);
    const row = await current(h.env, 15001);
    assert.equal(new Date(row.started_at!).toISOString(), at(0));
    assert.equal(row.last_status_id, 2);
    assert.equal(new Date(row.last_changed_at!).toISOString(), at(90));
    assert.equal(row.status_events, 4);
    assert.equal(row.manager_id, 9, "manager of the latest event (by source time) that carries one");
    assert.equal(row.closed_at, null);
    assert.equal(row.last_event_seq, last);
    const project = await h.env.db.selectFrom("rm.projects").selectAll().executeTakeFirstOrThrow();
    assert.equal(project.project_id, P);
    assert.equal(project.kind, "keycrm");
  });

  test("given a projected order, when a late event arrives, then it repairs the intervals around it and closing is tracked", async () => {
    await h.publish(aDictionarySynced(DICTIONARY, P));
    const e = (status: number, minute: number) =>
      anOrderStatusChanged(
        { order_id: 15002, status_id: status, status_changed_at: at(minute), status_group_id: null },
        P,
      );
    await h.publish(e(1, 0));
    let last = await h.publish(e(4, 100));
    await h.start();
    await h.waitCheckpoint("events", last);
    assert.deepEqual(
      (await intervals(h.env, 15002)).map((r) => r.slice(0, 2)),
      [
        [1, 1],
        [4, 3],
      ],
    );

    await h.publish(e(2, 40));
    last = await h.publish(e(6, 200));
    await h.waitCheckpoint("events", last);
    assert.deepEqual(await intervals(h.env, 15002), [
      [1, 1, at(0), at(40), 2400],
      [2, 2, at(40), at(100), 3600],
      [4, 3, at(100), at(200), 6000],
      [6, 5, at(200), null, null],
    ]);
    assert.equal(new Date((await current(h.env, 15002)).closed_at!).toISOString(), at(200));
  });

  test("given a delivery re-sent after the duplicate window, when projected, then no row changes and it counts as one duplicate delivery", async () => {
    await h.publish(aDictionarySynced(DICTIONARY, P));
    const first = {
      ...anOrderStatusChanged({ order_id: 15003, status_id: 1, status_changed_at: at(0) }, P),
      delivery: { id: "D1", source: "keycrm" as const, events: 1 },
    };
    const firstSeq = await h.publish(first);
    const second = await h.publish({
      ...anOrderStatusChanged({ order_id: 15003, status_id: 2, status_changed_at: at(10) }, P),
      delivery: { id: "D2", source: "keycrm" as const, events: 1 },
    });
    await h.start();
    await h.waitCheckpoint("events", second);
    const before = await intervals(h.env, 15003);
    const currentBefore = await current(h.env, 15003);

    // Same msgID within the window: JetStream drops it (no new sequence).
    const retried = await h.env.nats.js.publish(
      eventSubject({ root: h.env.subjectRoot }, first),
      encodeEvent(first),
      {
        msgID: first.dedup_key,
      },
    );
    assert.equal(retried.duplicate, true);
    assert.equal(retried.seq, firstSeq);
    // Same fact with another msgID (the CRM's retry, another request): it lands in the stream; the
    // projector drops it by dedup key and counts that request as a duplicate.
    const late = await h.publish(
      { ...first, delivery: { id: "D3", source: "keycrm", events: 1 } },
      `${first.dedup_key}:after-window`,
    );
    await h.waitCheckpoint("events", late);

    assert.deepEqual(await intervals(h.env, 15003), before);
    assert.deepEqual(await current(h.env, 15003), currentBefore);
    const events = await h.env.db.selectFrom("rm.order_status_events").select("dedup_key").execute();
    assert.equal(events.length, 2);
    const stats = await h.env.db.selectFrom("rm.webhook_stats").selectAll().execute();
    assert.deepEqual(
      stats.map((s) => [
        s.project_id,
        s.source,
        s.day,
        s.received,
        s.accepted,
        s.duplicate,
        s.events_stored,
        s.events_redelivered,
      ]),
      [[P, "keycrm", first.recorded_at.slice(0, 10), 3, 2, 1, 2, 1]],
    );
  });

  test("given poison messages, when projected, then they are dead-lettered and the consumer continues", async () => {
    const garbage = await h.publishRaw(
      `${h.env.subjectRoot}.events.${P}.order.1`,
      new Uint8Array([0xff, 0x00, 0x42]),
    );
    const wrongShape = await h.publishRaw(
      `${h.env.subjectRoot}.events.${P}.order.2`,
      JSON.stringify({ type: "order.status_changed", version: 1 }),
    );
    const good = await h.publish(
      anOrderStatusChanged({ order_id: 15004, status_id: 1, status_changed_at: at(0) }, P),
    );
    await h.start();
    await h.waitCheckpoint("events", good);

    const dead = await h.env.db.selectFrom("rm.dead_letters").selectAll().orderBy("stream_seq").execute();
    assert.deepEqual(
      dead.map((d) => [d.stream, d.stream_seq, d.subject]),
      [
        [h.env.streamName, garbage, `${h.env.subjectRoot}.events.${P}.order.1`],
        [h.env.streamName, wrongShape, `${h.env.subjectRoot}.events.${P}.order.2`],
      ],
    );
    assert.match(dead[0]!.reason, /not JSON/);
    assert.equal(dead[0]!.payload, "base64:/wBC");
    assert.match(dead[1]!.payload, /order\.status_changed/);
    assert.equal((await intervals(h.env, 15004)).length, 1);
  });

  test("given a status unknown to the dictionary, when projected, then a refresh is requested and a later sync fills the group", async () => {
    const sub = h.env.nats.nc.subscribe(dictionaryRefreshSubject({ root: h.env.subjectRoot }, P), { max: 1 });
    await h.env.nats.nc.flush();
    await h.publish(aDictionarySynced(DICTIONARY, P));
    await h.publish(anOrderStatusChanged({ order_id: 15005, status_id: 1, status_changed_at: at(0) }, P));
    const minimal = await h.publish(
      anOrderStatusChanged(
        { order_id: 15005, status_id: 31, status_changed_at: at(20), status_group_id: null },
        P,
      ),
    );
    await h.start();
    await h.waitCheckpoint("events", minimal);
    let request: unknown = null;
    for await (const m of sub) request = m.json();
    assert.deepEqual(request, { project_id: P, reason: "unknown_status", status_ids: [31] });
    assert.equal((await current(h.env, 15005)).last_status_group_id, null);

    const sync = await h.publish(aDictionarySynced([...DICTIONARY, { status_id: 31, group_id: 3 }], P));
    await h.waitCheckpoint("events", sync);
    assert.equal((await current(h.env, 15005)).last_status_group_id, 3);
    assert.deepEqual(
      (await intervals(h.env, 15005)).map((r) => r.slice(0, 2)),
      [
        [1, 1],
        [31, 3],
      ],
    );
    const stored = await h.env.db
      .selectFrom("rm.order_status_events")
      .select(["status_id", "status_group_id"])
      .where("status_id", "=", 31)
      .executeTakeFirstOrThrow();
    assert.equal(stored.status_group_id, 3);
    const statuses = await h.env.db
      .selectFrom("rm.statuses")
      .selectAll()
      .where("project_id", "=", P)
      .execute();
    assert.equal(statuses.length, DICTIONARY.length + 1);
  });

  test("given a sync that drops a status, when projected, then the row stays with in_last_sync false", async () => {
    await h.publish(aDictionarySynced(DICTIONARY, P));
    const sync = await h.publish(aDictionarySynced(DICTIONARY.slice(0, 5), P));
    await h.start();
    await h.waitCheckpoint("events", sync);
    const rows = await h.env.db
      .selectFrom("rm.statuses")
      .select(["status_id", "in_last_sync", "is_active"])
      .orderBy("status_id")
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.status_id, r.in_last_sync]),
      [
        [1, true],
        [2, true],
        [3, true],
        [4, true],
        [5, true],
        [6, false],
        [7, false],
      ],
    );
  });

  test("given a changed order, when the batch commits, then an order_updated notice reaches the updates stream", async () => {
    const seq = await h.publish(
      anOrderStatusChanged({ order_id: 15006, status_id: 1, status_changed_at: at(0) }, P),
    );
    await h.start();
    await h.waitCheckpoint("events", seq);
    const subject = orderUpdatesSubject({ root: h.env.subjectRoot }, P);
    const stored = await waitFor("notice published", () =>
      h.env.nats.jsm.streams
        .getMessage(`${h.env.streamName}_UPDATES`, { last_by_subj: subject })
        .catch(() => null),
    );
    const notice = OrderUpdatedNotice.parse(stored.json());
    assert.equal(notice.order_id, 15006);
    assert.equal(notice.event_seq, seq);
    assert.equal(notice.last_status_id, 1);
    assert.equal(stored.header.get("Nats-Msg-Id"), `notice:${seq}:${P}:15006`);
    await waitFor("outbox drained", async () => {
      const left = await h.env.db.selectFrom("ops.outbox").select("id").execute();
      return left.length === 0;
    });
  });

  test("given receipts, when projected, then webhook_stats counts them per project, source and day", async () => {
    const day = "2026-10-12T08:00:00.000Z";
    await h.publishReceipt(aWebhookReceipt({ project_id: P, received_at: day, published: 2 }));
    await h.publishReceipt(
      aWebhookReceipt({ project_id: P, received_at: day, outcome: "duplicate", published: 0, duplicates: 1 }),
    );
    await h.publishReceipt(
      aWebhookReceipt({ project_id: P, received_at: day, outcome: "ignored", published: 0, ignored: 1 }),
    );
    await h.publishReceipt(
      aWebhookReceipt({
        project_id: P,
        received_at: day,
        outcome: "rejected",
        http_status: 400,
        published: 0,
      }),
    );
    await h.publishReceipt(
      aWebhookReceipt({
        project_id: P,
        received_at: day,
        outcome: "unauthorized",
        http_status: 401,
        published: 0,
      }),
    );
    // A failed delivery none of whose events was stored: counted as failed, once.
    await h.publishReceipt(
      aWebhookReceipt({
        project_id: P,
        received_at: day,
        outcome: "failed",
        http_status: 503,
        published: 0,
        delivery_id: "F1",
      }),
    );
    const poison = await h.publishRaw(`${h.env.subjectRoot}.receipts.${P}.keycrm`, "{oops");
    await h.start();
    await h.waitCheckpoint("receipts", poison);
    const row = await h.env.db.selectFrom("rm.webhook_stats").selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(
      [
        row.day,
        row.received,
        row.accepted,
        row.duplicate,
        row.ignored,
        row.rejected,
        row.unauthorized,
        row.failed,
        row.events_stored,
      ],
      ["2026-10-12", 6, 1, 1, 1, 1, 1, 1, 2],
    );
    const dead = await h.env.db.selectFrom("rm.dead_letters").select(["stream", "stream_seq"]).execute();
    assert.deepEqual(dead, [{ stream: `${h.env.streamName}_RECEIPTS`, stream_seq: poison }]);
  });

  test("given deal snapshots out of order, when projected, then the newest updated_at wins and deletion sticks", async () => {
    const A = "amo-test";
    const utm = [
      { id: 434731, name: "utm_source", code: "UTM_SOURCE", values: [{ value: "kenesary", enum: null }] },
    ];
    // The pipelines dictionary marks 142/143 closing (SPEC: never a hard-coded group).
    await h.publish(
      aDictionarySynced(
        [7001, 7002].flatMap((pipeline) => [
          { status_id: 10, group_id: pipeline },
          { status_id: 142, group_id: pipeline, is_closing_order: true },
          { status_id: 143, group_id: pipeline, is_closing_order: true },
        ]),
        A,
        { kind: "amocrm" },
      ),
    );
    await h.publish(
      aDealEvent("deal.created", { lead_id: 501, status_id: 10, name: "Lead", updated_at: at(0) }, A),
    );
    await h.publish(
      aDealEvent(
        "deal.updated",
        { lead_id: 501, status_id: 10, name: "Lead", price: 5000, updated_at: at(1), custom_fields: utm },
        A,
      ),
    );
    const stale = await h.publish(
      aDealEvent("deal.updated", { lead_id: 501, status_id: 9, name: "Old", updated_at: at(-5) }, A),
    );
    await h.start();
    await h.waitCheckpoint("events", stale);
    let row = await h.env.db.selectFrom("rm.deals_current").selectAll().executeTakeFirstOrThrow();
    assert.equal(row.name, "Lead");
    assert.equal(row.price, 5000);
    assert.equal(new Date(row.updated_at!).toISOString(), at(1));
    assert.deepEqual(row.custom_fields, utm);
    assert.equal(row.deleted, false);

    // An amoCRM status change carries the lead: it moves the deal and the lead's intervals.
    const status = anOrderStatusChanged(
      {
        order_id: 501,
        status_id: 142,
        status_group_id: 7001,
        status_changed_at: at(2),
        crm_event: "leads.status",
        lead: aLeadSnapshot({
          lead_id: 501,
          status_id: 142,
          pipeline_id: 7001,
          name: "Lead",
          updated_at: at(2),
        }),
      },
      A,
    );
    await h.publish({ ...status, source: "amocrm", dedup_key: `amocrm:${A}:501:status:142:${at(2)}` });
    const deleted = await h.publish(aDealDeleted(501, A));
    await h.waitCheckpoint("events", deleted);
    row = await h.env.db.selectFrom("rm.deals_current").selectAll().executeTakeFirstOrThrow();
    assert.equal(row.status_id, 142);
    assert.equal(row.pipeline_id, 7001);
    assert.equal(row.deleted, true);
    const lead = await h.env.db
      .selectFrom("rm.orders_current")
      .selectAll()
      .where("project_id", "=", A)
      .executeTakeFirstOrThrow();
    assert.equal(lead.source, "amocrm");
    assert.equal(
      new Date(lead.closed_at!).toISOString(),
      at(2),
      "142 (won) closes a lead: the pipelines dictionary says so",
    );
  });
});

describe("projector: crash safety", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness("crash");
  });
  afterEach(async () => {
    for (const p of h.projectors) await p.stop();
    await h.env.close();
  });

  async function publishScenario(orders: number, seed: number) {
    await h.publish(aProjectRegistered(P));
    await h.publish(aDictionarySynced(DICTIONARY, P));
    const s = keycrmScenario(orders, seed);
    let last = 0;
    // Each publish is one webhook request (a late duplicate is a CRM's retry: another request).
    for (const [i, d] of s.deliveries.entries()) {
      const event = { ...d.event, delivery: { id: `req-${i}`, source: "keycrm" as const, events: 1 } };
      last = Math.max(last, await h.publish(event, d.msgID));
    }
    // The dictionary learns status 8 mid-stream, then more orders.
    last = await h.publish(aDictionarySynced([...DICTIONARY, { status_id: 8, group_id: 3 }], P));
    return { ...s, last };
  }

  async function assertEqualsCleanReplay(expected: { distinct: number; lateDuplicates: number }) {
    const stored = await h.env.db.selectFrom("rm.order_status_events").select("dedup_key").execute();
    assert.equal(stored.length, expected.distinct, "every distinct event once");
    const sums = await h.env.db
      .selectFrom("rm.webhook_stats")
      .select((eb) => [
        eb.fn.sum<number>("received").as("received"),
        eb.fn.sum<number>("accepted").as("accepted"),
        eb.fn.sum<number>("duplicate").as("duplicate"),
        eb.fn.sum<number>("events_redelivered").as("redelivered"),
      ])
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [Number(sums.received), Number(sums.accepted), Number(sums.duplicate), Number(sums.redelivered)],
      [
        expected.distinct + expected.lateDuplicates,
        expected.distinct,
        expected.lateDuplicates,
        expected.lateDuplicates,
      ],
      "each request counted once: new facts accepted, late duplicates duplicate",
    );
    const clean = await replayReadModels(h.deps(), { swap: false, schema: "rm_clean" });
    const cmp = await compareReadModels(h.env.db, "rm", clean.schema);
    assert.deepEqual(cmp.differences, []);
    assert.deepEqual(cmp.indexDifferences, [], "the replay built every index the live schema has");
  }

  test("given a batch that fails once before commit, when retried, then the tables equal a clean run", async () => {
    const s = await publishScenario(40, 7);
    let failed = 0;
    await h.start(
      { PROJECTOR_BATCH_SIZE: "25" },
      {
        beforeCommit(batch) {
          if (batch.stream === "events" && batch.firstSeq > 50 && failed === 0) {
            failed++;
            throw new Error("injected failure");
          }
        },
      },
    );
    await h.waitCheckpoint("events", s.last);
    assert.equal(failed, 1);
    await assertEqualsCleanReplay(s);
  });

  test("given a crash between commit and ack, when the consumer re-opens, then the redelivery is a no-op", async () => {
    const s = await publishScenario(40, 11);
    let crashed = 0;
    await h.start(
      { PROJECTOR_BATCH_SIZE: "20" },
      {
        afterCommit(batch) {
          if (batch.stream === "events" && batch.firstSeq > 30 && crashed < 2) {
            crashed++;
            throw new Error("injected crash before ack");
          }
        },
      },
    );
    await h.waitCheckpoint("events", s.last);
    assert.equal(crashed, 2);
    await assertEqualsCleanReplay(s);
  });

  test("given a projector stopped mid-stream, when a new instance starts, then the final tables equal a clean run", async () => {
    const s = await publishScenario(60, 23);
    const first = await h.start({ PROJECTOR_BATCH_SIZE: "10" });
    await waitFor("some batches", async () => (await h.checkpoint("events")) >= 40);
    await first.stop();
    const stoppedAt = await h.checkpoint("events");
    assert.ok(stoppedAt < s.last, "stopped before the end");
    await h.start({ PROJECTOR_BATCH_SIZE: "10" });
    await h.waitCheckpoint("events", s.last);
    await assertEqualsCleanReplay(s);
  });
});

describe("projector: replay", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness("replay");
  });
  afterEach(async () => {
    for (const p of h.projectors) await p.stop();
    await h.env.close();
  });

  async function publishMixed(orders: number, seed: number) {
    await h.publish(aProjectRegistered(P));
    await h.publish(aDictionarySynced(DICTIONARY, P));
    const s = keycrmScenario(orders, seed);
    let last = 0;
    for (const [i, d] of s.deliveries.entries()) {
      const event = { ...d.event, delivery: { id: `req-${i}`, source: "keycrm" as const, events: 1 } };
      last = await h.publish(event, d.msgID);
    }
    await h.publishRaw(`${h.env.subjectRoot}.events.${P}.order.9`, "not json");
    // One amoCRM request carrying two leads' events, then its redelivery after the window.
    const amo = { id: "amo-1", source: "amocrm" as const, events: 2 };
    const created = aDealEvent(
      "deal.created",
      { lead_id: 700, status_id: 10, updated_at: at(0) },
      "amo-test",
    );
    const updated = aDealEvent(
      "deal.updated",
      { lead_id: 700, status_id: 11, updated_at: at(3), price: 10 },
      "amo-test",
    );
    await h.publish({ ...created, delivery: amo });
    await h.publish({ ...updated, delivery: amo });
    await h.publish(
      { ...updated, delivery: { ...amo, id: "amo-2", events: 1 } },
      `${updated.dedup_key}#resent`,
    );
    last = await h.publish(aDictionarySynced([...DICTIONARY, { status_id: 8, group_id: 3 }], P));
    let receipts = 0;
    const outcomes = ["accepted", "rejected", "unauthorized", "ignored", "duplicate", "failed"] as const;
    for (let i = 0; i < 30; i++) {
      const outcome = outcomes[i % outcomes.length]!;
      receipts = await h.publishReceipt(
        aWebhookReceipt({
          project_id: P,
          received_at: at(i * 97),
          published: outcome === "accepted" ? 1 + (i % 3) : 0,
          outcome,
          // Failed requests: some named a delivery whose events were stored after all (counted once).
          ...(outcome === "failed" ? { delivery_id: i % 2 ? "req-0" : `lost-${i}` } : {}),
        }),
      );
    }
    return { ...s, last, receipts };
  }

  test("given live read models, when replayed, then the rebuilt schema equals them and the swap keeps them", async () => {
    const s = await publishMixed(50, 5);
    await h.start({ PROJECTOR_BATCH_SIZE: "17" });
    await h.waitCheckpoint("events", s.last);
    await h.waitCheckpoint("receipts", s.receipts);

    const copy = await replayReadModels(h.deps(), { swap: false, schema: "rm_copy" });
    assert.equal(copy.eventsSeq, s.last);
    assert.equal(copy.receiptsSeq, s.receipts);
    assert.deepEqual((await compareReadModels(h.env.db, "rm", "rm_copy")).differences, []);

    const lines: string[] = [];
    const swapped = await replayReadModels(h.deps(), { onProgress: (p) => lines.push(p.phase) });
    assert.equal(swapped.swapped, true);
    assert.ok(lines.includes("swap"));
    assert.deepEqual((await compareReadModels(h.env.db, "rm", "rm_copy")).differences, []);
    const schemas = await sql<{ nspname: string }>`
      SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm_old_%' OR nspname LIKE 'rm_next_%'`.execute(
      h.env.db,
    );
    assert.deepEqual(schemas.rows, [], "the old schema is dropped");

    // The live projector continues on the swapped tables from the same checkpoint.
    const next = await h.publish(
      anOrderStatusChanged({ order_id: 19999, status_id: 1, status_changed_at: at(5000) }, P),
    );
    await h.waitCheckpoint("events", next);
    assert.equal((await current(h.env, 19999)).last_status_id, 1);
  });

  test("given the live projector keeps consuming, when a replay swaps in, then nothing is lost", async () => {
    const s = await publishMixed(30, 9);
    await h.start({ PROJECTOR_BATCH_SIZE: "7" });
    const more = keycrmScenario(40, 99, 20000);
    let last = s.last;
    let published = 0;
    const publisher = (async () => {
      for (const d of more.deliveries) {
        last = Math.max(last, await h.publish(d.event, d.msgID));
        published++;
      }
    })();
    const result = await replayReadModels(h.deps(), {
      beforeSwap: async (built) => {
        // The live projector moves past the replay's snapshot before the swap.
        await waitFor(
          "live ahead of the replay",
          async () => (await h.checkpoint("events")) > built.eventsSeq,
        );
      },
    });
    await publisher;
    assert.equal(result.swapped, true);
    assert.ok(result.caughtUp.events > 0, "the swap applied the events the live projector had added");
    assert.ok(published > 0);
    await h.waitCheckpoint("events", last);
    const copy = await replayReadModels(h.deps(), { swap: false, schema: "rm_check" });
    assert.deepEqual((await compareReadModels(h.env.db, "rm", copy.schema)).differences, []);
    const stored = await h.env.db
      .selectFrom("rm.order_status_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(stored.n), s.distinct + more.distinct);
  });

  test("given read models of an older DDL version, when the projector starts, then it rebuilds them first", async () => {
    const seq = await h.publish(
      anOrderStatusChanged({ order_id: 15010, status_id: 1, status_changed_at: at(0) }, P),
    );
    await sql`UPDATE rm.meta SET value = '0' WHERE key = 'ddl_version'`.execute(h.env.db);
    await h.start();
    const meta = await h.env.db
      .selectFrom("rm.meta")
      .select("value")
      .where("key", "=", "ddl_version")
      .executeTakeFirstOrThrow();
    assert.notEqual(meta.value, "0");
    assert.equal(await h.checkpoint("events"), seq, "the rebuild applied the stream");
    assert.equal((await current(h.env, 15010)).last_status_id, 1);
  });
});
