import { type Kysely, sql } from "kysely";

/**
 * Version of the read-model DDL. Bump it whenever a table below changes: a projector that finds an
 * older version rebuilds every read model from the stream (blue/green) before serving.
 */
export const READ_MODEL_VERSION = 3;

/**
 * The secondary indexes of the read models (each table's primary key is part of its `CREATE TABLE`):
 * table and the index's column list (with its `WHERE` for a partial index). They serve the query API
 * and the projector's reads by order.
 */
export const READ_MODEL_INDEXES: readonly { readonly table: string; readonly definition: string }[] = [
  // Largest tables first: a replay builds them in this order, the short builds filling in at the end.
  { table: "order_status_events", definition: "(project_id, order_id, status_changed_at)" },
  { table: "order_status_intervals", definition: "(project_id, started_at)" },
  { table: "orders_current", definition: "(project_id, last_changed_at)" },
  // The SLA ticker's scan: running groups whose near / over instant falls in its window.
  {
    table: "order_group_sla",
    definition: "(near_at) WHERE running_since IS NOT NULL AND near_at IS NOT NULL",
  },
  {
    table: "order_group_sla",
    definition: "(over_at) WHERE running_since IS NOT NULL AND over_at IS NOT NULL",
  },
  { table: "messages", definition: "(project_id, phone, sent_at)" },
  { table: "messages", definition: "(project_id, sent_at)" },
  { table: "shift_deals", definition: "(project_id, shift_start)" },
  { table: "analysis_results", definition: "(project_id, window_start)" },
  { table: "deal_phones", definition: "(project_id, lead_id)" },
];

/**
 * Creates every read-model table in `schema` (which must not exist yet). Used for the live schema
 * `rm` and for a replay's fresh schema, so both are always identical.
 *
 * `secondaryIndexes: false` leaves out {@link READ_MODEL_INDEXES}: a replay bulk-loads its fresh
 * tables first and builds them afterwards with {@link createReadModelIndex} (one sort per index is
 * cheaper than maintaining it row by row), before anything reads the schema.
 * @throws the Postgres error when the schema already exists.
 */
