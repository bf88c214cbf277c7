import type { ColumnType, Generated } from "kysely";
import type { AuthTables } from "./accounts.tables.js";

/**
 * Kysely table types of the read models (schema `rm`, swapped whole by a replay) and of the
 * operational schema `ops` (never swapped). Timestamps are `timestamptz` read as `Date`; bigint
 * ids are parsed to `number` (see `createDb`).
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** `rm.meta` — key/value facts about the read-model schema (e.g. `ddl_version`). */
export interface MetaTable {
  key: string;
  value: string;
}

/** `rm.checkpoints` — last stream sequence applied per consumed stream (`events`, `receipts`). */
export interface CheckpointsTable {
  name: string;
  stream_seq: number;
  updated_at: Timestamp;
}

/** `rm.projects` — registered projects, public fields only. */
export interface ProjectsTable {
  project_id: string;
  name: string;
  kind: string;
  base_url: string | null;
  time_zone: string;
  active: boolean;
  registered_at: Timestamp;
  event_seq: number;
}

/** `rm.statuses` — the status dictionary; amoCRM stages have `group_id` = pipeline id. */
export interface StatusesTable {
  project_id: string;
  group_id: number;
  status_id: number;
  name: string;
  alias: string | null;
  is_active: boolean;
  is_closing_order: boolean;
  expiration_period_seconds: number | null;
  sort: number | null;
  type: number | null;
  in_last_sync: boolean;
}

/** `rm.status_groups` — KeyCRM status groups or amoCRM pipelines. */
export interface StatusGroupsTable {
  project_id: string;
  group_id: number;
  name: string;
  is_main: boolean;
}

/**
 * `rm.crm_users` — the CRM's users (amoCRM `GET /api/v4/users`): managers by id with their names.
 * Users missing from the latest sync are kept with `in_last_sync: false` (old deals still name
 * them). `event_seq`: stream position of the sync that last wrote the row.
 */
export interface CrmUsersTable {
  project_id: string;
  user_id: number;
  name: string;
  email: string | null;
  is_active: boolean;
  is_admin: boolean;
  in_last_sync: boolean;
  event_seq: number;
}

/**
 * `rm.order_status_events` — every distinct status change, unique by `(project_id, dedup_key)`.
 * `status_group_id` is the group resolved by the dictionary as it is now (SPEC "Group of a status");
 * `event_group_id` the group the delivery carried (KeyCRM `status_group_id`, amoCRM pipeline), the
 * input of that resolution. `is_effective` is false for a time-less delivery that only repeats the
 * status the order already had (amoCRM Digital-Pipeline bodies); such rows make no interval.
 */
export interface OrderStatusEventsTable {
  project_id: string;
  dedup_key: string;
  order_id: number;
  status_id: number;
  status_group_id: number | null;
  event_group_id: number | null;
  status_changed_at: Timestamp;
  time_source: string;
  order_created_at: Timestamp | null;
  previous_status_id: number | null;
  manager_id: number | null;
  crm_event: string;
  source: string;
  event_id: string;
  stream_seq: number;
  recorded_at: Timestamp;
  is_effective: boolean;
}

/**
 * `rm.order_status_intervals` — interval `seq` of an order: `[started_at, ended_at)` in one status;
 * the last one is open (`ended_at` null) and measured at query time up to `asOf`.
 */
export interface OrderStatusIntervalsTable {
  project_id: string;
  order_id: number;
  seq: number;
  status_id: number;
  status_group_id: number | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  duration_seconds: number | null;
  /** Working seconds of a closed interval under the group's working calendar; null while open. */
  working_seconds: number | null;
  /** The order's current urgency (its grid judges the interval's group; SLA in `order_group_sla`). */
  is_urgent: ColumnType<boolean, boolean | undefined, boolean>;
}

/**
 * `rm.order_group_sla` — the SLA of an order in one status group it visited, judged on its total
 * working time there (all visits, the running one included; SPEC "Decided rules"; rule:
 * `groupSla` in `packages/domain/src/sla.ts`). The state at any instant `t` is a comparison:
 * `over` when `t >= over_at`, `near` when `t >= near_at`, else `ok`; null without `limit_seconds`.
 */
