import { type Kysely, sql } from "kysely";
import {
  type AnyTableDeclaration,
  type IndexDeclaration,
  READ_MODEL_DECLARATION_ENTRIES,
  type ReadModelTable,
} from "./read-models.tables.js";

/**
 * Version of the read-model DDL. Bump it whenever a declaration in `read-models.tables.ts` changes:
 * a projector that finds an older version rebuilds every read model from the stream (blue/green)
 * before serving.
 */
export const READ_MODEL_VERSION = 5;

/**
 * A secondary index of a read model (each table's primary key is part of its `CREATE TABLE`):
 * its table and the index's column list with, for a partial index, its `WHERE`
 * (e.g. `(near_at) WHERE running_since IS NOT NULL AND near_at IS NOT NULL`).
 */
export interface ReadModelIndex {
  readonly table: ReadModelTable;
  readonly definition: string;
}

/**
 * The secondary indexes of the read models, derived from `READ_MODEL_DECLARATIONS` in its order
 * (largest tables first: a replay builds them in this order, the short builds filling in at the
 * end). They serve the query API, the projector's reads by order and the SLA ticker's scan.
 */
export const READ_MODEL_INDEXES: readonly ReadModelIndex[] = READ_MODEL_DECLARATION_ENTRIES.flatMap(
  ([table, declaration]) =>
    declaration.indexes.map((index) => ({ table, definition: indexDefinition(index) })),
);

/** `(c1, c2) [WHERE c IS NOT NULL AND …]` of an index declaration. */
function indexDefinition(index: IndexDeclaration): string {
  const columns = `(${index.columns.map(quoteIdentifier).join(", ")})`;
  const where = index.whereNotNull ?? [];
  return where.length === 0
    ? columns
    : `${columns} WHERE ${where.map((c) => `${quoteIdentifier(c)} IS NOT NULL`).join(" AND ")}`;
}

/** An identifier as SQL: bare when it is a plain lower-case name, else double-quoted. */
function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * The body of `CREATE TABLE schema.name (…)` of one declaration: each column with its type,
 * `NOT NULL` and `DEFAULT`, then the primary key.
 */
export function tableDefinition(declaration: AnyTableDeclaration): string {
  const columns = Object.entries(declaration.columns).map(
    ([name, c]) =>
      `${quoteIdentifier(name)} ${c.type}${c.isNullable ? "" : " NOT NULL"}${c.defaultSql === undefined ? "" : ` DEFAULT ${c.defaultSql}`}`,
  );
  return `(${[...columns, `PRIMARY KEY (${declaration.primaryKey.map(quoteIdentifier).join(", ")})`].join(", ")})`;
}

/**
 * Creates every read-model table of `READ_MODEL_DECLARATIONS` in `schema` (which must not exist
 * yet). Used for the live schema `rm` and for a replay's fresh schema, so both are always identical.
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
  const tables = READ_MODEL_DECLARATION_ENTRIES.map(
    ([name, declaration]) =>
      sql`CREATE TABLE ${sql.id(schema, name)} ${sql.raw(tableDefinition(declaration))};`,
  );
  await sql`CREATE SCHEMA ${s}; ${sql.join(tables, sql` `)}`.execute(db);
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
  index: ReadModelIndex,
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

/**
 * `ANALYZE` of read-model tables in `schema` (default: every declared table): fresh planner
 * statistics after a bulk load (a replay's rebuilt schema, a project recompute's rewritten rows),
 * so the first queries do not plan on the empty-table estimates. Statistics follow a table through
 * `ALTER SCHEMA … RENAME`. Runs outside a transaction block or inside one alike.
 * @throws the Postgres error when a table is missing.
 */
export async function analyzeReadModels(
  db: Kysely<unknown>,
  schema: string,
  tables: readonly ReadModelTable[] = READ_MODEL_DECLARATION_ENTRIES.map(([name]) => name),
): Promise<void> {
  if (tables.length === 0) return;
  await sql`ANALYZE ${sql.join(tables.map((t) => sql.id(schema, t)))}`.execute(db);
}
