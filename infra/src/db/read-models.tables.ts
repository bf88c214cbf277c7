import type { ColumnType } from "kysely";

/**
 * The ONE declaration of the read-model tables (schema `rm`, and a replay's fresh schema): columns
 * in table order with their SQL types, nullability and defaults, the primary key, and the secondary
 * (optionally partial) indexes. Everything else is derived from it:
 * - the DDL (`createReadModelSchema`, `createReadModelIndex`, `READ_MODEL_INDEXES` in
 *   `read-models.ddl.ts`),
 * - the Kysely table types (`ReadModels`, `Database` in `database.ts`),
 * - the projector's column lists and value kinds (`services/projector` table writer),
 * - {@link READ_MODEL_TABLES} and {@link PROJECT_SCOPED_TABLES}.
 * `read-models.tables.int.test.ts` compares it with the live database, so a drift fails.
 *
 * Covered: every table of the read-model schema. Not covered: the operational schema `ops`
 * (`ops.outbox`, `ops.replays`), which a replay never swaps; it stays in its migrations
 * (`migrations/0001_ops.ts` …) and its types are written in `database.ts`.
 */

/**
 * SQL type of a read-model column, by its Postgres short name (the DDL writes it so; the
 * projector's `unnest` casts use it as the array's element type).
 */
export type ColumnSqlType =
  | "text"
  | "int8"
  | "int4"
  | "float8"
  | "bool"
  | "timestamptz"
  | "jsonb"
  | "date"
  | "text[]";

/**
 * One column: its SQL type, whether it takes NULL, and the SQL of its `DEFAULT` (`undefined`: none).
 * Built with {@link text}, {@link int8} … and refined with `.nullable()` / `.defaultTo(sql)`.
 */
export class ColumnDeclaration<
  T extends ColumnSqlType = ColumnSqlType,
  N extends boolean = boolean,
  D extends boolean = boolean,
> {
  /**
   * @param type the SQL type
   * @param isNullable true: the column takes NULL; false: `NOT NULL`
   * @param defaultSql the SQL expression of its `DEFAULT` (present exactly when `D` is true)
   */
  constructor(
    readonly type: T,
    readonly isNullable: N,
    readonly defaultSql: D extends true ? string : undefined,
  ) {}

  /** The same column, taking NULL. */
  nullable(): ColumnDeclaration<T, true, D> {
    return new ColumnDeclaration(this.type, true, this.defaultSql);
  }

  /** The same column with `DEFAULT expression` (SQL text, e.g. `false`, `0`, `'unknown'`): optional on insert. */
  defaultTo(expression: string): ColumnDeclaration<T, N, true> {
    return new ColumnDeclaration<T, N, true>(this.type, this.isNullable, expression);
  }
}

const column = <T extends ColumnSqlType>(type: T) =>
  new ColumnDeclaration<T, false, false>(type, false, undefined);
/** A `text NOT NULL` column. */
export const text = () => column("text");
/** A `bigint` (`int8`) `NOT NULL` column: CRM ids, stream sequences, counters (read as `number`). */
export const int8 = () => column("int8");
/** An `integer` (`int4`) `NOT NULL` column. */
export const int4 = () => column("int4");
/** A `double precision` (`float8`) `NOT NULL` column: durations in seconds, prices. */
export const float8 = () => column("float8");
/** A `boolean` `NOT NULL` column. */
export const bool = () => column("bool");
/** A `timestamptz NOT NULL` column (read as `Date`, written as `Date` or ISO-8601 text). */
export const timestamptz = () => column("timestamptz");
/** A `jsonb NOT NULL` column (written as JSON text). */
export const jsonb = () => column("jsonb");
/** A `date NOT NULL` column (read and written as `YYYY-MM-DD` text). */
export const date = () => column("date");
/** A `text[] NOT NULL` column. */
export const textArray = () => column("text[]");

/**
 * A secondary index: its columns in order, and for a partial index the columns that must be non-null
 * (`WHERE c1 IS NOT NULL AND …`).
 */
export interface IndexDeclaration<K extends string = string> {
  readonly columns: readonly K[];
  readonly whereNotNull?: readonly K[];
}

/** One read-model table: its columns in table order, its primary key and its secondary indexes. */
export interface TableDeclaration<
  C extends Record<string, ColumnDeclaration> = Record<string, ColumnDeclaration>,
