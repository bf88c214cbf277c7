import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { EventOfType } from "@pulse/events";
import { aDealDeleted, aDealEvent, anOrderStatusChanged } from "@pulse/events/testing";
import {
  DEFAULT_LEAD_CONTEXT,
  type LeadFacts,
  leadContextOf,
  leadRowsOf,
  leadsProjection,
} from "./leads.projection.js";
import { foldInMemory, rowsOf, stateKey } from "./projection.js";
import { anEvent } from "./projection.testing.js";

const P = "amo";
const EXPRESS = 10350882;
const CONTEXT = leadContextOf(
  {
    pipeline_products: {
      default_currency: "KZT",
      products: [{ pipeline_id: EXPRESS, name: "Express course", price: 5000, currency: "KZT" }],
    },
  },
  new Map([[11840231, "Айгерим"]]),
);
const projection = leadsProjection(() => CONTEXT);

/** An amoCRM status change of lead 7 into `statusId` at `at` (with a snapshot when `price` is given). */
function status(statusId: number, at: string, price?: number): EventOfType<"order.status_changed"> {
  const e = anOrderStatusChanged({ order_id: 7, status_id: statusId, status_changed_at: at }, P);
  return {
    ...e,
    source: "amocrm",
    dedup_key: `amocrm:${P}:7:status:${statusId}:${at}`,
    data: {
      ...e.data,
      status_group_id: EXPRESS,
      crm_event: "leads.status",
      manager_id: 11840231,
      lead:
        price === undefined
          ? null
          : {
              ...aDealEvent("deal.updated", { lead_id: 7 }).data.lead,
              price,
              status_id: statusId,
              pipeline_id: EXPRESS,
              responsible_user_id: 11840231,
              updated_at: at,
              custom_fields: [
                {
                  code: "UTM_SOURCE",
                  id: 434731,
                  name: "utm_source",
                  values: [{ enum: null, value: "pb_agency" }],
                },
              ],
            },
    },
  };
}

const created = aDealEvent(
  "deal.created",
  {
    lead_id: 7,
    status_id: 81856842,
    pipeline_id: EXPRESS,
    price: 0,
    responsible_user_id: 11840231,
    created_at: "2026-10-20T08:00:00.000Z",
    updated_at: "2026-10-20T08:00:00.000Z",
  },
  P,
);

const rowsAfter = (events: Parameters<typeof foldInMemory>[1]) => {
  const facts = foldInMemory(projection, events).get(stateKey(P, 7)) as LeadFacts;
  return { facts, ...leadRowsOf(facts, CONTEXT) };
};

