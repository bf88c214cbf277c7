import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DealContactsLinked } from "@pulse/events";
import { defaultFixturesDir } from "../testing/index.js";
import { contactsTrigger, shouldFetchContacts } from "../workers/deal-contacts.worker.js";
import type { FetchState } from "../workers/entity-fetch.worker.js";
import {
  amocrmDealContact,
  amocrmLeadContacts,
  amocrmLeadLossReason,
  contactsDigest,
  dealContactsEvent,
} from "./deal-contacts.mapper.js";

const dir = join(defaultFixturesDir(), "amocrm");
const expected = JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
  leads: { distinct: number; without_contact: number };
  contacts: {
    distinct: number;
    with_two_phones: number;
    without_phone: number;
    phone_formats: Record<string, number>;
  };
};
const read = (path: string): unknown => JSON.parse(readFileSync(join(dir, path), "utf8"));
const contactFiles = readdirSync(join(dir, "contacts"));
const contacts = contactFiles.map((f) =>
  amocrmDealContact(read(`contacts/${f}`), { id: 0, isMain: true }, "KZ"),
);

describe("amoCRM contacts → deal contacts", () => {
  test("given every contact of the corpus, when mapped, then every typed phone becomes a valid +7 E.164 number", () => {
    assert.equal(contacts.length, expected.contacts.distinct);
    const raw = contacts.flatMap((c) => c.raw_phones);
    const total = Object.values(expected.contacts.phone_formats).reduce((a, b) => a + b, 0);
    assert.equal(raw.length, total);
    assert.equal(contacts.flatMap((c) => c.phones).length, total);
    assert.ok(contacts.flatMap((c) => c.phones).every((p) => /^\+7\d{10}$/.test(p)));
    assert.equal(contacts.filter((c) => c.raw_phones.length === 2).length, expected.contacts.with_two_phones);
    assert.equal(contacts.filter((c) => c.raw_phones.length === 0).length, expected.contacts.without_phone);
  });

  test("given national, spaced and bracketed formats of one number, when normalised, then the same E.164", () => {
    const phone = (value: string) =>
      amocrmDealContact(
        { id: 1, name: "A", custom_fields_values: [{ field_code: "PHONE", values: [{ value }] }] },
        { id: 1, isMain: false },
        "KZ",
      ).phones;
    for (const v of [
      "87012345678",
      "8 (701) 234-56-78",
      "+7 701 234 56 78",
      "77012345678",
      "+7(701)234-5678",
    ])
      assert.deepEqual(phone(v), ["+77012345678"], v);
  });

  test("given a contact with two phones and an email, when mapped, then raw values are kept beside E.164 ones", () => {
    const c = amocrmDealContact(read("contacts/60311566.json"), { id: 60311566, isMain: true }, "KZ");
    assert.deepEqual(c.raw_phones, ["77753732045", "8 (776) 358-60-77"]);
    assert.deepEqual(c.phones, ["+77753732045", "+77763586077"]);
    assert.deepEqual(c.emails, ["marina.t31@icloud.com"]);
    assert.equal(c.is_main, true);
    assert.equal(c.name, "Марина");
  });

  test("given custom_fields_values null, duplicates and an invalid phone, when mapped, then empty lists, unique values, no junk", () => {
    const none = amocrmDealContact(
      { id: 5, name: "", custom_fields_values: null },
      { id: 5, isMain: false },
      "KZ",
    );
    assert.deepEqual([none.name, none.phones, none.raw_phones, none.emails], [null, [], [], []]);
    const dup = amocrmDealContact(
      {
        id: 6,
        name: "B",
        custom_fields_values: [
          {
            field_code: "PHONE",
            values: [{ value: "87012345678" }, { value: "+77012345678" }, { value: "123" }],
          },
          { field_code: "EMAIL", values: [{ value: "a@b.kz" }, { value: " a@b.kz " }] },
        ],
      },
      { id: 6, isMain: false },
      "KZ",
    );
    assert.deepEqual(dup.phones, ["+77012345678"]);
    assert.deepEqual(dup.raw_phones, ["87012345678", "+77012345678", "123"]);
    assert.deepEqual(dup.emails, ["a@b.kz"]);
  });

  test("given every lead of the corpus, when its contact refs are read, then 8 leads have none", () => {
    const refs = readdirSync(join(dir, "leads")).map((f) => amocrmLeadContacts(read(`leads/${f}`)));
    assert.equal(refs.length, expected.leads.distinct);
    assert.equal(refs.filter((r) => r.length === 0).length, expected.leads.without_contact);
    assert.deepEqual(amocrmLeadContacts(read("leads/41203146.json")), [{ id: 60311020, isMain: true }]);
    assert.throws(() => amocrmLeadContacts({ name: "no id" }), /not a lead/);
  });

  test("given ids 0 or negative, when read, then a lead or contact 0 is not one and a contact ref 0 is skipped", () => {
    assert.throws(() => amocrmLeadContacts({ id: 0 }), /not a lead/);
    assert.deepEqual(
      amocrmLeadContacts({
        id: 41203146,
        _embedded: { contacts: [{ id: 0, is_main: true }, { id: -1 }, { id: 60311020, is_main: false }] },
      }),
      [{ id: 60311020, isMain: false }],
    );
    assert.throws(
      () => amocrmDealContact({ id: 0, name: "x" }, { id: 1, isMain: true }, "KZ"),
      /not a contact/,
    );
  });

  test("given contacts, when the event is built, then it validates; the key changes only with the contacts", () => {
    const at = new Date("2026-11-07T04:00:00.000Z");
    const list = contacts.slice(0, 2);
    const e = dealContactsEvent("demoacademy", 41203146, list, at, "01J00000000000000000000000");
    assert.ok(DealContactsLinked.safeParse(e).success);
    assert.equal(e.dedup_key, `contacts:demoacademy:41203146:${contactsDigest(list)}`);
    assert.equal(
      dealContactsEvent("demoacademy", 41203146, list, new Date(), "01J00000000000000000000001").dedup_key,
      e.dedup_key,
    );
    assert.notEqual(contactsDigest(contacts.slice(0, 1)), contactsDigest(list));
  });
});