export async function createReadModelSchema(
  db: Kysely<unknown>,
  schema: string,
  opts: { secondaryIndexes?: boolean } = {},
): Promise<void> {
  const s = sql.id(schema);
  await sql`
    CREATE SCHEMA ${s};
    CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
    CREATE TABLE ${s}.checkpoints (name text PRIMARY KEY, stream_seq bigint NOT NULL, updated_at timestamptz NOT NULL);
    CREATE TABLE ${s}.projects (
      project_id text PRIMARY KEY, name text NOT NULL, kind text NOT NULL, base_url text,
      time_zone text NOT NULL, active boolean NOT NULL, registered_at timestamptz NOT NULL, event_seq bigint NOT NULL);
    CREATE TABLE ${s}.statuses (
      project_id text NOT NULL, group_id bigint NOT NULL, status_id bigint NOT NULL, name text NOT NULL, alias text,
      is_active boolean NOT NULL, is_closing_order boolean NOT NULL, expiration_period_seconds integer,
      sort integer, type integer, in_last_sync boolean NOT NULL,
      PRIMARY KEY (project_id, group_id, status_id));
    CREATE TABLE ${s}.status_groups (
      project_id text NOT NULL, group_id bigint NOT NULL, name text NOT NULL, is_main boolean NOT NULL,
      PRIMARY KEY (project_id, group_id));
    CREATE TABLE ${s}.crm_users (
      project_id text NOT NULL, user_id bigint NOT NULL, name text NOT NULL, email text,
      is_active boolean NOT NULL, is_admin boolean NOT NULL, in_last_sync boolean NOT NULL, event_seq bigint NOT NULL,
      PRIMARY KEY (project_id, user_id));
    CREATE TABLE ${s}.order_status_events (
      project_id text NOT NULL, dedup_key text NOT NULL, order_id bigint NOT NULL, status_id bigint NOT NULL,
      status_group_id bigint, event_group_id bigint, status_changed_at timestamptz NOT NULL, time_source text NOT NULL,
      order_created_at timestamptz, previous_status_id bigint, manager_id bigint, crm_event text NOT NULL,
      source text NOT NULL, event_id text NOT NULL, stream_seq bigint NOT NULL, recorded_at timestamptz NOT NULL,
      is_effective boolean NOT NULL,
      PRIMARY KEY (project_id, dedup_key));
    CREATE TABLE ${s}.order_status_intervals (
      project_id text NOT NULL, order_id bigint NOT NULL, seq integer NOT NULL, status_id bigint NOT NULL,
      status_group_id bigint, started_at timestamptz NOT NULL, ended_at timestamptz, duration_seconds double precision,
      working_seconds double precision, is_urgent boolean NOT NULL DEFAULT false,
      PRIMARY KEY (project_id, order_id, seq));
    CREATE TABLE ${s}.order_group_sla (
      project_id text NOT NULL, order_id bigint NOT NULL, group_id bigint NOT NULL, visits integer NOT NULL,
      first_entered_at timestamptz NOT NULL, working_seconds_closed double precision NOT NULL,
      running_since timestamptz, is_urgent boolean NOT NULL, sla_profile text NOT NULL,
      limit_seconds double precision, near_at timestamptz, over_at timestamptz, state_if_closed text,
      PRIMARY KEY (project_id, order_id, group_id));
    CREATE TABLE ${s}.orders_current (
      project_id text NOT NULL, order_id bigint NOT NULL, source text NOT NULL, order_created_at timestamptz,
      started_at timestamptz, last_status_id bigint, last_status_group_id bigint, last_changed_at timestamptz,
      manager_id bigint, closed_at timestamptz, is_urgent boolean NOT NULL DEFAULT false,
      status_events integer NOT NULL, last_event_seq bigint NOT NULL,
      urgent_source text NOT NULL DEFAULT 'unknown', urgent_rule text, urgent_since timestamptz,
      delivery_entered_at timestamptz, cycle_rule text, cycle_started_at timestamptz, cycle_ended_at timestamptz,
      cycle_wall_seconds double precision, cycle_working_seconds double precision,
      sla_next_transition_at timestamptz,
      PRIMARY KEY (project_id, order_id));
    CREATE TABLE ${s}.order_cycle_metrics (
      project_id text NOT NULL, order_id bigint NOT NULL, rule_name text NOT NULL,
      started_at timestamptz, ended_at timestamptz, wall_seconds double precision, working_seconds double precision,
      is_open boolean NOT NULL,
      PRIMARY KEY (project_id, order_id, rule_name));
    CREATE TABLE ${s}.order_items (
      project_id text NOT NULL, order_id bigint NOT NULL, items jsonb NOT NULL, fetched_at timestamptz NOT NULL,
      event_seq bigint NOT NULL,
      PRIMARY KEY (project_id, order_id));
    CREATE TABLE ${s}.order_overrides (
      project_id text NOT NULL, order_id bigint NOT NULL, urgent boolean, sla_profile text,
      cycle_start_at timestamptz, cycle_end_at timestamptz, changed_by text NOT NULL, changed_at timestamptz NOT NULL,
      event_seq bigint NOT NULL,
      PRIMARY KEY (project_id, order_id));
    CREATE TABLE ${s}.settings (
      project_id text NOT NULL, kind text NOT NULL, version integer NOT NULL, data jsonb NOT NULL,
      changed_by text NOT NULL, changed_at timestamptz NOT NULL, event_seq bigint NOT NULL,
      PRIMARY KEY (project_id, kind));
    CREATE TABLE ${s}.deal_contacts (
      project_id text NOT NULL, lead_id bigint NOT NULL, contact_id bigint NOT NULL, name text,
      is_main boolean NOT NULL, phones text[] NOT NULL, emails text[] NOT NULL, fetched_at timestamptz NOT NULL,
      PRIMARY KEY (project_id, lead_id, contact_id));
    CREATE TABLE ${s}.deal_phones (
      project_id text NOT NULL, phone text NOT NULL, lead_id bigint NOT NULL,
      PRIMARY KEY (project_id, phone, lead_id));
    CREATE TABLE ${s}.messages (
      project_id text NOT NULL, source text NOT NULL, message_id text NOT NULL, chat_id text NOT NULL, phone text,
      direction text NOT NULL, text text, media text, sent_at timestamptz NOT NULL, sender_name text, connection text,
      dedup_key text NOT NULL, stream_seq bigint NOT NULL,
      PRIMARY KEY (project_id, source, message_id));
    CREATE TABLE ${s}.shift_deals (
      project_id text NOT NULL, shift_id text NOT NULL, shift_start timestamptz NOT NULL, shift_end timestamptz NOT NULL,
      dialog_key text NOT NULL, lead_id bigint, phone text, responsible_user_id bigint, pipeline_id bigint, status_id bigint,
      phones text[] NOT NULL, updated_in_window boolean NOT NULL, messaged_in_window boolean NOT NULL,
      incoming integer NOT NULL, outgoing integer NOT NULL, dialog_text text NOT NULL,
      first_message_at timestamptz, last_message_at timestamptz,
      PRIMARY KEY (project_id, shift_id, dialog_key));
    CREATE TABLE ${s}.analysis_results (
      project_id text NOT NULL, dialog_key text NOT NULL, input_hash text NOT NULL, prompt_version text NOT NULL,
      status text NOT NULL, mode text NOT NULL, model text, lead_id bigint, phone text, shift_id text,
      window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, manager_id bigint,
      score integer, interest text, funnel_stage text, qualification_complete boolean,
      facts jsonb, evidence jsonb, reasons jsonb, incoming integer, outgoing integer,
      prompt_tokens integer NOT NULL DEFAULT 0, completion_tokens integer NOT NULL DEFAULT 0, duration_ms double precision,
      error_code text, error_message text, recorded_at timestamptz NOT NULL, event_seq bigint NOT NULL,
      PRIMARY KEY (project_id, dialog_key, input_hash, prompt_version));
    CREATE TABLE ${s}.deals_current (
      project_id text NOT NULL, lead_id bigint NOT NULL, name text, price double precision,
      responsible_user_id bigint, pipeline_id bigint, status_id bigint, tags jsonb NOT NULL, custom_fields jsonb NOT NULL,
      created_at timestamptz, updated_at timestamptz, deleted boolean NOT NULL, last_event_seq bigint NOT NULL,
      PRIMARY KEY (project_id, lead_id));
    CREATE TABLE ${s}.webhook_stats (
      project_id text NOT NULL, source text NOT NULL, day date NOT NULL,
      received bigint NOT NULL DEFAULT 0, accepted bigint NOT NULL DEFAULT 0, duplicate bigint NOT NULL DEFAULT 0,
      ignored bigint NOT NULL DEFAULT 0, rejected bigint NOT NULL DEFAULT 0, unauthorized bigint NOT NULL DEFAULT 0,
      failed bigint NOT NULL DEFAULT 0, events_stored bigint NOT NULL DEFAULT 0,
      events_redelivered bigint NOT NULL DEFAULT 0, last_received_at timestamptz, last_accepted_at timestamptz,
      PRIMARY KEY (project_id, source, day));
    CREATE TABLE ${s}.webhook_deliveries (
      project_id text NOT NULL, delivery_id text NOT NULL, source text NOT NULL, received_at timestamptz NOT NULL,
      outcome text NOT NULL,
      PRIMARY KEY (project_id, delivery_id));
    CREATE TABLE ${s}.deal_event_keys (
      project_id text NOT NULL, dedup_key text NOT NULL,
      PRIMARY KEY (project_id, dedup_key));
    CREATE TABLE ${s}.dead_letters (
      stream text NOT NULL, stream_seq bigint NOT NULL, subject text NOT NULL, reason text NOT NULL,
      payload text NOT NULL, recorded_at timestamptz NOT NULL,
      PRIMARY KEY (stream, stream_seq));
  `.execute(db);
  if (opts.secondaryIndexes !== false) {
    for (const index of READ_MODEL_INDEXES) await createReadModelIndex(db, schema, index);
  }
  await sql`INSERT INTO ${s}.meta (key, value) VALUES ('ddl_version', ${String(READ_MODEL_VERSION)})`.execute(
    db,
  );
}

