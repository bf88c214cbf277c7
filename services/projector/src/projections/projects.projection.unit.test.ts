import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aProjectRegistered } from "@pulse/events/testing";
import { foldInMemory, stateKey } from "./projection.js";
import { projectsProjection } from "./projects.projection.js";

describe("projects projection", () => {
  test("given two registrations of a project, when folded, then the settings are the latest and registered_at the first", () => {
    const first = aProjectRegistered("p1", { name: "Old", time_zone: "UTC" });
    const second = aProjectRegistered("p1", { name: "New", time_zone: "Europe/Kyiv" });
    const row = foldInMemory(projectsProjection, [first, second]).get(stateKey("p1", "p1"));
    assert.equal(row?.name, "New");
    assert.equal(row?.time_zone, "Europe/Kyiv");
    assert.equal(row?.registered_at, first.occurred_at);
    assert.equal(row?.event_seq, 2);
  });
});
