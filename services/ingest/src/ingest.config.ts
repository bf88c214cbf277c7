import { BaseConfig } from "@pulse/infra";
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = (fallback: "true" | "false") =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback)
    .transform((v) => v === "true" || v === "1");

/**
 * Configuration of the ingest service: {@link BaseConfig} (`NATS_URL`, `EVENTS_STREAM`,
 * `SUBJECT_ROOT`, `LOG_LEVEL`, …) plus:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `INGEST_HOST` | `0.0.0.0` | address the HTTP server binds |
 * | `INGEST_PORT` (or `PORT`) | `3001` | HTTP port; `INGEST_PORT` wins when both are set |
 * | `INGEST_BACKGROUND_WORKERS` | `true` | run the dictionary/items/contacts workers and the pollers in this process; `false` for extra webhook-only replicas (one set of workers per deployment keeps the per-project CRM rate limits) |
 * | `WEBHOOK_BODY_LIMIT_BYTES` | `1048576` (1 MiB) | larger bodies are answered 413 |
 * | `PUBLISH_TIMEOUT_MS` | `1500` | JetStream ack timeout per event; amoCRM waits 2 s for an answer |
 * | `RECEIPT_FLUSH_MS` | `0` | extra wait before a round of webhook receipts is published (0 = next event-loop turn; receipts answered while one round is in flight share the next; the answer of a delivery that stored nothing waits for its receipt) |
 * | `WEBHOOK_RETRY_AFTER_SECONDS` | `30` | `Retry-After` of a 503 when JetStream cannot persist |
 * | `DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS` | `60` | at most one dictionary sync per project per interval |
 * | `DICTIONARY_REFRESH_INTERVAL_MINUTES` | `60` | periodic dictionary refresh; `0` = off |
 * | `DICTIONARY_SYNC_ON_START` | `true` | sync every active project's dictionary when ingest starts |
 * | `CRM_MIN_REQUEST_INTERVAL_MS` | `1000` | per-project spacing of CRM API calls (KeyCRM: 60/min per token) |
 * | `CRM_HTTP_TIMEOUT_MS` | `10000` | timeout of one CRM API request |
 * | `CRM_RETRIES` | `5` | retries of a CRM request on 429/5xx/network errors (exponential backoff + jitter) |
 * | `CRM_RETRY_MIN_DELAY_MS` | `1000` | first backoff delay |
 * | `AMOCRM_MIN_REQUEST_INTERVAL_MS` | `150` | per-project spacing of amoCRM API calls (amoCRM allows ~7 requests/s); `CRM_MIN_REQUEST_INTERVAL_MS` applies to KeyCRM |
 * | `EVOLUTION_WEBHOOK_ENABLED` | `true` | serve `POST /webhooks/evolution/:projectId` |
 * | `TRUST_RECORDED_RECEIVED_AT` | `false` | take `X-Recorded-Received-At` as the receive time (importing recorded deliveries) |
 * | `ITEMS_WORKER_ENABLED` | `true` | run the KeyCRM order-items worker (durable consumer `items-worker`) |
 * | `ITEMS_REFETCH_AFTER_MINUTES` | `60` | refetch an order's items when it enters a new status group and its last fetch is older |
 * | `CONTACTS_WORKER_ENABLED` | `true` | run the amoCRM deal-contacts worker (durable consumer `contacts-worker`) |
 * | `CONTACTS_REFETCH_AFTER_MINUTES` | `360` | refetch a lead's contacts on its next event when the last fetch is older |
 * | `AMOCRM_CATCHUP_INTERVAL_SECONDS` | `600` | amoCRM events-API catch-up period; `0` = off |
 * | `AMOCRM_CATCHUP_LOOKBACK_HOURS` | `24` | each catch-up reads from `checkpoint − lookback` |
 * | `KEYCRM_CATCHUP_INTERVAL_SECONDS` | `900` | KeyCRM order-list catch-up period (current status of the orders updated in the window); `0` = off |
 * | `KEYCRM_CATCHUP_LOOKBACK_HOURS` | `24` | each KeyCRM catch-up reads orders updated since `checkpoint − lookback` |
 * | `SECRETS_KEY` | — (required when `NODE_ENV=production`) | base64 of 32 bytes: the AES-256-GCM key of the secrets in the project registry; unset outside production = the fixed development key |
 * | `SECRETS_KEY_PREVIOUS` | — | the key before a rotation: still decrypts, never encrypts (`pnpm cli secrets rotate` re-encrypts every record with `SECRETS_KEY`) |
 * | `RADIST_POLL_INTERVAL_SECONDS` | `300` | Radist.Online poll period; `0` = off |
 * | `RADIST_LOOKBACK_HOURS` | `72` | each poll reads messages from `checkpoint − lookback` (late messages) |
 * | `RADIST_MIN_REQUEST_INTERVAL_MS` | `200` | per-project spacing of Radist API calls |
 * | `HEALTH_FLUSH_MS` | `1000` | how often recorded API outcomes and notification counts are written to `{EVENTS_STREAM}_HEALTH` |
 * | `SALE_NOTIFICATIONS_ENABLED` | `true` | run the Telegram sale notification worker (durable `sale-notifier`) and answer test requests |
 * | `TELEGRAM_API_URL` | `https://api.telegram.org` | Bot API root (`/bot{token}/sendMessage`) |
 * | `TELEGRAM_RETRIES` | `5` | retries of a `sendMessage` on 429 (honouring `retry_after`), 5xx and network errors |
 * | `TELEGRAM_RETRY_MIN_DELAY_MS` | `1000` | first backoff delay of those retries |
 * | `TELEGRAM_HTTP_TIMEOUT_MS` | `10000` | timeout of one Bot API request |
 * | `SALE_NOTIFICATIONS_MAX_AGE_HOURS` | `48` | a sale whose `sold_at` is older than this when its notice arrives is not sent (history imported by a catch-up or an onboarding is not news); `0` = no limit |
 */
