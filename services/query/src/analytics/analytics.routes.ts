import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { requireProject } from "../http/project-scope.js";
import { statusDurations } from "./analytics.repository.js";
import { StatusDurationsQuery, StatusDurationsResponse } from "./analytics.schemas.js";

/**
 * Order status analytics over time (SPEC "Reads … analytics per day/week/month: total and
 * mean/median time per status and group, full cycle, total time of all orders in the period,
 * normal vs urgent"):
 * - `GET /analytics/status-durations?project&from&to&granularity&basis&urgency`.
 * Registered under `/api`.
 */
export const analyticsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/analytics/status-durations",
    {
      schema: {
        tags: ["analytics"],
        summary: "Time per status and group, full cycles and totals per day, week or month",
        description:
          "Closed status intervals of the project that started in the local days [from, to] (the project's time " +
          "zone), bucketed by the day, week (Monday) or month of their start. Per status and per group: orders " +
          "that visited, intervals, total, mean, median and p90 of the per-order time (working or wall-clock " +
          "seconds), and per group the SLA ok/near/over of those orders (their total working time in the group, at the " +
          "bucket's end or now). Full cycles from rm.order_cycle_metrics, bucketed by their end. Totals per bucket are the " +
          "total time of all orders in it. Open intervals are counted but not measured. Finished buckets (and a period " +
          "that is one calendar day, week, month or year) are read from the projector's aggregates: counts, totals and " +
          "means exact, median and p90 from histograms within 1 % (`percentiles`); other blocks from the intervals. " +
          "`coverage` states the period, denominators, as_of and the approximation.",
        security: API_SECURITY,
        querystring: StatusDurationsQuery,
        response: { 200: StatusDurationsResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const result = await statusDurations(deps.db, {
        projectId: q.project,
        from: q.from,
        to: q.to,
        granularity: q.granularity,
        basis: q.basis,
        urgency: q.urgency,
        asOf: deps.clock(),
      });
      return {
        project_id: q.project,
        time_zone: result.timeZone,
        from: q.from,
        to: q.to,
        granularity: q.granularity,
        basis: q.basis,
        urgency: q.urgency,
        range_start: result.rangeStart.toISOString(),
        range_end: result.rangeEnd.toISOString(),
        period: result.period,
        buckets: result.buckets,
        coverage: result.coverage,
      };
    },
  );
};