describe("contacts refetch rule", () => {
  const s: FetchState = {
    outcome: "fetched",
    sha256: "x",
    fetched_at: "2026-11-01T00:00:00.000Z",
    group_id: 1,
    group_at: null,
  };
  const t = (at: string) => ({ projectId: "p", entityId: 1, groupId: 1, at });
  const SIX_H = 6 * 3_600_000;
  test("given no state, when decided, then fetch", () =>
    assert.equal(shouldFetchContacts(null, t("2026-10-01T00:00:00.000Z"), SIX_H), true));
  test("given an event 7 h after the fetch, when decided, then fetch", () =>
    assert.equal(shouldFetchContacts(s, t("2026-11-01T07:00:00.000Z"), SIX_H), true));
  test("given an event 5 h after the fetch, when decided, then no fetch", () =>
    assert.equal(shouldFetchContacts(s, t("2026-11-01T05:00:00.000Z"), SIX_H), false));
  test("given a replayed event older than the fetch, when decided, then no fetch", () =>
    assert.equal(shouldFetchContacts(s, t("2026-10-20T00:00:00.000Z"), SIX_H), false));
  test("given a loss (143) 5 min after the fetch, when decided, then fetch again for its loss reason; an older one not", () => {
    assert.equal(shouldFetchContacts(s, { ...t("2026-11-01T00:05:00.000Z"), fresh: true }, SIX_H), true);
    assert.equal(shouldFetchContacts(s, { ...t("2026-10-31T00:05:00.000Z"), fresh: true }, SIX_H), false);
  });
  test("given amoCRM status changes, when triggered, then only the one into 143 asks for a fresh read", () => {
    const change = (status_id: number) =>
      ({
        type: "order.status_changed",
        source: "amocrm",
        project_id: "p",
        data: {
          order_id: 5,
          status_id,
          status_group_id: 10350882,
          status_changed_at: "2026-11-01T00:05:00.000Z",
        },
      }) as unknown as Parameters<typeof contactsTrigger>[0];
    assert.equal(contactsTrigger(change(143))?.fresh, true);
    assert.equal(contactsTrigger(change(142))?.fresh, undefined);
  });
});

describe("loss reason of a lead", () => {
  const lost = readdirSync(join(dir, "leads"))
    .map((f) => read(`leads/${f}`) as { id: number; status_id: number; loss_reason_id: number | null })
    .filter((l) => l.loss_reason_id !== null);
  test("given the fixture leads, when read, then every lead with a loss_reason_id gives it (without a name: not embedded)", () => {
    assert.ok(lost.length > 0);
    for (const l of lost) assert.deepEqual(amocrmLeadLossReason(l), { id: l.loss_reason_id, name: null });
  });
  test("given an embedded loss reason, when read, then its name comes with it; no reason gives null", () => {
    assert.deepEqual(
      amocrmLeadLossReason({
        id: 1,
        loss_reason_id: 9011,
        _embedded: { loss_reason: [{ id: 9011, name: "Дорого" }] },
      }),
      { id: 9011, name: "Дорого" },
    );
    assert.equal(amocrmLeadLossReason({ id: 1, loss_reason_id: null }), null);
    assert.equal(amocrmLeadLossReason({ id: 1, loss_reason_id: "x" }), null);
  });
  test("given a loss reason, when the event is built, then it carries it and the key differs from the event without one", () => {
    const at = new Date("2026-11-07T04:00:00.000Z");
    const list = contacts.slice(0, 1);
    const none = dealContactsEvent("demoacademy", 7, list, at, "01J00000000000000000000000");
    const reason = dealContactsEvent("demoacademy", 7, list, at, "01J00000000000000000000001", {
      id: 9011,
      name: null,
    });
    assert.ok(DealContactsLinked.safeParse(reason).success);
    assert.deepEqual(reason.data.loss_reason, { id: 9011, name: null });
    assert.equal(none.data.loss_reason, undefined);
    assert.notEqual(reason.dedup_key, none.dedup_key);
    assert.equal(
      dealContactsEvent("demoacademy", 7, list, at, "01J00000000000000000000002", null).dedup_key,
      none.dedup_key,
    );
  });
});