> {
  readonly columns: C;
  readonly primaryKey: readonly (keyof C & string)[];
  readonly indexes: readonly IndexDeclaration<keyof C & string>[];
}

/** Any table declaration, its column names as plain strings (what the DDL and the writer iterate). */
export interface AnyTableDeclaration {
  readonly columns: Readonly<Record<string, ColumnDeclaration>>;
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexDeclaration[];
}

/** Declares a table: `columns` in table order, then its primary key and secondary indexes (checked against the columns). */
export function table<C extends Record<string, ColumnDeclaration>>(
  columns: C,
  keys: {
    primaryKey: readonly (keyof C & string)[];
    indexes?: readonly IndexDeclaration<keyof C & string>[];
  },
): TableDeclaration<C> {
  return { columns, primaryKey: keys.primaryKey, indexes: keys.indexes ?? [] };
}

/**
 * The read-model tables. Their order is the DDL's, and the order a replay builds the secondary
 * indexes in ({@link READ_MODEL_INDEXES}): largest tables first, the short builds filling in at the end.
 */
export const READ_MODEL_DECLARATIONS = {
  /** `rm.meta` — key/value facts about the read-model schema (e.g. `ddl_version`). */
  meta: table({ key: text(), value: text() }, { primaryKey: ["key"] }),

  /** `rm.checkpoints` — last stream sequence applied per consumed stream (`events`, `receipts`). */
  checkpoints: table(
    { name: text(), stream_seq: int8(), updated_at: timestamptz() },
    { primaryKey: ["name"] },
  ),

  /** `rm.projects` — registered projects, public fields only. */
  projects: table(
    {
      project_id: text(),
      name: text(),
      kind: text(),
      base_url: text().nullable(),
      time_zone: text(),
      active: bool(),
      registered_at: timestamptz(),
      event_seq: int8(),
    },
    { primaryKey: ["project_id"] },
  ),

  /** `rm.statuses` — the status dictionary; amoCRM stages have `group_id` = pipeline id. */
  statuses: table(
    {
      project_id: text(),
      group_id: int8(),
      status_id: int8(),
      name: text(),
      alias: text().nullable(),
      is_active: bool(),
      is_closing_order: bool(),
      expiration_period_seconds: int4().nullable(),
      sort: int4().nullable(),
      type: int4().nullable(),
      in_last_sync: bool(),
    },
    { primaryKey: ["project_id", "group_id", "status_id"] },
  ),

  /** `rm.status_groups` — KeyCRM status groups or amoCRM pipelines. */
  status_groups: table(
    { project_id: text(), group_id: int8(), name: text(), is_main: bool() },
    { primaryKey: ["project_id", "group_id"] },
  ),

  /**
   * `rm.crm_users` — the CRM's users (amoCRM `GET /api/v4/users`): managers by id with their names.
   * Users missing from the latest sync are kept with `in_last_sync: false` (old deals still name
   * them). `event_seq`: stream position of the sync that last wrote the row.
   */
  crm_users: table(
    {
      project_id: text(),
      user_id: int8(),
      name: text(),
      email: text().nullable(),
      is_active: bool(),
      is_admin: bool(),
      in_last_sync: bool(),
      event_seq: int8(),
    },
    { primaryKey: ["project_id", "user_id"] },
  ),

  /**
   * `rm.order_status_events` — every distinct status change, unique by `(project_id, dedup_key)`.
   * `status_group_id` is the group resolved by the dictionary as it is now (SPEC "Group of a status");
   * `event_group_id` the group the delivery carried (KeyCRM `status_group_id`, amoCRM pipeline), the
   * input of that resolution. `time_source`: `crm` | `received`. `is_effective` is false for a
   * time-less delivery that only repeats the status the order already had (amoCRM Digital-Pipeline
   * bodies); such rows make no interval.
   */
  order_status_events: table(
    {
      project_id: text(),
      dedup_key: text(),
      order_id: int8(),
      status_id: int8(),
      status_group_id: int8().nullable(),
      event_group_id: int8().nullable(),
      status_changed_at: timestamptz(),
      time_source: text(),
      order_created_at: timestamptz().nullable(),
      previous_status_id: int8().nullable(),
      manager_id: int8().nullable(),
      crm_event: text(),
      source: text(),
      event_id: text(),
      stream_seq: int8(),
      recorded_at: timestamptz(),
      is_effective: bool(),
    },
    {
      primaryKey: ["project_id", "dedup_key"],
      indexes: [
        { columns: ["project_id", "order_id", "status_changed_at"] },
        // The text report's status changes of a period (`/api/reports/text`).
        { columns: ["project_id", "status_changed_at"] },
      ],
    },
  ),

  /**
   * `rm.order_status_intervals` — interval `seq` of an order: `[started_at, ended_at)` in one status;
   * the last one is open (`ended_at` null) and measured at query time up to `asOf`.
   * `working_seconds`: working seconds of a closed interval under the group's working calendar (null
   * while open). `is_urgent`: the order's current urgency (its grid judges the interval's group; SLA
   * in `order_group_sla`).
   */
  order_status_intervals: table(
    {
      project_id: text(),
      order_id: int8(),
      seq: int4(),
      status_id: int8(),
      status_group_id: int8().nullable(),
      started_at: timestamptz(),
      ended_at: timestamptz().nullable(),
      duration_seconds: float8().nullable(),
      working_seconds: float8().nullable(),
      is_urgent: bool().defaultTo("false"),
    },
    { primaryKey: ["project_id", "order_id", "seq"], indexes: [{ columns: ["project_id", "started_at"] }] },
  ),

  /**
   * `rm.orders_current` — one row per order/lead: where it is now (SPEC `orders_current`).
   * `urgent_source`: `rule` | `override` | `unknown` (items not fetched yet). `delivery_entered_at`:
   * first entry into the delivery group (KeyCRM group 4). `cycle_*`: the cycle rule applied (the
   * project's first rule), its bounds and durations. `sla_next_transition_at`: when the running
   * group's SLA state changes next without any event (null: never/closed).
   */
  orders_current: table(
    {
      project_id: text(),
      order_id: int8(),
      source: text(),
      order_created_at: timestamptz().nullable(),
      started_at: timestamptz().nullable(),
      last_status_id: int8().nullable(),
      last_status_group_id: int8().nullable(),
      last_changed_at: timestamptz().nullable(),
      manager_id: int8().nullable(),
      closed_at: timestamptz().nullable(),
      is_urgent: bool().defaultTo("false"),
      status_events: int4(),
      last_event_seq: int8(),
      urgent_source: text().defaultTo("'unknown'"),
      urgent_rule: text().nullable(),
      urgent_since: timestamptz().nullable(),
      delivery_entered_at: timestamptz().nullable(),
      cycle_rule: text().nullable(),
      cycle_started_at: timestamptz().nullable(),
      cycle_ended_at: timestamptz().nullable(),
      cycle_wall_seconds: float8().nullable(),
      cycle_working_seconds: float8().nullable(),
      sla_next_transition_at: timestamptz().nullable(),
    },
    {
      primaryKey: ["project_id", "order_id"],
      // The order list (`GET /api/orders`): one index per sort key ending in `order_id`, walked either
      // way by its keyset pages (a row comparison on `(key, order_id)`); one per filter of its own.
      indexes: [
        { columns: ["project_id", "last_changed_at", "order_id"] },
        { columns: ["project_id", "started_at", "order_id"] },
        { columns: ["project_id", "last_status_group_id", "order_id"] },
        { columns: ["project_id", "order_created_at"] },
        { columns: ["project_id", "last_status_id"] },
        { columns: ["project_id", "manager_id"] },
      ],
    },
  ),

  /**
   * `rm.order_group_sla` — the SLA of an order in one status group it visited, judged on its total
   * working time there (all visits, the running one included; SPEC "Decided rules"; rule:
   * `groupSla` in `packages/domain/src/sla.ts`). The state at any instant `t` is a comparison:
   * `over` when `t >= over_at`, `near` when `t >= near_at`, else `ok`; null without `limit_seconds`.
   * `visits`: intervals of the order in the group; `working_seconds_closed`: working seconds of the
   * closed visits (the group's calendar); `running_since`: start of the visit the order is in now
   * (null when it is in another group); `is_urgent` / `sla_profile`: the order's current urgency and
   * the grid judged with (`normal`, `urgent` or an override's profile); `limit_seconds`: null = no
   * SLA for the group (then the instants and state are null too); `near_at` / `over_at`: when the
   * group total reaches the near share / exceeds the limit (past or predicted; null = never);
   * `state_if_closed`: `ok` | `near` | `over` of `working_seconds_closed` (final once the order left
   * the group). The partial indexes serve the SLA ticker's scan: running groups whose near / over
   * instant falls in its window, and the board's SLA KPI (a project's running groups with a limit).
   */
  order_group_sla: table(
    {
      project_id: text(),
      order_id: int8(),
      group_id: int8(),
      visits: int4(),
      first_entered_at: timestamptz(),
      working_seconds_closed: float8(),
      running_since: timestamptz().nullable(),
      is_urgent: bool(),
      sla_profile: text(),
      limit_seconds: float8().nullable(),
      near_at: timestamptz().nullable(),
      over_at: timestamptz().nullable(),
      state_if_closed: text().nullable(),
    },
    {
      primaryKey: ["project_id", "order_id", "group_id"],
      indexes: [
        { columns: ["near_at"], whereNotNull: ["running_since", "near_at"] },
        { columns: ["over_at"], whereNotNull: ["running_since", "over_at"] },
        // The board's SLA KPI: the running groups of a project with a limit, counted by instant.
        { columns: ["project_id", "near_at"], whereNotNull: ["running_since", "limit_seconds"] },
        { columns: ["project_id", "over_at"], whereNotNull: ["running_since", "limit_seconds"] },
      ],
    },
  ),

  /** `rm.messages` — chat messages (`chat.message_received`), unique by source and message id; first delivery wins. */
  messages: table(
    {
      project_id: text(),
      source: text(),
      message_id: text(),
      chat_id: text(),
      phone: text().nullable(),
      direction: text(),
      text: text().nullable(),
      media: text().nullable(),
      sent_at: timestamptz(),
      sender_name: text().nullable(),
      connection: text().nullable(),
      dedup_key: text(),
      stream_seq: int8(),
    },
    {
      primaryKey: ["project_id", "source", "message_id"],
      indexes: [{ columns: ["project_id", "phone", "sent_at"] }, { columns: ["project_id", "sent_at"] }],
    },
  ),

  /**
   * `rm.shift_deals` — per shift, each deal updated or messaged in the window (or, for chat-only
   * people, each phone): manager, pipeline/stage at the window's end, phones, the window's dialog
   * text and message counts. `dialog_key` = `lead:{id}` or `phone:{E.164}`.
   */
  shift_deals: table(
    {
      project_id: text(),
      shift_id: text(),
      shift_start: timestamptz(),
      shift_end: timestamptz(),
      dialog_key: text(),
      lead_id: int8().nullable(),
      phone: text().nullable(),
      responsible_user_id: int8().nullable(),
      pipeline_id: int8().nullable(),
      status_id: int8().nullable(),
      phones: textArray(),
      updated_in_window: bool(),
      messaged_in_window: bool(),
      incoming: int4(),
      outgoing: int4(),
      dialog_text: text(),
      first_message_at: timestamptz().nullable(),
      last_message_at: timestamptz().nullable(),
    },
    {
      primaryKey: ["project_id", "shift_id", "dialog_key"],
      indexes: [{ columns: ["project_id", "shift_start"] }],
    },
  ),

  /** `rm.analysis_results` — every `analysis.dialog_scored` / `analysis.dialog_failed` (status `scored` | `failed`). */
  analysis_results: table(
    {
      project_id: text(),
      dialog_key: text(),
      input_hash: text(),
      prompt_version: text(),
      status: text(),
      mode: text(),
      model: text().nullable(),
      lead_id: int8().nullable(),
      phone: text().nullable(),
      shift_id: text().nullable(),
      window_start: timestamptz(),
      window_end: timestamptz(),
      manager_id: int8().nullable(),
      score: int4().nullable(),
      interest: text().nullable(),
      funnel_stage: text().nullable(),
      qualification_complete: bool().nullable(),
      facts: jsonb().nullable(),
      evidence: jsonb().nullable(),
      reasons: jsonb().nullable(),
      incoming: int4().nullable(),
      outgoing: int4().nullable(),
      prompt_tokens: int4().defaultTo("0"),
      completion_tokens: int4().defaultTo("0"),
      duration_ms: float8().nullable(),
      error_code: text().nullable(),
      error_message: text().nullable(),
      recorded_at: timestamptz(),
      event_seq: int8(),
    },
    {
      primaryKey: ["project_id", "dialog_key", "input_hash", "prompt_version"],
      indexes: [{ columns: ["project_id", "window_start"] }],
    },
  ),

  /** `rm.deal_phones` — phone (E.164) → lead, for joining dialogs to deals. */
  deal_phones: table(
    { project_id: text(), phone: text(), lead_id: int8() },
    { primaryKey: ["project_id", "phone", "lead_id"], indexes: [{ columns: ["project_id", "lead_id"] }] },
  ),

  /** `rm.deals_current` — amoCRM lead snapshot (name, price, manager, pipeline/stage, tags, fields). */
  deals_current: table(
    {
      project_id: text(),
      lead_id: int8(),
      name: text().nullable(),
      price: float8().nullable(),
      responsible_user_id: int8().nullable(),
      pipeline_id: int8().nullable(),
      status_id: int8().nullable(),
      tags: jsonb(),
      custom_fields: jsonb(),
      created_at: timestamptz().nullable(),
      updated_at: timestamptz().nullable(),
      deleted: bool(),
      last_event_seq: int8(),
    },
    { primaryKey: ["project_id", "lead_id"] },
  ),

  /** `rm.order_cycle_metrics` — one row per order and named cycle rule. Durations up to the cycle end (open: null). */
  order_cycle_metrics: table(
    {
      project_id: text(),
      order_id: int8(),
      rule_name: text(),
      started_at: timestamptz().nullable(),
      ended_at: timestamptz().nullable(),
      wall_seconds: float8().nullable(),
      working_seconds: float8().nullable(),
      is_open: bool(),
    },
    { primaryKey: ["project_id", "order_id", "rule_name"] },
  ),

  /**
   * `rm.order_duration_stats` — the analytics aggregates (SPEC "Order status analytics": per day,
   * week, month — and year, for a year's whole period — time per status and group, full cycles,
   * totals, normal vs urgent), maintained by the projector from each order's derived rows
   * (`order-duration-stats.projection.ts`) so a read costs the same whatever the project's history.
   * One row per project × `granularity` (`day` | `week` | `month` | `year`) × `bucket` (the bucket's
   * first local day in the project's zone) × `dimension` × `is_urgent` (the order's current urgency)
   * × `basis` (`working` | `wall`). `dimension`: `total` (every interval started in the bucket),
   * `group` (`group_id`), `status` (`group_id`, `status_id`), `cycle` (`cycle_rule`, cycles ended in
   * the bucket); `group_id` −1 = unknown group or not applicable, `status_id` −1 = not applicable,
   * `cycle_rule` '' = not a cycle. Measured (closed, with a duration on the basis) intervals:
   * `orders` = orders with one in the bucket, `intervals`, `total_ms` = their summed milliseconds;
   * `open_intervals` / `unmeasured_intervals` (closed without a working duration) are counted;
   * `histogram` = the per-order sums in ms as a `DurationHistogram` (`@pulse/domain`, ≤ 1 % relative
   * error on percentiles); `sla_*` (dimension `group`): those orders' SLA state in the group at the
   * bucket's end (`judged` = with a limit).
   */
  order_duration_stats: table(
    {
      project_id: text(),
      granularity: text(),
      bucket: date(),
      dimension: text(),
      group_id: int8(),
      status_id: int8(),
      cycle_rule: text(),
      is_urgent: bool(),
      basis: text(),
      orders: int8(),
      intervals: int8(),
      total_ms: int8(),
      open_intervals: int8(),
      unmeasured_intervals: int8(),
      histogram: jsonb(),
      sla_judged: int8(),
      sla_ok: int8(),
      sla_near: int8(),
      sla_over: int8(),
    },
    {
      primaryKey: [
        "project_id",
        "granularity",
        "bucket",
        "dimension",
        "group_id",
        "status_id",
        "cycle_rule",
        "is_urgent",
        "basis",
      ],
    },
  ),

  /**
   * `rm.order_group_kpi` — the board's KPI counters per project and status group (`group_id` −1 =
   * unknown), maintained by the projector from each order's intervals
   * (`order-duration-stats.projection.ts`) so the unfiltered board reads one row per group:
   * `orders_now` = orders whose latest interval is in the group; `orders_visited` = orders with an
   * interval in it; `closed_ms` = summed milliseconds of its closed intervals (`duration_seconds`);
   * `open_intervals` / `open_started_ms` = count and summed `started_at` epoch milliseconds of its open
   * intervals, so their time up to any `asOf` is `open_intervals × asOf − open_started_ms`.
   */
  order_group_kpi: table(
    {
      project_id: text(),
      group_id: int8(),
      orders_now: int8(),
      orders_visited: int8(),
      closed_ms: int8(),
      open_intervals: int8(),
      open_started_ms: int8(),
    },
    { primaryKey: ["project_id", "group_id"] },
  ),

  /** `rm.order_items` — the latest `order.items_fetched` of an order (items as `OrderItem[]` JSON). */
  order_items: table(
    { project_id: text(), order_id: int8(), items: jsonb(), fetched_at: timestamptz(), event_seq: int8() },
    { primaryKey: ["project_id", "order_id"] },
  ),

  /** `rm.order_overrides` — the current overrides of an order (`order.overrides_changed`). */
  order_overrides: table(
    {
      project_id: text(),
      order_id: int8(),
      urgent: bool().nullable(),
      sla_profile: text().nullable(),
      cycle_start_at: timestamptz().nullable(),
      cycle_end_at: timestamptz().nullable(),
      changed_by: text(),
      changed_at: timestamptz(),
      event_seq: int8(),
    },
    { primaryKey: ["project_id", "order_id"] },
  ),

  /**
   * `rm.settings` — the current settings of a project per kind (`working_hours`, `sla`, `cycle`,
   * `urgent_rules`, `shifts`): the `data` of the latest `settings.*_changed` event and its version.
   */
  settings: table(
    {
      project_id: text(),
      kind: text(),
      version: int4(),
      data: jsonb(),
      changed_by: text(),
      changed_at: timestamptz(),
      event_seq: int8(),
    },
    { primaryKey: ["project_id", "kind"] },
  ),

  /** `rm.deal_contacts` — the contacts of an amoCRM lead (`deal.contacts_linked`); phones in E.164. */
  deal_contacts: table(
    {
      project_id: text(),
      lead_id: int8(),
      contact_id: int8(),
      name: text().nullable(),
      is_main: bool(),
      phones: textArray(),
      emails: textArray(),
      fetched_at: timestamptz(),
    },
    { primaryKey: ["project_id", "lead_id", "contact_id"] },
  ),

  /**
   * `rm.leads` — one row per amoCRM lead with its qualification, outcome and ad-team attribution
   * (SPEC "amoCRM deals"; `services/projector/src/projections/leads.projection.ts`):
   * - pipeline / stage / manager (`manager_name` from `rm.crm_users`), `price` (the lead's budget);
   * - the UTM values after the duplicate-field precedence (`readUtm` of `@pulse/domain`),
   *   `utm_conflicts` = `[{key, field_id, value, duplicate_field_id, duplicate_value}]` where the
   *   primary and a duplicate field disagree;
   * - attribution of `utm_source`: `team` (null when none or ambiguous), `confidence`
   *   (`high` | `medium` | `low`), `matched_rule` (`exact_utm_source` | `fb_team` | `pattern` | null),
   *   `matched_pattern` (the pattern or utm_source text that matched), `is_ambiguous` and
   *   `candidate_teams` (the teams an ambiguous source points at);
   * - `is_qualified` / `qualified_at` (first entry into a qualified stage, by the project's
   *   `qualified_stages`), `is_won` / `won_at` (in 142 now; `won_at` = the latest entry into 142),
   *   `is_lost` / `lost_at` (in 143 now), `loss_reason_id` / `loss_reason` (its name when the API
   *   embedded it) as the lead API last gave them (`deal.contacts_linked`; amoCRM sets them on a loss);
   * - the main contact (`deal_contacts`): name, first phone (E.164), first e-mail.
   */
  leads: table(
    {
      project_id: text(),
      lead_id: int8(),
      name: text().nullable(),
      pipeline_id: int8().nullable(),
      status_id: int8().nullable(),
      manager_id: int8().nullable(),
      manager_name: text().nullable(),
      price: float8().nullable(),
      lead_created_at: timestamptz().nullable(),
      utm_source: text().nullable(),
      utm_medium: text().nullable(),
      utm_campaign: text().nullable(),
      utm_content: text().nullable(),
      utm_term: text().nullable(),
      utm_referrer: text().nullable(),
      fbclid: text().nullable(),
      utm_conflicts: jsonb(),
      team: text().nullable(),
      confidence: text(),
      matched_rule: text().nullable(),
      matched_pattern: text().nullable(),
      is_ambiguous: bool(),
      candidate_teams: textArray(),
      is_qualified: bool(),
      qualified_at: timestamptz().nullable(),
      is_won: bool(),
      won_at: timestamptz().nullable(),
      is_lost: bool(),
      lost_at: timestamptz().nullable(),
      loss_reason: text().nullable(),
      loss_reason_id: int8().nullable(),
      contact_id: int8().nullable(),
      contact_name: text().nullable(),
      contact_phone: text().nullable(),
      contact_email: text().nullable(),
      deleted: bool(),
      last_event_seq: int8(),
    },
    {
      primaryKey: ["project_id", "lead_id"],
      indexes: [{ columns: ["project_id", "lead_created_at"] }],
    },
  ),

  /**
   * `rm.sales` — one row per amoCRM lead that is in 142 (won) now (SPEC "amoCRM deals"): a lead won,
   * reopened and won again is one sale; a reopened lead has no row. `amount` = the lead's price, or
   * the pipeline product's price when the price is 0 or missing (`price_source` `lead` | `product`
   * | `none`); `currency` and `product` from the pipeline's product (`pipeline_products` settings);
   * `sold_at` = the time of the latest entry into 142; manager, pipeline, contact, UTM values and
   * the attribution as in `rm.leads`.
   */
  sales: table(
    {
      project_id: text(),
      lead_id: int8(),
      sold_at: timestamptz(),
      amount: float8(),
      currency: text(),
      price_source: text(),
      product: text().nullable(),
      pipeline_id: int8().nullable(),
      manager_id: int8().nullable(),
      manager_name: text().nullable(),
      contact_id: int8().nullable(),
      contact_name: text().nullable(),
      contact_phone: text().nullable(),
      contact_email: text().nullable(),
      utm_source: text().nullable(),
      utm_medium: text().nullable(),
      utm_campaign: text().nullable(),
      utm_content: text().nullable(),
      utm_term: text().nullable(),
      utm_referrer: text().nullable(),
      fbclid: text().nullable(),
      team: text().nullable(),
      confidence: text(),
      matched_rule: text().nullable(),
      matched_pattern: text().nullable(),
      is_ambiguous: bool(),
      last_event_seq: int8(),
    },
    {
      primaryKey: ["project_id", "lead_id"],
      indexes: [{ columns: ["project_id", "sold_at"] }],
    },
  ),

  /**
   * `rm.webhook_stats` — per project, source and UTC day of the receive time (SPEC "Webhook statistics
   * count deliveries"): `received` = `accepted` + `duplicate` + `ignored` + `rejected` +
   * `unauthorized` + `failed` (one outcome per HTTP request); `events_stored` (new events of accepted
   * deliveries) and `events_redelivered` (events re-stored after the duplicate window, already known);
   * the latest receive times of any delivery and of an accepted one.
   */
  webhook_stats: table(
    {
      project_id: text(),
      source: text(),
      day: date(),
      received: int8().defaultTo("0"),
      accepted: int8().defaultTo("0"),
      duplicate: int8().defaultTo("0"),
      ignored: int8().defaultTo("0"),
      rejected: int8().defaultTo("0"),
      unauthorized: int8().defaultTo("0"),
      failed: int8().defaultTo("0"),
      events_stored: int8().defaultTo("0"),
      events_redelivered: int8().defaultTo("0"),
      last_received_at: timestamptz().nullable(),
      last_accepted_at: timestamptz().nullable(),
    },
    { primaryKey: ["project_id", "source", "day"] },
  ),

  /**
   * `rm.webhook_deliveries` — the outcome counted for each delivery that stored events or failed
   * (`accepted` | `duplicate` | `failed`), so each delivery is counted once in `webhook_stats`.
   */
  webhook_deliveries: table(
    { project_id: text(), delivery_id: text(), source: text(), received_at: timestamptz(), outcome: text() },
    { primaryKey: ["project_id", "delivery_id"] },
  ),

  /**
   * `rm.deal_event_keys` — dedup keys of stored deal events no other read model keys
   * (`deal.updated`, `deal.deleted`, `deal.created` without a stage): whether a redelivery is new.
   */
  deal_event_keys: table(
    { project_id: text(), dedup_key: text() },
    { primaryKey: ["project_id", "dedup_key"] },
  ),

  /** `rm.dead_letters` — stream messages that could not be decoded; the consumer moved past them. */
  dead_letters: table(
    {
      stream: text(),
      stream_seq: int8(),
      subject: text(),
      reason: text(),
      payload: text(),
      recorded_at: timestamptz(),
    },
    { primaryKey: ["stream", "stream_seq"] },
  ),
} as const;

