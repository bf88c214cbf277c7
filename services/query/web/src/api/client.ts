import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./openapi.gen.ts";

/**
 * An RFC 9457 problem answered by the API (`code` is the stable machine-readable reason), or a
 * transport failure (`status` 0). Thrown by {@link unwrap}, so TanStack Query sees it as the error.
 */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    /** The problem's `code` (e.g. `invalid_credentials`, `csrf_rejected`), or `http_<status>`. */
    readonly code: string,
    message: string,
    /** `Retry-After` in seconds, when the answer had one (429, 503). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Sets the CSRF token of the session (from `Me.csrf_token`); `null` after logout. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers what to do when an API answer is 401 (the session ended): the auth context's reset. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie session: every request goes with the `pulse_session` cookie (same origin); a request other
 * than GET/HEAD/OPTIONS carries `X-CSRF-Token` (auth contract "CSRF"). A 401 on any request but the
 * login itself tells the auth context that the session is gone.
 */
const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken !== null) {
      request.headers.set("x-csrf-token", csrfToken);
    }
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith("/api/auth/")) {
      onUnauthorized?.();
    }
    return response;
  },
};

/** The typed client of the query API (`paths` generated from its OpenAPI document). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: "same-origin" });
api.use(sessionMiddleware);

interface Problemish {
  code?: unknown;
  title?: unknown;
  detail?: unknown;
}

/**
 * The data of an openapi-fetch result, or throws {@link ApiError} built from its problem body.
 * @throws ApiError on any non-2xx answer.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  if (response.ok) return result.data as T;
  const problem = (result.error ?? {}) as Problemish;
  const retryAfter = Number(response.headers.get("retry-after"));
  throw new ApiError(
    response.status,
    typeof problem.code === "string" ? problem.code : `http_${response.status}`,
    typeof problem.detail === "string"
      ? problem.detail
      : typeof problem.title === "string"
        ? problem.title
        : response.statusText,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}
