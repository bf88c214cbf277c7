import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ChatMessageReceived } from "@pulse/events";
import { ValidationError } from "../http/http.errors.js";
import { catalogueMismatches, defaultFixturesDir } from "../testing/index.js";
import type { DeliveryContext } from "./delivery.js";
import {
  dialogJids,
  EVOLUTION_RAW_BODY_LIMIT,
  evolutionDedupKey,
  evolutionMedia,
  evolutionRaw,
  evolutionText,
  jidKind,
  normalizeEvolutionWebhook,
} from "./evolution.normalizer.js";

const dir = join(defaultFixturesDir(), "evolution");
const expected = JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
  deliveries: Record<string, number>;
  messages: {
    distinct: number;
    incoming: number;
    outgoing: number;
    text: number;
    image: number;
    audio: number;
  };
  duplicate_deliveries: number;
  duplicates_with_different_messageTimestamp: number;
  extended_text_bodies: number;
  lid_messages: number;
  lid_dialogs: number;
  ignored_upserts_group_or_status: number;
  dialogs: number;
};
const lines = readFileSync(join(dir, "webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim().length > 0);

let n = 0;
const ctxOf = (rawBody: string, receivedAt = new Date("2026-11-07T00:00:00.000Z")): DeliveryContext => ({
  projectId: "demoacademy",
  receivedAt,
  contentType: "application/json",
  rawBody,
  newId: () => `01J${String(n++).padStart(23, "0")}`,
  phoneRegion: "KZ",
});

interface Delivered {
  body: {
    event: string;
    date_time: string;
    data: {
      key?: { remoteJid: string; remoteJidAlt?: string; id: string };
      messageTimestamp?: number;
      message?: Record<string, unknown>;
    };
  };
  events: ChatMessageReceived[];
  ignoredKinds: string[];
}
const delivered: Delivered[] = lines.map((line) => {
  const body = JSON.parse(line) as Delivered["body"];
  const out = normalizeEvolutionWebhook(body, ctxOf(line));
  return { body, events: out.events as ChatMessageReceived[], ignoredKinds: out.ignoredKinds };
});
const allEvents = delivered.flatMap((d) => d.events);
/** The first event of every dedup key, in delivery order: what JetStream keeps. */
const firstByKey = new Map<string, ChatMessageReceived>();
for (const e of allEvents) if (!firstByKey.has(e.dedup_key)) firstByKey.set(e.dedup_key, e);
const kept = [...firstByKey.values()];

describe("Evolution webhooks of the fixture corpus", () => {
  test("given every delivery, when normalised, then every event matches the catalogue schema", () => {
    assert.ok(allEvents.length > 0);
    assert.deepEqual(catalogueMismatches(allEvents), []);
  });

  test("given every delivery, when normalised, then the distinct messages by key.id match expected-counts", () => {
    assert.equal(delivered.length, expected.deliveries["total"]);
    assert.equal(kept.length, expected.messages.distinct);
    assert.equal(new Set(kept.map((e) => e.data.message_id)).size, expected.messages.distinct);
    assert.equal(kept.filter((e) => e.data.direction === "incoming").length, expected.messages.incoming);
    assert.equal(kept.filter((e) => e.data.direction === "outgoing").length, expected.messages.outgoing);
    assert.equal(kept.filter((e) => e.data.media === "image").length, expected.messages.image);
    assert.equal(kept.filter((e) => e.data.media === "audio").length, expected.messages.audio);
    assert.equal(kept.filter((e) => e.data.media === null).length, expected.messages.text);
    assert.ok(
      kept.every((e) => e.data.media !== null || (e.data.text ?? "").length > 0),
      "every text message has text",
    );
  });

  test("given re-delivered messages, when normalised, then duplicates share the dedup key and the first timestamp is the one kept", () => {
    assert.equal(allEvents.length - kept.length, expected.duplicate_deliveries);
    const later = allEvents.filter((e) => firstByKey.get(e.dedup_key) !== e);
    const retimed = later.filter((e) => e.data.sent_at !== firstByKey.get(e.dedup_key)?.data.sent_at);
    assert.equal(retimed.length, expected.duplicates_with_different_messageTimestamp);
    for (const e of retimed) {
      const first = firstByKey.get(e.dedup_key);
      assert.ok(first && first.data.sent_at < e.data.sent_at, "the re-delivery carries a later timestamp");
      assert.equal(e.dedup_key, evolutionDedupKey("demoacademy", e.data.message_id));
    }
  });

  test("given deliveries other than messages, and group/status upserts, when normalised, then they are ignored and counted", () => {
    const ignored = delivered.flatMap((d) => d.ignoredKinds);
    assert.equal(
      ignored.filter((k) => k === "messages.update").length,
      expected.deliveries["messages.update"],
    );
    assert.equal(
      ignored.filter((k) => k === "connection.update").length,
      expected.deliveries["connection.update"],
    );
    const upserts = ignored.filter((k) => k.startsWith("messages.upsert:"));
    assert.equal(upserts.length, expected.ignored_upserts_group_or_status);
    assert.deepEqual([...new Set(upserts)].sort(), ["messages.upsert:broadcast", "messages.upsert:group"]);
    assert.ok(
      allEvents.every((e) => !e.data.chat_id.endsWith("@g.us") && !e.data.chat_id.includes("broadcast")),
    );
  });

  test("given @lid chats with remoteJidAlt, when normalised, then they join the person's phone-JID dialog", () => {
    const lid = delivered.filter((d) => d.body.data.key?.remoteJid.endsWith("@lid"));
    const lidKept = new Set(lid.flatMap((d) => d.events.map((e) => e.dedup_key)));
    assert.equal(lidKept.size, expected.lid_messages);
    const lidChats = new Set<string>();
    for (const d of lid) {
      const alt = d.body.data.key?.remoteJidAlt ?? "";
      for (const e of d.events) {
        assert.equal(e.data.chat_id, alt);
        assert.equal(e.data.phone, `+${alt.split("@")[0]}`);
        lidChats.add(e.data.chat_id);
      }
    }
    assert.equal(lidChats.size, expected.lid_dialogs);
    // The dialog index names every dialog by its phone JID, LID ones included: the chats must be those.
    const index = readFileSync(join(dir, "dialogs.index.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as { remote_jid: string; lid_jid: string | null });
    assert.deepEqual(
      [...new Set(kept.map((e) => e.data.chat_id))].sort(),
      index.map((d) => d.remote_jid).sort(),
    );
    const mixed = index.filter(
      (d) => lidChats.has(d.remote_jid) && delivered.some((x) => x.body.data.key?.remoteJid === d.remote_jid),
    );
    assert.ok(
      mixed.length > 0,
      "a person who wrote under the phone JID before the upgrade and under a LID after",
    );
    assert.equal(new Set(kept.map((e) => e.data.chat_id)).size, expected.dialogs);
    assert.ok(kept.every((e) => e.data.phone !== null && /^\+7\d{10}$/.test(e.data.phone)));
  });

  test("given 2.1-era extendedTextMessage bodies and image captions, when normalised, then their text is read", () => {
    const ext = delivered.filter((d) => d.body.data.message?.["extendedTextMessage"] !== undefined);
    assert.equal(ext.length, expected.extended_text_bodies);
    for (const d of ext) {
      const text = (d.body.data.message?.["extendedTextMessage"] as { text: string }).text;
      assert.equal(d.events[0]?.data.text, text);
    }
    const captioned = kept.filter((e) => e.data.media === "image" && e.data.text !== null);
    assert.ok(
      captioned.length > 0 && captioned.length < expected.messages.image,
      "some receipts have no caption",
    );
  });

  test("given the false-Z date_time, when normalised, then sent_at is messageTimestamp and never date_time", () => {
    for (const d of delivered) {
      for (const e of d.events) {
        assert.equal(e.data.sent_at, new Date((d.body.data.messageTimestamp ?? 0) * 1000).toISOString());
        assert.equal(e.occurred_at, e.data.sent_at);
        assert.notEqual(e.data.sent_at.slice(0, 16), d.body.date_time.slice(0, 16));
      }
    }
  });

  test("given incoming and outgoing messages, when normalised, then sender_name is the client's pushName only and connection is the instance", () => {
    const out = kept.filter((e) => e.data.direction === "outgoing");
    assert.ok(out.every((e) => e.data.sender_name === null));
    assert.ok(
      kept.filter((e) => e.data.direction === "incoming").some((e) => e.data.sender_name === "Вероника ✨"),
    );
    assert.ok(kept.every((e) => e.data.connection === "demoacademy-wa" && e.source === "evolution"));
  });
});

describe("Evolution parsing rules", () => {
  const upsert = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    event: "messages.upsert",
    instance: "wa-1",
    data,
    date_time: "2026-10-20T11:32:52.023Z",
    apikey: null,
    ...extra,
  });
  const key = { remoteJid: "77011234567@s.whatsapp.net", fromMe: false, id: "3EB0C767D26A1D853909" };
  const normalize = (body: unknown) => normalizeEvolutionWebhook(body, ctxOf(JSON.stringify(body)));

  const malformed: [string, unknown][] = [
    ["a JSON array", []],
    ["no event", { data: {} }],
    ["an upsert without data", { event: "messages.upsert" }],
    ["an upsert without key", upsert({ messageTimestamp: 1 })],
    ["a key without id", upsert({ key: { ...key, id: undefined }, messageTimestamp: 1792485171 })],
    ["a non-boolean fromMe", upsert({ key: { ...key, fromMe: "false" }, messageTimestamp: 1792485171 })],
    [
      "a remoteJid that is no JID",
      upsert({ key: { ...key, remoteJid: "77011234567" }, messageTimestamp: 1792485171 }),
    ],
    ["a timestamp in ISO", upsert({ key, messageTimestamp: "2026-10-20T11:32:52Z" })],
    ["a message that is text", upsert({ key, messageTimestamp: 1792485171, message: "hi" })],
  ];
  for (const [what, body] of malformed) {
    test(`given ${what}, when normalised, then ValidationError (400)`, () => {
      assert.throws(() => normalize(body), ValidationError);
    });
  }

  test("given a LID chat without remoteJidAlt, when normalised, then the LID is the chat and the phone is unknown", () => {
    assert.deepEqual(dialogJids({ remoteJid: "181744219537465@lid" }), {
      chatId: "181744219537465@lid",
      phoneJid: null,
    });
    const out = normalize(
      upsert({ key: { ...key, remoteJid: "181744219537465@lid" }, messageTimestamp: 1792485171 }),
    );
    assert.equal(out.events[0]?.type === "chat.message_received" && out.events[0].data.phone, null);
  });

  test("given a phone JID with a device suffix, when mapped, then the suffix is dropped", () => {
    assert.deepEqual(dialogJids({ remoteJid: "77011234567:12@s.whatsapp.net" }), {
      chatId: "77011234567@s.whatsapp.net",
      phoneJid: "77011234567@s.whatsapp.net",
    });
  });

  test("given wrapped and media messages, when read, then text and media kind come from the inner content", () => {
    assert.equal(
      evolutionText({ ephemeralMessage: { message: { extendedTextMessage: { text: "ссылка" } } } }),
      "ссылка",
    );
    assert.equal(
      evolutionText({ documentWithCaptionMessage: { message: { documentMessage: { caption: "счёт" } } } }),
      "счёт",
    );
    assert.equal(
      evolutionMedia({ documentWithCaptionMessage: { message: { documentMessage: {} } } }),
      "document",
    );
    assert.equal(evolutionMedia({ audioMessage: { ptt: true } }), "audio");
    assert.equal(evolutionMedia({ stickerMessage: {} }), "sticker");
    assert.equal(evolutionText({ audioMessage: { ptt: true } }), null);
    assert.equal(evolutionMedia({ conversation: "hi" }), null);
  });

  test("given a send.message and an upper-case MESSAGES_UPSERT, when normalised, then both are messages", () => {
    const a = normalize({
      ...upsert({ key: { ...key, fromMe: true }, messageTimestamp: 1792485171 }),
      event: "send.message",
    });
    const b = normalize({ ...upsert({ key, messageTimestamp: 1792485171 }), event: "MESSAGES_UPSERT" });
    assert.equal(a.events.length, 1);
    assert.equal(b.events.length, 1);
  });

  test("given a body with a non-null apikey and inlined base64, when normalised, then raw keeps neither", () => {
    const body = upsert(
      {
        key,
        messageTimestamp: 1792485171,
        message: { imageMessage: { caption: "чек" }, base64: "A".repeat(EVOLUTION_RAW_BODY_LIMIT) },
      },
      { apikey: "instance-token-secret" },
    );
    const out = normalize(body);
    const raw = out.events[0]?.raw?.body ?? "";
    assert.doesNotMatch(raw, /instance-token-secret/);
    assert.doesNotMatch(raw, /AAAAAAAAAA/);
    assert.ok(raw.length < EVOLUTION_RAW_BODY_LIMIT);
    assert.equal(out.events[0]?.type === "chat.message_received" && out.events[0].data.text, "чек");
  });
});

describe("Evolution plausibility rules", () => {
  const RECEIPT = new Date("2026-11-07T00:00:00.000Z");
  const RECEIPT_S = RECEIPT.getTime() / 1000;
  const key = { remoteJid: "77011234567@s.whatsapp.net", fromMe: false, id: "3EB0C767D26A1D853909" };
  const upsert = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    event: "messages.upsert",
    instance: "wa-1",
    data: { key, messageTimestamp: 1792485171, message: { conversation: "Здравствуйте" }, ...data },
    apikey: null,
    ...extra,
  });
  const normalize = (body: Record<string, unknown>) =>
    normalizeEvolutionWebhook(body, ctxOf(JSON.stringify(body), RECEIPT));

  const jids: [string, string | null][] = [
    ["77011234567@s.whatsapp.net", "dialog"],
    ["77011234567:12@s.whatsapp.net", "dialog"],
    ["181744219537465@lid", "dialog"],
    ["5511987654321@c.us", "dialog"],
    ["120363025246125486@g.us", "group"],
    ["77011234567-1617181920@g.us", "group"],
    ["status@broadcast", "broadcast"],
    ["120363123456789012@newsletter", "newsletter"],
    ["@s.whatsapp.net", null],
    ["@lid", null],
    ["77011234567", null],
    ["77011234567@", null],
    ["abc@s.whatsapp.net", null],
    ["77011234567@S.WHATSAPP.NET", null],
    ["77011234567@s.whatsapp.net.evil.com", null],
    ["' OR 1=1; DROP TABLE messages; --@s.whatsapp.net", null],
    ["77011234567\u0000@s.whatsapp.net", null],
    ["77011234567@s.whatsapp.net\u0000", null],
    ["7701 1234567@s.whatsapp.net", null],
    ["1234@s.whatsapp.net", null],
    [`${"7".repeat(21)}@s.whatsapp.net`, null],
    ["someone@example.com", null],
    ["status@g.us", null],
  ];
  for (const [jid, kind] of jids) {
    test(`given remoteJid ${JSON.stringify(jid)}, when classified, then ${kind ?? "not a JID"}`, () => {
      assert.equal(jidKind(jid), kind);
      const body = upsert({ key: { ...key, remoteJid: jid } });
      if (kind === null) {
        assert.throws(
          () => normalize(body),
          (e: unknown) =>
            e instanceof ValidationError &&
            e.status === 400 &&
            e.message.startsWith("data.key.remoteJid must be a WhatsApp JID") &&
            !e.message.includes("\u0000"),
        );
      } else {
        const out = normalize(body);
        assert.equal(out.events.length + out.ignored, 1);
        assert.equal(out.events.length, kind === "dialog" ? 1 : 0);
      }
    });
  }

  test("given a LID chat whose remoteJidAlt is not a user JID, when normalised, then 400", () => {
    for (const alt of ["@s.whatsapp.net", "120363025246125486@g.us", "x; DROP TABLE chats", 7701]) {
      assert.throws(
        () => normalize(upsert({ key: { ...key, remoteJid: "181744219537465@lid", remoteJidAlt: alt } })),
        (e: unknown) => e instanceof ValidationError && e.message.includes("data.key.remoteJidAlt"),
        String(alt),
      );
    }
    const ok = normalize(
      upsert({
        key: { ...key, remoteJid: "181744219537465@lid", remoteJidAlt: "77011234567@s.whatsapp.net" },
      }),
    );
    assert.equal(
      ok.events[0]?.type === "chat.message_received" && ok.events[0].data.chat_id,
      "77011234567@s.whatsapp.net",
    );
    const nullAlt = normalize(
      upsert({ key: { ...key, remoteJid: "181744219537465@lid", remoteJidAlt: null } }),
    );
    assert.equal(nullAlt.events.length, 1);
  });

  const times: [string, unknown, string | null][] = [
    ["2000-01-01T00:00:00Z", 946_684_800, null],
    ["receipt + 1 day exactly", RECEIPT_S + 86_400, null],
    ["the receipt time as a digit string", String(RECEIPT_S), null],
    [
      "0 (1970)",
      0,
      "data.messageTimestamp is implausible: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z",
    ],
    ["1 s before 2000", 946_684_799, "is before 2000-01-01T00:00:00Z"],
    [
      "2100",
      4_102_444_800,
      "data.messageTimestamp is implausible: 2100-01-01T00:00:00.000Z is more than 1 day after",
    ],
    [
      "receipt + 1 day + 1 s",
      RECEIPT_S + 86_401,
      "is more than 1 day after the receipt time 2026-11-07T00:00:00.000Z",
    ],
    ["an empty string", "", "data.messageTimestamp is present but empty"],
  ];
  for (const [what, ts, reason] of times) {
    test(`given messageTimestamp ${what}, when normalised, then ${reason === null ? "accepted" : "400"}`, () => {
      const body = upsert({ messageTimestamp: ts });
      if (reason === null) assert.equal(normalize(body).events.length, 1);
      else
        assert.throws(
          () => normalize(body),
          (e: unknown) => e instanceof ValidationError && e.status === 400 && e.message.includes(reason),
        );
    });
  }

  const nested = (depth: number): unknown => {
    let v: unknown = "x";
    for (let i = 0; i < depth; i++) v = { quotedMessage: v };
    return v;
  };

  test("given a body nested 100 000 levels with an apikey (re-serialised), when normalised, then 400, not a stack overflow", () => {
    const raw = `{"event":"messages.upsert","instance":"wa-1","apikey":"tok","data":{"key":${JSON.stringify(key)},"messageTimestamp":1792485171,"message":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}}`;
    const body = JSON.parse(raw) as Record<string, unknown>;
    assert.throws(
      () => normalizeEvolutionWebhook(body, ctxOf(raw, RECEIPT)),
      (e: unknown) => e instanceof ValidationError && e.message === "body nests deeper than 64 levels",
    );
    // evolutionRaw itself refuses rather than overflowing, whoever calls it.
    assert.throws(() => evolutionRaw(body, ctxOf(raw, RECEIPT)), ValidationError);
  });

  test("given a small deep body without apikey (kept verbatim), when normalised, then still 400: one rule for every body", () => {
    const body = upsert({ message: { conversation: "hi", contextInfo: nested(70) } });
    assert.throws(() => normalize(body), /nests deeper than 64 levels/);
  });

  test("given a quoted reply nested like real bodies, when normalised, then accepted", () => {
    const body = upsert({ message: { conversation: "hi", contextInfo: nested(20) } }, { apikey: "tok" });
    const out = normalize(body);
    assert.equal(out.events.length, 1);
    assert.doesNotMatch(out.events[0]?.raw?.body ?? "", /"tok"/);
  });
});
