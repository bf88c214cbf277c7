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
 * The plausible range of every date, instant and period a query API request may name: calendar
 * dates `firstDay` … `lastDay` (inclusive) and instants in `[from, to)` (ISO-8601 UTC). A value
 * outside it is a 400 `validation_failed` (no project has data from before 2000 or after 2099,
 * and the bound keeps every derived period, week, month and zone offset, and every Postgres
 * timestamp, in range). Defined here once; {@link CalendarDateParam}, {@link DateParam},
 * {@link InstantParam} and the shift ids of `dialogs.schemas.ts` use it, and the OpenAPI transform
 * (`openapi.ts`) prints it in the description of every parameter that carries it.
 */
export const PLAUSIBLE_RANGE = {
  firstDay: "2000-01-01",
  lastDay: "2099-12-31",
  from: "2000-01-01T00:00:00.000Z",
  to: "2100-01-01T00:00:00.000Z",
} as const;

const PLAUSIBLE_FROM_MS = Date.parse(PLAUSIBLE_RANGE.from);
const PLAUSIBLE_TO_MS = Date.parse(PLAUSIBLE_RANGE.to);

/** True when `day` (`YYYY-MM-DD`, four-digit year) is within {@link PLAUSIBLE_RANGE}. */
export function isPlausibleDay(day: string): boolean {
  return day >= PLAUSIBLE_RANGE.firstDay && day <= PLAUSIBLE_RANGE.lastDay;
}

/** True when `day` (`YYYY-MM-DD`) names a day of the Gregorian calendar (no 2026-02-30). */
export function isCalendarDay(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/** True when `epochMs` is within {@link PLAUSIBLE_RANGE} (`NaN` is not). */
export function isPlausibleInstant(epochMs: number): boolean {
  return epochMs >= PLAUSIBLE_FROM_MS && epochMs < PLAUSIBLE_TO_MS;
}

/**
 * JSON Schema members of a date or instant parameter: the range as `formatMinimum` /
 * `formatMaximum` (`formatExclusiveMaximum` for instants), the keywords JSON Schema validators
 * (ajv-formats) read for formatted strings. The OpenAPI transform turns them into description text.
 */
export const PLAUSIBLE_DAY_META = {
  formatMinimum: PLAUSIBLE_RANGE.firstDay,
  formatMaximum: PLAUSIBLE_RANGE.lastDay,
} as const;
/** See {@link PLAUSIBLE_DAY_META}. */
export const PLAUSIBLE_INSTANT_META = {
  formatMinimum: PLAUSIBLE_RANGE.from,
  formatExclusiveMaximum: PLAUSIBLE_RANGE.to,
} as const;

const DAY_RANGE_MESSAGE = `a date from ${PLAUSIBLE_RANGE.firstDay} to ${PLAUSIBLE_RANGE.lastDay}`;

/**
 * An ISO-8601 calendar date (`2026-10-12`) in {@link PLAUSIBLE_RANGE}, kept as a string; callers
 * describe whose day it is (UTC, the project's zone).
 */
export const CalendarDateParam = z.iso
  .date()
  .refine(isPlausibleDay, DAY_RANGE_MESSAGE)
  .meta(PLAUSIBLE_DAY_META)
  .describe("ISO-8601 date, e.g. 2026-10-12");

/**
 * An ISO-8601 instant in a query string or body (`2026-10-12T04:27:45Z`, optional fraction, `Z` or
 * an offset) in {@link PLAUSIBLE_RANGE}, parsed to a `Date`.
 */
export const InstantParam = z.iso
  .datetime({ offset: true })
  .refine(
    (s) => isPlausibleInstant(Date.parse(s)),
    `an instant from ${PLAUSIBLE_RANGE.from}, before ${PLAUSIBLE_RANGE.to}`,
  )
  .meta(PLAUSIBLE_INSTANT_META)
  .transform((s) => new Date(s))
  .describe("ISO-8601 instant, e.g. 2026-10-12T04:27:45Z");

/** An ISO-8601 calendar date (`2026-10-12`, a UTC day) in {@link PLAUSIBLE_RANGE}, kept as a string. */
export const DateParam = CalendarDateParam.describe("ISO-8601 date, e.g. 2026-10-12 (UTC day)");

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
