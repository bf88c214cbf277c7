/**
 * The error classes of ingest, each with a stable `code` and HTTP `status`, mapped to RFC 9457
 * problem details in exactly one place (the error handler in `app.ts`, STYLE.md rule 8).
 * Callers branch on `code`, never on message text.
 */

/** Stable error codes; also the last segment of the problem `type` URI. */
export type IngestErrorCode =
  | "validation_failed"
  | "unauthorized"
  | "not_found"
  | "payload_too_large"
  | "uri_too_long"
  | "unsupported_media_type"
  | "unavailable"
  | "internal";

/** Base class: an error with a stable code, an HTTP status and a title for problem details. */
export class IngestError extends Error {
  readonly code: IngestErrorCode;
  readonly status: number;
  readonly title: string;
  constructor(code: IngestErrorCode, status: number, title: string, detail: string, options?: ErrorOptions) {
    super(detail, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.title = title;
  }
}

/** 400 — the delivery is malformed (bad JSON/form, missing field, non-numeric id, unparseable date…). */
export class ValidationError extends IngestError {
  constructor(detail: string, options?: ErrorOptions) {
    super("validation_failed", 400, "Invalid webhook body", detail, options);
  }
}

/** 401 — unknown or inactive project, wrong or missing webhook secret, or a project of the other CRM kind. */
export class UnauthorizedError extends IngestError {
  constructor(detail = "unknown project or invalid webhook secret") {
    super("unauthorized", 401, "Unauthorized", detail);
  }
}

/** 404 — no such route. */
export class NotFoundError extends IngestError {
  constructor(detail: string) {
    super("not_found", 404, "Not found", detail);
  }
}

/** 413 — the body exceeds `WEBHOOK_BODY_LIMIT_BYTES` or has too many form parameters. */
export class PayloadTooLargeError extends IngestError {
  constructor(detail: string) {
    super("payload_too_large", 413, "Payload too large", detail);
  }
}

/** 415 — a content type the endpoint does not accept. */
export class UnsupportedMediaTypeError extends IngestError {
  constructor(detail: string) {
    super("unsupported_media_type", 415, "Unsupported media type", detail);
  }
}

/**
 * 503 — JetStream did not persist the delivery (ack timeout, no responders, stream missing,
 * connection closed). `retryAfterSeconds` goes to the `Retry-After` header; the CRM retries and
 * the `Nats-Msg-Id` dedup makes the retry exact. The detail is never sent to the client.
 */
export class UnavailableError extends IngestError {
  readonly retryAfterSeconds: number;
  constructor(detail: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super("unavailable", 503, "Service unavailable", detail, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An RFC 9457 problem details object as ingest answers it (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: IngestErrorCode;
}

/** The problem `type` URI of a code, e.g. `urn:pulse:problem:validation_failed`. */
export function problemType(code: IngestErrorCode): string {
  return `urn:pulse:problem:${code}`;
}

/** Status → code for errors that did not come from our classes (fastify's own 4xx errors). */
export function codeForStatus(status: number): IngestErrorCode {
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