describe("leads projection", () => {
  test("given a lead created and won with price 0, when folded, then it is qualified, won and sold at the product price", () => {
    const { lead, sale } = rowsAfter([created, status(142, "2026-10-21T10:00:00.000Z", 0)]);
    assert.equal(lead.is_qualified, true);
    assert.equal(lead.qualified_at, "2026-10-21T10:00:00.000Z");
    assert.equal(lead.is_won, true);
    assert.equal(lead.manager_name, "Айгерим");
    assert.equal(sale?.amount, 5000);
    assert.equal(sale?.price_source, "product");
    assert.equal(sale?.product, "Express course");
    assert.equal(sale?.sold_at, "2026-10-21T10:00:00.000Z");
  });

  test("given won, reopened and won again, when folded, then one sale at the second win; while reopened none", () => {
    const won = status(142, "2026-10-21T10:00:00.000Z");
    const reopened = status(81854618, "2026-10-22T10:00:00.000Z");
    assert.equal(rowsAfter([created, won, reopened]).sale, null);
    const again = rowsAfter([created, won, reopened, status(142, "2026-10-23T10:00:00.000Z")]);
    assert.equal(again.sale?.sold_at, "2026-10-23T10:00:00.000Z");
    assert.equal(again.lead.qualified_at, "2026-10-21T10:00:00.000Z");
    const all = rowsOf(
      projection,
      foldInMemory(projection, [created, won, reopened, status(142, "2026-10-23T10:00:00.000Z")]).values(),
    );
    assert.equal(all.sales?.length, 1);
  });

  test("given a price change after the win, when folded, then the sale's amount follows it", () => {
    const update = aDealEvent(
      "deal.updated",
      {
        lead_id: 7,
        price: 7000,
        status_id: 142,
        pipeline_id: EXPRESS,
        updated_at: "2026-10-22T10:00:00.000Z",
      },
      P,
    );
    const { sale } = rowsAfter([created, status(142, "2026-10-21T10:00:00.000Z", 0), update]);
    assert.equal(sale?.amount, 7000);
    assert.equal(sale?.price_source, "lead");
  });

  test("given a status body with UTM fields, when folded, then the lead carries the ambiguous attribution", () => {
    const { lead } = rowsAfter([created, status(81854618, "2026-10-21T10:00:00.000Z", 0)]);
    assert.equal(lead.utm_source, "pb_agency");
    assert.equal(lead.team, null);
    assert.equal(lead.is_ambiguous, true);
    assert.deepEqual(lead.candidate_teams, ["Kenesary", "Traf4"]);
  });

  test("given the same status change twice, when folded, then the second changes nothing", () => {
    const once = status(143, "2026-10-21T10:00:00.000Z");
    const states = foldInMemory(projection, [created, once]);
    const before = states.get(stateKey(P, 7));
    const again = projection.evolve(before ?? null, once, 99);
    assert.equal(again, before);
  });

  test("given contacts linked, when folded, then the main contact's name, first phone and e-mail are on the lead", () => {
    const linked = anEvent(
      "deal.contacts_linked",
      {
        lead_id: 7,
        contacts: [
          {
            contact_id: 2,
            name: "Other",
            is_main: false,
            phones: ["+77010000000"],
            raw_phones: [],
            emails: [],
          },
          {
            contact_id: 1,
            name: "Анна",
            is_main: true,
            phones: ["+77012345678", "+77019999999"],
            raw_phones: [],
            emails: ["a@example.kz"],
          },
        ],
        fetched_at: "2026-10-21T11:00:00.000Z",
      },
      P,
    );
    const { lead, facts } = rowsAfter([created, linked]);
    assert.deepEqual(
      [lead.contact_id, lead.contact_name, lead.contact_phone, lead.contact_email],
      [1, "Анна", "+77012345678", "a@example.kz"],
    );
    assert.ok(facts.lastSeq === 2);
  });

  test("given a loss with the API's loss reason, when folded, then the lead carries it; a later read without the field keeps it", () => {
    const linked = (reason: { id: number; name: string | null } | null | undefined) =>
      anEvent(
        "deal.contacts_linked",
        {
          lead_id: 7,
          contacts: [],
          fetched_at: "2026-10-21T11:00:00.000Z",
          ...(reason === undefined ? {} : { loss_reason: reason }),
        },
        P,
      );
    const lost = rowsAfter([
      created,
      status(143, "2026-10-21T10:00:00.000Z"),
      linked({ id: 9011, name: "Дорого" }),
    ]);
    assert.equal(lost.lead.is_lost, true);
    assert.deepEqual([lost.lead.loss_reason_id, lost.lead.loss_reason], [9011, "Дорого"]);
    const kept = rowsAfter([created, linked({ id: 9011, name: null }), linked(undefined)]);
    assert.equal(kept.lead.loss_reason_id, 9011);
    const cleared = rowsAfter([created, linked({ id: 9011, name: null }), linked(null)]);
    assert.equal(cleared.lead.loss_reason_id, null);
  });

  test("given a deleted won lead, when folded, then it keeps a deleted lead row and has no sale", () => {
    const { lead, sale } = rowsAfter([created, status(142, "2026-10-21T10:00:00.000Z"), aDealDeleted(7, P)]);
    assert.equal(lead.deleted, true);
    assert.equal(sale, null);
  });

  test("given a KeyCRM order's status change, when keyed, then the leads projection declines it", () => {
    const keycrm = anOrderStatusChanged(
      { order_id: 7, status_id: 1, status_changed_at: "2026-10-21T10:00:00.000Z" },
      P,
    );
    assert.equal(projection.keyOf(keycrm), null);
  });

  test("given no settings, when the context is built, then the defaults apply (four teams, KZT, no products)", () => {
    assert.deepEqual(
      DEFAULT_LEAD_CONTEXT.teams.map((t) => t.name),
      ["Kenesary", "Arystan", "Muha", "Traf4"],
    );
    assert.equal(DEFAULT_LEAD_CONTEXT.sales.defaultCurrency, "KZT");
    assert.deepEqual(DEFAULT_LEAD_CONTEXT.utmFields.utm_source, [434731, 1037547]);
  });
});
