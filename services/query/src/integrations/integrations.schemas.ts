/**
 * Schemas of the integration routes: `GET /api/integrations/health` and
 * `POST /api/notifications/test` (issue 15 items 6–7). No schema carries a secret.
 */
import { IsoInstant, ProjectId } from "@pulse/events";
import { z } from "zod";
import { projectScope } from "../http/api.schemas.js";

/** Query of both routes: the project scope only. */
export const IntegrationsQuery = z.strictObject({ ...projectScope });

/** The last failed call: HTTP status (null = no answer), a secret-free message, when. */
export const IntegrationErrorView = z
  .object({
    status: z
      .number()
      .int()
      .nullable()
      .describe("HTTP status of the answer; null = no answer (network, timeout)"),
    message: z.string(),
    at: IsoInstant,
  })
  .describe("the last failed call");

/** Health of one API ingest calls for the project. */
export const ApiHealthView = z.object({
  api: z
    .enum(["crm", "radist"])
    .describe("`crm` = the project's KeyCRM/amoCRM API; `radist` = Radist.Online"),
  configured: z.boolean().describe("the project has access configured (base URL and token / API key)"),
  reachable: z.boolean().nullable().describe("the last call got an HTTP answer; null = never called"),
  token_valid: z.boolean().nullable().describe("false after a 401/403, true after a 2xx, null before either"),
  last_success_at: IsoInstant.nullable().describe("time of the last 2xx answer"),
  last_error: IntegrationErrorView.nullable(),
  calls: z.number().int().describe("call attempts recorded"),
  failures: z.number().int().describe("attempts without a 2xx answer"),
  checked_at: IsoInstant.nullable().describe("time of the last attempt"),
});

/** Freshness of one webhook source: last delivery and last accepted delivery. */
export const WebhookHealthView = z.object({
  source: z.string(),
  last_received_at: IsoInstant.nullable(),
  last_accepted_at: IsoInstant.nullable(),
});

/**
 * Sale notifications of the project: settings (chat id and template for admins only; the bot token
 * is write-only: only whether it is set) and counts.
 */
export const NotificationsHealthView = z.object({
  configured: z.boolean().describe("Telegram settings exist (bot token and chat id)"),
  enabled: z.boolean(),
  bot_token_set: z.boolean(),
  chat_id: z.string().nullable().describe("admins only; null for viewers"),
  template: z.string().nullable().describe("admins only; null = the default template (or a viewer)"),
  sent: z.number().int(),
  failed: z.number().int(),
  unconfirmed: z.number().int().describe("claimed but not confirmed before a restart: never resent"),
  test_sent: z.number().int(),
  last_sent_at: IsoInstant.nullable(),
  last_error: IntegrationErrorView.nullable(),
});

/** Answer of `GET /api/integrations/health`. */
export const IntegrationsHealthResponse = z.object({
  project_id: ProjectId,
  kind: z.string().describe("the project's CRM: keycrm | amocrm"),
  apis: z.array(ApiHealthView),
  webhooks: z.array(WebhookHealthView),
  notifications: NotificationsHealthView,
});
/** See {@link IntegrationsHealthResponse}. */
export type IntegrationsHealthResponse = z.infer<typeof IntegrationsHealthResponse>;

/** Answer of `POST /api/notifications/test` when the message was sent. */
export const NotificationTestResponse = z.object({
  project_id: ProjectId,
  sent: z.literal(true),
  message_id: z.number().int().nullable().describe("the Bot API's message id"),
});
