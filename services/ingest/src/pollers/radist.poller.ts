/**
 * The Radist.Online poller: reads the WhatsApp dialogs of projects that use Radist (API v2,
 * formats/radist-online.md §2 — polling is the path with independent confirmations; no webhook body
 * was ever captured, §4) and publishes every message as `chat.message_received`.
 */
import type { ChatMessageReceived, SubjectRoot } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import { type CrmHttpClient, createCrmHttpClient } from "../crm/crm-http.client.js";
import {
  RadistContactsPage,
  radistChatsToRead,
  radistMessageEvent,
  radistWhatsappConnections,
} from "../crm/radist.mapper.js";
import type { IngestConfig } from "../ingest.config.js";
import {
  type ProjectRecord,
  type ProjectRegistry,
  projectPhoneRegion,
} from "../projects/project-registry.js";
import { publishEvents } from "../publishing/event.publisher.js";
import { createPollerScheduler, type PollerScheduler } from "./poller.scheduler.js";
import { type PollerCheckpoints, runWindowStartMs, saveRunCheckpoint } from "./poller-checkpoints.store.js";

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
export interface RadistPollerDeps {
  nats: Nats;
  config: Pick<
    IngestConfig,
    | "SUBJECT_ROOT"
    | "PUBLISH_TIMEOUT_MS"
    | "WEBHOOK_RETRY_AFTER_SECONDS"
    | "RADIST_POLL_INTERVAL_SECONDS"
    | "RADIST_LOOKBACK_HOURS"
    | "RADIST_MIN_REQUEST_INTERVAL_MS"
    | "CRM_HTTP_TIMEOUT_MS"
    | "CRM_RETRIES"
    | "CRM_RETRY_MIN_DELAY_MS"
  >;
  logger: Logger;
  registry: ProjectRegistry;
  checkpoints: PollerCheckpoints;
  http?: CrmHttpClient;
  fetch?: typeof fetch;
  clock?: () => Date;
  newId: () => string;
}

/** The poller; see {@link createRadistPoller}. */
export interface RadistPoller {
  /** Starts the periodic runs (`RADIST_POLL_INTERVAL_SECONDS`; 0 = none). */
  start(): void;
  /**
   * Polls one project now; `since` overrides the window start (backfill).
   * @throws Error for an unknown project or one without active Radist settings; CrmHttpError when
   *   the API fails after retries; UnavailableError when JetStream does not persist. The checkpoint
   *   moves only after a complete run.
   */
  runOnce(projectId: string, opts?: { since?: Date }): Promise<RadistPollResult>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

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
  const clock = deps.clock ?? (() => new Date());
  const scheme: SubjectRoot = { root: config.SUBJECT_ROOT };
  const lookbackMs = config.RADIST_LOOKBACK_HOURS * 3_600_000;
  const http =
    deps.http ??
    createCrmHttpClient({
      minIntervalMs: config.RADIST_MIN_REQUEST_INTERVAL_MS,
      timeoutMs: config.CRM_HTTP_TIMEOUT_MS,
      retries: config.CRM_RETRIES,
      minRetryDelayMs: config.CRM_RETRY_MIN_DELAY_MS,
      log: deps.logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });

  async function run(record: ProjectRecord, signal: AbortSignal, since?: Date): Promise<RadistPollResult> {
    const settings = record.radist;
    if (!settings) throw new Error(`project ${record.project_id} has no Radist settings`);
    const startedAt = clock();
    const windowStart = await runWindowStartMs(deps.checkpoints, RADIST_POLLER, record.project_id, {
      startedAt,
      lookbackMs,
      since,
    });
    const limiter = `radist:${record.project_id}`;
    const headers = { "x-api-key": settings.api_key };
    const base = `${settings.base_url.replace(/\/+$/, "")}/companies/${settings.company_id}/messaging`;
    const get = (path: string) => http.getJsonWith(limiter, `${base}${path}`, headers, signal);
    const region = projectPhoneRegion(record);
    const result: RadistPollResult = {
      projectId: record.project_id,
      from: new Date(windowStart).toISOString(),
      contactPages: 0,
      chats: 0,
      chatsSkipped: 0,
      messagePages: 0,
      messages: 0,
      published: 0,
      duplicates: 0,
      skipped: 0,
    };

    const connections = new Set(
      settings.connection_ids.length > 0
        ? settings.connection_ids
        : radistWhatsappConnections(await get("/chats/sources/")),
    );

    // Skipped messages by reason, logged once per run with one example (README "Plausibility rules").
    const skips = new Map<string, number>();
    let skipExample: string | null = null;

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
        const fetchedAt = clock();
        let fresh = 0;
        let oldest: string | null = null;
        for (const item of list) {
          const mapped = radistMessageEvent(record.project_id, chat, item, {
            fetchedAt,
            newId: deps.newId,
            phoneRegion: region,
          });
          if (!mapped.ok) {
            result.skipped++;
            skips.set(mapped.reason, (skips.get(mapped.reason) ?? 0) + 1);
            skipExample ??= mapped.detail ?? null;
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
      const outcome = await publishEvents(deps.nats.js, scheme, events, {
        timeoutMs: config.PUBLISH_TIMEOUT_MS,
        retryAfterSeconds: config.WEBHOOK_RETRY_AFTER_SECONDS,
      });
      result.published += outcome.accepted;
      result.duplicates += outcome.duplicates;
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

    if (skips.size > 0)
      deps.logger.warn(
        { project: record.project_id, skipped: Object.fromEntries(skips), example: skipExample },
        "radist: messages skipped as malformed or implausible",
      );
    await saveRunCheckpoint(deps.checkpoints, RADIST_POLLER, record.project_id, {
      startedAt,
      finishedAt: clock(),
      published: result.published,
      duplicates: result.duplicates,
    });
    return result;
  }

  const scheduler: PollerScheduler = createPollerScheduler({
    name: RADIST_POLLER,
    intervalMs: config.RADIST_POLL_INTERVAL_SECONDS * 1000,
    projects: () => deps.registry.list().filter(radistEligible),
    run: (record, signal) => run(record, signal),
    summary: (r) => ({
      chats: r.chats,
      messages: r.messages,
      published: r.published,
      duplicates: r.duplicates,
    }),
    log: deps.logger,
  });

  return {
    start: () => scheduler.start(),
    async runOnce(projectId, opts = {}) {
      const record = deps.registry.get(projectId)?.record;
      if (!radistEligible(record))
        throw new Error(`project ${projectId} is not active or has no Radist settings`);
      return run(record, scheduler.signal, opts.since);
    },
    idle: () => scheduler.idle(),
    close: () => scheduler.close(),
  };
}
