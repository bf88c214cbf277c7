/**
 * The Radist.Online poller: reads the WhatsApp dialogs of projects that use Radist (API v2,
 * formats/radist-online.md §2 — polling is the path with independent confirmations; no webhook body
 * was ever captured, §4) and publishes every message as `chat.message_received`.
 */
import type { ChatMessageReceived } from "@pulse/events";
import { type CrmHttpClient, type CrmHttpOptions, createCrmHttpClient } from "../crm/crm-http.client.js";
import {
  RadistContactsPage,
  radistChatsToRead,
  radistMessageEvent,
  radistWhatsappConnections,
} from "../crm/radist.mapper.js";
import type { IngestConfig } from "../ingest.config.js";
import { type ProjectRecord, projectPhoneRegion } from "../projects/project-registry.js";
import { createPoller, type PollCounts, type Poller, type PollerDeps, type PollRun } from "./poller.js";

/** Checkpoint name of the poller in `{EVENTS_STREAM}_POLLERS`. */
export const RADIST_POLLER = "radist";

/** Contacts per page (`chats/with_contacts/?limit=25`). */
export const RADIST_CONTACTS_PAGE_LIMIT = 25;
/** Messages per page (`messages/?limit=100`). */
export const RADIST_MESSAGES_PAGE_LIMIT = 100;
const MAX_PAGES = 10_000;

/** Counts of one Radist run of one project. */
export interface RadistPollResult {
  projectId: string;
  /** Start of the window read (ISO). */
  from: string;
  contactPages: number;
  /** WhatsApp chats of the configured connections whose messages were read. */
  chats: number;
  /** Chats skipped: other connections (Telegram…) or not updated since the window start. */
  chatsSkipped: number;
  messagePages: number;
  /** Distinct messages inside the window. */
  messages: number;
  published: number;
  duplicates: number;
  /** Messages skipped as malformed or implausible (logged by reason, radist.mapper.ts). */
  skipped: number;
}

/** Dependencies of {@link createRadistPoller}. `http` defaults to a client of its own. */
export interface RadistPollerDeps extends PollerDeps {
  config: PollerDeps["config"] &
    Pick<
      IngestConfig,
      | "RADIST_POLL_INTERVAL_SECONDS"
      | "RADIST_LOOKBACK_HOURS"
      | "RADIST_MIN_REQUEST_INTERVAL_MS"
      | "CRM_HTTP_TIMEOUT_MS"
      | "CRM_RETRIES"
      | "CRM_RETRY_MIN_DELAY_MS"
    >;
  http?: CrmHttpClient;
  fetch?: typeof fetch;
  /** Told the outcome of every API attempt of the default client (integration health). */
  onAttempt?: CrmHttpOptions["onAttempt"];
  newId: () => string;
}

/**
 * The poller (`start` runs every `RADIST_POLL_INTERVAL_SECONDS`, 0 = none; `runOnce` with `since`
 * overrides the window start: a backfill). `runOnce` throws for a project without active Radist settings.
 */
export type RadistPoller = Poller<RadistPollResult>;

/** True for a project the poller reads: active, with Radist settings. */
export function radistEligible(record: ProjectRecord | undefined): record is ProjectRecord {
  return !!record && record.active && record.radist !== undefined;
}

/**
 * Creates the Radist poller. One run of a project (settings from its KV record: base URL, company,
 * `X-Api-Key`, WhatsApp connection ids — when none are configured, the company's `whatsapp`/`waba`
 * sources from `GET …/messaging/chats/sources/`):
 * 1. window start = `since`, else the last run's start − `RADIST_LOOKBACK_HOURS` (first run:
 *    now − lookback): every run re-reads the lookback so late messages are caught (SPEC "catch-up
 *    looks back 48–72 h");
 * 2. `GET {base}/companies/{company}/messaging/chats/with_contacts/?limit=25[&cursor=…]`, following
 *    `response_metadata.next_cursor` until it is empty; chats of other connections (a contact's
 *    Telegram chat) are skipped, and so are chats whose contact's `last_chat_updated_at` is older
 *    than the window start (nothing new in them);
 * 3. per chat `GET …/messaging/messages/?chat_id={id}&limit=100[&until=…]`, newest first, paging
 *    back with `until` = the oldest `created_at` of the page until a page is short, reaches past the
 *    window start or brings no new message id. `until` is the oldest time itself, not 1 ms before it
 *    as client scripts do: several messages share a second (ids dedupe the overlap), and a page
 *    boundary inside a second must not drop its siblings;
 * 4. messages inside the window → `chat.message_received` (dedup `chat:{project}:radist:{message_id}`,
 *    phone normalised with the project's region), published per chat; then the checkpoint.
 * Requests of a project are `RADIST_MIN_REQUEST_INTERVAL_MS` apart; 429/5xx are retried with
 * backoff honouring `Retry-After` (`CRM_RETRIES`, `CRM_RETRY_MIN_DELAY_MS`). The API key is sent
 * only to the configured base URL and never logged.
 */
