import { CrmId, ProjectId } from "@pulse/events";
import { z } from "zod";
import { IdParam, Instant, InstantParam, projectScope } from "../http/api.schemas.js";

/** Columns of `rm.orders_current` the `from`/`to` filter can apply to. */
export const OrderDateField = z.enum(["started_at", "last_changed_at", "order_created_at"]);
/** See {@link OrderDateField}. */
export type OrderDateField = z.infer<typeof OrderDateField>;

/** Columns the order list can be sorted by (ties broken by `order_id` in the same direction). */
export const OrderSortField = z.enum(["order_id", "started_at", "last_changed_at", "last_status_group_id"]);
/** See {@link OrderSortField}. */
export type OrderSortField = z.infer<typeof OrderSortField>;

/**
 * SLA state of an order in a status group (SPEC `sla_state`, "Decided rules": judged on the order's
 * total working time in the group, all visits and the running one included): `ok`, `near` (from the
 * near share of the limit inclusive, default 80 %, up to the limit inclusive), `over` (strictly above
 * the limit).
 */
export const SlaStateValue = z.enum(["ok", "near", "over"]);
/** See {@link SlaStateValue}. */
export type SlaStateValue = z.infer<typeof SlaStateValue>;

/** Largest page of `GET /api/orders`. */
export const MAX_PAGE_SIZE = 200;

/**
 * Query of `GET /api/orders`. `from`/`to` select `[from, to)` on `dateField`; `statusId`/`groupId`
 * match the order's current status / status group; `asOf` (default: now) is the instant durations
 * are measured to.
 */
export const OrderListQuery = z
  .strictObject({
    ...projectScope,
    from: InstantParam.optional().describe("inclusive lower bound on `dateField` (ISO instant)"),
    to: InstantParam.optional().describe("exclusive upper bound on `dateField` (ISO instant)"),
    dateField: OrderDateField.default("last_changed_at"),
    statusId: IdParam.optional().describe("current status id"),
    groupId: IdParam.optional().describe("current status group id"),
    orderId: IdParam.optional(),
    managerId: IdParam.optional().describe("the order's manager (CRM user id, `manager_id`)"),
    slaState: SlaStateValue.optional().describe(
      "SLA state at asOf of the order in the group of its current interval (its latest interval starting " +
        "before asOf), judged on its total working time in that group",
    ),
    urgent: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional()
      .describe("is_urgent of the order (rm.orders_current)"),
    asOf: InstantParam.optional().describe("measure durations up to this instant (default: now)"),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    sort: OrderSortField.default("last_changed_at"),
    dir: z.enum(["asc", "desc"]).default("desc"),
    cursor: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe(
        "keyset paging: the `next_cursor` of the previous page (same filters, sort and dir); the page then " +
          "holds the orders after that page's last row, whatever was inserted meanwhile, and `page` is not used",
      ),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: "`from` must be before `to`",
    path: ["from"],
  });

/** Time an order spent in one status group, up to `as_of`. */
export const GroupTime = z.object({
  group_id: CrmId.nullable().describe("status group id; null for intervals whose group is unknown"),
  group_name: z.string().nullable(),
  seconds: z
    .number()
    .describe(
      "sum of interval durations in the group, in seconds: a closed interval that ended by as_of counts its " +
        "stored duration_seconds; an open interval, or one that ends after as_of, counts wall-clock time " +
        "from its start to as_of; intervals starting at or after as_of are excluded",
    ),
  working_seconds: z
    .number()
    .describe(
      "the same intervals' overlap with the group's working calendar, seconds: a closed interval that ended by " +
        "as_of counts its stored working_seconds; an open interval (or one ending after as_of, or one without a " +
        "stored value) is measured to as_of with the domain's workingSeconds and the project's working hours " +
        "(rm.settings; 24/7 when none)",
    ),
  sla_state: SlaStateValue.nullable().describe(
    "SLA colour of the group at as_of: the order's total working time in the group (every visit, the running " +
      "one to as_of) against the limit of its grid — over if as_of ≥ sla_over_at, near if as_of ≥ sla_near_at, " +
      "else ok; null when the group has no SLA",
  ),
  sla_limit_seconds: z
    .number()
    .nullable()
    .describe("the group's SLA limit in the order's grid, seconds; null = no SLA"),
  sla_near_at: Instant.nullable().describe(
    "when the order's total working time in the group reaches the near share of the limit (past or predicted)",
  ),
  sla_over_at: Instant.nullable().describe(
    "when the order's total working time in the group exceeds the limit (past or predicted)",
  ),
});
/** See {@link GroupTime}. */
export type GroupTime = z.infer<typeof GroupTime>;

/**
 * The order's current interval at `as_of` (its latest interval starting before `as_of`), with the
 * SLA state at `as_of`.
 */
