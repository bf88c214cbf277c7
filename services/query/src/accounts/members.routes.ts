import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY } from "../http/api.schemas.js";
import { NotFoundError } from "../http/app.errors.js";
import { assertProjectAdmin } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import {
  deleteMembership,
  findUser,
  membershipRole,
  projectMembers,
  putMembership,
} from "./accounts.repository.js";
import { MemberItem, MemberParams, MembersParams, PutMemberBody } from "./accounts.schemas.js";
import { recordAudit } from "./audit.repository.js";

/**
 * A project's members (under `/api`; the project's admins and the owner, others 404/403):
 * - `GET /projects/{id}/members` — members with their role;
 * - `PUT /projects/{id}/members/{userId}` `{role}` — adds or changes a member (404 `user_not_found`);
 * - `DELETE /projects/{id}/members/{userId}` — removes one (404 `member_not_found`).
 * Changes are audited with their author.
 */
export const membersRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/projects/:id/members",
    {
      preValidation: async (request) => {
        assertProjectAdmin(request, String((request.params as { id?: unknown }).id));
      },
      schema: {
        tags: ["accounts"],
        summary: "Members of a project (its admins)",
        security: API_SECURITY,
        params: MembersParams,
        response: { 200: z.array(MemberItem), 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      await requireProject(deps.db, request, request.params.id);
      return await projectMembers(deps.db, request.params.id);
    },
  );

  app.put(
    "/projects/:id/members/:userId",
    {
      preValidation: async (request) => {
        assertProjectAdmin(request, String((request.params as { id?: unknown }).id));
      },
      schema: {
        tags: ["accounts"],
        summary: "Add a member or change its role (project admins)",
        security: API_SECURITY,
        params: MemberParams,
        body: PutMemberBody,
        response: { 200: MemberItem, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { id, userId } = request.params;
      const actor = assertProjectAdmin(request, id).subject;
      await requireProject(deps.db, request, id);
      const user = await findUser(deps.db, userId);
      if (user === undefined) throw new NotFoundError("user_not_found", "no such user");
      const before = await membershipRole(deps.db, userId, id);
      const now = deps.clock();
      await putMembership(deps.db, userId, id, request.body.role, actor, now);
      await recordAudit(deps.db, {
        at: now,
        actor,
        entity: "membership",
        entityId: `${id}:${user.login}`,
        projectId: id,
        action: before === undefined ? "create" : "update",
        before: before === undefined ? null : { user: user.login, role: before },
        after: { user: user.login, role: request.body.role },
      });
      return {
        user_id: user.id,
        login: user.login,
        display_name: user.display_name,
        role: request.body.role,
      };
    },
  );

  app.delete(
    "/projects/:id/members/:userId",
    {
      preValidation: async (request) => {
        assertProjectAdmin(request, String((request.params as { id?: unknown }).id));
      },
      schema: {
        tags: ["accounts"],
        summary: "Remove a member (project admins)",
        security: API_SECURITY,
        params: MemberParams,
        response: {
          204: z.null().describe("removed"),
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const { id, userId } = request.params;
      const actor = assertProjectAdmin(request, id).subject;
      await requireProject(deps.db, request, id);
      const before = await membershipRole(deps.db, userId, id);
      if (before === undefined || !(await deleteMembership(deps.db, userId, id))) {
        throw new NotFoundError("member_not_found", "the user is not a member of this project");
      }
      const user = await findUser(deps.db, userId);
      await recordAudit(deps.db, {
        at: deps.clock(),
        actor,
        entity: "membership",
        entityId: `${id}:${user?.login ?? userId}`,
        projectId: id,
        action: "delete",
        before: { user: user?.login ?? userId, role: before },
        after: null,
      });
      return reply.code(204).send(null);
    },
  );
};
