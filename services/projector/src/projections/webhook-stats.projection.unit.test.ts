import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DELIVERY_OUTCOMES,
  type DomainEvent,
  type EventOfType,
  WEBHOOK_STATS_COUNTERS,
  type WebhookReceipt,
  type WebhookSource,
  type WebhookStatsCounter,
} from "@pulse/events";
import { aDealEvent, anOrderStatusChanged } from "@pulse/events/testing";
import fc from "fast-check";
import { ReadModelsFold } from "../replay/read-models.fold.js";
import type { StreamMessage } from "../stream-message.js";
import { evolveChain, evolveInto, type MemoryStore, type PositionedInput } from "./projection.js";
import {
  type DeliveryInputFact,
  type DeliveryRow,
  evolveDelivery,
  receiptFacts,
  type StatsRow,
  statsKey,
  storedEventFacts,
  sumStats,
  WEBHOOK_STATS_CHAIN,
  webhookDeliveriesProjection,
  webhookStatsProjection,
} from "./webhook-stats.projection.js";

/**
 * A model of ingest in front of JetStream, for the property below: each request is answered the way
 * `webhook.route.ts` / `app.ts` answer it, its events are stored unless their msg id is still in the
 * duplicate window, and the receipts it writes are the ones ingest writes. `expected` is what SPEC
 * "Webhook statistics count deliveries" says each request counts as.
 */
type Kind = "valid" | "malformed" | "wrongSecret" | "missingSecret" | "ignored" | "failed";

interface Request {
  readonly project: "p1" | "p2" | "ghost";
  readonly source: WebhookSource;
  readonly kind: Kind;
  /** Facts (entity changes) the body carries, as small ids: equal ids are the same fact. */
  readonly facts: readonly number[];
  /** For `failed`: how many of its events were published before the failure. */
  readonly publishedBeforeFailure: number;
  readonly day: 0 | 1;
  /** JetStream's duplicate window expired before this request (older msg ids are forgotten). */
  readonly windowExpiredBefore: boolean;
}

const OUTCOMES = DELIVERY_OUTCOMES;
type Outcome = (typeof OUTCOMES)[number];

const requestArb: fc.Arbitrary<Request> = fc.record({
  project: fc.constantFrom("p1", "p2", "ghost"),
  source: fc.constantFrom("keycrm", "amocrm", "evolution"),
  kind: fc.constantFrom(
    "valid",
    "valid",
    "valid",
    "malformed",
    "wrongSecret",
    "missingSecret",
    "ignored",
    "failed",
  ),
  facts: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
  publishedBeforeFailure: fc.integer({ min: 0, max: 3 }),
  day: fc.constantFrom(0, 1),
  windowExpiredBefore: fc.boolean(),
});

function eventOf(source: WebhookSource, project: string, fact: number, at: string): DomainEvent {
  const key = `${source}:${project}:${fact}`;
  if (source === "keycrm") {
    const e = anOrderStatusChanged(
      { order_id: fact + 1, status_id: 1, status_changed_at: "2026-10-01T00:00:00.000Z" },
      project,
    );
    return { ...e, dedup_key: key, recorded_at: at, source: "keycrm" };
  }
  if (source === "amocrm") {
    const e = aDealEvent("deal.updated", { lead_id: fact + 1, status_id: 5 }, project);
    return { ...e, dedup_key: key, recorded_at: at };
  }
  const chat: EventOfType<"chat.message_received"> = {
    id: "01JB0000000000000000000000",
    type: "chat.message_received",
    version: 1,
    project_id: project,
    occurred_at: at,
    recorded_at: at,
    dedup_key: key,
    source: "evolution",
    raw: null,
    data: {
      source: "evolution",
      message_id: key,
      chat_id: "77010000000@s.whatsapp.net",
      phone: "+77010000000",
      direction: "incoming",
      text: "hi",
      media: null,
      sent_at: at,
      sender_name: null,
      connection: "main",
    },
  };
  return chat;
}

