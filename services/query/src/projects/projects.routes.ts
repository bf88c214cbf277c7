import { CrmKind, IsoInstant, ProjectId } from "@pulse/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY, tokenOnly } from "../http/api.schemas.js";
import { principalOf } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
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
