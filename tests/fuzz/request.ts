/**
 * The request a fuzz case sends, and the answer it gets, as plain data (printable, replayable).
 */

/** Which app a case is sent to. */
export type FuzzTarget = "query" | "ingest";

/** One fuzzed HTTP request. */
export interface FuzzRequest {
  readonly target: FuzzTarget;
  readonly method: string;
  /** Path and query string, already encoded (it may hold deliberately broken escapes). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Raw payload; absent for requests without a body. */
  readonly body?: string;
  /** Route template, for the counts: `GET /api/orders/{orderId}/timeline`, `POST /webhooks/amocrm/{projectId}`. */
  readonly route: string;
  /** An SSE route: sent over HTTP, and the stream is closed as soon as the status and headers are in. */
  readonly stream: boolean;
  /** What was done to the request (e.g. `query from: hostile`, `body: truncated`), for reports. */
  readonly note: string;
}

/** The answer to a {@link FuzzRequest}: status, headers (lower-case names) and body text. */
export interface FuzzAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Only the characters an HTTP header value may carry (tab, visible ASCII, obs-text). */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, "");
}

/**
 * `value` percent-encoded as UTF-8 for a URL (like `encodeURIComponent`, but a lone surrogate,
 * which UTF-8 cannot carry, becomes U+FFFD instead of throwing).
 */
export function percentEncode(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
