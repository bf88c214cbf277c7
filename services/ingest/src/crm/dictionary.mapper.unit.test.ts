import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DictionaryStatusesSynced, DomainEvent } from "@pulse/events";
import { defaultFixturesDir } from "../testing/index.js";
import { retryAfterMs } from "./crm-http.client.js";
import {
  AmocrmUsersPage,
  amocrmPipelinesToDictionary,
  amocrmUsersToContent,
  dictionaryDedupKey,
  dictionaryEvent,
  dictionaryFromJson,
  keycrmStatusesToDictionary,
  usersDedupKey,
  usersEvent,
} from "./dictionary.mapper.js";

const fixtures = defaultFixturesDir();
const json = (path: string) => JSON.parse(readFileSync(join(fixtures, path), "utf8")) as unknown;

describe("KeyCRM status dictionary", () => {
  test("given statuses.json, when mapped, then 18 statuses with groups, aliases and expiration seconds", () => {
    const d = keycrmStatusesToDictionary(json("keycrm/shop-kyiv/statuses.json") as unknown[]);
    assert.equal(d.kind, "keycrm");
    assert.equal(d.statuses.length, 18);
    const layout = d.statuses.find((s) => s.status_id === 4);
    assert.equal(layout?.group_id, 2);
    assert.equal(layout?.alias, "layout_approval");
    assert.equal(layout?.expiration_period_seconds, 172800);
    assert.equal(d.statuses.filter((s) => !s.is_active).length, 2);
    assert.deepEqual(
      d.groups.map((g) => g.group_id),
      [...new Set(d.statuses.map((s) => s.group_id))].sort((a, b) => a - b),
    );
    assert.equal(d.groups.find((g) => g.group_id === 5)?.name, "completed");
  });

  test("given the two recorded pages, when their rows are mapped together, then the same dictionary as statuses.json", () => {
    const p1 = json("keycrm/shop-kyiv/statuses.page-1.json") as { data: unknown[] };
    const p2 = json("keycrm/shop-kyiv/statuses.page-2.json") as { data: unknown[] };
    const paged = keycrmStatusesToDictionary([...p1.data, ...p2.data]);
    const plain = keycrmStatusesToDictionary(json("keycrm/shop-kyiv/statuses.json") as unknown[]);
    assert.deepEqual(paged, plain);
    assert.equal(dictionaryDedupKey("shop-kyiv", paged), dictionaryDedupKey("shop-kyiv", plain));
  });

  test("given statuses.later.json, when mapped, then the added status 31 (group 3) is present and the key differs", () => {
    const later = keycrmStatusesToDictionary(json("keycrm/shop-kyiv/statuses.later.json") as unknown[]);
    const initial = keycrmStatusesToDictionary(json("keycrm/shop-kyiv/statuses.json") as unknown[]);
    assert.equal(later.statuses.find((s) => s.status_id === 31)?.group_id, 3);
    assert.notEqual(dictionaryDedupKey("shop-kyiv", later), dictionaryDedupKey("shop-kyiv", initial));
  });

  test("given the same rows in another order, when mapped, then the dedup key is the same", () => {
    const rows = json("keycrm/shop-lviv/statuses.json") as unknown[];
    const a = keycrmStatusesToDictionary(rows);
    const b = keycrmStatusesToDictionary([...rows].reverse());
    assert.equal(dictionaryDedupKey("shop-lviv", a), dictionaryDedupKey("shop-lviv", b));
    assert.match(dictionaryDedupKey("shop-lviv", a), /^dict:shop-lviv:[0-9a-f]{64}$/);
  });

  test("given a row without group_id or an empty list, when mapped, then an Error names the problem", () => {
    assert.throws(() => keycrmStatusesToDictionary([{ id: 1, name: "x" }]), /status #0/);
    assert.throws(() => keycrmStatusesToDictionary([]), /no status/);
  });
});

describe("amoCRM pipelines dictionary", () => {
  test("given pipelines.json, when mapped, then pipelines are groups and 142/143 close in each", () => {
    const d = amocrmPipelinesToDictionary(json("amocrm/pipelines.json"));
    assert.equal(d.kind, "amocrm");
    assert.deepEqual(
      d.groups.map((g) => [g.group_id, g.is_main]),
      [
        [10350882, true],
        [10418746, false],
      ],
    );
    assert.equal(d.statuses.length, 20);
    const closing = d.statuses.filter((s) => s.is_closing_order).map((s) => `${s.group_id}:${s.status_id}`);
    assert.deepEqual(closing, ["10350882:142", "10350882:143", "10418746:142", "10418746:143"]);
    assert.equal(d.statuses.find((s) => s.status_id === 81854574)?.type, 1);
    assert.equal(d.statuses.find((s) => s.group_id === 10418746 && s.status_id === 142)?.name, "Оплачено");
  });
});

describe("dictionary files and events", () => {
  test("given each accepted file shape, when read, then the kind is detected", () => {
    assert.equal(dictionaryFromJson(json("keycrm/shop-kyiv/statuses.json")).kind, "keycrm");
    assert.equal(dictionaryFromJson(json("keycrm/shop-kyiv/statuses.page-1.json")).statuses.length, 15);
    assert.equal(dictionaryFromJson(json("amocrm/pipelines.json")).kind, "amocrm");
    assert.throws(() => dictionaryFromJson({ hello: 1 }), /expected a KeyCRM status array/);
  });

  test("given a dictionary, when built into an event, then it matches the schema with origin, reason and dedup key", () => {
    const content = dictionaryFromJson(json("amocrm/pipelines.json"));
    const now = new Date("2026-11-07T04:00:00.000Z");
    const e = dictionaryEvent("demoacademy", content, {
      origin: "file",
      reason: "manual",
      now,
      id: "01HZZZZZZZZZZZZZZZZZZZ0000",
    });
    assert.equal(DictionaryStatusesSynced.safeParse(e).success, true);
    assert.equal(e.source, "cli");
    assert.equal(e.data.origin, "file");
    assert.equal(e.occurred_at, "2026-11-07T04:00:00.000Z");
    assert.equal(e.dedup_key, dictionaryDedupKey("demoacademy", content));
  });
});

describe("Retry-After", () => {
  test("given delta seconds or an HTTP date, when parsed, then milliseconds; garbage gives null", () => {
    assert.equal(retryAfterMs("5"), 5000);
    assert.equal(retryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", Date.UTC(2026, 0, 1, 0, 0, 0)), 10_000);
    assert.equal(retryAfterMs("soon"), null);
    assert.equal(retryAfterMs(null), null);
  });
});

describe("amoCRM users (managers)", () => {
  const page = json("amocrm/users.json") as { _embedded: { users: unknown[] } };

  test("given users.json, when mapped, then six users by id with names, the admin marked", () => {
    const content = amocrmUsersToContent(page._embedded.users);
    assert.equal(content.kind, "amocrm");
    assert.deepEqual(
      content.users.map((u) => [u.user_id, u.name, u.is_admin]),
      [
        [11839907, "Руслан Ахметов", true],
        [11840231, "Айгерим Сейткали", false],
        [11840235, "Дана Омарова", false],
        [11840239, "Ерлан Жумабаев", false],
        [11840243, "Мадина Касымова", false],
        [11840247, "Алина Ким", false],
      ],
    );
    assert.equal(content.users[1]?.email, "aigerim.s@demoacademy.kz");
    assert.ok(content.users.every((u) => u.is_active));
    assert.ok(AmocrmUsersPage.safeParse(page).success);
  });

  test("given the users in another order, when mapped, then the event and its dedup key are the same fact", () => {
    const a = amocrmUsersToContent(page._embedded.users);
    const b = amocrmUsersToContent([...page._embedded.users].reverse());
    assert.equal(usersDedupKey("demoacademy", a), usersDedupKey("demoacademy", b));
    const event = usersEvent("demoacademy", a, {
      origin: "api",
      reason: "initial",
      now: new Date("2026-11-07T04:00:00.000Z"),
      id: "01JC0000000000000000000000",
    });
    assert.ok(DomainEvent.safeParse(event).success);
    assert.equal(event.source, "amocrm");
    assert.match(event.dedup_key, /^users:demoacademy:[0-9a-f]{64}$/);
  });

  test("given a user without a name or with a bad id, when mapped, then an Error names the item", () => {
    assert.throws(() => amocrmUsersToContent([{ id: 1, name: "A" }, { id: 2 }]), /amoCRM user #1/);
    assert.throws(() => amocrmUsersToContent([{ id: "x", name: "A" }]), /amoCRM user #0/);
  });
});
