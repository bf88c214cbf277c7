import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ChatMessageReceived } from "@pulse/events";
import { catalogueMismatches, defaultFixturesDir } from "../testing/index.js";
import {
  RadistContactsPage,
  radistChatsToRead,
  radistDedupKey,
  radistMessageEvent,
  radistTime,
  radistWhatsappConnections,
} from "./radist.mapper.js";

const dir = join(defaultFixturesDir(), "radist");
const expected = JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
  whatsapp_connection_id: number;
  telegram_connection_id: number;
  contact_pages: number;
  contacts: number;
  chats: { whatsapp: number; telegram: number };
  messages: {
    whatsapp: number;
    incoming: number;
    outgoing: number;
    image: number;
    voice: number;
    telegram: number;
  };
  messages_sharing_a_created_at_second: number;
  phones_with_plus: number;
};
const json = (path: string): unknown => JSON.parse(readFileSync(join(dir, path), "utf8"));
let n = 0;
const ctx = {
  fetchedAt: new Date("2026-11-07T04:00:00.000Z"),
  newId: () => `01J${String(n++).padStart(23, "0")}`,
  phoneRegion: "KZ" as const,
};

/** Reads the contact pages the way the poller pages them: page 1, then by cursor until it is empty. */
function contactPages(): RadistContactsPage[] {
  const pages: RadistContactsPage[] = [];
  for (let i = 1; existsSync(join(dir, `chats-with-contacts.page-${i}.json`)); i++) {
    pages.push(RadistContactsPage.parse(json(`chats-with-contacts.page-${i}.json`)));
  }
  return pages;
}
function messagesOf(chatId: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 1; existsSync(join(dir, `messages/${chatId}.page-${i}.json`)); i++)
    out.push(...(json(`messages/${chatId}.page-${i}.json`) as unknown[]));
  return out;
}

const pages = contactPages();
const whatsapp = new Set(radistWhatsappConnections(json("sources.json")));
const chats = pages.flatMap((p) => radistChatsToRead(p, whatsapp));
const events: ChatMessageReceived[] = chats.flatMap((c) =>
  messagesOf(c.chat.chat_id).flatMap((m) => {
    const r = radistMessageEvent("demoacademy", c, m, ctx);
    return r.ok ? [r.event] : [];
  }),
);

