import type { FastifyInstance } from "fastify";
import { isRecord } from "../crm/crm-values.js";
import { ValidationError } from "../http/http.errors.js";
import { normalizeAmocrmWebhook, parseAmocrmForm } from "./amocrm.normalizer.js";
import { registerWebhookRoute, type WebhookAppContext, type WebhookEndpoint } from "./webhook.route.js";

/**
 * amoCRM endpoint: `application/x-www-form-urlencoded` bodies with PHP bracket keys
 * (formats/amocrm.md §2), decoded once with `qs` (depth 10, arrayLimit 1000, parameterLimit 10 000).
 */
export const amocrmEndpoint: WebhookEndpoint = {
  source: "amocrm",
  projectKind: "amocrm",
  contentType: "application/x-www-form-urlencoded",
  parse: (raw) => parseAmocrmForm(raw),
  normalize(body, ctx) {
    if (!isRecord(body)) throw new ValidationError("body must be a form");
    return normalizeAmocrmWebhook(body, ctx);
  },
};

/**
 * Fastify plugin: `POST /webhooks/amocrm/:projectId`. Answers 200 `{accepted, duplicates, ignored}`
 * after JetStream acknowledged every event of the body (several leads → several events); amoCRM
 * waits at most 2 s, so the publish timeout stays well below.
 */
export async function amocrmWebhookPlugin(
  app: FastifyInstance,
  opts: { ctx: WebhookAppContext },
): Promise<void> {
  registerWebhookRoute(app, opts.ctx, amocrmEndpoint);
}
