import rateLimit from "@fastify/rate-limit";
import type { Database } from "@pulse/infra";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_SECURITY } from "../http/api.schemas.js";
import { TooManyRequestsError, UnauthorizedError } from "../http/app.errors.js";
import { isOwner, type Principal, principalOf, SESSION_COOKIE } from "../http/auth.plugin.js";
import { Problem } from "../http/problem.handler.js";
import { listProjects } from "../projects/projects.repository.js";
import { principalOfUser } from "./accounts.auth.js";
import {
  deleteSession,
  deleteUserSessions,
  findUser,
  findUserByLogin,
  insertSession,
  type UserRow,
  updateUser,
} from "./accounts.repository.js";
import { LoginBody, Me, PasswordChangeBody } from "./accounts.schemas.js";
import { recordAudit } from "./audit.repository.js";
import type { LoginThrottle } from "./login.throttle.js";
import { hashPassword, newSecret, sha256Hex, verifyPassword } from "./passwords.js";

/** Options of {@link loginRoutes}. */
export interface LoginRouteOptions extends RouteOptions {
  readonly throttle: LoginThrottle;
}

/** The `Me` of `user` with principal `principal` (its memberships) and `csrfToken`. */
export async function meOf(
  db: Kysely<Database>,
  user: UserRow,
  principal: Principal,
  csrfToken: string,
): Promise<Me> {
  const memberships =
    principal.projects === "*"
      ? (await listProjects(db, "*")).map((p) => ({ project_id: p.project_id, role: "admin" as const }))
      : principal.projects.map((p) => ({ project_id: p, role: principal.roles?.[p] ?? principal.role }));
  return {
    user: { id: user.id, login: user.login, display_name: user.display_name, is_owner: isOwner(principal) },
    memberships,
    csrf_token: csrfToken,
  };
}

/** Cookie attributes of the session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over https. */
function cookieOptions(request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: "strict" as const,
    path: "/",
    secure: request.protocol === "https",
  };
}

/** Removes the session cookie from the browser. */
function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

/** The signed-in user of `principal`. @throws UnauthorizedError when it is not a user (or gone). */
async function userOf(db: Kysely<Database>, principal: Principal): Promise<UserRow> {
  const user = principal.userId === undefined ? undefined : await findUser(db, principal.userId);
  if (user === undefined || !user.active)
    throw new UnauthorizedError("invalid_session", "not signed in as a user");
  return user;
}

/**
 * `POST /auth/login` (public, under `/api`): checks login and password (argon2id) and opens a
 * server-side session, whose random id goes into the `pulse_session` cookie (HttpOnly,
 * SameSite=Strict, Path=/, Secure over https) and only its SHA-256 into `auth.sessions`. Unknown
 * login, inactive user and wrong password are the same 401 `invalid_credentials`, taking the same
 * time. Two brakes: `@fastify/rate-limit` per (client IP, login) — `LOGIN_RATE_LIMIT_MAX` attempts
 * per `LOGIN_RATE_LIMIT_WINDOW_MINUTES`; and the {@link LoginThrottle} backoff after repeated
 * failures of one login. Both answer 429 with `Retry-After`.
 */
