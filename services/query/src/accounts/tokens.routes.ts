import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY, isoOrNull } from "../http/api.schemas.js";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../http/app.errors.js";
import { type Principal, principalOf, roleIn } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { type ApiTokenRow, insertApiToken, listApiTokens, revokeApiToken } from "./accounts.repository.js";
import { CreatedToken, CreateTokenBody, TokenItem, TokenParams } from "./accounts.schemas.js";
import { MASK, recordAudit } from "./audit.repository.js";
import { newSecret, sha256Hex } from "./passwords.js";

/** Prefix of every API token value (recognisable in secret scanners). */
export const API_TOKEN_PREFIX = "pulse_";

/** A token row as the API lists it (never the value or its hash). */
function tokenItem(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    projects: row.projects,
    created_at: row.created_at.toISOString(),
    last_used_at: isoOrNull(row.last_used_at),
    revoked_at: isoOrNull(row.revoked_at),
  };
}

/** The user id of `principal`. @throws UnauthorizedError when the caller is not a user. */
function userIdOf(principal: Principal): string {
  if (principal.userId === undefined) throw new UnauthorizedError("invalid_token", "not signed in as a user");
  return principal.userId;
}

/**
 * The caller's API tokens (under `/api`): `GET /tokens` lists them (never their values),
 * `POST /tokens` makes one scoped to projects and a role — the value is in this answer only, stored
 * as its SHA-256 — and `DELETE /tokens/{id}` revokes one (204). A token never grants more than its
 * user has: its role is capped per project by the user's membership at each use, and a caller
 * cannot make a token for a project it may not see (404) or an admin token where it is a viewer
 * (403 `admin_required`). Changes are audited (values masked).
 */
export const tokensRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/tokens",
    {
      schema: {
        tags: ["accounts"],
        summary: "The caller's API tokens",
        security: API_SECURITY,
        response: { 200: z.array(TokenItem), 401: Problem },
      },
    },
    async (request) => (await listApiTokens(deps.db, userIdOf(principalOf(request)))).map(tokenItem),
  );

  app.post(
    "/tokens",
    {
      schema: {
        tags: ["accounts"],
        summary: "Make an API token",
        description:
          "Answers the token's value once (`token`); use it as `Authorization: Bearer <token>`. `projects` are " +
          'project ids the caller may see, or `["*"]` for every project of the user (at each use).',
        security: API_SECURITY,
        body: CreateTokenBody,
        response: { 201: CreatedToken, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const userId = userIdOf(principal);
      const { name, role, projects } = request.body;
      const projectSet = [...new Set(projects)].sort();
      if (projectSet.includes("*")) {
        if (principal.tokenId !== undefined && principal.projects !== "*")
          throw new ForbiddenError(
            "token_scope",
            "a project-scoped token cannot make a token for every project",
          );
        if (role === "admin" && principal.role !== "admin")
          throw new ForbiddenError("admin_required", "an admin token needs the admin role");
      } else {
        for (const p of projectSet) {
          const mine = roleIn(principal, p);
          if (mine === null) throw new NotFoundError("project_not_found", `project ${p} not found`);
          if (role === "admin" && mine !== "admin")
            throw new ForbiddenError("admin_required", `an admin token for ${p} needs the admin role there`);
        }
      }
      const value = newSecret(API_TOKEN_PREFIX);
      const now = deps.clock();
      const row = await insertApiToken(deps.db, {
        userId,
        name,
        tokenHash: sha256Hex(value),
        role,
        projects: projectSet.includes("*") ? ["*"] : projectSet,
        now,
      });
      await recordAudit(deps.db, {
        at: now,
        actor: principal.subject,
        entity: "api_token",
        entityId: row.id,
        projectId: null,
        action: "create",
        before: null,
        after: { name, role, projects: row.projects, token: MASK },
      });
      return reply.code(201).send({ ...tokenItem(row), token: value });
    },
  );

  app.delete(
    "/tokens/:id",
    {
      schema: {
        tags: ["accounts"],
        summary: "Revoke an API token",
        security: API_SECURITY,
        params: TokenParams,
        response: {
          204: z.null().describe("revoked"),
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const now = deps.clock();
      const before = await revokeApiToken(deps.db, userIdOf(principal), request.params.id, now);
      if (before === undefined) throw new NotFoundError("token_not_found", "no such token");
      if (before.revoked_at === null) {
        await recordAudit(deps.db, {
          at: now,
          actor: principal.subject,
          entity: "api_token",
          entityId: before.id,
          projectId: null,
          action: "revoke",
          before: { name: before.name, role: before.role, projects: before.projects, revoked_at: null },
          after: {
            name: before.name,
            role: before.role,
            projects: before.projects,
            revoked_at: now.toISOString(),
          },
        });
      }
      return reply.code(204).send(null);
    },
  );
};
