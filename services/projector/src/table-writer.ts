import type { Database, ReadModels } from "@pulse/infra";
import { type Kysely, type RawBuilder, sql } from "kysely";

/** Postgres types of read-model columns, as array casts for `unnest`. */
type PgType = "text" | "int8" | "int4" | "float8" | "bool" | "timestamptz" | "jsonb" | "date";

/**
 * Column lists (with types) of the read-model tables the projector writes, in DDL order
 * (`infra/src/db/read-models.ddl.ts`). The live projector and the replay write through the same
 * lists, so both send identical values.
 */
export const TABLE_COLUMNS = {
  checkpoints: { name: "text", stream_seq: "int8", updated_at: "timestamptz" },
  projects: {
    project_id: "text",
    name: "text",
    kind: "text",
    base_url: "text",
    time_zone: "text",
    active: "bool",
    registered_at: "timestamptz",
    event_seq: "int8",
  },
  statuses: {
    project_id: "text",
    group_id: "int8",
    status_id: "int8",
    name: "text",
    alias: "text",
    is_active: "bool",
    is_closing_order: "bool",
    expiration_period_seconds: "int4",
    sort: "int4",
    type: "int4",
    in_last_sync: "bool",
  },
  status_groups: { project_id: "text", group_id: "int8", name: "text", is_main: "bool" },
  order_status_events: {
    project_id: "text",
    dedup_key: "text",
    order_id: "int8",
    status_id: "int8",
    status_group_id: "int8",
    status_changed_at: "timestamptz",
    time_source: "text",
    order_created_at: "timestamptz",
    previous_status_id: "int8",
    manager_id: "int8",
    crm_event: "text",
    source: "text",
    event_id: "text",
    stream_seq: "int8",
    recorded_at: "timestamptz",
    is_effective: "bool",
  },
  order_status_intervals: {
    project_id: "text",
    order_id: "int8",
    seq: "int4",
    status_id: "int8",
    status_group_id: "int8",
    started_at: "timestamptz",
    ended_at: "timestamptz",
    duration_seconds: "float8",
  },
  orders_current: {
    project_id: "text",
    order_id: "int8",
    source: "text",
    order_created_at: "timestamptz",
    started_at: "timestamptz",
    last_status_id: "int8",
    last_status_group_id: "int8",
    last_changed_at: "timestamptz",
    manager_id: "int8",
    closed_at: "timestamptz",
    is_urgent: "bool",
    status_events: "int4",
    last_event_seq: "int8",
  },
  deals_current: {
    project_id: "text",
    lead_id: "int8",
    name: "text",
    price: "float8",
    responsible_user_id: "int8",
    pipeline_id: "int8",
    status_id: "int8",
    tags: "jsonb",
    custom_fields: "jsonb",
    created_at: "timestamptz",
    updated_at: "timestamptz",
    deleted: "bool",
    last_event_seq: "int8",
  },
  webhook_stats: {
    project_id: "text",
    source: "text",
    day: "date",
    received: "int8",
    accepted: "int8",
    duplicates: "int8",
    late_duplicates: "int8",
    ignored: "int8",
    rejected: "int8",
  },
  dead_letters: {
    stream: "text",
    stream_seq: "int8",
    subject: "text",
    reason: "text",
    payload: "text",
    recorded_at: "timestamptz",
  },
} as const satisfies Partial<Record<keyof ReadModels, Record<string, PgType>>>;

/** A table the projector writes. */
export type WrittenTable = keyof typeof TABLE_COLUMNS;

/**
 * A row of a written table as the projector builds it: every column present, times as ISO-8601
 * strings (`timestamptz`) or `YYYY-MM-DD` (`date`), JSON columns as JSON text.
 */
export type RowOf<T extends WrittenTable> = {
  [K in keyof (typeof TABLE_COLUMNS)[T]]: (typeof TABLE_COLUMNS)[T][K] extends
    | "text"
    | "timestamptz"
    | "jsonb"
    | "date"
    ? string | null
    : (typeof TABLE_COLUMNS)[T][K] extends "bool"
      ? boolean
      : number | null;
};

/**
 * What to do when an inserted row hits the primary key:
 * - `replace`: overwrite every non-key column except `keep` (columns owned by other writers);
 * - `add`: add the inserted counters to the stored ones (`col = t.col + excluded.col`);
 * - `nothing`: keep the stored row.
 */
export type OnConflict =
  | { keys: readonly string[]; action: "replace"; keep?: readonly string[] }
  | { keys: readonly string[]; action: "add"; columns: readonly string[] }
  | { keys: readonly string[]; action: "nothing" };

/**
 * Inserts `rows` into `schema.table` with one `INSERT … SELECT * FROM unnest($1::type[], …)` per
 * chunk (one parameter per column, whatever the row count), optionally as an upsert. Rows must be
 * unique by the conflict keys within one call. Used with a few hundred rows by the live projector
 * and with chunks of thousands by the replay.
 * @throws the Postgres error of the first failing chunk.
 */
export async function writeRows<T extends WrittenTable>(
  db: Kysely<ReadModels>,
  schema: string,
  table: T,
  rows: readonly RowOf<T>[],
  onConflict?: OnConflict,
  chunkSize = 5000,
): Promise<void> {
  if (rows.length === 0) return;
  const spec = TABLE_COLUMNS[table] as Record<string, PgType>;
  const columns = Object.keys(spec);
  const columnList = sql.join(columns.map((c) => sql.id(c)));
  let conflict: RawBuilder<unknown> = sql``;
  if (onConflict) {
    const keys = sql.join(onConflict.keys.map((k) => sql.id(k)));
    if (onConflict.action === "nothing") {
      conflict = sql` ON CONFLICT (${keys}) DO NOTHING`;
    } else if (onConflict.action === "replace") {
      const skip = new Set([...onConflict.keys, ...(onConflict.keep ?? [])]);
      const sets = columns.filter((c) => !skip.has(c)).map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`);
      conflict = sql` ON CONFLICT (${keys}) DO UPDATE SET ${sql.join(sets)}`;
    } else {
      const sets = onConflict.columns.map(
        (c) => sql`${sql.id(c)} = ${sql.id(table, c)} + excluded.${sql.id(c)}`,
      );
      conflict = sql` ON CONFLICT (${keys}) DO UPDATE SET ${sql.join(sets)}`;
    }
  }
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize) as readonly Record<string, unknown>[];
    const arrays = columns.map((c) => sql`${chunk.map((r) => r[c] ?? null)}::${sql.raw(spec[c]!)}[]`);
    await sql`INSERT INTO ${sql.id(schema, table)} AS ${sql.id(table)} (${columnList}) SELECT * FROM unnest(${sql.join(arrays)})${conflict}`.execute(
      db,
    );
  }
}

/** `db` seen through the read-model table names, resolved in `schema` (`rm` or a replay's schema). */
export function inSchema(db: Kysely<Database>, schema: string): Kysely<ReadModels> {
  return (db as unknown as Kysely<ReadModels>).withSchema(schema);
}
