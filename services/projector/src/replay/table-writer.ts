import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Database, ReadModels } from "@pulse/infra";
import { type Kysely, type RawBuilder, sql } from "kysely";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** Postgres types of read-model columns, as array casts for `unnest`. */
type PgType = "text" | "int8" | "int4" | "float8" | "bool" | "timestamptz" | "jsonb" | "date" | "text[]";

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
  crm_users: {
    project_id: "text",
    user_id: "int8",
    name: "text",
    email: "text",
    is_active: "bool",
    is_admin: "bool",
    in_last_sync: "bool",
    event_seq: "int8",
  },
  order_status_events: {
    project_id: "text",
    dedup_key: "text",
    order_id: "int8",
    status_id: "int8",
    status_group_id: "int8",
    event_group_id: "int8",
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
    working_seconds: "float8",
    is_urgent: "bool",
  },
  order_group_sla: {
    project_id: "text",
    order_id: "int8",
    group_id: "int8",
    visits: "int4",
    first_entered_at: "timestamptz",
    working_seconds_closed: "float8",
    running_since: "timestamptz",
    is_urgent: "bool",
    sla_profile: "text",
    limit_seconds: "float8",
    near_at: "timestamptz",
    over_at: "timestamptz",
    state_if_closed: "text",
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
    urgent_source: "text",
    urgent_rule: "text",
    urgent_since: "timestamptz",
    delivery_entered_at: "timestamptz",
    cycle_rule: "text",
    cycle_started_at: "timestamptz",
    cycle_ended_at: "timestamptz",
    cycle_wall_seconds: "float8",
    cycle_working_seconds: "float8",
    sla_next_transition_at: "timestamptz",
  },
  order_cycle_metrics: {
    project_id: "text",
    order_id: "int8",
    rule_name: "text",
    started_at: "timestamptz",
    ended_at: "timestamptz",
    wall_seconds: "float8",
    working_seconds: "float8",
    is_open: "bool",
  },
  order_items: {
    project_id: "text",
    order_id: "int8",
    items: "jsonb",
    fetched_at: "timestamptz",
    event_seq: "int8",
  },
  order_overrides: {
    project_id: "text",
    order_id: "int8",
    urgent: "bool",
    sla_profile: "text",
    cycle_start_at: "timestamptz",
    cycle_end_at: "timestamptz",
    changed_by: "text",
    changed_at: "timestamptz",
    event_seq: "int8",
  },
  settings: {
    project_id: "text",
    kind: "text",
    version: "int4",
    data: "jsonb",
    changed_by: "text",
    changed_at: "timestamptz",
    event_seq: "int8",
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
  messages: {
    project_id: "text",
    source: "text",
    message_id: "text",
    chat_id: "text",
    phone: "text",
    direction: "text",
    text: "text",
    media: "text",
    sent_at: "timestamptz",
    sender_name: "text",
    connection: "text",
    dedup_key: "text",
    stream_seq: "int8",
  },
  deal_contacts: {
    project_id: "text",
    lead_id: "int8",
    contact_id: "int8",
    name: "text",
    is_main: "bool",
    phones: "text[]",
    emails: "text[]",
    fetched_at: "timestamptz",
  },
  deal_phones: { project_id: "text", phone: "text", lead_id: "int8" },
  shift_deals: {
    project_id: "text",
    shift_id: "text",
    shift_start: "timestamptz",
    shift_end: "timestamptz",
    dialog_key: "text",
    lead_id: "int8",
    phone: "text",
    responsible_user_id: "int8",
    pipeline_id: "int8",
    status_id: "int8",
    phones: "text[]",
    updated_in_window: "bool",
    messaged_in_window: "bool",
    incoming: "int4",
    outgoing: "int4",
    dialog_text: "text",
    first_message_at: "timestamptz",
    last_message_at: "timestamptz",
  },
  analysis_results: {
    project_id: "text",
    dialog_key: "text",
    input_hash: "text",
    prompt_version: "text",
    status: "text",
    mode: "text",
    model: "text",
    lead_id: "int8",
    phone: "text",
    shift_id: "text",
    window_start: "timestamptz",
    window_end: "timestamptz",
    manager_id: "int8",
    score: "int4",
    interest: "text",
    funnel_stage: "text",
    qualification_complete: "bool",
    facts: "jsonb",
    evidence: "jsonb",
    reasons: "jsonb",
    incoming: "int4",
    outgoing: "int4",
    prompt_tokens: "int4",
    completion_tokens: "int4",
    duration_ms: "float8",
    error_code: "text",
    error_message: "text",
    recorded_at: "timestamptz",
    event_seq: "int8",
  },
  webhook_stats: {
    project_id: "text",
    source: "text",
    day: "date",
    received: "int8",
    accepted: "int8",
    duplicate: "int8",
    ignored: "int8",
    rejected: "int8",
    unauthorized: "int8",
    failed: "int8",
    events_stored: "int8",
    events_redelivered: "int8",
    last_received_at: "timestamptz",
    last_accepted_at: "timestamptz",
  },
  webhook_deliveries: {
    project_id: "text",
    delivery_id: "text",
    source: "text",
    received_at: "timestamptz",
    outcome: "text",
  },
  deal_event_keys: { project_id: "text", dedup_key: "text" },
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
      : (typeof TABLE_COLUMNS)[T][K] extends "text[]"
        ? readonly string[]
        : number | null;
};

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

