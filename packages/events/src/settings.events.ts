import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmId } from "./primitives.js";

/**
 * Who changed a setting and which version it became. `version` increases by one per change of the
 * same setting kind in a project (the admin API checks it: a stale write is a 409).
 */
const SettingsChange = { version: z.number().int().positive(), changed_by: z.string().min(1).max(200) };

/**
 * One working calendar as entered: per weekday a list of `HH:MM-HH:MM` windows (`[]` = day off;
 * a window ending at or before its start crosses midnight; `24:00` allowed as an end), holidays as
 * local ISO dates, and optionally the zone (default: the project's). Validated by
 * `parseWorkingCalendar` of `@pulse/domain` before it is published.
 */
export const WorkingCalendarSettings = z.object({
  time_zone: z.string().optional(),
  working_hours: z
    .object({
      mon: z.array(z.string()),
      tue: z.array(z.string()),
      wed: z.array(z.string()),
      thu: z.array(z.string()),
      fri: z.array(z.string()),
      sat: z.array(z.string()),
      sun: z.array(z.string()),
    })
    .optional(),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional(),
});
/** See {@link WorkingCalendarSettings}. */
export type WorkingCalendarSettings = z.infer<typeof WorkingCalendarSettings>;

/**
 * `settings.working_hours_changed` v1 — the project's working calendars: `default` for every
 * status group without its own, `groups` keyed by status group id (decimal string).
 * Dedup key `settings:{project}:working_hours:{version}`.
 */
export const WorkingHoursChanged = defineEvent(
  "settings.working_hours_changed",
  1,
  z.object({
    ...SettingsChange,
    default: WorkingCalendarSettings,
    groups: z.record(z.string(), WorkingCalendarSettings),
  }),
);
/** See {@link WorkingHoursChanged}. */
export type WorkingHoursChanged = z.infer<typeof WorkingHoursChanged>;

/**
 * `settings.sla_changed` v1 — SLA grids: `grids.normal`, `grids.urgent` and optional named profiles,
 * each mapping a status group id (decimal string) to a limit `hh:mm` (hours may exceed 24) or
 * `null` (no SLA); `near_share` (default 0.8) is where `near` starts. Validated by
 * `parseSlaSettings` of `@pulse/domain`. Dedup key `settings:{project}:sla:{version}`.
 */
export const SlaChanged = defineEvent(
  "settings.sla_changed",
  1,
  z.object({
    ...SettingsChange,
    near_share: z.number().gt(0).max(1).default(0.8),
    grids: z.record(z.string(), z.record(z.string(), z.string().nullable())),
  }),
);
/** See {@link SlaChanged}. */
export type SlaChanged = z.infer<typeof SlaChanged>;

/**
 * `settings.cycle_changed` v1 — named cycle rules as entered (validated by `parseCycleRules` of
 * `@pulse/domain`): `{name, start: {status_id?|group_id?, entry?: first|last}, end: {…}}`.
 * Dedup key `settings:{project}:cycle:{version}`.
 */
export const CycleRulesChanged = defineEvent(
  "settings.cycle_changed",
  1,
  z.object({ ...SettingsChange, rules: z.array(z.record(z.string(), z.unknown())) }),
);
/** See {@link CycleRulesChanged}. */
export type CycleRulesChanged = z.infer<typeof CycleRulesChanged>;

/**
 * `settings.urgent_rules_changed` v1 — urgency rules (SPEC "Urgency"): an order with an item
 * matching any rule is urgent. Dedup key `settings:{project}:urgent_rules:{version}`.
 */
export const UrgentRulesChanged = defineEvent(
  "settings.urgent_rules_changed",
  1,
  z.object({
    ...SettingsChange,
    rules: z.array(
      z.object({ match_type: z.enum(["sku", "offer_id", "product_id"]), match_value: z.string().min(1) }),
    ),
  }),
);
/** See {@link UrgentRulesChanged}. */
export type UrgentRulesChanged = z.infer<typeof UrgentRulesChanged>;

/**
 * `settings.shifts_changed` v1 — shift settings (SPEC "Conversations and shifts"): zone (IANA or
 * ±hh:mm), start hour, length in hours (divides 24), catch-up lookback in hours.
 * Dedup key `settings:{project}:shifts:{version}`.
 */
export const ShiftSettingsChanged = defineEvent(
  "settings.shifts_changed",
  1,
  z.object({
    ...SettingsChange,
    time_zone: z.string(),
    start_hour: z.number().int().min(0).max(23),
    length_hours: z.number().int().min(1).max(24),
    lookback_hours: z.number().int().min(0).max(720),
  }),
);
/** See {@link ShiftSettingsChanged}. */
export type ShiftSettingsChanged = z.infer<typeof ShiftSettingsChanged>;

/**
 * `order.overrides_changed` v1 — per-order overrides that win over rules (SPEC "Overrides"):
 * `urgent` true/false/null (null = follow the rules), `sla_profile` (a grid name or null),
 * `cycle_start_at` / `cycle_end_at` (ISO instants or null). The whole set replaces the previous one.
 * Dedup key `overrides:{project}:{order}:{event id}`.
 */
