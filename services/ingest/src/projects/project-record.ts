/**
 * The shape of one project's configuration as ingest holds it (zod schemas and types), apart from
 * the registry that stores it (`project-registry.ts`) and the sealing of its secrets
 * (`project-secrets.ts`), which both use it.
 */
import { CrmKind, ProjectId, TimeZoneName } from "@pulse/events";
import { z } from "zod";
import { PhoneRegionCode } from "../crm/phone-region.js";

/** Radist.Online's API root (formats/radist-online.md §1). */
export const RADIST_DEFAULT_BASE_URL = "https://api.radist.online/v2";

/**
 * Radist.Online access of a project (formats/radist-online.md): `base_url` (API root, default
 * {@link RADIST_DEFAULT_BASE_URL}), `company_id`, `api_key` (secret: sent as `X-Api-Key`, stored in
 * KV only, never logged nor published) and `connection_ids` — the WhatsApp connections whose chats
 * are read (a contact may also have a Telegram chat on another connection); empty = every
 * `whatsapp`/`waba` source the company lists.
 */
export const RadistSettings = z.object({
  base_url: z.url({ protocol: /^https?$/ }),
  company_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  api_key: z.string().min(1).max(4096),
  connection_ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).max(100),
});
/** See {@link RadistSettings}. */
export type RadistSettings = z.infer<typeof RadistSettings>;

/**
 * Telegram sale notifications of a project (SPEC "amoCRM deals": optional outbound notification):
 * `bot_token` (secret: sealed in KV, sent only in the Bot API's URL path, never logged, never shown
 * to anyone — write-only), `chat_id` (numeric id or `@channel`), `template` (placeholders
 * `{team}`, `{client}`, `{amount}`, `{product}`, `{campaign}`, `{source}`, `{manager}`,
 * `{lead_id}`, `{sold_at}`; `null` = the default template) and `enabled`.
 */
export const TelegramSettings = z.object({
  bot_token: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,200}$/, "a Telegram bot token: <bot id>:<secret>"),
  chat_id: z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/, "a chat id (-100…) or @channel"),
  template: z.string().min(1).max(2000).nullable(),
  enabled: z.boolean(),
});
/** See {@link TelegramSettings}. */
export type TelegramSettings = z.infer<typeof TelegramSettings>;

/**
 * One project as ingest holds it in memory (key = `project_id`). In KV its secrets are sealed
 * (AES-256-GCM, `project-secrets.ts`): the stored JSON holds envelopes, never these values.
 * `webhook_secret_sha256` is the lowercase hex SHA-256 of the webhook secret (the secret itself is
 * never stored); `api_token` is the CRM API token (needed to call the CRM), `null` when not configured.
 * `base_url`: KeyCRM Open API root (`https://openapi.keycrm.app/v1`) or the amoCRM account URL
 * (`https://<subdomain>.amocrm.ru`); `null` when the CRM API is not used.
 * `phone_region` (optional): see {@link PhoneRegionCode}; absent = `KZ` (`DEFAULT_PHONE_REGION`).
 * `radist` (optional): Radist.Online access ({@link RadistSettings}); absent = not polled.
 * `telegram` (optional): sale notifications ({@link TelegramSettings}); absent = off.
 */
export const ProjectRecord = z.object({
  project_id: ProjectId,
  name: z.string().min(1).max(200),
  kind: CrmKind,
  base_url: z.url({ protocol: /^https?$/ }).nullable(),
  time_zone: TimeZoneName,
  active: z.boolean(),
  webhook_secret_sha256: z.string().regex(/^[0-9a-f]{64}$/, "lowercase hex SHA-256"),
  api_token: z.string().min(1).max(4096).nullable(),
  phone_region: PhoneRegionCode.optional(),
  radist: RadistSettings.optional(),
  telegram: TelegramSettings.optional(),
});
/** See {@link ProjectRecord}. */
export type ProjectRecord = z.infer<typeof ProjectRecord>;
