/**
 * Key rotation of the project registry (`pnpm cli secrets rotate`): every record is opened with
 * `SECRETS_KEY` or `SECRETS_KEY_PREVIOUS` and written back sealed with `SECRETS_KEY`.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { openProjectsBucket } from "./project-registry.js";
import { openStoredProjectRecord, sealProjectRecord } from "./project-secrets.js";
import type { SecretsKeyring } from "./secrets.js";

/** Counts of one rotation; `failed` lists the keys whose secrets did not open (or are invalid), with the reason. */
export interface SecretsRotationResult {
  /** Records rewritten: sealed with the previous key, or holding a secret in clear. */
  resealed: number;
  /** Records already sealed with the current key (left as they are). */
  current: number;
  failed: { key: string; reason: string }[];
}

/**
 * Re-seals every record of `{eventsStream}_PROJECTS` whose secrets are in clear or sealed with the
 * previous key, each with a compare-and-set on its KV revision (a record changed meanwhile is read
 * again, up to 3 times). Records that do not open are left untouched and reported. Idempotent: a
 * second run rewrites nothing. Ingest picks the rewritten records up through its registry watch
 * (it must hold the new key as `SECRETS_KEY` — the old one may stay as `SECRETS_KEY_PREVIOUS` until
 * the rotation has run).
 * @throws NATS errors when KV is unreachable.
 */
export async function rotateProjectSecrets(
  js: JetStreamClient,
  eventsStream: string,
  keyring: SecretsKeyring,
): Promise<SecretsRotationResult> {
  const kv = await openProjectsBucket(js, eventsStream);
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  keys.sort();
  const result: SecretsRotationResult = { resealed: 0, current: 0, failed: [] };
  for (const key of keys) {
    for (let attempt = 1; ; attempt++) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== "PUT") break;
      let opened: ReturnType<typeof openStoredProjectRecord>;
      try {
        opened = openStoredProjectRecord(keyring, entry.json());
      } catch (error) {
        result.failed.push({ key, reason: (error as Error).message });
        break;
      }
      if (!opened.stale) {
        result.current++;
        break;
      }
      try {
        await kv.update(key, JSON.stringify(sealProjectRecord(keyring, opened.record)), entry.revision);
        result.resealed++;
        break;
      } catch (error) {
        if (attempt >= 3) {
          result.failed.push({ key, reason: `changed during the rotation: ${(error as Error).message}` });
          break;
        }
      }
    }
  }
  return result;
}