export interface OrderGroupSlaTable {
  project_id: string;
  order_id: number;
  group_id: number;
  /** Intervals of the order in the group. */
  visits: number;
  first_entered_at: Timestamp;
  /** Working seconds of the closed visits (the group's calendar). */
  working_seconds_closed: number;
  /** Start of the visit the order is in now; null when it is in another group. */
  running_since: Timestamp | null;
  /** The order's current urgency and the grid judged with (`normal`, `urgent` or an override's profile). */
  is_urgent: boolean;
  sla_profile: string;
  /** The limit, seconds; null = no SLA for the group (then the instants and state are null too). */
  limit_seconds: number | null;
  /** When the group total reaches the near share / exceeds the limit (past or predicted); null = never. */
  near_at: Timestamp | null;
  over_at: Timestamp | null;
  /** `ok` | `near` | `over` of `working_seconds_closed` (final once the order left the group). */
  state_if_closed: string | null;
}

/** `rm.orders_current` — one row per order/lead: where it is now (SPEC `orders_current`). */
export interface OrdersCurrentTable {
  project_id: string;
  order_id: number;
  source: string;
  order_created_at: Timestamp | null;
  started_at: Timestamp | null;
  last_status_id: number | null;
  last_status_group_id: number | null;
  last_changed_at: Timestamp | null;
  manager_id: number | null;
  closed_at: Timestamp | null;
  is_urgent: boolean;
  status_events: number;
  last_event_seq: number;
  /** `rule` | `override` | `unknown` (items not fetched yet). */
  urgent_source: ColumnType<string, string | undefined, string>;
  urgent_rule: string | null;
  urgent_since: Timestamp | null;
  /** First entry into the delivery group (KeyCRM group 4). */
  delivery_entered_at: Timestamp | null;
  /** The cycle rule applied (the project's first rule), its bounds and durations. */
  cycle_rule: string | null;
  cycle_started_at: Timestamp | null;
  cycle_ended_at: Timestamp | null;
  cycle_wall_seconds: number | null;
  cycle_working_seconds: number | null;
  /** When the running group's SLA state changes next without any event (null: never/closed). */
  sla_next_transition_at: Timestamp | null;
}

/** `rm.order_cycle_metrics` — one row per order and named cycle rule. Durations up to the cycle end (open: null). */
export interface OrderCycleMetricsTable {
  project_id: string;
  order_id: number;
  rule_name: string;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  wall_seconds: number | null;
  working_seconds: number | null;
  is_open: boolean;
}

/** `rm.order_items` — the latest `order.items_fetched` of an order (items as `OrderItem[]` JSON). */
export interface OrderItemsTable {
  project_id: string;
  order_id: number;
  items: ColumnType<unknown, string, string>;
  fetched_at: Timestamp;
  event_seq: number;
}

/** `rm.order_overrides` — the current overrides of an order (`order.overrides_changed`). */
export interface OrderOverridesTable {
  project_id: string;
  order_id: number;
  urgent: boolean | null;
  sla_profile: string | null;
  cycle_start_at: Timestamp | null;
  cycle_end_at: Timestamp | null;
  changed_by: string;
  changed_at: Timestamp;
  event_seq: number;
}

/**
 * `rm.settings` — the current settings of a project per kind (`working_hours`, `sla`, `cycle`,
 * `urgent_rules`, `shifts`): the `data` of the latest `settings.*_changed` event and its version.
 */
export interface SettingsTable {
  project_id: string;
  kind: string;
  version: number;
  data: ColumnType<unknown, string, string>;
  changed_by: string;
  changed_at: Timestamp;
  event_seq: number;
}

/** `rm.deal_contacts` — the contacts of an amoCRM lead (`deal.contacts_linked`); phones in E.164. */
export interface DealContactsTable {
  project_id: string;
  lead_id: number;
  contact_id: number;
  name: string | null;
  is_main: boolean;
  phones: ColumnType<string[], string[], string[]>;
  emails: ColumnType<string[], string[], string[]>;
  fetched_at: Timestamp;
}

/** `rm.deal_phones` — phone (E.164) → lead, for joining dialogs to deals. */
export interface DealPhonesTable {
  project_id: string;
  phone: string;
  lead_id: number;
}

