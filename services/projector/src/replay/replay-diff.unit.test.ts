import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diffOrderStates, type GroupDiffState, type OrderDiffState, replayDiffOf } from "./replay-diff.js";

const state = (groups: [number, GroupDiffState][], cycle: number | null = null): OrderDiffState => ({
  groups: new Map(groups),
  cycle_working_seconds: cycle,
  cycle_wall_seconds: cycle,
  last_status_group_id: null,
  closed_at: null,
});
const left = (s: string | null): GroupDiffState => ({
  running: false,
  sla_state: s,
  sla_near_at: null,
  sla_over_at: null,
});
const running = (near: string | null, over: string | null): GroupDiffState => ({
  running: true,
  sla_state: "ok",
  sla_near_at: near,
  sla_over_at: over,
});

describe("diffOrderStates — SLA per order and status group", () => {
  test("given a group the order left, when its final state changes, then one sla_state change with the group", () => {
    const changes = diffOrderStates(7, state([[1, left("over")]]), state([[1, left("ok")]]));
    assert.deepEqual(changes, [
      { order_id: 7, field: "sla_state", group_id: 1, before: "over", after: "ok" },
    ]);
  });

  test("given the group the order is in, when its instants move, then near and over changes, not its state", () => {
    const before = state([[2, running("2026-10-12T07:36:00.000Z", "2026-10-12T08:00:00.001Z")]]);
    const after = state([[2, running("2026-10-12T09:12:00.000Z", "2026-10-12T10:00:00.001Z")]]);
    assert.deepEqual(
      diffOrderStates(7, before, after).map((c) => [c.field, c.group_id, c.before, c.after]),
      [
        ["sla_near_at", 2, "2026-10-12T07:36:00.000Z", "2026-10-12T09:12:00.000Z"],
        ["sla_over_at", 2, "2026-10-12T08:00:00.001Z", "2026-10-12T10:00:00.001Z"],
      ],
    );
  });

  test("given unchanged groups and a cycle change, when diffed, then only the cycle fields; an order missing on one side has none", () => {
    const g: [number, GroupDiffState][] = [[1, left("near")]];
    assert.deepEqual(
      diffOrderStates(7, state(g, 100), state(g, 200)).map((c) => c.field),
      ["cycle_wall_seconds", "cycle_working_seconds"],
    );
    assert.deepEqual(diffOrderStates(7, undefined, state(g)), []);
    const diff = replayDiffOf([
      diffOrderStates(7, state(g), state(g)),
      diffOrderStates(8, state(g, 1), state(g, 2)),
    ]);
    assert.equal(diff.orders_changed, 1);
  });
});
