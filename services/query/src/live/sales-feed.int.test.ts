import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { orderUpdatesSubject, type SaleNotice, saleUpdatesSubject } from "@pulse/events";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import type { QueryApp } from "../http/app.js";
import { insertProject } from "../testing/fixtures.js";
import { anOrderUpdatedNotice, listenQueryApp } from "../testing/query-server.js";
import { openSse, type SseReader } from "../testing/sse-reader.js";

// The live sales stream: `sale_won` notices of the caller's project only, apart from the
// order notices that share the updates stream, resumable with Last-Event-ID.

const TOKEN = "test-admin-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let env: TestEnv;
let app: QueryApp;
let base = "";
const readers: SseReader[] = [];

/** A sale notice of `projectId` for lead `leadId` sold for `amount` KZT. */
function aSale(projectId: string, leadId: number, amount: number): SaleNotice {
  return {
    type: "sale_won",
    project_id: projectId,
    lead_id: leadId,
    event_seq: leadId,
    sold_at: "2026-11-02T10:00:00.000Z",
    amount,
    currency: "KZT",
    product: "Express course",
    pipeline_id: 9001,
    manager: "Manager One",
    client_name: "Client",
    client_phone: "+77011234567",
    team: "Traf4",
    utm_source: "proftest",
    utm_campaign: "autumn",
    utm_content: "video_1",
  };
}

async function publishSale(projectId: string, leadId: number, amount: number): Promise<number> {
  const ack = await env.nats.js.publish(
    saleUpdatesSubject({ root: env.subjectRoot }, projectId),
    JSON.stringify(aSale(projectId, leadId, amount)),
  );
  return ack.seq;
}

async function open(path: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await openSse(`${base}${path}`, { ...AUTH, ...headers });
  readers.push(reader);
  return reader;
}

before(async () => {
  env = await createTestEnv("qsalesfeed");
  ({ app, base } = await listenQueryApp(env, { adminToken: TOKEN, heartbeatMs: 200, sse: {} }));
  await insertProject(env.db, "shop", "Shop", "amocrm");
  await insertProject(env.db, "other", "Other", "amocrm");
});

after(async () => {
  for (const r of readers) r.close();
  await app?.close();
  await env?.close();
});

describe("live sales stream", () => {
  test("given a sales client and an orders client of one project, when sale and order notices of both projects are published, then each client gets only its kind of its project", async () => {
    const sales = await open("/api/stream/sales?project=shop");
    const orders = await open("/api/stream/orders?project=shop");
    assert.equal(sales.status, 200);
    assert.equal(orders.status, 200);
    await env.nats.js.publish(
      orderUpdatesSubject({ root: env.subjectRoot }, "shop"),
      JSON.stringify(anOrderUpdatedNotice("shop", 5, 5)),
    );
    await publishSale("other", 6, 1);
    const s1 = await publishSale("shop", 7, 5000);
    // A marker after everything: a stray notice would have arrived before it.
    const s2 = await publishSale("shop", 8, 490000);
    const got = await sales.take("sale_won", 2);
    assert.deepEqual(
      got.map((e) => e.id),
      [String(s1), String(s2)],
    );
    const first = JSON.parse(got[0]?.data ?? "{}") as SaleNotice;
    assert.equal(first.lead_id, 7);
    assert.equal(first.amount, 5000);
    assert.equal(first.team, "Traf4");
    assert.equal(sales.events.filter((e) => e.event === "order_updated").length, 0);
    await orders.take("order_updated", 1);
    assert.equal(orders.events.filter((e) => e.event === "sale_won").length, 0);
    sales.close();
    orders.close();
  });

  test("given a sales client that disconnected, when it reconnects with Last-Event-ID, then it gets exactly the sales it missed", async () => {
    const first = await open("/api/stream/sales?project=shop");
    const a = await publishSale("shop", 20, 100);
    await first.take("sale_won", 1);
    first.close();
    const b = await publishSale("shop", 21, 200);
    const c = await publishSale("shop", 22, 300);
    const again = await open("/api/stream/sales?project=shop", { "last-event-id": String(a) });
    const got = await again.take("sale_won", 2);
    assert.deepEqual(
      got.map((e) => e.id),
      [String(b), String(c)],
    );
  });

  test("given a project the caller may not see, when its sales stream is opened, then 404 project_not_found", async () => {
    const res = await app.inject({ url: "/api/stream/sales?project=nobody", headers: AUTH });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, "project_not_found");
  });
});
