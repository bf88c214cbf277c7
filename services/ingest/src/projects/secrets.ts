/**
 * Secrets at rest: AES-256-GCM envelopes (node:crypto) for the secrets the project registry keeps
 * in NATS KV (CRM API tokens, the webhook secret's digest, the Radist API key), with a key from the
 * environment and a previous key for rotation (decrypt with either, encrypt with the current one).
 *
 * | variable | meaning |
 * |---|---|
 * | `SECRETS_KEY` | base64 of 32 random bytes (`openssl rand -base64 32`); required when `NODE_ENV=production` |
 * | `SECRETS_KEY_PREVIOUS` | the key before a rotation, accepted for decryption only |
 *
 * Without `SECRETS_KEY` outside production the **development key** is used: SHA-256 of a fixed
 * label, the same in every process, so the local stack and the tests need no setup. It protects
 * nothing (it is in this file) and the services say so in a warning at start.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** The fixed label the development key is derived from (SHA-256). Not a secret. */
const DEVELOPMENT_KEY_LABEL = "pulse development secrets key - not for production";

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64");

/**
 * A sealed secret as stored: `alg` `A256GCM`, `kid` (16 hex: the id of the key that sealed it, see
 * {@link secretsKeyId}), `iv` (12 bytes), `ct` (ciphertext) and `tag` (16-byte GCM tag), base64.
 * The additional authenticated data is not stored: the caller names it (project and field), so an
 * envelope copied to another project or field does not open.
 */
export const SecretEnvelope = z.object({
  alg: z.literal("A256GCM"),
  kid: z.string().regex(/^[0-9a-f]{16}$/),
  iv: base64,
  ct: base64,
  tag: base64,
});
/** See {@link SecretEnvelope}. */
export type SecretEnvelope = z.infer<typeof SecretEnvelope>;

/** One AES-256 key and its id. */
export interface SecretsKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The keys of a process: `current` seals and opens; `previous` (after a rotation) only opens.
 * `source`: `env` (`SECRETS_KEY`) or `development` (the fixed development key).
 */
export interface SecretsKeyring {
  readonly current: SecretsKey;
  readonly previous: SecretsKey | null;
  readonly source: "env" | "development";
}

/** A secret that cannot be opened: unknown key id, wrong key, tampered data or wrong AAD. */
export class SecretDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/** The id of a key: the first 16 hex characters of SHA-256(`pulse-secrets-key-id:` ‖ key). Reveals nothing of the key. */
export function secretsKeyId(key: Buffer): string {
  return createHash("sha256").update("pulse-secrets-key-id:").update(key).digest("hex").slice(0, 16);
}

/** A {@link SecretsKey} from 32 raw bytes. @throws Error for another length. */
export function secretsKey(key: Buffer): SecretsKey {
  if (key.length !== 32) throw new Error("a secrets key must be 32 bytes");
  return { id: secretsKeyId(key), key };
}

function keyFromBase64(value: string, name: string): SecretsKey {
  const trimmed = value.trim();
  const raw = base64.safeParse(trimmed).success ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (raw.length !== 32)
    throw new Error(`${name} must be the base64 of 32 bytes (generate one with: openssl rand -base64 32)`);
  return secretsKey(raw);
}

/**
 * The keyring of a process from its environment: `SECRETS_KEY` (current) and
 * `SECRETS_KEY_PREVIOUS` (optional). Without `SECRETS_KEY`: the development key when `NODE_ENV` is
 * not `production`.
 * @throws Error (naming the variable, never its value) when `SECRETS_KEY` is missing with
 *   `NODE_ENV=production`, or a key is not the base64 of 32 bytes.
 */
export function secretsKeyringFromEnv(env: {
  SECRETS_KEY?: string | undefined;
  SECRETS_KEY_PREVIOUS?: string | undefined;
  NODE_ENV?: string | undefined;
}): SecretsKeyring {
  const previous =
    env.SECRETS_KEY_PREVIOUS && env.SECRETS_KEY_PREVIOUS.length > 0
      ? keyFromBase64(env.SECRETS_KEY_PREVIOUS, "SECRETS_KEY_PREVIOUS")
      : null;
  if (env.SECRETS_KEY && env.SECRETS_KEY.length > 0)
    return { current: keyFromBase64(env.SECRETS_KEY, "SECRETS_KEY"), previous, source: "env" };
  if (env.NODE_ENV === "production")
    throw new Error(
      "SECRETS_KEY is required in production: the base64 of 32 random bytes (openssl rand -base64 32) that encrypts the secrets of the project registry",
    );
  return { current: developmentSecretsKey(), previous, source: "development" };
}

/** The fixed development key (see the module comment). */
export function developmentSecretsKey(): SecretsKey {
  return secretsKey(createHash("sha256").update(DEVELOPMENT_KEY_LABEL).digest());
}

let processKeyring: SecretsKeyring | null = null;

/**
 * The keyring of this process from `process.env` (read once). The default of the registry
 * functions when no keyring is passed; services and the CLI build theirs from their own
 * environment at start.
 * @throws see {@link secretsKeyringFromEnv}.
 */
export function processSecretsKeyring(): SecretsKeyring {
  processKeyring ??= secretsKeyringFromEnv(process.env);
  return processKeyring;
}

/**
 * Seals `plaintext` (UTF-8) with the current key: a fresh random 96-bit IV per call, `aad` (e.g.
 * `project:shop-kyiv:api_token`) authenticated but not stored.
 */
export function encryptSecret(keyring: SecretsKeyring, plaintext: string, aad: string): SecretEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    alg: "A256GCM",
    kid: keyring.current.id,
    iv: iv.toString("base64"),
    ct: ct.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

/**
 * Opens an envelope with the key its `kid` names (current or previous).
 * @throws SecretDecryptError when neither key has that id, or the key, data, tag or `aad` do not
 *   match (GCM authentication fails). The message names no secret.
 */
export function decryptSecret(keyring: SecretsKeyring, envelope: SecretEnvelope, aad: string): string {
  const key = [keyring.current, keyring.previous].find((k) => k?.id === envelope.kid);
  if (!key)
    throw new SecretDecryptError(
      `secret sealed with key ${envelope.kid}, which is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS`,
    );
  const iv = Buffer.from(envelope.iv, "base64");
  const tag = Buffer.from(envelope.tag, "base64");
  if (iv.length !== 12 || tag.length !== 16) throw new SecretDecryptError("malformed secret envelope");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv);
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new SecretDecryptError(`secret (${aad}) failed authentication: wrong key or tampered data`);
  }
}

/** True when `envelope` was not sealed with the current key (a rotation re-seals it). */
export function sealedWithOldKey(keyring: SecretsKeyring, envelope: SecretEnvelope): boolean {
  return envelope.kid !== keyring.current.id;
}
