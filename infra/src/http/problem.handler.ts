/**
 * The one error handler of the HTTP services: every error a route throws, every client error of
 * Fastify itself (bad media type, unreadable body, a URL the router rejects) and every unknown route
 * is answered as an RFC 9457 problem (`problem.ts`). A service installs it with
 * {@link installProblemHandlers} and passes its dialect (titles, codes of Fastify's own errors, the
 * fixed detail of a 5xx, members every document carries, what it does with each answer).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  PROBLEM_CONTENT_TYPE,
  type ProblemDocument,
  ProblemError,
  problemDocument,
  sendProblem,
  statusTitle,
  UnauthorizedError,
} from "./problem.js";

/** What an error is answered with, before it becomes a {@link ProblemDocument}. */
export interface ProblemAnswer {
  status: number;
  code: string;
  detail: string;
  /** Extension members (e.g. `issues`). */
  extensions?: Record<string, unknown>;
  /** `Retry-After` seconds of this answer. */
  retryAfterSeconds?: number | undefined;
  /** Title; default from the handler's `title` option. */
  title?: string;
}

/** The dialect of one service; every member is optional. */
export interface ProblemHandlerOptions {
  /**
   * Service-specific classification tried before the default one (e.g. schema validation errors,
   * database outages); `undefined` passes the error on.
   */
  classify?: (error: FastifyError | Error, request: FastifyRequest) => ProblemAnswer | undefined;
  /** Code of a Fastify 4xx error that is not a {@link ProblemError} (default {@link frameworkErrorCode}). */
  frameworkCode?: (error: FastifyError, status: number) => string;
  /** Title of an answer (default: the status' reason phrase, {@link statusTitle}). */
  title?: (status: number, code: string, error: FastifyError | Error | null) => string;
  /**
   * The answer to an unexpected error (not a {@link ProblemError}, status 5xx): code and fixed
   * detail (the error itself is never echoed). Default `internal_error`, "An internal error
   * occurred".
   */
  internal?: (status: number) => { code: string; detail: string };
  /** When true, a 401 {@link UnauthorizedError} also gets `WWW-Authenticate: Bearer realm="pulse"`. */
  bearerChallenge?: boolean;
  /** When true, a {@link ProblemError} of status 5xx is answered with `internal(status)`'s detail. */
  hideServerDetails?: boolean;
  /** Members appended to every document (e.g. `instance`, `request_id`). */
  trailing?: (request: FastifyRequest) => Record<string, unknown>;
  /** Content type of the answers (default {@link PROBLEM_CONTENT_TYPE}). */
  contentType?: string;
  /** `Retry-After` seconds of a 503 whose error sets none (default: no header). */
  retryAfterSeconds?: number;
  /** Code of the 404 answer of an unknown route (default `route_not_found`). */
  notFoundCode?: string;
  /** Detail of that 404 (default `no route {METHOD} {path without query}`). */
  notFoundDetail?: (request: FastifyRequest) => string;
  /**
   * Called with each answer before it is sent (logging, counting); the returned promise is awaited.
   * `error` is `null` for an unknown route.
   */
  onProblem?: (
    problem: ProblemDocument,
    error: FastifyError | Error | null,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => void | Promise<void>;
}

/** Stable problem codes of Fastify's own client errors (the request never reached a route). */
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
 * `access_token` or a webhook secret) included.
 */
export const ROUTER_ERROR_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: "the URL path has a malformed percent-escape",
  FST_ERR_MAX_PARAM_LENGTH: "a path segment is longer than the router accepts",
};

/**
 * The default code of a Fastify client error: 415 `unsupported_media_type`, 400 `invalid_body`
 * (empty or malformed JSON), 413 `payload_too_large`, 400 `invalid_url`, 414 `uri_too_long`; other
 * Fastify codes lower-cased, `bad_request` without one.
 */
export function frameworkErrorCode(error: FastifyError): string {
  return (
    FRAMEWORK_CODES[error.code] ?? (typeof error.code === "string" ? error.code.toLowerCase() : "bad_request")
  );
}

