import { type Database, READ_MODEL_TABLES } from "@pulse/infra";
import { type Kysely, sql } from "kysely";

/**
 * How one read-model table differs between two schemas: row counts, rows only in A / only in B
 * (multiset difference over every column), and up to 5 sample rows of each side (as JSON).
 */
export interface TableDifference {
  readonly table: string;
  readonly rowsA: number;
  readonly rowsB: number;
  readonly onlyInA: number;
  readonly onlyInB: number;
  readonly sampleA: unknown[];
  readonly sampleB: unknown[];
}

/**
 * Result of {@link compareReadModels}: `equal` when no table and no index differs. `indexDifferences`
 * lists index definitions (schema name left out) found in one schema only, as
 * `"only in A: CREATE INDEX …"` / `"only in B: …"`.
 */
export interface ReadModelComparison {
  readonly equal: boolean;
  readonly differences: TableDifference[];
  readonly indexDifferences: string[];
}

/**
 * Compares every read-model table (`READ_MODEL_TABLES` + `meta`) of `schemaA` and `schemaB` row for
 * row over all columns, and their indexes — nothing is excluded: a replay must rebuild identical tables, checkpoints
 * included. Uses `EXCEPT ALL` both ways (a multiset comparison, equivalent to comparing both sides
 * ordered by all columns). For tests and operators.
 * @throws when a schema or table is missing.
 */
export async function compareReadModels(
  db: Kysely<Database>,
  schemaA: string,
  schemaB: string,
): Promise<ReadModelComparison> {
  const differences: TableDifference[] = [];
  for (const table of ["meta", ...READ_MODEL_TABLES]) {
    const a = sql.id(schemaA, table);
    const b = sql.id(schemaB, table);
    const counts = await sql<{ rows_a: number; rows_b: number; only_a: number; only_b: number }>`
      SELECT (SELECT count(*) FROM ${a})::int AS rows_a,
             (SELECT count(*) FROM ${b})::int AS rows_b,
             (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) d)::int AS only_a,
             (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}) d)::int AS only_b`.execute(
      db,
    );
    const c = counts.rows[0]!;
    if (c.only_a === 0 && c.only_b === 0 && c.rows_a === c.rows_b) continue;
    const sampleA = await sql<{ r: unknown }>`
      SELECT to_jsonb(d) AS r FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) d LIMIT 5`.execute(db);
    const sampleB = await sql<{ r: unknown }>`
      SELECT to_jsonb(d) AS r FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}) d LIMIT 5`.execute(db);
    differences.push({
      table,
      rowsA: c.rows_a,
      rowsB: c.rows_b,
      onlyInA: c.only_a,
      onlyInB: c.only_b,
      sampleA: sampleA.rows.map((r) => r.r),
      sampleB: sampleB.rows.map((r) => r.r),
    });
  }
  const indexDifferences = await compareIndexes(db, schemaA, schemaB);
  return { equal: differences.length === 0 && indexDifferences.length === 0, differences, indexDifferences };
}

/** Index definitions (primary keys included) of one schema only, by their text without the schema name. */
async function compareIndexes(db: Kysely<Database>, schemaA: string, schemaB: string): Promise<string[]> {
  const definitions = async (schema: string) => {
    const r = await sql<{ def: string }>`
      SELECT replace(indexdef, ${` ON ${schema}.`}, ' ON ') AS def FROM pg_indexes WHERE schemaname = ${schema}`.execute(
      db,
    );
    return r.rows.map((row) => row.def);
  };
  const a = await definitions(schemaA);
  const b = await definitions(schemaB);
  return [
    ...a.filter((d) => !b.includes(d)).map((d) => `only in A: ${d}`),
    ...b.filter((d) => !a.includes(d)).map((d) => `only in B: ${d}`),
  ];
}