/** `rm.messages` — chat messages (`chat.message_received`), unique by source and message id; first delivery wins. */
export interface MessagesTable {
  project_id: string;
  source: string;
  message_id: string;
  chat_id: string;
  phone: string | null;
  direction: string;
  text: string | null;
  media: string | null;
  sent_at: Timestamp;
  sender_name: string | null;
  connection: string | null;
  dedup_key: string;
  stream_seq: number;
}

/**
 * `rm.shift_deals` — per shift, each deal updated or messaged in the window (or, for chat-only
 * people, each phone): manager, pipeline/stage at the window's end, phones, the window's dialog
 * text and message counts. `dialog_key` = `lead:{id}` or `phone:{E.164}`.
 */
export interface ShiftDealsTable {
  project_id: string;
  shift_id: string;
  shift_start: Timestamp;
  shift_end: Timestamp;
  dialog_key: string;
  lead_id: number | null;
  phone: string | null;
  responsible_user_id: number | null;
  pipeline_id: number | null;
  status_id: number | null;
  phones: ColumnType<string[], string[], string[]>;
  updated_in_window: boolean;
  messaged_in_window: boolean;
  incoming: number;
  outgoing: number;
  dialog_text: string;
  first_message_at: Timestamp | null;
  last_message_at: Timestamp | null;
}

/** `rm.analysis_results` — every `analysis.dialog_scored` / `analysis.dialog_failed` (status `scored` | `failed`). */
export interface AnalysisResultsTable {
  project_id: string;
  dialog_key: string;
  input_hash: string;
  prompt_version: string;
  status: string;
  mode: string;
  model: string | null;
  lead_id: number | null;
  phone: string | null;
  shift_id: string | null;
  window_start: Timestamp;
  window_end: Timestamp;
  manager_id: number | null;
  score: number | null;
  interest: string | null;
  funnel_stage: string | null;
  qualification_complete: boolean | null;
  facts: ColumnType<unknown, string | null, string | null>;
  evidence: ColumnType<unknown, string | null, string | null>;
  reasons: ColumnType<unknown, string | null, string | null>;
  incoming: number | null;
  outgoing: number | null;
  prompt_tokens: ColumnType<number, number | undefined, number>;
  completion_tokens: ColumnType<number, number | undefined, number>;
  duration_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  recorded_at: Timestamp;
  event_seq: number;
}

/** `rm.deals_current` — amoCRM lead snapshot (name, price, manager, pipeline/stage, tags, fields). */
export interface DealsCurrentTable {
  project_id: string;
  lead_id: number;
  name: string | null;
  price: number | null;
  responsible_user_id: number | null;
  pipeline_id: number | null;
  status_id: number | null;
  tags: ColumnType<unknown, string, string>;
  custom_fields: ColumnType<unknown, string, string>;
  created_at: Timestamp | null;
  updated_at: Timestamp | null;
  deleted: boolean;
  last_event_seq: number;
}

/**
 * `rm.webhook_stats` — per project, source and UTC day of the receive time (SPEC "Webhook statistics
 * count deliveries"): `received` = `accepted` + `duplicate` + `ignored` + `rejected` +
 * `unauthorized` + `failed` (one outcome per HTTP request); `events_stored` (new events of accepted
 * deliveries) and `events_redelivered` (events re-stored after the duplicate window, already known);
 * the latest receive times of any delivery and of an accepted one.
 */
export interface WebhookStatsTable {
  project_id: string;
  source: string;
  day: ColumnType<string, string, string>;
  received: number;
  accepted: number;
  duplicate: number;
  ignored: number;
  rejected: number;
  unauthorized: number;
  failed: number;
  events_stored: number;
  events_redelivered: number;
  last_received_at: Timestamp | null;
  last_accepted_at: Timestamp | null;
}

/**
 * `rm.webhook_deliveries` — the outcome counted for each delivery that stored events or failed
 * (`accepted` | `duplicate` | `failed`), so each delivery is counted once in `webhook_stats`.
 */
export interface WebhookDeliveriesTable {
  project_id: string;
  delivery_id: string;
  source: string;
  received_at: Timestamp;
  outcome: string;
}

