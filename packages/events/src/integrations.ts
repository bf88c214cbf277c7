/**
 * Integration health and sale notifications: the records ingest writes to the JetStream KV bucket
 * `{EVENTS_STREAM}_HEALTH` (read by the query API's `GET /api/integrations/health`), and the core
 * NATS request of `POST /api/notifications/test` (query → ingest, which holds the sealed bot token).
 *
 * Keys of the bucket: `{project}.api.{api}` ({@link ApiHealth}, `api` = `crm` | `radist`) and
 * `{project}.notifications` ({@link NotificationStats}). No record holds a secret.
 */
import { z } from "zod";
import { IsoInstant, ProjectId } from "./primitives.js";

/** The APIs ingest calls per project: the project's CRM (KeyCRM or amoCRM) and Radist.Online. */
export const IntegrationApi = z.enum(["crm", "radist"]);
/** See {@link IntegrationApi}. */
export type IntegrationApi = z.infer<typeof IntegrationApi>;

/** The last failed call of an API: HTTP status (null = no answer: network error, timeout), a secret-free message, when (ISO-8601 UTC). */
export const IntegrationError = z.object({
  status: z.number().int().min(100).max(599).nullable(),
  message: z.string().max(500),
  at: IsoInstant,
});
/** See {@link IntegrationError}. */
export type IntegrationError = z.infer<typeof IntegrationError>;

/**
 * Health of one API of one project, from the outcomes of ingest's calls (the CRM HTTP client records
 * every attempt): `reachable` = the last attempt got an HTTP answer (any status); `token_valid` =
 * false after a 401/403, true after a 2xx, null before either; `last_success_at` = the last 2xx;
 * `last_error` = the last non-2xx or unanswered attempt; `updated_at` = the last attempt.
 */
export const ApiHealth = z.object({
  project_id: ProjectId,
  api: IntegrationApi,
  reachable: z.boolean(),
  token_valid: z.boolean().nullable(),
  last_success_at: IsoInstant.nullable(),
  last_error: IntegrationError.nullable(),
  calls: z.number().int().nonnegative().describe("attempts recorded since the record was created"),
  failures: z.number().int().nonnegative().describe("attempts without a 2xx answer"),
  updated_at: IsoInstant,
});
/** See {@link ApiHealth}. */
export type ApiHealth = z.infer<typeof ApiHealth>;

/**
 * Sale notification counts of one project (ingest's notification worker): `sent` = confirmed by
 * the Bot API; `failed` = given up (non-retryable answer or retries exhausted; the sale is not
 * sent again); `unconfirmed` = claimed but neither confirmed nor failed when a worker restarted
 * (it may have been sent: never resent); `test_sent` = test messages. `last_error` is secret-free.
 */
export const NotificationStats = z.object({
  project_id: ProjectId,
  sent: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  unconfirmed: z.number().int().nonnegative(),
  test_sent: z.number().int().nonnegative(),
  last_sent_at: IsoInstant.nullable(),
  last_error: IntegrationError.nullable(),
  updated_at: IsoInstant,
});
/** See {@link NotificationStats}. */
export type NotificationStats = z.infer<typeof NotificationStats>;

/** The KV bucket of health and notification records: `{EVENTS_STREAM}_HEALTH`. */
export function healthBucketName(eventsStream: string): string {
  return `${eventsStream}_HEALTH`;
}

/** Key of an {@link ApiHealth} record: `{project}.api.{api}`. */
export function apiHealthKey(projectId: string, api: IntegrationApi): string {
  return `${projectId}.api.${api}`;
}

/** Key of a {@link NotificationStats} record: `{project}.notifications`. */
export function notificationStatsKey(projectId: string): string {
  return `${projectId}.notifications`;
}

/** Core-NATS subject on which ingest answers "send a test notification" for one project. */
export function notificationTestSubject(scheme: { readonly root: string }, projectId: string): string {
  return `${scheme.root}.cmd.${projectId}.notifications.test`;
}

/** Request of {@link notificationTestSubject}: who asked (audit; never sent to Telegram). */
export const NotificationTestRequest = z.object({
  project: ProjectId,
  requested_by: z.string().min(1).max(200),
});
/** See {@link NotificationTestRequest}. */
export type NotificationTestRequest = z.infer<typeof NotificationTestRequest>;

/**
 * Reply of {@link notificationTestSubject}: `sent` with the Bot API's `message_id`, or not sent with
 * a stable `code` (`not_configured`, `send_failed`) and a secret-free `error` (the Bot API's
 * `description` and status when it answered).
 */
export const NotificationTestReply = z.discriminatedUnion("sent", [
  z.object({ sent: z.literal(true), message_id: z.number().int().nullable() }),
  z.object({
    sent: z.literal(false),
    code: z.enum(["not_configured", "send_failed"]),
    status: z.number().int().nullable(),
    error: z.string().max(500),
  }),
]);
/** See {@link NotificationTestReply}. */
export type NotificationTestReply = z.infer<typeof NotificationTestReply>;
