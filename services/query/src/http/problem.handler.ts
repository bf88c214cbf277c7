import {
  answerProblem,
  answerRouteNotFound,
  databaseErrorSummary,
  isDatabaseUnavailable,
  PROBLEM_CONTENT_TYPE,
  type ProblemAnswer,
  ProblemError,
  type ProblemHandlerOptions,
  problemDocument,
  requestPath,
  sendProblem as sendProblemDocument,
} from "@pulse/infra";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";

export { PROBLEM_CONTENT_TYPE };

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

/**
 * Builds a problem document for `request` (`instance`: its path without the query string,
 * `request_id`). `extensions` are merged before the standard members (they may not override them).
 */
export function problemOf(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return problemDocument({ status, code, detail }, extensions, {
    instance: requestPath(request),
    request_id: String(request.id),
  }) as Problem;
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
  return sendProblemDocument(reply, problem, {
    retryAfterSeconds: problem.status === 503 ? RETRY_AFTER_SECONDS : undefined,
  });
}

/**
 * Zod request-validation failures → 400 `validation_failed` with `issues`; PostgreSQL down → 503;
 * any other unexpected error (whatever its status) → 500 `internal_error`.
 */
function classifyQueryError(error: FastifyError | Error): ProblemAnswer | undefined {
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
    return { status: 400, code: "validation_failed", detail, extensions: { issues } };
  }
  if (error instanceof ProblemError) return undefined;
  const status = (error as FastifyError).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return undefined;
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      code: "database_unavailable",
      detail: "The database is not reachable right now; retry later.",
    };
  }
  return {
    status: 500,
    code: "internal_error",
    detail: "An internal error occurred; the server log has the details under this request_id.",
  };
}

/**
 * The query dialect of the shared problem handler (`@pulse/infra` `problem.handler.ts`):
 * - {@link ProblemError}s answer their status and code (401s also get `WWW-Authenticate: Bearer`);
 * - zod request-validation failures are 400 `validation_failed` with `issues`;
 * - Fastify's own client errors get their status and a stable code: 415 `unsupported_media_type`,
 *   400 `invalid_body` (empty or malformed JSON), 413 `payload_too_large`, 400 `invalid_url` (a
 *   path with a broken escape), 414 `uri_too_long` (a path segment over the router's limit);
 * - PostgreSQL not reachable (restarting, down: `isDatabaseUnavailable`) is 503
 *   `database_unavailable` with `Retry-After` — the pool reconnects by itself, the next request after
 *   the outage is served (README "Failure behaviour");
 * - everything else is 500 `internal_error`, whose detail never echoes the error: the error is
 *   logged with the request id, which the problem carries for correlation.
 * Every document carries `instance` (path without query) and `request_id`; every 503 gets
 * `Retry-After` ({@link RETRY_AFTER_SECONDS}).
 */
export const QUERY_PROBLEMS: ProblemHandlerOptions = {
  classify: classifyQueryError,
  bearerChallenge: true,
  retryAfterSeconds: RETRY_AFTER_SECONDS,
  trailing: (request) => ({ instance: requestPath(request), request_id: String(request.id) }),
  onProblem: (problem, error, request) => {
    if (error === null || problem.status < 500) return;
    if (error instanceof ProblemError) request.log.warn({ err: error }, "request failed");
    else if (problem.code === "database_unavailable")
      request.log.warn({ db: databaseErrorSummary(error) }, "request failed: database unavailable");
    else request.log.error({ err: error }, "unhandled error");
  },
};

/** The app's one error handler (also Fastify's `frameworkErrors`): {@link QUERY_PROBLEMS}. */
export function problemErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  return answerProblem(error, request, reply, QUERY_PROBLEMS);
}

/** Answers unknown routes with a 404 problem (`route_not_found`). */
export function problemNotFoundHandler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return answerRouteNotFound(request, reply, QUERY_PROBLEMS);
}
