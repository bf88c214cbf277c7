import { NotFoundError } from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { sendCsvExport } from "../http/csv-export.js";
import { requireProject } from "../http/project-scope.js";
import { SALES_CSV_COLUMNS } from "./sales.csv.js";
import {
  exportSales,
  leadAttribution,
  leadFunnel,
  listSales,
  qualificationStats,
  type SalesFilter,
  salesStats,
} from "./sales.repository.js";
import {
  FunnelQuery,
  FunnelResponse,
  LeadAttributionQuery,
  LeadAttributionResponse,
  LeadParams,
  QualificationQuery,
  QualificationResponse,
  SalesExportQuery,
  SalesListQuery,
  SalesListResponse,
  SalesStatsQuery,
  SalesStatsResponse,
} from "./sales.schemas.js";

/** The filters of a list or export query, as the repository takes them. */
function salesFilterOf(q: {
  project: string;
  from?: string | undefined;
  to?: string | undefined;
  team?: string | undefined;
  pipeline?: number | undefined;
  manager?: number | undefined;
  confidence?: SalesFilter["confidence"];
}): SalesFilter {
  return {
    projectId: q.project,
    from: q.from,
    to: q.to,
    team: q.team,
    pipelineId: q.pipeline,
    managerId: q.manager,
    confidence: q.confidence,
  };
}

/**
 * amoCRM sales and lead reads (issue 15 "Reads"; SPEC "amoCRM deals"), under `/api` behind the
 * auth plugin:
 * - `GET /sales` — sales history with filters (period, team, pipeline, manager, confidence), paging;
 * - `GET /sales/export.csv` — the same rows as a streamed CSV attachment;
 * - `GET /sales/stats` — count, revenue and mean check per team per day / week / month;
 * - `GET /leads/qualification` — qualification and conversion per campaign, creative or team;
 * - `GET /leads/funnel` — the pipeline funnel (reached, conversion, median working time, lost);
 * - `GET /leads/{leadId}/attribution` — one lead's UTM values, conflicts and attribution.
 * Sales carry clients' personal data: every route first checks that the caller may see the project
 * (404 `project_not_found` otherwise, like an unknown project).
 */
