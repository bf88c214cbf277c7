import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeEvent, encodeEvent } from "@pulse/events";
import {
  aDealEvent,
  aDictionarySynced,
  aLeadSnapshot,
  anOrderStatusChanged,
  aProjectRegistered,
  aWebhookReceipt,
} from "@pulse/events/testing";
import fc from "fast-check";
import { durableAgrees } from "../live/durable-batch.reader.js";
import { canonicalJson, type DealInput, evolveDeal } from "./deals-current.projection.js";
import {
  changedStatusIds,
  emptyDictionary,
  evolveDictionary,
  isKnownStatus,
  resolutionChange,
  resolveInDictionary,
} from "./dictionary.projection.js";
import { buildOrderRows, orderStatusEventRow, storedEventResolver } from "./order-status.projection.js";
import { decodeForProjection } from "./projection-decode.js";
import { evolveProject } from "./projects.projection.js";
import { addStats, decodeReceipts, receiptIncrement, type StatsRow } from "./webhook-stats.projection.js";

const P = "shop-test";

describe("dictionary projection", () => {
  const synced = evolveDictionary(
    emptyDictionary(P),
    aDictionarySynced(
      [
        { status_id: 1, group_id: 1 },
        { status_id: 6, group_id: 5, is_closing_order: true },
        { status_id: 142, group_id: 7001 },
        { status_id: 142, group_id: 7002 },
      ],
      P,
    ),
  );

  test("given a status id in one group, when resolved, then that group is returned", () => {
    assert.equal(resolveInDictionary(synced, 1, null).group_id, 1);
  });

  test("given a status id in two pipelines (amoCRM 142), when resolved without a group, then it is ambiguous", () => {
    assert.equal(resolveInDictionary(synced, 142, null).group_id, null);
    assert.equal(resolveInDictionary(synced, 142, 7002).group_id, 7002);
    assert.equal(isKnownStatus(synced, 142, null), true);
    assert.equal(isKnownStatus(synced, 142, 7003), false);
  });

  test("given a later sync without a status, when folded, then the row stays, out of the last sync and inactive", () => {
    const next = evolveDictionary(synced, aDictionarySynced([{ status_id: 1, group_id: 1 }], P));
    const row = next.statuses.get("5:6");
    assert.equal(row?.in_last_sync, false);
    assert.equal(row?.is_active, false);
    assert.equal(resolveInDictionary(next, 6, null).group_id, 5, "old events still resolve");
  });

  test("given a sync that adds a status and flips a closing flag, when compared, then both ids changed", () => {
    const next = evolveDictionary(
      synced,
      aDictionarySynced(
        [
          { status_id: 1, group_id: 1, is_closing_order: true },
          { status_id: 6, group_id: 5, is_closing_order: true },
          { status_id: 31, group_id: 3 },
        ],
        P,
      ),
    );
    assert.deepEqual(
      [...changedStatusIds(synced, next)].sort((a, b) => a - b),
      [1, 31],
    );
  });

  test("given is_closing_order in the dictionary, when resolved, then only that closes the order (no hard-coded group)", () => {
    const r = storedEventResolver(synced);
    assert.equal(r.isClosing({ status_group_id: 5, status_id: 6 }), true);
    assert.equal(r.isClosing({ status_group_id: 6, status_id: 99 }), false, "group 6 alone is not closing");
    assert.equal(
      r.isClosing({ status_group_id: 7001, status_id: 142 }),
      false,
      "142 closes only when the dictionary says so",
    );
    assert.equal(r.isClosing({ status_group_id: 1, status_id: 1 }), false);
  });

  test("given a sync that moves a known status, when compared, then it is moved; an unknown one learned is learned", () => {
    const next = evolveDictionary(
      synced,
      aDictionarySynced(
        [
          { status_id: 1, group_id: 2 },
          { status_id: 6, group_id: 5, is_closing_order: true },
          { status_id: 31, group_id: 3 },
        ],
        P,
      ),
    );
    assert.equal(resolutionChange(synced, next, 1, 1), "moved");
    assert.equal(resolutionChange(synced, next, 31, null), "learned");
    assert.equal(resolutionChange(synced, next, 31, 3), "none", "the delivery already named the group");
    assert.equal(
      resolutionChange(synced, next, 31, 4),
      "moved",
      "the delivery's group was used and the dictionary now says otherwise",
    );
    assert.equal(resolutionChange(synced, next, 6, 5), "none");
  });

  test("given a refresh with the same content, when compared, then no status changed", () => {
    const same = evolveDictionary(
      synced,
      aDictionarySynced(
        [
          { status_id: 1, group_id: 1 },
          { status_id: 6, group_id: 5, is_closing_order: true },
          { status_id: 142, group_id: 7001 },
          { status_id: 142, group_id: 7002 },
        ],
        P,
      ),
    );
    assert.equal(changedStatusIds(synced, same).size, 0);
  });
});