/** The declared read-model tables by name. */
export type ReadModelDeclarations = typeof READ_MODEL_DECLARATIONS;

/** {@link READ_MODEL_DECLARATIONS} as `[table, declaration]` pairs in declaration order. */
export const READ_MODEL_DECLARATION_ENTRIES: readonly (readonly [ReadModelTable, AnyTableDeclaration])[] = (
  Object.keys(READ_MODEL_DECLARATIONS) as ReadModelTable[]
).map((t) => [t, READ_MODEL_DECLARATIONS[t]] as const);

/** The name of a read-model table (`meta` included). */
export type ReadModelTable = keyof ReadModelDeclarations;

/** The declared columns of read-model table `T`. */
export type ColumnsOf<T extends ReadModelTable> = ReadModelDeclarations[T]["columns"];

/** What Kysely reads from a column of each SQL type (`int8` is parsed to `number`, `date` kept as text; see `createDb`). */
interface SelectTypes {
  text: string;
  int8: number;
  int4: number;
  float8: number;
  bool: boolean;
  timestamptz: Date;
  jsonb: unknown;
  date: string;
  "text[]": string[];
}

/** What Kysely accepts for a column of each SQL type (times as `Date` or ISO-8601 text, JSON as its text). */
interface InsertTypes {
  text: string;
  int8: number;
  int4: number;
  float8: number;
  bool: boolean;
  timestamptz: Date | string;
  jsonb: string;
  date: string;
  "text[]": string[];
}

