import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeEvent, dictionaryRefreshSubject } from "@pulse/events";
import { waitFor } from "@pulse/infra/testing";
import { CrmHttpError } from "../crm/crm-http.client.js";
import type { IngestConfig } from "../ingest.config.js";
import { type ProjectRecord, sha256Hex, staticProjectRegistry } from "../projects/project-registry.js";
import {
  defaultFixturesDir,
  type FixtureCrm,
  recordingFetch,
  type SendLog,
  shortGaps,
  startFixtureCrm,
} from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { createDictionaryWorker, type DictionaryWorker } from "./dictionary.worker.js";

const INTERVAL_MS = 150;
let t: IngestTestEnv;
let crm: FixtureCrm;
/** Every request the workers' CRM client sent, with its send time (cleared with `crm.requests`). */
let sends: SendLog;
const workers: DictionaryWorker[] = [];

function project(id: string, kind: "keycrm" | "amocrm", path: string): ProjectRecord {
  return {
    project_id: id,
    name: id,
    kind,
    base_url: `${crm.url}/${path}`,
    time_zone: "UTC",
    active: true,
    webhook_secret_sha256: sha256Hex("irrelevant-secret"),
    api_token: "crm-token-1",
  };
}

function worker(overrides: Partial<IngestConfig> = {}) {
  const w = createDictionaryWorker({
    nats: t.env.nats,
    config: { ...t.config, ...overrides },
    logger: t.logger,
    fetch: sends.fetch,
    registry: staticProjectRegistry([
      project("shop-kyiv", "keycrm", "shop-kyiv"),
      project("shop-lviv", "keycrm", "shop-lviv"),
      project("demoacademy", "amocrm", "demoacademy"),
      project("broken", "keycrm", "no-such-shop"),
    ]),
  });
  workers.push(w);
  return w;
}

const dictSubject = (p: string) => `${t.env.subjectRoot}.events.${p}.dictionary.statuses`;

before(async () => {
  t = await createIngestTestEnv("ingestdict", {
    CRM_MIN_REQUEST_INTERVAL_MS: String(INTERVAL_MS),
    CRM_RETRY_MIN_DELAY_MS: "20",
    CRM_RETRIES: "3",
    DICTIONARY_SYNC_ON_START: "false",
    DICTIONARY_REFRESH_INTERVAL_MINUTES: "0",
  });
  crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir() });
  sends = recordingFetch();
});

after(async () => {
  for (const w of workers) await w.close();
  await crm?.close();
  await t?.close();
});

