import { CrmId, ProjectId } from "@pulse/events";
import { z } from "zod";
import { CalendarDateParam, IdParam, Instant, projectScope } from "../http/api.schemas.js";

/** Attribution confidence of a lead or sale (SPEC "amoCRM deals", attribution to ad teams). */
export const Confidence = z.enum(["high", "medium", "low"]);
/** See {@link Confidence}. */
export type Confidence = z.infer<typeof Confidence>;

/** Calendar unit of the sales stats buckets, in the project's time zone (weeks start on Monday). */
export const SalesGranularity = z.enum(["day", "week", "month"]);
/** See {@link SalesGranularity}. */
export type SalesGranularity = z.infer<typeof SalesGranularity>;

/** Longest range of local days a sales or lead read accepts. */
export const MAX_SALES_RANGE_DAYS = 1100;

/** Largest page of `GET /api/sales`. */
export const MAX_SALES_PAGE_SIZE = 200;

/** The team filter value for sales and leads attributed to no team (unattributed or ambiguous). */
export const NO_TEAM = "none";

/** Days from `from` to `to` (ISO dates), inclusive. */
function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

const period = {
  from: CalendarDateParam.optional().describe(
    "first local day (project's time zone), inclusive; without from/to: every day",
  ),
  to: CalendarDateParam.optional().describe("last local day (project's time zone), inclusive"),
};

/** `from` ≤ `to` and the range within {@link MAX_SALES_RANGE_DAYS}, when both are given. */
function withPeriodRules<T extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(
  schema: T,
) {
  return schema
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
      message: "`from` must not be after `to`",
      path: ["from"],
    })
    .refine(
      (q) =>
        q.from === undefined ||
        q.to === undefined ||
        q.from > q.to ||
        daysInclusive(q.from, q.to) <= MAX_SALES_RANGE_DAYS,
      { message: `the range may span at most ${MAX_SALES_RANGE_DAYS} days`, path: ["to"] },
    );
}

const salesFilters = {
  ...projectScope,
  ...period,
  team: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(`ad team name (as in the teams setting), or \`${NO_TEAM}\` for sales attributed to no team`),
  pipeline: IdParam.optional().describe("amoCRM pipeline id the lead was won in"),
  manager: IdParam.optional().describe("responsible user (manager) id at the sale"),
  confidence: Confidence.optional().describe("attribution confidence"),
};

/** Query of `GET /api/sales`: filters and paging; newest sale first. */
export const SalesListQuery = withPeriodRules(
  z.strictObject({
    ...salesFilters,
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_SALES_PAGE_SIZE).default(50),
  }),
);
/** See {@link SalesListQuery}. */
export type SalesListQuery = z.infer<typeof SalesListQuery>;

/** Query of `GET /api/sales/export.csv`: the list's filters, every row, newest first. */
export const SalesExportQuery = withPeriodRules(
  z.strictObject({
    ...salesFilters,
    delimiter: z
      .enum(["comma", "semicolon"])
      .default("comma")
      .describe("field separator: semicolon suits Excel with a comma decimal separator (ru/uk/kk locales)"),
  }),
);

/** The UTM fields of a lead as read from its custom fields (null when absent). */
export const UtmFields = z.object({
  utm_source: z.string().nullable(),
  utm_medium: z.string().nullable(),
  utm_campaign: z.string().nullable(),
  utm_content: z.string().nullable(),
  utm_term: z.string().nullable(),
});

/** One sale (a lead that is in 142 now): SPEC "amoCRM deals" "Won deal (142) → a sale". */
export const SaleItem = z.object({
  lead_id: CrmId,
  sold_at: Instant.describe("the time of the status change into 142"),
  amount: z.number().describe("the lead's price, or the pipeline's product price when the price is 0"),
  currency: z.string().nullable(),
  product: z.string().nullable().describe("the pipeline's product name"),
  pipeline_id: CrmId.nullable(),
  pipeline_name: z.string().nullable(),
  manager_id: CrmId.nullable(),
  manager_name: z.string().nullable(),
  contact_name: z.string().nullable(),
  phone: z.string().nullable().describe("E.164"),
  email: z.string().nullable(),
  ...UtmFields.shape,
  team: z.string().nullable().describe("ad team; null when unattributed or ambiguous"),
  confidence: Confidence,
  matched_rule: z.string().nullable().describe("exact_utm_source | fb_team | pattern (null: none)"),
  matched_pattern: z.string().nullable().describe("the pattern or utm_source text that matched"),
  is_ambiguous: z.boolean().describe("the utm_source matched several teams: attributed to none"),
  price_source: z
    .string()
    .describe("lead (the lead's price) | product (the pipeline's product price) | none"),
});
/** See {@link SaleItem}. */
export type SaleItem = z.infer<typeof SaleItem>;

