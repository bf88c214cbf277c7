import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ChatMessageReceived } from "@pulse/events";
import {
  RadistContactsPage,
  radistChatsToRead,
  radistDedupKey,
  radistMessageEvent,
  radistTime,
  radistWhatsappConnections,
} from "./radist.mapper.js";
import { catalogueMismatches, defaultFixturesDir } from "./testing/index.js";

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
      },
    );
  });
});