/**
 * `rm.deal_event_keys` — dedup keys of stored deal events no other read model keys
 * (`deal.updated`, `deal.deleted`, `deal.created` without a stage): whether a redelivery is new.
 */
export interface DealEventKeysTable {
  project_id: string;
  dedup_key: string;
}

/** `rm.dead_letters` — stream messages that could not be decoded; the consumer moved past them. */
export interface DeadLettersTable {
  stream: string;
  stream_seq: number;
  subject: string;
  reason: string;
  payload: string;
  recorded_at: Timestamp;
}

/** `ops.outbox` — notices written in the projector's transaction, published after commit. */
export interface OutboxTable {
  id: Generated<number>;
  subject: string;
  msg_id: string;
  payload: string;
  created_at: Generated<Timestamp>;
}

/** `ops.replays` — progress and outcome of a read-model rebuild; `diff` lists what changed. */
export interface ReplaysTable {
  id: string;
  project_id: string | null;
  reason: string;
  trigger_event_id: string | null;
  requested_by: string | null;
  /**
   * `running` (an attempt runs, or is about to) | `retrying` (the last attempt failed for a
   * transient reason; the next starts at `next_attempt_at`) | `done` | `failed` (a deterministic
   * failure: retrying cannot help; `error` says why).
   */
  status: string;
  events_total: number;
  events_done: number;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  error: string | null;
  diff: ColumnType<unknown, string | null, string | null>;
  /** Attempts started so far (0 until the first starts). */
  attempts: ColumnType<number, number | undefined, number>;
  /** Error of the last failed attempt (kept while retrying and after success, for the record). */
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the next attempt starts (status `retrying` only). */
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The read-model tables (resolved in whichever schema is active). */
export interface ReadModels {
  meta: MetaTable;
  checkpoints: CheckpointsTable;
  projects: ProjectsTable;
  statuses: StatusesTable;
  status_groups: StatusGroupsTable;
  crm_users: CrmUsersTable;
  order_status_events: OrderStatusEventsTable;
  order_status_intervals: OrderStatusIntervalsTable;
  order_group_sla: OrderGroupSlaTable;
  orders_current: OrdersCurrentTable;
  deals_current: DealsCurrentTable;
  order_cycle_metrics: OrderCycleMetricsTable;
  order_items: OrderItemsTable;
  order_overrides: OrderOverridesTable;
  settings: SettingsTable;
  deal_contacts: DealContactsTable;
  deal_phones: DealPhonesTable;
  messages: MessagesTable;
  shift_deals: ShiftDealsTable;
  analysis_results: AnalysisResultsTable;
  webhook_stats: WebhookStatsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  deal_event_keys: DealEventKeysTable;
  dead_letters: DeadLettersTable;
}

/** The whole database as Kysely sees it: read models under `rm.`, operational tables under `ops.`. */
export interface Database extends AuthTables {
  "rm.meta": MetaTable;
  "rm.checkpoints": CheckpointsTable;
  "rm.projects": ProjectsTable;
  "rm.statuses": StatusesTable;
  "rm.status_groups": StatusGroupsTable;
  "rm.crm_users": CrmUsersTable;
  "rm.order_status_events": OrderStatusEventsTable;
  "rm.order_status_intervals": OrderStatusIntervalsTable;
  "rm.order_group_sla": OrderGroupSlaTable;
  "rm.orders_current": OrdersCurrentTable;
  "rm.deals_current": DealsCurrentTable;
  "rm.order_cycle_metrics": OrderCycleMetricsTable;
  "rm.order_items": OrderItemsTable;
  "rm.order_overrides": OrderOverridesTable;
  "rm.settings": SettingsTable;
  "rm.deal_contacts": DealContactsTable;
  "rm.deal_phones": DealPhonesTable;
  "rm.messages": MessagesTable;
  "rm.shift_deals": ShiftDealsTable;
  "rm.analysis_results": AnalysisResultsTable;
  "rm.webhook_stats": WebhookStatsTable;
  "rm.webhook_deliveries": WebhookDeliveriesTable;
  "rm.deal_event_keys": DealEventKeysTable;
  "rm.dead_letters": DeadLettersTable;
  "ops.outbox": OutboxTable;
  "ops.replays": ReplaysTable;
}