/**
 * Creates one of {@link READ_MODEL_INDEXES} in `schema` (Postgres names it). `maintenanceWorkMemMb`
 * sets `maintenance_work_mem` for this build only (a large sort of a bulk-loaded table runs in
 * memory instead of spilling to disk).
 * @throws the Postgres error when the table is missing or the index exists.
 */
export async function createReadModelIndex(
  db: Kysely<unknown>,
  schema: string,
  index: (typeof READ_MODEL_INDEXES)[number],
  maintenanceWorkMemMb?: number,
): Promise<void> {
  const create = sql`CREATE INDEX ON ${sql.id(schema, index.table)} ${sql.raw(index.definition)}`;
  if (maintenanceWorkMemMb === undefined) {
    await create.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('maintenance_work_mem', ${`${maintenanceWorkMemMb}MB`}, true)`.execute(trx);
    await create.execute(trx);
  });
}

/** The names of the read-model tables, in a stable order (for comparisons and copies). */
export const READ_MODEL_TABLES = [
  "projects",
  "statuses",
  "status_groups",
  "crm_users",
  "order_status_events",
  "order_status_intervals",
  "order_group_sla",
  "orders_current",
  "deals_current",
  "order_cycle_metrics",
  "order_items",
  "order_overrides",
  "settings",
  "deal_contacts",
  "deal_phones",
  "messages",
  "shift_deals",
  "analysis_results",
  "webhook_stats",
  "webhook_deliveries",
  "deal_event_keys",
  "dead_letters",
  "checkpoints",
] as const;
