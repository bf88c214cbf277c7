import {
  analyzeReadModels,
  createReadModelSchema,
  type Database,
  READ_MODEL_DECLARATIONS,
} from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { readCheckpointRow, takeProjectorLock, writeCheckpoint } from "../checkpoints.repository.js";
import { projectorNames } from "../projector.config.js";
import {
  catchUpSchema,
  foldPass,
  type ReplayDeps,
  type ReplayProgress,
  RowWriter,
  writeFold,
} from "../replay/replay.js";
import { diffSchemas, type ReplayDiff } from "../replay/replay-diff.js";
import { projectEventsFilter, projectReceiptsFilter } from "../replay/stream-projects.reader.js";
import { countStreamMessages } from "../replay/stream-range.reader.js";
import type { WrittenTable } from "../replay/table-writer.js";
import { inSchema } from "../replay/table-writer.js";
import { PROJECT_SCOPED_TABLES, writtenColumns } from "./project-tables.js";

/**
 * Options of {@link recomputeProject}.
 * - `onProgress`: called every ~50,000 of the project's events folded (`phase: "events"`, `total`:
 *   the project's events in the stream) and once per later phase (`write`, `swap`).
 * - `beforeSwap`: awaited after the staging tables are written and before the catch-up and the
 *   locked replacement (the scheduler's test seam).
 * - `signal`: aborts before the replacement commits (the staging schema is dropped, `rm` untouched).
 */
export interface ProjectRecomputeOptions {
  readonly onProgress?: (p: ReplayProgress) => void;
  readonly beforeSwap?: () => Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * Result of {@link recomputeProject}.
 * - `events` / `receipts`: the project's messages folded from sequence 1 (the read before the lock);
 * - `caughtUp`: the project's messages applied afterwards (up to the live checkpoints, the last of
 *   them under the projector lock);
 * - `read`: every message the recompute's consumers delivered (`events + caughtUp`, per stream): only
 *   the project's, the streams are read with its subject filters;
 * - `rows`: rows of the project now in `rm`; `changedRows`: rows deleted from or inserted into `rm`
 *   (a row that differs counts twice, an unchanged row not at all);
 * - `diff`: orders whose SLA state or cycle changed, computed on the staged rows before the lock
 *   (orders that the last few messages applied under the lock touched may differ slightly);
 * - `seconds`: the whole recompute; `lockedSeconds`: the projector lock held (live batches waited).
 */
export interface ProjectRecomputeResult {
  readonly projectId: string;
  readonly events: number;
  readonly receipts: number;
  readonly caughtUp: { readonly events: number; readonly receipts: number };
  readonly read: { readonly events: number; readonly receipts: number };
  readonly eventsTotal: number;
  readonly rows: number;
  readonly changedRows: number;
  readonly diff: ReplayDiff;
  readonly seconds: number;
  readonly lockedSeconds: number;
  /** The part of `lockedSeconds` spent applying the last messages (the rest wrote the changed rows). */
  readonly lockedCatchUpSeconds: number;
}

/**
 * Recomputes the read models of one project from its own events only, blue/green per project
 * (docs/ARCHITECTURE.md "Recompute"), while the live projector keeps applying every project:
 *
 * 1. Notes the live checkpoints of `rm`, creates a staging schema (`rm_project_{epoch ms}`, full DDL,
 *    no secondary indexes) and folds the project's events (`{root}.events.{project}.>`, a
 *    server-side consumer filter, decoded on a worker thread) and receipts
 *    (`{root}.receipts.{project}.>`) up to those checkpoints with the replay's fold
 *    (`foldPass`), bulk-writes its rows there (`COPY`) with the checkpoints it reached — no lock.
 * 2. Diffs the project's orders (`diffSchemas`, `rm` vs staging), then applies the project's messages
 *    that arrived meanwhile to the staging schema with the live batch code (`catchUpSchema` with the
 *    project's filters) — still without the lock.
 * 3. In one transaction holding the projector lock (live batches wait): applies the project's last
 *    few messages to the staging schema up to the live checkpoints, then makes the project's rows of
 *    every project-scoped table of `rm` ({@link PROJECT_SCOPED_TABLES}) equal to the staging rows by
 *    writing only the difference ({@link replaceChangedRows}: an SLA change rewrites the SLA rows, not
 *    every stored event), and commits. Checkpoints, dead letters and the other projects' rows are not
 *    touched.
 * 4. Drops the staging schema (also on failure).
 *
 * Memory is the project's state. The result equals the project's rows of a full replay at the same
 * positions. Events of the project published on another project's subjects are not seen (the
 * subject scheme is the contract, packages/events subjects.ts); a message of another project under
 * this project's subjects throws `ProjectScopeError` (the scheduler then runs a full replay).
 * @throws NATS/Postgres errors, `ProjectScopeError`, `signal.reason`; `rm` is then unchanged.
 */
