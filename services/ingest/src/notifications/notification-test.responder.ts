/**
 * Answers `POST /api/notifications/test` (query → ingest over core NATS,
 * `{root}.cmd.{project}.notifications.test`, `@pulse/events` `integrations.ts`): sends a test
 * message with the project's template to its Telegram chat (configured, enabled or not — an admin
 * tests before switching it on) and replies whether it was sent. Ingest answers because only it
 * can open the sealed bot token. Test messages never touch the sale ledger.
 */
import type { Subscription } from "@nats-io/transport-node";
import { NotificationTestReply, NotificationTestRequest, notificationTestSubject } from "@pulse/events";
import { ingestMetrics } from "../metrics.js";
import { renderSaleMessage, testSaleNotice } from "./sale-message.template.js";
import type { SaleNotificationsWorkerDeps } from "./sale-notifications.worker.js";
import { sendTelegramMessage, TelegramApiError } from "./telegram.client.js";

/**
 * Dependencies of {@link startNotificationTestResponder}: those of the sale worker but its stream
 * and ack wait; a test retries at most twice so the caller's request does not time out.
 */
export type NotificationTestResponderDeps = Omit<SaleNotificationsWorkerDeps, "eventsStream" | "ackWaitMs">;

/**
 * Sends the test message of one project and returns the reply (never throws): `not_configured`
 * when the project has no Telegram settings; `send_failed` with the Bot API's status and
 * description when it refused or was unreachable.
 */
export async function sendTestNotification(
  deps: NotificationTestResponderDeps,
  projectId: string,
): Promise<NotificationTestReply> {
  const clock = deps.clock ?? (() => new Date());
  const telegram = deps.registry.get(projectId)?.record.telegram;
  if (!telegram)
    return {
      sent: false,
      code: "not_configured",
      status: null,
      error: "no Telegram settings for this project",
    };
  try {
    const messageId = await sendTelegramMessage({
      apiUrl: deps.telegram.apiUrl,
      token: telegram.bot_token,
      chatId: telegram.chat_id,
      text: `[test] ${renderSaleMessage(telegram.template, testSaleNotice(projectId, clock()))}`,
      retries: Math.min(2, deps.telegram.retries),
      minRetryDelayMs: deps.telegram.minRetryDelayMs,
      maxRetryDelayMs: Math.min(5_000, deps.telegram.maxRetryDelayMs),
      timeoutMs: deps.telegram.timeoutMs,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    deps.health.recordNotification(projectId, { test_sent: 1, sentAt: clock() });
    ingestMetrics.saleNotifications.inc({ project: projectId, outcome: "test_sent" });
    return { sent: true, message_id: messageId };
  } catch (error) {
    const e = error instanceof TelegramApiError ? error : new TelegramApiError(null, "send failed", null);
    deps.health.recordNotification(projectId, {
      error: { status: e.status, message: `test: ${e.message}`, at: clock() },
    });
    ingestMetrics.saleNotifications.inc({ project: projectId, outcome: "test_failed" });
    return { sent: false, code: "send_failed", status: e.status, error: e.message.slice(0, 500) };
  }
}

/** Subscribes to every project's test requests; returns the subscription (unsubscribe to stop). */
export function startNotificationTestResponder(deps: NotificationTestResponderDeps): Subscription {
  const log = deps.logger.child({ responder: "notifications.test" });
  return deps.nats.nc.subscribe(notificationTestSubject(deps.scheme, "*"), {
    callback: (err, msg) => {
      if (err) {
        log.warn({ err }, "notification test subscription error");
        return;
      }
      let request: NotificationTestRequest;
      try {
        request = NotificationTestRequest.parse(msg.json());
      } catch {
        msg.respond(
          JSON.stringify({ sent: false, code: "send_failed", status: null, error: "malformed request" }),
        );
        return;
      }
      if (msg.subject !== notificationTestSubject(deps.scheme, request.project)) {
        msg.respond(
          JSON.stringify({ sent: false, code: "send_failed", status: null, error: "project mismatch" }),
        );
        return;
      }
      void sendTestNotification(deps, request.project).then((reply) => {
        log.info(
          { project: request.project, requested_by: request.requested_by, sent: reply.sent },
          "test notification",
        );
        msg.respond(JSON.stringify(NotificationTestReply.parse(reply)));
      });
    },
  });
}
