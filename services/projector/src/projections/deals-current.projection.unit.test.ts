import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aDealDeleted, aDealEvent, anOrderStatusChanged } from "@pulse/events/testing";
import { dealsProjection } from "./deals-current.projection.js";
import { foldInMemory, stateKey } from "./projection.js";

describe("deals_current projection", () => {
  test("given a newer snapshot then an older one, when folded, then the newer stays", () => {
    const row = foldInMemory(dealsProjection, [
      aDealEvent("deal.updated", { lead_id: 5, name: "new", updated_at: "2026-10-20T10:00:00.000Z" }, "p"),
      aDealEvent("deal.updated", { lead_id: 5, name: "old", updated_at: "2026-10-20T09:00:00.000Z" }, "p"),
    ]).get(stateKey("p", 5));
    assert.equal(row?.name, "new");
    assert.equal(row?.last_event_seq, 1);
  });

  test("given a deletion of an unknown lead, when folded, then a deleted row with empty tags exists", () => {
    const row = foldInMemory(dealsProjection, [aDealDeleted(9, "p")]).get(stateKey("p", 9));
    assert.equal(row?.deleted, true);
    assert.equal(row?.tags, "[]");
  });

  test("given a status change without a lead snapshot, when folded, then no deal state is made", () => {
    const states = foldInMemory(dealsProjection, [
      anOrderStatusChanged({ order_id: 3, status_id: 1, status_changed_at: "2026-10-20T10:00:00.000Z" }, "p"),
    ]);
    assert.equal(states.size, 0);
  });
});