export const IngestConfig = BaseConfig.extend({
  INGEST_HOST: z.string().default("0.0.0.0"),
  INGEST_PORT: int(0, 65_535).optional(),
  PORT: int(0, 65_535).default(3001),
  INGEST_BACKGROUND_WORKERS: flag("true"),
  WEBHOOK_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(1_048_576),
  PUBLISH_TIMEOUT_MS: int(50, 60_000).default(1500),
  RECEIPT_FLUSH_MS: int(0, 1_000).default(0),
  WEBHOOK_RETRY_AFTER_SECONDS: int(1, 86_400).default(30),
  DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS: int(0, 86_400).default(60),
  DICTIONARY_REFRESH_INTERVAL_MINUTES: int(0, 7 * 24 * 60).default(60),
  DICTIONARY_SYNC_ON_START: flag("true"),
  CRM_MIN_REQUEST_INTERVAL_MS: int(0, 60_000).default(1000),
  CRM_HTTP_TIMEOUT_MS: int(100, 120_000).default(10_000),
  CRM_RETRIES: int(0, 20).default(5),
  CRM_RETRY_MIN_DELAY_MS: int(0, 60_000).default(1000),
  AMOCRM_MIN_REQUEST_INTERVAL_MS: int(0, 60_000).default(150),
  EVOLUTION_WEBHOOK_ENABLED: flag("true"),
  TRUST_RECORDED_RECEIVED_AT: flag("false"),
  ITEMS_WORKER_ENABLED: flag("true"),
  ITEMS_REFETCH_AFTER_MINUTES: int(0, 30 * 24 * 60).default(60),
  CONTACTS_WORKER_ENABLED: flag("true"),
  CONTACTS_REFETCH_AFTER_MINUTES: int(0, 30 * 24 * 60).default(360),
  AMOCRM_CATCHUP_INTERVAL_SECONDS: int(0, 7 * 86_400).default(600),
  AMOCRM_CATCHUP_LOOKBACK_HOURS: int(0, 90 * 24).default(24),
  KEYCRM_CATCHUP_INTERVAL_SECONDS: int(0, 7 * 86_400).default(900),
  KEYCRM_CATCHUP_LOOKBACK_HOURS: int(0, 90 * 24).default(24),
  SECRETS_KEY: z.string().optional(),
  SECRETS_KEY_PREVIOUS: z.string().optional(),
  RADIST_POLL_INTERVAL_SECONDS: int(0, 7 * 86_400).default(300),
  RADIST_LOOKBACK_HOURS: int(0, 90 * 24).default(72),
  RADIST_MIN_REQUEST_INTERVAL_MS: int(0, 60_000).default(200),
  HEALTH_FLUSH_MS: int(0, 600_000).default(1000),
  SALE_NOTIFICATIONS_ENABLED: flag("true"),
  TELEGRAM_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
  TELEGRAM_RETRIES: int(0, 20).default(5),
  TELEGRAM_RETRY_MIN_DELAY_MS: int(0, 60_000).default(1000),
  TELEGRAM_HTTP_TIMEOUT_MS: int(100, 120_000).default(10_000),
  SALE_NOTIFICATIONS_MAX_AGE_HOURS: int(0, 365 * 24).default(48),
});
/** The parsed ingest configuration (see {@link IngestConfig} for variables and defaults). */
export type IngestConfig = z.infer<typeof IngestConfig>;