/**
 * The Kysely type of a declared column: the plain value type when reading and writing agree,
 * otherwise a `ColumnType<select, insert, update>`; `| null` when it takes NULL, optional on insert
 * when it has a default.
 */
export type KyselyColumn<C> =
  C extends ColumnDeclaration<infer T, infer N, infer D>
    ? KyselyColumnOf<
        SelectTypes[T] | (N extends true ? null : never),
        InsertTypes[T] | (N extends true ? null : never),
        D
      >
    : never;

type KyselyColumnOf<S, I, D extends boolean> = D extends true
  ? ColumnType<S, I | undefined, I>
  : [S] extends [I]
    ? [I] extends [S]
      ? S
      : ColumnType<S, I, I>
    : ColumnType<S, I, I>;

/** The Kysely table interface of read-model table `T`, derived from its declaration. */
export type KyselyTable<T extends ReadModelTable> = {
  -readonly [K in keyof ColumnsOf<T>]: KyselyColumn<ColumnsOf<T>[K]>;
};

/** The names of the read-model tables, `meta` left out, in declaration order (for comparisons and copies). */
export const READ_MODEL_TABLES: readonly Exclude<ReadModelTable, "meta">[] = (
  Object.keys(READ_MODEL_DECLARATIONS) as ReadModelTable[]
).filter((t): t is Exclude<ReadModelTable, "meta"> => t !== "meta");

/** A read-model table with a `project_id` column: its rows belong to one project each. */
export type ProjectScopedTable = {
  [T in ReadModelTable]: "project_id" extends keyof ColumnsOf<T> ? T : never;
}[ReadModelTable];

/**
 * The read-model tables whose rows belong to one project (they have a `project_id` column), in
 * declaration order: what a per-project recompute can select by `project_id` (`projects` included,
 * whose key it is). `meta`, `checkpoints` and `dead_letters` are global.
 */
export const PROJECT_SCOPED_TABLES: readonly ProjectScopedTable[] = (
  Object.keys(READ_MODEL_DECLARATIONS) as ReadModelTable[]
).filter((t): t is ProjectScopedTable => "project_id" in READ_MODEL_DECLARATIONS[t].columns);
