import { PROJECT_SCOPED_TABLES as DECLARED_PROJECT_SCOPED } from "@pulse/infra";
import type { WrittenTable } from "../replay/table-writer.js";

export { writtenColumns } from "../replay/table-writer.js";

/**
 * The project-scoped read-model tables, as the projector writes them: every declared table with a
 * `project_id` column (`PROJECT_SCOPED_TABLES` of `infra/src/db/read-models.tables.ts`), in
 * declaration order. A project recompute replaces exactly these rows of its project; the others
 * (`checkpoints`, `dead_letters`: stream positions and poison, global) are left alone.
 */
export const PROJECT_SCOPED_TABLES: readonly WrittenTable[] = DECLARED_PROJECT_SCOPED;
