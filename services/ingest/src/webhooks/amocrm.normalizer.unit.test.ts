import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { DomainEvent } from "@pulse/events";
import fc from "fast-check";
import { PayloadTooLargeError, ValidationError } from "../http/http.errors.js";
import { catalogueMismatches, defaultFixturesDir } from "../testing/index.js";
import {
  type AmocrmLeadTimes,
  amocrmLeadTime,
  normalizeAmocrmWebhook,
  parseAmocrmForm,
} from "./amocrm.normalizer.js";
import type { DeliveryContext } from "./delivery.js";

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
    "leads%5Bstatus%5D%5B0%5D%5Bid%5D=1&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=2&leads%5Bstatus%5D%5B0%5D%5Bpipeline_id%5D=3&leads%5Bstatus%5D%5B0%5D%5Blast_modified%5D=1615985846&account%5Bsubdomain%5D=x";
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

/** A form body from decoded pairs, percent-encoded like amoCRM (brackets as %5B/%5D). */
const form = (pairs: [string, string][]) =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
/** One lead entry of `action` at index 0 (decoded keys), followed by the account (old-era order). */
const entry = (action: string, fields: Record<string, string>, account: [string, string][]) =>
  form([
    ...Object.entries(fields).map(([k, v]): [string, string] => [`leads[${action}][0][${k}]`, v]),
    ...account,
  ]);
const OLD_ACCOUNT: [string, string][] = [["account[subdomain]", "apfitness"]];
const NEW_ACCOUNT: [string, string][] = [
  ["account[subdomain]", "demoacademy"],
  ["account[id]", "31000001"],
];
/** A complete 2021-style status entry (amocrm.md §4.1 field set) around RECEIVED (2026-11-01T16:40:07.900Z). */
const FULL: Record<string, string> = {
  id: "30267969",
  name: "apple tv 3",
  status_id: "16525558",
  old_status_id: "16525555",
  price: "1",
  responsible_user_id: "1764433",
  last_modified: "1793551100",
  modified_user_id: "1760815",
  created_user_id: "1764433",
  date_create: "1793550000",
  pipeline_id: "788512",
  "tags][0][id": "482205",
  "tags][0][name": "Sasa",
  account_id: "16503244",
  "custom_fields][0][id": "491053",
  "custom_fields][0][values][0][value": "1",
  created_at: "1793550000",
  updated_at: "1793551100",
};
/** FULL with `patch` applied (`undefined` drops a key); nested keys are written `tags][0][id` so `[k]` closes them. */
const fieldsOf = (patch: Record<string, string | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...FULL, ...patch })) if (v !== undefined) out[k] = v;
  return out;
};
const status = (patch: Record<string, string | undefined>, account = NEW_ACCOUNT) =>
  entry("status", fieldsOf(patch), account);
const DP_STATUS = {
  id: "10754147",
  status_id: "54423922",
  pipeline_id: "6344290",
  old_status_id: "54435014",
  old_pipeline_id: "6344290",
};
const withoutKey = (o: Record<string, string>, key: string) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
/** RECEIVED on a whole second, so "receipt + 1 day" is expressible in unix seconds. */
const RECEIVED_S = 1793551207;
const AT_SECOND = new Date(RECEIVED_S * 1000);