describe("order rows", () => {
  test("given events resolved against the dictionary, when built, then the rows carry groups, effective flags and the last seq", () => {
    const dict = evolveDictionary(
      emptyDictionary(P),
      aDictionarySynced(
        [
          { status_id: 1, group_id: 1 },
          { status_id: 2, group_id: 2 },
        ],
        P,
      ),
    );
    const a = orderStatusEventRow(
      anOrderStatusChanged({ order_id: 1, status_id: 1, status_changed_at: "2026-10-12T06:00:00.000Z" }, P),
      10,
      dict,
    );
    const b = orderStatusEventRow(
      anOrderStatusChanged(
        { order_id: 1, status_id: 1, status_changed_at: "2026-10-12T06:05:00.000Z", time_source: "received" },
        P,
      ),
      11,
      dict,
    );
    const c = orderStatusEventRow(
      anOrderStatusChanged({ order_id: 1, status_id: 2, status_changed_at: "2026-10-12T07:00:00.000Z" }, P),
      9,
      dict,
    );
    assert.equal(a.status_group_id, 1, "minimal context resolved from the dictionary");
    assert.equal(a.event_group_id, null, "the delivered group is kept as delivered");
    const rows = buildOrderRows([c, b, a], dict);
    assert.deepEqual(
      rows.intervals.map((i) => [i.seq, i.status_id, i.duration_seconds]),
      [
        [1, 1, 3600],
        [2, 2, null],
      ],
    );
    assert.equal(rows.effective.get(b.dedup_key), false, "time-less repeat absorbed");
    assert.equal(rows.current.last_event_seq, 11);
    assert.equal(rows.current.status_events, 3);
    assert.equal(rows.current.source, "keycrm");
  });
});

describe("order rows: group of a status (SPEC Decided rules)", () => {
  const dict = evolveDictionary(
    emptyDictionary(P),
    aDictionarySynced(
      [
        { status_id: 1, group_id: 1 },
        { status_id: 12, group_id: 5, is_closing_order: true },
      ],
      P,
    ),
  );
  const row = (statusId: number, group: number | null, minute: number, seq: number) =>
    orderStatusEventRow(
      anOrderStatusChanged(
        {
          order_id: 7,
          status_id: statusId,
          status_group_id: group,
          status_changed_at: new Date(Date.UTC(2026, 9, 12, 6, minute)).toISOString(),
        },
        P,
      ),
      seq,
      dict,
    );

  test("given a webhook group that contradicts the dictionary, when built, then intervals and orders_current use the dictionary's", () => {
    const events = [row(1, 4, 0, 1), row(12, 6, 30, 2)];
    assert.deepEqual(
      events.map((e) => [e.event_group_id, e.status_group_id]),
      [
        [4, 1],
        [6, 5],
      ],
    );
    const rows = buildOrderRows(events, dict);
    assert.deepEqual(
      rows.intervals.map((i) => i.status_group_id),
      [1, 5],
    );
    assert.equal(rows.current.last_status_group_id, 5);
    assert.equal(rows.current.closed_at, "2026-10-12T06:30:00.000Z", "closing from is_closing_order");
  });

  test("given a status unknown to the dictionary, when built, then the webhook's group is used; without one the group is unknown", () => {
    const withGroup = buildOrderRows([row(1, 1, 0, 1), row(99, 3, 10, 2)], dict);
    assert.equal(withGroup.current.last_status_group_id, 3);
    assert.equal(withGroup.current.closed_at, null);
    const unknown = row(99, null, 10, 2);
    const without = buildOrderRows([row(1, 1, 0, 1), unknown], dict);
    assert.equal(without.current.last_status_group_id, null);
    assert.equal(without.eventGroups.get(unknown.dedup_key), null);
    assert.equal(without.intervals[1]?.status_group_id, null);
  });

  test("given the dictionary moved a status, when an order is rebuilt, then its stored events re-resolve", () => {
    const events = [row(1, 1, 0, 1), row(12, 5, 30, 2)];
    const moved = evolveDictionary(
      dict,
      aDictionarySynced(
        [
          { status_id: 1, group_id: 1 },
          { status_id: 12, group_id: 4 },
        ],
        P,
      ),
    );
    const rows = buildOrderRows(events, moved);
    assert.equal(rows.current.last_status_group_id, 4);
    assert.equal(rows.current.closed_at, null, "no longer closing");
    assert.equal(rows.eventGroups.get(events[1]!.dedup_key), 4);
  });
});

