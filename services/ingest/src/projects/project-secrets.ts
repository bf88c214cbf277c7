/**
 * The project registry's stored form: every secret of a {@link ProjectRecord} sealed with
 * {@link encryptSecret} (docs/ARCHITECTURE.md "Projects and secrets"). In memory the registry holds
 * the opened record; in KV only envelopes.
 *
 * Sealed fields (AAD `project:{id}:{field}`):
 * - `api_token` — the CRM API token;
 * - `webhook_secret_sha256` — the digest of the webhook secret. The secret itself is never stored;
 *   its digest is sealed too, because an unsalted SHA-256 of a secret an operator chose can be
 *   guessed offline by anyone who reads the bucket. Opening it costs nothing on the webhook path:
 *   the registry opens records when they change, never per request;
 * - `radist.api_key` — the Radist.Online API key;
 * - `telegram.bot_token` — the Telegram bot token of sale notifications.
 * A new secret field (e.g. a bot token) is sealed by adding it to {@link sealProjectRecord} and
 * {@link openStoredProjectRecord}.
 *
 * Records written before sealing existed hold these fields in clear; they are read as they are and
 * sealed by the next write or by `pnpm cli secrets rotate`.
 */
import { ProjectRecord } from "./project-record.js";
import {
  decryptSecret,
  encryptSecret,
  SecretEnvelope,
  type SecretsKeyring,
  sealedWithOldKey,
} from "./secrets.js";

function aadOf(projectId: string, field: string): string {
  return `project:${projectId}:${field}`;
}

/**
 * The stored form of a record (JSON for KV): `webhook_secret_sha256`, `api_token` (when not null)
 * and `radist.api_key` replaced by envelopes sealed with the current key.
 */
export function sealProjectRecord(keyring: SecretsKeyring, record: ProjectRecord): Record<string, unknown> {
  const id = record.project_id;
  return {
    ...record,
    webhook_secret_sha256: encryptSecret(
      keyring,
      record.webhook_secret_sha256,
      aadOf(id, "webhook_secret_sha256"),
    ),
    api_token:
      record.api_token === null ? null : encryptSecret(keyring, record.api_token, aadOf(id, "api_token")),
    ...(record.radist
      ? {
          radist: {
            ...record.radist,
            api_key: encryptSecret(keyring, record.radist.api_key, aadOf(id, "radist.api_key")),
          },
        }
      : {}),
    ...(record.telegram
      ? {
          telegram: {
            ...record.telegram,
            bot_token: encryptSecret(keyring, record.telegram.bot_token, aadOf(id, "telegram.bot_token")),
          },
        }
      : {}),
  };
}

/** What opening a stored record found: the record, and whether a rewrite would change its sealing. */
export interface OpenedProjectRecord {
  record: ProjectRecord;
  /** True when a secret is in clear or sealed with `SECRETS_KEY_PREVIOUS` (a rotation rewrites it). */
  stale: boolean;
}

/**
 * Opens a stored record: every envelope is decrypted (a clear legacy value is taken as it is),
 * then the result is validated as a {@link ProjectRecord}.
 * @throws SecretDecryptError when an envelope does not open (wrong/unknown key, tampered data, or
 *   an envelope of another project or field); ZodError when the record is invalid.
 */
export function openStoredProjectRecord(keyring: SecretsKeyring, stored: unknown): OpenedProjectRecord {
  const raw = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const id = typeof raw["project_id"] === "string" ? raw["project_id"] : "";
  let stale = false;
  const open = (value: unknown, field: string): unknown => {
    const env = SecretEnvelope.safeParse(value);
    if (!env.success) {
      if (typeof value === "string") stale = true;
      return value;
    }
    if (sealedWithOldKey(keyring, env.data)) stale = true;
    return decryptSecret(keyring, env.data, aadOf(id, field));
  };
  const radist = raw["radist"];
  const opened: Record<string, unknown> = {
    ...raw,
    webhook_secret_sha256: open(raw["webhook_secret_sha256"], "webhook_secret_sha256"),
    api_token: raw["api_token"] === null ? null : open(raw["api_token"], "api_token"),
  };
  if (typeof radist === "object" && radist !== null) {
    const r = radist as Record<string, unknown>;
    opened["radist"] = { ...r, api_key: open(r["api_key"], "radist.api_key") };
  }
  const telegram = raw["telegram"];
  if (typeof telegram === "object" && telegram !== null) {
    const t = telegram as Record<string, unknown>;
    opened["telegram"] = { ...t, bot_token: open(t["bot_token"], "telegram.bot_token") };
  }
  return { record: ProjectRecord.parse(opened), stale };
}
