import { CrmId, ProjectId } from "@pulse/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY, projectScope } from "../http/api.schemas.js";
import { requireProject } from "../http/project-scope.js";
import { statusDictionary } from "./dicts.repository.js";

/** A status group (KeyCRM) or pipeline (amoCRM) of the dictionary. */
export const DictGroup = z.object({ group_id: CrmId, name: z.string(), is_main: z.boolean() });
/** See {@link DictGroup}. */
export type DictGroup = z.infer<typeof DictGroup>;

/** A status (KeyCRM) or stage (amoCRM, `group_id` = pipeline) of the dictionary. */
export const DictStatus = z.object({
  status_id: CrmId,
  group_id: CrmId,
  name: z.string(),
  alias: z.string().nullable(),
  is_active: z.boolean(),
  is_closing_order: z.boolean(),
  expiration_period_seconds: z.number().int().nullable(),
  sort: z.number().int().nullable(),
  type: z.number().int().nullable().describe("amoCRM stage type (0 regular, 1 unsorted); null for KeyCRM"),
  in_last_sync: z.boolean().describe("false when the latest dictionary sync no longer listed the status"),
});
/** See {@link DictStatus}. */
export type DictStatus = z.infer<typeof DictStatus>;

/** Answer of `GET /api/dicts/statuses`. */
export const StatusDictionaryResponse = z
  .object({
    project_id: ProjectId,
    groups: z.array(DictGroup),
    statuses: z.array(DictStatus),
  })
  .describe("the project's status dictionary");

/** `GET /dicts/statuses?project=…` — the project's status groups and statuses. Under `/api`. */
export const dictsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/dicts/statuses",
    {
      schema: {
        tags: ["dictionaries"],
        summary: "Status groups and statuses of a project",
        security: API_SECURITY,
        querystring: z.strictObject(projectScope),
        response: { 200: StatusDictionaryResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const { project } = request.query;
      await requireProject(deps.db, request, project);
      return { project_id: project, ...(await statusDictionary(deps.db, project)) };
    },
  );
};
