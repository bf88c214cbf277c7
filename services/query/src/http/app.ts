import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { problemClientErrorHandler, urlWithoutQuery } from "@pulse/infra";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import { FastifySSEPlugin } from "fastify-sse-v2";
import {
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import {
  apiTokenAuthenticator,
  type CachedAuthenticator,
  sessionAuthenticator,
} from "../accounts/accounts.auth.js";
import { auditRoutes } from "../accounts/audit.routes.js";
import { authRoutes, loginRoutes } from "../accounts/auth.routes.js";
import { createLoginThrottle } from "../accounts/login.throttle.js";
import { membersRoutes } from "../accounts/members.routes.js";
import { tokensRoutes } from "../accounts/tokens.routes.js";
import { usersRoutes } from "../accounts/users.routes.js";
import { analysisRoutes } from "../analysis/analysis.routes.js";
import { analyticsRoutes } from "../analytics/analytics.routes.js";
import { dashboardRoutes } from "../dashboard/dashboard.routes.js";
import type { QueryDeps } from "../deps.js";
import { dialogsRoutes } from "../dialogs/dialogs.routes.js";
import { integrationsRoutes } from "../integrations/integrations.routes.js";
import { natsPlugin } from "../live/nats.plugin.js";
import { createOrderUpdatesFeeds } from "../live/order-updates.feed.js";
import { sseRoutes } from "../live/sse.routes.js";
import { createQueryMetrics, metricsPlugin } from "../metrics.js";
import { ordersRoutes } from "../orders/orders.routes.js";
import { projectRoutes, projectsRoutes } from "../projects/projects.routes.js";
import { replaysRoutes } from "../projects/replays.routes.js";
import { reportsRoutes } from "../reports/reports.routes.js";
import { salesRoutes } from "../sales/sales.routes.js";
import { dictsRoutes } from "../settings/dicts.routes.js";
import { settingsRoutes } from "../settings/settings.routes.js";
import { shiftsRoutes } from "../shifts/shifts.routes.js";
import { webhooksRoutes } from "../webhooks/webhooks.routes.js";
import { authPlugin } from "./auth.plugin.js";
import { healthRoutes } from "./health.routes.js";
import { rejectNulCharacters } from "./nul-guard.js";
import { openApiTransform } from "./openapi.js";
import { problemErrorHandler, problemNotFoundHandler } from "./problem.handler.js";

/** The query app as {@link buildQueryApp} returns it: a Fastify instance with the zod type provider. */
export type QueryApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Routes whose writes change who may do what (users, memberships, API tokens, passwords). */
const ACCOUNT_ROUTES = /^\/api\/(users|tokens|auth|projects\/:id\/members)(\/|$)/;

/**
 * Builds the query service's Fastify app (not listening; `server.ts` listens, tests use `inject`
 * or `listen({port: 0})`):
 * - `GET /` and every client route: the dashboard (`dashboard.routes.ts`, built from `services/query/web`);
 *   `GET /health`, `GET /ready`; `GET /metrics` (Prometheus, `metrics.ts`);
 *   `GET /openapi.json`, Swagger UI at `/docs`;
 * - `POST /api/auth/login` (public, rate-limited); under `/api`, behind the auth plugin (API token
 *   as `Authorization: Bearer`, or the session cookie with `X-CSRF-Token` on writes): the caller's
 *   `GET /api/auth/me`, `POST /api/auth/logout|password`; users, members, API tokens and the audit
 *   log (`users.routes.ts`, `members.routes.ts`, `tokens.routes.ts`, `audit.routes.ts`); `GET /api/projects`,
 *   `GET /api/orders`, `GET /api/orders/:orderId/timeline`, `GET /api/dicts/statuses`,
 *   `GET /api/webhooks/stats`, `GET /api/stream/orders` and `GET /api/stream/sales` (SSE), `GET|PUT /api/settings/*` and
 *   `GET|PUT /api/orders/:orderId/overrides` (writes: admins only), `GET /api/replays[/:id]`,
 *   `GET /api/analytics/status-durations`; dialogs and shifts: `GET /api/dialogs/analysis|stats|export.csv`,
 *   `GET /api/shifts/:shiftId/deals`, `GET /api/reports/shifts|text`, `POST /api/analysis/run` (admin); amoCRM sales and leads:
 *   `GET /api/sales[/export.csv|/stats]`, `GET /api/leads/qualification|funnel`, `GET /api/leads/:leadId/attribution`.
 * Every route declares zod request and response schemas, from which the OpenAPI document is made.
 * Errors are RFC 9457 problem details from one handler; a request with U+0000 in a string is a 400
 * before any route runs (`nul-guard.ts`). Closing the app ends open SSE streams and
 * deletes their consumers; `deps.db` and `deps.nats` stay open (the caller owns them).
 * @throws when a plugin fails to register.
 */
export async function buildQueryApp(deps: QueryDeps): Promise<QueryApp> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Fastify's request log prints the URL, and a query string (a webhook's secret) must never
    // reach a log line: the onResponse hook below logs requests with the query string cut off.
    logController: new LogController({ disableRequestLogging: true }),
    // URLs the router rejects (a broken escape, an over-long path segment) get the same problems.
    frameworkErrors: problemErrorHandler,
    clientErrorHandler: problemClientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler(problemNotFoundHandler);
  app.addHook("preValidation", rejectNulCharacters);
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: urlWithoutQuery(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request completed",
    );
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Pulse query API",
        description:
          "Read API of the CRM analytics (order status analytics, dictionaries, webhook statistics) and the live " +
          "order stream (SSE), plus the settings API (settings changes are published as events; writes need the " +
          "admin role). Every /api route needs a token and is scoped to one project. Errors are RFC 9457 " +
          "problem details (application/problem+json) with a stable `code`.",
        version: "1.0.0",
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description: "an API token (`POST /api/tokens`), scoped to projects and a role",
          },
          sessionCookie: {
            type: "apiKey",
            in: "cookie",
            name: "pulse_session",
            description:
              "the session of `POST /api/auth/login`; writes also need `X-CSRF-Token` (the `csrf_token` of `Me`)",
          },
        },
      },
    },
    transform: openApiTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  await app.register(fastifyCookie);
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(FastifySSEPlugin, { retryDelay: 2000 });
  const metrics = createQueryMetrics(deps);
  const feedOptions = {
    nats: deps.nats,
    eventsStream: deps.config.EVENTS_STREAM,
    subjectRoot: deps.config.SUBJECT_ROOT,
    logger: deps.logger,
    graceMs: deps.config.SSE_FEED_GRACE_MS,
    replayBufferFrames: deps.config.SSE_REPLAY_BUFFER_FRAMES,
    maxReplayFrames: deps.config.SSE_CLIENT_MAX_QUEUED_FRAMES,
  };
  const feeds = createOrderUpdatesFeeds(feedOptions);
  const salesFeeds = createOrderUpdatesFeeds({ ...feedOptions, kind: "sale" });
  metrics.countFeeds(() => feeds.feedCount + salesFeeds.feedCount);
  await app.register(natsPlugin, { feeds });

  await app.register(dashboardRoutes, deps.dashboardDir === undefined ? {} : { dir: deps.dashboardDir });
  await app.register(healthRoutes, { deps });
  await app.register(metricsPlugin, { metrics, token: deps.metricsToken });
  const throttle = createLoginThrottle({ clock: deps.clock });
  await app.register(loginRoutes, { prefix: "/api", deps, throttle });
  await app.register(
    async (api) => {
      const tokens = deps.authenticate === undefined ? apiTokenAuthenticator(deps.db, deps.clock) : null;
      // Resolved API tokens are cached briefly; a successful change of users, memberships or tokens
      // forgets them before its answer leaves, so a revocation holds from the next request on.
      api.addHook("onSend", async (request, reply, payload) => {
        if (
          tokens !== null &&
          request.method !== "GET" &&
          request.method !== "HEAD" &&
          reply.statusCode < 400 &&
          ACCOUNT_ROUTES.test(request.routeOptions.url ?? "")
        )
          tokens.invalidate();
        return payload;
      });
      await api.register(authPlugin, {
        authenticate: deps.authenticate ?? (tokens as CachedAuthenticator),
        authenticateSession: sessionAuthenticator(deps.db, deps.clock, {
          idleMs: deps.config.SESSION_IDLE_MINUTES * 60_000,
          absoluteMs: deps.config.SESSION_ABSOLUTE_HOURS * 3_600_000,
        }),
      });
      await api.register(authRoutes, { deps });
      await api.register(usersRoutes, { deps });
      await api.register(membersRoutes, { deps });
      await api.register(tokensRoutes, { deps });
      await api.register(auditRoutes, { deps });
      await api.register(projectsRoutes, { deps });
      await api.register(projectRoutes, { deps });
      await api.register(ordersRoutes, { deps });
      await api.register(dictsRoutes, { deps });
      await api.register(webhooksRoutes, { deps });
      await api.register(integrationsRoutes, { deps });
      await api.register(sseRoutes, { deps, feeds, salesFeeds, counters: metrics.live });
      await api.register(settingsRoutes, { deps });
      await api.register(replaysRoutes, { deps });
      await api.register(analyticsRoutes, { deps });
      await api.register(dialogsRoutes, { deps });
      await api.register(shiftsRoutes, { deps });
      await api.register(reportsRoutes, { deps });
      await api.register(analysisRoutes, { deps });
      await api.register(salesRoutes, { deps });
    },
    { prefix: "/api" },
  );
  return app;
}
