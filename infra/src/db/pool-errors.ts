/**
 * What a PostgreSQL outage looks like to the services, and how a `pg.Pool` rides one out.
 *
 * A restart of PostgreSQL (`pg_ctl restart`, a fast shutdown) terminates every backend with
 * SQLSTATE `57P01` (admin_shutdown), then refuses connections (`ECONNREFUSED`) or answers `57P03`
 * (cannot_connect_now) while it starts. node-postgres reports the lost connection as an `error`
 * event: on the pool for an idle client, on the client itself for a checked-out one. An `error`
 * event without a listener throws and ends the process, so every pool the services create goes
 * through {@link guardPool}.
 */
import type pg from "pg";
import type { Logger } from "pino";

/** The fields of a database error that are safe to log: no connection parameters, no client. */
export interface DatabaseErrorSummary {
  /** SQLSTATE (`57P01`) or Node's system error code (`ECONNREFUSED`); `null` when neither. */
  readonly code: string | null;
  /** The error message (node-postgres and the server never put passwords in it). */
  readonly message: string;
}

/**
 * SQLSTATEs and socket codes that mean "the server is not there right now": class 08 (connection
 * exception) is matched by prefix; the rest are the shutdown / startup / overload states of SQLSTATE
 * class 57 and 53 (PostgreSQL manual, Appendix A "PostgreSQL Error Codes") and Node's socket errors.
 */
const UNAVAILABLE_CODES = new Set([
  "57P01", // admin_shutdown: fast/smart shutdown, i.e. a restart
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or shutting down
  "57P05", // idle_session_timeout
  "53300", // too_many_connections
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** node-postgres' own messages for a connection that died or could not be had (pg 8, pg-pool 3). */
const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
];

/** The SQLSTATE or system error code of `error` (also found on `AggregateError.errors[0]`), else null. */
function codeOf(error: unknown): string | null {
  const e = error as { code?: unknown; errors?: unknown[] } | null;
  if (e && typeof e.code === "string") return e.code;
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  if (first && typeof (first as { code?: unknown }).code === "string")
    return (first as { code: string }).code;
  return null;
}

/**
 * True when `error` says PostgreSQL cannot be reached right now (connection refused or reset, server
 * shutting down or starting, connection lost mid-query) — an infrastructure fault that passes by
 * itself, as opposed to an error of the statement or the data. Used to answer 503 instead of 500 and
 * to retry instead of giving up. Never throws.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const code = codeOf(error);
  if (code !== null && (code.startsWith("08") || UNAVAILABLE_CODES.has(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m));
}

/**
 * The loggable part of a database error: code and message only. node-postgres attaches the failed
 * `client` (whose connection parameters hold the password) to errors of idle clients, so such
 * errors are never logged whole. Never throws.
 */
export function databaseErrorSummary(error: unknown): DatabaseErrorSummary {
  const message =
    error !== null &&
    typeof error === "object" &&
    typeof (error as { message?: unknown }).message === "string"
      ? (error as { message: string }).message
      : String(error);
  return { code: codeOf(error), message: message.slice(0, 300) };
}

/**
 * Makes `pool` survive lost connections: listens for `error` on the pool (an idle client failed; the
 * pool has already dropped it) and on every client it opens (a checked-out client failed between or
 * during statements; the statement in flight, if any, rejects with the error and the client is
 * discarded when released). Each lost connection is logged once at `warn` with
 * {@link databaseErrorSummary} (no secrets) and `pool` = `name`; nothing is thrown, so a restart of
 * PostgreSQL never ends the process — the next statement opens a new connection. Returns `pool`.
 */
export function guardPool(pool: pg.Pool, logger: Logger | undefined, name = "db"): pg.Pool {
  // The pool re-emits an idle client's error after the client's own listener saw it: logged there.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => {
    let logged = false;
    // A terminated backend reports twice (the server's 57P01, then the closed socket): log the first.
    client.on("error", (error) => {
      if (logged) return;
      logged = true;
      logger?.warn(
        { pool: name, db: databaseErrorSummary(error) },
        "database connection lost; it is replaced on next use",
      );
    });
  });
  return pool;
}
