import { ProjectId, WebhookSource } from "@pulse/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { API_ERRORS, API_SECURITY, DateParam, projectScope } from "./api.schemas.js";
import type { RouteOptions } from "./deps.js";
import { requireProject } from "./project-scope.js";
import { webhookStats } from "./webhooks.repository.js";

/** One row of `rm.webhook_stats`: deliveries of one source on one UTC day. */
export const WebhookStatsRow = z.object({
  day: z.string().describe("UTC day, YYYY-MM-DD"),
  source: z.string(),
  received: z.number().int().describe("deliveries received"),
  accepted: z.number().int().describe("deliveries that published at least one new event"),
  duplicates: z.number().int().describe("deliveries dropped by the stream's duplicate window"),
  late_duplicates: z
    .number()
    .int()
    .describe("events dropped by the projector's dedup key (after the window)"),
  ignored: z.number().int().describe("deliveries of a kind that is not analysed"),
  rejected: z.number().int().describe("deliveries answered 400/413"),
});
/** See {@link WebhookStatsRow}. */
export type WebhookStatsRow = z.infer<typeof WebhookStatsRow>;

/** Sums over the selected rows; `duplicates` includes `late_duplicates`. */
export const WebhookStatsTotals = z.object({
  received: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int().describe("duplicates + late_duplicates"),
  late_duplicates: z.number().int(),
  ignored: z.number().int(),
  rejected: z.number().int(),
});
/** See {@link WebhookStatsTotals}. */
export type WebhookStatsTotals = z.infer<typeof WebhookStatsTotals>;

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
  })
  .describe("webhook statistics rows (by day, then source) and totals");

/** `GET /webhooks/stats?project=…&from&to&source` — webhook delivery statistics. Under `/api`. */
export const webhooksRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/webhooks/stats",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Webhook delivery statistics per day and source, with totals",
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
