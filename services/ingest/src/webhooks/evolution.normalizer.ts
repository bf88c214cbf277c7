/**
 * Evolution API webhook (WhatsApp via Baileys) → `chat.message_received` events (pure: no I/O, time
 * comes from the delivery and the context). Body format: formats/evolution-api.md §1–3, quirks §5.
 */
import { normalizePhone, type PhoneRegion } from "@pulse/domain";
import type { ChatMessageReceived, IsoInstant, RawDelivery } from "@pulse/events";
import {
  assertBodyDepth,
  describeValue,
  isMessageId,
  isRecord,
  readUnixEventTime,
  unixSecondsToIso,
} from "../crm/crm-values.js";
import { phoneRegionOrDefault } from "../crm/phone-region.js";
import { ValidationError } from "../http/http.errors.js";
import { type DeliveryContext, type NormalizedDelivery, receivedIso } from "./delivery.js";

/**
 * The Evolution events that carry a message (`data` = one Baileys message `{key, message,
 * messageTimestamp, …}`): `messages.upsert` (received messages and messages typed on the phone,
 * evolution-api.md §5.3) and `send.message` (messages sent through Evolution's API, same shape —
 * they never come as an upsert, so without them the manager's API replies would be missing).
 * Every other event (`messages.update`, `connection.update`, `contacts.upsert`, …) is ignored.
 */
export const EVOLUTION_MESSAGE_EVENTS = ["messages.upsert", "send.message"] as const;

/** Largest `raw.body` kept in an event; a bigger delivery (inlined base64 media) is summarised. */
export const EVOLUTION_RAW_BODY_LIMIT = 64 * 1024;

const PHONE_JID = /^(\d{5,20})(?::\d{1,3})?@(s\.whatsapp\.net|c\.us)$/;

/** Media kinds by Baileys content key (`ptvMessage` is a round video note). */
const MEDIA_KEYS: readonly (readonly [string, string])[] = [
  ["imageMessage", "image"],
  ["videoMessage", "video"],
  ["ptvMessage", "video"],
  ["audioMessage", "audio"],
  ["documentMessage", "document"],
  ["stickerMessage", "sticker"],
];

