/**
 * Webhook authentication. Neither KeyCRM nor amoCRM signs its webhooks (formats/keycrm.md §6.6,
 * amocrm.md §6), nor does Evolution API (evolution-api.md §7; its body's `apikey` is the instance
 * token or null and proves nothing): the URL carries a per-project secret, which ingest compares by
 * SHA-256 digest in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { CrmKind } from "@pulse/events";
import { UnauthorizedError } from "../http/http.errors.js";
import type { ProjectEntry, ProjectRegistry } from "../projects/project-registry.js";

/**
 * The secret a request presents: query parameter `secret`, else `token`, else the
 * `X-Webhook-Secret` header; `undefined` when none is a non-empty string.
 */
export function presentedSecret(
  query: unknown,
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const candidate of [q["secret"], q["token"], headers["x-webhook-secret"]]) {
    if (typeof candidate === "string" && candidate.length > 0) return candidate;
  }
  return undefined;
}

/** True when `secret` hashes to the project's stored digest (constant-time comparison of 32 bytes). */
export function secretMatches(entry: ProjectEntry, secret: string): boolean {
  return digestMatches(entry, createHash("sha256").update(secret, "utf8").digest());
}

function digestMatches(entry: ProjectEntry, digest: Buffer): boolean {
  return digest.length === entry.secretDigest.length && timingSafeEqual(digest, entry.secretDigest);
}

/**
 * Resolves the project of a webhook request and checks its secret. The secret is hashed before the
 * lookup, so an unknown project costs the same as a wrong secret.
 * @returns the registry entry of an active project of `kind` (any kind when `kind` is `null`: chat
 *   webhooks such as Evolution belong to a project whatever its CRM) whose secret matches.
 * @throws UnauthorizedError for an unknown or inactive project, a project of the other CRM kind, or
 *   a missing or wrong secret (one message for all, so the answer does not reveal which).
 */
export function authenticateWebhook(
  registry: ProjectRegistry,
  kind: CrmKind | null,
  projectId: string,
  secret: string | undefined,
): ProjectEntry {
  const digest = createHash("sha256")
    .update(secret ?? "", "utf8")
    .digest();
  const entry = registry.get(projectId);
  if (
    !entry ||
    !entry.record.active ||
    (kind !== null && entry.record.kind !== kind) ||
    secret === undefined ||
    !digestMatches(entry, digest)
  ) {
    throw new UnauthorizedError();
  }
  return entry;
}
