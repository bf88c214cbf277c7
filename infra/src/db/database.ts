import type { ColumnType, Generated } from "kysely";

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
 * `rm.order_status_events` — every distinct status change, unique by `(project_id, dedup_key)`.
 * `is_effective` is false for a time-less delivery that only repeats the status the order already
 * had (amoCRM Digital-Pipeline bodies); such rows make no interval.
 */
export interface OrderStatusEventsTable {
  project_id: string;
  dedup_key: string;
  order_id: number;
  status_id: number;
  status_group_id: number | null;
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
 * `rm.webhook_stats` — per project, source and UTC day. From receipts: `received`, `accepted`
 * (new events published), `duplicates` (dropped by the stream's duplicate window), `ignored`,
 * `rejected`; from the events stream: `late_duplicates` (dropped by the projector's dedup key).
 */
export interface WebhookStatsTable {
  project_id: string;
  source: string;
  day: ColumnType<string, string, string>;
  received: number;
  accepted: number;
  duplicates: number;
  late_duplicates: number;
  ignored: number;
  rejected: number;
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

/** The read-model tables (resolved in whichever schema is active). */
export interface ReadModels {
  meta: MetaTable;
  checkpoints: CheckpointsTable;
  projects: ProjectsTable;
  statuses: StatusesTable;
  status_groups: StatusGroupsTable;
  order_status_events: OrderStatusEventsTable;
  order_status_intervals: OrderStatusIntervalsTable;
  orders_current: OrdersCurrentTable;
  deals_current: DealsCurrentTable;
  webhook_stats: WebhookStatsTable;
  dead_letters: DeadLettersTable;
}

/** The whole database as Kysely sees it: read models under `rm.`, operational tables under `ops.`. */
export interface Database {
  "rm.meta": MetaTable;
  "rm.checkpoints": CheckpointsTable;
  "rm.projects": ProjectsTable;
  "rm.statuses": StatusesTable;
  "rm.status_groups": StatusGroupsTable;
  "rm.order_status_events": OrderStatusEventsTable;
  "rm.order_status_intervals": OrderStatusIntervalsTable;
  "rm.orders_current": OrdersCurrentTable;
  "rm.deals_current": DealsCurrentTable;
  "rm.webhook_stats": WebhookStatsTable;
  "rm.dead_letters": DeadLettersTable;
  "ops.outbox": OutboxTable;
}