interface Simulation {
  events: DomainEvent[];
  receipts: WebhookReceipt[];
  expected: Map<string, Record<Outcome | "received" | "events_stored" | "events_redelivered", number>>;
}

function simulate(requests: readonly Request[]): Simulation {
  const window = new Set<string>();
  const known = new Set<string>();
  const events: DomainEvent[] = [];
  const receipts: WebhookReceipt[] = [];
  const expected: Simulation["expected"] = new Map();
  const count = (r: Request, at: string, what: Outcome | "events_stored" | "events_redelivered") => {
    const key = statsKey({ project_id: r.project, source: r.source, day: at.slice(0, 10) });
    let row = expected.get(key);
    if (!row) {
      row = Object.fromEntries(WEBHOOK_STATS_COUNTERS.map((c) => [c, 0])) as Record<
        WebhookStatsCounter,
        number
      >;
      expected.set(key, row);
    }
    row[what]++;
    if (OUTCOMES.includes(what as Outcome)) row.received++;
  };
  requests.forEach((r, i) => {
    if (r.windowExpiredBefore) window.clear();
    if (r.project === "ghost") return; // unknown project: only logged
    const at = new Date(Date.UTC(2026, 9, 12 + r.day, 6, 0, i)).toISOString();
    const receipt = (outcome: Outcome, deliveryId?: string): WebhookReceipt => ({
      project_id: r.project,
      source: r.source,
      received_at: at,
      outcome,
      http_status:
        outcome === "failed" ? 503 : outcome === "unauthorized" ? 401 : outcome === "rejected" ? 400 : 200,
      ...(deliveryId ? { delivery_id: deliveryId } : {}),
      published: 0,
      duplicates: 0,
      ignored: outcome === "ignored" ? 1 : 0,
      reason: null,
    });
    if (r.kind === "wrongSecret" || r.kind === "missingSecret") {
      receipts.push(receipt("unauthorized"));
      count(r, at, "unauthorized");
      return;
    }
    if (r.kind === "malformed" || r.kind === "ignored") {
      const outcome = r.kind === "malformed" ? "rejected" : "ignored";
      receipts.push(receipt(outcome));
      count(r, at, outcome);
      return;
    }
    const deliveryId = `d${i}`;
    const toPublish = r.kind === "failed" ? r.facts.slice(0, r.publishedBeforeFailure) : r.facts;
    let stored = 0;
    let anyNew = false;
    for (const fact of toPublish) {
      const key = `${r.source}:${r.project}:${fact}`;
      if (window.has(key)) continue; // PubAck.duplicate: not stored
      window.add(key);
      const e = eventOf(r.source, r.project, fact, at);
      e.delivery = { id: deliveryId, source: r.source, events: r.facts.length };
      events.push(e);
      stored++;
      const isNew = !known.has(key);
      known.add(key);
      anyNew ||= isNew;
      count(r, at, isNew ? "events_stored" : "events_redelivered");
    }
    if (r.kind === "failed") {
      receipts.push(receipt("failed", deliveryId));
      count(r, at, stored === 0 ? "failed" : anyNew ? "accepted" : "duplicate");
    } else if (stored > 0) {
      count(r, at, anyNew ? "accepted" : "duplicate");
    } else {
      receipts.push(receipt("duplicate", deliveryId));
      count(r, at, "duplicate");
    }
  });
  return { events, receipts, expected };
}

/** Folds the simulated streams in the interleaving `order` (true = next event, false = next receipt). */
function fold(sim: Simulation, order: readonly boolean[]): Map<string, StatsRow> {
  const f = new ReadModelsFold("E", "R");
  let e = 0;
  let r = 0;
  let step = 0;
  const encoder = new TextEncoder();
  const message = (seq: number, data: Uint8Array): StreamMessage => ({
    seq,
    subject: "s",
    data,
    timestamp: "2026-10-12T06:00:00.000Z",
  });
  while (e < sim.events.length || r < sim.receipts.length) {
    const takeEvent = r >= sim.receipts.length || (e < sim.events.length && (order[step++] ?? true));
    if (takeEvent) {
      const event = sim.events[e++]!;
      f.applyDecoded(message(e, encoder.encode("{}")), { ok: true, event });
    } else {
      const receipt = sim.receipts[r++]!;
      f.applyReceipt(message(r, encoder.encode(JSON.stringify({ receipts: [receipt] }))));
    }
  }
  return f.stats;
}

