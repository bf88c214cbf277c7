import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aUsersSynced } from "@pulse/events/testing";
import { crmUsersProjection } from "./crm-users.projection.js";
import { foldInMemory, rowsOf } from "./projection.js";

describe("CRM users projection", () => {
  test("given a sync that drops a user, when folded, then the user stays out of the last sync", () => {
    const states = foldInMemory(crmUsersProjection, [
      aUsersSynced([
        { user_id: 1, name: "Ann" },
        { user_id: 2, name: "Bob" },
      ]),
      aUsersSynced([{ user_id: 1, name: "Ann B." }]),
    ]);
    const rows = rowsOf(crmUsersProjection, states.values()).crm_users ?? [];
    assert.deepEqual(
      rows.map((r) => [r.user_id, r.name, r.in_last_sync, r.event_seq]),
      [
        [1, "Ann B.", true, 2],
        [2, "Bob", false, 2],
      ],
    );
  });
});
