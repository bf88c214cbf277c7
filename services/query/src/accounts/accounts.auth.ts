import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { LRUCache } from "lru-cache";
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

/** How long a resolved API token is reused without reading `auth.api_tokens` again, milliseconds. */
export const TOKEN_CACHE_TTL_MS = 5000;
/** Most API tokens kept resolved at once (least recently used ones leave first). */
export const TOKEN_CACHE_MAX = 1000;

/**
 * An {@link Authenticator} with a cache of resolved tokens; `invalidate()` forgets them all (call it
 * after any change of tokens, users or memberships in this process).
 */
export type CachedAuthenticator = Authenticator & { invalidate(): void };

/**
 * The API-token {@link Authenticator} over `auth.api_tokens`: looks the SHA-256 of the presented
 * value up, refuses revoked tokens and inactive users, records `last_used_at` (`clock`, at most
 * once a minute per token), and returns the user's principal narrowed to the token's projects and
 * role.
 *
 * Resolved principals are kept in a bounded LRU cache (`lru-cache`; `max` entries, each for `ttlMs`,
 * keyed by the token's SHA-256; unknown or refused tokens are never cached), so a busy bearer
 * client costs no token and membership look-ups per request. This process calls `invalidate()`
 * after every change of tokens, users or memberships (revocation takes effect at once here); other
 * processes (the CLI, other query replicas) converge within `ttlMs`.
 */
export function apiTokenAuthenticator(
  db: Kysely<Database>,
  clock: () => Date,
  opts: { readonly ttlMs?: number; readonly max?: number } = {},
): CachedAuthenticator {
  const cache = new LRUCache<string, { principal: Principal; touchedAt: number }>({
    max: opts.max ?? TOKEN_CACHE_MAX,
    ttl: opts.ttlMs ?? TOKEN_CACHE_TTL_MS,
  });
  // Bumped by invalidate(): a look-up that began before a change does not cache what it read.
  let invalidations = 0;
  const authenticate = async (value: string): Promise<Principal | null> => {
    const hash = sha256Hex(value);
    const now = clock();
    const hit = cache.get(hash);
    if (hit !== undefined) {
      if (now.getTime() - hit.touchedAt >= TOUCH_EVERY_MS && hit.principal.tokenId !== undefined) {
        hit.touchedAt = now.getTime();
        await touchApiToken(db, hit.principal.tokenId, now);
      }
      return hit.principal;
    }
    const generation = invalidations;
    const found = await findApiToken(db, hash);
    if (found === undefined || !tokenUsable(found.token) || !found.user.active) return null;
    const last = found.token.last_used_at;
    let touchedAt = last?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (last === null || now.getTime() - last.getTime() >= TOUCH_EVERY_MS) {
      await touchApiToken(db, found.token.id, now);
      touchedAt = now.getTime();
    }
    const principal: Principal = {
      ...(await principalOfUser(db, found.user, found.token)),
      tokenId: found.token.id,
    };
    // A change made while this look-up ran must not be overwritten by what it read before.
    if (generation === invalidations) cache.set(hash, { principal, touchedAt });
    return principal;
  };
  return Object.assign(authenticate, {
    invalidate() {
      invalidations++;
      cache.clear();
    },
  });
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
