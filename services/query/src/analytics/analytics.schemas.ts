import { CrmId, ProjectId } from "@pulse/events";
import { z } from "zod";
import { CalendarDateParam, Instant, projectScope } from "../http/api.schemas.js";

/** Calendar unit of the buckets, in the project's time zone (weeks start on Monday). */
export const Granularity = z.enum(["day", "week", "month"]);
/** See {@link Granularity}. */
export type Granularity = z.infer<typeof Granularity>;

/** Which duration is aggregated: working time (overlap with the working calendar) or wall-clock time. */
export const DurationBasis = z.enum(["working", "wall"]);
/** See {@link DurationBasis}. */
export type DurationBasis = z.infer<typeof DurationBasis>;

/** Which intervals count: all, or only those of normal / urgent orders (SPEC "normal vs urgent"). */
export const UrgencyFilter = z.enum(["all", "normal", "urgent"]);
/** See {@link UrgencyFilter}. */
export type UrgencyFilter = z.infer<typeof UrgencyFilter>;

/** Longest range `GET /api/analytics/status-durations` accepts, in days. */
export const MAX_RANGE_DAYS = 1100;

const LocalDate = CalendarDateParam;

/** Days from `from` to `to` (ISO dates), inclusive. */
function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Query of `GET /api/analytics/status-durations`: local days `[from, to]` of the project's time zone. */
export const StatusDurationsQuery = z
  .strictObject({
    ...projectScope,
    from: LocalDate.describe("first day, inclusive, in the project's time zone (YYYY-MM-DD)"),
    to: LocalDate.describe("last day, inclusive, in the project's time zone (YYYY-MM-DD)"),
    granularity: Granularity.default("day"),
    basis: DurationBasis.default("working").describe(
      "working: the intervals' stored working_seconds (working calendar of the group); wall: ended_at − started_at",
    ),
    urgency: UrgencyFilter.default("all").describe(
      "normal / urgent: intervals by their is_urgent (the grid they were judged with); cycles by the order's is_urgent",
    ),
  })
  .refine((q) => q.from <= q.to, { message: "`from` must not be after `to`", path: ["from"] })
  .refine((q) => q.from > q.to || daysInclusive(q.from, q.to) <= MAX_RANGE_DAYS, {
    message: `the range may span at most ${MAX_RANGE_DAYS} days`,
    path: ["to"],
  });

/**
 * Statistics of time spent in a status or group by the orders that visited it. An order's time is
 * the sum of its measured intervals there (an order may come back); mean, median and p90 are over
 * those per-order sums (`percentile_cont`, linear interpolation).
 */
const DurationStats = {
  orders_visited: z
    .number()
    .int()
    .describe("orders with at least one measured interval here: the denominator of mean/median/p90"),
  intervals: z.number().int().describe("measured intervals (visits) here"),
  total_seconds: z.number().describe("sum of the measured intervals, seconds"),
  mean_seconds: z.number().describe("total_seconds / orders_visited"),
  median_seconds: z.number().describe("median of the per-order sums"),
  p90_seconds: z.number().describe("90th percentile of the per-order sums"),
};

/**
 * SLA of the orders that visited a group in a bucket: each judged on its total working time in the
 * group (every visit, SPEC "Decided rules") as it stood at the bucket's end, or at `as_of` when the
 * bucket ends later.
 */
export const GroupSlaCounts = z.object({
  judged: z.number().int().describe("orders_visited whose group has an SLA limit: the denominator"),
  ok: z.number().int(),
  near: z.number().int(),
  over: z.number().int(),
  ok_percent: z.number().nullable().describe("100 × ok / judged, rounded to 0.1; null when judged is 0"),
  near_percent: z.number().nullable(),
  over_percent: z.number().nullable(),
});
/** See {@link GroupSlaCounts}. */
export type GroupSlaCounts = z.infer<typeof GroupSlaCounts>;

/** Time in one status group, and the SLA of the orders that visited it. */
export const GroupDurations = z.object({
  group_id: CrmId.nullable().describe("null for intervals whose group is unknown"),
  group_name: z.string().nullable(),
  ...DurationStats,
  sla: GroupSlaCounts,
});
/** See {@link GroupDurations}. */
export type GroupDurations = z.infer<typeof GroupDurations>;

/** Time in one status (of one group: amoCRM stage ids repeat in every pipeline). */
export const StatusDurations = z.object({
  status_id: CrmId,
  status_name: z.string().nullable(),
  group_id: CrmId.nullable(),
  group_name: z.string().nullable(),
  ...DurationStats,
});
/** See {@link StatusDurations}. */
export type StatusDurations = z.infer<typeof StatusDurations>;

/** Full-cycle times of one cycle rule (rm.order_cycle_metrics), cycles that ended in the bucket. */
export const CycleDurations = z.object({
  rule_name: z.string(),
  cycles: z.number().int().describe("closed cycles with a measured duration: the denominator"),
  total_seconds: z.number(),
  mean_seconds: z.number().describe("total_seconds / cycles"),
  median_seconds: z.number(),
  p90_seconds: z.number(),
});
/** See {@link CycleDurations}. */
export type CycleDurations = z.infer<typeof CycleDurations>;

