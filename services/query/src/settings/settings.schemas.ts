import {
  AdTeamsChanged,
  CrmId,
  CycleRulesChanged,
  OrderOverridesChanged,
  PipelineProductsChanged,
  ProjectId,
  QualifiedStagesChanged,
  ShiftSettingsChanged,
  SlaChanged,
  UrgentRulesChanged,
  UtmFieldsChanged,
  WorkingHoursChanged,
} from "@pulse/events";
import { z } from "zod";
import { IdParam, Instant } from "../http/api.schemas.js";
import { RecomputeState } from "./recompute.schemas.js";

/**
 * The settings kinds of a project, as stored in `rm.settings.kind` and used in the dedup key
 * `settings:{project}:{kind}:{version}` of the `settings.{kind}_changed` events.
 */
export const SettingsKind = z.enum([
  "working_hours",
  "sla",
  "cycle",
  "urgent_rules",
  "shifts",
  "qualified_stages",
  "pipeline_products",
  "utm_fields",
  "ad_teams",
]);
/** See {@link SettingsKind}. */
export type SettingsKind = z.infer<typeof SettingsKind>;

// The settings bodies are the events' `data` without the envelope fields `version`/`changed_by`
// that the API fills in: one shape, defined once in @pulse/events (STYLE.md rule 2).
const withoutChange = { version: true, changed_by: true } as const;

/**
 * Working-hours settings: `default` (the calendar of every status group without its own) and
 * `groups` keyed by status group id (decimal string). A calendar is `{working_hours: {mon..sun:
 * ["09:00-13:00", …]}, holidays: ["YYYY-MM-DD"], time_zone?}`; without `time_zone` the project's
 * zone (`rm.projects.time_zone`) applies, without `working_hours` the calendar is 24/7.
 */
export const WorkingHoursSettings = WorkingHoursChanged.shape.data.omit(withoutChange);
/** See {@link WorkingHoursSettings}. */
export type WorkingHoursSettings = z.infer<typeof WorkingHoursSettings>;

/**
 * SLA settings: `grids` (profile → status group id → limit `hh:mm` or null = no SLA; `normal` and
 * `urgent` are the SPEC's grids, other names are profiles an order override may pick) and
 * `near_share` (default 0.8: `near` from 80 % of the limit).
 */
export const SlaSettingsBody = SlaChanged.shape.data.omit(withoutChange);
/** See {@link SlaSettingsBody}. */
export type SlaSettingsBody = z.infer<typeof SlaSettingsBody>;

/**
 * Cycle rules: `[{name, start: {group_id} | {status_id[, group_id]}, end: {…}, start_entry?,
 * end_entry?: "first" | "last"}]` (the shape `parseCycleRules` of @pulse/domain reads).
 */
export const CycleSettings = CycleRulesChanged.shape.data.omit(withoutChange);
/** See {@link CycleSettings}. */
export type CycleSettings = z.infer<typeof CycleSettings>;

/** Urgent rules: `[{match_type: sku | offer_id | product_id, match_value}]`; any match makes an order urgent. */
export const UrgentRulesSettings = UrgentRulesChanged.shape.data.omit(withoutChange);
/** See {@link UrgentRulesSettings}. */
export type UrgentRulesSettings = z.infer<typeof UrgentRulesSettings>;

/** Shift settings: zone (IANA or ±hh:mm), start hour 0–23, length in hours (divides 24), lookback hours. */
export const ShiftSettingsBody = ShiftSettingsChanged.shape.data.omit(withoutChange);
/** See {@link ShiftSettingsBody}. */
export type ShiftSettingsBody = z.infer<typeof ShiftSettingsBody>;

/**
 * Qualified stages (SPEC "amoCRM deals", `is_qualified_stage`): `stages` = `[{pipeline_id, status_id,
 * is_qualified}]` overriding the default (142 qualified in every pipeline, others not).
 */
export const QualifiedStagesBody = QualifiedStagesChanged.shape.data.omit(withoutChange);
/** See {@link QualifiedStagesBody}. */
export type QualifiedStagesBody = z.infer<typeof QualifiedStagesBody>;

