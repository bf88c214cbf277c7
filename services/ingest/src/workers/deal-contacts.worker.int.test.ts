import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type DealContactsLinked, type DomainEvent, decodeEvent } from "@pulse/events";
import { monotonicFactory } from "ulid";
import { createProjectCrmHttpClient } from "../crm/crm-http.client.js";
import { type ProjectRecord, sha256Hex, staticProjectRegistry } from "../projects/project-registry.js";
import { publishEvents } from "../publishing/event.publisher.js";
import {
  defaultFixturesDir,
  type FixtureCrm,
  recordingFetch,
  shortGaps,
  startFixtureCrm,
} from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { normalizeAmocrmWebhook, parseAmocrmForm } from "../webhooks/amocrm.normalizer.js";
import { contactsBucketName, createDealContactsWorker } from "./deal-contacts.worker.js";
import {
  type EntityFetchWorker,
  fetchStateKey,
  openFetchStateBucket,
  readFetchState,
} from "./entity-fetch.worker.js";

const dir = join(defaultFixturesDir(), "amocrm");
/** The worker's clock: the corpus snapshot, after every webhook (so no event is "later" than a fetch). */
const NOW = new Date("2026-11-07T04:00:00.000Z");
const ulid = monotonicFactory();
let t: IngestTestEnv;
let crm: FixtureCrm;
let worker: EntityFetchWorker;
/** Every request the worker's CRM client sent, with its send time. */
const sends = recordingFetch();

type Lead = { id: number; _embedded: { contacts: { id: number }[] } };
const leads = readdirSync(join(dir, "leads")).map(
  (f) => JSON.parse(readFileSync(join(dir, "leads", f), "utf8")) as Lead,
);
const contactsOf = (l: Lead) => l._embedded.contacts.map((c) => c.id);
const single = leads.filter((l) => contactsOf(l).length === 1);
/** The scenario: a plain lead, one whose contact has two phones, one without contact, one whose contact was deleted, one deleted lead. */
const L = {
  plain: 41203146,
  twoPhones: single.find((l) => contactsOf(l)[0] === 60311566)?.id ?? 0,
  noContact: leads.find((l) => contactsOf(l).length === 0)?.id ?? 0,
  contactGone: single.find((l) => ![41203146].includes(l.id) && contactsOf(l)[0] !== 60311566)?.id ?? 0,
  leadGone: single.at(-1)?.id ?? 0,
};
const goneContact = contactsOf(leads.find((l) => l.id === L.contactGone) as Lead)[0] ?? 0;

before(async () => {
  t = await createIngestTestEnv("ingestcontacts", { CRM_RETRY_MIN_DELAY_MS: "20" });
  crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir() });
  crm.goneAmocrm("contacts", goneContact);
  crm.goneAmocrm("leads", L.leadGone);
  const record: ProjectRecord = {
    project_id: "demoacademy",
    name: "Demo",
    kind: "amocrm",
    base_url: `${crm.url}/demoacademy`,
    time_zone: "Asia/Almaty",
    active: true,
    webhook_secret_sha256: sha256Hex("irrelevant-secret"),
    api_token: "amo-token-1",
  };
  const registry = staticProjectRegistry([record]);
  worker = createDealContactsWorker({
    nats: t.env.nats,
    eventsStream: t.env.streamName,
    scheme: { root: t.env.subjectRoot },
    publishTimeoutMs: 2000,
    registry,
    logger: t.logger,
    clock: () => NOW,
    newId: () => ulid(),
    http: createProjectCrmHttpClient(t.config, () => "amocrm", t.logger, sends.fetch),
    refetchAfterMinutes: 360,
    tuning: { ackWaitMs: 30_000, nakDelayMs: 200 },
  });
});

after(async () => {
  await worker?.close();
  await crm?.close();
  await t?.close();
});

async function contactEvents(): Promise<DealContactsLinked[]> {
  const out: DealContactsLinked[] = [];
  const n = await t.eventCount();
  for (let seq = 1; seq <= n; seq++) {
    const d = decodeEvent((await t.eventAt(seq)).data);
    if (d.ok && d.event.type === "deal.contacts_linked") out.push(d.event);
  }
  return out;
}

describe("contacts worker against the fake amoCRM", () => {
  test("given the webhook events of five leads, when the worker runs, then one deal.contacts_linked per existing lead with E.164 phones, 204s handled", async () => {
    assert.ok(
      Object.values(L).every((id) => id > 0) && new Set(Object.values(L)).size === 5,
      JSON.stringify(L),
    );
    const wanted = new Set(Object.values(L));
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
      })
      .filter((e) =>
        e.type === "order.status_changed"
          ? wanted.has(e.data.order_id)
          : e.type !== "deal.deleted" && "lead" in e.data && wanted.has(e.data.lead.lead_id),
      );
    assert.ok(events.length > 10, `${events.length} events of the five leads`);
    await publishEvents(t.env.nats.js, { root: t.env.subjectRoot }, events, {
      timeoutMs: 2000,
      retryAfterSeconds: 1,
    });

    await worker.start();
    await worker.idle(30_000);

    const linked = await contactEvents();
    assert.deepEqual(
      linked.map((e) => e.data.lead_id).sort(),
      [L.plain, L.twoPhones, L.noContact, L.contactGone].sort(),
    );
    const by = (lead: number) => linked.find((e) => e.data.lead_id === lead)?.data.contacts;
    assert.deepEqual(by(L.plain), [
      {
        contact_id: 60311020,
        name: "Gulnara",
        is_main: true,
        phones: ["+77022763615"],
        raw_phones: ["87022763615"],
        emails: [],
      },
    ]);
    assert.deepEqual(by(L.twoPhones)?.[0]?.phones, ["+77753732045", "+77763586077"]);
    assert.deepEqual(by(L.twoPhones)?.[0]?.raw_phones, ["77753732045", "8 (776) 358-60-77"]);
    assert.deepEqual(by(L.noContact), []);
    assert.deepEqual(by(L.contactGone), [], "the deleted contact (204) is skipped");
    for (const e of linked) assert.equal(e.occurred_at, NOW.toISOString());

    const kv = await openFetchStateBucket(t.env.nats.js, contactsBucketName(t.env.streamName));
    assert.equal((await readFetchState(kv, fetchStateKey("demoacademy", L.leadGone)))?.outcome, "gone");

    assert.ok(crm.requests.every((r) => r.method === "GET" && r.authorized));
    const leadRequests = crm.requests.filter((r) => r.path.includes("/api/v4/leads/"));
    assert.equal(leadRequests.length, 5, "each lead read once although it had several events");
    assert.ok(leadRequests.every((r) => r.query["with"] === "contacts"));
    assert.equal(crm.requests.filter((r) => r.path.includes("/api/v4/contacts/")).length, 3);
    assert.equal(crm.requests.filter((r) => r.status === 204).length, 2);
    // Spacing is asserted on send times (arrival at the fake API adds the machine's load); the
    // limiter's schedule itself on a mocked clock in crm-http.client.unit.test.ts.
    assert.equal(sends.sent.length, crm.requests.length);
    assert.deepEqual(
      shortGaps(
        sends.sent.map((s) => s.at),
        t.config.AMOCRM_MIN_REQUEST_INTERVAL_MS,
      ),
      [],
      "amoCRM calls are spaced",
    );
  });
});