describe("Radist fixture pages → chat.message_received", () => {
  test("given the sources, when WhatsApp connections are picked, then only the WhatsApp one", () => {
    assert.deepEqual([...whatsapp], [expected.whatsapp_connection_id]);
  });

  test("given two contact pages, when chats are kept by connection, then the second (Telegram) chats are filtered out", () => {
    assert.equal(pages.length, expected.contact_pages);
    assert.equal(pages.at(-1)?.response_metadata?.next_cursor, "");
    assert.equal(pages.flatMap((p) => p.data).length, expected.contacts);
    assert.equal(chats.length, expected.chats.whatsapp);
    const telegram = pages
      .flatMap((p) => p.data.flatMap((c) => c.chats))
      .filter((c) => c.connection_id === expected.telegram_connection_id);
    assert.equal(telegram.length, expected.chats.telegram);
    assert.ok(telegram.every((t) => !chats.some((c) => c.chat.chat_id === t.chat_id)));
    const telegramMessages = telegram.flatMap((t) => messagesOf(t.chat_id));
    assert.equal(telegramMessages.length, expected.messages.telegram);
  });

  test("given every message page of the WhatsApp chats, when mapped, then every event matches the catalogue schema", () => {
    assert.ok(events.length > 0);
    assert.deepEqual(catalogueMismatches(events), []);
  });

  test("given every message page of the WhatsApp chats, when mapped, then counts by direction and media match expected-counts", () => {
    assert.equal(events.length, expected.messages.whatsapp);
    assert.equal(new Set(events.map((e) => e.dedup_key)).size, expected.messages.whatsapp);
    assert.equal(events.filter((e) => e.data.direction === "incoming").length, expected.messages.incoming);
    assert.equal(events.filter((e) => e.data.direction === "outgoing").length, expected.messages.outgoing);
    assert.equal(events.filter((e) => e.data.media === "image").length, expected.messages.image);
    assert.equal(events.filter((e) => e.data.media === "audio").length, expected.messages.voice);
    assert.ok(events.every((e) => e.data.media !== null || (e.data.text ?? "") !== ""));
  });

  test("given messages sharing a created_at second, when mapped, then they stay distinct facts", () => {
    const bySecond = new Map<string, number>();
    for (const e of events) {
      const k = `${e.data.chat_id}|${e.data.sent_at}`;
      bySecond.set(k, (bySecond.get(k) ?? 0) + 1);
    }
    const shared = [...bySecond.values()].filter((v) => v > 1);
    assert.equal(shared.length, expected.messages_sharing_a_created_at_second);
    assert.equal(
      events.filter((e) => (bySecond.get(`${e.data.chat_id}|${e.data.sent_at}`) ?? 0) > 1).length,
      shared.reduce((a, b) => a + b, 0),
    );
  });

  test("given +7 and 77… phones, when mapped, then every message carries the chat's E.164 phone", () => {
    const plus = chats.filter((c) => c.chat.phone?.startsWith("+"));
    assert.equal(plus.length, expected.phones_with_plus);
    for (const c of chats) {
      const phone = `+${(c.chat.phone ?? "").replace(/\D/g, "")}`;
      for (const e of events.filter((x) => x.data.chat_id === String(c.chat.chat_id))) {
        assert.equal(e.data.phone, phone);
        assert.equal(e.data.connection, String(expected.whatsapp_connection_id));
        assert.equal(e.data.sender_name, e.data.direction === "incoming" ? c.contactName : null);
      }
    }
  });

  test("given the messages, when mapped, then times are the created_at instants and keys carry the message id", () => {
    const first = messagesOf(chats[0]?.chat.chat_id ?? 0)[0] as { message_id: string; created_at: string };
    const e = events.find((x) => x.data.message_id === first.message_id);
    assert.equal(e?.data.sent_at, new Date(first.created_at).toISOString());
    assert.equal(e?.dedup_key, radistDedupKey("demoacademy", first.message_id));
    assert.equal(e?.source, "radist");
  });
});

describe("Radist parsing rules", () => {
  const chat = {
    chat: { chat_id: 1, connection_id: 2, phone: "8 (701) 234-56-78" },
    contactName: "A",
    lastUpdatedAt: null,
  };
  test("given times as ISO, zone-less, unix seconds and ms, when read, then the same instant", () => {
    for (const v of [
      "2026-10-21T14:03:57Z",
      "2026-10-21T14:03:57",
      "2026-10-21T17:03:57+03:00",
      1792591437,
      "1792591437000",
    ])
      assert.equal(radistTime(v), "2026-10-21T14:03:57.000Z", String(v));
    assert.throws(() => radistTime("yesterday"));
  });
  test("given a numeric message id, a file and a national phone, when mapped, then string id, document, E.164 with the region", () => {
    const r = radistMessageEvent(
      "p",
      chat,
      {
        message_id: 42,
        direction: "outbound",
        created_at: "2026-10-21T14:03:57Z",
        file: { caption: null, name: "a.pdf" },
      },
      ctx,
    );
    assert.ok(r.ok);
    assert.equal(r.event.data.message_id, "42");
    assert.equal(r.event.data.media, "document");
    assert.equal(r.event.data.text, null);
    assert.equal(r.event.data.phone, "+77012345678");
    assert.equal(r.event.data.direction, "outgoing");
  });
  test("given a message without id or with an unreadable time, when mapped, then it is skipped", () => {
    assert.deepEqual(
      radistMessageEvent("p", chat, { direction: "inbound", created_at: "2026-10-21T14:03:57Z" }, ctx),
      {
        ok: false,
        reason: "malformed",
      },
    );
    assert.deepEqual(
      radistMessageEvent("p", chat, { message_id: "x", direction: "inbound", created_at: "soon" }, ctx),
      {
        ok: false,
        reason: "created_at",
        detail: 'created_at is not a time: "soon"',
      },
    );
  });
});

