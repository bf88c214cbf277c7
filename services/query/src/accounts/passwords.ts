import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/**
 * Password hashing with argon2id (`@node-rs/argon2`, its defaults: m = 19 MiB, t = 2, p = 1 — the
 * OWASP "Password Storage" minimum for argon2id). The result is a PHC string
 * (`$argon2id$v=19$m=…`) that carries its own salt and parameters.
 * @throws when the native hasher fails (out of memory).
 */
export async function hashPassword(password: string): Promise<string> {
  return await hash(password);
}

// Verified when the login is unknown, so an unknown login costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches the PHC string `passwordHash`; with `passwordHash` `null` (unknown
 * login) it verifies against a throw-away hash and answers false, taking the same time as a real
 * check. A malformed hash answers false.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash(randomBytes(16).toString("hex"));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A new high-entropy secret (32 random bytes, base64url, 43 characters) with `prefix` — session ids,
 * CSRF tokens and API token values.
 */
export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * SHA-256 hex of `value`: how session ids and API tokens are stored and looked up. Their values
 * have 256 bits of entropy, so a fast hash is enough (no brute force is possible), unlike passwords.
 */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
