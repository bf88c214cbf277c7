import assert from "node:assert/strict";
import { test } from "node:test";
import { canSeeProject, isOwner, type Principal, roleIn, safeEqual } from "./auth.plugin.js";

test("given a viewer of some projects, when asked about projects, then only those are visible", () => {
  const viewer: Principal = { subject: "v", role: "viewer", projects: ["shop", "b2b"] };
  assert.equal(canSeeProject(viewer, "shop"), true);
  assert.equal(canSeeProject(viewer, "shop2"), false);
  assert.equal(canSeeProject({ subject: "a", role: "admin", projects: "*" }, "anything"), true);
  assert.equal(canSeeProject({ subject: "n", role: "viewer", projects: [] }, "shop"), false);
});

test("given per-project roles, when the role in a project is asked, then it is that project's role or null", () => {
  const p: Principal = {
    subject: "m",
    role: "admin",
    projects: ["a", "b"],
    roles: { a: "admin", b: "viewer" },
    isOwner: false,
  };
  assert.equal(roleIn(p, "a"), "admin");
  assert.equal(roleIn(p, "b"), "viewer");
  assert.equal(roleIn(p, "c"), null);
  assert.equal(isOwner(p), false);
});

test("given the owner, when the role in any project is asked, then it is admin", () => {
  const owner: Principal = { subject: "o", role: "admin", projects: "*", isOwner: true };
  assert.equal(roleIn(owner, "anything"), "admin");
  assert.equal(isOwner(owner), true);
  assert.equal(isOwner({ subject: "t", role: "viewer", projects: "*", isOwner: false }), false);
});

test("given two strings, when compared in constant time, then only equal strings match", () => {
  assert.equal(safeEqual("csrf-token-1", "csrf-token-1"), true);
  for (const other of ["csrf-token-2", "CSRF-TOKEN-1", "csrf-token-1 ", ""]) {
    assert.equal(safeEqual("csrf-token-1", other), false, other);
  }
});