export async function recomputeProject(
  deps: ReplayDeps,
  projectId: string,
  opts: ProjectRecomputeOptions = {},
): Promise<ProjectRecomputeResult> {
  const { nats, db, config, logger } = deps;
  const names = projectorNames(config);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const signal = opts.signal;
  const progress = (phase: ReplayProgress["phase"], done: number, total: number) =>
    opts.onProgress?.({ phase, done, total, seconds: seconds() });
  signal?.throwIfAborted();
  const filters = {
    events: projectEventsFilter(names.scheme, projectId),
    receipts: projectReceiptsFilter(names.scheme, projectId),
  };
  const start = await checkpointRows(db);
  const eventsTotal = await countStreamMessages(nats.jsm, names.eventsStream, filters.events);
  const staging = `rm_project_${Date.now()}`;
  await createReadModelSchema(db as unknown as Kysely<unknown>, staging, { secondaryIndexes: false });
  const writer = new RowWriter(inSchema(db, staging), staging, config, logger, () => undefined);
  try {
    const fold = await foldPass(
      {
        deps,
        writer,
        ranges: { eventsTo: start.events?.stream_seq ?? 0, receiptsTo: start.receipts?.stream_seq ?? 0 },
        ...(signal ? { signal } : {}),
        onEvents: (done) => progress("events", done, eventsTotal),
      },
      { project: projectId, counts: { events: eventsTotal } },
    );
    progress("events", fold.eventCount, eventsTotal);
    const written = await writeFold(writer, fold);
    await writer.close();
    const target = inSchema(db, staging);
    if (start.events)
      await writeCheckpoint(target, staging, "events", start.events.stream_seq, start.events.updated_at);
    if (start.receipts)
      await writeCheckpoint(
        target,
        staging,
        "receipts",
        start.receipts.stream_seq,
        start.receipts.updated_at,
      );
    progress("write", written, written);
    signal?.throwIfAborted();
    await opts.beforeSwap?.();
    signal?.throwIfAborted();

    const catchUpOpts = { filters, ...(signal ? { signal } : {}) };
    // Before the lock: the planner's statistics of the staging tables (the replacement joins them
    // with `rm`), the diff of the project's orders on the staged rows, then the messages that
    // arrived meanwhile, so that the locked step has only the last few to apply.
    for (const table of PROJECT_SCOPED_TABLES) await sql`ANALYZE ${sql.id(staging, table)}`.execute(db);
    const diff = await diffSchemas(db, "rm", staging, projectId);
    signal?.throwIfAborted();
    const early = await catchUpSchema(deps, db, staging, await livePositions(db), false, catchUpOpts);
    let lockedAt = 0;
    let caughtUpAt = 0;
    const swapped = await db.transaction().execute(async (trx) => {
      await takeProjectorLock(trx);
      lockedAt = performance.now();
      const late = await catchUpSchema(deps, trx, staging, await livePositions(trx), true, catchUpOpts);
      signal?.throwIfAborted();
      caughtUpAt = performance.now();
      let changed = 0;
      for (const table of PROJECT_SCOPED_TABLES)
        changed += await replaceChangedRows(trx, staging, table, projectId);
      return { late, changed };
    });
    const lockedSeconds = (performance.now() - lockedAt) / 1000;
    const rows = await countProjectRows(db, staging);
    await analyzeReadModels(db as unknown as Kysely<unknown>, "rm", PROJECT_SCOPED_TABLES);
    const caughtUp = {
      events: early.events + swapped.late.events,
      receipts: early.receipts + swapped.late.receipts,
    };
    progress("swap", caughtUp.events + caughtUp.receipts, caughtUp.events + caughtUp.receipts);
    const result: ProjectRecomputeResult = {
      projectId,
      events: fold.eventCount,
      receipts: fold.receiptCount,
      caughtUp,
      read: { events: fold.eventCount + caughtUp.events, receipts: fold.receiptCount + caughtUp.receipts },
      eventsTotal,
      rows,
      changedRows: swapped.changed,
      diff,
      seconds: seconds(),
      lockedSeconds,
      lockedCatchUpSeconds: (caughtUpAt - lockedAt) / 1000,
    };
    logger.info(
      { ...result, diff: { orders_changed: result.diff.orders_changed } },
      "project recompute swapped in",
    );
    return result;
  } finally {
    await writer.close();
    await sql`DROP SCHEMA IF EXISTS ${sql.id(staging)} CASCADE`
      .execute(db)
      .catch((error: unknown) =>
        logger.warn({ err: error, staging }, "project recompute: staging schema not dropped"),
      );
  }
}

