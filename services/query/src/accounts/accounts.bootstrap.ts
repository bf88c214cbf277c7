import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { Role } from "../http/auth.plugin.js";
import { insertApiToken, insertUser, isUniqueViolation, putMembership } from "./accounts.repository.js";
import { Login, NewPassword } from "./accounts.schemas.js";
import { MASK, recordAudit } from "./audit.repository.js";
import { hashPassword, sha256Hex } from "./passwords.js";

/** What {@link createAccount} makes. */
export interface NewAccount {
  readonly login: string;
  readonly displayName: string;
  /** At least 10 characters; stored as an argon2id hash. */
  readonly password: string;
  readonly isOwner: boolean;
  /** Project roles to give the user. */
  readonly memberships?: readonly { readonly projectId: string; readonly role: Role }[];
  /**
   * An API token value (≥ 16 characters) to store, hashed, as the user's admin token for every
   * project (name `bootstrap`): how an existing `ADMIN_TOKEN` keeps working for scripts.
   */
  readonly apiToken?: string;
  /** Author recorded in the audit log (`cli`). */
  readonly actor: string;
  readonly now: Date;
}

/** Why {@link createAccount} refused: a message for the operator (never containing the password). */
export class AccountError extends Error {
  override readonly name = "AccountError";
}

/**
 * Creates a user (the instance owner with `isOwner`) with its memberships and optional API token in
 * one transaction, each step audited under `actor`. Used by `pnpm cli user create` and the demo
 * stack. Returns the new user's id.
 * @throws AccountError for an invalid login or password, a short API token, or a login that exists.
 */
export async function createAccount(db: Kysely<Database>, account: NewAccount): Promise<string> {
  const login = Login.safeParse(account.login);
  if (!login.success) throw new AccountError(`invalid login: ${login.error.issues[0]?.message ?? "invalid"}`);
  if (!NewPassword.safeParse(account.password).success)
    throw new AccountError("the password needs 10 to 1024 characters");
  if (account.apiToken !== undefined && account.apiToken.length < 16)
    throw new AccountError("the API token needs at least 16 characters");
  const passwordHash = await hashPassword(account.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const user = await insertUser(trx, {
        login: login.data,
        displayName: account.displayName,
        passwordHash,
        isOwner: account.isOwner,
        actor: account.actor,
        now: account.now,
      });
      await recordAudit(trx, {
        at: account.now,
        actor: account.actor,
        entity: "user",
        entityId: user.id,
        projectId: null,
        action: "create",
        before: null,
        after: {
          login: user.login,
          display_name: user.display_name,
          is_owner: user.is_owner,
          password: "set",
        },
      });
      for (const m of account.memberships ?? []) {
        await putMembership(trx, user.id, m.projectId, m.role, account.actor, account.now);
        await recordAudit(trx, {
          at: account.now,
          actor: account.actor,
          entity: "membership",
          entityId: `${m.projectId}:${user.login}`,
          projectId: m.projectId,
          action: "create",
          before: null,
          after: { user: user.login, role: m.role },
        });
      }
      if (account.apiToken !== undefined) {
        const token = await insertApiToken(trx, {
          userId: user.id,
          name: "bootstrap",
          tokenHash: sha256Hex(account.apiToken),
          role: "admin",
          projects: ["*"],
          now: account.now,
        });
        await recordAudit(trx, {
          at: account.now,
          actor: account.actor,
          entity: "api_token",
          entityId: token.id,
          projectId: null,
          action: "create",
          before: null,
          after: { name: token.name, role: token.role, projects: token.projects, token: MASK },
        });
      }
      return user.id;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AccountError(`the login "${login.data}" or the API token exists already`);
    throw error;
  }
}