export function createRadistPoller(deps: RadistPollerDeps): RadistPoller {
  const { config } = deps;
  const http =
    deps.http ??
    createCrmHttpClient({
      minIntervalMs: config.RADIST_MIN_REQUEST_INTERVAL_MS,
      timeoutMs: config.CRM_HTTP_TIMEOUT_MS,
      retries: config.CRM_RETRIES,
      minRetryDelayMs: config.CRM_RETRY_MIN_DELAY_MS,
      log: deps.logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
    });

  async function poll(run: PollRun): Promise<RadistPollResult> {
    const { record, signal } = run;
    const settings = record.radist;
    if (!settings) throw new Error(`project ${record.project_id} has no Radist settings`);
    const windowStart = run.fromMs;
    const limiter = `radist:${record.project_id}`;
    const headers = { "x-api-key": settings.api_key };
    const base = `${settings.base_url.replace(/\/+$/, "")}/companies/${settings.company_id}/messaging`;
    const get = (path: string) => http.getJsonWith(limiter, `${base}${path}`, headers, signal);
    const region = projectPhoneRegion(record);
    const result: Omit<RadistPollResult, keyof PollCounts> = {
      projectId: record.project_id,
      from: new Date(windowStart).toISOString(),
      contactPages: 0,
      chats: 0,
      chatsSkipped: 0,
      messagePages: 0,
      messages: 0,
    };

    const connections = new Set(
      settings.connection_ids.length > 0
        ? settings.connection_ids
        : radistWhatsappConnections(await get("/chats/sources/")),
    );

    const readChat = async (chat: ReturnType<typeof radistChatsToRead>[number]) => {
      const seen = new Set<string>();
      const events: ChatMessageReceived[] = [];
      let until: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({
          chat_id: String(chat.chat.chat_id),
          limit: String(RADIST_MESSAGES_PAGE_LIMIT),
        });
        if (until) query.set("until", until);
        const body = await get(`/messages/?${query}`);
        const list: unknown[] = Array.isArray(body)
          ? body
          : Array.isArray((body as { data?: unknown } | null)?.data)
            ? (body as { data: unknown[] }).data
            : [];
        result.messagePages++;
        const fetchedAt = run.now();
        let fresh = 0;
        let oldest: string | null = null;
        for (const item of list) {
          const mapped = radistMessageEvent(record.project_id, chat, item, {
            fetchedAt,
            newId: deps.newId,
            phoneRegion: region,
          });
          if (!mapped.ok) {
            // Skipped messages by reason, logged once per run with one example (README "Plausibility rules").
            run.skip(mapped.reason, mapped.detail ?? null);
            continue;
          }
          const e = mapped.event;
          if (oldest === null || e.data.sent_at < oldest) oldest = e.data.sent_at;
          if (seen.has(e.data.message_id)) continue;
          seen.add(e.data.message_id);
          fresh++;
          if (Date.parse(e.data.sent_at) >= windowStart) events.push(e);
        }
        if (list.length < RADIST_MESSAGES_PAGE_LIMIT || fresh === 0 || oldest === null) break;
        if (Date.parse(oldest) < windowStart) break;
        until = oldest;
      }
      result.messages += events.length;
      await run.publish(events);
    };

    let cursor: string | null = null;
    const cursors = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(RADIST_CONTACTS_PAGE_LIMIT) });
      if (cursor) query.set("cursor", cursor);
      const parsed = RadistContactsPage.safeParse(await get(`/chats/with_contacts/?${query}`));
      if (!parsed.success)
        throw new Error("Radist chats/with_contacts answered something that is not a contacts page");
      result.contactPages++;
      const all = parsed.data.data.reduce((n, c) => n + c.chats.length, 0);
      const chats = radistChatsToRead(parsed.data, connections);
      result.chatsSkipped += all - chats.length;
      for (const chat of chats) {
        if (chat.lastUpdatedAt !== null && Date.parse(chat.lastUpdatedAt) < windowStart) {
          result.chatsSkipped++;
          continue;
        }
        result.chats++;
        await readChat(chat);
      }
      const next = parsed.data.response_metadata?.next_cursor;
      if (!next || cursors.has(next)) break;
      cursors.add(next);
      cursor = next;
    }

    return { ...result, ...run.counts };
  }

  return createPoller(
    {
      name: RADIST_POLLER,
      intervalSeconds: config.RADIST_POLL_INTERVAL_SECONDS,
      lookbackHours: config.RADIST_LOOKBACK_HOURS,
      eligible: radistEligible,
      requirement: "active or has no Radist settings",
      skippedMessage: "radist: messages skipped as malformed or implausible",
      poll,
      summary: (r) => ({
        chats: r.chats,
        messages: r.messages,
        published: r.published,
        duplicates: r.duplicates,
      }),
    },
    deps,
  );
}
