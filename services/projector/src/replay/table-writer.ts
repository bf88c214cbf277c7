import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type ColumnDeclaration,
  type ColumnSqlType,
  type ColumnsOf,
  type Database,
  READ_MODEL_DECLARATION_ENTRIES,
  type ReadModels,
  type ReadModelTable,
} from "@pulse/infra";
import { type Kysely, type RawBuilder, sql } from "kysely";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** SQL type of a read-model column (its array type is the `unnest` cast). */
type PgType = ColumnSqlType;

/** A table the projector writes: every read model but `meta` (written by the DDL only). */
export type WrittenTable = Exclude<ReadModelTable, "meta">;

/** The value a row carries for a column of each SQL type (times and JSON as text, see {@link RowOf}). */
interface RowValues {
  text: string;
  int8: number;
  int4: number;
  float8: number;
  bool: boolean;
  timestamptz: string;
  jsonb: string;
  date: string;
  "text[]": readonly string[];
}

/**
 * A row of a written table as the projector builds it, derived from the table's declaration
 * (`READ_MODEL_DECLARATIONS` in `@pulse/infra`): every column present, `null` only where the column
 * takes NULL, times as ISO-8601 strings (`timestamptz`) or `YYYY-MM-DD` (`date`), JSON columns as
 * JSON text.
 */
export type RowOf<T extends WrittenTable> = {
  -readonly [K in keyof ColumnsOf<T>]: ColumnsOf<T>[K] extends ColumnDeclaration<infer S, infer N>
    ? RowValues[S] | (N extends true ? null : never)
    : never;
};

/**
 * Column names and SQL types of each written table in table order, from its declaration. The live
 * projector and the replay write through the same lists, so both send identical values.
 */
const TABLE_COLUMNS = Object.fromEntries(
  READ_MODEL_DECLARATION_ENTRIES.map(([table, declaration]) => [
    table,
    Object.fromEntries(Object.entries(declaration.columns).map(([name, c]) => [name, c.type])),
  ]),
) as Readonly<Record<WrittenTable, Readonly<Record<string, PgType>>>>;

/** The columns of `table` in the order the projector writes them (its declaration's order). */
export function writtenColumns(table: WrittenTable): readonly string[] {
  return Object.keys(TABLE_COLUMNS[table]);
}

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
 * The values of column `column` of `rows`, cleaned with {@link CLEANERS}, as one `unnest` parameter:
 * the driver (`pg`) writes the array literal. A non-finite number becomes `null` (as in
 * {@link copyText}); a `text[]` value travels as the text of its array literal (`unnest` cannot yield
 * ragged arrays) and is cast back in the select list.
 */
function columnValues(rows: readonly Record<string, unknown>[], column: string, type: PgType): unknown[] {
  const clean = CLEANERS[type];
  const values = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let v: unknown = rows[i]![column] ?? null;
    if (clean) v = clean(v);
    if (typeof v === "number") values[i] = Number.isFinite(v) ? v : null;
    else if (v === null || typeof v === "boolean" || typeof v === "string") values[i] = v;
    else values[i] = valueText(v, type);
  }
  return values;
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
 * {@link CLEANERS} and written as {@link columnValues} sends them, so a row reaches its table with
 * the same values by either path.
 */
export function copyText<T extends WrittenTable>(table: T, rows: readonly RowOf<T>[]): string {
  const spec = TABLE_COLUMNS[table];
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
  const spec = TABLE_COLUMNS[table];
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
    const arrays = columns.map(
      (c) => sql`${columnValues(chunk, c, spec[c]!)}::${sql.raw(spec[c] === "text[]" ? "text" : spec[c]!)}[]`,
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
