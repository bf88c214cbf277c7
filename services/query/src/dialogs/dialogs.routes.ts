import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { sendCsvExport } from "../http/csv-export.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { resolveWindow } from "../shifts/shifts.window.js";
import { CSV_COLUMNS } from "./dialogs.csv.js";
import { type AnalysisFilter, dialogStats, exportAnalyses, listAnalyses } from "./dialogs.repository.js";
import {
  AnalysisExportQuery,
  AnalysisListQuery,
  AnalysisListResponse,
  DialogStatsQuery,
  DialogStatsResponse,
} from "./dialogs.schemas.js";

/** The filters of a list or export query, as the repository takes them. */
function analysisFilterOf(q: {
  project: string;
  interest?: string | undefined;
  minScore?: number | undefined;
  funnelStage?: string | undefined;
  qualificationComplete?: boolean | undefined;
  manager?: number | undefined;
  shiftId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  includeFailed: boolean;
}): AnalysisFilter {
  return {
    projectId: q.project,
    interest: q.interest,
    minScore: q.minScore,
    funnelStage: q.funnelStage,
    qualificationComplete: q.qualificationComplete,
    managerId: q.manager,
    shiftId: q.shiftId,
    from: q.from,
    to: q.to,
    includeFailed: q.includeFailed,
  };
}

/**
 * Dialog analysis reads (SPEC "Dialog scoring: Reads"), under `/api` behind the auth plugin:
 * - `GET /dialogs/analysis` — latest result per dialog with filters, paging, sorting, dialog text;
 * - `GET /dialogs/stats` — counts of one window (shift, period, or the last closed shift);
 * - `GET /dialogs/export.csv` — the filtered list as a streamed CSV attachment.
 * Dialog texts are personal data of the project: every route first checks that the caller may see
 * the project (404 `project_not_found` otherwise, like an unknown project).
 */
export const dialogsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/dialogs/analysis",
    {
      schema: {
        tags: ["dialogs"],
        summary: "Analysed dialogs (latest result per dialog) with filters",
        description:
          "One row per dialog (dialog_key, which names its window) from rm.analysis_results: the newest scored " +
          "result; with includeFailed=true, dialogs with only failed results are listed by their newest failure. " +
          "Filters apply to that result. Each row has facts, evidence, reasons, mode/model/prompt_version, usage " +
          "and the dialog text (rm.shift_deals, else rm.messages of the window).",
        security: API_SECURITY,
        querystring: AnalysisListQuery,
        response: { 200: AnalysisListResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const page = await listAnalyses(deps.db, {
        ...analysisFilterOf(q),
        page: q.page,
        pageSize: q.pageSize,
        sort: q.sort,
        dir: q.dir,
      });
      return {
        project_id: q.project,
        page: q.page,
        page_size: q.pageSize,
        total: page.total,
        items: page.items,
      };
    },
  );

  app.get(
    "/dialogs/stats",
    {
      schema: {
        tags: ["dialogs"],
        summary: "Dialog and analysis counts of a shift or period",
        description:
          "Window: shiftId, or from+to (on window midpoints), or by default the last fully closed shift under the " +
          "project's shift settings. dialogs_total/dialogs_eligible count rows of the shift deal tables; analyzed, " +
          "errors, new_leads, hot/warm/cold and mean_score count the latest result per dialog; failed_results and " +
          "tokens count every result. Shares name their denominator.",
        security: API_SECURITY,
        querystring: DialogStatsQuery,
        response: { 200: DialogStatsResponse, ...API_ERRORS, 409: Problem },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const { filter, window } = await resolveWindow(deps.db, q.project, q, deps.clock());
      const stats = await dialogStats(deps.db, { ...filter, minIncoming: q.minIncoming });
      return { project_id: q.project, window, min_incoming: q.minIncoming, stats };
    },
  );

  app.get(
    "/dialogs/export.csv",
    {
      schema: {
        tags: ["dialogs"],
        summary: "Export analysed dialogs as CSV",
        description:
          "The rows of GET /api/dialogs/analysis for the same filters (all of them, by window start), as a streamed " +
          "`text/csv` attachment: UTF-8 with BOM, header row, CRLF records, RFC 4180 quoting (multi-line dialog " +
          "texts stay in one quoted field). Free-text cells that start with = + - @ get a leading ' (no formulas).",
        security: API_SECURITY,
        produces: ["text/csv"],
        querystring: AnalysisExportQuery,
        response: { 200: z.string().describe("text/csv; charset=utf-8 with BOM"), ...API_ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      return sendCsvExport(request, reply, {
        columns: CSV_COLUMNS,
        batches: exportAnalyses(deps.db, analysisFilterOf(q)),
        delimiter: q.delimiter,
        name: "dialogs",
        project: q.project,
        now: deps.clock(),
      });
    },
  );
};
