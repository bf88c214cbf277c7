import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type DomainEvent, decodeEvent } from "@pulse/events";
import { monotonicFactory } from "ulid";
import { type CliContext, catchUpAmocrmCommand } from "../cli/cli.commands.js";
import { createProjectCrmHttpClient } from "../crm/crm-http.client.js";
import {
  openProjectsBucket,
  type ProjectRecord,
  putProject,
  sha256Hex,
  staticProjectRegistry,
} from "../projects/project-registry.js";
import { publishEvents } from "../publishing/event.publisher.js";
import { defaultFixturesDir, type FixtureCrm, startFixtureCrm } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { normalizeAmocrmWebhook, parseAmocrmForm } from "../webhooks/amocrm.normalizer.js";
import { AMOCRM_EVENTS_POLLER, createAmocrmEventsPoller } from "./amocrm-events.poller.js";
import { openPollerCheckpoints } from "./poller-checkpoints.store.js";

const dir = join(defaultFixturesDir(), "amocrm");
const expected = JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
  status_changes: { distinct_total: number; in_account_webhooks: number; only_in_events_api: number };
  events_api: { pages: number; events: number };
};
/** The corpus snapshot: the poller's clock. */
const NOW = new Date("2026-11-07T04:00:00.000Z");
const ulid = monotonicFactory();
let t: IngestTestEnv;
let crm: FixtureCrm;
let record: ProjectRecord;

const apiCreatedAt: number[] = readdirSync(dir)
  .filter((f) => /^events\.page-\d+\.json$/.test(f))
  .flatMap(
    (f) =>
      (JSON.parse(readFileSync(join(dir, f), "utf8")) as { _embedded: { events: { created_at: number }[] } })
        ._embedded.events,
  )
  .map((e) => e.created_at);

async function poller() {
  return createAmocrmEventsPoller({
    nats: t.env.nats,
    config: t.config,
    logger: t.logger,
    registry: staticProjectRegistry([record]),
    http: createProjectCrmHttpClient(t.config, () => "amocrm", t.logger),
    checkpoints: await openPollerCheckpoints(t.env.nats.js, t.env.streamName),
    clock: () => NOW,
    newId: () => ulid(),
  });
}

before(async () => {
  t = await createIngestTestEnv("ingestcatchup", {
    AMOCRM_CATCHUP_LOOKBACK_HOURS: "24",
    CRM_RETRY_MIN_DELAY_MS: "20",
  });
  crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir() });
  record = {
    project_id: "demoacademy",
    name: "Demo",
    kind: "amocrm",
    base_url: `${crm.url}/demoacademy`,
    time_zone: "Asia/Almaty",
    active: true,
    webhook_secret_sha256: sha256Hex("irrelevant-secret"),
    api_token: "amo-token-1",
  };
  // Every webhook delivery of the corpus, as ingest would have stored it.
  const events: DomainEvent[] = readFileSync(join(dir, "webhooks.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .flatMap((line) => {
      const d = JSON.parse(line) as { received_at: string; body: string };
      return normalizeAmocrmWebhook(parseAmocrmForm(d.body), {
        projectId: "demoacademy",
        receivedAt: new Date(d.received_at),
        contentType: "application/x-www-form-urlencoded",
        rawBody: d.body,
        newId: () => ulid(),
      }).events;
    });
  for (let i = 0; i < events.length; i += 200)
    await publishEvents(t.env.nats.js, { root: t.env.subjectRoot }, events.slice(i, i + 200), {
      timeoutMs: 5000,
      retryAfterSeconds: 1,
    });
});

after(async () => {
  await crm?.close();
  await t?.close();
});

async function statusKeys(): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  const n = await t.eventCount();
  for (let seq = 1; seq <= n; seq++) {
    const m = await t.eventAt(seq);
    const d = decodeEvent(m.data);
    if (d.ok && d.event.type === "order.status_changed" && d.event.data.crm_event !== "leads.dp_status")
      keys.set(d.event.dedup_key, d.event.data.crm_event);
  }
  return keys;
}

