import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { DomainEvent } from "@pulse/events";
import { normalizeAmocrmWebhook, parseAmocrmForm } from "./amocrm.normalizer.js";
import type { DeliveryContext } from "./delivery.js";
import { PayloadTooLargeError, ValidationError } from "./http.errors.js";
import { catalogueMismatches, defaultFixturesDir } from "./testing/index.js";

const fixtures = defaultFixturesDir();
const RECEIVED = new Date("2026-11-01T16:40:07.900Z");
let seq = 0;
function ctx(receivedAt = RECEIVED, rawBody = "", projectId = "demoacademy"): DeliveryContext {
  return {
    projectId,
    receivedAt,
    contentType: "application/x-www-form-urlencoded",
    rawBody,
    newId: () => `01HZZZZZZZZZZZZZZZZZZZ${String(seq++ % 10000).padStart(4, "0")}`,
  };
}
const normalize = (raw: string, receivedAt = RECEIVED) =>
  normalizeAmocrmWebhook(parseAmocrmForm(raw), ctx(receivedAt, raw));

interface Line {
  received_at: string;
  body: string;
}
const corpus: Line[] = readFileSync(join(fixtures, "amocrm/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Line);
const expected = JSON.parse(readFileSync(join(fixtures, "amocrm/expected-counts.json"), "utf8")) as {
  status_changes: { in_account_webhooks: number };
  webhooks: {
    distinct_account_webhook_events_after_dedup: number;
    two_lead_status_bodies: number;
    by_kind: Record<string, number>;
  };
};
const real = (name: string) => readFileSync(join(fixtures, "real", name), "utf8").trim();

describe("amoCRM normalizer over the fixture corpus", () => {
  const accountEvents = new Set<string>();
  const statusEvents = new Set<string>();
  const dpStatus: DomainEvent[] = [];
  const dpAdd: DomainEvent[] = [];
  let twoLeadBodies = 0;
  const all: DomainEvent[] = [];
  for (const line of corpus) {
    const out = normalize(line.body, new Date(line.received_at));
    if (out.events.length === 2) twoLeadBodies++;
    for (const e of out.events) {
      all.push(e);
      if (e.type === "order.status_changed" && e.data.crm_event === "leads.status") {
        statusEvents.add(e.dedup_key);
        accountEvents.add(e.dedup_key);
      } else if (e.type === "order.status_changed") dpStatus.push(e);
      else if (e.type === "deal.created" && e.data.minimal) dpAdd.push(e);
      else if (e.type === "deal.created" || e.type === "deal.updated") accountEvents.add(e.dedup_key);
    }
  }

  test("given every delivery, when normalised, then every event matches the catalogue schema", () => {
    assert.ok(all.length > 1100);
    assert.deepEqual(catalogueMismatches(all), []);
  });

  test("given the account-webhook bodies, when deduplicated by key, then add+update+status = 979 distinct events", () => {
    assert.equal(accountEvents.size, expected.webhooks.distinct_account_webhook_events_after_dedup);
    assert.equal(accountEvents.size, 979);
  });

  test("given the status bodies, when deduplicated by key, then 703 distinct status changes", () => {
    assert.equal(statusEvents.size, expected.status_changes.in_account_webhooks);
    assert.equal(statusEvents.size, 703);
  });

  test("given bodies with two leads, when normalised, then each gives two status events", () => {
    assert.equal(twoLeadBodies, expected.webhooks.two_lead_status_bodies);
  });

  test("given the Digital-Pipeline bodies, when normalised, then received-time events with dp keys and no snapshot", () => {
    assert.equal(dpStatus.length, expected.webhooks.by_kind["dp_status"]);
    assert.equal(dpAdd.length, expected.webhooks.by_kind["dp_add"]);
    for (const e of dpStatus) {
      assert.ok(e.type === "order.status_changed");
      assert.equal(e.data.crm_event, "leads.dp_status");
      assert.equal(e.data.time_source, "received");
      assert.equal(e.data.lead, null);
      assert.match(e.dedup_key, /^amocrm:demoacademy:\d+:status:\d+:dp-\d{10}$/);
    }
  });

  test("given the date custom field 434811, when normalised, then its bare values[0] becomes {value, enum: null}", () => {
    const withDate = all.flatMap((e) =>
      e.type === "deal.updated" || e.type === "deal.created"
        ? e.data.lead.custom_fields.filter((f) => f.id === 434811)
        : [],
    );
    assert.ok(withDate.length > 0);
    for (const f of withDate) {
      assert.equal(f.values.length, 1);
      assert.match(f.values[0]?.value ?? "", /^\d{10}$/);
      assert.equal(f.values[0]?.enum, null);
    }
  });
});

describe("amoCRM normalizer on the real captures", () => {
  test("given the 2021 status body, when normalised, then one status event mapped onto the order-status model", () => {
    const raw = real("amocrm-2021-leads-status.urlencoded");
    const out = normalize(raw);
    assert.equal(out.events.length, 1);
    const e = out.events[0];
    assert.ok(e?.type === "order.status_changed");
    assert.equal(e.dedup_key, "amocrm:demoacademy:30267969:status:16525558:1615985846");
    assert.equal(e.occurred_at, "2021-03-17T12:57:26.000Z");
    assert.equal(e.data.order_id, 30267969);
    assert.equal(e.data.status_group_id, 788512);
    assert.equal(e.data.previous_status_id, 16525555);
    assert.equal(e.data.order_created_at, "2021-03-16T11:30:21.000Z");
    assert.equal(e.data.manager_id, 1764433);
    assert.equal(e.data.crm_event, "leads.status");
    assert.equal(e.data.lead?.name, "apple tv 3");
    assert.equal(e.data.lead?.price, 1);
    assert.deepEqual(e.data.lead?.tags, [{ id: 482205, name: "Sasa" }]);
    assert.equal(e.data.lead?.custom_fields.length, 5);
    assert.deepEqual(e.data.lead?.custom_fields[1], {
      id: 481305,
      name: "Cind trebuie?",
      code: null,
      values: [{ value: "1615845600", enum: null }],
    });
    assert.deepEqual(e.data.lead?.custom_fields[2]?.values, [
      { value: "Zghirieturi minore", enum: "959761" },
    ]);
    assert.equal(e.raw?.body, raw);
  });

  test("given the 2016 add body with price= and unencoded spaces, when normalised, then price is null and the name intact", () => {
    const [e] = normalize(real("amocrm-2016-leads-add.urlencoded")).events;
    assert.ok(e?.type === "deal.created");
    assert.equal(e.data.minimal, false);
    assert.equal(e.data.lead.price, null);
    assert.equal(e.data.lead.name, "Forbidden phone number error");
    assert.equal(e.dedup_key, "amocrm:demoacademy:40334183:add:9931849:1457109765");
  });

  test("given the damaged 2016 status body (stray key, no old_status_id), when normalised, then it still parses", () => {
    const [e] = normalize(real("amocrm-2016-leads-status.urlencoded")).events;
    assert.ok(e?.type === "order.status_changed");
    assert.equal(e.data.previous_status_id, null);
    assert.equal(e.data.lead?.price, 0);
    assert.equal(e.dedup_key, "amocrm:demoacademy:40337679:status:9931855:1457110201");
  });

  test("given the 2025 add/update/delete bodies, when normalised, then deal.created/updated/deleted with their keys", () => {
    const [add] = normalize(real("amocrm-2025-leads-add.urlencoded")).events;
    const [upd] = normalize(real("amocrm-2025-leads-update.urlencoded")).events;
    const [del] = normalize(real("amocrm-2025-leads-delete.urlencoded")).events;
    assert.equal(add?.dedup_key, "amocrm:demoacademy:30052055:add:17944873:1744532875");
    assert.equal(upd?.dedup_key, "amocrm:demoacademy:30052055:update:17944873:1744532876");
    assert.ok(upd?.type === "deal.updated");
    assert.equal(upd.data.lead.modified_user_id, 0);
    assert.equal(upd.data.lead.price, 0);
    assert.ok(del?.type === "deal.deleted");
    assert.deepEqual(del.data, { lead_id: 30052055, status_id: 17944873, pipeline_id: 936736 });
  });

  test("given the DP status and add captures, when normalised, then minimal received-time events", () => {
    const [st] = normalize(real("amocrm-dp-leads-status.urlencoded")).events;
    assert.ok(st?.type === "order.status_changed");
    assert.equal(st.data.status_changed_at, "2026-11-01T16:40:07.900Z");
    assert.equal(st.data.previous_status_id, 54435014);
    assert.equal(st.data.status_group_id, 6344290);
    assert.equal(st.dedup_key, "amocrm:demoacademy:10754147:status:54423922:dp-1793551207");
    const [add] = normalize(real("amocrm-dp-leads-add.urlencoded")).events;
    assert.ok(add?.type === "deal.created");
    assert.equal(add.data.minimal, true);
    assert.equal(add.data.lead.name, null);
    assert.equal(add.dedup_key, "amocrm:demoacademy:5141671:add:43283812:dp-1793551207");
  });

  test("given the half-decoded 2018 won body as its author stored it, when parsed, then a status-142 event with the scalar date field", () => {
    const [e] = normalize(real("amocrm-2018-leads-status.decoded-as-stored.txt")).events;
    assert.ok(e?.type === "order.status_changed");
    assert.equal(e.data.status_id, 142);
    assert.equal(e.data.previous_status_id, 20067736);
    assert.equal(e.data.lead?.name, "Семинар: Пропитание в фитнесе на результат");
    assert.equal(e.data.lead?.price, 22500);
    assert.deepEqual(e.data.lead?.custom_fields.find((f) => f.id === 72333)?.values, [
      { value: "1542067200", enum: null },
    ]);
  });

  test("given the 2018 contacts[update] body, when normalised, then no event and one ignored entity", () => {
    const out = normalize(real("amocrm-2018-contacts-update.urlencoded"));
    assert.equal(out.events.length, 0);
    assert.equal(out.ignored, 1);
    assert.deepEqual(out.ignoredKinds, ["contacts.update"]);
  });

  test("given a depth-7 custom-field key, when parsed with the default limits, then the value is nested, not a literal key", () => {
    const form = parseAmocrmForm(
      "leads%5Bstatus%5D%5B0%5D%5Bcustom_fields%5D%5B1%5D%5Bvalues%5D%5B0%5D%5Bvalue%5D=x",
    );
    const leads = form["leads"] as { status: { custom_fields: { values: { value: string }[] }[] }[] };
    assert.equal(leads.status[0]?.custom_fields[0]?.values[0]?.value, "x");
  });
});

describe("amoCRM normalizer rejects malformed bodies with a reason", () => {
  const base =
    "leads%5Bstatus%5D%5B0%5D%5Bid%5D=1&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=2&leads%5Bstatus%5D%5B0%5D%5Blast_modified%5D=1615985846";
  test("given the well-formed base body, when normalised, then it is accepted (control)", () => {
    assert.equal(normalize(base).events.length, 1);
  });
  const cases: [string, string, string][] = [
    ["an empty body", "", "no entity group"],
    ["only account fields", "account%5Bid%5D=1&account%5Bsubdomain%5D=x", "no entity group"],
    ["leads as a scalar", "leads=1", "leads must be an object"],
    ["a lead without id", "leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=2", "[id]"],
    ["a non-numeric id", base.replace("%5Bid%5D=1", "%5Bid%5D=abc"), "leads[status][0][id]"],
    ["an id given as an object", base.replace("%5Bid%5D=1", "%5Bid%5D%5Bx%5D=1"), "leads[status][0][id]"],
    ["a missing status", "leads%5Bupdate%5D%5B0%5D%5Bid%5D=1", "[status_id]"],
    ["last_modified in ms text", base.replace("1615985846", "yesterday"), "last_modified"],
    ["a text price", `${base}&leads%5Bstatus%5D%5B0%5D%5Bprice%5D=lots`, "price"],
    ["a duplicated id", `${base}&leads%5Bstatus%5D%5B0%5D%5Bid%5D=7`, "[id]"],
    [
      "a custom field without id",
      `${base}&leads%5Bstatus%5D%5B0%5D%5Bcustom_fields%5D%5B0%5D%5Bname%5D=x`,
      "custom_fields",
    ],
  ];
  for (const [what, raw, reason] of cases) {
    test(`given ${what}, when normalised, then ValidationError mentioning ${reason}`, () => {
      assert.throws(
        () => normalize(raw),
        (e: unknown) => e instanceof ValidationError && e.message.includes(reason),
      );
    });
  }

  test("given more than 10 000 parameters, when parsed, then PayloadTooLargeError (413), not a silent cut", () => {
    const raw = Array.from({ length: 10_001 }, (_, i) => `a${i}=1`).join("&");
    assert.throws(
      () => parseAmocrmForm(raw),
      (e: unknown) => e instanceof PayloadTooLargeError && e.status === 413,
    );
  });
});
