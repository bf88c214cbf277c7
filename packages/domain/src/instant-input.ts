import { canonicalInstantMs, InstantParseError, parseInstant } from "@pulse/events";

/** Re-exported from `@pulse/events` (`instant.ts`), where the one instant parser lives. */
export { daysInMonth, utcMs } from "@pulse/events";

/**
 * An instant as the calendar, SLA and cycle functions accept it:
 * - epoch milliseconds (a safe integer), or
 * - an ISO-8601 instant with `Z` or a numeric offset: `2026-10-12T04:27:45.000Z` (the event
 *   catalogue's `IsoInstant`), `2026-10-12T04:27:45.000000Z` (KeyCRM, microseconds),
 *   `2026-10-12T07:27:45+03:00`. Seconds and the fraction are optional; a fraction finer than
 *   1 ms is truncated.
 * A local date-time without an offset (KeyCRM's `closed_at` `"2026-10-16 07:11:09"`) is **not** an
 * instant and is rejected.
 */
export type InstantInput = number | string;

/** The earliest instant accepted: 0001-01-01T00:00:00Z, in epoch ms. */
export const MIN_INSTANT_MS = -62_135_596_800_000;
/** The latest instant accepted: 9999-12-31T23:59:59.999Z, in epoch ms. */
export const MAX_INSTANT_MS = 253_402_300_799_999;

/**
 * Normalises an {@link InstantInput} to epoch milliseconds. Strings are read by the one instant
 * parser of `@pulse/events` (`canonicalInstantMs`, `parseInstant` with the `offset` dialect).
 * @param what names the argument in the error message (`"start"`, `"now"` …).
 * @throws RangeError when a number is not a safe integer, a string is not an ISO-8601 instant with
 *   an offset (or names an impossible date such as February 30), or the instant is outside
 *   [{@link MIN_INSTANT_MS}, {@link MAX_INSTANT_MS}].
 */
export function toEpochMs(input: InstantInput, what = "instant"): number {
  let ms: number;
  if (typeof input === "number") {
    if (!Number.isSafeInteger(input))
      throw new RangeError(`${what}: epoch ms must be a safe integer, got ${input}`);
    ms = input;
  } else if (typeof input === "string") {
    const canonical = canonicalInstantMs(input);
    if (canonical !== null) {
      if (Number.isNaN(canonical))
        throw new RangeError(`${what}: impossible date or time in ${JSON.stringify(input)}`);
      return canonical;
    }
    try {
      ms = parseInstant(input, "offset").ms;
    } catch (error) {
      if (!(error instanceof InstantParseError)) throw error;
      if (error.reason === "malformed")
        throw new RangeError(
          `${what}: not an ISO-8601 instant with Z or an offset: ${JSON.stringify(input)}`,
        );
      if (error.reason === "offset")
        throw new RangeError(`${what}: impossible offset in ${JSON.stringify(input)}`);
      throw new RangeError(`${what}: impossible date or time in ${JSON.stringify(input)}`);
    }
  } else {
    throw new RangeError(`${what}: expected epoch ms or an ISO-8601 string, got ${typeof input}`);
  }
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    throw new RangeError(`${what}: outside the years 0001–9999: ${String(input)}`);
  }
  return ms;
}
