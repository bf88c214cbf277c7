import { RequestError, TimeoutError } from "@nats-io/transport-node";
import type { Nats } from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { ConflictError, ForbiddenError, ServiceUnavailableError } from "../http/app.errors.js";
import { principalOf } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { loadShiftSettings, resolveShift } from "../shifts/shifts.repository.js";
import {
  ANALYSIS_RUN_TIMEOUT_MS,
  AnalysisRunAccepted,
  AnalysisRunRefused,
  type AnalysisRunRequest,
  analysisRunSubject,
} from "./analysis.contract.js";
import { AnalysisRunBody, AnalysisRunQuery, AnalysisRunResponse } from "./analysis.schemas.js";

/** Longest analyst refusal reason echoed in a problem's detail, characters. */
const MAX_REASON_CHARS = 300;

/** The decoded reply of the analyst. */
export type AnalysisRunOutcome =
  | { readonly kind: "accepted"; readonly runId: string; readonly dialogsQueued: number }
  | { readonly kind: "refused"; readonly reason: string };

/**
 * Sends `request` to the analyst on `subject` and decodes its reply (`{run_id, dialogs_queued}` →
 * accepted, `{error}` → refused).
 * @throws ServiceUnavailableError `analyst_unavailable` when no analyst subscribes (no responders),
 *   none answers within `timeoutMs`, or NATS fails; `analyst_bad_reply` for a reply that is neither.
 */
export async function requestAnalysisRun(
  nats: Nats,
  subject: string,
  request: AnalysisRunRequest,
  timeoutMs: number,
): Promise<AnalysisRunOutcome> {
  let data: string;
  try {
    const msg = await nats.nc.request(subject, JSON.stringify(request), { timeout: timeoutMs });
    data = msg.string();
  } catch (error) {
    const reason =
      error instanceof TimeoutError
        ? `no analyst answered within ${timeoutMs} ms`
        : error instanceof RequestError && error.isNoResponders()
          ? "no analyst is listening"
          : "the analysis request could not be sent";
    throw new ServiceUnavailableError("analyst_unavailable", `${reason}; retry later`);
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    json = undefined;
  }
  const accepted = AnalysisRunAccepted.safeParse(json);
  if (accepted.success) {
    return { kind: "accepted", runId: accepted.data.run_id, dialogsQueued: accepted.data.dialogs_queued };
  }
  const refused = AnalysisRunRefused.safeParse(json);
  if (refused.success) return { kind: "refused", reason: refused.data.error };
  throw new ServiceUnavailableError("analyst_bad_reply", "the analyst answered with an unexpected reply");
}

/**
 * `POST /analysis/run` (admin) — asks the analyst to analyse one shift or window now (SPEC "Dialog
 * scoring"; contract in `analysis.contract.ts`). Under `/api` behind the auth plugin. Answers 202
 * with the analyst's `{run_id, dialogs_queued}`; 403 `admin_required` for a viewer of the project;
 * 404 `project_not_found` / `shift_not_found`; 409 `analysis_rejected` when the analyst refuses
 * (its reason in the detail); 503 `analyst_unavailable` when no analyst answers within 2 s.
 */
export const analysisRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.post(
    "/analysis/run",
    {
      schema: {
        tags: ["dialogs"],
        summary: "Start a dialog analysis run now (admin)",
        description:
          "Sends a core-NATS request to the analyst on `{root}.cmd.{project}.analysis.run` with JSON " +
          "`{project, shift_id? | from, to, min_incoming, max_dialogs?, requested_by}` and waits up to 2 s for " +
          "`{run_id, dialogs_queued}` (202) or `{error}` (409 analysis_rejected). No analyst listening or no " +
          "answer in time: 503 analyst_unavailable.",
        security: API_SECURITY,
        querystring: AnalysisRunQuery,
        body: AnalysisRunBody,
        response: {
          202: AnalysisRunResponse,
          ...API_ERRORS,
          403: Problem,
          409: Problem,
          503: Problem,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      await requireProject(deps.db, request, b.project);
      const principal = principalOf(request);
      if (principal.role !== "admin") {
        throw new ForbiddenError("admin_required", "starting an analysis run needs the admin role");
      }
      if (b.shiftId !== undefined) {
        await resolveShift(deps.db, b.project, b.shiftId, await loadShiftSettings(deps.db, b.project));
      }
      const payload: AnalysisRunRequest = {
        project: b.project,
        ...(b.shiftId !== undefined ? { shift_id: b.shiftId } : {}),
        ...(b.from !== undefined ? { from: b.from.toISOString() } : {}),
        ...(b.to !== undefined ? { to: b.to.toISOString() } : {}),
        min_incoming: b.minIncoming,
        ...(b.maxDialogs !== undefined ? { max_dialogs: b.maxDialogs } : {}),
        requested_by: principal.subject,
      };
      const subject = analysisRunSubject({ root: deps.config.SUBJECT_ROOT }, b.project);
      const outcome = await requestAnalysisRun(deps.nats, subject, payload, ANALYSIS_RUN_TIMEOUT_MS);
      if (outcome.kind === "refused") {
        throw new ConflictError(
          "analysis_rejected",
          `the analyst did not start the run: ${outcome.reason.slice(0, MAX_REASON_CHARS)}`,
        );
      }
      request.log.info(
        { project: b.project, run_id: outcome.runId, dialogs_queued: outcome.dialogsQueued },
        "analysis run accepted",
      );
      return reply.code(202).send({
        project_id: b.project,
        run_id: outcome.runId,
        dialogs_queued: outcome.dialogsQueued,
      });
    },
  );
};
