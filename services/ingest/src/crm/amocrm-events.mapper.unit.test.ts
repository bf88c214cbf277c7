import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { OrderStatusChanged } from "@pulse/events";
import { catalogueMismatches, defaultFixturesDir } from "../testing/index.js";
import { normalizeAmocrmWebhook, parseAmocrmForm } from "../webhooks/amocrm.normalizer.js";
import { amocrmEventsPage, amocrmStatusEvent } from "./amocrm-events.mapper.js";

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

describe("amoCRM events API plausibility rules (the catch-up skips an implausible item, it never throws)", () => {
  // fetchedAt is 2026-11-07T04:00:00.000Z: the window ends at 2026-11-08T04:00:00Z inclusive.
  const FETCHED_S = fetchedAt.getTime() / 1000;
  const item = (patch: Record<string, unknown> = {}, after = { id: 81854586, pipeline_id: 10350882 }) => ({
    id: "01jbz8k2m3n4p5q6r7s8t9v0wx",
    type: "lead_status_changed",
    entity_id: 30100017,
    entity_type: "lead",
    created_by: 0,
    created_at: 1794015236,
    value_after: [{ lead_status: after }],
    value_before: [{ lead_status: { id: 82174962, pipeline_id: 10350882 } }],
    ...patch,
  });
  const map = (i: unknown) => amocrmStatusEvent("demoacademy", i, { fetchedAt, newId });

  const accepted: [string, unknown][] = [
    ["a complete item (control)", item()],
    ["created_at 2000-01-01T00:00:00Z", item({ created_at: 946_684_800 })],
    ["created_at = fetch time + 1 day exactly", item({ created_at: FETCHED_S + 86_400 })],
    ["no pipeline in value_after", item({}, { id: 81854586 } as { id: number; pipeline_id: number })],
    ["created_by 0 (a robot)", item({ created_by: 0 })],
  ];
  for (const [what, i] of accepted) {
    test(`given ${what}, when mapped, then an event`, () => {
      assert.equal(map(i).ok, true);
    });
  }

  const skipped: [string, unknown, string, string][] = [
    ["entity_id 0", item({ entity_id: 0 }), "entity_id", "entity_id must be a positive integer id, got 0"],
    ["a negative entity_id", item({ entity_id: -1 }), "entity_id", "got -1"],
    [
      "status id 0",
      item({}, { id: 0, pipeline_id: 10350882 }),
      "status_id",
      "value_after[0].lead_status.id must be a positive integer id, got 0",
    ],
    [
      "pipeline id 0",
      item({}, { id: 142, pipeline_id: 0 }),
      "pipeline_id",
      "value_after[0].lead_status.pipeline_id",
    ],
    [
      "previous status 0",
      item({ value_before: [{ lead_status: { id: 0, pipeline_id: 10350882 } }] }),
      "previous_status_id",
      "value_before[0].lead_status.id",
    ],
    [
      "created_at 0 (1970)",
      item({ created_at: 0 }),
      "created_at",
      "created_at is implausible: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "created_at in 2100",
      item({ created_at: 4_102_444_800 }),
      "created_at",
      "2100-01-01T00:00:00.000Z is more than 1 day after the receipt time 2026-11-07T04:00:00.000Z",
    ],
    [
      "created_at = fetch time + 1 day + 1 s",
      item({ created_at: FETCHED_S + 86_401 }),
      "created_at",
      "is more than 1 day after",
    ],
    [
      "created_at 2^50 (beyond a Date)",
      item({ created_at: 2 ** 50 }),
      "created_at",
      "is more than 1 day after",
    ],
  ];
  for (const [what, i, reason, detail] of skipped) {
    test(`given ${what}, when mapped, then skipped as ${reason}`, () => {
      const r = map(i);
      assert.ok(!r.ok);
      assert.equal(r.reason, reason);
      assert.ok(r.detail?.includes(detail), r.detail);
    });
  }

  test("given an item nested 100 000 levels, when mapped, then skipped as nesting — no stack overflow", () => {
    const deep = JSON.parse(
      `{"id":"x","type":"lead_status_changed","entity_id":1,"entity_type":"lead","created_at":1794015236,"value_after":[{"lead_status":{"id":2}}],"extra":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    ) as unknown;
    assert.deepEqual(map(deep), { ok: false, reason: "nesting", detail: "item nests deeper than 64 levels" });
  });
});
