import { RequestError, TimeoutError } from "@nats-io/transport-node";
import { NotificationTestReply, type NotificationTestRequest, notificationTestSubject } from "@pulse/events";
import { ConflictError, ServiceUnavailableError } from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { assertProjectAdmin, principalOf, roleIn } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { projectKind } from "../projects/projects.repository.js";
import { webhookFreshness } from "../webhooks/webhooks.repository.js";
import { readIntegrationHealth, readProjectIntegrations } from "./integrations.repository.js";
import {
  IntegrationsHealthResponse,
  IntegrationsQuery,
  NotificationTestResponse,
} from "./integrations.schemas.js";

/** How long the query API waits for ingest's answer to a test message (it retries at most twice). */
export const NOTIFICATION_TEST_TIMEOUT_MS = 20_000;

/**
 * `GET /integrations/health?project=…` (any member) — per project: each API's reachability, token
 * validity, last success and last error (recorded by ingest's CRM client), each webhook source's
 * freshness (`rm.webhook_stats`) and the sale notification settings and counts (chat id and
 * template for admins only; never the bot token).
 *
 * `POST /notifications/test?project=…` (admin) — asks ingest (core NATS
 * `{root}.cmd.{project}.notifications.test`) to send a test message to the project's Telegram
 * chat: 200 `{sent: true, message_id}`; 409 `notifications_not_configured`; 409
 * `notification_send_failed` with the Bot API's answer; 503 `ingest_unavailable` when no ingest
 * answers. Under `/api`.
 */
export const integrationsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/integrations/health",
    {
      schema: {
        tags: ["integrations"],
        summary:
          "Integration health: CRM/Radist API reachability and token, webhook freshness, notifications",
        security: API_SECURITY,
        querystring: IntegrationsQuery,
        response: { 200: IntegrationsHealthResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const project = request.query.project;
      await requireProject(deps.db, request, project);
      const admin = roleIn(principalOf(request), project) === "admin";
      const stream = deps.config.EVENTS_STREAM;
      const [health, settings, webhooks, kind] = await Promise.all([
        readIntegrationHealth(deps.nats, stream, project),
        readProjectIntegrations(deps.nats, stream, project),
        webhookFreshness(deps.db, project),
        projectKind(deps.db, project),
      ]);
      const apis = (["crm", "radist"] as const).map((api) => {
        const h = health.apis[api];
        return {
          api,
          configured: api === "crm" ? settings.crmApi : settings.radist,
          reachable: h?.reachable ?? null,
          token_valid: h?.token_valid ?? null,
          last_success_at: h?.last_success_at ?? null,
          last_error: h?.last_error ?? null,
          calls: h?.calls ?? 0,
          failures: h?.failures ?? 0,
          checked_at: h?.updated_at ?? null,
        };
      });
      const t = settings.telegram;
      const n = health.notifications;
      return {
        project_id: project,
        kind: kind ?? "unknown",
        apis,
        webhooks,
        notifications: {
          configured: Boolean(t?.bot_token_set && t.chat_id !== ""),
          enabled: t?.enabled ?? false,
          bot_token_set: t?.bot_token_set ?? false,
          chat_id: admin ? (t?.chat_id ?? null) : null,
          template: admin ? (t?.template ?? null) : null,
          sent: n?.sent ?? 0,
          failed: n?.failed ?? 0,
          unconfirmed: n?.unconfirmed ?? 0,
          test_sent: n?.test_sent ?? 0,
          last_sent_at: n?.last_sent_at ?? null,
          last_error: n?.last_error ?? null,
        },
      };
    },
  );

  app.post(
    "/notifications/test",
    {
      preValidation: async (request) => {
        const project = (request.query as { project?: unknown }).project;
        if (typeof project === "string") assertProjectAdmin(request, project);
      },
      schema: {
        tags: ["integrations"],
        summary: "Send a test sale notification to the project's Telegram chat (admin)",
        security: API_SECURITY,
        querystring: IntegrationsQuery,
        response: { 200: NotificationTestResponse, ...API_ERRORS, 403: Problem, 409: Problem, 503: Problem },
      },
    },
    async (request) => {
      const project = request.query.project;
      await requireProject(deps.db, request, project);
      const principal = assertProjectAdmin(request, project);
      const payload: NotificationTestRequest = { project, requested_by: principal.subject };
      let data: string;
      try {
        const msg = await deps.nats.nc.request(
          notificationTestSubject({ root: deps.config.SUBJECT_ROOT }, project),
          JSON.stringify(payload),
          { timeout: NOTIFICATION_TEST_TIMEOUT_MS },
        );
        data = msg.string();
      } catch (error) {
        const reason =
          error instanceof TimeoutError
            ? "ingest did not answer in time"
            : error instanceof RequestError && error.isNoResponders()
              ? "no ingest is listening"
              : "the request could not be sent";
        throw new ServiceUnavailableError("ingest_unavailable", `${reason}; retry later`);
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
      const reply = NotificationTestReply.safeParse(json);
      if (!reply.success)
        throw new ServiceUnavailableError("ingest_bad_reply", "ingest answered unexpectedly");
      if (reply.data.sent)
        return { project_id: project, sent: true as const, message_id: reply.data.message_id };
      if (reply.data.code === "not_configured")
        throw new ConflictError("notifications_not_configured", "the project has no Telegram settings");
      throw new ConflictError(
        "notification_send_failed",
        `Telegram did not take the message${reply.data.status === null ? "" : ` (HTTP ${reply.data.status})`}: ${reply.data.error.slice(0, 300)}`,
      );
    },
  );
};
