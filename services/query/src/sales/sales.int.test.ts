import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedOwnerToken } from "../testing/accounts.fixtures.js";
import { insertProject } from "../testing/fixtures.js";

// The sales reads on rows written straight into rm.sales / rm.leads (the fixture run is the
// end-to-end test): local-day cuts in the project's zone, filters, the team `none`, the CSV's
// formula guard, validation and a missing lead.

const TOKEN = "sales-int-owner-token-0123456789";
const H = { authorization: `Bearer ${TOKEN}` };
const P = "almaty";

let env: TestEnv;
let app: QueryApp;

/** A sale of lead `leadId` at `soldAt`. */
function sale(leadId: number, soldAt: string, amount: number, over: Record<string, unknown> = {}) {
  return {
    project_id: P,
    lead_id: leadId,
    sold_at: soldAt,
    amount,
    currency: "KZT",
    price_source: "lead",
    product: "Express course",
    pipeline_id: 1,
    manager_id: 7,
    manager_name: "Aigerim",
    contact_id: null,
    contact_name: "=HYPERLINK(1)",
    contact_phone: "+77011234567",
    contact_email: null,
    utm_source: "proftest",
    utm_medium: null,
    utm_campaign: "autumn",
    utm_content: null,
    utm_term: null,
    utm_referrer: null,
    fbclid: null,
    team: "Traf4",
    confidence: "medium",
    matched_rule: "pattern",
    matched_pattern: "proftest",
    is_ambiguous: false,
    last_event_seq: leadId,
    ...over,
  };
}

before(async () => {
  env = await createTestEnv("qsales");
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: QueryConfig.parse(env.env),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date("2026-11-10T12:00:00.000Z"),
  });
  await seedOwnerToken(env.db, TOKEN);
  await insertProject(env.db, P, "Almaty", "amocrm");
  await env.db
    .updateTable("rm.projects")
    .set({ time_zone: "Asia/Almaty" })
    .where("project_id", "=", P)
    .execute();
  await env.db
    .insertInto("rm.sales")
    .values([
      // 2026-11-01 03:00 in Almaty (UTC+5) is still 31 October in UTC: a November sale locally.
      sale(1, "2026-10-31T22:00:00.000Z", 5000),
      sale(2, "2026-11-01T10:00:00.000Z", 490000, { team: null, confidence: "low", is_ambiguous: true }),
      sale(3, "2026-10-31T18:00:00.000Z", 7000, { team: "Muha", confidence: "high" }), // 23:00 local, October
    ])
    .execute();
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("sales reads", () => {
  test("given sales around local midnight, when listed and counted per month, then they fall in the project's local days", async () => {
    const nov = await app.inject({
      url: `/api/sales?project=${P}&from=2026-11-01&to=2026-11-30`,
      headers: H,
    });
    assert.equal(nov.statusCode, 200, nov.body);
    assert.deepEqual(
      nov.json().items.map((s: { lead_id: number }) => s.lead_id),
      [2, 1],
    );
    assert.equal(nov.json().revenue, 495000);
    const stats = await app.inject({
      url: `/api/sales/stats?project=${P}&from=2026-10-01&to=2026-11-30&granularity=month`,
      headers: H,
    });
    const body = stats.json();
    assert.equal(body.time_zone, "Asia/Almaty");
    assert.deepEqual(
      body.buckets.map((b: { bucket: string; total: { count: number } }) => [b.bucket, b.total.count]),
      [
        ["2026-10-01", 1],
        ["2026-11-01", 2],
      ],
    );
    assert.deepEqual(body.period.total, { team: null, count: 3, revenue: 502000, mean_check: 167333.33 });
  });

  test("given the filters, when the history is read by team none and by confidence, then only the matching sales come", async () => {
    const none = await app.inject({ url: `/api/sales?project=${P}&team=none`, headers: H });
    assert.deepEqual(
      none.json().items.map((s: { lead_id: number; is_ambiguous: boolean }) => [s.lead_id, s.is_ambiguous]),
      [[2, true]],
    );
    const high = await app.inject({ url: `/api/sales?project=${P}&confidence=high`, headers: H });
    assert.equal(high.json().total, 1);
    assert.equal(high.json().items[0].team, "Muha");
  });

  test("given a client name that is a formula, when exported as CSV, then the cell is quoted harmless and the phone stays E.164", async () => {
    const res = await app.inject({
      url: `/api/sales/export.csv?project=${P}&delimiter=semicolon`,
      headers: H,
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-disposition"]), /sales-almaty-2026-11-10\.csv/);
    const lines = res.body.replace(/^\uFEFF/, "").split("\r\n");
    assert.equal(lines.length, 5); // header, three sales, trailing empty
    assert.ok(lines[1]?.includes(";'=HYPERLINK(1);+77011234567;"), lines[1]);
  });

  test("given bad input or an unknown lead, when read, then 400 or 404 problems", async () => {
    const swapped = await app.inject({
      url: `/api/sales?project=${P}&from=2026-11-02&to=2026-11-01`,
      headers: H,
    });
    assert.equal(swapped.statusCode, 400);
    const lead = await app.inject({ url: `/api/leads/99/attribution?project=${P}`, headers: H });
    assert.equal(lead.statusCode, 404);
    assert.equal(lead.json().code, "lead_not_found");
    const other = await app.inject({ url: "/api/sales?project=nobody", headers: H });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, "project_not_found");
  });
});