describe("amoCRM catch-up against the fake events API", () => {
  test("given every webhook already stored, when caught up since October, then the 19 API-only changes are new and the rest are duplicates", async () => {
    const before = await statusKeys();
    assert.equal(before.size, expected.status_changes.in_account_webhooks);
    crm.requests.length = 0;
    crm.failNext(1, 503);
    const p = await poller();
    const r = await p.runOnce("demoacademy", { since: new Date("2026-10-01T00:00:00Z") });
    await p.close();
    assert.equal(r.items, expected.events_api.events);
    assert.equal(r.pages, expected.events_api.pages);
    assert.equal(r.published, expected.status_changes.only_in_events_api);
    assert.equal(r.duplicates, expected.status_changes.in_account_webhooks);
    const after = await statusKeys();
    assert.equal(after.size, expected.status_changes.distinct_total);
    assert.equal(
      [...after.values()].filter((k) => k === "events_api").length,
      expected.status_changes.only_in_events_api,
    );

    const ok = crm.requests.filter((q) => q.status === 200);
    assert.deepEqual(
      ok.map((q) => q.query["page"]),
      Array.from({ length: expected.events_api.pages }, (_, i) => String(i + 1)),
    );
    assert.equal(crm.requests[0]?.status, 503, "a 5xx is retried");
    for (const q of ok) {
      assert.equal(q.path, "/demoacademy/api/v4/events");
      assert.equal(q.query["filter[type]"], "lead_status_changed");
      assert.equal(q.query["filter[created_at][from]"], String(Date.parse("2026-10-01T00:00:00Z") / 1000));
      assert.equal(q.query["limit"], "100");
    }
    const cp = await (await openPollerCheckpoints(t.env.nats.js, t.env.streamName)).get(
      AMOCRM_EVENTS_POLLER,
      "demoacademy",
    );
    assert.equal(cp?.last_run_started_at, NOW.toISOString());
  });

  test("given a checkpoint, when caught up again, then it reads from checkpoint − 24 h and everything is a duplicate", async () => {
    crm.requests.length = 0;
    const before = await t.eventCount();
    const p = await poller();
    const r = await p.runOnce("demoacademy");
    await p.close();
    const from = NOW.getTime() / 1000 - 24 * 3600;
    assert.equal(r.from, new Date(from * 1000).toISOString());
    assert.equal(crm.requests[0]?.query["filter[created_at][from]"], String(from));
    const inWindow = apiCreatedAt.filter((s) => s >= from).length;
    assert.ok(inWindow > 0 && inWindow < expected.events_api.events);
    assert.equal(r.items, inWindow);
    assert.equal(r.published, 0);
    assert.equal(r.duplicates, inWindow);
    assert.equal(await t.eventCount(), before);
  });

  test("given the CLI, when catch-up amocrm runs with --since, then it prints the counts; a KeyCRM project is refused", async () => {
    const out: string[] = [];
    const ctx: CliContext = {
      nats: t.env.nats,
      config: t.config,
      logger: t.logger,
      env: {},
      out: (l) => out.push(l),
    };
    const kv = await openProjectsBucket(t.env.nats.js, t.env.streamName);
    await putProject(kv, record);
    await putProject(kv, { ...record, project_id: "shop-kyiv", kind: "keycrm" });
    const r = await catchUpAmocrmCommand(ctx, { project: "demoacademy", since: "2026-10-01T00:00:00Z" });
    assert.equal(r.published, 0);
    assert.equal(r.duplicates, expected.status_changes.distinct_total);
    assert.match(out.at(-1) ?? "", /722 status changes in 8 pages, 0 new, 722 already stored/);
    await assert.rejects(catchUpAmocrmCommand(ctx, { project: "shop-kyiv" }), /not an amoCRM project/);
  });
});
