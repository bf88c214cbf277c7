/**
 * Radist.Online API v2 responses → `chat.message_received` (pure). Shapes: formats/radist-online.md
 * §2–3 (field names from public client code, R4/R5; the fixture corpus follows them).
 */
import { normalizePhone, type PhoneRegion } from "@pulse/domain";
import type { ChatMessageReceived, IsoInstant } from "@pulse/events";
import { z } from "zod";
import {
  describeValue,
  implausibleTimeReason,
  isCrmId,
  isMessageId,
  jsonDepthExceeds,
  MAX_BODY_DEPTH,
  readCrmTimestamp,
} from "./crm-values.js";

/**
 * An integer id as the page structure needs it. Whether it is a plausible id (positive) is judged
 * per chat or message (`isCrmId`), so one bad item is skipped instead of failing the page.
 */
const Id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One chat of a contact in `chats/with_contacts/`: `chat_id`, `connection_id`, `phone`, `source_chat_id`. */
export const RadistChat = z.looseObject({
  chat_id: Id,
  connection_id: Id,
  phone: z.string().nullable().optional(),
  source_chat_id: z.string().nullable().optional(),
});
/** See {@link RadistChat}. */
export type RadistChat = z.infer<typeof RadistChat>;

/** A contact with its chats (one per messenger connection). */
export const RadistContact = z.looseObject({
  contact_id: Id,
  contact_name: z.string().nullable().optional(),
  last_chat_updated_at: z.string().nullable().optional(),
  chats: z.array(RadistChat),
});
/** See {@link RadistContact}. */
export type RadistContact = z.infer<typeof RadistContact>;

/**
 * A page of `GET /companies/{id}/messaging/chats/with_contacts/?limit=…&cursor=…`:
 * `{data: [contact…], response_metadata: {next_cursor}}`; the last page has an empty (or no) cursor.
 */
export const RadistContactsPage = z.looseObject({
  data: z.array(RadistContact),
  response_metadata: z.looseObject({ next_cursor: z.string().nullable().optional() }).optional(),
});
/** See {@link RadistContactsPage}. */
export type RadistContactsPage = z.infer<typeof RadistContactsPage>;

/** `GET …/messaging/chats/sources/`: an array of `{type, connection_id, …}`. */
export const RadistSources = z.array(z.looseObject({ type: z.string(), connection_id: Id }));

const Media = z.looseObject({
  caption: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
});

/**
 * One message of `GET …/messaging/messages/?chat_id=…`: `message_id` (string or integer),
 * `direction` (`inbound` = from the client, anything else ours), `created_at` (ISO; zone-less read as
 * UTC; all digits = unix seconds), `text: {text}`, `waba_interactive.body.text`, or a media object
 * (`image`, `video`, `audio`, `voice`, `file`) with `caption`/`name`.
 */
export const RadistMessage = z.looseObject({
  message_id: z.union([z.string(), z.number().int()]),
  direction: z.string(),
  created_at: z.union([z.string(), z.number()]),
  text: z.looseObject({ text: z.string().nullable().optional() }).nullable().optional(),
  waba_interactive: z
    .looseObject({ body: z.looseObject({ text: z.string().nullable().optional() }).nullable().optional() })
    .nullable()
    .optional(),
  image: Media.nullable().optional(),
  video: Media.nullable().optional(),
  audio: Media.nullable().optional(),
  voice: Media.nullable().optional(),
  file: Media.nullable().optional(),
});
/** See {@link RadistMessage}. */
export type RadistMessage = z.infer<typeof RadistMessage>;

/** Media objects of a Radist message → the event's media kind. */
const MEDIA: readonly (readonly [keyof RadistMessage, string])[] = [
  ["image", "image"],
  ["video", "video"],
  ["voice", "audio"],
  ["audio", "audio"],
  ["file", "document"],
];

/** The dedup key of a Radist message: `chat:{project}:radist:{message_id}` (never the time: several messages share a second). */
export function radistDedupKey(projectId: string, messageId: string): string {
  return `chat:${projectId}:radist:${messageId}`;
}

/** The connection ids of a company's WhatsApp sources (`type` `whatsapp` or `waba`). */
export function radistWhatsappConnections(sources: unknown): number[] {
  const parsed = RadistSources.safeParse(sources);
  if (!parsed.success) throw new Error("Radist chats/sources answered something that is not a source list");
  return parsed.data.filter((s) => s.type === "whatsapp" || s.type === "waba").map((s) => s.connection_id);
}

/** A chat to read, with the contact it belongs to. */
export interface RadistChatToRead {
  chat: RadistChat;
  contactName: string | null;
  /** The contact's `last_chat_updated_at` (ISO), or null when absent or unreadable. */
  lastUpdatedAt: IsoInstant | null;
}

/**
 * The chats of a contacts page that belong to the given WhatsApp connections — a contact can also
 * have a Telegram (or other messenger) chat on another connection, which is skipped
 * (formats/radist-online.md §5) — and whose `chat_id` and `connection_id` are plausible ids
 * (positive integers; a chat 0 is skipped, README "Plausibility rules"). Chats are kept in page order.
 */
export function radistChatsToRead(
  page: RadistContactsPage,
  connectionIds: ReadonlySet<number>,
): RadistChatToRead[] {
  const out: RadistChatToRead[] = [];
  for (const contact of page.data) {
    const lastUpdatedAt = readTime(contact.last_chat_updated_at);
    for (const chat of contact.chats) {
      if (connectionIds.has(chat.connection_id) && isCrmId(chat.chat_id) && isCrmId(chat.connection_id))
        out.push({ chat, contactName: contact.contact_name ?? null, lastUpdatedAt });
    }
  }
  return out;
}

