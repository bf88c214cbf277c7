import assert from "node:assert/strict";
import { test } from "node:test";
import { adminTokenAuthenticator, canSeeProject, type Principal } from "./auth.plugin.js";

const TOKEN = "a-long-admin-token-123";

test("given the admin token, when authenticated, then the principal is an admin of every project", async () => {
  const principal = await adminTokenAuthenticator(TOKEN)(TOKEN);
  assert.deepEqual(principal, { subject: "admin", role: "admin", projects: "*" });
});

test("given a token that differs in one character, in case, or in length, when authenticated, then no principal", async () => {
  const auth = adminTokenAuthenticator(TOKEN);
  for (const wrong of [
    "a-long-admin-token-124",
    "A-LONG-ADMIN-TOKEN-123",
    `${TOKEN} `,
    TOKEN.slice(0, -1),
    "",
  ]) {
    assert.equal(await auth(wrong), null, JSON.stringify(wrong));
  }
});

test("given no configured token, when anything is presented, then nothing authenticates", async () => {
  assert.equal(await adminTokenAuthenticator(undefined)(""), null);
  assert.equal(await adminTokenAuthenticator("")(""), null);
  assert.equal(await adminTokenAuthenticator(undefined)("undefined"), null);
});

test("given a viewer of some projects, when asked about projects, then only those are visible", () => {
  const viewer: Principal = { subject: "v", role: "viewer", projects: ["shop", "b2b"] };
  assert.equal(canSeeProject(viewer, "shop"), true);
  assert.equal(canSeeProject(viewer, "shop2"), false);
  assert.equal(canSeeProject({ subject: "a", role: "admin", projects: "*" }, "anything"), true);
  assert.equal(canSeeProject({ subject: "n", role: "viewer", projects: [] }, "shop"), false);
});