/**
 * Value fixes applied to every row on the way to Postgres — identical for the live projector and the
 * replay, so both store the same thing. An event is a fact and must not block the consumer (STYLE.md
 * rule 5), so values Postgres cannot hold are mapped deterministically: NUL in text becomes U+FFFD
 * (`text` and `jsonb` reject it), an `int4` outside its range becomes `null`.
 */
const CLEANERS: Partial<Record<PgType, (v: unknown) => unknown>> = {
  text: (v) => (typeof v === "string" && v.includes("\u0000") ? v.replaceAll("\u0000", "\ufffd") : v),
  jsonb: (v) =>
    typeof v === "string" && v.includes("\\u0000") ? v.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd") : v,
  "text[]": (v) =>
    Array.isArray(v) && v.some((e) => typeof e === "string" && e.includes("\u0000"))
      ? v.map((e) => (typeof e === "string" ? e.replaceAll("\u0000", "\ufffd") : e))
      : v,
  int4: (v) => (typeof v === "number" && (v < INT4_MIN || v > INT4_MAX || !Number.isInteger(v)) ? null : v),
};

/**
 * The text form of one cleaned, non-null, non-number, non-boolean column value: strings as they
 * are, a `Date` as its ISO instant, a `text[]` as its array literal (`{"a","b",NULL}`), anything else
 * as JSON text.
 */
