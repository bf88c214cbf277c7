import { TABLE_COLUMNS, type WrittenTable } from "../replay/table-writer.js";

/**
 * The project-scoped read-model tables: every written table with a `project_id` column
 * (`TABLE_COLUMNS`), in its declaration order. A project recompute replaces exactly these rows of
 * its project; the others (`checkpoints`, `dead_letters`: stream positions and poison, global) are
 * left alone. Derived, so a table added to `TABLE_COLUMNS` with a `project_id` joins by itself.
 */
export const PROJECT_SCOPED_TABLES: readonly WrittenTable[] = (
  Object.keys(TABLE_COLUMNS) as WrittenTable[]
).filter((table) => Object.hasOwn(TABLE_COLUMNS[table], "project_id"));

/** The columns of `table` as the projector writes them (`TABLE_COLUMNS` order). */
export function writtenColumns(table: WrittenTable): readonly string[] {
  return Object.keys(TABLE_COLUMNS[table]);
}