/** The path of `request` without its query string (which may carry `access_token`: never echoed). */
export function requestPath(request: FastifyRequest): string {
  const i = request.url.indexOf("?");
  return i < 0 ? request.url : request.url.slice(0, i);
}

const DEFAULT_INTERNAL = {
  code: "internal_error",
  detail: "An internal error occurred; the server log has the details under this request_id.",
};

/** Maps `error` to its answer with the service's dialect (see {@link ProblemHandlerOptions}). */
export function problemAnswerOf(
  error: FastifyError | Error,
  request: FastifyRequest,
  options: ProblemHandlerOptions = {},
): ProblemAnswer {
  const special = options.classify?.(error, request);
  if (special) return special;
  const internal = options.internal ?? (() => DEFAULT_INTERNAL);
  if (error instanceof ProblemError) {
    return {
      status: error.status,
      code: error.code,
      detail:
        error.status >= 500 && options.hideServerDetails ? internal(error.status).detail : error.message,
      extensions: error.extensions,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  const fastifyError = error as FastifyError;
  const statusCode = fastifyError.statusCode;
  const status = typeof statusCode === "number" && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
  if (status < 500) {
    const code = (options.frameworkCode ?? frameworkErrorCode)(fastifyError, status);
    return { status, code, detail: ROUTER_ERROR_DETAILS[fastifyError.code] ?? error.message };
  }
  const answer = internal(status);
  return { status, code: answer.code, detail: answer.detail };
}

/** Builds the problem document of `answer` for `request` (title and trailing members by `options`). */
export function problemOfAnswer(
  answer: ProblemAnswer,
  request: FastifyRequest,
  error: FastifyError | Error | null,
  options: ProblemHandlerOptions = {},
): ProblemDocument {
  const title =
    answer.title ?? options.title?.(answer.status, answer.code, error) ?? statusTitle(answer.status);
  return problemDocument(
    { status: answer.status, code: answer.code, detail: answer.detail, title },
    answer.extensions,
    options.trailing?.(request),
  );
}

/** Answers `error` as a problem (the handler {@link installProblemHandlers} installs). */
export async function answerProblem(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
  options: ProblemHandlerOptions = {},
): Promise<FastifyReply> {
  const answer = problemAnswerOf(error, request, options);
  const problem = problemOfAnswer(answer, request, error, options);
  if (options.bearerChallenge && error instanceof UnauthorizedError && !reply.hasHeader("www-authenticate")) {
    const param = error.code === "invalid_token" ? ', error="invalid_token"' : "";
    reply.header("www-authenticate", `Bearer realm="pulse"${param}`);
  }
  await options.onProblem?.(problem, error, request, reply);
  const retryAfterSeconds =
    answer.retryAfterSeconds ?? (answer.status === 503 ? options.retryAfterSeconds : undefined);
  return sendProblem(reply, problem, {
    contentType: options.contentType ?? PROBLEM_CONTENT_TYPE,
    retryAfterSeconds,
  });
}

/** Answers an unknown route with a 404 problem (`route_not_found` unless the options say otherwise). */
export async function answerRouteNotFound(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ProblemHandlerOptions = {},
): Promise<FastifyReply> {
  const answer: ProblemAnswer = {
    status: 404,
    code: options.notFoundCode ?? "route_not_found",
    detail: options.notFoundDetail?.(request) ?? `no route ${request.method} ${requestPath(request)}`,
  };
  const problem = problemOfAnswer(answer, request, null, options);
  await options.onProblem?.(problem, null, request, reply);
  return sendProblem(reply, problem, { contentType: options.contentType ?? PROBLEM_CONTENT_TYPE });
}

/**
 * Installs the problem error handler and not-found handler on `app`. The same handler belongs in
 * Fastify's `frameworkErrors` option (URLs the router rejects) — pass
 * `(error, request, reply) => answerProblem(error, request, reply, options)` there.
 */
export function installProblemHandlers(app: FastifyInstance, options: ProblemHandlerOptions = {}): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) =>
    answerProblem(error, request, reply, options),
  );
  app.setNotFoundHandler((request, reply) => answerRouteNotFound(request, reply, options));
}
