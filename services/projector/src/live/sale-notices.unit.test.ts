import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SaleNotice } from "@pulse/events";
import { newSales, type SaleRowLike, saleNoticeOf, saleOutboxRow } from "./sale-notices.js";

function sale(leadId: number, soldAt: string, amount = 5000): SaleRowLike {
  return {
    project_id: "demo",
    lead_id: leadId,
    sold_at: soldAt,
    amount,
    currency: "KZT",
    product: "Express course",
    pipeline_id: 10350882,
    manager_name: "Айгерим",
    contact_name: "Анна",
    contact_phone: "+77011234567",
    team: "Traf4",
    utm_source: "proftest",
    utm_campaign: "autumn",
    utm_content: "video_1",
  };
}

describe("sale notices", () => {
  const T1 = "2026-11-02T10:00:00.000Z";
  const T2 = "2026-11-03T09:00:00.000Z";

  test("given leads before and after a batch, when new sales are picked, then a first win and a win again with another time are new, an updated sale or a non-sale is not", () => {
    const before = new Map([
      [
        "demo",
        new Map([
          [2, T1],
          [3, T1],
        ]),
      ],
    ]);
    const after = [
      { projectId: "demo", leadId: 3, sale: sale(3, T2), seq: 12 }, // reopened and won again
      { projectId: "demo", leadId: 1, sale: sale(1, T1), seq: 10 }, // first win
      { projectId: "demo", leadId: 2, sale: sale(2, T1, 9000), seq: 11 }, // price change after the win
      { projectId: "demo", leadId: 4, sale: null, seq: 13 }, // reopened: no sale
      { projectId: "other", leadId: 2, sale: { ...sale(2, T1), project_id: "other" }, seq: 14 }, // other project
    ];
    assert.deepEqual(
      newSales(before, after).map((a) => [a.projectId, a.leadId, a.seq]),
      [
        ["demo", 1, 10],
        ["demo", 3, 12],
        ["other", 2, 14],
      ],
    );
  });

  test("given a sold_at Postgres hands back as a Date, when compared, then the same instant is not a new sale", () => {
    const before = new Map([["demo", new Map([[1, new Date(T1).toISOString()]])]]);
    assert.deepEqual(
      newSales(before, [
        { projectId: "demo", leadId: 1, sale: sale(1, "2026-11-02T15:00:00+05:00"), seq: 3 },
      ]),
      [],
    );
  });

  test("given a new sale, when made a notice and an outbox row, then the notice validates as sale_won and the row goes to the project's sale subject with an idempotent message id", () => {
    const notice = saleNoticeOf(sale(41203117, T1, 490000), 77);
    assert.equal(SaleNotice.safeParse(notice).success, true);
    assert.equal(notice.type, "sale_won");
    assert.equal(notice.amount, 490000);
    assert.equal(notice.manager, "Айгерим");
    assert.equal(notice.client_name, "Анна");
    assert.equal(notice.event_seq, 77);
    const row = saleOutboxRow(notice, { root: "crm" });
    assert.equal(row.subject, "crm.updates.demo.sale");
    assert.equal(row.msg_id, `sale:demo:41203117:${T1}`);
    assert.deepEqual(JSON.parse(row.payload), notice);
  });
});
