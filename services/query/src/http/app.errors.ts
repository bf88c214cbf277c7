/**
 * The errors a route may throw, each with an HTTP status and a stable machine-readable `code`
 * (STYLE.md rule 8). The app's single error handler maps them to RFC 9457 problem details; the
 * `message` becomes the problem's `detail`, so it must never carry secrets or internals.
 */
export abstract class AppError extends Error {
  /** HTTP status the error handler answers with. */
  abstract readonly status: number;
  /** Stable code, e.g. `project_not_found`; clients branch on it, never on `message`. */
  readonly code: string;
  /** Extra members for the problem document (RFC 9457 extension members). */
  readonly extensions: Record<string, unknown>;

  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.extensions = extensions;
  }
}

/** 400 — the request is well-formed HTTP but its parameters are invalid. */
export class ValidationError extends AppError {
  readonly status = 400;
}

/** 401 — no credentials, or credentials that match no principal. */
export class UnauthorizedError extends AppError {
  readonly status = 401;
}

/** 403 — the principal is known but its role does not allow the operation. */
export class ForbiddenError extends AppError {
  readonly status = 403;
}

/** 404 — the resource does not exist, or the caller may not know that it exists. */
export class NotFoundError extends AppError {
  readonly status = 404;
}

/** 409 — the request conflicts with the current state. */
export class ConflictError extends AppError {
  readonly status = 409;
}

/** 503 — a dependency (NATS, Postgres) is not available; the client may retry later. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
}
