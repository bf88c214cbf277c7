import assert from "node:assert/strict";
import { test } from "node:test";
import { aDealEvent, anOrderStatusChanged } from "@pulse/events/testing";
import { statusEventOf } from "./order-status.projection.js";

test("given a lead created in a stage, when read as a status event, then it is the lead's initial status from its creation time", () => {
  const created = aDealEvent("deal.created", {
    lead_id: 41203117,
    status_id: 81856842,
    pipeline_id: 10350882,
    responsible_user_id: 11840243,
    created_at: "2026-10-20T11:00:35.000Z",
    updated_at: "2026-10-20T11:00:35.000Z",
  });
  const status = statusEventOf(created);
  assert.ok(status);
  assert.equal(status.type, "order.status_changed");
  assert.equal(status.data.order_id, 41203117);
  assert.equal(status.data.status_id, 81856842);
  assert.equal(status.data.status_group_id, 10350882);
  assert.equal(status.data.status_changed_at, "2026-10-20T11:00:35.000Z");
  assert.equal(status.data.manager_id, 11840243);
  assert.equal(status.data.crm_event, "leads.add");
  assert.equal(status.data.time_source, "crm");
  assert.equal(status.dedup_key, created.dedup_key);
});

test("given a lead snapshot without a stage, when read as a status event, then it contributes none", () => {
  assert.equal(statusEventOf(aDealEvent("deal.created", { lead_id: 7, pipeline_id: 10350882 })), null);
  assert.equal(statusEventOf(aDealEvent("deal.updated", { lead_id: 7, status_id: 1, pipeline_id: 2 })), null);
});

test("given a status change, when read as a status event, then it is itself", () => {
  const e = anOrderStatusChanged({
    order_id: 1,
    status_id: 2,
    status_changed_at: "2026-10-12T06:00:00.000Z",
  });
  assert.equal(statusEventOf(e), e);
});
