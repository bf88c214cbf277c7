import { z } from "zod";
import { isCanonicalInstant } from "./instant.js";

/**
 * A project (tenant) id: lowercase letters, digits, `-` and `_`, 1–63 characters.
 * It is a NATS subject token, so it may not contain `.`, `*`, `>` or spaces.
 */
export const ProjectId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "project id: [a-z0-9][a-z0-9_-]{0,62}");
/** A project id, validated by {@link ProjectId}. */
export type ProjectId = z.infer<typeof ProjectId>;

/**
 * An instant as ISO-8601 UTC with milliseconds, exactly as `Date.prototype.toISOString()` writes it
 * (`2026-10-12T04:27:45.000Z`). Every time in an event is normalised to this form at the boundary so
 * that string order equals time order. The date and time must exist (`2026-13-45`, `2026-02-30`,
 * `T24:00` are rejected: `isCanonicalInstant` of `instant.ts`).
 */
export const IsoInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "ISO-8601 UTC instant")
  .refine(isCanonicalInstant, "invalid instant: no such date or time");
/** See {@link IsoInstant}. */
export type IsoInstant = z.infer<typeof IsoInstant>;

/** A CRM numeric id (order, lead, status, pipeline, user): a non-negative safe integer. */
export const CrmId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The CRM kinds a project can be (SPEC "Projects"). */
export const CrmKind = z.enum(["keycrm", "amocrm"]);
/** `keycrm` | `amocrm`. */
export type CrmKind = z.infer<typeof CrmKind>;

/**
 * Where an event came from: a CRM or chat webhook, a poller, the admin CLI/API, or our own analyst.
 */
export const EventSource = z.enum([
  "keycrm",
  "amocrm",
  "evolution",
  "radist",
  "cli",
  "api",
  "system",
  "analyst",
]);
/** See {@link EventSource}. */
export type EventSource = z.infer<typeof EventSource>;

/**
 * Normalises a `Date` or epoch milliseconds to an {@link IsoInstant}.
 * @throws RangeError when the value is not a valid time.
 */
export function toIsoInstant(value: Date | number): IsoInstant {
  return (typeof value === "number" ? new Date(value) : value).toISOString();
}