describe("deals projection", () => {
  const snap = (
    updated_at: string | null,
    extra: Partial<Parameters<typeof aLeadSnapshot>[0]> = {},
  ): DealInput => ({
    kind: "snapshot",
    projectId: "amo",
    lead: aLeadSnapshot({ lead_id: 5, status_id: 10, updated_at, ...extra }),
  });

  test("given an older snapshot, when folded, then the row does not change", () => {
    const row = evolveDeal(undefined, snap("2026-10-12T06:00:00.000Z"), 1)!;
    assert.equal(evolveDeal(row, snap("2026-10-12T05:00:00.000Z", { status_id: 9 }), 2), undefined);
  });

  test("given a snapshot without time (Digital Pipeline), when folded onto a full one, then it is ignored", () => {
    const row = evolveDeal(undefined, snap("2026-10-12T06:00:00.000Z", { name: "Full" }), 1)!;
    assert.equal(evolveDeal(row, snap(null), 2), undefined);
  });

  test("given the same snapshot re-sent, when folded, then nothing changes; a different one at the same time wins", () => {
    const row = evolveDeal(undefined, snap("2026-10-12T06:00:00.000Z"), 1)!;
    assert.equal(evolveDeal(row, snap("2026-10-12T06:00:00.000Z"), 2), undefined);
    assert.equal(evolveDeal(row, snap("2026-10-12T06:00:00.000Z", { price: 5 }), 3)?.last_event_seq, 3);
  });

  test("given a deletion, when folded, then the deal is marked deleted and a later snapshot keeps the mark", () => {
    const row = evolveDeal(undefined, snap("2026-10-12T06:00:00.000Z"), 1)!;
    const del = evolveDeal(
      row,
      { kind: "deleted", projectId: "amo", leadId: 5, statusId: null, pipelineId: null },
      2,
    )!;
    assert.equal(del.deleted, true);
    assert.equal(evolveDeal(del, snap("2026-10-12T07:00:00.000Z"), 3)?.deleted, true);
  });

  test("given JSON with keys in any order, when canonicalised, then the text is the same", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    assert.equal(canonicalJson({ b: undefined, a: [undefined, 'x"y'] }), '{"a":[null,"x\\"y"]}');
    assert.equal(canonicalJson({ a: undefined, b: [undefined, 'x"y'] }), '{"b":[null,"x\\"y"]}');
    assert.equal(canonicalJson({ 10: 1, 2: 2, b: 3, a: 4 }), '{"10":1,"2":2,"a":4,"b":3}');
  });

  test("given a deal event with custom fields in delivery order, when decoded, then its lists are already canonical", () => {
    const event = aDealEvent("deal.updated", {
      lead_id: 5,
      tags: [{ id: 3, name: "vip" }],
      custom_fields: [{ id: 434731, name: "utm_source", code: null, values: [{ value: "fb", enum: null }] }],
    });
    const decoded = decodeEvent(encodeEvent(event));
    assert.ok(decoded.ok && decoded.event.type === "deal.updated");
    const { tags, custom_fields } = decoded.event.data.lead;
    assert.equal(
      JSON.stringify(custom_fields),
      '[{"code":null,"id":434731,"name":"utm_source","values":[{"enum":null,"value":"fb"}]}]',
    );
    assert.equal(canonicalJson(custom_fields), JSON.stringify(custom_fields));
    assert.equal(canonicalJson(tags), JSON.stringify(tags));
  });

  test("given any JSON value, when canonicalised, then the same data with keys sorted at every depth", () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .reverse()
                .map((k) => [k, reversed((v as Record<string, unknown>)[k])]),
            )
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v)));
        assert.equal(canonicalJson(sorted(v)), text);
        assert.equal(canonicalJson(reversed(v)), text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("projects and stats", () => {
  test("given a re-registration, when folded, then registered_at stays the first one", () => {
    const first = evolveProject(undefined, aProjectRegistered(P), 1);
    const second = evolveProject(first, aProjectRegistered(P, { name: "Renamed" }), 7);
    assert.equal(second.registered_at, first.registered_at);
    assert.equal(second.name, "Renamed");
    assert.equal(second.event_seq, 7);
  });

  test("given receipts of one day, when added, then each counts one delivery under its outcome", () => {
    const acc = new Map<string, StatsRow>();
    const day = "2026-10-12T23:59:59.999Z";
    // An `accepted` receipt of the first format still counts (with its published events).
    addStats(acc, receiptIncrement(aWebhookReceipt({ received_at: day, published: 3 })));
    addStats(acc, receiptIncrement(aWebhookReceipt({ received_at: day, outcome: "rejected", published: 0 })));
    const [row] = [...acc.values()];
    assert.deepEqual(
      [row?.day, row?.received, row?.accepted, row?.rejected, row?.events_stored, row?.last_received_at],
      ["2026-10-12", 2, 1, 1, 3, day],
    );
  });

  test("given a receipts message as a batch or as one bare receipt, when decoded, then both give their receipts", () => {
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const a = aWebhookReceipt({ project_id: "a" });
    const b = aWebhookReceipt({ project_id: "b", outcome: "duplicate", published: 0, duplicates: 1 });
    const batch = decodeReceipts(bytes({ receipts: [a, b] }));
    assert.ok(batch.ok);
    assert.deepEqual(
      batch.receipts.map((r) => r.project_id),
      ["a", "b"],
    );
    const bare = decodeReceipts(bytes(a));
    assert.ok(bare.ok);
    assert.deepEqual(bare.receipts, [a]);
    assert.equal(decodeReceipts(bytes({ receipts: [] })).ok, false);
    assert.equal(decodeReceipts(bytes({ receipts: [{ ...a, published: -1 }] })).ok, false);
  });
});

describe("decodeForProjection", () => {
  const base = anOrderStatusChanged(
    { order_id: 1, status_id: 1, status_changed_at: "2026-10-12T06:00:00.000Z" },
    P,
  );

  test("given an impossible date that matches the instant pattern, when decoded, then it is poison", () => {
    const bad = { ...base, data: { ...base.data, status_changed_at: "2026-02-30T06:00:00.000Z" } };
    const r = decodeForProjection(encodeEvent(bad));
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason, /invalid instant/);
  });

  test("given a leap day, when decoded, then it is valid", () => {
    const leap = { ...base, data: { ...base.data, status_changed_at: "2028-02-29T23:59:59.999Z" } };
    assert.equal(decodeForProjection(encodeEvent(leap)).ok, true);
  });

  test("given a NUL in a string, when decoded, then it is replaced so Postgres can store it", () => {
    const nul = { ...base, data: { ...base.data, crm_event: "a\u0000b" } };
    const r = decodeForProjection(encodeEvent(nul));
    assert.ok(r.ok);
    assert.equal(r.ok && r.event.type === "order.status_changed" ? r.event.data.crm_event : "", "a\ufffdb");
  });
});

