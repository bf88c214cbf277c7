/**
 * Webhook statistics end to end (SPEC "Webhook statistics count deliveries"): through real HTTP,
 * JetStream, the projector and the query API.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { waitFor } from "@pulse/infra/testing";
import { fixturesDir, type Stack, startStack, WEBHOOK_SECRET } from "./support/stack.js";

interface StatsBody {
  rows: { day: string; source: string; received: number }[];
  totals: Record<
    | "received"
    | "accepted"
    | "duplicate"
    | "ignored"
    | "rejected"
    | "unauthorized"
    | "failed"
    | "events_stored"
    | "events_redelivered",
    number
  >;
  freshness: { source: string; last_received_at: string | null; last_accepted_at: string | null }[];
}

const OUTCOMES = ["accepted", "duplicate", "ignored", "rejected", "unauthorized", "failed"] as const;

/** Waits until the projector applied every message of the events and the receipts streams. */
async function receiptsSettled(stack: Stack): Promise<void> {
  await stack.settled();
  const stream = `${stack.env.streamName}_RECEIPTS`;
  const last = (await stack.env.nats.jsm.streams.info(stream)).state.last_seq;
  await waitFor(`receipts checkpoint ${last}`, async () => {
    const row = await stack.env.db
      .selectFrom("rm.checkpoints")
      .select("stream_seq")
      .where("name", "=", "receipts")
      .executeTakeFirst();
    return (row?.stream_seq ?? 0) >= last;
  });
}

const evolutionMessage = readFileSync(join(fixturesDir, "evolution/webhooks.jsonl"), "utf8")
  .split("\n")
  .find((l) => l.includes('"messages.upsert"') && l.includes("@s.whatsapp.net"))!;
const amoTwoLeads = readFileSync(join(fixturesDir, "amocrm/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.includes("leads%5Bstatus%5D%5B1%5D"))
  .map((l) => (JSON.parse(l) as { body: string }).body)[0]!;
const keycrmDelivery = JSON.stringify({
  event: "order.change_order_status",
  context: { id: 424242, status_id: 1, status_group_id: 1, status_changed_at: "2026-10-12T04:27:45.000000Z" },
});

describe("webhook statistics: one outcome per request", () => {
  let stack: Stack;
  const post = (path: string, body: string, contentType: string, secret: string | null = WEBHOOK_SECRET) =>
    fetch(`${stack.ingestUrl}${path}${secret === null ? "" : `?secret=${secret}`}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, number> }));
  const keycrm = (body: string, secret: string | null = WEBHOOK_SECRET, project = "shop-kyiv") =>
    post(`/webhooks/keycrm/${project}`, body, "application/json", secret);
  const amo = (body: string) =>
    post("/webhooks/amocrm/demoacademy", body, "application/x-www-form-urlencoded");
  const evolution = (body: string) => post("/webhooks/evolution/demoacademy", body, "application/json");

  /**
   * Re-sends a delivery until JetStream stores it again (its answer says `accepted` once the msg ids
   * left the duplicate window): waits on that state, not on the clock. Returns the requests sent —
   * every one of them a `duplicate` in the statistics (the last one by the projector's dedup keys).
   */
  async function redeliverPastTheWindow(
    send: () => Promise<{ status: number; body: Record<string, number> }>,
  ) {
    let requests = 0;
    for (;;) {
      requests++;
      const r = await send();
      assert.equal(r.status, 200);
      if ((r.body["accepted"] ?? 0) > 0) return requests;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    stack = await startStack("whstats", ["shop-kyiv", "demoacademy"]);
    // A 1 s duplicate window, so redeliveries outliving it are tested without waiting a day.
    await stack.env.nats.jsm.streams.update(stack.env.streamName, { duplicate_window: 1_000_000_000 });
  });
  after(async () => {
    await stack?.close();
  });

  test("given a foreign secret, a malformed body, a duplicate after the window, a two-lead amoCRM delivery and an Evolution redelivery, when projected, then each request counts once as SPEC says", async () => {
    // KeyCRM: a foreign secret (an old CRM setup), no secret, an unknown project, a malformed body.
    assert.equal((await keycrm(keycrmDelivery, "an-old-secret")).status, 401);
    assert.equal((await keycrm(keycrmDelivery, null)).status, 401);
    assert.equal((await keycrm(keycrmDelivery, WEBHOOK_SECRET, "no-such-project")).status, 401);
    assert.equal((await keycrm('{"event":"order.change_order_status","context":{')).status, 400);
    // Accepted, then at once again (dropped by the window), then past the window (stored again).
    assert.deepEqual((await keycrm(keycrmDelivery)).body, { accepted: 1, duplicates: 0, ignored: 0 });
    assert.deepEqual((await keycrm(keycrmDelivery)).body, { accepted: 0, duplicates: 1, ignored: 0 });
    const keycrmLate = await redeliverPastTheWindow(() => keycrm(keycrmDelivery));
    // amoCRM: one request with two leads; its redelivery past the window.
    assert.deepEqual((await amo(amoTwoLeads)).body, { accepted: 2, duplicates: 0, ignored: 0 });
    const amoLate = await redeliverPastTheWindow(() => amo(amoTwoLeads));
    // Evolution: a message and its redelivery past the window.
    assert.deepEqual((await evolution(evolutionMessage)).body, { accepted: 1, duplicates: 0, ignored: 0 });
    const evolutionLate = await redeliverPastTheWindow(() => evolution(evolutionMessage));

    await receiptsSettled(stack);
    const kyiv = await stack.get<StatsBody>("/api/webhooks/stats?project=shop-kyiv&source=keycrm");
    assert.deepEqual(kyiv.totals, {
      received: 4 + 1 + keycrmLate,
      accepted: 1,
      duplicate: 1 + keycrmLate,
      ignored: 0,
      rejected: 1,
      unauthorized: 2,
      failed: 0,
      events_stored: 1,
      events_redelivered: 1,
    });
    const demo = await stack.get<StatsBody>("/api/webhooks/stats?project=demoacademy");
    const bySource = new Map<string, Record<string, number>>();
    for (const row of demo.rows) {
      const acc = bySource.get(row.source) ?? {};
      for (const [k, v] of Object.entries(row)) if (typeof v === "number") acc[k] = (acc[k] ?? 0) + v;
      bySource.set(row.source, acc);
    }
    const pick = (r: Record<string, number> | undefined) =>
      r && [r["received"], r["accepted"], r["duplicate"], r["events_stored"], r["events_redelivered"]];
    assert.deepEqual(pick(bySource.get("amocrm")), [1 + amoLate, 1, amoLate, 2, 2], "two leads, one request");
    assert.deepEqual(pick(bySource.get("evolution")), [1 + evolutionLate, 1, evolutionLate, 1, 1]);
    for (const body of [kyiv, demo]) {
      assert.equal(
        OUTCOMES.reduce((n, o) => n + body.totals[o], 0),
        body.totals.received,
        "the outcomes add up to received",
      );
    }
    // Freshness: the latest request and the latest accepted one, per source.
    const fresh = new Map(demo.freshness.map((f) => [f.source, f]));
    for (const source of ["amocrm", "evolution"]) {
      const f = fresh.get(source);
      assert.ok(f?.last_received_at && f.last_accepted_at, source);
      assert.ok(
        f.last_received_at > f.last_accepted_at,
        `${source}: the late duplicates came after the accepted one`,
      );
    }
  });
});
