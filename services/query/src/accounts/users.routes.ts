import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY } from "../http/api.schemas.js";
import { ConflictError, NotFoundError } from "../http/app.errors.js";
import { assertOwner } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import {
  deleteUserSessions,
  findUser,
  insertUser,
  isUniqueViolation,
  listUsers,
  membershipsOf,
  type UserPatch,
  type UserRow,
  updateUser,
} from "./accounts.repository.js";
import { CreateUserBody, PatchUserBody, UserItem, UserParams } from "./accounts.schemas.js";
import { recordAudit } from "./audit.repository.js";
import { hashPassword } from "./passwords.js";

/** The audited view of a user (no hash; the password only as "changed"). */
function auditView(user: UserRow) {
  return { login: user.login, display_name: user.display_name, is_owner: user.is_owner, active: user.active };
}

/**
 * The owner's user administration (under `/api`; everyone else gets 403 `owner_required`):
 * - `GET /users` — every user with their memberships;
 * - `POST /users` — creates a user (409 `login_taken`);
 * - `PATCH /users/{id}` — display name, active flag, password (deactivating or a new password ends
 *   the user's sessions). Every change is audited with its author.
 */
export const usersRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  const ownerOnly = async (request: Parameters<typeof assertOwner>[0]) => {
    assertOwner(request);
  };
  const item = async (user: UserRow) => ({
    id: user.id,
    login: user.login,
    display_name: user.display_name,
    is_owner: user.is_owner,
    active: user.active,
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    memberships: await membershipsOf(deps.db, user.id),
  });

  app.get(
    "/users",
    {
      preValidation: ownerOnly,
      schema: {
        tags: ["accounts"],
        summary: "Every user (owner only)",
        security: API_SECURITY,
        response: { 200: z.array(UserItem), 401: Problem, 403: Problem },
      },
    },
    async () => Promise.all((await listUsers(deps.db)).map(item)),
  );

  app.post(
    "/users",
    {
      preValidation: ownerOnly,
      schema: {
        tags: ["accounts"],
        summary: "Create a user (owner only)",
        description: "409 `login_taken` when the login exists (case-insensitively).",
        security: API_SECURITY,
        body: CreateUserBody,
        response: { 201: UserItem, 400: Problem, 401: Problem, 403: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const actor = assertOwner(request).subject;
      const now = deps.clock();
      let user: UserRow;
      try {
        user = await insertUser(deps.db, {
          login: request.body.login,
          displayName: request.body.display_name,
          passwordHash: await hashPassword(request.body.password),
          isOwner: request.body.is_owner ?? false,
          actor,
          now,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError("login_taken", "this login is taken");
        throw error;
      }
      await recordAudit(deps.db, {
        at: now,
        actor,
        entity: "user",
        entityId: user.id,
        projectId: null,
        action: "create",
        before: null,
        after: { ...auditView(user), password: "set" },
      });
      return reply.code(201).send(await item(user));
    },
  );

  app.patch(
    "/users/:id",
    {
      preValidation: ownerOnly,
      schema: {
        tags: ["accounts"],
        summary: "Change a user (owner only)",
        description: "Deactivating a user or setting a password ends the user's sessions.",
        security: API_SECURITY,
        params: UserParams,
        body: PatchUserBody,
        response: { 200: UserItem, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const actor = assertOwner(request).subject;
      const before = await findUser(deps.db, request.params.id);
      if (before === undefined) throw new NotFoundError("user_not_found", "no such user");
      const { display_name, active, password } = request.body;
      const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
      if (display_name !== undefined) patch.display_name = display_name;
      if (active !== undefined) patch.active = active;
      if (password !== undefined) patch.password_hash = await hashPassword(password);
      const now = deps.clock();
      const after = (await updateUser(deps.db, before.id, patch, actor, now)) ?? before;
      if (active === false || password !== undefined) await deleteUserSessions(deps.db, before.id);
      await recordAudit(deps.db, {
        at: now,
        actor,
        entity: "user",
        entityId: before.id,
        projectId: null,
        action: "update",
        before: auditView(before),
        after: { ...auditView(after), ...(password !== undefined ? { password: "changed" } : {}) },
      });
      return await item(after);
    },
  );
};
