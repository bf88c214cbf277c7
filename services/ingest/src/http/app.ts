/**
 * The ingest HTTP app as a testable factory (fastify/demo style): plugins, routes and the one error
 * handler. It never listens — `server.ts` does.
 */
import type { WebhookReceipt } from "@pulse/events";
import { type Logger, type Nats, problemClientErrorHandler, urlWithoutQuery } from "@pulse/infra";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { IngestConfig } from "../ingest.config.js";
import { countWebhookDelivery, metricsRoutes, outcomeOfStatus } from "../metrics.js";
import type { ProjectRegistry } from "../projects/project-registry.js";
import { coalescingPublisher } from "../publishing/event.publisher.js";
import { eventIdFactory } from "../publishing/event-id.js";
import { amocrmWebhookPlugin } from "../webhooks/amocrm.webhook.js";
import { evolutionWebhookPlugin } from "../webhooks/evolution.webhook.js";
import { keycrmWebhookPlugin } from "../webhooks/keycrm.webhook.js";
import { receiptBatcher } from "../webhooks/receipt.batcher.js";
import {
  decorateWebhookState,
  type WebhookAppContext,
  type WebhookState,
  webhookStateOf,
} from "../webhooks/webhook.route.js";
import { healthPlugin } from "./health.routes.js";
import {
  codeForStatus,
  IngestError,
  NotFoundError,
  type ProblemDetails,
  problemType,
  UnavailableError,
} from "./http.errors.js";

/**
 * Dependencies of {@link buildIngestApp}.
 *
 * - `nats`: connection + JetStream client/manager (`connectNats`); the app does not close it.
 * - `config`: stream/subject names, body limit (bytes), publish timeout (ms), Retry-After (s), and
 *   whether the Evolution endpoint is served (`EVOLUTION_WEBHOOK_ENABLED`, default true).
 * - `logger`: pino logger; request lines carry the URL without its query (secrets live there).
 * - `registry`: the project registry (in-memory lookups).
 * - `clock`: "now" (default `() => new Date()`); `newId`: event id factory (default monotonic ULID).
 */
export interface IngestAppDeps {
  nats: Nats;
  config: Pick<
    IngestConfig,
    | "EVENTS_STREAM"
    | "SUBJECT_ROOT"
    | "WEBHOOK_BODY_LIMIT_BYTES"
    | "PUBLISH_TIMEOUT_MS"
    | "WEBHOOK_RETRY_AFTER_SECONDS"
  > &
    Partial<
      Pick<IngestConfig, "EVOLUTION_WEBHOOK_ENABLED" | "TRUST_RECORDED_RECEIVED_AT" | "RECEIPT_FLUSH_MS">
    >;
  logger: Logger;
  registry: ProjectRegistry;
  /** Bearer token `GET /metrics` requires (`METRICS_TOKEN`); unset = open. */
  metricsToken?: string | undefined;
  clock?: () => Date;
  newId?: () => string;
}

/**
 * Builds the ingest app: `POST /webhooks/keycrm/:projectId`, `POST /webhooks/amocrm/:projectId`,
 * `POST /webhooks/evolution/:projectId` (unless disabled), `GET /health`, `GET /ready`, `GET /metrics`
 * (Prometheus, `metrics.ts`). Every error is answered as RFC 9457 `application/problem+json`
 * `{type, title, status, detail, code}` by one handler: 4xx details name the problem, 5xx details
 * are fixed text (the cause is logged, never echoed); a 503 carries `Retry-After` (seconds).
 * Statistics (SPEC "Webhook statistics count deliveries"): a delivery that stored events is counted
 * by the projector from them (each carries its `WebhookDelivery`); every other answer of a request
 * to an existing project's URL — 200 duplicate/ignored, 4xx `rejected`, 401 `unauthorized` — waits
 * until its `WebhookReceipt` is stored (batched, see `receipt.batcher.ts`); a 503 queues a `failed`
 * receipt without waiting. Requests naming an unknown project are only logged. Closing the app
 * flushes the queue.
 * @returns the fastify instance, ready for `inject` or `listen`.
 */