describe("Radist plausibility rules (a poller skips an implausible item, it never throws)", () => {
  // ctx.fetchedAt is 2026-11-07T04:00:00.000Z: the window ends at 2026-11-08T04:00:00.000Z inclusive.
  const chat = {
    chat: { chat_id: 5512093, connection_id: 40977, phone: "77011234567" },
    contactName: "A",
    lastUpdatedAt: null,
  };
  const message = (patch: Record<string, unknown>) => ({
    message_id: "3EB0C767D26A1D853909",
    direction: "inbound",
    created_at: "2026-11-06T14:10:58Z",
    text: { text: "Здравствуйте" },
    ...patch,
  });
  const accepted: [string, Record<string, unknown>][] = [
    ["a numeric message id 1", { message_id: 1 }],
    ["created_at 2000-01-01T00:00:00Z", { created_at: "2000-01-01T00:00:00Z" }],
    ["created_at = fetch time + 1 day exactly", { created_at: "2026-11-08T04:00:00.000Z" }],
  ];
  for (const [what, patch] of accepted) {
    test(`given ${what}, when mapped, then an event`, () => {
      assert.equal(radistMessageEvent("p", chat, message(patch), ctx).ok, true);
    });
  }
  const skipped: [string, Record<string, unknown>, string, string][] = [
    [
      "message id 0",
      { message_id: 0 },
      "message_id",
      "message_id must be a positive integer or 1–200 printable characters, got 0",
    ],
    ["a negative message id", { message_id: -5 }, "message_id", "got -5"],
    ["an empty message id", { message_id: "" }, "message_id", 'got ""'],
    ["a message id with a NUL byte", { message_id: "3EB0\u0000" }, "message_id", 'got "3EB0\\u0000"'],
    [
      "a message id with SQL text",
      { message_id: "1; DROP TABLE messages" },
      "message_id",
      "printable characters",
    ],
    ["an empty created_at", { created_at: "" }, "created_at", "created_at is present but empty"],
    [
      "created_at in 1970",
      { created_at: "1970-01-01T00:00:00Z" },
      "created_at",
      "created_at is implausible: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "created_at in 2100",
      { created_at: "2100-01-01T00:00:00Z" },
      "created_at",
      "is more than 1 day after the receipt time 2026-11-07T04:00:00.000Z",
    ],
    [
      "created_at = fetch time + 1 day + 1 ms",
      { created_at: "2026-11-08T04:00:00.001Z" },
      "created_at",
      "is more than 1 day after",
    ],
    [
      "created_at as unix seconds in 2999",
      { created_at: 32503679999 },
      "created_at",
      "2999-12-31T23:59:59.000Z is more than 1 day after",
    ],
  ];
  for (const [what, patch, reason, detail] of skipped) {
    test(`given ${what}, when mapped, then skipped as ${reason}`, () => {
      const r = radistMessageEvent("p", chat, message(patch), ctx);
      assert.ok(!r.ok);
      assert.equal(r.reason, reason);
      assert.ok(r.detail?.includes(detail), r.detail);
    });
  }

  test("given a message nested 100 000 levels, when mapped, then skipped as nesting — no stack overflow", () => {
    const deep = JSON.parse(
      `{"message_id":"x1","direction":"inbound","created_at":"2026-11-06T14:10:58Z","extra":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    ) as unknown;
    assert.deepEqual(radistMessageEvent("p", chat, deep, ctx), {
      ok: false,
      reason: "nesting",
      detail: "message nests deeper than 64 levels",
    });
  });

  test("given chats with id or connection 0, when picked from a page, then they are skipped", () => {
    const page = RadistContactsPage.parse({
      data: [
        {
          contact_id: 1,
          chats: [
            { chat_id: 0, connection_id: 40977 },
            { chat_id: 7, connection_id: 0 },
            { chat_id: 8, connection_id: 40977 },
          ],
        },
      ],
    });
    assert.deepEqual(
      radistChatsToRead(page, new Set([0, 40977])).map((c) => c.chat.chat_id),
      [8],
    );
  });
});
