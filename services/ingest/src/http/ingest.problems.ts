/**
 * The ingest dialect of the shared problem handler (`@pulse/infra` `problem.handler.ts`, RFC 9457):
 * the webhook answers' codes (`validation_failed`, `unauthorized`, `not_found`, `payload_too_large`,
 * `uri_too_long`, `unsupported_media_type`, `unavailable`, `internal`), titles and fixed 5xx details.
 * The errors themselves are the shared classes of `@pulse/infra` (`ValidationError` …).
 */
import {
  type ProblemDocument,
  ProblemError,
  type ProblemHandlerOptions,
  problemDocument,
  ROUTER_ERROR_DETAILS,
  urlWithoutQuery,
} from "@pulse/infra";
import type { FastifyError } from "fastify";

/** Content type of ingest's problem answers. */
export const INGEST_PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

/** Status → code for errors that did not come from the problem classes (Fastify's own errors). */
export function ingestCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "validation_failed";
    case 401:
      return "unauthorized";
    case 404:
      return "not_found";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media_type";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "validation_failed";
  }
}

/** Titles of the problem classes' answers, by status. */
const CLASS_TITLES: Readonly<Record<number, string>> = {
  400: "Invalid webhook body",
  401: "Unauthorized",
  404: "Not found",
  413: "Payload too large",
  415: "Unsupported media type",
  503: "Service unavailable",
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

/** The fixed detail of a 5xx answer: the error itself never reaches the CRM. */
function fixedDetail(status: number): string {
  return status === 503 ? "the event store is temporarily unavailable; retry later" : "internal error";
}

/**
 * Ingest's options of the shared handler (without `onProblem`, which `buildIngestApp` adds: logging
 * and webhook receipts). A 5xx never echoes its error (`hideServerDetails`); a 503 of
 * `ServiceUnavailableError` carries its `Retry-After`; unknown routes are 404 `not_found`.
 */
export const INGEST_PROBLEMS: ProblemHandlerOptions = {
  contentType: INGEST_PROBLEM_CONTENT_TYPE,
  hideServerDetails: true,
  frameworkCode: (_error, status) => ingestCodeForStatus(status),
  internal: (status) => ({ code: ingestCodeForStatus(status), detail: fixedDetail(status) }),
  title: (status, _code, error) => {
    if (error === null || error instanceof ProblemError) return CLASS_TITLES[status] ?? titleOf(status);
    if (status >= 500) return "Internal error";
    return ROUTER_ERROR_DETAILS[(error as FastifyError).code] ? "Invalid URL" : titleOf(status);
  },
  notFoundCode: "not_found",
  notFoundDetail: (request) => `no route ${request.method} ${urlWithoutQuery(request.url)}`,
};

/** The 401 problem of `GET /metrics` without the metrics token. */
export function metricsUnauthorizedProblem(): ProblemDocument {
  return problemDocument({
    status: 401,
    code: "unauthorized",
    title: "Unauthorized",
    detail: "metrics token required",
  });
}
