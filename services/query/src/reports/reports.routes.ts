import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { dialogStats, topHotDialogs } from "../dialogs/dialogs.repository.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { loadShiftSettings } from "../shifts/shifts.repository.js";
import { resolveWindow, shiftSettingsJson } from "../shifts/shifts.window.js";
import {
  addCounts,
  countsOf,
  ordersMoved,
  perManager,
  projectName,
  type SummableCounts,
  shiftManagerRows,
  zeroCounts,
} from "./reports.repository.js";
import {
  ShiftReportQuery,
  ShiftReportResponse,
  type ShiftReportShift,
  TextReportQuery,
} from "./reports.schemas.js";
import { formatTextReport, localDateOf, reportPeriod } from "./reports.text.js";

/** Media type of the text report. */
const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

const DAY_MS = 86_400_000;

/**
 * Reports (SPEC "Dialog scoring: reports per day/week/month and per manager per shift"), under
 * `/api` behind the auth plugin:
 * - `GET /reports/shifts` — per shift and manager over `[from, to)` (default: the last fully closed
 *   shift under the project's shift settings, at the injected clock);
 * - `GET /reports/text` — a day/week/month report as `text/plain`.
 */
export const reportsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/reports/shifts",
    {
      schema: {
        tags: ["reports"],
        summary: "Shift report per shift and manager",
        description:
          "Rows of rm.shift_deals whose shift midpoint is in [from, to) (default: the last fully closed shift), " +
          "grouped by shift and responsible user: dialogs, deals, messages in/out, analysed/errors, hot/warm/cold " +
          "and mean score of each row's analysis (latest scored result of the same dialog). Totals per shift and " +
          "overall; means are computed from sums.",
        security: API_SECURITY,
        querystring: ShiftReportQuery,
        response: { 200: ShiftReportResponse, ...API_ERRORS, 409: Problem },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const { filter, window, settings } = await resolveWindow(deps.db, q.project, q, deps.clock());
      const rows = await shiftManagerRows(deps.db, filter);
      // Rows come sorted by shift start, and a Map keeps insertion order: shifts stay oldest first.
      const byShift = new Map<string, { shift: ShiftReportShift; sums: SummableCounts }>();
      const total = zeroCounts();
      for (const r of rows) {
        const { shift_id, shift_start, shift_end, score_sum: _sum, ...line } = r;
        let entry = byShift.get(shift_id);
        if (entry === undefined) {
          const shift = { shift_id, shift_start, shift_end, totals: countsOf(zeroCounts()), managers: [] };
          entry = { shift, sums: zeroCounts() };
          byShift.set(shift_id, entry);
        }
        entry.shift.managers.push(line);
        addCounts(entry.sums, r);
        addCounts(total, r);
      }
      const shifts = [...byShift.values()].map(({ shift, sums }) => ({ ...shift, totals: countsOf(sums) }));
      return {
        project_id: q.project,
        window,
        shift_settings: shiftSettingsJson(settings),
        shifts,
        totals: countsOf(total),
      };
    },
  );

  app.get(
    "/reports/text",
    {
      schema: {
        tags: ["reports"],
        summary: "Daily, weekly or monthly report as plain text",
        description:
          "text/plain (UTF-8, English labels). The period is the local day, ISO week (Mon–Sun) or calendar month " +
          "containing `date` in the shift settings' time zone (default date: yesterday there). Lists orders/deals " +
          "that changed status, dialog counts (shifts whose midpoint is in the period), analysed, errors, new " +
          "leads, hot/warm/cold, mean score, tokens, the top hot dialogs with summaries, and a line per manager.",
        security: API_SECURITY,
        produces: ["text/plain"],
        querystring: TextReportQuery,
        response: { 200: z.string().describe("text/plain; charset=utf-8"), ...API_ERRORS, 409: Problem },
      },
    },
    async (request, reply) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const settings = await loadShiftSettings(deps.db, q.project);
      const now = deps.clock();
      const date = q.date ?? localDateOf(now.getTime() - DAY_MS, settings.timeZone);
      const window = reportPeriod(q.period, date, settings.timeZone);
      const filter = { projectId: q.project, from: new Date(window.from), to: new Date(window.to) };
      const [name, orders, stats, topHot, rows] = await Promise.all([
        projectName(deps.db, q.project),
        ordersMoved(deps.db, q.project, filter.from, filter.to),
        dialogStats(deps.db, { ...filter, minIncoming: q.minIncoming }),
        q.top === 0 ? Promise.resolve([]) : topHotDialogs(deps.db, filter, q.top),
        shiftManagerRows(deps.db, filter),
      ]);
      const text = formatTextReport({
        projectId: q.project,
        projectName: name,
        window,
        timeZone: settings.timeZone,
        generatedAt: now.toISOString(),
        orders,
        minIncoming: q.minIncoming,
        stats,
        topHot,
        managers: perManager(rows),
      });
      return reply.type(TEXT_CONTENT_TYPE).header("cache-control", "no-store").send(text);
    },
  );
};