export const CurrentInterval = z.object({
  seq: z.number().int(),
  status_id: CrmId,
  status_group_id: CrmId.nullable(),
  started_at: Instant,
  ended_at: Instant.nullable(),
  seconds: z.number().describe("wall-clock seconds in the interval up to as_of (measured as in GroupTime)"),
  working_seconds: z.number().describe("working seconds in the interval up to as_of (as in GroupTime)"),
  is_urgent: z.boolean().describe("the order is urgent: its group is judged with the urgent grid"),
  sla_limit_seconds: z.number().nullable().describe("the limit of the interval's group; null = no SLA"),
  sla_state: SlaStateValue.nullable().describe(
    "the SLA state at as_of of the order in the interval's group (as GroupTime.sla_state: its total working " +
      "time in the group, not this interval's alone); null without an SLA limit",
  ),
  sla_near_at: Instant.nullable().describe("as GroupTime.sla_near_at, for the interval's group"),
  sla_over_at: Instant.nullable().describe("as GroupTime.sla_over_at, for the interval's group"),
});
/** See {@link CurrentInterval}. */
export type CurrentInterval = z.infer<typeof CurrentInterval>;

/** One row of the order list: the order's `orders_current` row with names and time per group. */
export const OrderRow = z.object({
  order_id: CrmId,
  source: z.string().describe("keycrm | amocrm"),
  last_status_id: CrmId.nullable(),
  last_status_name: z.string().nullable().describe("from the status dictionary; null when unknown"),
  last_status_group_id: CrmId.nullable(),
  last_status_group_name: z.string().nullable(),
  order_created_at: Instant.nullable(),
  started_at: Instant.nullable(),
  last_changed_at: Instant.nullable(),
  closed_at: Instant.nullable(),
  manager_id: CrmId.nullable(),
  manager_name: z
    .string()
    .nullable()
    .describe("the manager's name from the CRM users dictionary; null when unknown (show manager_id)"),
  is_urgent: z.boolean(),
  urgent_source: z
    .string()
    .describe("rule | override | unknown (the order's items are not known yet: not urgent until they are)"),
  urgent_rule: z
    .string()
    .nullable()
    .describe("the urgent rule that matched, when a rule made the order urgent"),
  urgent_since: Instant.nullable(),
  delivery_entered_at: Instant.nullable().describe("first entry into the delivery group"),
  cycle_rule: z.string().nullable().describe("the cycle rule applied (the project's first rule)"),
  cycle_started_at: Instant.nullable(),
  cycle_ended_at: Instant.nullable().describe("null while the cycle is open"),
  cycle_wall_seconds: z.number().nullable().describe("cycle duration, wall-clock seconds, as projected"),
  cycle_working_seconds: z.number().nullable().describe("cycle duration, working seconds, as projected"),
  sla_next_transition_at: Instant.nullable().describe(
    "the first near/over instant of the current group that falls in the running visit: when the SLA state " +
      "changes without any event (null: never, closed or no SLA)",
  ),
  current_interval: CurrentInterval.nullable().describe("null when no interval starts before as_of"),
  last_event_seq: z
    .number()
    .int()
    .describe("events-stream sequence of the last event applied; a notice with a higher event_seq is newer"),
  time_by_group: z.array(GroupTime),
});
/** See {@link OrderRow}. */
export type OrderRow = z.infer<typeof OrderRow>;

/** KPI of one status group over the whole filtered set. */
export const GroupKpi = z.object({
  group_id: CrmId.nullable(),
  group_name: z.string().nullable(),
  orders_visited: z
    .number()
    .int()
    .describe("orders of the filtered set with at least one interval in the group starting before as_of"),
  total_seconds: z
    .number()
    .describe("sum of their time in the group, seconds (measured as in time_by_group)"),
  mean_seconds: z
    .number()
    .describe("total_seconds / orders_visited — the mean over orders that visited the group"),
});
/** See {@link GroupKpi}. */
export type GroupKpi = z.infer<typeof GroupKpi>;

/**
 * SLA KPI: the states at `as_of` of the orders of the filtered set in the group of their current
 * interval (each judged on its total working time in that group).
 */
export const SlaKpi = z.object({
  intervals: z
    .number()
    .int()
    .describe(
      "denominator: orders of the filtered set whose current interval's group has an SLA limit (one per order)",
    ),
  ok: z.number().int(),
  near: z.number().int(),
  over: z.number().int(),
  ok_percent: z
    .number()
    .nullable()
    .describe("100 × ok / intervals, rounded to 0.1; null when intervals is 0"),
  near_percent: z.number().nullable(),
  over_percent: z.number().nullable(),
  without_sla: z
    .number()
    .int()
    .describe(
      "orders whose current group has no SLA limit (not in the denominator); orders without intervals count nowhere",
    ),
});
/** See {@link SlaKpi}. */
export type SlaKpi = z.infer<typeof SlaKpi>;

/** KPI block of `GET /api/orders`, over every order matching the filters (not just the page). */
export const OrderKpi = z.object({
  order_count: z.number().int(),
  groups: z.array(GroupKpi),
  sla: SlaKpi,
  computed_from: z
    .enum(["aggregates", "intervals"])
    .describe(
      "aggregates: the projector's per-group counters (the unfiltered board, as_of after the project's last " +
        "status change); intervals: re-aggregated from the filtered orders' intervals. Both exact, at as_of",
    ),
});
/** See {@link OrderKpi}. */
export type OrderKpi = z.infer<typeof OrderKpi>;

