/**
 * The sale notification worker: a durable JetStream consumer (`sale-notifier`) of the projector's
 * `sale_won` notices (`{root}.updates.*.sale`, updates stream; `@pulse/events` `notices.ts`) that sends each new sale to the
 * project's Telegram chat (SPEC "amoCRM deals": optional outbound notification, never inside the
 * webhook request). At most once per sale, across restarts, redeliveries and replays:
 *
 * 1. **claim** — `create` of the ledger key `{project}.{lead_id}` in the KV bucket
 *    `{EVENTS_STREAM}_NOTIFIED` (fails when the key exists: the sale was claimed before — by this
 *    delivery's earlier attempt, an earlier notice of the same lead, or a replayed notice — and
 *    nothing is sent). The key is the lead, not `(lead, sold_at)`: a lead won, reopened and won
 *    again is one sale (SPEC "amoCRM deals", issue 15 item 2: "never two"), so it is announced once;
 * 2. **send** — Bot API `sendMessage` with retries (429 honouring `retry_after`, 5xx, network);
 * 3. **record** — the key becomes `sent` (with the message id) or `failed` (refused, or retries
 *    exhausted: never resent), the counts of `{EVENTS_STREAM}_HEALTH` follow, then the notice is
 *    acknowledged.
 * A crash between send and record leaves the key `claimed`: the redelivered notice finds it, marks
 * it `unconfirmed` (counted) and sends nothing — a possibly missing message beats a duplicate.
 * Projects without Telegram settings, or with them disabled, are skipped (no claim): off.
 */
