import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dealContactsProjection } from "./deal-contacts.projection.js";
import { foldInMemory, rowsOf } from "./projection.js";
import { anEvent } from "./projection.testing.js";

const linked = (phones: string[]) =>
  anEvent("deal.contacts_linked", {
    lead_id: 3,
    contacts: [{ contact_id: 30, name: "C", is_main: true, phones, raw_phones: phones, emails: [] }],
    fetched_at: "2026-10-20T10:00:00.000Z",
  });

describe("deal contacts projection", () => {
  test("given two links of a lead, when folded, then only the latest contacts and phones remain", () => {
    const states = foldInMemory(dealContactsProjection, [
      linked(["+380500000001"]),
      linked(["+380500000002"]),
    ]);
    const rows = rowsOf(dealContactsProjection, states.values());
    assert.deepEqual(
      rows.deal_phones?.map((p) => p.phone),
      ["+380500000002"],
    );
    assert.equal(rows.deal_contacts?.length, 1);
  });
});
