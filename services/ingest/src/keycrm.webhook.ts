import type { FastifyInstance } from "fastify";
import { ValidationError } from "./http.errors.js";
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
  parse(raw) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      // The parser's message quotes the body; the sender gets a fixed reason instead.
      throw new ValidationError("malformed JSON body");
    }
  },
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