describe("amoCRM plausibility rules", () => {
  const accepted: [string, string][] = [
    ["a complete 2021-era status entry (control)", status({})],
    ["a Digital-Pipeline status entry", entry("status", DP_STATUS, NEW_ACCOUNT)],
    [
      "a Digital-Pipeline add entry",
      entry("add", { id: "5141671", status_id: "43283812", pipeline_id: "4736017" }, NEW_ACCOUNT),
    ],
    ["modified_user_id 0 (a robot: a user id, not an entity)", status({ modified_user_id: "0" })],
    ["responsible_user_id 0", status({ responsible_user_id: "0" })],
    [
      "an old-era entry (no created_at/updated_at, no account[id])",
      status({ created_at: undefined, updated_at: undefined }, OLD_ACCOUNT),
    ],
    [
      "last_modified at 2000-01-01T00:00:00Z",
      status({ last_modified: "946684800", updated_at: "946684800" }),
    ],
    [
      "updated_at = receipt + 1 day exactly",
      status({ updated_at: String(RECEIVED_S + 86_400), last_modified: String(RECEIVED_S + 86_400) }),
    ],
    ["an empty price (a lead without budget, amocrm.md §3)", status({ price: "" })],
  ];
  for (const [what, raw] of accepted) {
    test(`given ${what}, when normalised, then one event`, () => {
      assert.equal(normalize(raw, AT_SECOND).events.length, 1);
    });
  }

  const rejected: [string, string, string][] = [
    ["lead id 0", status({ id: "0" }), 'leads[status][0][id] must be a positive integer id, got "0"'],
    ["a negative lead id", status({ id: "-30267969" }), "leads[status][0][id] must be a positive integer id"],
    ["a fractional lead id", status({ id: "1.5" }), "leads[status][0][id] must be a positive integer id"],
    [
      "status id 0",
      status({ status_id: "0" }),
      'leads[status][0][status_id] must be a positive integer id, got "0"',
    ],
    [
      "pipeline id 0",
      status({ pipeline_id: "0" }),
      "leads[status][0][pipeline_id] must be a positive integer id",
    ],
    ["no pipeline id", status({ pipeline_id: undefined }), "leads[status][0][pipeline_id] is required"],
    [
      "old status id 0",
      status({ old_status_id: "0" }),
      "leads[status][0][old_status_id] must be a positive integer id",
    ],
    [
      "tag id 0",
      status({ "tags][0][id": "0" }),
      "leads[status][0][tags][0][id] must be a positive integer id",
    ],
    [
      "custom field id 0",
      status({ "custom_fields][0][id": "0" }),
      "leads[status][0][custom_fields][0][id] must be a positive integer id",
    ],
    [
      "a negative responsible user",
      status({ responsible_user_id: "-1" }),
      "must be a non-negative integer user id",
    ],
    ["an empty updated_at", status({ updated_at: "" }), "leads[status][0][updated_at] is present but empty"],
    [
      "an empty last_modified",
      status({ last_modified: "" }),
      "leads[status][0][last_modified] is present but empty",
    ],
    ["an empty created_at", status({ created_at: "" }), "leads[status][0][created_at] is present but empty"],
    [
      "an empty date_create",
      status({ date_create: "" }),
      "leads[status][0][date_create] is present but empty",
    ],
    [
      "updated_at 0 (1970)",
      status({ updated_at: "0" }),
      "leads[status][0][updated_at] is implausible: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "last_modified 1 s before 2000",
      status({ last_modified: "946684799" }),
      "leads[status][0][last_modified] is implausible: 1999-12-31T23:59:59.000Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "updated_at in 2100",
      status({ updated_at: "4102444800" }),
      "leads[status][0][updated_at] is implausible: 2100-01-01T00:00:00.000Z is more than 1 day after the receipt time",
    ],
    [
      "date_create in 2999",
      status({ date_create: "32503679999" }),
      "leads[status][0][date_create] is implausible: 2999-12-31T23:59:59.000Z is more than 1 day after",
    ],
    [
      "updated_at = receipt + 1 day + 1 s",
      status({ updated_at: String(RECEIVED_S + 86_401) }),
      "leads[status][0][updated_at] is implausible",
    ],
  ];
  for (const [what, raw, reason] of rejected) {
    test(`given ${what}, when normalised, then 400 saying "${reason}"`, () => {
      assert.throws(
        () => normalize(raw, AT_SECOND),
        (e: unknown) => e instanceof ValidationError && e.status === 400 && e.message.includes(reason),
      );
    });
  }
});