export const loginRoutes: FastifyPluginAsyncZod<LoginRouteOptions> = async (app, { deps, throttle }) => {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, ctx) =>
      new TooManyRequestsError("rate_limited", `too many login attempts; retry in ${ctx.after}`),
  });
  app.post(
    "/auth/login",
    {
      config: {
        rateLimit: {
          max: deps.config.LOGIN_RATE_LIMIT_MAX,
          timeWindow: deps.config.LOGIN_RATE_LIMIT_WINDOW_MINUTES * 60_000,
          hook: "preHandler",
          keyGenerator: (request: FastifyRequest) => {
            const login = (request.body as { login?: unknown } | undefined)?.login;
            return `${request.ip}|${typeof login === "string" ? login.toLowerCase() : ""}`;
          },
        },
      },
      schema: {
        tags: ["auth"],
        summary: "Sign in",
        description:
          "Checks login and password and opens a session: sets the `pulse_session` cookie (HttpOnly, " +
          "SameSite=Strict) and answers the caller (`Me`, with the `csrf_token` every cookie-authenticated " +
          "write must send as `X-CSRF-Token`). 401 `invalid_credentials` for an unknown login, an inactive " +
          "user or a wrong password alike; 429 (`rate_limited`, `login_throttled`) with `Retry-After` after " +
          "too many attempts.",
        body: LoginBody,
        response: {
          200: Me,
          400: Problem,
          401: Problem,
          429: Problem.describe("too many attempts; `Retry-After` says when to retry"),
        },
      },
    },
    async (request, reply) => {
      const { login, password } = request.body;
      const waitMs = throttle.waitMs(login);
      if (waitMs > 0) {
        reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
        throw new TooManyRequestsError("login_throttled", "too many failed logins; retry later");
      }
      const user = await findUserByLogin(deps.db, login);
      const usable = user?.active ? user : undefined;
      const ok = await verifyPassword(usable?.password_hash ?? null, password);
      if (!ok || usable === undefined) {
        throttle.failed(login);
        request.log.info({ outcome: "invalid_credentials" }, "login refused");
        throw new UnauthorizedError("invalid_credentials", "the login or the password is wrong");
      }
      throttle.succeeded(login);
      const sessionId = newSecret();
      const csrfToken = newSecret();
      await insertSession(deps.db, {
        idHash: sha256Hex(sessionId),
        userId: usable.id,
        csrfToken,
        now: deps.clock(),
      });
      reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions(request));
      request.log.info({ user_id: usable.id }, "signed in");
      return await meOf(deps.db, usable, await principalOfUser(deps.db, usable), csrfToken);
    },
  );
};

/**
 * The signed-in caller's own routes (under `/api`, behind the auth plugin):
 * - `GET /auth/me` — the caller (`Me`), 401 without a valid session or token;
 * - `POST /auth/logout` — deletes the server-side session and clears the cookie (204);
 * - `POST /auth/password` — changes the password after checking the current one (401
 *   `invalid_credentials` when wrong), ends the user's other sessions, and is audited (values masked).
 */
export const authRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/auth/me",
    {
      schema: {
        tags: ["auth"],
        summary: "The caller",
        security: API_SECURITY,
        response: { 200: Me, 401: Problem },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const user = await userOf(deps.db, principal);
      return await meOf(deps.db, user, principal, principal.session?.csrfToken ?? "");
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign out",
        description:
          "Ends the session (server-side) and clears the cookie. A bearer-token call changes nothing.",
        security: API_SECURITY,
        response: { 204: z.null().describe("signed out"), 401: Problem, 403: Problem },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.session !== undefined) await deleteSession(deps.db, principal.session.idHash);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/auth/password",
    {
      schema: {
        tags: ["auth"],
        summary: "Change the caller's password",
        description:
          "Checks `current_password` (401 `invalid_credentials` when wrong), stores `new_password` (at least 10 " +
          "characters, 400 otherwise) and ends the caller's other sessions.",
        security: API_SECURITY,
        body: PasswordChangeBody,
        response: { 204: z.null().describe("changed"), 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const user = await userOf(deps.db, principal);
      if (!(await verifyPassword(user.password_hash, request.body.current_password))) {
        throw new UnauthorizedError("invalid_credentials", "the current password is wrong");
      }
      const now = deps.clock();
      await updateUser(
        deps.db,
        user.id,
        { password_hash: await hashPassword(request.body.new_password) },
        principal.subject,
        now,
      );
      await deleteUserSessions(deps.db, user.id, principal.session?.idHash);
      await recordAudit(deps.db, {
        at: now,
        actor: principal.subject,
        entity: "user",
        entityId: user.id,
        projectId: null,
        action: "password_change",
        before: { password: "old" },
        after: { password: "new" },
      });
      return reply.code(204).send(null);
    },
  );
};
