import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY } from "../http/api.schemas.js";
import { ForbiddenError, NotFoundError } from "../http/app.errors.js";
import { isOwner, type Principal, principalOf, roleIn } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { AuditQuery, AuditResponse } from "./accounts.schemas.js";
import { listAudit } from "./audit.repository.js";

/** The projects `principal` administers (`'*'` for the owner). */
function adminProjects(principal: Principal): "*" | string[] {
  if (isOwner(principal)) return "*";
  const visible = principal.projects === "*" ? Object.keys(principal.roles ?? {}) : principal.projects;
  return visible.filter((p) => roleIn(principal, p) === "admin");
}

/**
 * `GET /audit` (under `/api`) — who changed what and when: settings, overrides, users, memberships,
 * API tokens, with before/after values (secrets masked). Admins see the rows of the projects they
 * administer; the owner sees everything (rows without a project too: users, tokens). Filters:
 * `project_id`, `actor` (login), `entity`, `from`/`to` (`[from, to)`), `limit` (default 100,
 * newest first). 403 `admin_required` for a caller who administers nothing.
 */
export const auditRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/audit",
    {
      schema: {
        tags: ["accounts"],
        summary: "Audit log (admins)",
        security: API_SECURITY,
        querystring: AuditQuery,
        response: { 200: AuditResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const visible = adminProjects(principal);
      if (visible !== "*" && visible.length === 0)
        throw new ForbiddenError("admin_required", "the audit log needs the admin role");
      const q = request.query;
      if (q.project_id !== undefined) {
        const role = roleIn(principal, q.project_id);
        if (role === null) throw new NotFoundError("project_not_found", `project ${q.project_id} not found`);
        if (role !== "admin")
          throw new ForbiddenError("admin_required", "the audit log needs the admin role");
      }
      return {
        items: await listAudit(deps.db, {
          visible,
          projectId: q.project_id,
          actor: q.actor,
          entity: q.entity,
          from: q.from === undefined ? undefined : new Date(q.from),
          to: q.to === undefined ? undefined : new Date(q.to),
          limit: q.limit,
        }),
      };
    },
  );
};