describe("amoCRM bodies cut in transit are malformed, never a change at the receipt time", () => {
  const full = status({});
  const cutAt = (marker: string) => full.slice(0, full.indexOf(marker));
  const rejected: [string, string, string][] = [
    [
      "a status entry cut before updated_at (created_at kept)",
      form([
        ...NEW_ACCOUNT,
        ...[...new URLSearchParams(full)].filter(
          ([k]) => k.startsWith("leads") && !k.endsWith("[updated_at]"),
        ),
      ]),
      "leads[status][0] has created_at but no updated_at",
    ],
    [
      "a body cut inside a key",
      `${full}&leads%5Bstatus%5D%5B1%5D%5Bupd`,
      'the body looks truncated: the last parameter\'s key "leads[status][1][upd" is cut inside its brackets',
    ],
    ["a body cut right after '&'", `${full}&`, "the body looks truncated: the body ends with '&'"],
    [
      "a body cut inside a percent escape",
      `${full}&leads%5Bstatus%5D%5B1%5D%5Bname%5D=%D0%9`,
      "the body looks truncated: the body ends inside a percent escape",
    ],
    [
      "a body cut before a key's '='",
      `${full}&leads%5Bstatus%5D%5B1%5D%5Bprice%5D`,
      "the body looks truncated: the last parameter \"leads[status][1][price]\" has no '='",
    ],
    [
      "a lead with name and price but no time field",
      entry("status", { id: "1", name: "x", status_id: "2", pipeline_id: "3", price: "10" }, NEW_ACCOUNT),
      "leads[status][0] has no time field (updated_at, last_modified) but carries name, price",
    ],
    [
      "an update without time",
      entry("update", { id: "1", status_id: "2", pipeline_id: "3" }, NEW_ACCOUNT),
      "leads[update][0] has no time field (updated_at, last_modified), which every update carries",
    ],
    [
      "a Digital-Pipeline status entry without old_pipeline_id",
      entry("status", withoutKey(DP_STATUS, "old_pipeline_id"), NEW_ACCOUNT),
      "leads[status][0] is a Digital-Pipeline entry without old_pipeline_id",
    ],
    [
      "a 2021-era entry (account[id]) cut inside its custom fields",
      form([
        ...NEW_ACCOUNT,
        ...[...new URLSearchParams(full)].filter(
          ([k]) => k.startsWith("leads") && !/\[(created_at|updated_at)\]$/.test(k),
        ),
      ]),
      "leads[status][0] has no created_at/updated_at, which every entry of a body with account[id] carries",
    ],
    [
      "an old-era body whose account[subdomain] was cut off",
      cutAt("&account%5Bsubdomain%5D"),
      "account[subdomain] is missing",
    ],
    [
      "a 2025-order body (account first) cut inside updated_at's value",
      form([...NEW_ACCOUNT, ...[...new URLSearchParams(full)].filter(([k]) => k.startsWith("leads"))]).slice(
        0,
        -5,
      ),
      "leads[status][0][updated_at] is implausible",
    ],
  ];
  for (const [what, raw, reason] of rejected) {
    test(`given ${what}, when normalised, then 400 saying "${reason}"`, () => {
      assert.throws(
        () => normalize(raw, AT_SECOND),
        (e: unknown) => e instanceof ValidationError && e.status === 400 && e.message.includes(reason),
      );
    });
  }

  /**
   * Where the lead data of a body ends: the end of its last `leads[…]` parameter, or the first
   * character of the `account[subdomain]` value when that comes later. A cut at or after it loses
   * only account metadata (a shorter subdomain or self link) and may pass; any cut before must fail.
   */
  const leadDataEnd = (raw: string) => {
    let end = 0;
    let at = 0;
    for (const part of raw.split("&")) {
      if (part.startsWith("leads%5B") || part.startsWith("leads[")) end = at + part.length;
      if (/^account(%5B|\[)subdomain(%5D|\])=/.test(part)) end = Math.max(end, at + part.indexOf("=") + 2);
      at += part.length + 1;
    }
    return end;
  };

  for (const name of [
    "amocrm-2021-leads-status.urlencoded",
    "amocrm-2025-leads-update.urlencoded",
    "amocrm-2025-leads-add.urlencoded",
    "amocrm-2016-leads-add.urlencoded",
    "amocrm-2016-leads-status.urlencoded",
    "amocrm-dp-leads-status.urlencoded",
    "amocrm-dp-leads-add.urlencoded",
  ]) {
    test(`given every cut of the real ${name} that loses lead data, when normalised, then each one is rejected`, () => {
      const raw = real(name);
      const end = leadDataEnd(raw);
      assert.ok(end > 0);
      assert.ok(normalize(raw).events.length > 0, "the whole body is accepted");
      for (let n = 1; n < end; n++) {
        assert.throws(
          () => normalize(raw.slice(0, n)),
          (e: unknown) => e instanceof ValidationError && e.status === 400,
          `cut at ${n}: ${JSON.stringify(raw.slice(Math.max(0, n - 40), n))}`,
        );
      }
    });
  }

  test("given 2 000 random cuts of corpus bodies that lose lead data, when normalised, then each one is rejected", () => {
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, f) => {
        const line = corpus[i] as Line;
        const end = leadDataEnd(line.body);
        fc.pre(end > 1);
        const n = 1 + Math.floor(f * (end - 2));
        assert.throws(
          () => normalize(line.body.slice(0, n), new Date(line.received_at)),
          (e: unknown) => e instanceof ValidationError && e.status === 400,
          `line ${i} cut at ${n}`,
        );
      }),
      { numRuns: 2000, seed: 20261021 },
    );
  });
});

