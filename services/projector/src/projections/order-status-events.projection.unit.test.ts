import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aDealEvent, aDictionarySynced, anOrderStatusChanged } from "@pulse/events/testing";
import { dictionaryProjection, emptyDictionary } from "./dictionary.projection.js";
import {
  orderStatusEventsProjection,
  orderUpdatedNotice,
  type StatusEventsContext,
} from "./order-status.projection.js";
import { evolveInto, foldInMemory, type PositionedInput, stateKey } from "./projection.js";
import type { WebhookFact } from "./webhook-stats.projection.js";

const P = "shop-test";
const noDictionary: StatusEventsContext = { dictionaryOf: (p) => emptyDictionary(p) };
const delivered = <E extends { delivery?: unknown }>(e: E, id: string): E => ({
  ...e,
  delivery: { id, source: "keycrm", events: 1 },
});

describe("order_status_events projection (dedup of status facts)", () => {
  test("given a status change, when folded, then its row is stored under its dedup key with the delivered group and its stream position", () => {
    const e = anOrderStatusChanged(
      { order_id: 5, status_id: 3, status_group_id: 2, status_changed_at: "2026-10-12T06:00:00.000Z" },
      P,
    );
    const states = foldInMemory(orderStatusEventsProjection, [e], noDictionary);
    const row = states.get(stateKey(P, e.dedup_key));
    assert.equal(row?.order_id, 5);
    assert.equal(row?.event_group_id, 2);
    assert.equal(row?.status_group_id, 2, "unknown to the dictionary: the delivered group");
    assert.equal(row?.stream_seq, 1);
    assert.equal(row?.is_effective, true);
  });

  test("given a dictionary that knows the status, when folded, then the group is the dictionary's", () => {
    const sync = aDictionarySynced([{ status_id: 3, group_id: 9 }], P);
    const dict = dictionaryProjection.evolve(null, sync, 1)!;
    const e = anOrderStatusChanged(
      { order_id: 5, status_id: 3, status_group_id: 2, status_changed_at: "2026-10-12T06:00:00.000Z" },
      P,
    );
    const row = foldInMemory(orderStatusEventsProjection, [e], { dictionaryOf: () => dict }).get(
      stateKey(P, e.dedup_key),
    );
    assert.equal(row?.status_group_id, 9);
    assert.equal(row?.event_group_id, 2);
  });

  test("given the same fact stored again after the duplicate window, when folded, then the first row stays and the late duplicate changes nothing", () => {
    const e = anOrderStatusChanged(
      { order_id: 5, status_id: 3, status_changed_at: "2026-10-12T06:00:00.000Z" },
      P,
    );
    const states = foldInMemory(orderStatusEventsProjection, [e], noDictionary);
    const again = { ...e, id: "01LATE0000000000000000000" };
    assert.equal(evolveInto(orderStatusEventsProjection, states, again, 2, noDictionary), null);
    assert.equal(states.get(stateKey(P, e.dedup_key))?.event_id, e.id);
  });

  test("given a webhook event, when folded new and then again, then it emits accepted and then duplicate for the delivery tally", () => {
    const e = delivered(
      anOrderStatusChanged({ order_id: 5, status_id: 3, status_changed_at: "2026-10-12T06:00:00.000Z" }, P),
      "d1",
    );
    const states = new Map();
    const emitted: PositionedInput[] = [];
    evolveInto(orderStatusEventsProjection, states, e, 1, noDictionary, emitted);
    evolveInto(orderStatusEventsProjection, states, delivered(e, "d2"), 2, noDictionary, emitted);
    const inputs = emitted
      .map((f) => f.event as WebhookFact)
      .flatMap((f) => (f.type === "webhook.delivery_input" ? [[f.input.deliveryId, f.input.outcome]] : []));
    assert.deepEqual(inputs, [
      ["d1", "accepted"],
      ["d2", "duplicate"],
    ]);
  });

  test("given a lead's creation with a stage, when folded, then it is a status event; given a deal update, then it is not this projection's", () => {
    const created = aDealEvent("deal.created", { lead_id: 7, status_id: 11, pipeline_id: 4 }, P);
    const states = foldInMemory(
      orderStatusEventsProjection,
      [created, aDealEvent("deal.updated", { lead_id: 7 }, P)],
      noDictionary,
    );
    assert.equal(states.size, 1);
    assert.equal(states.get(stateKey(P, created.dedup_key))?.order_id, 7);
  });
});

describe("order_updated notice", () => {
  test("given a changed orders_current row, when its notice is built, then it carries the row's status fields, the causing position and the reason", () => {
    const notice = orderUpdatedNotice(
      {
        project_id: P,
        order_id: 5,
        last_status_id: 3,
        last_status_group_id: 2,
        last_changed_at: "2026-10-12T06:00:00.000Z",
        started_at: "2026-10-12T05:00:00.000Z",
        closed_at: null,
      } as Parameters<typeof orderUpdatedNotice>[0],
      42,
      "status_changed",
    );
    assert.deepEqual(notice, {
      type: "order_updated",
      project_id: P,
      order_id: 5,
      event_seq: 42,
      reason: "status_changed",
      last_status_id: 3,
      last_status_group_id: 2,
      last_changed_at: "2026-10-12T06:00:00.000Z",
      started_at: "2026-10-12T05:00:00.000Z",
      closed_at: null,
    });
  });
});