/** Answer of `GET /api/sales`. */
export const SalesListResponse = z.object({
  project_id: ProjectId,
  time_zone: z.string().describe("the zone local days are cut in"),
  page: z.number().int(),
  page_size: z.number().int(),
  total: z.number().int().describe("sales matching the filters"),
  revenue: z.number().describe("sum of `amount` over every matching sale (all pages)"),
  items: z.array(SaleItem),
});

/** Query of `GET /api/sales/stats`. */
export const SalesStatsQuery = withPeriodRules(
  z.strictObject({
    ...projectScope,
    from: CalendarDateParam.describe("first local day, inclusive (project's time zone)"),
    to: CalendarDateParam.describe("last local day, inclusive"),
    granularity: SalesGranularity.default("day"),
  }),
);
/** See {@link SalesStatsQuery}. */
export type SalesStatsQuery = z.infer<typeof SalesStatsQuery>;

/** Sales of one team in one bucket (or the whole range). */
export const TeamSalesStats = z.object({
  team: z.string().nullable().describe("null: sales attributed to no team"),
  count: z.number().int(),
  revenue: z.number(),
  mean_check: z.number().nullable().describe("revenue / count; null without sales"),
});
/** See {@link TeamSalesStats}. */
export type TeamSalesStats = z.infer<typeof TeamSalesStats>;

/** Answer of `GET /api/sales/stats`. */
export const SalesStatsResponse = z.object({
  project_id: ProjectId,
  time_zone: z.string(),
  granularity: SalesGranularity,
  from: z.string(),
  to: z.string(),
  teams: z.array(z.string().nullable()).describe("every team with a sale in the range, in order of revenue"),
  buckets: z
    .array(
      z.object({
        bucket: z.string().describe("local start day of the bucket (YYYY-MM-DD)"),
        teams: z.array(TeamSalesStats).describe("teams with a sale in the bucket"),
        total: TeamSalesStats,
      }),
    )
    .describe("every bucket of the range, empty ones included"),
  period: z.object({ teams: z.array(TeamSalesStats), total: TeamSalesStats }),
});

/** Grouping of `GET /api/leads/qualification`. */
export const QualificationBy = z.enum(["campaign", "creative", "team"]);
/** See {@link QualificationBy}. */
export type QualificationBy = z.infer<typeof QualificationBy>;

/** Query of `GET /api/leads/qualification`. */
export const QualificationQuery = withPeriodRules(
  z.strictObject({
    ...projectScope,
    ...period,
    by: QualificationBy.default("campaign").describe(
      "campaign: utm_campaign; creative: utm_content; team: the attributed ad team",
    ),
    pipeline: IdParam.optional().describe("only leads now in this pipeline"),
  }),
);
/** See {@link QualificationQuery}. */
export type QualificationQuery = z.infer<typeof QualificationQuery>;

/** Qualification figures of one group of leads. */
export const QualificationRow = z.object({
  key: z.string().nullable().describe("campaign, creative or team; null: leads without one"),
  leads: z.number().int().describe("leads created in the period"),
  qualified: z.number().int().describe("of them, leads that have entered a qualified stage"),
  qualification_rate: z.number().nullable().describe("qualified / leads, in % (0.1); null when no leads"),
  won: z.number().int().describe("of them, leads in 142 now (sales)"),
  conversion_rate: z.number().nullable().describe("won / leads, in % (0.1); null when no leads"),
  revenue: z.number().describe("sum of the sales' amounts of these leads"),
});
/** See {@link QualificationRow}. */
export type QualificationRow = z.infer<typeof QualificationRow>;

