import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { type Kysely, sql } from "kysely";
import type { Database } from "./database.js";
import { createDb, dropDatabase, ensureDatabase, migrate } from "./db.js";
import { createReadModelSchema } from "./read-models.ddl.js";
import { READ_MODEL_DECLARATION_ENTRIES } from "./read-models.tables.js";

let url: string;
let db: Kysely<Database>;
before(async () => {
  const base = new URL(process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/pulse_test_rmdecl_${randomBytes(4).toString("hex")}`;
  url = base.toString();
  await ensureDatabase(url);
  db = createDb(url, 2);
});
after(async () => {
  await db?.destroy();
  await dropDatabase(url);
});

/** One column as the catalog describes it: `table.column type NOT NULL DEFAULT …`, in table order. */
async function liveColumns(schema: string): Promise<string[]> {
  const r = await sql<{
    table_name: string;
    column_name: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  }>`
    SELECT table_name, column_name, udt_name, is_nullable, column_default FROM information_schema.columns
    WHERE table_schema = ${schema} ORDER BY table_name COLLATE "C", ordinal_position`.execute(db);
  return r.rows.map((c) => {
    const type = c.udt_name.startsWith("_") ? `${c.udt_name.slice(1)}[]` : c.udt_name;
    // The catalog writes a literal default with its cast (`'unknown'::text`); the declaration without.
    const dflt = c.column_default === null ? "" : ` DEFAULT ${c.column_default.replace(/::[a-z ]+$/, "")}`;
    return `${c.table_name}.${c.column_name} ${type}${c.is_nullable === "NO" ? " NOT NULL" : ""}${dflt}`;
  });
}

/** Every index of `schema`: `table PRIMARY KEY|INDEX (columns) [WHERE predicate]`, sorted. */
async function liveIndexes(schema: string): Promise<string[]> {
  const r = await sql<{
    table_name: string;
    is_primary: boolean;
    is_unique: boolean;
    columns: string[];
    predicate: string | null;
  }>`
    SELECT c.relname AS table_name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
           (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS columns,
           pg_get_expr(i.indpred, i.indrelid) AS predicate
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema}`.execute(db);
  return r.rows
    .map(
      (i) =>
        `${i.table_name} ${i.is_primary ? "PRIMARY KEY" : i.is_unique ? "UNIQUE" : "INDEX"} (${i.columns.join(", ")})${i.predicate ? ` WHERE ${i.predicate}` : ""}`,
    )
    .sort();
}

/** What the declaration says {@link liveColumns} must find. */
function declaredColumns(): string[] {
  return [...READ_MODEL_DECLARATION_ENTRIES]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([table, d]) =>
      Object.entries(d.columns).map(
        ([name, c]) =>
          `${table}.${name} ${c.type}${c.isNullable ? "" : " NOT NULL"}${c.defaultSql === undefined ? "" : ` DEFAULT ${c.defaultSql}`}`,
      ),
    );
}

/** What the declaration says {@link liveIndexes} must find (predicates as Postgres prints them). */
function declaredIndexes(): string[] {
  const notNull = (columns: readonly string[]) => {
    const terms = columns.map((c) => `(${c} IS NOT NULL)`);
    return terms.length === 1 ? terms[0] : `(${terms.join(" AND ")})`;
  };
  return READ_MODEL_DECLARATION_ENTRIES.flatMap(([table, d]) => [
    `${table} PRIMARY KEY (${d.primaryKey.join(", ")})`,
    ...d.indexes.map(
      (i) =>
        `${table} INDEX (${i.columns.join(", ")})${i.whereNotNull?.length ? ` WHERE ${notNull(i.whereNotNull)}` : ""}`,
    ),
  ]).sort();
}

test("given the read-model declaration, when rm is migrated and a replay's fresh schema is created, then both hold exactly its columns, types, nullability, defaults, primary keys and indexes", async () => {
  await migrate(db);
  await createReadModelSchema(db as unknown as Kysely<unknown>, "rm_fresh");
  const columns = declaredColumns();
  const indexes = declaredIndexes();
  // Spot checks that the expectation itself reads the declaration right.
  assert.ok(columns.includes("orders_current.urgent_source text NOT NULL DEFAULT 'unknown'"));
  assert.ok(columns.includes("deal_contacts.phones text[] NOT NULL"));
  assert.ok(columns.includes("order_overrides.urgent bool"));
  assert.ok(
    indexes.includes(
      "order_group_sla INDEX (near_at) WHERE ((running_since IS NOT NULL) AND (near_at IS NOT NULL))",
    ),
  );
  assert.ok(
    indexes.includes("analysis_results PRIMARY KEY (project_id, dialog_key, input_hash, prompt_version)"),
  );
  for (const schema of ["rm", "rm_fresh"]) {
    assert.deepEqual(await liveColumns(schema), columns, `columns of ${schema}`);
    assert.deepEqual(await liveIndexes(schema), indexes, `indexes of ${schema}`);
  }
});