/** Answer of `GET /api/orders`. */
export const OrderListResponse = z
  .object({
    project_id: ProjectId,
    as_of: Instant,
    page: z.number().int(),
    page_size: z.number().int(),
    total: z.number().int().describe("orders matching the filters (all pages)"),
    items: z.array(OrderRow),
    next_cursor: z
      .string()
      .nullable()
      .describe(
        "opaque keyset position after the last item (pass as `cursor` for the next page); null on the last page",
      ),
    kpi: OrderKpi,
  })
  .describe("one page of orders, the total and the KPI of the filtered set");
/** See {@link OrderListResponse}. */
export type OrderListResponse = z.infer<typeof OrderListResponse>;

/** Path of `GET /api/orders/:orderId/timeline`. */
export const TimelineParams = z.object({ orderId: IdParam });

/** Query of `GET /api/orders/:orderId/timeline`. */
export const TimelineQuery = z.strictObject({
  ...projectScope,
  asOf: InstantParam.optional().describe("measure interval durations up to this instant (default: now)"),
});

/** One row of `rm.order_status_events`, with dictionary names. */
export const TimelineEvent = z.object({
  stream_seq: z.number().int().describe("events-stream sequence"),
  event_id: z.string(),
  dedup_key: z.string(),
  status_id: CrmId,
  status_name: z.string().nullable(),
  status_group_id: CrmId.nullable(),
  status_group_name: z.string().nullable(),
  previous_status_id: CrmId.nullable(),
  status_changed_at: Instant,
  time_source: z.string().describe("crm (the CRM gave the time) | received (receive time was used)"),
  is_effective: z
    .boolean()
    .describe("false for a delivery that only repeated the current status (no interval)"),
  order_created_at: Instant.nullable(),
  manager_id: CrmId.nullable(),
  manager_name: z
    .string()
    .nullable()
    .describe("the manager's name from the CRM users dictionary; null when unknown (show manager_id)"),
  crm_event: z.string(),
  source: z.string(),
  recorded_at: Instant,
});
/** See {@link TimelineEvent}. */
export type TimelineEvent = z.infer<typeof TimelineEvent>;

/** One interval `[started_at, ended_at)` of the order in one status, measured to `as_of`. */
export const TimelineSegment = z
  .object({
    start: Instant,
    end: Instant,
    working: z.boolean().describe("true for working time of the group's calendar"),
  })
  .describe("a part of an interval, [start, end)");
/** See {@link TimelineSegment}. */
export type TimelineSegment = z.infer<typeof TimelineSegment>;

/**
 * One status interval of an order's timeline, with `segments`: the interval (to `as_of` while open)
 * cut by its group's working calendar into working and non-working parts (`@pulse/domain`
 * `timelineSegments`); the working parts add up to `working_seconds`.
 */
export const TimelineInterval = z.object({
  seq: z.number().int(),
  status_id: CrmId,
  status_name: z.string().nullable(),
  status_group_id: CrmId.nullable(),
  status_group_name: z.string().nullable(),
  started_at: Instant,
  ended_at: Instant.nullable().describe("null while the interval is open"),
  open_at_as_of: z.boolean().describe("true when the interval had not ended by as_of"),
  duration_seconds: z.number().describe("seconds, measured as in GroupTime.seconds"),
  working_seconds: z.number().describe("working seconds, measured as in GroupTime.working_seconds"),
  is_urgent: z.boolean(),
  sla_limit_seconds: z.number().nullable(),
  sla_state: SlaStateValue.nullable().describe(
    "the SLA state of the order's total working time in the interval's group when the interval ended (or at " +
      "as_of while it was open): over if that instant ≥ sla_over_at, near if ≥ sla_near_at, else ok",
  ),
  sla_near_at: Instant.nullable().describe("as GroupTime.sla_near_at, for the interval's group"),
  sla_over_at: Instant.nullable().describe("as GroupTime.sla_over_at, for the interval's group"),
  segments: z
    .array(TimelineSegment)
    .describe(
      "the interval up to min(ended_at, as_of) cut by the group's working calendar: ascending, touching, " +
        "alternating working and non-working",
    ),
});
/** See {@link TimelineInterval}. */
export type TimelineInterval = z.infer<typeof TimelineInterval>;

/** Answer of `GET /api/orders/:orderId/timeline`. */
export const TimelineResponse = z
  .object({
    project_id: ProjectId,
    order_id: CrmId,
    as_of: Instant,
    order: OrderRow.nullable().describe("the order's current row; null if only events are known"),
    events: z.array(TimelineEvent).describe("sorted by status_changed_at, then stream_seq"),
    intervals: z
      .array(TimelineInterval)
      .describe("sorted by seq; intervals starting at or after as_of are left out"),
  })
  .describe("the order's status events and intervals");
/** See {@link TimelineResponse}. */
export type TimelineResponse = z.infer<typeof TimelineResponse>;
