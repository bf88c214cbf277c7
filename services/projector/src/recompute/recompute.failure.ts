/**
 * How a failed recompute attempt is judged: `transient` (NATS or Postgres away, a connection reset,
 * the decode worker crashed, the process stopping — another attempt can succeed) or
 * `deterministic` (the same input fails the same way every time — retrying cannot help).
 *
 * A read model must never stay on old settings silently (SPEC "Settings … recomputed over all
 * history"), so every error is transient unless it is known to be deterministic:
 * - a {@link DeterministicRecomputeError} (rule code that rejects an impossible setting);
 * - a Postgres data exception or integrity violation (SQLSTATE classes 22 and 23: a value the
 *   tables cannot hold — the live consumer dead-letters such a message, a rebuild cannot);
 * - a `RangeError` (what `Temporal` throws for an impossible time zone or date).
 */
export type RecomputeFailureKind = "transient" | "deterministic";

/** An error that fails a recompute the same way on every attempt (e.g. an impossible setting). */
export class DeterministicRecomputeError extends Error {
  override readonly name = "DeterministicRecomputeError";
}

/** Thrown into a running attempt when the NATS connection is lost (the attempt is retried). */
export class NatsUnavailableError extends Error {
  override readonly name = "NatsUnavailableError";
}

/** Classifies a recompute failure (see the module comment). Never throws. */
export function classifyRecomputeFailure(error: unknown): RecomputeFailureKind {
  if (error instanceof DeterministicRecomputeError) return "deterministic";
  if (error instanceof RangeError) return "deterministic";
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code)) return "deterministic";
  return "transient";
}

/** One-line text of an error for `ops.replays` (`name: message`, at most 1,000 characters). */
export function failureText(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  const name = typeof e?.name === "string" && e.name !== "Error" ? `${e.name}: ` : "";
  const message = typeof e?.message === "string" ? e.message : String(error);
  const code = typeof e?.code === "string" && !message.includes(e.code) ? ` (${e.code})` : "";
  return `${name}${message}${code}`.replace(/\s+/g, " ").slice(0, 1000);
}

/**
 * Delay before attempt `attempts + 1` after `attempts` failed ones, in ms: `minMs` doubling per
 * failure, capped at `maxMs` (1 → minMs, 2 → 2·minMs, …).
 */
export function retryDelayMs(attempts: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempts, 1) - 1, 20));
}
