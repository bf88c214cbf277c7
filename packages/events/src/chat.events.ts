import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmId, IsoInstant } from "./primitives.js";

/** Chat sources (SPEC "Conversations and shifts"). */
export const ChatSource = z.enum(["evolution", "radist"]);
/** See {@link ChatSource}. */
export type ChatSource = z.infer<typeof ChatSource>;

/**
 * `chat.message_received` v1 — one WhatsApp message, incoming or outgoing.
 * - `message_id`: the source's id (Evolution `key.id`, Radist `message_id`);
 * - `chat_id`: the source's chat id (Evolution `remoteJid`, the phone JID for `@lid` chats when
 *   `remoteJidAlt` gives it; Radist `chat_id`);
 * - `phone`: the client's phone in E.164, or null when unknown;
 * - `sent_at`: the message time (Evolution `messageTimestamp`, never the false-`Z` `date_time`);
 * - `media`: `image` | `audio` | `video` | `document` | `sticker` | null; `text` includes a caption.
 * Dedup key `chat:{project}:{source}:{message_id}` — the first delivery's timestamp wins.
 */
export const ChatMessageReceived = defineEvent(
  "chat.message_received",
  1,
  z.object({
    source: ChatSource,
    message_id: z.string().min(1).max(200),
    chat_id: z.string().min(1).max(200),
    phone: z
      .string()
      .regex(/^\+\d{6,15}$/)
      .nullable(),
    direction: z.enum(["incoming", "outgoing"]),
    text: z.string().nullable(),
    media: z.string().nullable(),
    sent_at: IsoInstant,
    sender_name: z.string().nullable(),
    connection: z.string().nullable(),
  }),
);
/** See {@link ChatMessageReceived}. */
export type ChatMessageReceived = z.infer<typeof ChatMessageReceived>;

/**
 * `deal.contacts_linked` v1 — the contacts of an amoCRM lead with all their phones (E.164) and
 * emails, as `GET /api/v4/leads/{id}?with=contacts` + `GET /api/v4/contacts/{id}` returned them.
 * `loss_reason` (optional, added compatibly): the lead's `loss_reason_id` and, when the answer
 * embedded it (`_embedded.loss_reason`), its name; `null` when the lead has none; absent on events
 * stored before the field existed (the lead's loss reason is then unknown).
 * Dedup key `contacts:{project}:{lead}:{sha256 of the contacts and the loss reason}`.
 */
export const DealContactsLinked = defineEvent(
  "deal.contacts_linked",
  1,
  z.object({
    lead_id: CrmId,
    contacts: z.array(
      z.object({
        contact_id: CrmId,
        name: z.string().nullable(),
        is_main: z.boolean(),
        phones: z.array(z.string()),
        raw_phones: z.array(z.string()),
        emails: z.array(z.string()),
      }),
    ),
    fetched_at: IsoInstant,
    loss_reason: z.object({ id: CrmId, name: z.string().nullable() }).nullable().optional(),
  }),
);
/** See {@link DealContactsLinked}. */
export type DealContactsLinked = z.infer<typeof DealContactsLinked>;
