import { type DestinationStream, type Logger, pino } from "pino";

/**
 * Paths pino blanks in every log line: tokens, secrets, API keys and auth headers, wherever a
 * request or config object is logged (Standards: secrets never appear in logs).
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  'req.headers["x-webhook-secret"]',
  'req.headers["x-api-key"]',
  "req.query.secret",
  "req.query.token",
  "*.token",
  "*.api_key",
  "*.apiKey",
  "*.secret",
  "*.webhook_secret",
  "*.password",
  // Project records (registry) and ingest config: CRM tokens, digests, the secrets key.
  "*.api_token",
  "*.*.api_token",
  "*.*.api_key",
  "*.webhook_secret_sha256",
  "*.*.webhook_secret_sha256",
  "*.*.*.api_key",
  // Telegram bot tokens of sale notifications (project records, settings writes).
  "bot_token",
  "*.bot_token",
  "*.*.bot_token",
  "*.*.*.bot_token",
  "*.SECRETS_KEY",
  "*.SECRETS_KEY_PREVIOUS",
  "api_token",
  "SECRETS_KEY",
  "SECRETS_KEY_PREVIOUS",
  "token",
  "secret",
  "apiKey",
];

/**
 * Creates the process logger: JSON lines on stdout (or on `destination`, which tests use to read
 * what was logged), secrets redacted, `service` on every line.
 */
export function createLogger(
  service: string,
  level = process.env["LOG_LEVEL"] ?? "info",
  destination?: DestinationStream,
): Logger {
  const options = { name: service, level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Strips the query string from a URL for logging (secrets travel in webhook query strings). */
export function urlWithoutQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : `${url.slice(0, i)}?…`;
}
export type { Logger };
