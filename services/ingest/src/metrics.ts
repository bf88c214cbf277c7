/**
 * Prometheus metrics of ingest (README "Metrics and alerts"), served at `GET /metrics` of the
 * webhook app. One registry per process ({@link ingestMetrics}); counters only grow, so tests and
 * dashboards read differences (`rate()`, `increase()`).
 *
 * Labels: `project` (a registered project id, or `unknown` for a URL naming no project — never the
 * id an unknown caller sent), `source` (`keycrm` | `amocrm` | `evolution`), `outcome` (SPEC
 * "Decided rules" → webhook statistics), `api` (`crm` | `radist`), `status` (class of the answer).
 * Never an order, lead or dialog id.
 */
import type { DeliveryOutcome, WebhookSource } from "@pulse/events";
import { createMetricsRegistry, metricsRequestAllowed, sendProblem } from "@pulse/infra";
import type { FastifyInstance } from "fastify";
import { Counter, Histogram, type Registry } from "prom-client";
import { INGEST_PROBLEM_CONTENT_TYPE, metricsUnauthorizedProblem } from "./http/ingest.problems.js";

/** The label value of a request naming no registered project. */
export const UNKNOWN_PROJECT = "unknown";

/** Ingest's metrics and their registry (see the module comment for the labels). */
export interface IngestMetrics {
  readonly registry: Registry;
  /**
   * `pulse_webhook_deliveries_total{project,source,outcome}`: webhook requests by the outcome ingest
   * answered with. `accepted` means "stored at least one event now"; whether such a delivery is a
   * duplicate beyond the 24 h JetStream window is decided later by the projector
   * (`pulse_webhook_stats_deliveries_total`).
   */
  readonly webhookDeliveries: Counter<"project" | "source" | "outcome">;
  /** `pulse_events_published_total{project,result}`: events acknowledged by JetStream (`stored` | `duplicate`). */
  readonly eventsPublished: Counter<"project" | "result">;
  /** `pulse_publish_duration_seconds{outcome}`: publishing one delivery's events until every ack (`ok` | `error`). */
  readonly publishDuration: Histogram<"outcome">;
  /** `pulse_crm_requests_total{api,project,status}`: CRM/chat API attempts by answer class (`2xx`, `4xx`, `429`, `5xx`, `error`). */
  readonly crmRequests: Counter<"api" | "project" | "status">;
  /** `pulse_crm_throttle_wait_seconds{api}`: time a CRM call waited for the per-project limiter. */
  readonly crmThrottleWait: Histogram<"api">;
  /**
   * `pulse_sale_notifications_total{project,outcome}`: sale notifications by outcome (`sent`,
   * `failed`, `unconfirmed`, `skipped` = already claimed, `test_sent`, `test_failed`).
   */
  readonly saleNotifications: Counter<"project" | "outcome">;
}

/** Creates a fresh set of ingest metrics in a new registry (the process uses {@link ingestMetrics}). */
export function createIngestMetrics(): IngestMetrics {
  const registry = createMetricsRegistry("ingest");
  return {
    registry,
    webhookDeliveries: new Counter({
      name: "pulse_webhook_deliveries_total",
      help: "Webhook requests by project, source and the outcome ingest answered with",
      labelNames: ["project", "source", "outcome"] as const,
      registers: [registry],
    }),
    eventsPublished: new Counter({
      name: "pulse_events_published_total",
      help: "Events acknowledged by JetStream: stored now, or duplicate (already in the stream)",
      labelNames: ["project", "result"] as const,
      registers: [registry],
    }),
    publishDuration: new Histogram({
      name: "pulse_publish_duration_seconds",
      help: "Time to publish a delivery's events to JetStream until every ack, seconds",
      labelNames: ["outcome"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    crmRequests: new Counter({
      name: "pulse_crm_requests_total",
      help: "CRM and chat API request attempts by api, project and answer class (2xx, 4xx, 429, 5xx, error)",
      labelNames: ["api", "project", "status"] as const,
      registers: [registry],
    }),
    crmThrottleWait: new Histogram({
      name: "pulse_crm_throttle_wait_seconds",
      help: "Time a CRM/chat API call waited for its per-project rate limiter, seconds",
      labelNames: ["api"] as const,
      buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    saleNotifications: new Counter({
      name: "pulse_sale_notifications_total",
      help: "Telegram sale notifications by project and outcome (sent, failed, unconfirmed, skipped, stale, test_sent, test_failed)",
      labelNames: ["project", "outcome"] as const,
      registers: [registry],
    }),
  };
}

/** The metrics of this process (every ingest app and CRM client of the process counts here). */
export const ingestMetrics: IngestMetrics = createIngestMetrics();

/** Counts one answered webhook request (called from the app's `onResponse`). */
export function countWebhookDelivery(
  project: string | null,
  source: WebhookSource,
  outcome: DeliveryOutcome,
  metrics: IngestMetrics = ingestMetrics,
): void {
  metrics.webhookDeliveries.inc({ project: project ?? UNKNOWN_PROJECT, source, outcome });
}

/**
 * The outcome of a webhook answer when the route did not record one (an error before the project
 * was known): 401 `unauthorized`, 5xx `failed`, other 4xx `rejected`, else `null`.
 */
export function outcomeOfStatus(status: number): DeliveryOutcome | null {
  if (status === 401) return "unauthorized";
  if (status >= 500) return "failed";
  if (status >= 400) return "rejected";
  return null;
}

/** The answer class of a CRM attempt: an HTTP status → `2xx`/`4xx`/`429`/`5xx`; no answer → `error`. */
export function crmStatusClass(status: number | null): string {
  if (status === null) return "error";
  if (status === 429) return "429";
  if (status >= 500) return "5xx";
  if (status >= 400) return "4xx";
  return "2xx";
}

/**
 * Splits a CRM client limiter key into the `api` and `project` labels: `radist:{project}` →
 * `radist`, anything else (a project id) → `crm`.
 */
export function crmLabelsOf(limiterKey: string): { api: string; project: string } {
  return limiterKey.startsWith("radist:")
    ? { api: "radist", project: limiterKey.slice("radist:".length) }
    : { api: "crm", project: limiterKey };
}

/**
 * Registers `GET /metrics` (Prometheus text format). With `token` (`METRICS_TOKEN`) it answers only
 * `Authorization: Bearer {token}` (401 otherwise); without, anyone reaching the port may read it —
 * the webhook port faces the CRMs, so set a token or block `/metrics` at the proxy.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  opts: { metrics?: IngestMetrics; token?: string | undefined } = {},
): Promise<void> {
  const registry = (opts.metrics ?? ingestMetrics).registry;
  app.get("/metrics", async (request, reply) => {
    if (!metricsRequestAllowed(request.headers.authorization, opts.token)) {
      return sendProblem(reply, metricsUnauthorizedProblem(), { contentType: INGEST_PROBLEM_CONTENT_TYPE });
    }
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
