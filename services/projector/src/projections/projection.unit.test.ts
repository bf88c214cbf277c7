import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aDealDeleted, aDealEvent, aProjectRegistered } from "@pulse/events/testing";
import { dealsProjection } from "./deals-current.projection.js";
import { evolveChain, evolveInto, foldInMemory, type MemoryStore, rowsOf, stateKey } from "./projection.js";
import { projectsProjection } from "./projects.projection.js";
import { PROJECTIONS } from "./registry.js";

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

  test("given the registry, when its declarations are listed, then each name is unique and every declaration that emits facts comes before those that handle them", () => {
    const names = PROJECTIONS.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    const factTypes = ["webhook.delivery_input", "webhook.stats_increment"];
    const firstHandler = Math.min(...factTypes.map((t) => PROJECTIONS.findIndex((p) => p.eventTypes.has(t))));
    PROJECTIONS.forEach((p, i) => {
      if (p.emit && !factTypes.some((t) => p.eventTypes.has(t)))
        assert.ok(i < firstHandler, `${p.name} emits before the tally`);
    });
  });

  test("given a chain, when an event is folded, then the facts one declaration emits reach the later ones at the same position", () => {
    const stores: MemoryStore[] = PROJECTIONS.map((projection) => ({ projection, states: new Map() }));
    const e = {
      ...aDealEvent("deal.updated", { lead_id: 4, status_id: 2 }, "p1"),
      delivery: { id: "d1", source: "amocrm", events: 1 },
    };
    const emitted = evolveChain(stores, e, 7, { dictionaryOf: () => undefined });
    assert.ok(emitted.length >= 2, "the dedup fact and the stats increments");
    assert.ok(emitted.every((f) => f.seq === 7));
    const stats = stores.find((s) => s.projection.name === "webhook_stats")!.states;
    const [row] = [...stats.values()] as { accepted: number; events_stored: number }[];
    assert.deepEqual([row?.accepted, row?.events_stored], [1, 1]);
  });
});
