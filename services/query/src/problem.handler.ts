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
 * The app's one error handler. Maps
 * - {@link AppError}s to their status and code (401s also get `WWW-Authenticate: Bearer`);
 * - zod request-validation failures to 400 `validation_failed` with `issues`;
 * - Fastify's own client errors (4xx, e.g. 415 unsupported media type) to their status;
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
    const code = typeof error.code === "string" ? error.code.toLowerCase() : "bad_request";
    return sendProblem(reply, problemOf(request, status, code, error.message));
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