import { AckPolicy, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { SaleNotice, type SubjectRoot, saleUpdatesSubject } from "@pulse/events";
import { isNotFound, type Logger, type Nats } from "@pulse/infra";
import { z } from "zod";
import type { IntegrationHealthRecorder } from "../health/integration-health.store.js";
import { ingestMetrics } from "../metrics.js";
import type { ProjectRegistry, TelegramSettings } from "../projects/project-registry.js";
import { renderSaleMessage } from "./sale-message.template.js";
import { sendTelegramMessage, TelegramApiError } from "./telegram.client.js";

/** Durable consumer name of the worker on the updates stream. */
export const SALE_NOTIFIER_DURABLE = "sale-notifier";

/** The ledger bucket: `{EVENTS_STREAM}_NOTIFIED`, keys `{project}.{lead_id}`. */
export function notifiedBucketName(eventsStream: string): string {
  return `${eventsStream}_NOTIFIED`;
}

/** One ledger entry: the state of a sale's notification, when it changed, the notice's event sequence and the Bot API message id. */
export const NotificationLedgerEntry = z.object({
  state: z.enum(["claimed", "sent", "failed", "unconfirmed"]),
  at: z.string(),
  event_seq: z.number().int().nonnegative(),
  message_id: z.number().int().nullable(),
  error: z.string().max(500).nullable(),
});
/** See {@link NotificationLedgerEntry}. */
export type NotificationLedgerEntry = z.infer<typeof NotificationLedgerEntry>;

/** Settings of the Bot API calls (from `IngestConfig`: `TELEGRAM_*`). Times in ms. */
export interface TelegramCallSettings {
  apiUrl: string;
  retries: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  timeoutMs: number;
}

/** Dependencies of {@link createSaleNotificationsWorker}. */
export interface SaleNotificationsWorkerDeps {
  nats: Nats;
  eventsStream: string;
  scheme: SubjectRoot;
  registry: ProjectRegistry;
  health: IntegrationHealthRecorder;
  telegram: TelegramCallSettings;
  logger: Logger;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Ack wait of the durable, ms (default 60 000; the worker extends it while sending). */
  ackWaitMs?: number;
  /**
   * A sale older than this (ms from its `sold_at` to the worker's clock) is not sent: a catch-up or
   * an onboarding replays history through the live path, and those sales are not news. Counted as
   * `stale`, never claimed. `0` or absent = no limit (`SALE_NOTIFICATIONS_MAX_AGE_HOURS`).
   */
  maxAgeMs?: number;
}

/** The worker; see {@link createSaleNotificationsWorker}. */
export interface SaleNotificationsWorker {
  /** Creates the durable (delivering notices published from now on, when new) and starts consuming. */
  start(): Promise<void>;
  /** Resolves when the durable has nothing pending or unacknowledged. @throws after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops consuming (a notice in progress is not acknowledged: it is redelivered). */
  close(): Promise<void>;
}

/** The Telegram settings of a project when notifications are on (configured and enabled), else null. */
export function activeTelegram(registry: ProjectRegistry, projectId: string): TelegramSettings | null {
  const t = registry.get(projectId)?.record.telegram;
  return t?.enabled ? t : null;
}

/**
 * Creates the worker. Notices are handled one at a time in stream order. A notice that does not
 * decode is poison: terminated and logged with its sequence. A NATS failure while claiming or
 * recording naks the notice (retried; the ledger keeps it at most once).
 */
export function createSaleNotificationsWorker(deps: SaleNotificationsWorkerDeps): SaleNotificationsWorker {
  const log = deps.logger.child({ worker: SALE_NOTIFIER_DURABLE });
  const clock = deps.clock ?? (() => new Date());
  const updatesStream = `${deps.eventsStream}_UPDATES`;
  const ackWaitMs = deps.ackWaitMs ?? 60_000;
  const abort = new AbortController();
  let kv: KV | null = null;
  let messages: Awaited<ReturnType<Awaited<ReturnType<Nats["js"]["consumers"]["get"]>>["consume"]>> | null =
    null;
  let loop: Promise<void> | null = null;
  let closed = false;

  const entry = (
    state: NotificationLedgerEntry["state"],
    notice: SaleNotice,
    extra: Partial<NotificationLedgerEntry> = {},
  ) =>
    JSON.stringify({
      state,
      at: clock().toISOString(),
      event_seq: notice.event_seq,
      message_id: null,
      error: null,
      ...extra,
    } satisfies NotificationLedgerEntry);

  async function handle(msg: JsMsg): Promise<void> {
    let notice: SaleNotice;
    try {
      const parsed = SaleNotice.safeParse(msg.json());
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "not a sale notice");
      notice = parsed.data;
    } catch (error) {
      log.error({ seq: msg.seq, reason: (error as Error).message }, "undecodable sale notice: terminated");
      msg.term();
      return;
    }
    const project = notice.project_id;
    const telegram = activeTelegram(deps.registry, project);
    if (!telegram) {
      msg.ack();
      return;
    }
    const maxAgeMs = deps.maxAgeMs ?? 0;
    if (maxAgeMs > 0 && clock().getTime() - Date.parse(notice.sold_at) > maxAgeMs) {
      ingestMetrics.saleNotifications.inc({ project, outcome: "stale" });
      log.debug(
        { project, lead: notice.lead_id, sold_at: notice.sold_at },
        "sale too old to announce: not sent",
      );
      msg.ack();
      return;
    }
    const ledger = kv as KV;
    const key = `${project}.${notice.lead_id}`;
    try {
      await ledger.create(key, entry("claimed", notice));
    } catch (error) {
      const existing = await ledger.get(key);
      if (!existing) throw error;
      const stored = NotificationLedgerEntry.safeParse(existing.json());
      if (stored.success && stored.data.state === "claimed") {
        // Claimed by a run that never recorded the outcome (a crash between send and record).
        await ledger.update(
          key,
          entry("unconfirmed", notice, { error: "outcome not recorded" }),
          existing.revision,
        );
        deps.health.recordNotification(project, { unconfirmed: 1 });
        ingestMetrics.saleNotifications.inc({ project, outcome: "unconfirmed" });
        log.warn({ project, lead: notice.lead_id }, "sale notification unconfirmed: not sent again");
      } else {
        ingestMetrics.saleNotifications.inc({ project, outcome: "skipped" });
      }
      msg.ack();
      return;
    }
    const heartbeat = setInterval(() => msg.working(), Math.max(200, Math.floor(ackWaitMs / 3)));
    try {
      const messageId = await sendTelegramMessage({
        apiUrl: deps.telegram.apiUrl,
        token: telegram.bot_token,
        chatId: telegram.chat_id,
        text: renderSaleMessage(telegram.template, notice),
        retries: deps.telegram.retries,
        minRetryDelayMs: deps.telegram.minRetryDelayMs,
        maxRetryDelayMs: deps.telegram.maxRetryDelayMs,
        timeoutMs: deps.telegram.timeoutMs,
        signal: abort.signal,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        onFailedAttempt: (error, attempt, retriesLeft) =>
          log.warn(
            {
              project,
              lead: notice.lead_id,
              status: error.status,
              attempt,
              retriesLeft,
              err: error.description,
            },
            "telegram send failed",
          ),
      });
      await ledger.put(key, entry("sent", notice, { message_id: messageId }));
      deps.health.recordNotification(project, { sent: 1, sentAt: clock() });
      ingestMetrics.saleNotifications.inc({ project, outcome: "sent" });
      msg.ack();
    } catch (error) {
      if (abort.signal.aborted) return; // closing: the claim stays, the redelivery marks it unconfirmed
      if (!(error instanceof TelegramApiError)) throw error;
      await ledger.put(key, entry("failed", notice, { error: error.message.slice(0, 500) }));
      deps.health.recordNotification(project, {
        failed: 1,
        error: { status: error.status, message: error.message, at: clock() },
      });
      ingestMetrics.saleNotifications.inc({ project, outcome: "failed" });
      log.warn({ project, lead: notice.lead_id, status: error.status }, "sale notification failed: given up");
      msg.ack();
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function ensureConsumer(): Promise<void> {
    const filter = saleUpdatesSubject(deps.scheme, "*");
    try {
      const info = await deps.nats.jsm.consumers.info(updatesStream, SALE_NOTIFIER_DURABLE);
      if (info.config.filter_subject !== filter || info.config.ack_wait !== ackWaitMs * 1_000_000)
        await deps.nats.jsm.consumers.update(updatesStream, SALE_NOTIFIER_DURABLE, {
          filter_subject: filter,
          ack_wait: ackWaitMs * 1_000_000,
        });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // New: from now on. Sales announced before notifications existed are not sent.
      await deps.nats.jsm.consumers.add(updatesStream, {
        durable_name: SALE_NOTIFIER_DURABLE,
        filter_subject: filter,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        ack_wait: ackWaitMs * 1_000_000,
        max_ack_pending: 1,
        max_deliver: -1,
      });
    }
  }

  async function open() {
    await ensureConsumer();
    const consumer = await deps.nats.js.consumers.get(updatesStream, SALE_NOTIFIER_DURABLE);
    return consumer.consume({ max_messages: 16, abort_on_missing_resource: true });
  }

  async function consumeLoop(): Promise<void> {
    for (let failures = 0; !closed; ) {
      if (messages) {
        try {
          for await (const msg of messages) {
            failures = 0;
            await handle(msg).catch((error: unknown) => {
              if (closed) return;
              log.error({ err: error, seq: msg.seq }, "sale notice not handled: retried");
              msg.nak(Math.min(60_000, 1000 * 2 ** Math.min(6, msg.info.deliveryCount - 1)));
            });
            if (closed) break;
          }
        } catch (error) {
          if (!closed) log.warn({ err: error }, "sale notices consumer interrupted");
        }
      }
      if (closed) break;
      failures++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** Math.min(failures, 7))));
      if (closed) break;
      messages = await open().catch((error: unknown) => {
        log.warn({ err: error }, "sale notices consumer not re-opened; retrying");
        return null;
      });
    }
  }

  return {
    async start() {
      if (messages || closed) return;
      kv = await new Kvm(deps.nats.js).create(notifiedBucketName(deps.eventsStream), { history: 1 });
      messages = await open();
      loop = consumeLoop();
      log.info({ durable: SALE_NOTIFIER_DURABLE }, "sale notifications consuming");
    },
    async idle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const info = await deps.nats.jsm.consumers.info(updatesStream, SALE_NOTIFIER_DURABLE);
        if (info.num_pending === 0 && info.num_ack_pending === 0) return;
        if (Date.now() > deadline)
          throw new Error(`${SALE_NOTIFIER_DURABLE} not idle within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      abort.abort(new Error("sale notifications closed"));
      await messages?.close().catch(() => undefined);
      await loop?.catch(() => undefined);
    },
  };
}