describe("durableAgrees", () => {
  const spec = {
    stream: "S",
    durable: "d",
    filter: "r.events.>",
    maxAckPending: 1,
    ackWaitMs: 1,
    bufferMessages: 1,
  };
  const info = (delivered: number, consumerSeq: number, ackFloor: number, pending = 0) =>
    ({
      config: { filter_subject: "r.events.>", ack_policy: "explicit" },
      delivered: { stream_seq: delivered, consumer_seq: consumerSeq },
      ack_floor: { stream_seq: ackFloor, consumer_seq: 0 },
      num_ack_pending: pending,
    }) as unknown as Parameters<typeof durableAgrees>[0];

  test("given a durable acked up to the checkpoint, when checked, then it is kept", () => {
    assert.equal(durableAgrees(info(40, 12, 40), spec, 40), true);
  });
  test("given a fresh durable created at checkpoint + 1, when checked, then it is kept", () => {
    assert.equal(durableAgrees(info(40, 0, 0), spec, 40), true);
  });
  test("given messages delivered past the checkpoint but not acked, when checked, then it is re-created", () => {
    assert.equal(durableAgrees(info(45, 17, 40, 5), spec, 40), false);
  });
  test("given a durable ahead of a restored checkpoint, when checked, then it is re-created", () => {
    assert.equal(durableAgrees(info(60, 20, 60), spec, 40), false);
  });
});
