import type { ColumnType, Generated } from "kysely";
import type { AuthTables } from "./accounts.tables.js";
import type { KyselyTable, ReadModelTable } from "./read-models.tables.js";

/**
 * Kysely table types of the read models (schema `rm`, swapped whole by a replay) and of the
 * operational schema `ops` (never swapped). The read-model types are derived from their declaration
 * (`READ_MODEL_DECLARATIONS` in `read-models.tables.ts`, where each column is documented); the `ops`
 * tables are written here, beside their migrations. Timestamps are `timestamptz` read as `Date`;
 * bigint ids are parsed to `number` (see `createDb`).
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** `ops.outbox` — notices written in the projector's transaction, published after commit. */
export interface OutboxTable {
  id: Generated<number>;
  subject: string;
  msg_id: string;
  payload: string;
  created_at: Generated<Timestamp>;
}

/** `ops.replays` — progress and outcome of a read-model rebuild; `diff` lists what changed. */
export interface ReplaysTable {
  id: string;
  project_id: string | null;
  reason: string;
  trigger_event_id: string | null;
  requested_by: string | null;
  /**
   * `running` (an attempt runs, or is about to) | `retrying` (the last attempt failed for a
   * transient reason; the next starts at `next_attempt_at`) | `done` | `failed` (a deterministic
   * failure: retrying cannot help; `error` says why).
   */
  status: string;
  events_total: number;
  events_done: number;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  error: string | null;
  diff: ColumnType<unknown, string | null, string | null>;
  /** Attempts started so far (0 until the first starts). */
  attempts: ColumnType<number, number | undefined, number>;
  /** Error of the last failed attempt (kept while retrying and after success, for the record). */
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the next attempt starts (status `retrying` only). */
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The read-model tables (resolved in whichever schema is active), derived from their declaration. */
export type ReadModels = { [T in ReadModelTable]: KyselyTable<T> };

/** The whole database as Kysely sees it: read models under `rm.`, operational tables under `ops.`. */
export type Database = AuthTables & { [T in ReadModelTable as `rm.${T}`]: KyselyTable<T> } & {
  "ops.outbox": OutboxTable;
  "ops.replays": ReplaysTable;
};