/** Wrappers whose `.message` holds the real content (disappearing, view-once, captioned documents). */
const WRAPPERS = ["ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "documentWithCaptionMessage"];

/**
 * The dedup key of an Evolution message: `chat:{project}:evolution:{key.id}`. WhatsApp re-delivers
 * the same `key.id` with a later `messageTimestamp` (evolution-api.md §5.1, E9): the key ignores the
 * time, so the first delivery's event is the fact (JetStream's msgID dedup, then the projector's
 * dedup-key check after the duplicate window).
 */
export function evolutionDedupKey(projectId: string, messageId: string): string {
  return `chat:${projectId}:evolution:${messageId}`;
}

/** How a JID is treated: a 1:1 dialog, or ignored (groups, status stories, channels). */
export type JidKind = "dialog" | "group" | "broadcast" | "newsletter";

/**
 * The WhatsApp JID forms a chat can have (formats/evolution-api.md §2, §5.6 and the fixture corpus),
 * each with the kind it is treated as. A device suffix (`:12`) may follow the user part of a user
 * JID. Lower-case domains only, as Baileys writes them.
 * - `<5–20 digits>@s.whatsapp.net` — a phone (1:1); `@c.us` is the older spelling of the same;
 * - `<5–20 digits>@lid` — a privacy id (1:1, the phone in `remoteJidAlt`);
 * - `<digits>@g.us` or `<creator digits>-<unix s>@g.us` — a group (new and old group ids);
 * - `status@broadcast` (status stories) and `<digits>@broadcast` (broadcast lists);
 * - `<digits>@newsletter` — a channel.
 */
const JID_FORMS: readonly (readonly [RegExp, JidKind])[] = [
  [/^\d{5,20}(?::\d{1,3})?@(?:s\.whatsapp\.net|c\.us|lid)$/, "dialog"],
  [/^\d{5,20}(?:-\d{5,20})?@g\.us$/, "group"],
  [/^(?:status|\d{5,20})@broadcast$/, "broadcast"],
  [/^\d{5,25}@newsletter$/, "newsletter"],
];

/**
 * Classifies a chat JID (evolution-api.md §5.6) by {@link JID_FORMS}: `@s.whatsapp.net`, `@c.us`
 * and `@lid` are 1:1 dialogs; `@g.us` groups, `…@broadcast` (incl. `status@broadcast`) and
 * `@newsletter` are not dialogs with a client.
 * @returns the kind, or `null` when `jid` is not a WhatsApp JID — a bare `@s.whatsapp.net`, a phone
 *   without its domain, SQL or script text, control characters (a NUL byte), an upper-case domain
 *   or anything over 60 characters.
 */
export function jidKind(jid: unknown): JidKind | null {
  if (typeof jid !== "string" || jid.length > 60) return null;
  for (const [form, kind] of JID_FORMS) if (form.test(jid)) return kind;
  return null;
}

/**
 * The chat id and phone JID of a dialog key: a phone JID (`77011234567@s.whatsapp.net`, device
 * suffix `:12` dropped) is both; a `@lid` chat uses `remoteJidAlt` when it is a phone JID (what
 * Evolution itself does for `addressingMode: "lid"`, evolution-api.md §3.4), so the person's LID
 * messages join their earlier phone-JID dialog; without it the LID is the chat id and the phone is
 * unknown.
 */
export function dialogJids(key: { remoteJid: string; remoteJidAlt?: string | undefined }): {
  chatId: string;
  phoneJid: string | null;
} {
  const phoneJid = (jid: string | undefined) => {
    const m = jid === undefined ? null : PHONE_JID.exec(jid);
    return m ? `${m[1]}@${m[2]}` : null;
  };
  const direct = phoneJid(key.remoteJid);
  if (direct) return { chatId: direct, phoneJid: direct };
  const alt = phoneJid(key.remoteJidAlt);
  if (alt) return { chatId: alt, phoneJid: alt };
  return { chatId: key.remoteJid, phoneJid: null };
}

function unwrap(message: Record<string, unknown>): Record<string, unknown> {
  let m = message;
  for (let depth = 0; depth < 4; depth++) {
    const wrapper = WRAPPERS.map((w) => m[w]).find(isRecord);
    const inner = wrapper?.["message"];
    if (!isRecord(inner)) return m;
    m = inner;
  }
  return m;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const field = (v: unknown, name: string): unknown => (isRecord(v) ? v[name] : undefined);

/**
 * The text of a Baileys message, caption included (evolution-api.md §2 "Text extraction that works
 * on both"): `conversation` (≥2.2 puts all text there) › `extendedTextMessage.text` (1.x/2.1 links and
 * quoted replies) › image/video/document captions › button/list/template replies › `speechToText`
 * (Evolution's optional transcription of voice notes). Wrappers (ephemeral, view-once, captioned
 * document) are opened first. `null` when there is none (a voice note, a photo without caption).
 */
export function evolutionText(message: Record<string, unknown>): string | null {
  const m = unwrap(message);
  return (
    str(m["conversation"]) ??
    str(field(m["extendedTextMessage"], "text")) ??
    str(field(m["imageMessage"], "caption")) ??
    str(field(m["videoMessage"], "caption")) ??
    str(field(m["documentMessage"], "caption")) ??
    str(field(m["buttonsResponseMessage"], "selectedDisplayText")) ??
    str(field(m["templateButtonReplyMessage"], "selectedDisplayText")) ??
    str(field(m["listResponseMessage"], "title")) ??
    str(message["speechToText"])
  );
}

/**
 * The media kind of a Baileys message: `image` | `video` | `audio` (voice notes too) | `document` |
 * `sticker`, or `null` for text and other content (location, contact card, reaction).
 */
export function evolutionMedia(message: Record<string, unknown>): string | null {
  const m = unwrap(message);
  for (const [key, kind] of MEDIA_KEYS) if (isRecord(m[key])) return kind;
  return null;
}

/**
 * What is kept of the delivery in each event's `raw`: the body verbatim — unless it carries a
 * non-null `apikey` (the instance token, a credential: evolution-api.md §7) or exceeds
 * {@link EVOLUTION_RAW_BODY_LIMIT} (base64 media inlined, §5.8); then the JSON is re-serialised
 * with `apikey` redacted and `data.message.base64` dropped, and if still too large only
 * `{event, instance, data: {key, messageType, messageTimestamp, pushName}}` is kept.
 * Re-serialising walks the body recursively (`JSON.stringify`), so the body's depth is checked
 * first without recursion: a hostile nesting is a 400, never a stack overflow (a 500).
 * @throws ValidationError when the body must be re-serialised and nests deeper than
 *   `MAX_BODY_DEPTH` (64) levels.
 */
export function evolutionRaw(body: Record<string, unknown>, ctx: DeliveryContext): RawDelivery {
  const base = { received_at: receivedIso(ctx), content_type: ctx.contentType };
  const hasKey = body["apikey"] !== undefined && body["apikey"] !== null;
  if (!hasKey && ctx.rawBody.length <= EVOLUTION_RAW_BODY_LIMIT) return { ...base, body: ctx.rawBody };
  assertBodyDepth(body);
  const data = body["data"];
  const message = field(data, "message");
  const slimMessage = isRecord(message) ? { ...message, base64: undefined } : message;
  const slim = JSON.stringify({
    ...body,
    ...(hasKey ? { apikey: "[redacted]" } : {}),
    data: isRecord(data) ? { ...data, message: slimMessage } : data,
  });
  if (slim.length <= EVOLUTION_RAW_BODY_LIMIT) return { ...base, body: slim };
  const summary = isRecord(data)
    ? {
        key: data["key"],
        messageType: data["messageType"],
        messageTimestamp: data["messageTimestamp"],
        pushName: data["pushName"],
      }
    : null;
  return {
    ...base,
    body: JSON.stringify({
      event: body["event"],
      instance: body["instance"],
      data: summary,
      truncated: true,
    }),
  };
}

function readKey(data: Record<string, unknown>, path: string) {
  const key = data["key"];
  if (!isRecord(key)) throw new ValidationError(`${path}.key must be an object`);
  const remoteJid = key["remoteJid"];
  const kind = jidKind(remoteJid);
  if (typeof remoteJid !== "string" || kind === null)
    throw new ValidationError(
      `${path}.key.remoteJid must be a WhatsApp JID (<digits>@s.whatsapp.net, <digits>@lid, <digits>@g.us, status@broadcast), got ${describeValue(remoteJid)}`,
    );
  const alt = key["remoteJidAlt"];
  if (alt !== undefined && alt !== null && jidKind(alt) !== "dialog")
    throw new ValidationError(
      `${path}.key.remoteJidAlt must be a WhatsApp user JID (<digits>@s.whatsapp.net or <digits>@lid), got ${describeValue(alt)}`,
    );
  return { key, remoteJid, kind, remoteJidAlt: typeof alt === "string" ? alt : undefined };
}

function messageEvent(
  data: Record<string, unknown>,
  path: string,
  body: Record<string, unknown>,
  ctx: DeliveryContext,
  raw: RawDelivery,
  region: PhoneRegion,
): ChatMessageReceived | string {
  const { key, remoteJid, kind, remoteJidAlt } = readKey(data, path);
  if (kind !== "dialog") return kind;
  const id = key["id"];
  if (!isMessageId(id))
    throw new ValidationError(`${path}.key.id must be a message id (printable, 1–200 characters)`);
  const fromMe = key["fromMe"];
  if (typeof fromMe !== "boolean") throw new ValidationError(`${path}.key.fromMe must be true or false`);
  const sentAt: IsoInstant = unixSecondsToIso(
    readUnixEventTime(data["messageTimestamp"], `${path}.messageTimestamp`, ctx.receivedAt),
  );
  const message = data["message"];
  if (message !== undefined && message !== null && !isRecord(message))
    throw new ValidationError(`${path}.message must be an object`);
  const content = isRecord(message) ? message : {};
  const { chatId, phoneJid } = dialogJids({ remoteJid, remoteJidAlt });
  const pushName = typeof data["pushName"] === "string" ? data["pushName"].trim() : "";
  const instance = body["instance"];
  return {
    id: ctx.newId(),
    type: "chat.message_received",
    version: 1,
    project_id: ctx.projectId,
    occurred_at: sentAt,
    recorded_at: receivedIso(ctx),
    dedup_key: evolutionDedupKey(ctx.projectId, id),
    source: "evolution",
    raw,
    data: {
      source: "evolution",
      message_id: id,
      chat_id: chatId,
      phone: normalizePhone(phoneJid, region),
      direction: fromMe ? "outgoing" : "incoming",
      text: evolutionText(content),
      media: evolutionMedia(content),
      sent_at: sentAt,
      // pushName of our own messages is the instance's name or Evolution's fallback "Você" (§5.10).
      sender_name: fromMe || pushName === "" ? null : pushName.slice(0, 200),
      connection: typeof instance === "string" && instance.length > 0 ? instance.slice(0, 200) : null,
    },
  };
}

/**
 * Normalises one Evolution delivery `{event, instance, data, date_time, sender, apikey, …}`.
 *
 * - `messages.upsert` / `send.message` of a 1:1 chat → one `chat.message_received` (source
 *   `evolution`) per message in `data` (one object; an array is accepted too):
 *   `message_id` = `key.id`; `chat_id` / `phone` per {@link dialogJids} (phone normalised to E.164
 *   with `ctx.phoneRegion`, default `KZ`; `null` for a LID chat without `remoteJidAlt`);
 *   `direction` from `key.fromMe`; `text` per {@link evolutionText}; `media` per
 *   {@link evolutionMedia}; `sent_at` = `messageTimestamp` (unix seconds) — never `date_time`, which
 *   is the Evolution host's local time with a false `Z` (§5.4); `sender_name` = `pushName` of
 *   incoming messages; `connection` = `instance`. Dedup key {@link evolutionDedupKey}.
 * - groups (`@g.us`), `status@broadcast` and channels → no event, counted as ignored
 *   (`messages.upsert:group` …).
 * - every other event (`messages.update`, `connection.update`, …) → no event, ignored.
 * The body's `apikey` is neither trusted nor stored (authentication is the URL secret).
 *
 * Plausibility (README "Plausibility rules"): `key.remoteJid` is a valid WhatsApp JID
 * ({@link jidKind}: `<digits>@s.whatsapp.net`, `<digits>@lid`, groups, broadcasts) and
 * `key.remoteJidAlt`, when given, a user JID; `messageTimestamp` lies in
 * [2000-01-01T00:00:00Z, receipt + 1 day]; the body nests at most 64 levels (checked without
 * recursion, before anything re-serialises it).
 * @throws ValidationError when the body is not an object with a string `event` or nests deeper
 *   than 64 levels, or a message has no object `data`/`key`, a `remoteJid`/`remoteJidAlt` that is
 *   not a WhatsApp JID, no `key.id`, a non-boolean `fromMe` or a `messageTimestamp` that is not
 *   plausible unix seconds.
 */
export function normalizeEvolutionWebhook(body: unknown, ctx: DeliveryContext): NormalizedDelivery {
  if (!isRecord(body)) throw new ValidationError("body must be a JSON object {event, instance, data}");
  assertBodyDepth(body);
  const event = body["event"];
  if (typeof event !== "string" || event.length === 0 || event.length > 100)
    throw new ValidationError("event must be a non-empty string");
  const name = event.toLowerCase().replace(/_/g, ".");
  if (!(EVOLUTION_MESSAGE_EVENTS as readonly string[]).includes(name))
    return { events: [], ignored: 1, ignoredKinds: [name] };

  const data = body["data"];
  const items = Array.isArray(data) ? data : [data];
  if (items.length === 0) throw new ValidationError("data carries no message");
  const raw = evolutionRaw(body, ctx);
  const region = ctx.phoneRegion ?? phoneRegionOrDefault(null);
  const events: ChatMessageReceived[] = [];
  const ignoredKinds: string[] = [];
  items.forEach((item, i) => {
    const path = Array.isArray(data) ? `data[${i}]` : "data";
    if (!isRecord(item)) throw new ValidationError(`${path} must be a message object`);
    const out = messageEvent(item, path, body, ctx, raw, region);
    if (typeof out === "string") ignoredKinds.push(`${name}:${out}`);
    else events.push(out);
  });
  return { events, ignored: ignoredKinds.length, ignoredKinds };
}
