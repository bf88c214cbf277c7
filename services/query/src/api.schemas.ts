import { IsoInstant, ProjectId } from "@pulse/events";
import { z } from "zod";
import { Problem } from "./problem.handler.js";

/**
 * Query-string members every `/api/*` route accepts: the required `project` scope and the
 * optional `access_token` (for `EventSource`, which cannot send `Authorization`). Spread into a
 * `z.strictObject`, so unknown parameters are a 400, not silently ignored.
 */
export const projectScope = {
  project: ProjectId.describe("project id the query is scoped to (required)"),
  access_token: z
    .string()
    .optional()
    .describe("API token, for clients that cannot send `Authorization: Bearer` (EventSource)"),
};

/** `access_token` alone, for `/api/*` routes that are not scoped to one project. */
export const tokenOnly = { access_token: projectScope.access_token };

/**
 * An ISO-8601 instant in a query string (`2026-10-12T04:27:45Z`, optional fraction, `Z` or an
 * offset), parsed to a `Date`.
 */
export const InstantParam = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .describe("ISO-8601 instant, e.g. 2026-10-12T04:27:45Z");

/** An ISO-8601 calendar date (`2026-10-12`) in a query string, kept as a string. */
export const DateParam = z.iso.date().describe("ISO-8601 date, e.g. 2026-10-12 (UTC day)");

/** A non-negative integer in a query string or path (CRM ids, sequences). */
export const IdParam = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** An instant in a response: ISO-8601 UTC with milliseconds (`Date#toISOString`). */
export const Instant = IsoInstant;

/** OpenAPI `security` of every `/api/*` route: bearer header or `access_token` query parameter. */
export const API_SECURITY = [{ bearerAuth: [] }, { accessToken: [] }];

/** The error responses every `/api/*` route documents (400 validation, 401 auth, 404 project). */
export const API_ERRORS = { 400: Problem, 401: Problem, 404: Problem } as const;

/** Converts a nullable `Date` from Postgres to an ISO instant. */
export function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
