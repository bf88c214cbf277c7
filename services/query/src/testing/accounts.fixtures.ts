/**
 * Test support (not exported by the package): accounts for tests that call the API — an owner whose
 * API token has a value the test chose, and users with a password and project roles.
 */
import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import {
  findUserByLogin,
  insertApiToken,
  insertUser,
  putMembership,
} from "../accounts/accounts.repository.js";
import { hashPassword, sha256Hex } from "../accounts/passwords.js";
import type { Role } from "../http/auth.plugin.js";

/** When the fixtures' rows were made. */
const SEEDED_AT = new Date("2026-01-01T00:00:00.000Z");

/**
 * Makes sure `login` exists (an owner when `isOwner`), with `password` (default: a fixed test
 * password), and returns its id. An existing user is returned unchanged.
 */
export async function seedUser(
  db: Kysely<Database>,
  opts: { login: string; password?: string; isOwner?: boolean; displayName?: string },
): Promise<string> {
  const existing = await findUserByLogin(db, opts.login);
  if (existing !== undefined) return existing.id;
  const user = await insertUser(db, {
    login: opts.login,
    displayName: opts.displayName ?? opts.login,
    passwordHash: await hashPassword(opts.password ?? "test-password-0123"),
    isOwner: opts.isOwner ?? false,
    actor: "test",
    now: SEEDED_AT,
  });
  return user.id;
}

/**
 * Gives user `userId` an API token whose value is `token` (stored hashed, as the API stores one),
 * with `role` (default admin) over `projects` (default `['*']`, every project of the user).
 */
export async function seedApiToken(
  db: Kysely<Database>,
  userId: string,
  token: string,
  opts: { role?: Role; projects?: readonly string[]; name?: string } = {},
): Promise<void> {
  await insertApiToken(db, {
    userId,
    name: opts.name ?? "test",
    tokenHash: sha256Hex(token),
    role: opts.role ?? "admin",
    projects: opts.projects ?? ["*"],
    now: SEEDED_AT,
  });
}

/**
 * The test harness's owner: user `test-owner` (owner of the instance) with an admin API token for
 * every project whose value is `token` — so a test that calls the API with a constant bearer token
 * keeps working with accounts. Idempotent per token value.
 */
export async function seedOwnerToken(db: Kysely<Database>, token: string): Promise<void> {
  const userId = await seedUser(db, { login: "test-owner", isOwner: true });
  const exists = await db
    .selectFrom("auth.api_tokens")
    .select("id")
    .where("token_hash", "=", sha256Hex(token))
    .executeTakeFirst();
  if (exists === undefined) await seedApiToken(db, userId, token);
}

/** Gives `userId` role `role` in each of `projects`. */
export async function seedMemberships(
  db: Kysely<Database>,
  userId: string,
  projects: readonly string[],
  role: Role,
): Promise<void> {
  for (const p of projects) await putMembership(db, userId, p, role, "test", SEEDED_AT);
}
