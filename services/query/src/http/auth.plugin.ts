import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "./app.errors.js";

/** `admin` may read and edit everything of a project; `viewer` may only read (SPEC "Projects"). */
export type Role = "admin" | "viewer";

/** Name of the session cookie (HttpOnly, SameSite=Strict, Path=/; Secure over https). */
export const SESSION_COOKIE = "pulse_session";

/** Header a cookie-authenticated write must carry: the session's `csrf_token` (`GET /api/auth/me`). */
export const CSRF_HEADER = "x-csrf-token";

/**
 * Who is calling, resolved from an API token or a session cookie. `projects` is `'*'` (every
 * project: the instance owner) or the ids the principal may see; nothing of any other project may
 * ever be returned to it (SPEC "Projects"). `roles` gives the role per project; without it every
 * visible project has `role`.
 */
export interface Principal {
  /** Stable name of the caller for logs, `changed_by` and the audit log: the user's login. */
  readonly subject: string;
  /** The highest role the caller has in any project (`admin` for the owner). */
  readonly role: Role;
  readonly projects: "*" | readonly string[];
  /** Role per visible project (project id → role). */
  readonly roles?: Readonly<Record<string, Role>>;
  /** `auth.users` id, when the caller is a user (always, outside tests' own authenticators). */
  readonly userId?: string;
  /** The instance owner (manages users and every project); false for a token with a narrower scope. */
  readonly isOwner?: boolean;
  /** Set when the caller came by the session cookie: its id hash and CSRF token. */
  readonly session?: { readonly idHash: string; readonly csrfToken: string };
  /** Set when the caller came by an API token: its id. */
  readonly tokenId?: string;
}

/**
 * Resolves a presented bearer token to a {@link Principal}, or `null` when it matches none
 * (unknown, revoked, its user inactive). Default: the API tokens of `auth.api_tokens`
 * (`accounts.auth.ts`); tests may plug in their own.
 */
export type Authenticator = (token: string) => Promise<Principal | null> | Principal | null;

/** Why a session cookie was not accepted. */
export type SessionRefusal = "invalid_session" | "session_expired";

/**
 * Resolves a session cookie value to a {@link Principal} (with `session` set), or the reason it
 * is not accepted (unknown, expired idle or absolute, user inactive).
 */
export type SessionAuthenticator = (sessionId: string) => Promise<Principal | SessionRefusal>;

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller; set on every request under the auth plugin, `null` elsewhere. */
    principal: Principal | null;
  }
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time string equality (both sides hashed to 32 bytes first). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  authenticate: Authenticator;
  /** Without it, session cookies are not accepted (bearer tokens only). */
  authenticateSession?: SessionAuthenticator;
}

/**
 * The presented bearer token (`Authorization: Bearer …`), `undefined` without the header. No
 * credential is ever read from the URL.
 * @throws UnauthorizedError `invalid_authorization` for an `Authorization` header of another scheme.
 */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === "") return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m?.[1]) throw new UnauthorizedError("invalid_authorization", "Authorization must be `Bearer <token>`");
  return m[1];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every project id a request names: the `project` query parameter and the `{id}` of
 * `/api/projects/{id}/…` routes.
 */
function namedProjects(request: FastifyRequest): string[] {
  const out: string[] = [];
  const query = request.query as Record<string, unknown> | undefined;
  const project = query?.["project"];
  if (typeof project === "string") out.push(project);
  else if (Array.isArray(project)) for (const p of project) if (typeof p === "string") out.push(p);
  const projectIdParam = query?.["project_id"];
  if (typeof projectIdParam === "string") out.push(projectIdParam);
  if (request.routeOptions.url?.startsWith("/api/projects/:id")) {
    const id = (request.params as Record<string, unknown> | undefined)?.["id"];
    if (typeof id === "string") out.push(id);
  }
  return out;
}

