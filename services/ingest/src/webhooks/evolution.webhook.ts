import type { FastifyInstance } from "fastify";
import { normalizeEvolutionWebhook } from "./evolution.normalizer.js";
import { parseJsonBody } from "./json-body.js";
import { registerWebhookRoute, type WebhookAppContext, type WebhookEndpoint } from "./webhook.route.js";

/**
 * Evolution API endpoint: `application/json` bodies `{event, instance, data, …}`
 * (formats/evolution-api.md §1), parsed once with `JSON.parse`. Any project kind may receive it (a
 * WhatsApp number belongs to a project whatever its CRM); the URL secret authenticates, the body's
 * `apikey` does not.
 */
export const evolutionEndpoint: WebhookEndpoint = {
  source: "evolution",
  projectKind: null,
  contentType: "application/json",
  parse: (raw) => parseJsonBody(raw),
  normalize: normalizeEvolutionWebhook,
};

/**
 * Fastify plugin: `POST /webhooks/evolution/:projectId`. Answers 200 `{accepted, duplicates,
 * ignored}` after JetStream acknowledged every message event (a re-delivered `key.id` counts as a
 * duplicate); 400 for a malformed body, which Evolution ≥2.3 does not retry (evolution-api.md §6),
 * 503 + `Retry-After` when JetStream did not persist, which it retries for ~20 minutes.
 */
export async function evolutionWebhookPlugin(
  app: FastifyInstance,
  opts: { ctx: WebhookAppContext },
): Promise<void> {
  registerWebhookRoute(app, opts.ctx, evolutionEndpoint);
}