function readTime(value: unknown): IsoInstant | null {
  try {
    return radistTime(value);
  } catch {
    return null;
  }
}

/**
 * A Radist time as an ISO instant: ISO-8601 with `Z` or an offset, a zone-less ISO value (read as
 * UTC, as clients do — radist-online.md §5), or all digits (unix seconds; 13 digits = milliseconds).
 * @throws Error when it is none of these.
 */
export function radistTime(value: unknown): IsoInstant {
  if (typeof value === "number" || (typeof value === "string" && /^\d{9,13}$/.test(value))) {
    const n = Number(value);
    const ms = n >= 1e12 ? n : n * 1000;
    if (Number.isSafeInteger(ms) && ms > 0 && ms < Date.UTC(3000, 0, 1)) return new Date(ms).toISOString();
  } else if (typeof value === "string") {
    return readCrmTimestamp(value, "created_at");
  }
  throw new Error(`not a time: ${String(value).slice(0, 40)}`);
}

/**
 * Result of {@link radistMessageEvent}: the event, or why the message was skipped — `reason` a
 * short code for counting (`malformed`, `message_id`, `created_at`, `nesting`), `detail` the
 * problem in words when there is more to say (`created_at is implausible: …`).
 */
export type RadistMapping =
  | { ok: true; event: ChatMessageReceived }
  | { ok: false; reason: string; detail?: string };

/**
 * Maps one Radist message of a WhatsApp chat to `chat.message_received` (source `radist`):
 * `message_id` (as a string), `chat_id` = the Radist `chat_id`; `phone` = the chat's `phone` (else
 * `source_chat_id`, which is the phone on WhatsApp) normalised to E.164 with the project's region
 * (`77…` digits and `+7…` give the same number); `direction` `inbound` → `incoming`, else `outgoing`;
 * `text` = `text.text` › `waba_interactive.body.text` › the media caption; `media` `image` | `video`
 * | `audio` (voice notes too) | `document` (`file`); `sent_at` = `occurred_at` = `created_at`;
 * `sender_name` = the contact's name for incoming messages; `connection` = the `connection_id`.
 * Dedup key {@link radistDedupKey}. `raw` keeps the message JSON with `received_at` = `fetchedAt`.
 * A message is skipped (`ok: false`), never thrown, when it has no id or direction or a readable
 * time, or is implausible (README "Plausibility rules", crm-values.ts): a `message_id` that is not a
 * positive integer or 1–200 printable characters; a `created_at` that is empty or outside
 * [2000-01-01T00:00:00Z, `fetchedAt` + 1 day]; a message nested deeper than 64 levels (its JSON is
 * kept in `raw`, and `JSON.stringify` would overflow the stack).
 */
export function radistMessageEvent(
  projectId: string,
  chat: RadistChatToRead,
  message: unknown,
  ctx: { fetchedAt: Date; newId: () => string; phoneRegion: PhoneRegion },
): RadistMapping {
  if (jsonDepthExceeds(message))
    return { ok: false, reason: "nesting", detail: `message nests deeper than ${MAX_BODY_DEPTH} levels` };
  const parsed = RadistMessage.safeParse(message);
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const m = parsed.data;
  if (!(typeof m.message_id === "number" ? isCrmId(m.message_id) : isMessageId(m.message_id)))
    return {
      ok: false,
      reason: "message_id",
      detail: `message_id must be a positive integer or 1–200 printable characters, got ${describeValue(m.message_id)}`,
    };
  if (m.created_at === "")
    return { ok: false, reason: "created_at", detail: "created_at is present but empty" };
  let sentAt: IsoInstant;
  try {
    sentAt = radistTime(m.created_at);
  } catch {
    return {
      ok: false,
      reason: "created_at",
      detail: `created_at is not a time: ${describeValue(m.created_at)}`,
    };
  }
  const implausible = implausibleTimeReason(Date.parse(sentAt), ctx.fetchedAt);
  if (implausible !== null)
    return { ok: false, reason: "created_at", detail: `created_at is implausible: ${implausible}` };
  const media = MEDIA.find(([key]) => m[key] !== undefined && m[key] !== null);
  const caption = media ? (m[media[0]] as z.infer<typeof Media>).caption : null;
  const text = m.text?.text || m.waba_interactive?.body?.text || caption || null;
  const incoming = m.direction === "inbound";
  const messageId = String(m.message_id);
  return {
    ok: true,
    event: {
      id: ctx.newId(),
      type: "chat.message_received",
      version: 1,
      project_id: projectId,
      occurred_at: sentAt,
      recorded_at: ctx.fetchedAt.toISOString(),
      dedup_key: radistDedupKey(projectId, messageId),
      source: "radist",
      raw: {
        received_at: ctx.fetchedAt.toISOString(),
        content_type: "application/json",
        body: JSON.stringify(message),
      },
      data: {
        source: "radist",
        message_id: messageId,
        chat_id: String(chat.chat.chat_id),
        phone: normalizePhone(chat.chat.phone || chat.chat.source_chat_id, ctx.phoneRegion),
        direction: incoming ? "incoming" : "outgoing",
        text,
        media: media ? media[1] : null,
        sent_at: sentAt,
        sender_name: incoming && chat.contactName ? chat.contactName.slice(0, 200) : null,
        connection: String(chat.chat.connection_id),
      },
    },
  };
}