/**
 * Fastify plugin (not encapsulated): every route of the context it is registered in requires a
 * caller, by `Authorization: Bearer <API token>` (wins when present) or the session cookie
 * {@link SESSION_COOKIE}. Sets `request.principal` in `onRequest`, so authentication runs before
 * request validation: an anonymous caller gets 401, never a 400 that describes the API. Then, still
 * before validation:
 * - a cookie-authenticated request other than GET/HEAD/OPTIONS must carry {@link CSRF_HEADER} equal
 *   to the session's CSRF token, else 403 `csrf_rejected` (bearer requests need none);
 * - a request naming a project the caller may not see (`?project=`, `?project_id=`,
 *   `/api/projects/{id}/…`) is 404 `project_not_found`, whatever the route — the same answer as an
 *   unknown project, so no route can leak another project's rows or existence.
 * Errors: 401 `missing_token` (no credentials), 401 `invalid_token`, 401 `invalid_session`,
 * 401 `session_expired`.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, opts) => {
    app.decorateRequest("principal", null);
    app.addHook("onRequest", async (request) => {
      const token = presentedToken(request);
      let principal: Principal;
      if (token !== undefined) {
        const found = await opts.authenticate(token);
        if (found === null) throw new UnauthorizedError("invalid_token", "the API token is not valid");
        principal = found;
      } else {
        const sessionId = request.cookies?.[SESSION_COOKIE];
        if (sessionId === undefined || sessionId === "" || opts.authenticateSession === undefined) {
          throw new UnauthorizedError(
            "missing_token",
            "sign in (session cookie) or send an API token (Authorization: Bearer <token>)",
          );
        }
        const found = await opts.authenticateSession(sessionId);
        if (found === "invalid_session")
          throw new UnauthorizedError("invalid_session", "the session is not valid; sign in again");
        if (found === "session_expired")
          throw new UnauthorizedError("session_expired", "the session has expired; sign in again");
        principal = found;
        if (!SAFE_METHODS.has(request.method)) {
          const sent = request.headers[CSRF_HEADER];
          if (
            typeof sent !== "string" ||
            !principal.session ||
            !safeEqual(sent, principal.session.csrfToken)
          ) {
            throw new ForbiddenError("csrf_rejected", `a write by session needs the ${CSRF_HEADER} header`);
          }
        }
      }
      request.principal = principal;
      for (const projectId of namedProjects(request)) {
        if (!canSeeProject(principal, projectId))
          throw new NotFoundError("project_not_found", `project ${projectId} not found`);
      }
    });
  },
  { name: "pulse-auth", fastify: "5.x" },
);

/**
 * The request's principal.
 * @throws UnauthorizedError `missing_token` when the route is not under {@link authPlugin}.
 */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new UnauthorizedError("missing_token", "an API token is required");
  return request.principal;
}

/** True when `principal` may see `projectId`. */
export function canSeeProject(principal: Principal, projectId: string): boolean {
  return principal.projects === "*" || principal.projects.includes(projectId);
}

/** The role of `principal` in `projectId`, `null` when it may not see the project. */
export function roleIn(principal: Principal, projectId: string): Role | null {
  if (!canSeeProject(principal, projectId)) return null;
  if (principal.isOwner === true) return "admin";
  return principal.roles?.[projectId] ?? principal.role;
}

/** True when the principal is the instance owner (or a test principal with every project as admin). */
export function isOwner(principal: Principal): boolean {
  return principal.isOwner ?? (principal.projects === "*" && principal.role === "admin");
}

/**
 * Asserts that the caller may see `projectId`. A project outside the caller's set is answered
 * exactly like an unknown one (404 `project_not_found`), so a viewer cannot probe which project
 * ids exist in the installation.
 * @throws UnauthorizedError without a principal; NotFoundError `project_not_found` otherwise.
 */
export function assertProjectAccess(request: FastifyRequest, projectId: string): void {
  if (!canSeeProject(principalOf(request), projectId)) {
    throw new NotFoundError("project_not_found", `project ${projectId} not found`);
  }
}

/**
 * Asserts that the caller is an admin of `projectId` (SPEC "Projects": admins edit settings and
 * tokens; viewers only read). Returns the principal, whose `subject` is recorded as `changed_by`.
 * Call it before request validation (a `preValidation` hook), so a viewer learns nothing about
 * the body's rules.
 * @throws UnauthorizedError without a principal; NotFoundError `project_not_found` when the caller
 *   may not see the project; ForbiddenError `admin_required` for a viewer of it.
 */
export function assertProjectAdmin(request: FastifyRequest, projectId: string): Principal {
  const principal = principalOf(request);
  const role = roleIn(principal, projectId);
  if (role === null) throw new NotFoundError("project_not_found", `project ${projectId} not found`);
  if (role !== "admin") throw new ForbiddenError("admin_required", "this operation needs the admin role");
  return principal;
}

/**
 * Asserts that the caller is an admin of at least one project (`role` `admin`); for operations
 * not scoped to one project.
 * @throws UnauthorizedError without a principal; ForbiddenError `admin_required` otherwise.
 */
export function assertAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.role !== "admin") {
    throw new ForbiddenError("admin_required", "this operation needs the admin role");
  }
  return principal;
}

/**
 * Asserts that the caller is the instance owner (users are managed by the owner only).
 * @throws UnauthorizedError without a principal; ForbiddenError `owner_required` otherwise.
 */
export function assertOwner(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (!isOwner(principal))
    throw new ForbiddenError("owner_required", "this operation needs the instance owner");
  return principal;
}
