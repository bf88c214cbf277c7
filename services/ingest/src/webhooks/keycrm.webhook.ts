import type { FastifyInstance } from "fastify";
import { parseJsonBody } from "./json-body.js";
import { normalizeKeycrmWebhook } from "./keycrm.normalizer.js";
import { registerWebhookRoute, type WebhookAppContext, type WebhookEndpoint } from "./webhook.route.js";

/**
 * KeyCRM endpoint: `application/json` bodies `{event, context}` (formats/keycrm.md §1), parsed
 * once with `JSON.parse` (the normalizer reads only named fields, so `__proto__` keys are inert).
 */
export const keycrmEndpoint: WebhookEndpoint = {
  source: "keycrm",
  projectKind: "keycrm",
  contentType: "application/json",
  parse: (raw) => parseJsonBody(raw),
  normalize: normalizeKeycrmWebhook,
};

/**
 * Fastify plugin: `POST /webhooks/keycrm/:projectId`. Answers 200 `{accepted, duplicates, ignored}`
 * after JetStream acknowledged every event; errors become problem details in the app's handler.
 */
export async function keycrmWebhookPlugin(
  app: FastifyInstance,
  opts: { ctx: WebhookAppContext },
): Promise<void> {
  registerWebhookRoute(app, opts.ctx, keycrmEndpoint);
}