function counters(rows: Map<string, StatsRow>) {
  const out = new Map<string, Record<string, number>>();
  for (const [key, row] of rows) {
    const c = {
      received: row.received,
      accepted: row.accepted,
      duplicate: row.duplicate,
      ignored: row.ignored,
      rejected: row.rejected,
      unauthorized: row.unauthorized,
      failed: row.failed,
      events_stored: row.events_stored,
      events_redelivered: row.events_redelivered,
    };
    if (Object.values(c).some((v) => v !== 0)) out.set(key, c);
  }
  return out;
}

describe("webhook statistics (SPEC: count deliveries)", () => {
  test("given any sequence of deliveries, when folded, then the six outcomes add up to received per project, source and day, and each request counts as the SPEC says", () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 200 }),
        (requests, order) => {
          const sim = simulate(requests);
          const stats = fold(sim, order);
          for (const row of stats.values()) {
            const sum = OUTCOMES.reduce((n, o) => n + row[o], 0);
            assert.equal(
              sum,
              row.received,
              `outcomes add up to received for ${row.project_id}/${row.source}/${row.day}`,
            );
            assert.ok(OUTCOMES.every((o) => row[o] >= 0));
            assert.notEqual(row.project_id, "ghost", "unknown projects are not counted");
          }
          assert.deepEqual(counters(stats), sim.expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("given the same deliveries, when the events and receipts streams interleave differently (live vs replay), then the rows are identical", () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        (requests, a, b) => {
          const sim = simulate(requests);
          const rows = (m: Map<string, StatsRow>) => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : 1));
          assert.deepEqual(rows(fold(sim, a)), rows(fold(sim, b)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test("given stored events split into batches, when the live projector tallies each batch, then the rows equal the replay's event-by-event fold", () => {
    const noteArb = fc.record({
      delivery: fc.integer({ min: 0, max: 5 }),
      isNew: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(noteArb, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 8 })),
        (notes, cuts) => {
          const events = notes.map((n) => {
            const at = new Date(Date.UTC(2026, 9, 12 + ((n.delivery % 2) as 0 | 1), 6)).toISOString();
            const e = eventOf("keycrm", "p1", n.delivery, at);
            e.delivery = { id: `d${n.delivery}`, source: "keycrm", events: 3 };
            return { e, isNew: n.isNew };
          });
          // Replay: the chain folded event by event in memory.
          const replayLedger = new Map<string, DeliveryRow>();
          const replayStats = new Map<string, StatsRow>();
          const replay: MemoryStore[] = [
            { projection: webhookDeliveriesProjection, states: replayLedger },
            { projection: webhookStatsProjection, states: replayStats },
          ];
          for (const [seq, { e, isNew }] of events.entries())
            for (const f of storedEventFacts(e, isNew)) evolveChain(replay, f, seq + 1);
          // Live: per batch, declaration after declaration as `applyLiveChain` does — the ledger loads
          // the stored rows, the stats start empty and are added to the stored ones (upsert `add`).
          const liveLedger = new Map<string, DeliveryRow>();
          const liveStats = new Map<string, StatsRow>();
          let i = 0;
          for (let c = 0; i < events.length; c++) {
            const batch = events.slice(i, i + (cuts[c] ?? events.length));
            const inputs: PositionedInput[] = batch.flatMap(({ e, isNew }, k) =>
              storedEventFacts(e, isNew).map((event) => ({ seq: i + k + 1, event })),
            );
            i += cuts[c] ?? events.length;
            const ledger = new Map(liveLedger);
            const emitted: PositionedInput[] = [];
            for (const f of inputs)
              evolveInto(webhookDeliveriesProjection, ledger, f.event, f.seq, undefined, emitted);
            const increments = new Map<string, StatsRow>();
            for (const f of [...inputs, ...emitted])
              evolveInto(webhookStatsProjection, increments, f.event, f.seq);
            for (const [k, row] of ledger) liveLedger.set(k, row);
            for (const [k, inc] of increments) {
              const stored = liveStats.get(k);
              liveStats.set(k, stored ? sumStats(stored, inc) : inc);
            }
          }
          assert.deepEqual(counters(liveStats), counters(replayStats));
          assert.deepEqual(liveLedger, replayLedger);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("given an event of no webhook delivery, when its facts are derived, then there are none; given a receipt, then a failed one with a delivery id goes through the ledger and any other is counted directly", () => {
    const e = eventOf("keycrm", "p1", 1, "2026-10-12T06:00:00.000Z");
    delete (e as { delivery?: unknown }).delivery;
    assert.deepEqual(storedEventFacts(e, true), []);
    const base = {
      project_id: "p1",
      source: "keycrm",
      received_at: "2026-10-12T06:00:00.000Z",
      published: 0,
    } as const;
    const failed = receiptFacts({ ...base, outcome: "failed", delivery_id: "d1" } as WebhookReceipt);
    assert.deepEqual(
      failed.map((f) => f.type),
      ["webhook.delivery_input"],
    );
    const ignored = receiptFacts({ ...base, outcome: "ignored" } as WebhookReceipt);
    assert.deepEqual(
      ignored.map((f) => f.type),
      ["webhook.stats_increment"],
    );
  });

  test("given a stored delivery row, when a lower outcome arrives, then the ledger keeps its row (unchanged state) and only the receive time moves in the stats", () => {
    const at = "2026-10-12T06:00:00.000Z";
    const input = { projectId: "p", deliveryId: "d1", source: "keycrm", receivedAt: at } as const;
    const ledger = new Map<string, DeliveryRow>();
    const stats = new Map<string, StatsRow>();
    const stores: MemoryStore[] = [
      { projection: webhookDeliveriesProjection, states: ledger },
      { projection: webhookStatsProjection, states: stats },
    ];
    assert.equal(WEBHOOK_STATS_CHAIN.length, stores.length);
    const accepted: DeliveryInputFact = {
      type: "webhook.delivery_input",
      input: { ...input, outcome: "accepted" },
    };
    const failed: DeliveryInputFact = {
      type: "webhook.delivery_input",
      input: { ...input, outcome: "failed" },
    };
    evolveChain(stores, accepted, 1);
    const row = [...ledger.values()][0];
    const emitted = evolveChain(stores, failed, 2);
    assert.equal([...ledger.values()][0], row, "the ledger row is the same state");
    assert.equal(emitted.length, 1);
    const [total] = [...stats.values()];
    assert.deepEqual([total?.received, total?.accepted, total?.failed], [1, 1, 0]);
  });

  test("given a failed request whose events were stored after all, when the receipt comes first or last, then it counts once as accepted", () => {
    const at = "2026-10-12T06:00:00.000Z";
    const input = { projectId: "p", deliveryId: "d1", source: "keycrm", receivedAt: at } as const;
    const failed = evolveDelivery(undefined, { ...input, outcome: "failed" });
    const raised = evolveDelivery(failed.row, { ...input, outcome: "accepted" });
    assert.equal(raised.row.outcome, "accepted");
    const net = [...failed.increments, ...raised.increments].reduce(
      (n, inc) => ({
        received: n.received + inc.received,
        failed: n.failed + inc.failed,
        accepted: n.accepted + inc.accepted,
      }),
      { received: 0, failed: 0, accepted: 0 },
    );
    assert.deepEqual(net, { received: 1, failed: 0, accepted: 1 });
    const accepted = evolveDelivery(undefined, { ...input, outcome: "accepted" });
    const late = evolveDelivery(accepted.row, { ...input, outcome: "failed" });
    assert.equal(late.changed, false);
    assert.deepEqual(
      late.increments.map((i) => [i.received, i.failed, i.accepted]),
      [[0, 0, 0]],
    );
  });
});
