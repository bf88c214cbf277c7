import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { orderOverridesProjection } from "./order-overrides.projection.js";
import { foldInMemory, stateKey } from "./projection.js";
import { anEvent } from "./projection.testing.js";

const overrides = (urgent: boolean | null, cycleStart: string | null) =>
  anEvent("order.overrides_changed", {
    order_id: 8,
    changed_by: "ops@example.com",
    overrides: { urgent, sla_profile: null, cycle_start_at: cycleStart, cycle_end_at: null },
  });

describe("order_overrides projection", () => {
  test("given two override sets, when folded, then the whole later set replaces the first", () => {
    const row = foldInMemory(orderOverridesProjection, [
      overrides(true, "2026-10-20T10:00:00Z"),
      overrides(null, null),
    ]).get(stateKey("shop-test", 8));
    assert.equal(row?.urgent, null);
    assert.equal(row?.cycle_start_at, null);
    assert.equal(row?.event_seq, 2);
  });

  test("given a cycle start that is not an instant, when folded, then it is stored as null", () => {
    const row = foldInMemory(orderOverridesProjection, [overrides(false, "yesterday")]).get(
      stateKey("shop-test", 8),
    );
    assert.equal(row?.cycle_start_at, null);
    assert.equal(row?.urgent, false);
  });
});