/** Answer of `GET /api/leads/qualification`. */
export const QualificationResponse = z.object({
  project_id: ProjectId,
  time_zone: z.string(),
  by: QualificationBy,
  denominators: z.object({
    qualification_rate: z.literal("leads"),
    conversion_rate: z.literal("leads"),
  }),
  rows: z.array(QualificationRow).describe("by leads, descending; the row without a key last"),
  total: QualificationRow,
});

/** Query of `GET /api/leads/funnel`. */
export const FunnelQuery = withPeriodRules(
  z.strictObject({
    ...projectScope,
    ...period,
    pipeline: IdParam.optional().describe(
      "amoCRM pipeline (status group); default: the pipeline with the most leads",
    ),
  }),
);
/** See {@link FunnelQuery}. */
export type FunnelQuery = z.infer<typeof FunnelQuery>;

/** One stage of the pipeline funnel. */
export const FunnelStage = z.object({
  status_id: CrmId,
  name: z.string().nullable(),
  sort: z.number().int().nullable(),
  entered: z.number().int().describe("leads with at least one interval in this stage"),
  reached: z
    .number()
    .int()
    .describe("leads that entered this stage or a later one (by stage order; 143 not counted as later)"),
  conversion_from_previous: z
    .number()
    .nullable()
    .describe("reached / reached of the previous stage, in % (0.1); null for the first stage or 0"),
  median_working_seconds: z
    .number()
    .nullable()
    .describe("median over leads of their closed working time in this stage (the pipeline's calendar)"),
  lost: z.number().int().describe("leads that went from this stage to 143 (lost)"),
});
/** See {@link FunnelStage}. */
export type FunnelStage = z.infer<typeof FunnelStage>;

/** Answer of `GET /api/leads/funnel`. */
export const FunnelResponse = z.object({
  project_id: ProjectId,
  time_zone: z.string(),
  pipeline_id: CrmId.nullable(),
  pipeline_name: z.string().nullable(),
  leads: z
    .number()
    .int()
    .describe("leads of the funnel: created in the period with an interval in the pipeline"),
  stages: z
    .array(FunnelStage)
    .describe("the pipeline's open stages in order, then 142 (won), then 143 (lost)"),
});

/** Path of `GET /api/leads/{leadId}/attribution`. */
export const LeadParams = z.strictObject({ leadId: IdParam.describe("amoCRM lead id") });
/** Query of `GET /api/leads/{leadId}/attribution`. */
export const LeadAttributionQuery = z.strictObject({ ...projectScope });

/** Answer of `GET /api/leads/{leadId}/attribution` (`rm.leads`, SPEC "amoCRM deals"). */
export const LeadAttributionResponse = z.object({
  project_id: ProjectId,
  lead_id: CrmId,
  name: z.string().nullable(),
  pipeline_id: CrmId.nullable(),
  status_id: CrmId.nullable(),
  manager_id: CrmId.nullable(),
  manager_name: z.string().nullable(),
  lead_created_at: Instant.nullable(),
  ...UtmFields.shape,
  utm_referrer: z.string().nullable(),
  fbclid: z.string().nullable(),
  utm_conflicts: z
    .array(z.unknown())
    .describe(
      "fields whose primary and duplicate custom fields disagree: {key, field_id, value, duplicate_field_id, duplicate_value}",
    ),
  team: z.string().nullable().describe("null when unattributed or ambiguous"),
  confidence: Confidence,
  matched_rule: z.string().nullable().describe("exact_utm_source | fb_team | pattern (null: none)"),
  matched_pattern: z.string().nullable().describe("the pattern or utm_source text that matched"),
  is_ambiguous: z.boolean().describe("the source matched several teams: attributed to none, never guessed"),
  candidate_teams: z.array(z.string()).describe("the teams an ambiguous source matched"),
  is_qualified: z.boolean(),
  qualified_at: Instant.nullable().describe("first entry into a qualified stage"),
  is_won: z.boolean(),
  won_at: Instant.nullable(),
  is_lost: z.boolean(),
  lost_at: Instant.nullable(),
  loss_reason: z.string().nullable(),
  sale: z
    .object({ sold_at: Instant, amount: z.number(), currency: z.string(), product: z.string().nullable() })
    .nullable()
    .describe("the sale when the lead is in 142 now"),
});
