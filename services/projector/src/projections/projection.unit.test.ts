import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aDealDeleted, aDealEvent, aProjectRegistered } from "@pulse/events/testing";
import { dealsProjection } from "./deals-current.projection.js";
import { evolveInto, foldInMemory, rowsOf, stateKey } from "./projection.js";
import { projectsProjection } from "./projects.projection.js";

describe("the projection applier (one evolve loop for both stores)", () => {
  test("given an event the projection does not handle, when evolved, then no state changes", () => {
    const states = new Map();
    assert.equal(evolveInto(dealsProjection, states, aProjectRegistered("p1"), 1), null);
    assert.equal(states.size, 0);
  });

  test("given a state the event leaves unchanged, when evolved, then no key is reported changed", () => {
    const states = foldInMemory(dealsProjection, [aDealDeleted(7, "p1")]);
    assert.equal(evolveInto(dealsProjection, states, aDealDeleted(7, "p1"), 2), null, "already deleted");
    assert.equal(states.get(stateKey("p1", 7))?.last_event_seq, 1);
  });

  test("given events of two keys, when folded, then each key holds its own state under {project}\\0{id}", () => {
    const states = foldInMemory(dealsProjection, [
      aDealEvent("deal.created", { lead_id: 1, name: "A" }, "p1"),
      aDealEvent("deal.created", { lead_id: 2, name: "B" }, "p1"),
    ]);
    assert.deepEqual([...states.keys()], ["p1\u00001", "p1\u00002"]);
    assert.equal(states.get("p1\u00002")?.name, "B");
  });

  test("given several states, when their rows are asked, then the rows come per table in state order", () => {
    const states = foldInMemory(projectsProjection, [aProjectRegistered("a"), aProjectRegistered("b")]);
    const rows = rowsOf(projectsProjection, states.values());
    assert.deepEqual(
      rows.projects?.map((r) => r.project_id),
      ["a", "b"],
    );
  });
});
