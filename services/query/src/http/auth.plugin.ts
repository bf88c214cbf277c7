import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "./app.errors.js";

/** `admin` may read (and later edit) everything of its projects; `viewer` may only read. */
export type Role = "admin" | "viewer";

/**
 * Who is calling, resolved from the bearer token by the {@link Authenticator}.
 * `projects` is `'*'` (every project) or the ids the principal may see; nothing of any other
 * project may ever be returned to it (SPEC "Projects").
 */
export interface Principal {
  /** Stable id of the caller for logs and audit (`admin` for the environment token). */
  readonly subject: string;
  readonly role: Role;
  readonly projects: "*" | readonly string[];
}

/**
 * Resolves a presented token to a {@link Principal}, or `null` when it matches none. Today
 * {@link adminTokenAuthenticator}; accounts with roles plug in here later (e.g. a lookup of a token
 * hash in Postgres) without touching any route.
 */
export type Authenticator = (token: string) => Promise<Principal | null> | Principal | null;

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller; set on every request under the auth plugin, `null` elsewhere. */
    principal: Principal | null;
  }
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * The single-token authenticator: `adminToken` (env `ADMIN_TOKEN`) maps to an admin of every
 * project. The comparison is constant-time (both sides hashed to 32 bytes, then
 * `timingSafeEqual`), so response timing reveals nothing about the token. With no token
 * configured, nothing authenticates.
 */
export function adminTokenAuthenticator(adminToken: string | undefined): Authenticator {
  const expected = adminToken === undefined || adminToken === "" ? null : sha256(adminToken);
  const admin: Principal = Object.freeze({ subject: "admin", role: "admin", projects: "*" });
  return (token) => (expected !== null && timingSafeEqual(sha256(token), expected) ? admin : null);
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  authenticate: Authenticator;
}

/**
 * The presented token: `Authorization: Bearer …`, else the `access_token` query parameter (for
 * `EventSource`, which cannot set headers). `undefined` when neither is present.
 * @throws UnauthorizedError `invalid_authorization` for an `Authorization` header of another scheme.
 */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header !== "") {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m?.[1])
      throw new UnauthorizedError("invalid_authorization", "Authorization must be `Bearer <token>`");
    return m[1];
  }
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.["access_token"];
  return typeof fromQuery === "string" && fromQuery !== "" ? fromQuery : undefined;
}

/**
 * Fastify plugin (not encapsulated): every route of the context it is registered in requires a
 * valid token. Sets `request.principal` in `onRequest`, so authentication runs before request
 * validation: an anonymous caller gets 401, never a 400 that describes the API.
 * Errors: 401 `missing_token` (no credentials), 401 `invalid_token` (no principal matched).
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, opts) => {
    app.decorateRequest("principal", null);
    app.addHook("onRequest", async (request) => {
      const token = presentedToken(request);
      if (token === undefined) {
        throw new UnauthorizedError(
          "missing_token",
          "an API token is required (Authorization: Bearer <token>)",
        );
      }
      const principal = await opts.authenticate(token);
      if (principal === null) throw new UnauthorizedError("invalid_token", "the API token is not valid");
      request.principal = principal;
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
 * Asserts that the caller may change things (settings, overrides): role `admin` (SPEC
 * "Projects": admins may edit settings and tokens; viewers only read). Returns the principal, whose
 * `subject` is recorded as `changed_by`. Call it before request validation (a `preValidation` hook), so a viewer learns
 * nothing about the body's rules.
 * @throws UnauthorizedError without a principal; ForbiddenError `admin_required` for a viewer.
 */
export function assertAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.role !== "admin") {
    throw new ForbiddenError("admin_required", "this operation needs the admin role");
  }
  return principal;
}
