import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { loadShiftSettings, resolveShift, shiftDeals } from "./shifts.repository.js";
import { ShiftDealsParams, ShiftDealsQuery, ShiftDealsResponse } from "./shifts.schemas.js";
import { shiftSettingsJson } from "./shifts.window.js";

/**
 * `GET /shifts/:shiftId/deals?project` — the shift deal table (SPEC "Shift deal table"), under `/api`
 * behind the auth plugin. Holds dialog texts: only callers who may see the project get it (404
 * `project_not_found` otherwise). 404 `shift_not_found` when the id names no shift under the
 * project's settings and no row carries it; a known shift without rows answers an empty table.
 */
export const shiftsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/shifts/:shiftId/deals",
    {
      schema: {
        tags: ["shifts"],
        summary: "The shift deal table of one shift",
        description:
          "Deals updated or messaged in the shift window (and chat-only contacts) from rm.shift_deals: manager, " +
          "pipeline/stage at the window's end with names, phones, the window's dialog text, incoming/outgoing " +
          "counts and the dialog's analysis if any. Sorted by manager, then last message (newest first).",
        security: API_SECURITY,
        params: ShiftDealsParams,
        querystring: ShiftDealsQuery,
        response: { 200: ShiftDealsResponse, ...API_ERRORS, 409: Problem },
      },
    },
    async (request) => {
      const { project, manager, minIncoming } = request.query;
      const { shiftId } = request.params;
      await requireProject(deps.db, request, project);
      const settings = await loadShiftSettings(deps.db, project);
      const shift = await resolveShift(deps.db, project, shiftId, settings);
      const items = await shiftDeals(deps.db, {
        projectId: project,
        shiftId,
        managerId: manager,
        minIncoming,
      });
      return {
        project_id: project,
        shift_id: shift.shiftId,
        shift_start: shift.start,
        shift_end: shift.end,
        shift_settings: shiftSettingsJson(settings),
        items,
      };
    },
  );
};
