import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { OrderStatusChanged } from "@pulse/events";
import { normalizeAmocrmWebhook, parseAmocrmForm } from "./amocrm.normalizer.js";
import { amocrmEventsPage, amocrmStatusEvent } from "./amocrm-events.mapper.js";
import { catalogueMismatches, defaultFixturesDir } from "./testing/index.js";

const dir = join(defaultFixturesDir(), "amocrm");
const expected = JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
  status_changes: { distinct_total: number; in_account_webhooks: number; only_in_events_api: number };
  events_api: { pages: number; events: number };
};
let n = 0;
const newId = () => `01J${String(n++).padStart(23, "0")}`;
const fetchedAt = new Date("2026-11-07T04:00:00.000Z");

const pageFiles = readdirSync(dir)
  .filter((f) => /^events\.page-\d+\.json$/.test(f))
  .sort((a, b) => Number(a.match(/\d+/)?.[0]) - Number(b.match(/\d+/)?.[0]));
const pages = pageFiles.map((f) => amocrmEventsPage(JSON.parse(readFileSync(join(dir, f), "utf8"))));
const apiEvents = pages
  .flatMap((p) => p.items)
  .map((item) => amocrmStatusEvent("demoacademy", item, { fetchedAt, newId }))
  .flatMap((r) => (r.ok ? [r.event] : []));

const webhookStatus: OrderStatusChanged[] = readFileSync(join(dir, "webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim().length > 0)
  .flatMap((line) => {
    const d = JSON.parse(line) as { received_at: string; body: string };
    return normalizeAmocrmWebhook(parseAmocrmForm(d.body), {
      projectId: "demoacademy",
      receivedAt: new Date(d.received_at),
      contentType: "application/x-www-form-urlencoded",
      rawBody: d.body,
      newId,
    }).events;
  })
  .filter((e): e is OrderStatusChanged => e.type === "order.status_changed");

describe("amoCRM events API → order.status_changed", () => {
  test("given the recorded pages, when mapped, then every event matches the catalogue schema", () => {
    assert.ok(apiEvents.length > 0);
    assert.deepEqual(catalogueMismatches(apiEvents), []);
  });

  test("given the recorded pages, when mapped, then every event is a lead status change and only the last page has no next link", () => {
    assert.equal(pages.length, expected.events_api.pages);
    assert.deepEqual(
      pages.map((p) => p.hasNext),
      pages.map((_, i) => i < pages.length - 1),
    );
    assert.equal(apiEvents.length, expected.events_api.events);
    assert.equal(new Set(apiEvents.map((e) => e.dedup_key)).size, expected.status_changes.distinct_total);
  });

  test("given webhooks and the events API, when their dedup keys are merged, then the union is the 722 distinct changes and 19 exist only in the API", () => {
    const accountWebhookKeys = new Set(
      webhookStatus.filter((e) => e.data.crm_event === "leads.status").map((e) => e.dedup_key),
    );
    assert.equal(accountWebhookKeys.size, expected.status_changes.in_account_webhooks);
    const apiKeys = new Set(apiEvents.map((e) => e.dedup_key));
    const union = new Set([...accountWebhookKeys, ...apiKeys]);
    assert.equal(union.size, expected.status_changes.distinct_total);
    const onlyInApi = [...apiKeys].filter((k) => !accountWebhookKeys.has(k));
    assert.equal(onlyInApi.length, expected.status_changes.only_in_events_api);
    assert.ok(
      [...accountWebhookKeys].every((k) => apiKeys.has(k)),
      "every webhook change is also in the API",
    );
  });

  test("given an API change that also came by webhook, when mapped, then status, pipeline, previous status and time agree with the webhook", () => {
    const byKey = new Map(apiEvents.map((e) => [e.dedup_key, e]));
    let compared = 0;
    for (const w of webhookStatus.filter((e) => e.data.crm_event === "leads.status")) {
      const a = byKey.get(w.dedup_key);
      assert.ok(a, w.dedup_key);
      assert.equal(a.data.order_id, w.data.order_id);
      assert.equal(a.data.status_id, w.data.status_id);
      assert.equal(a.data.status_changed_at, w.data.status_changed_at);
      assert.equal(a.data.status_group_id, w.data.status_group_id);
      assert.equal(a.data.previous_status_id, w.data.previous_status_id);
      compared++;
    }
    assert.ok(compared >= expected.status_changes.in_account_webhooks);
    const sample = apiEvents[0];
    assert.equal(sample?.data.crm_event, "events_api");
    assert.equal(sample?.data.time_source, "crm");
    assert.equal(sample?.data.lead, null);
    assert.equal(sample?.source, "amocrm");
    assert.equal(sample?.raw?.received_at, fetchedAt.toISOString());
  });

  test("given items of another type or shape and a 204, when mapped, then they are skipped, not thrown", () => {
    assert.deepEqual(amocrmStatusEvent("p", { type: "lead_added", entity_id: 1 }, { fetchedAt, newId }), {
      ok: false,
      reason: "lead_added",
    });
    const noAfter = amocrmStatusEvent(
      "p",
      {
        id: "x",
        type: "lead_status_changed",
        entity_id: 1,
        entity_type: "lead",
        created_at: 1794015236,
        value_after: [],
      },
      { fetchedAt, newId },
    );
    assert.deepEqual(noAfter, { ok: false, reason: "malformed" });
    assert.deepEqual(amocrmEventsPage(null), { items: [], hasNext: false });
    assert.throws(() => amocrmEventsPage({ _embedded: {} }), /not an events page/);
  });
});