describe("dictionary worker against the fake CRM", () => {
  test("given a KeyCRM project with two status pages, when synced, then both pages are read (Bearer, 1 req per interval) and one event is published", async () => {
    crm.requests.length = 0;
    sends.sent.length = 0;
    const before = await t.eventCount();
    const r = await worker().syncNow("shop-kyiv", "manual");
    assert.equal(r.statuses, 18);
    assert.equal(r.duplicate, false);
    assert.deepEqual(
      crm.requests.map((q) => [q.path, q.query["page"], q.query["limit"], q.authorized, q.status]),
      [
        ["/shop-kyiv/order/status", "1", "50", true, 200],
        ["/shop-kyiv/order/status", "2", "50", true, 200],
      ],
    );
    // Spacing is enforced where requests are sent (arrival at the server adds the machine's load).
    assert.equal(sends.sent.length, 2);
    assert.deepEqual(
      shortGaps(
        sends.sent.map((s) => s.at),
        INTERVAL_MS,
      ),
      [],
    );
    assert.equal(await t.eventCount(), before + 1);
    const msg = await t.lastOn(dictSubject("shop-kyiv"));
    assert.equal(msg?.header.get("Nats-Msg-Id"), r.dedupKey);
    const decoded = decodeEvent(msg?.data ?? new Uint8Array());
    assert.ok(decoded.ok && decoded.event.type === "dictionary.statuses_synced");
    assert.equal(decoded.event.data.statuses.length, 18);
    assert.equal(decoded.event.data.origin, "api");
    assert.equal(decoded.event.data.reason, "manual");
  });

  test("given the first listing was served, when synced again, then the CRM's later dictionary (status 31) is a new fact", async () => {
    const r = await worker().syncNow("shop-kyiv", "unknown_status");
    assert.equal(r.statuses, 19);
    assert.equal(r.duplicate, false);
    const decoded = decodeEvent((await t.lastOn(dictSubject("shop-kyiv")))?.data ?? new Uint8Array());
    assert.ok(decoded.ok && decoded.event.type === "dictionary.statuses_synced");
    assert.equal(decoded.event.data.statuses.find((s) => s.status_id === 31)?.group_id, 3);
  });

  test("given a 429 with Retry-After then success, when synced, then it retries and an unchanged dictionary is a duplicate", async () => {
    crm.setKeycrmStatuses("shop-kyiv", "later");
    crm.requests.length = 0;
    sends.sent.length = 0;
    crm.failNext(1, 429, 1);
    const before = await t.eventCount();
    const r = await worker().syncNow("shop-kyiv", "scheduled");
    assert.deepEqual(
      crm.requests.map((q) => [q.query["page"], q.status]),
      [
        ["1", 429],
        ["1", 200],
        ["2", 200],
      ],
    );
    const [first, retry] = sends.sent.map((s) => s.at);
    assert.deepEqual(shortGaps([first ?? 0, retry ?? 0], 1000), [], "Retry-After: 1 was honoured");
    assert.equal(r.statuses, 19);
    assert.equal(r.duplicate, true);
    assert.equal(await t.eventCount(), before);
  });

  test("given a 403, when synced, then it fails fast with one request and publishes nothing", async () => {
    crm.requests.length = 0;
    crm.failNext(1, 403);
    const before = await t.eventCount();
    await assert.rejects(
      worker().syncNow("shop-kyiv", "manual"),
      (e: unknown) => e instanceof CrmHttpError && e.status === 403,
    );
    assert.equal(crm.requests.length, 1);
    assert.equal(await t.eventCount(), before);
  });

  test("given an amoCRM project, when synced, then the pipelines endpoint gives 2 pipeline groups and 20 stages and the users endpoint its 6 users", async () => {
    crm.requests.length = 0;
    const r = await worker().syncNow("demoacademy", "manual");
    assert.deepEqual(
      crm.requests.map((q) => q.path),
      ["/demoacademy/api/v4/leads/pipelines", "/demoacademy/api/v4/users"],
    );
    assert.equal(r.groups, 2);
    assert.equal(r.statuses, 20);
    assert.equal(r.users?.count, 6);
    const stored = await t.lastOn(`${t.env.subjectRoot}.events.demoacademy.dictionary.users`);
    assert.ok(stored, "dictionary.users_synced stored");
    const decoded = decodeEvent(stored.data);
    assert.ok(decoded.ok && decoded.event.type === "dictionary.users_synced");
    assert.equal(decoded.event.data.reason, "manual");
    assert.equal(decoded.event.data.users.find((u) => u.user_id === 11840231)?.name, "Айгерим Сейткали");
    assert.equal(r.users?.seq, stored.seq);

    // The same users again: one fact (a duplicate), the statuses sync unaffected.
    const again = await worker().syncNow("demoacademy", "scheduled");
    assert.equal(again.users?.duplicate, true);
    assert.equal(again.users?.seq, stored.seq);
  });

  test("given a token without admin rights (users answer 403), when an amoCRM project is synced, then the statuses are synced and the users are skipped", async () => {
    const w = createDictionaryWorker({
      nats: t.env.nats,
      config: t.config,
      logger: t.logger,
      registry: staticProjectRegistry([project("demoacademy", "amocrm", "demoacademy")]),
      fetch: async (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.includes("/api/v4/users")) return new Response('{"title":"Forbidden"}', { status: 403 });
        return fetch(input, init);
      },
    });
    workers.push(w);
    const r = await w.syncNow("demoacademy", "manual");
    assert.equal(r.statuses, 20);
    assert.equal(r.users, null);
  });

  test("given five refresh requests on core NATS in a burst, when handled, then they coalesce into one sync plus one follow-up", async () => {
    const w = worker({ DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS: 1 });
    w.start();
    crm.setKeycrmStatuses("shop-lviv", "initial");
    crm.requests.length = 0;
    const before = await t.eventCount();
    const subject = dictionaryRefreshSubject({ root: t.env.subjectRoot }, "shop-lviv");
    for (let i = 0; i < 5; i++)
      t.env.nats.nc.publish(subject, JSON.stringify({ reason: "unknown_status", status_id: 17 }));
    await t.env.nats.nc.flush();
    await waitFor("the first sync", async () => (await t.lastOn(dictSubject("shop-lviv"))) !== null);
    await w.idle();
    // 2 syncs × 2 pages, not 5 syncs; the follow-up found the same dictionary (a duplicate).
    assert.equal(crm.requests.filter((q) => q.path === "/shop-lviv/order/status").length, 4);
    assert.equal(await t.eventCount(), before + 1);
    await w.close();
  });

  test("given refresh requests for an unknown project and a failing CRM, when handled, then nothing crashes and nothing is published", async () => {
    const w = worker({ DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS: 0 });
    w.start();
    crm.requests.length = 0;
    const before = await t.eventCount();
    t.env.nats.nc.publish(dictionaryRefreshSubject({ root: t.env.subjectRoot }, "nobody"));
    t.env.nats.nc.publish(dictionaryRefreshSubject({ root: t.env.subjectRoot }, "broken"));
    await t.env.nats.nc.flush();
    await waitFor("the failing sync", async () =>
      crm.requests.some((q) => q.path === "/no-such-shop/order/status"),
    );
    await w.idle();
    assert.deepEqual(
      crm.requests.map((q) => [q.path, q.status]),
      [["/no-such-shop/order/status", 404]],
    );
    assert.equal(await t.eventCount(), before);
  });
});

describe("fake CRM", () => {
  test("given no Bearer token, when an API route is called, then 401; with one, order details and 404s", async () => {
    assert.equal((await fetch(`${crm.url}/shop-kyiv/order/15001`)).status, 401);
    const auth = { headers: { authorization: "Bearer x" } };
    const order = await fetch(`${crm.url}/shop-kyiv/order/15001`, auth);
    assert.equal(order.status, 200);
    assert.equal(((await order.json()) as { id: number }).id, 15001);
    assert.equal((await fetch(`${crm.url}/shop-kyiv/order/1`, auth)).status, 404);
    assert.equal((await fetch(`${crm.url}/health`)).status, 200);
  });
});