/** The live checkpoint rows of `rm` (null when missing). */
async function checkpointRows(db: Kysely<Database>) {
  const rm = inSchema(db, "rm");
  return { events: await readCheckpointRow(rm, "events"), receipts: await readCheckpointRow(rm, "receipts") };
}

/** The live checkpoints of `rm` as sequences (0 when missing). */
async function livePositions(db: Kysely<Database>): Promise<{ events: number; receipts: number }> {
  const rows = await checkpointRows(db);
  return { events: rows.events?.stream_seq ?? 0, receipts: rows.receipts?.stream_seq ?? 0 };
}

/**
 * Makes project `projectId`'s rows of `rm.{table}` equal to the rows of `{staging}.{table}` (which
 * holds that project's rows only) by writing the difference: deletes the `rm` rows that have no
 * identical staging row (same primary key, every written column `IS NOT DISTINCT FROM`), then
 * inserts the staging rows whose key is no longer in `rm`. Both statements are anti-joins on the
 * primary key, so the cost is reading the project's rows of both sides plus writing what changed.
 * Runs inside the caller's transaction (the projector lock held). Returns rows deleted + inserted.
 * @throws the Postgres error.
 */
export async function replaceChangedRows(
  trx: Kysely<Database>,
  staging: string,
  table: WrittenTable,
  projectId: string,
): Promise<number> {
  const columns = writtenColumns(table);
  const key = READ_MODEL_DECLARATIONS[table].primaryKey as readonly string[];
  const rest = columns.filter((c) => !key.includes(c));
  const live = sql.id("rm", table);
  const staged = sql.id(staging, table);
  const sameKey = sql.join(
    key.map((c) => sql`s.${sql.id(c)} = r.${sql.id(c)}`),
    sql` AND `,
  );
  const sameValues =
    rest.length === 0
      ? sql`TRUE`
      : sql`(${sql.join(rest.map((c) => sql`s.${sql.id(c)}`))}) IS NOT DISTINCT FROM (${sql.join(rest.map((c) => sql`r.${sql.id(c)}`))})`;
  const deleted = await sql`
    DELETE FROM ${live} AS r
    WHERE r.project_id = ${projectId}
      AND NOT EXISTS (SELECT 1 FROM ${staged} AS s WHERE ${sameKey} AND ${sameValues})`.execute(trx);
  const list = sql.join(columns.map((c) => sql.id(c)));
  const inserted = await sql`
    INSERT INTO ${live} (${list})
    SELECT ${sql.join(columns.map((c) => sql`s.${sql.id(c)}`))} FROM ${staged} AS s
    WHERE s.project_id = ${projectId}
      AND NOT EXISTS (SELECT 1 FROM ${live} AS r WHERE r.project_id = ${projectId} AND ${sameKey})`.execute(
    trx,
  );
  return Number(deleted.numAffectedRows ?? 0) + Number(inserted.numAffectedRows ?? 0);
}

/** The rows of the project-scoped tables of `schema` (a staging schema: one project's rows). */
async function countProjectRows(db: Kysely<Database>, schema: string): Promise<number> {
  let rows = 0;
  for (const table of PROJECT_SCOPED_TABLES) {
    const r = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.id(schema, table)}`.execute(db);
    rows += Number(r.rows[0]?.n ?? 0);
  }
  return rows;
}
