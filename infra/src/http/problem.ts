/**
 * RFC 9457 problem details shared by the HTTP services (ingest, query): the error classes a route
 * throws, each with an HTTP status and a stable machine-readable `code` (STYLE.md rule 8), and the
 * problem document built from them. The one place that maps errors to answers is the error handler
 * of `problem.handler.ts`; callers branch on `code`, never on message text. An error's `message`
 * becomes the problem's `detail` (for statuses below 500), so it must never carry secrets.
 */
import type { FastifyReply } from "fastify";

/** Media type of every error answer (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Options of a {@link ProblemError}: RFC 9457 extension members, the cause, a `Retry-After`. */
export interface ProblemErrorOptions {
  /** Extra members of the problem document (e.g. `issues`, `current_version`). */
  extensions?: Record<string, unknown>;
  /** The underlying error (logged, never answered). */
  cause?: unknown;
  /** Seconds for the `Retry-After` header of the answer (503, 429). */
  retryAfterSeconds?: number;
}

/**
 * Base class of the errors a route may throw: `status` (HTTP), `code` (stable, e.g.
 * `project_not_found`; the last segment of the problem `type`), `message` (the problem `detail`).
 */
export abstract class ProblemError extends Error {
  /** HTTP status the error handler answers with. */
  abstract readonly status: number;
  /** Stable code; clients branch on it, never on `message`. */
  readonly code: string;
  /** Extra members for the problem document (RFC 9457 extension members). */
  readonly extensions: Record<string, unknown>;
  /** `Retry-After` of the answer, seconds, when the error sets one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, detail: string, options: ProblemErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.extensions = options.extensions ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** 400 — the request (body, parameters) is invalid. */
export class ValidationError extends ProblemError {
  readonly status = 400;
}

/** 401 — no credentials, or credentials that match no principal (or project secret). */
export class UnauthorizedError extends ProblemError {
  readonly status = 401;
}

/** 403 — the principal is known but its role does not allow the operation. */
export class ForbiddenError extends ProblemError {
  readonly status = 403;
}

/** 404 — the resource does not exist, or the caller may not know that it exists. */
export class NotFoundError extends ProblemError {
  readonly status = 404;
}

/** 409 — the request conflicts with the current state. */
export class ConflictError extends ProblemError {
  readonly status = 409;
}

/** 413 — the body is larger than the service accepts (bytes, parameters). */
export class PayloadTooLargeError extends ProblemError {
  readonly status = 413;
}

/** 415 — a content type the endpoint does not accept. */
export class UnsupportedMediaTypeError extends ProblemError {
  readonly status = 415;
}

/** 429 — the caller sends too many requests; `retryAfterSeconds` says when to come back. */
export class TooManyRequestsError extends ProblemError {
  readonly status = 429;
}

/**
 * 503 — a dependency (NATS, JetStream, PostgreSQL, the analyst) is not available; the client may
 * retry later (`Retry-After`: the error's `retryAfterSeconds`, else the handler's default).
 */
export class ServiceUnavailableError extends ProblemError {
  readonly status = 503;
}

/**
 * An RFC 9457 problem document as the services answer it: `type` is `urn:pulse:problem:{code}`,
 * `code` repeats the stable code as an extension member; more extension members may follow (query
 * adds `instance` and `request_id`, a 400 may carry `issues`).
 */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [member: string]: unknown;
}

/** The problem `type` URI of a code, e.g. `urn:pulse:problem:validation_failed`. */
export function problemType(code: string): string {
  return `urn:pulse:problem:${code}`;
}

/** The standard reason phrases used as problem titles (RFC 9110 §15). */
export const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The title of `status` from {@link STATUS_TITLES}, else `Server Error` / `Client Error`. */
export function statusTitle(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

/**
 * Builds a problem document. `extensions` come first and may not override the standard members;
 * `trailing` members (e.g. `instance`, `request_id`) come last.
 */
export function problemDocument(
  fields: { status: number; code: string; detail: string; title?: string },
  extensions: Record<string, unknown> = {},
  trailing: Record<string, unknown> = {},
): ProblemDocument {
  return {
    ...extensions,
    type: problemType(fields.code),
    title: fields.title ?? statusTitle(fields.status),
    status: fields.status,
    detail: fields.detail,
    ...trailing,
    code: fields.code,
  };
}

/**
 * Sends `problem` with its status and `contentType` (default {@link PROBLEM_CONTENT_TYPE}); with
 * `retryAfterSeconds` also `Retry-After`, unless the route already set one.
 */
export function sendProblem(
  reply: FastifyReply,
  problem: ProblemDocument,
  options: { contentType?: string; retryAfterSeconds?: number | undefined } = {},
): FastifyReply {
  if (options.retryAfterSeconds !== undefined && !reply.hasHeader("retry-after"))
    reply.header("retry-after", String(options.retryAfterSeconds));
  return reply
    .code(problem.status)
    .type(options.contentType ?? PROBLEM_CONTENT_TYPE)
    .send(problem);
}
