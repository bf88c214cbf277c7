/**
 * Integration-test support of this package (not exported): the ingest web app over a test
 * environment's NATS with a fixed project registry, for tests that drive the webhook routes with
 * `app.inject`.
 */
import type { FastifyInstance } from "fastify";
import { buildIngestApp } from "../http/app.js";
import { sha256Hex, staticProjectRegistry } from "../projects/project-registry.js";
import type { IngestTestEnv } from "./ingest-test-env.js";

/**
 * Builds the ingest app on `t` (its NATS, config and logger) with two active projects in UTC whose
 * webhook secret is `secret`: `shop` (KeyCRM) and `amo` (amoCRM), no CRM API access. Close it in
 * `after()`.
 * @throws when the app cannot be built (e.g. NATS unreachable).
 */
export async function buildWebhookTestApp(t: IngestTestEnv, secret: string): Promise<FastifyInstance> {
  const common = {
    time_zone: "UTC",
    active: true,
    base_url: null,
    api_token: null,
    webhook_secret_sha256: sha256Hex(secret),
  };
  const registry = staticProjectRegistry([
    { ...common, project_id: "shop", name: "Shop", kind: "keycrm" },
    { ...common, project_id: "amo", name: "Amo", kind: "amocrm" },
  ]);
  return await buildIngestApp({ nats: t.env.nats, config: t.config, logger: t.logger, registry });
}
