import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { Authenticator, Principal, Role, SessionAuthenticator } from "../http/auth.plugin.js";
import {
  type ApiTokenRow,
  deleteSession,
  findApiToken,
  findSession,
  membershipsOf,
  touchApiToken,
  touchSession,
  type UserRow,
} from "./accounts.repository.js";
import { sha256Hex } from "./passwords.js";

/** Session lifetimes, milliseconds. */
export interface SessionLifetimes {
  /** A session unused this long is over (`SESSION_IDLE_MINUTES`). */
  readonly idleMs: number;
  /** A session this old is over however busy (`SESSION_ABSOLUTE_HOURS`). */
  readonly absoluteMs: number;
}

/** `last_seen_at` is written at most this often per session, ms (the idle expiry is this coarse). */
const TOUCH_EVERY_MS = 60_000;

const RANK: Record<Role, number> = { viewer: 0, admin: 1 };

/** The lower of two roles. */
function minRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/**
 * The principal of `user` (active). `scope` narrows it (an API token): its projects (`['*']` =
 * all of the user's) and role cap each project's role. The owner sees every project as admin;
 * an owner's token keeps owner rights only when it is an admin token for every project.
 */
export async function principalOfUser(
  db: Kysely<Database>,
  user: UserRow,
  scope?: { readonly role: Role; readonly projects: readonly string[] },
): Promise<Principal> {
  const all = scope === undefined || scope.projects.includes("*");
  if (user.is_owner) {
    const role: Role = scope?.role ?? "admin";
    if (all) return { subject: user.login, userId: user.id, role, projects: "*", isOwner: role === "admin" };
    const roles = Object.fromEntries(scope.projects.map((p) => [p, role]));
    return {
      subject: user.login,
      userId: user.id,
      role,
      projects: [...scope.projects],
      roles,
      isOwner: false,
    };
  }
  const roles: Record<string, Role> = {};
  const wanted = all ? null : new Set(scope.projects);
  for (const m of await membershipsOf(db, user.id)) {
    if (wanted !== null && !wanted.has(m.project_id)) continue;
    roles[m.project_id] = scope === undefined ? m.role : minRole(m.role, scope.role);
  }
  const projects = Object.keys(roles).sort();
  const role: Role = Object.values(roles).includes("admin") ? "admin" : "viewer";
  return { subject: user.login, userId: user.id, role, projects, roles, isOwner: false };
}

/** True when API token `token` is usable (not revoked). */
function tokenUsable(token: ApiTokenRow): boolean {
  return token.revoked_at === null;
}

/**
 * The API-token {@link Authenticator} over `auth.api_tokens`: looks the SHA-256 of the presented
 * value up, refuses revoked tokens and inactive users, records `last_used_at` (`clock`), and
 * returns the user's principal narrowed to the token's projects and role.
 */
export function apiTokenAuthenticator(db: Kysely<Database>, clock: () => Date): Authenticator {
  return async (value) => {
    const found = await findApiToken(db, sha256Hex(value));
    if (found === undefined || !tokenUsable(found.token) || !found.user.active) return null;
    const now = clock();
    const last = found.token.last_used_at;
    if (last === null || now.getTime() - last.getTime() >= TOUCH_EVERY_MS) {
      await touchApiToken(db, found.token.id, now);
    }
    const principal = await principalOfUser(db, found.user, found.token);
    return { ...principal, tokenId: found.token.id };
  };
}

/**
 * The session {@link SessionAuthenticator} over `auth.sessions`: the cookie value's SHA-256 names
 * the session; it is over (deleted, `session_expired`) when idle longer than `lifetimes.idleMs` or
 * older than `lifetimes.absoluteMs` by `clock`; an inactive user's session is `invalid_session`.
 * A live session's `last_seen_at` moves forward (at most once a minute).
 */
export function sessionAuthenticator(
  db: Kysely<Database>,
  clock: () => Date,
  lifetimes: SessionLifetimes,
): SessionAuthenticator {
  return async (sessionId) => {
    const session = await findSession(db, sha256Hex(sessionId));
    if (session === undefined) return "invalid_session";
    if (!session.user.active) return "invalid_session";
    const now = clock().getTime();
    if (
      now - session.lastSeenAt.getTime() > lifetimes.idleMs ||
      now - session.createdAt.getTime() > lifetimes.absoluteMs
    ) {
      await deleteSession(db, session.idHash);
      return "session_expired";
    }
    if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
      await touchSession(db, session.idHash, new Date(now));
    const principal = await principalOfUser(db, session.user);
    return { ...principal, session: { idHash: session.idHash, csrfToken: session.csrfToken } };
  };
}