describe("amoCRM time of a change (SPEC Decided rules)", () => {
  const times = (t: Partial<AmocrmLeadTimes>): AmocrmLeadTimes => ({
    created_at: null,
    updated_at: null,
    date_create: null,
    last_modified: null,
    ...t,
  });
  const table: [string, "add" | "update" | "status", Partial<AmocrmLeadTimes>, number | null][] = [
    [
      "status: updated_at first",
      "status",
      { updated_at: 4, last_modified: 3, created_at: 2, date_create: 1 },
      4,
    ],
    ["status: else last_modified", "status", { last_modified: 3, created_at: 2, date_create: 1 }, 3],
    ["status: else none (the receipt time)", "status", { created_at: 2, date_create: 1 }, null],
    ["add: created_at first", "add", { created_at: 1, date_create: 2, updated_at: 3, last_modified: 4 }, 1],
    ["add: else date_create", "add", { date_create: 2, updated_at: 3, last_modified: 4 }, 2],
    ["add: else updated_at", "add", { updated_at: 3, last_modified: 4 }, 3],
    ["add: else last_modified", "add", { last_modified: 4 }, 4],
    ["add: else none (the receipt time)", "add", {}, null],
    ["update: updated_at first", "update", { updated_at: 4, last_modified: 3 }, 4],
    ["update: else last_modified", "update", { last_modified: 3 }, 3],
  ];
  for (const [what, action, t, want] of table) {
    test(`given ${what}, when the time is chosen, then ${want}`, () => {
      assert.equal(amocrmLeadTime(action, times(t)), want);
    });
  }

  test("given a status entry whose updated_at and last_modified differ, when normalised, then the time is updated_at and the dedup version last_modified", () => {
    const [e] = normalize(
      status({ updated_at: "1793551150", last_modified: "1793551100" }),
      AT_SECOND,
    ).events;
    assert.ok(e?.type === "order.status_changed");
    assert.equal(e.data.status_changed_at, "2026-11-01T16:39:10.000Z");
    assert.equal(e.occurred_at, e.data.status_changed_at);
    assert.equal(e.data.time_source, "crm");
    assert.equal(e.dedup_key, "amocrm:demoacademy:30267969:status:16525558:1793551100");
    assert.equal(e.data.order_created_at, "2026-11-01T16:20:00.000Z");
  });

  test("given an old-era status entry, when normalised, then the time is last_modified", () => {
    const [e] = normalize(
      status({ created_at: undefined, updated_at: undefined }, OLD_ACCOUNT),
      AT_SECOND,
    ).events;
    assert.ok(e?.type === "order.status_changed");
    assert.equal(e.data.status_changed_at, "2026-11-01T16:38:20.000Z");
  });

  test("given add entries of both eras, when normalised, then the time is created_at, else date_create", () => {
    const add = (patch: Record<string, string | undefined>, account = NEW_ACCOUNT) =>
      normalize(entry("add", fieldsOf({ old_status_id: undefined, ...patch }), account), AT_SECOND).events[0];
    const a = add({ created_at: "1793550001", date_create: "1793550000" });
    assert.equal(a?.occurred_at, "2026-11-01T16:20:01.000Z");
    const b = add({ created_at: undefined, updated_at: undefined }, OLD_ACCOUNT);
    assert.equal(b?.occurred_at, "2026-11-01T16:20:00.000Z");
    assert.ok(b?.type === "deal.created" && b.data.minimal === false);
    assert.equal(b.dedup_key, "amocrm:demoacademy:30267969:add:16525558:1793551100");
  });

  test("given the 2016 add capture, when normalised, then its time is date_create (not last_modified)", () => {
    const [e] = normalize(real("amocrm-2016-leads-add.urlencoded")).events;
    assert.equal(e?.occurred_at, "2016-02-25T10:03:23.000Z");
  });

  test("given Digital-Pipeline entries, when normalised, then the receipt time, to the millisecond", () => {
    const [st] = normalize(entry("status", DP_STATUS, NEW_ACCOUNT)).events;
    assert.ok(st?.type === "order.status_changed");
    assert.equal(st.data.status_changed_at, "2026-11-01T16:40:07.900Z");
    assert.equal(st.data.time_source, "received");
  });
});