export const salesRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/sales",
    {
      schema: {
        tags: ["sales"],
        summary: "Sales history (amoCRM leads in 142) with filters",
        description:
          "One row per lead that is a sale now (rm.sales: a won lead reopened is not one, won again it is one " +
          "sale), newest first. Period: local days (project's time zone) of sold_at, the time of the status " +
          "change into 142. `total` and `revenue` cover every matching sale, not only the page.",
        security: API_SECURITY,
        querystring: SalesListQuery,
        response: { 200: SalesListResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const page = await listSales(deps.db, { ...salesFilterOf(q), page: q.page, pageSize: q.pageSize });
      return {
        project_id: q.project,
        time_zone: page.timeZone,
        page: q.page,
        page_size: q.pageSize,
        total: page.total,
        revenue: page.revenue,
        items: page.items,
      };
    },
  );

  app.get(
    "/sales/export.csv",
    {
      schema: {
        tags: ["sales"],
        summary: "Export the sales history as CSV",
        description:
          "The rows of GET /api/sales for the same filters (all of them, newest first), as a streamed `text/csv` " +
          "attachment: UTF-8 with BOM, header row, CRLF records, RFC 4180 quoting. Free-text cells that start " +
          "with = + - @ get a leading ' (no formulas).",
        security: API_SECURITY,
        produces: ["text/csv"],
        querystring: SalesExportQuery,
        response: { 200: z.string().describe("text/csv; charset=utf-8 with BOM"), ...API_ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      return sendCsvExport(request, reply, {
        columns: SALES_CSV_COLUMNS,
        batches: exportSales(deps.db, salesFilterOf(q)),
        delimiter: q.delimiter,
        name: "sales",
        project: q.project,
        now: deps.clock(),
      });
    },
  );

  app.get(
    "/sales/stats",
    {
      schema: {
        tags: ["sales"],
        summary: "Sales per ad team per day, week or month",
        description:
          "Sales (rm.sales) counted in the bucket of the local day, week (from Monday) or month of sold_at, in " +
          "the project's time zone, within local days [from, to]: count, revenue (sum of amount) and mean_check " +
          "(revenue / count) per team (null: no team — unattributed or ambiguous), per bucket and over the range.",
        security: API_SECURITY,
        querystring: SalesStatsQuery,
        response: { 200: SalesStatsResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const r = await salesStats(deps.db, {
        projectId: q.project,
        from: q.from,
        to: q.to,
        granularity: q.granularity,
      });
      return {
        project_id: q.project,
        time_zone: r.timeZone,
        granularity: q.granularity,
        from: q.from,
        to: q.to,
        teams: r.teams,
        buckets: r.buckets,
        period: r.period,
      };
    },
  );

  app.get(
    "/leads/qualification",
    {
      schema: {
        tags: ["sales"],
        summary: "Lead qualification and conversion per campaign, creative or team",
        description:
          "Leads (rm.leads) created in local days [from, to] grouped by utm_campaign, utm_content (creative) or " +
          "the attributed team: leads, qualified (entered a qualified stage), qualification_rate = qualified / " +
          "leads, won (a sale now), conversion_rate = won / leads (both in %, denominators named in " +
          "`denominators`), revenue of those sales.",
        security: API_SECURITY,
        querystring: QualificationQuery,
        response: { 200: QualificationResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const r = await qualificationStats(deps.db, {
        projectId: q.project,
        from: q.from,
        to: q.to,
        by: q.by,
        pipelineId: q.pipeline,
      });
      return {
        project_id: q.project,
        time_zone: r.timeZone,
        by: q.by,
        denominators: { qualification_rate: "leads", conversion_rate: "leads" } as const,
        rows: r.rows,
        total: r.total,
      };
    },
  );

  app.get(
    "/leads/funnel",
    {
      schema: {
        tags: ["sales"],
        summary: "The pipeline funnel of amoCRM leads",
        description:
          "Leads created in local days [from, to] through the stages of one pipeline (the status group of their " +
          "status intervals): entered, reached (this stage or a later one), conversion from the previous stage, " +
          "median working time in the stage (closed intervals, the pipeline's working calendar) and lost (moved " +
          "from the stage to 143).",
        security: API_SECURITY,
        querystring: FunnelQuery,
        response: { 200: FunnelResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const r = await leadFunnel(deps.db, {
        projectId: q.project,
        from: q.from,
        to: q.to,
        pipelineId: q.pipeline,
      });
      return {
        project_id: q.project,
        time_zone: r.timeZone,
        pipeline_id: r.pipelineId,
        pipeline_name: r.pipelineName,
        leads: r.leads,
        stages: r.stages.map((s) => ({
          status_id: s.statusId,
          name: s.name,
          sort: s.sort,
          entered: s.entered,
          reached: s.reached,
          conversion_from_previous: s.conversionFromPrevious,
          median_working_seconds: s.medianWorkingSeconds,
          lost: s.lost,
        })),
      };
    },
  );

  app.get(
    "/leads/:leadId/attribution",
    {
      schema: {
        tags: ["sales"],
        summary: "One lead's UTM values, conflicts and ad-team attribution",
        description:
          "rm.leads: the UTM values after the duplicate-field precedence, the conflicts between primary and " +
          "duplicate fields, team, confidence, matched rule and pattern, ambiguity with the candidate teams, " +
          "qualification and outcome, and the sale when the lead is one now. 404 `lead_not_found` for a lead the " +
          "project does not have.",
        security: API_SECURITY,
        params: LeadParams,
        querystring: LeadAttributionQuery,
        response: { 200: LeadAttributionResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const lead = await leadAttribution(deps.db, q.project, request.params.leadId);
      if (lead === null) {
        throw new NotFoundError("lead_not_found", `lead ${request.params.leadId} not found in ${q.project}`);
      }
      return { project_id: q.project, ...lead };
    },
  );
};
