/**
 * Converts a `timestamptz` read back from Postgres (a `Date`, or an ISO string from JSON) to the
 * `IsoInstant` form the row builders use (`2026-10-12T04:27:45.000Z`); `null` stays `null`.
 * @throws RangeError when the value is not a valid time.
 */
export function isoOrNull(v: Date | string | null): string | null {
  return v === null ? null : iso(v);
}

/** {@link isoOrNull} for a value that is never null. */
export function iso(v: Date | string): string {
  return (typeof v === "string" ? new Date(v) : v).toISOString();
}
