import type { ApiTokensTable, Database, UsersTable } from "@pulse/infra";
import type { Kysely, Selectable } from "kysely";
import { ulid } from "ulid";
import type { Role } from "../http/auth.plugin.js";

/** A row of `auth.users`, as read. */
export type UserRow = Selectable<UsersTable>;
/** A row of `auth.api_tokens`, as read. */
export type ApiTokenRow = Selectable<ApiTokensTable>;
/** A user's role in one project. */
export interface Membership {
  readonly project_id: string;
  readonly role: Role;
}

/** True when `error` is PostgreSQL's unique violation (`23505`). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

/**
 * The user whose login is `login` (case-insensitive), or `undefined`.
 * @throws the Postgres error when the query fails.
 */
export async function findUserByLogin(db: Kysely<Database>, login: string): Promise<UserRow | undefined> {
  return await db
    .selectFrom("auth.users")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["login"]), "=", login.toLowerCase()))
    .executeTakeFirst();
}

/** The user `id`, or `undefined`. @throws the Postgres error when the query fails. */
export async function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return await db.selectFrom("auth.users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every user, by login. @throws the Postgres error when the query fails. */
export async function listUsers(db: Kysely<Database>): Promise<UserRow[]> {
  return await db.selectFrom("auth.users").selectAll().orderBy("login").execute();
}

/** What {@link insertUser} stores. */
export interface NewUser {
  readonly login: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly isOwner: boolean;
  /** Login of the author (`cli` for the command line). */
  readonly actor: string;
  readonly now: Date;
  /** Default: a new ULID. */
  readonly id?: string;
}

/**
 * Inserts a user (active).
 * @throws the Postgres unique violation (`23505`, see {@link isUniqueViolation}) when the login is
 *   taken (case-insensitively).
 */
export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<UserRow> {
  return await db
    .insertInto("auth.users")
    .values({
      id: user.id ?? ulid(user.now.getTime()),
      login: user.login,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      is_owner: user.isOwner,
      active: true,
      created_at: user.now,
      created_by: user.actor,
      updated_at: user.now,
      updated_by: user.actor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Fields {@link updateUser} may change. */
export interface UserPatch {
  readonly display_name?: string;
  readonly active?: boolean;
  readonly password_hash?: string;
}

/** Applies `patch` to user `id`; returns the new row or `undefined` when there is no such user. */
export async function updateUser(
  db: Kysely<Database>,
  id: string,
  patch: UserPatch,
  actor: string,
  now: Date,
): Promise<UserRow | undefined> {
  return await db
    .updateTable("auth.users")
    .set({ ...patch, updated_at: now, updated_by: actor })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** The memberships of user `userId`, by project. */
export async function membershipsOf(db: Kysely<Database>, userId: string): Promise<Membership[]> {
  return await db
    .selectFrom("auth.memberships")
    .select(["project_id", "role"])
    .where("user_id", "=", userId)
    .orderBy("project_id")
    .execute();
}

/** A member of a project, as `GET /api/projects/{id}/members` lists it. */
export interface ProjectMember {
  readonly user_id: string;
  readonly login: string;
  readonly display_name: string;
  readonly role: Role;
}

/** The members of project `projectId`, by login. */
export async function projectMembers(db: Kysely<Database>, projectId: string): Promise<ProjectMember[]> {
  return await db
    .selectFrom("auth.memberships as m")
    .innerJoin("auth.users as u", "u.id", "m.user_id")
    .select(["m.user_id", "u.login", "u.display_name", "m.role"])
    .where("m.project_id", "=", projectId)
    .orderBy("u.login")
    .execute();
}

/** The role of `userId` in `projectId`, or `undefined` when not a member. */
export async function membershipRole(
  db: Kysely<Database>,
  userId: string,
  projectId: string,
): Promise<Role | undefined> {
  const row = await db
    .selectFrom("auth.memberships")
    .select("role")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row?.role;
}

/** Sets (inserts or replaces) the role of `userId` in `projectId`. */
export async function putMembership(
  db: Kysely<Database>,
  userId: string,
  projectId: string,
  role: Role,
  actor: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto("auth.memberships")
    .values({ user_id: userId, project_id: projectId, role, created_at: now, created_by: actor })
    .onConflict((oc) =>
      oc.columns(["user_id", "project_id"]).doUpdateSet({ role, created_at: now, created_by: actor }),
    )
    .execute();
}

/** Removes `userId` from `projectId`; true when a membership was removed. */
export async function deleteMembership(
  db: Kysely<Database>,
  userId: string,
  projectId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom("auth.memberships")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** A session joined with its user, as the auth plugin reads it. */
export interface SessionWithUser {
  readonly idHash: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly user: UserRow;
}

/** Stores a session (its id only as SHA-256 hex). */
export async function insertSession(
  db: Kysely<Database>,
  session: { idHash: string; userId: string; csrfToken: string; now: Date },
): Promise<void> {
  await db
    .insertInto("auth.sessions")
    .values({
      id_hash: session.idHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      created_at: session.now,
      last_seen_at: session.now,
    })
    .execute();
}

/** The session whose id hashes to `idHash`, with its user, or `undefined`. */
export async function findSession(
  db: Kysely<Database>,
  idHash: string,
): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom("auth.sessions as s")
    .innerJoin("auth.users as u", "u.id", "s.user_id")
    .selectAll("u")
    .select(["s.id_hash", "s.csrf_token", "s.created_at as s_created_at", "s.last_seen_at as s_last_seen_at"])
    .where("s.id_hash", "=", idHash)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { id_hash, csrf_token, s_created_at, s_last_seen_at, ...user } = row;
  return {
    idHash: id_hash,
    csrfToken: csrf_token,
    createdAt: s_created_at,
    lastSeenAt: s_last_seen_at,
    user,
  };
}

/** Moves the session's `last_seen_at` to `now` (the idle expiry counts from it). */
export async function touchSession(db: Kysely<Database>, idHash: string, now: Date): Promise<void> {
  await db.updateTable("auth.sessions").set({ last_seen_at: now }).where("id_hash", "=", idHash).execute();
}

/** Deletes one session (logout, expiry). */
export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom("auth.sessions").where("id_hash", "=", idHash).execute();
}

/** Deletes every session of `userId` except `keepIdHash` (password change, deactivation). */
export async function deleteUserSessions(
  db: Kysely<Database>,
  userId: string,
  keepIdHash?: string,
): Promise<void> {
  await db
    .deleteFrom("auth.sessions")
    .where("user_id", "=", userId)
    .$if(keepIdHash !== undefined, (qb) => qb.where("id_hash", "<>", keepIdHash as string))
    .execute();
}

/** What {@link insertApiToken} stores. */
export interface NewApiToken {
  readonly userId: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly role: Role;
  /** Project ids, or `['*']` for every project of the user. */
  readonly projects: readonly string[];
  readonly now: Date;
}

/** Stores an API token (its value only as SHA-256 hex). */
export async function insertApiToken(db: Kysely<Database>, token: NewApiToken): Promise<ApiTokenRow> {
  return await db
    .insertInto("auth.api_tokens")
    .values({
      id: ulid(token.now.getTime()),
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      role: token.role,
      projects: [...token.projects],
      created_at: token.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The token whose value hashes to `tokenHash`, with its user, or `undefined`. */
export async function findApiToken(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
  const token = await db
    .selectFrom("auth.api_tokens")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (token === undefined) return undefined;
  const user = await findUser(db, token.user_id);
  return user === undefined ? undefined : { token, user };
}

/** The API tokens of `userId`, newest first. */
export async function listApiTokens(db: Kysely<Database>, userId: string): Promise<ApiTokenRow[]> {
  return await db
    .selectFrom("auth.api_tokens")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** Sets `revoked_at` of token `id` of `userId`; returns the row (before revocation) or `undefined`. */
export async function revokeApiToken(
  db: Kysely<Database>,
  userId: string,
  id: string,
  now: Date,
): Promise<ApiTokenRow | undefined> {
  const before = await db
    .selectFrom("auth.api_tokens")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (before === undefined) return undefined;
  if (before.revoked_at === null) {
    await db.updateTable("auth.api_tokens").set({ revoked_at: now }).where("id", "=", id).execute();
  }
  return before;
}

/** Records that token `id` was used at `now`. */
export async function touchApiToken(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable("auth.api_tokens").set({ last_used_at: now }).where("id", "=", id).execute();
}
