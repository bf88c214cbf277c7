import { databaseErrorSummary, isDatabaseUnavailable } from "@pulse/infra";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, UnauthorizedError } from "./app.errors.js";

/** Media type of every error answer (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** One invalid request parameter, as listed in a 400 problem's `issues`. */
export const ProblemIssue = z.object({
  location: z.string().describe("querystring | params | headers | body"),
  path: z.string().describe("JSON pointer into that location, e.g. `/pageSize`"),
  code: z.string().describe("zod issue code, e.g. `too_big`"),
  message: z.string(),
});
/** See {@link ProblemIssue}. */
export type ProblemIssue = z.infer<typeof ProblemIssue>;

/**
 * An RFC 9457 problem document. `type` is `urn:pulse:problem:{code}`; `code` repeats the stable
 * code as an extension member; a 400 carries `issues`, other problems may carry more extension
 * members (e.g. `/ready` reports what is down).
 */
export const Problem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    request_id: z.string(),
    issues: z.array(ProblemIssue).optional(),
  })
  .describe("RFC 9457 problem details (application/problem+json)");
/** See {@link Problem}. */
export type Problem = z.infer<typeof Problem>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function pathOf(request: FastifyRequest): string {
  // The query string may carry `access_token`: never echo it.
  const i = request.url.indexOf("?");
  return i < 0 ? request.url : request.url.slice(0, i);
}

/**
 * Builds a problem document for `request`. `extensions` are merged after the standard members
 * (they may not override them).
 */
export function problemOf(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    ...extensions,
    type: `urn:pulse:problem:${code}`,
    title: TITLES[status] ?? (status >= 500 ? "Server Error" : "Client Error"),
    status,
    detail,
    instance: pathOf(request),
    code,
    request_id: String(request.id),
  };
}

/**
 * `Retry-After` of every 503 answer, seconds: a restart of PostgreSQL or NATS takes a few seconds,
 * and a client (or the live page) that comes back after that finds the service serving again.
 */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Sends `problem` as `application/problem+json` with its status; a 503 also gets `Retry-After`
 * ({@link RETRY_AFTER_SECONDS}) unless the route set one.
 */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 503 && !reply.hasHeader("retry-after"))
    reply.header("retry-after", String(RETRY_AFTER_SECONDS));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Stable problem codes of Fastify's own client errors (the request never reached a route, or its
 * body could not be read); other Fastify 4xx codes are sent lower-cased.
 */
const FRAMEWORK_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_body",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_body",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_body",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_BAD_URL: "invalid_url",
  FST_ERR_MAX_PARAM_LENGTH: "uri_too_long",
};

/**
 * Fixed details for the router's errors, whose messages quote the whole URL, query string (and so
 * `access_token`) included.
 */
const URL_FREE_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: "the URL path has a malformed percent-escape",
  FST_ERR_MAX_PARAM_LENGTH: "a path segment is longer than the router accepts",
};

/**
 * The app's one error handler (also Fastify's `frameworkErrors`, for URLs the router rejects). Maps
 * - {@link AppError}s to their status and code (401s also get `WWW-Authenticate: Bearer`);
 * - zod request-validation failures to 400 `validation_failed` with `issues`;
 * - Fastify's own client errors to their status and a stable code: 415 `unsupported_media_type`,
 *   400 `invalid_body` (empty or malformed JSON), 413 `payload_too_large`, 400 `invalid_url` (a
 *   path with a broken escape), 414 `uri_too_long` (a path segment over the router's limit);
 * - PostgreSQL not reachable (restarting, down: `isDatabaseUnavailable`) to 503
 *   `database_unavailable` with `Retry-After` — the pool reconnects by itself, the next request after
 *   the outage is served (README "Failure behaviour");
 * - everything else to 500 `internal_error`, whose detail never echoes the error: the error is
 *   logged with the request id, which the problem carries for correlation.
 */
export function problemErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof AppError) {
    if (error instanceof UnauthorizedError) {
      const param = error.code === "invalid_token" ? ', error="invalid_token"' : "";
      reply.header("www-authenticate", `Bearer realm="pulse"${param}`);
    }
    if (error.status >= 500) request.log.warn({ err: error }, "request failed");
    return sendProblem(reply, problemOf(request, error.status, error.code, error.message, error.extensions));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = error.validationContext ?? "request";
    const issues: ProblemIssue[] = error.validation.map((v) => ({
      location,
      path: v.instancePath,
      code: v.keyword,
      message: v.message ?? "invalid",
    }));
    const first = issues[0];
    const detail = first ? `invalid ${location}: ${first.path} ${first.message}` : `invalid ${location}`;
    return sendProblem(reply, problemOf(request, 400, "validation_failed", detail, { issues }));
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code =
      FRAMEWORK_CODES[error.code] ??
      (typeof error.code === "string" ? error.code.toLowerCase() : "bad_request");
    return sendProblem(
      reply,
      problemOf(request, status, code, URL_FREE_DETAILS[error.code] ?? error.message),
    );
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ db: databaseErrorSummary(error) }, "request failed: database unavailable");
    return sendProblem(
      reply,
      problemOf(
        request,
        503,
        "database_unavailable",
        "The database is not reachable right now; retry later.",
      ),
    );
  }
  request.log.error({ err: error }, "unhandled error");
  return sendProblem(
    reply,
    problemOf(
      request,
      500,
      "internal_error",
      "An internal error occurred; the server log has the details under this request_id.",
    ),
  );
}

/** Answers unknown routes with a 404 problem (`route_not_found`). */
export function problemNotFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    problemOf(request, 404, "route_not_found", `no route ${request.method} ${pathOf(request)}`),
  );
}
