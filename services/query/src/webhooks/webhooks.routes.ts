import { ProjectId, WebhookSource } from "@pulse/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY, DateParam, projectScope } from "../http/api.schemas.js";
import { requireProject } from "../http/project-scope.js";
import { webhookStats } from "./webhooks.repository.js";

/**
 * The delivery counters of `rm.webhook_stats` (SPEC "Webhook statistics count deliveries"): one
 * outcome per HTTP request, the six adding up to `received`; events stored shown separately.
 */
const DeliveryCounters = {
  received: z.number().int().describe("HTTP requests to the project's webhook URL (wrong secret included)"),
  accepted: z.number().int().describe("requests that stored at least one new event"),
  duplicate: z
    .number()
    .int()
    .describe("requests whose events were all stored already (whenever first received)"),
  ignored: z.number().int().describe("valid requests with nothing to store"),
  rejected: z.number().int().describe("malformed requests (4xx)"),
  unauthorized: z.number().int().describe("requests with a wrong or missing secret (401)"),
  failed: z.number().int().describe("requests that could not be persisted (503)"),
  events_stored: z.number().int().describe("new events stored by accepted requests"),
  events_redelivered: z
    .number()
    .int()
    .describe("events stored again after the stream's duplicate window and already known"),
};

/** One row of `rm.webhook_stats`: deliveries of one source on one UTC day. */
export const WebhookStatsRow = z.object({
  day: z.string().describe("UTC day of the receive time, YYYY-MM-DD"),
  source: z.string(),
  ...DeliveryCounters,
  last_received_at: z
    .string()
    .nullable()
    .describe("latest receive time of a request that day (ISO-8601 UTC)"),
  last_accepted_at: z
    .string()
    .nullable()
    .describe("latest receive time of an accepted request that day (ISO-8601 UTC)"),
});
/** See {@link WebhookStatsRow}. */
export type WebhookStatsRow = z.infer<typeof WebhookStatsRow>;

/** Sums over the selected rows. */
export const WebhookStatsTotals = z.object(DeliveryCounters);
/** See {@link WebhookStatsTotals}. */
export type WebhookStatsTotals = z.infer<typeof WebhookStatsTotals>;

/** Data freshness of one source of the project, over all days (not limited by `from`/`to`). */
export const WebhookFreshness = z.object({
  source: z.string(),
  last_received_at: z.string().nullable().describe("receive time of the latest request (ISO-8601 UTC)"),
  last_accepted_at: z
    .string()
    .nullable()
    .describe("receive time of the latest request that stored a new event (ISO-8601 UTC)"),
});
/** See {@link WebhookFreshness}. */
export type WebhookFreshness = z.infer<typeof WebhookFreshness>;

/** Query of `GET /api/webhooks/stats`: UTC days `[from, to]`, both inclusive. */
export const WebhookStatsQuery = z
  .strictObject({
    ...projectScope,
    from: DateParam.optional().describe("first UTC day, inclusive (YYYY-MM-DD)"),
    to: DateParam.optional().describe("last UTC day, inclusive (YYYY-MM-DD)"),
    source: WebhookSource.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "`from` must not be after `to`",
    path: ["from"],
  });

/** Answer of `GET /api/webhooks/stats`. */
export const WebhookStatsResponse = z
  .object({
    project_id: ProjectId,
    rows: z.array(WebhookStatsRow),
    totals: WebhookStatsTotals,
    freshness: z.array(WebhookFreshness),
  })
  .describe("webhook statistics rows (by day, then source), totals, and freshness per source");

/** `GET /webhooks/stats?project=…&from&to&source` — webhook delivery statistics. Under `/api`. */
export const webhooksRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/webhooks/stats",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Webhook delivery statistics per day and source, with totals and data freshness",
        security: API_SECURITY,
        querystring: WebhookStatsQuery,
        response: { 200: WebhookStatsResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const stats = await webhookStats(deps.db, {
        projectId: q.project,
        fromDay: q.from,
        toDay: q.to,
        source: q.source,
      });
      return { project_id: q.project, ...stats };
    },
  );
};