export const OrderOverridesChanged = defineEvent(
  "order.overrides_changed",
  1,
  z.object({
    order_id: CrmId,
    changed_by: z.string().min(1).max(200),
    overrides: z.object({
      urgent: z.boolean().nullable(),
      sla_profile: z.string().nullable(),
      cycle_start_at: z.string().nullable(),
      cycle_end_at: z.string().nullable(),
    }),
  }),
);
/** See {@link OrderOverridesChanged}. */
export type OrderOverridesChanged = z.infer<typeof OrderOverridesChanged>;

/**
 * `settings.qualified_stages_changed` v1 — which amoCRM stages qualify a lead (SPEC "amoCRM deals":
 * per stage a setting `is_qualified_stage`). `stages` lists `(pipeline_id, status_id,
 * is_qualified)` entries that override the default — 142 (won) qualified in every pipeline, every
 * other stage not. A stage absent from the list keeps its default. Changing it recomputes
 * `is_qualified` / `qualified_at` of every lead of the project over history.
 * Dedup key `settings:{project}:qualified_stages:{version}`.
 */
export const QualifiedStagesChanged = defineEvent(
  "settings.qualified_stages_changed",
  1,
  z.object({
    ...SettingsChange,
    stages: z.array(z.object({ pipeline_id: CrmId, status_id: CrmId, is_qualified: z.boolean() })),
  }),
);
/** See {@link QualifiedStagesChanged}. */
export type QualifiedStagesChanged = z.infer<typeof QualifiedStagesChanged>;

/**
 * One pipeline's product (SPEC "amoCRM deals": a won lead with price 0 sells at the pipeline's
 * product price): `name` (e.g. "Express course"), `price` in major units of `currency` (ISO 4217,
 * e.g. `KZT`), the sale's product name and currency for every won lead of the pipeline.
 */
export const PipelineProduct = z.object({
  pipeline_id: CrmId,
  name: z.string().min(1).max(200),
  price: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
/** See {@link PipelineProduct}. */
export type PipelineProduct = z.infer<typeof PipelineProduct>;

/**
 * `settings.pipeline_products_changed` v1 — the product of each amoCRM pipeline (one entry per
 * pipeline). A pipeline without an entry has no product: its sales carry the lead's price only and
 * the currency `default_currency`. Dedup key `settings:{project}:pipeline_products:{version}`.
 */
export const PipelineProductsChanged = defineEvent(
  "settings.pipeline_products_changed",
  1,
  z.object({
    ...SettingsChange,
    default_currency: z.string().regex(/^[A-Z]{3}$/),
    products: z.array(PipelineProduct),
  }),
);
/** See {@link PipelineProductsChanged}. */
export type PipelineProductsChanged = z.infer<typeof PipelineProductsChanged>;

/** The UTM keys read from an amoCRM lead (SPEC "amoCRM deals", UTM). */
export const UtmKey = z.enum([
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
  "utm_referrer",
  "fbclid",
]);
/** See {@link UtmKey}. */
export type UtmKey = z.infer<typeof UtmKey>;

/**
 * `settings.utm_fields_changed` v1 — the account's custom-field ids of each UTM key, in precedence
 * order: the first id is the primary (tracking) field, the others duplicates (e.g. `utm_source`:
 * `[434731, 1037547]`). The precedence rule itself is `readUtm` of `@pulse/domain`.
 * Dedup key `settings:{project}:utm_fields:{version}`.
 */
export const UtmFieldsChanged = defineEvent(
  "settings.utm_fields_changed",
  1,
  z.object({
    ...SettingsChange,
    fields: z.object({
      utm_source: z.array(CrmId),
      utm_medium: z.array(CrmId),
      utm_campaign: z.array(CrmId),
      utm_content: z.array(CrmId),
      utm_term: z.array(CrmId),
      utm_referrer: z.array(CrmId),
      fbclid: z.array(CrmId),
    }),
  }),
);
/** See {@link UtmFieldsChanged}. */
export type UtmFieldsChanged = z.infer<typeof UtmFieldsChanged>;

/**
 * One ad team of the "team constructor" (SPEC "amoCRM deals", attribution): `name`, its own
 * `utm_source` (exact match → `high`), case-insensitive `patterns` (→ `medium`), and how the
 * dashboard shows it (`colour` `#rrggbb`, `emoji`).
 */
export const AdTeamSettings = z.object({
  name: z.string().min(1).max(100),
  utm_source: z.string().max(200),
  patterns: z.array(z.string().min(1).max(200)),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  emoji: z.string().max(16),
});
/** See {@link AdTeamSettings}. */
export type AdTeamSettings = z.infer<typeof AdTeamSettings>;

/**
 * `settings.ad_teams_changed` v1 — the project's ad teams (order = display and tie order). Changing
 * them recomputes the attribution of every lead and sale over history.
 * Dedup key `settings:{project}:ad_teams:{version}`.
 */
export const AdTeamsChanged = defineEvent(
  "settings.ad_teams_changed",
  1,
  z.object({ ...SettingsChange, teams: z.array(AdTeamSettings) }),
);
/** See {@link AdTeamsChanged}. */
export type AdTeamsChanged = z.infer<typeof AdTeamsChanged>;
