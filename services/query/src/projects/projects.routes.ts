import { RequestError, TimeoutError } from "@nats-io/transport-node";
import {
  CrmKind,
  IsoInstant,
  PROJECT_COMMAND_TIMEOUT_MS,
  ProjectCommandDone,
  ProjectCommandRefused,
  ProjectId,
  ProjectPatch,
  ProjectView,
  projectShowSubject,
  projectUpdateSubject,
} from "@pulse/events";
import {
  ConflictError,
  type Nats,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordAudit } from "../accounts/audit.repository.js";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY, tokenOnly } from "../http/api.schemas.js";
import { assertProjectAccess, assertProjectAdmin, principalOf } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { listProjects } from "./projects.repository.js";

/** A project's public fields (secrets never reach `rm.projects`). */
export const ProjectItem = z.object({
  project_id: ProjectId,
  name: z.string(),
  kind: z.union([CrmKind, z.string()]),
  base_url: z.string().nullable(),
  time_zone: z.string(),
  active: z.boolean(),
  registered_at: IsoInstant,
});

/** Answer of `GET /api/projects`. */
export const ProjectsResponse = z
  .object({
    role: z.enum(["admin", "viewer"]).describe("the caller's role"),
    items: z.array(ProjectItem),
  })
  .describe("the projects the caller may see, by id");

/** `GET /projects` — the projects the caller may see. Under `/api`. */
export const projectsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/projects",
    {
      schema: {
        tags: ["projects"],
        summary: "Projects the caller may see",
        security: API_SECURITY,
        querystring: z.strictObject(tokenOnly),
        response: { 200: ProjectsResponse, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { role: principal.role, items: await listProjects(deps.db, principal.projects) };
    },
  );
};

/** Path of `GET`/`PATCH /api/projects/{id}`. */
export const ProjectParams = z.strictObject({ id: ProjectId });

/**
 * Body of `PATCH /api/projects/{id}`: {@link ProjectPatch} (at least one member). The CRM API token
 * is write-only: answers carry only `api_token_set` and `api_token_fingerprint`.
 */
export const ProjectPatchBody = ProjectPatch.refine((p) => Object.keys(p).length > 0, {
  message: "name at least one field to change",
});

/**
 * Sends a project command to ingest and decodes its reply.
 * @throws ServiceUnavailableError `ingest_unavailable` when no ingest answers within
 *   {@link PROJECT_COMMAND_TIMEOUT_MS} or NATS fails, `ingest_bad_reply` for an unexpected reply;
 *   NotFoundError `project_not_found`, ValidationError `invalid_project_fields`, ConflictError
 *   `project_update_conflict` for ingest's refusals.
 */
export async function requestProjectCommand(
  nats: Nats,
  subject: string,
  request: unknown,
): Promise<ProjectCommandDone> {
  let json: unknown;
  try {
    const msg = await nats.nc.request(subject, JSON.stringify(request), {
      timeout: PROJECT_COMMAND_TIMEOUT_MS,
    });
    json = JSON.parse(msg.string());
  } catch (error) {
    const reason =
      error instanceof TimeoutError
        ? `ingest did not answer within ${PROJECT_COMMAND_TIMEOUT_MS} ms`
        : error instanceof RequestError && error.isNoResponders()
          ? "no ingest is listening"
          : "the project request could not be sent";
    throw new ServiceUnavailableError("ingest_unavailable", `${reason}; retry later`);
  }
  const done = ProjectCommandDone.safeParse(json);
  if (done.success) return done.data;
  const refused = ProjectCommandRefused.safeParse(json);
  if (!refused.success) throw new ServiceUnavailableError("ingest_bad_reply", "ingest answered unexpectedly");
  const { code, error } = refused.data;
  if (code === "not_found") throw new NotFoundError("project_not_found", error);
  if (code === "invalid") throw new ValidationError("invalid_project_fields", error);
  if (code === "conflict") throw new ConflictError("project_update_conflict", error);
  throw new ServiceUnavailableError("ingest_unavailable", error);
}

/**
 * `GET /projects/{id}` — a project's fields as ingest holds them, secrets only as "set" and
 * fingerprint (every member of the project); `PATCH /projects/{id}` — project admins and the owner
 * change base URL, CRM API token (write-only), time zone, active. The edit is relayed to ingest
 * (`{root}.cmd.{project}.project.update`), which re-seals the record and publishes
 * `project.registered`; the change is audited (entity `project`, before/after without secrets).
 * Under `/api`; CSRF applies to cookie-authenticated writes (auth plugin).
 */
export const projectRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  const scheme = { root: deps.config.SUBJECT_ROOT };
  app.get(
    "/projects/:id",
    {
      preValidation: async (request) => {
        assertProjectAccess(request, String((request.params as { id?: unknown }).id));
      },
      schema: {
        tags: ["projects"],
        summary: "A project's fields (secrets only as set/fingerprint)",
        security: API_SECURITY,
        params: ProjectParams,
        querystring: z.strictObject(tokenOnly),
        response: { 200: ProjectView, 400: Problem, 401: Problem, 404: Problem, 503: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      await requireProject(deps.db, request, id);
      return (await requestProjectCommand(deps.nats, projectShowSubject(scheme, id), { project: id })).after;
    },
  );

  app.patch(
    "/projects/:id",
    {
      preValidation: async (request) => {
        assertProjectAdmin(request, String((request.params as { id?: unknown }).id));
      },
      schema: {
        tags: ["projects"],
        summary: "Change a project's fields (project admins)",
        description:
          "Changes `base_url`, `api_token` (write-only; `null` removes it), `time_zone`, `active`. " +
          "Relayed to ingest over `{root}.cmd.{project}.project.update`; answers the project's fields " +
          "afterwards (the token only as `api_token_set` and `api_token_fingerprint`).",
        security: API_SECURITY,
        params: ProjectParams,
        querystring: z.strictObject(tokenOnly),
        body: ProjectPatchBody,
        response: {
          200: ProjectView,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          503: Problem,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const principal = assertProjectAdmin(request, id);
      await requireProject(deps.db, request, id);
      const done = await requestProjectCommand(deps.nats, projectUpdateSubject(scheme, id), {
        project: id,
        patch: request.body,
        requested_by: principal.subject,
      });
      if (done.changed) {
        await recordAudit(deps.db, {
          at: deps.clock(),
          actor: principal.subject,
          entity: "project",
          entityId: id,
          projectId: id,
          action: "update",
          before: done.before ?? null,
          after: done.after,
        });
        request.log.info({ project: id, fields: Object.keys(request.body) }, "project fields changed");
      }
      return done.after;
    },
  );
};