function valueText(v: unknown, type: PgType): string {
  if (typeof v === "string") return v;
  if (v instanceof Date) return v.toISOString();
  if (type === "text[]" && Array.isArray(v)) {
    return `{${v.map((e) => (e === null ? "NULL" : `"${String(e).replace(/[\\"]/g, "\\$&")}"`)).join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * The Postgres array literal (`{"a","b",NULL}`) of column `column` of `rows`, cleaned with
 * {@link CLEANERS}. Built directly (every element quoted, `\` and `"` escaped) because the driver's
 * generic array serialisation is a hot spot of large replays.
 */
function arrayLiteral(rows: readonly Record<string, unknown>[], column: string, type: PgType): string {
  const clean = CLEANERS[type];
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let v: unknown = rows[i]![column] ?? null;
    if (clean) v = clean(v);
    if (v === null) parts[i] = "NULL";
    else if (typeof v === "number") parts[i] = Number.isFinite(v) ? String(v) : "NULL";
    else if (typeof v === "boolean") parts[i] = v ? "t" : "f";
    else {
      const text = valueText(v, type);
      parts[i] =
        text.indexOf('"') < 0 && text.indexOf("\\") < 0 ? `"${text}"` : `"${text.replace(/[\\"]/g, "\\$&")}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

/** Characters the `COPY` text format escapes, and their escapes. */
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};

/**
 * `rows` of `table` as the data of `COPY … FROM STDIN` in the text format (PostgreSQL manual,
 * "COPY", File Formats): one line per row, columns in {@link TABLE_COLUMNS} order separated by tabs,
 * `\N` for null, backslash, tab, newline and carriage return escaped with a backslash. Values are cleaned with
 * {@link CLEANERS} and written as {@link arrayLiteral} writes them, so a row reaches its table with
 * the same values by either path.
 */
export function copyText<T extends WrittenTable>(table: T, rows: readonly RowOf<T>[]): string {
  const spec = TABLE_COLUMNS[table] as Record<string, PgType>;
  const columns = Object.entries(spec).map(([name, type]) => ({ name, type, clean: CLEANERS[type] }));
  let out = "";
  for (const row of rows as readonly Record<string, unknown>[]) {
    for (let c = 0; c < columns.length; c++) {
      const { name, type, clean } = columns[c]!;
      let v: unknown = row[name] ?? null;
      if (clean) v = clean(v);
      if (c > 0) out += "\t";
      if (v === null) out += "\\N";
      else if (typeof v === "number") out += Number.isFinite(v) ? String(v) : "\\N";
      else if (typeof v === "boolean") out += v ? "t" : "f";
      else {
        const text = valueText(v, type);
        out += /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]!) : text;
      }
    }
    out += "\n";
  }
  return out;
}

/**
 * Appends `rows` to `schema.table` with `COPY … FROM STDIN` (pg-copy-streams) on one connection of
 * `pool`, `chunkSize` rows per `COPY`. No upsert: the replay writes fresh tables whose rows are unique
 * by construction. Each chunk commits on its own.
 * @throws the Postgres error of the first failing chunk (the connection is then discarded).
 */
export async function copyRows<T extends WrittenTable>(
  pool: pg.Pool,
  schema: string,
  table: T,
  rows: readonly RowOf<T>[],
  chunkSize = 5000,
): Promise<void> {
  if (rows.length === 0) return;
  const columnList = Object.keys(TABLE_COLUMNS[table]).map((c) => pg.escapeIdentifier(c));
  const statement = `COPY ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)} (${columnList.join(", ")}) FROM STDIN`;
  const client = await pool.connect();
  try {
    for (let i = 0; i < rows.length; i += chunkSize) {
      const data = copyText(table, rows.slice(i, i + chunkSize));
      await pipeline(Readable.from([data]), client.query(copyFrom(statement)));
    }
    client.release();
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}

/**
 * What to do when an inserted row hits the primary key:
 * - `replace`: overwrite every non-key column except `keep` (columns owned by other writers);
 * - `add`: add the inserted counters to the stored ones (`col = t.col + excluded.col`), and keep the
 *   larger value of the `greatest` columns (`GREATEST`, which ignores nulls);
 * - `nothing`: keep the stored row.
 */
export type OnConflict =
  | { keys: readonly string[]; action: "replace"; keep?: readonly string[] }
  | { keys: readonly string[]; action: "add"; columns: readonly string[]; greatest?: readonly string[] }
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
      const sets = [
        ...onConflict.columns.map((c) => sql`${sql.id(c)} = ${sql.id(table, c)} + excluded.${sql.id(c)}`),
        ...(onConflict.greatest ?? []).map(
          (c) => sql`${sql.id(c)} = GREATEST(${sql.id(table, c)}, excluded.${sql.id(c)})`,
        ),
      ];
      conflict = sql` ON CONFLICT (${keys}) DO UPDATE SET ${sql.join(sets)}`;
    }
  }
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize) as readonly Record<string, unknown>[];
    // A `text[]` column travels as the text of its array literal (unnest cannot yield ragged arrays)
    // and is cast back in the select list.
    const arrays = columns.map(
      (c) => sql`${arrayLiteral(chunk, c, spec[c]!)}::${sql.raw(spec[c] === "text[]" ? "text" : spec[c]!)}[]`,
    );
    const select = columns.some((c) => spec[c] === "text[]")
      ? sql`${sql.join(columns.map((c) => (spec[c] === "text[]" ? sql`${sql.id(c)}::text[]` : sql.id(c))))} FROM unnest(${sql.join(arrays)}) AS u(${columnList})`
      : sql`* FROM unnest(${sql.join(arrays)})`;
    await sql`INSERT INTO ${sql.id(schema, table)} AS ${sql.id(table)} (${columnList}) SELECT ${select}${conflict}`.execute(
      db,
    );
  }
}

/** `db` seen through the read-model table names, resolved in `schema` (`rm` or a replay's schema). */
export function inSchema(db: Kysely<Database>, schema: string): Kysely<ReadModels> {
  return (db as unknown as Kysely<ReadModels>).withSchema(schema);
}