/**
 * Pipeline products: `products` = `[{pipeline_id, name, price, currency}]` (one per pipeline; the price of
 * a won lead whose price is 0) and `default_currency` for pipelines without a product.
 */
export const PipelineProductsBody = PipelineProductsChanged.shape.data.omit(withoutChange);
/** See {@link PipelineProductsBody}. */
export type PipelineProductsBody = z.infer<typeof PipelineProductsBody>;

/**
 * UTM field ids: per key (`utm_source` … `fbclid`) the amoCRM custom-field ids in precedence order (first =
 * primary; later ones are duplicates read only when the primary is empty, and reported as conflicts when
 * they differ).
 */
export const UtmFieldsBody = UtmFieldsChanged.shape.data.omit(withoutChange);
/** See {@link UtmFieldsBody}. */
export type UtmFieldsBody = z.infer<typeof UtmFieldsBody>;

/** Ad teams (the team constructor): `teams` = `[{name, utm_source, patterns, colour, emoji}]`. */
export const AdTeamsBody = AdTeamsChanged.shape.data.omit(withoutChange);
/** See {@link AdTeamsBody}. */
export type AdTeamsBody = z.infer<typeof AdTeamsBody>;

/** The version a settings change is based on. */
export const BaseVersion = z
  .number()
  .int()
  .nonnegative()
  .describe(
    "the version this change is based on: `version` from GET (0 while the settings were never changed). " +
      "Any other value is answered 409 version_conflict and nothing is published",
  );

/** Who last changed a kind of settings, and which version it is. */
export const SettingsMeta = {
  project_id: ProjectId,
  kind: SettingsKind,
  version: z
    .number()
    .int()
    .nonnegative()
    .describe("current version (as projected into rm.settings); 0 = never changed, defaults apply"),
  is_default: z
    .boolean()
    .describe("true when the settings were never changed and `settings` are the defaults"),
  changed_by: z.string().nullable().describe("subject of the admin who made the current version"),
  changed_at: Instant.nullable(),
};

/** Answer of `PUT /api/settings/*` and `PUT /api/orders/:orderId/overrides`: 202, the change is in the event log. */
export const SettingsChangeAccepted = z
  .object({
    project_id: ProjectId,
    kind: z.string().describe("settings kind, or `order_overrides`"),
    version: z
      .number()
      .int()
      .nullable()
      .describe("the version the change created (null for order overrides, which are not versioned)"),
    event_id: z.string().describe("id (ULID) of the published event"),
    stream_seq: z
      .number()
      .int()
      .describe(
        "events-stream sequence of the event: read models include the change once rm.checkpoints reaches it",
      ),
    replay_id: z.string().describe("id of the recomputation the change triggers (= event_id)"),
    replay_url: z.string().describe("where to follow the recomputation: GET it until status is done"),
    recompute: RecomputeState.describe(
      "whether the project's read models follow its settings: `pending` after a settings change, `retrying` " +
        "when an earlier recompute waits for NATS or Postgres (see RecomputeState)",
    ),
  })
  .describe("the change is stored in the event log; read models follow asynchronously");
/** See {@link SettingsChangeAccepted}. */
export type SettingsChangeAccepted = z.infer<typeof SettingsChangeAccepted>;

/** Path of the order-overrides routes. */
export const OverridesParams = z.object({ orderId: IdParam });

/**
 * Order overrides as entered (SPEC "Overrides per order … win over rules"): the whole set replaces
 * the previous one; `null` = not overridden (follow the rules).
 */
export const OrderOverridesBody = OrderOverridesChanged.shape.data.shape.overrides;
/** See {@link OrderOverridesBody}. */
export type OrderOverridesBody = z.infer<typeof OrderOverridesBody>;

/** Answer of `GET /api/orders/:orderId/overrides`. */
export const OrderOverridesResponse = z
  .object({
    project_id: ProjectId,
    order_id: CrmId,
    overrides: OrderOverridesBody.describe("all null when nothing is overridden"),
    changed_by: z.string().nullable(),
    changed_at: Instant.nullable(),
  })
  .describe("the order's current overrides (as projected into rm.order_overrides)");
/** See {@link OrderOverridesResponse}. */
export type OrderOverridesResponse = z.infer<typeof OrderOverridesResponse>;
