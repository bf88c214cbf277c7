import type { Database, ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { writeRows } from "./replay/table-writer.js";

/** The consumed streams that have a checkpoint row in `rm.checkpoints`. */
export type CheckpointName = "events" | "receipts";

/**
 * Fixed key of the transaction-level advisory lock every projector transaction takes first, so a
 * replay's swap can exclude the live writers (`pg_advisory_xact_lock`).
 */
export const PROJECTOR_LOCK_KEY = 724_002;

/** Takes the projector lock for the rest of the transaction `trx` (waits while a swap holds it). */
export async function takeProjectorLock(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${PROJECTOR_LOCK_KEY})`.execute(trx);
}

/**
 * The last stream sequence applied for `name` in `schema` (0 when none). The checkpoint row, not the
 * JetStream consumer, is the authority on what was applied (docs/ARCHITECTURE.md "Postgres").
 */
export async function readCheckpoint(db: Kysely<ReadModels>, name: CheckpointName): Promise<number> {
  const row = await db
    .selectFrom("checkpoints")
    .select("stream_seq")
    .where("name", "=", name)
    .executeTakeFirst();
  return row?.stream_seq ?? 0;
}

/** Reads a checkpoint with its `updated_at` (ISO), or `null` when there is no row. */
export async function readCheckpointRow(
  db: Kysely<ReadModels>,
  name: CheckpointName,
): Promise<{ stream_seq: number; updated_at: string } | null> {
  const row = await db.selectFrom("checkpoints").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? { stream_seq: row.stream_seq, updated_at: new Date(row.updated_at).toISOString() } : null;
}

/**
 * Sets checkpoint `name` in `schema` to `seq`; `updatedAt` is the store time of that message (a
 * stream fact, not the clock, so a replay writes the same row).
 */
export async function writeCheckpoint(
  db: Kysely<ReadModels>,
  schema: string,
  name: CheckpointName,
  seq: number,
  updatedAt: string,
): Promise<void> {
  await writeRows(db, schema, "checkpoints", [{ name, stream_seq: seq, updated_at: updatedAt }], {
    keys: ["name"],
    action: "replace",
  });
}