export async function buildIngestApp(deps: IngestAppDeps): Promise<FastifyInstance> {
  const { config, logger } = deps;
  const ulid = eventIdFactory();
  const clock = deps.clock ?? (() => new Date());
  const publisher = coalescingPublisher(deps.nats.js);
  const receipts = receiptBatcher(
    publisher,
    { root: config.SUBJECT_ROOT },
    {
      flushMs: config.RECEIPT_FLUSH_MS ?? 0,
      timeoutMs: config.PUBLISH_TIMEOUT_MS,
      log: logger,
    },
  );
  const ctx: WebhookAppContext = {
    publisher,
    receipts,
    scheme: { root: config.SUBJECT_ROOT },
    registry: deps.registry,
    clock,
    newId: deps.newId ?? (() => ulid(clock().getTime())),
    publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
    retryAfterSeconds: config.WEBHOOK_RETRY_AFTER_SECONDS,
    trustRecordedReceivedAt: config.TRUST_RECORDED_RECEIVED_AT ?? false,
    log: logger,
  };

  const app = Fastify({
    loggerInstance: logger,
    // One line per webhook from onResponse (URL without its query) instead of fastify's two, and
    // no per-request child logger: `request.log` is not used.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (parent) => parent,
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // URLs the router rejects (a broken escape, an over-long project id) and requests Node's HTTP
    // parser rejects get problem details too, not Fastify's plain JSON.
    frameworkErrors: (error, request, reply) => answerProblem(error, request, reply, ctx),
    clientErrorHandler: problemClientErrorHandler,
  }) as unknown as FastifyInstance;

  app.setErrorHandler((error: FastifyError | Error, request, reply) =>
    answerProblem(error, request, reply, ctx),
  );
  app.setNotFoundHandler((request, reply) =>
    answerProblem(
      new NotFoundError(`no route ${request.method} ${urlWithoutQuery(request.url)}`),
      request,
      reply,
      ctx,
    ),
  );

  decorateWebhookState(app);
  app.addHook("onResponse", (request, reply, done) => {
    const state = webhookStateOf(request);
    if (state) {
      const outcome = state.outcome ?? outcomeOfStatus(reply.statusCode);
      const project = state.project?.record.project_id ?? state.claimedProjectId;
      if (outcome) countWebhookDelivery(project, state.source, outcome);
    }
    if (state && logger.isLevelEnabled("info")) {
      logger.info(
        {
          method: request.method,
          url: urlWithoutQuery(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          project: state.project?.record.project_id ?? state.claimedProjectId ?? undefined,
          outcome: state.outcome ?? undefined,
        },
        "webhook answered",
      );
    }
    done();
  });

  app.addHook("onClose", async () => {
    await receipts.flush();
  });

  await app.register(healthPlugin, { nats: deps.nats, eventsStream: config.EVENTS_STREAM });
  await app.register(metricsRoutes, { token: deps.metricsToken });
  await app.register(keycrmWebhookPlugin, { ctx });
  await app.register(amocrmWebhookPlugin, { ctx });
  if (config.EVOLUTION_WEBHOOK_ENABLED !== false) await app.register(evolutionWebhookPlugin, { ctx });
  return app;
}

function toProblem(error: FastifyError | Error): ProblemDetails {
  if (error instanceof IngestError) {
    const detail = error.status >= 500 ? fixedDetail(error.status) : error.message;
    return {
      type: problemType(error.code),
      title: error.title,
      status: error.status,
      detail,
      code: error.code,
    };
  }
  const statusCode = (error as FastifyError).statusCode;
  const status = typeof statusCode === "number" && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
  const code = codeForStatus(status);
  // The router's messages quote the whole URL, and the webhook secret travels in its query string.
  const routerDetail = ROUTER_DETAILS[(error as FastifyError).code];
  return {
    type: problemType(code),
    title: status >= 500 ? "Internal error" : routerDetail ? "Invalid URL" : titleOf(status),
    status,
    detail: status >= 500 ? fixedDetail(status) : (routerDetail ?? error.message),
    code,
  };
}

/** Fixed details for the URLs the router rejects (see `frameworkErrors` in {@link buildIngestApp}). */
const ROUTER_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: "the URL path has a malformed percent-escape",
  FST_ERR_MAX_PARAM_LENGTH: "a path segment is longer than the router accepts",
};

function titleOf(status: number): string {
  switch (status) {
    case 400:
      return "Invalid webhook body";
    case 413:
      return "Payload too large";
    case 414:
      return "URI too long";
    case 415:
      return "Unsupported media type";
    default:
      return "Request rejected";
  }
}

function fixedDetail(status: number): string {
  return status === 503 ? "the event store is temporarily unavailable; retry later" : "internal error";
}

/**
 * The receipt of a problem answer, or `null` when it is not counted: `unauthorized` (401) for an
 * existing project's URL, `failed` (5xx) and `rejected` (other 4xx) for an authenticated project;
 * nothing for unknown projects and non-webhook routes.
 */
function problemReceipt(problem: ProblemDetails, state: WebhookState | null): WebhookReceipt | null {
  if (!state) return null;
  const projectId =
    problem.status === 401 ? state.claimedProjectId : (state.project?.record.project_id ?? null);
  if (projectId === null) return null;
  const outcome = problem.status === 401 ? "unauthorized" : problem.status >= 500 ? "failed" : "rejected";
  state.outcome = outcome;
  const receipt: WebhookReceipt = {
    project_id: projectId,
    source: state.source,
    received_at: state.receivedAt.toISOString(),
    outcome,
    http_status: problem.status,
    published: 0,
    duplicates: 0,
    ignored: 0,
    reason: `${problem.code}: ${problem.detail}`.slice(0, 200),
  };
  if (state.deliveryId !== null) receipt.delivery_id = state.deliveryId;
  return receipt;
}

async function answerProblem(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: WebhookAppContext,
) {
  const problem = toProblem(error);
  const state = webhookStateOf(request);
  const where = {
    method: request.method,
    url: urlWithoutQuery(request.url),
    project: state?.project?.record.project_id,
  };
  if (problem.status >= 500)
    ctx.log.error({ ...where, err: error, status: problem.status }, "webhook failed");
  else if (problem.status !== 404)
    ctx.log.info({ ...where, status: problem.status, detail: problem.detail }, "request rejected");
  const receipt = problemReceipt(problem, state);
  if (receipt?.outcome === "failed") ctx.receipts.add(receipt);
  else if (receipt) await ctx.receipts.write(receipt);
  if (error instanceof UnavailableError) reply.header("retry-after", String(error.retryAfterSeconds));
  return reply.code(problem.status).type("application/problem+json; charset=utf-8").send(problem);
}