/** "Total time of all orders in the period": every measured interval, whatever its status. */
export const DurationTotals = z.object({
  orders: z.number().int().describe("orders with at least one measured interval"),
  intervals: z.number().int().describe("measured intervals"),
  total_seconds: z.number().describe("their sum, seconds"),
  open_intervals: z
    .number()
    .int()
    .describe("intervals that started here but are still open: not measured, left out of every statistic"),
  unmeasured_intervals: z
    .number()
    .int()
    .describe("closed intervals without a stored working_seconds (basis=working only): left out"),
});
/** See {@link DurationTotals}. */
export type DurationTotals = z.infer<typeof DurationTotals>;

/**
 * How the median and p90 of a block were computed: `exact` (`percentile_cont` over the per-order
 * sums) or `histogram` (the projector's mergeable histograms of the per-order sums, each percentile
 * within `max_relative_error` of the exact one; counts, totals and means stay exact).
 */
export const PercentilesMethod = z
  .object({
    method: z.enum(["exact", "histogram"]),
    max_relative_error: z
      .number()
      .describe("bound on |reported − exact| / exact of median_seconds and p90_seconds (0 when exact)"),
  })
  .describe("how median_seconds and p90_seconds were computed");
/** See {@link PercentilesMethod}. */
export type PercentilesMethod = z.infer<typeof PercentilesMethod>;

/** The statistics of a bucket or of the whole range. */
export const DurationsBlock = z.object({
  percentiles: PercentilesMethod,
  totals: DurationTotals,
  groups: z.array(GroupDurations).describe("sorted by group id, unknown group last"),
  statuses: z.array(StatusDurations).describe("sorted by group id, then status id"),
  cycles: z.array(CycleDurations).describe("sorted by rule name"),
});
/** See {@link DurationsBlock}. */
export type DurationsBlock = z.infer<typeof DurationsBlock>;

/** One calendar day / week / month of the range. */
export const DurationsBucket = DurationsBlock.extend({
  bucket: z
    .string()
    .describe("local date the bucket starts on (YYYY-MM-DD; a Monday for weeks, the 1st for months)"),
  start: Instant.describe("the bucket's start instant (it may lie before the range: only the range counts)"),
  end: Instant.describe("the bucket's end instant, exclusive"),
});
/** See {@link DurationsBucket}. */
export type DurationsBucket = z.infer<typeof DurationsBucket>;

/** What an analytics answer covers and how it was computed (issue "answers state what they cover"). */
export const AnalyticsCoverage = z
  .object({
    as_of: Instant.describe(
      "the instant the answer was computed for: SLA of unfinished buckets is judged here",
    ),
    range_start: Instant,
    range_end: Instant.describe("exclusive"),
    counted: z
      .string()
      .describe(
        "which intervals and cycles count (closed intervals started in the range; cycles ended in it)",
      ),
    denominators: z.object({
      mean_median_p90: z.string(),
      sla_percent: z.string(),
      cycles: z.string(),
    }),
    percentiles: PercentilesMethod.describe("the least exact method used by any block of the answer"),
    blocks_from_aggregates: z
      .number()
      .int()
      .describe("buckets (and the period) read from the projector's per-day/week/month/year aggregates"),
    blocks_from_intervals: z
      .number()
      .int()
      .describe(
        "buckets (and the period) computed from the intervals: cut by the range, not ended at as_of, or a period that is not one calendar day/week/month/year",
      ),
  })
  .describe("what the answer covers: period, denominators, as_of and the approximation of its percentiles");
/** See {@link AnalyticsCoverage}. */
export type AnalyticsCoverage = z.infer<typeof AnalyticsCoverage>;

/** Answer of `GET /api/analytics/status-durations`. */
export const StatusDurationsResponse = z
  .object({
    project_id: ProjectId,
    time_zone: z.string().describe("the project's time zone the days, weeks and months are cut in"),
    from: z.string(),
    to: z.string(),
    granularity: Granularity,
    basis: DurationBasis,
    urgency: UrgencyFilter,
    range_start: Instant.describe("00:00 of `from` in the project's time zone"),
    range_end: Instant.describe("00:00 of the day after `to`, exclusive"),
    period: DurationsBlock.describe("the whole range as one bucket (percentiles are not sums of buckets)"),
    buckets: z.array(DurationsBucket).describe("every bucket of the range in order, empty ones included"),
    coverage: AnalyticsCoverage,
  })
  .describe(
    "time per status and group, full cycles and totals per day/week/month. Intervals count in the bucket of their " +
      "start and only once closed; cycles in the bucket of their end",
  );
/** See {@link StatusDurationsResponse}. */
export type StatusDurationsResponse = z.infer<typeof StatusDurationsResponse>;
