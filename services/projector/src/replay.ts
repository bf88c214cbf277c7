import { createReadModelSchema, type Database, ensureStreams, type Logger, type Nats } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { readCheckpointRow, takeProjectorLock, writeCheckpoint } from "./checkpoints.repository.js";
import { writeDeadLetters } from "./dead-letters.projection.js";
import { applyEventsBatch } from "./events-batch.apply.js";
import { type ProjectorConfig, projectorNames } from "./projector.config.js";
import { ReadModelsFold } from "./read-models.fold.js";
import { applyReceiptsBatch } from "./receipts-batch.apply.js";
import { readStreamRange } from "./stream-range.reader.js";
import { inSchema, type RowOf, type WrittenTable, writeRows } from "./table-writer.js";

/** What a replay needs: NATS, the database, the configuration (stream names, batch sizes), a logger. */
export interface ReplayDeps {
  readonly nats: Nats;
  readonly db: Kysely<Database>;
  readonly config: ProjectorConfig;
  readonly logger: Logger;
}

/** A progress report: the phase, how many messages/rows are done, and of how many (if known). */
export interface ReplayProgress {
  readonly phase: "events" | "receipts" | "write" | "swap";
  readonly done: number;
  readonly total: number;
  readonly seconds: number;
}

/**
 * Options of {@link replayReadModels}.
 * - `swap` (default `true`): catch up with the live checkpoints and swap the new schema in as `rm`;
 *   `false` leaves the rebuilt schema beside `rm` (for comparisons) and returns its name.
 * - `schema`: name of the schema to build (default `rm_next_{epoch ms}`); must not exist.
 * - `onProgress`: called every ~50,000 messages and per phase.
 * - `beforeSwap`: test seam, awaited after the bulk write and before the swap transaction.
 */
export interface ReplayOptions {
  readonly swap?: boolean;
  readonly schema?: string;
  readonly onProgress?: (p: ReplayProgress) => void;
  readonly beforeSwap?: () => Promise<void>;
}

/**
 * Result of a replay. `schema`: where the rebuilt read models are now (`rm` after a swap);
 * `events`/`receipts`: messages folded by the fast path; `eventsSeq`/`receiptsSeq`: the checkpoints
 * the new schema ended with; `caughtUp`: messages applied inside the swap; `seconds` and
 * `eventsPerSecond` (events + receipts folded per second of the whole replay).
 */
export interface ReplayResult {
  readonly schema: string;
  readonly swapped: boolean;
  readonly events: number;
  readonly receipts: number;
  readonly eventsSeq: number;
  readonly receiptsSeq: number;
  readonly caughtUp: { readonly events: number; readonly receipts: number };
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

const PROGRESS_EVERY = 50_000;

/**
 * Rebuilds every read model from the streams, blue/green (docs/ARCHITECTURE.md "Postgres"):
 *
 * 1. Notes the last sequence of the events and receipts streams, creates a fresh schema
 *    (`createReadModelSchema`), reads both streams from sequence 1 with ordered consumers and folds
 *    them in memory with the live projector's rules and row builders ({@link ReadModelsFold}).
 * 2. Bulk-writes the rows (`INSERT … SELECT FROM unnest(…)` in chunks of `REPLAY_BATCH_ROWS`, on
 *    `REPLAY_WRITERS` connections) and the checkpoints.
 * 3. With `swap`: in one transaction takes the projector lock (live writers wait), applies the
 *    messages between the replay's position and the live checkpoints with the live batch code (no
 *    notices), renames `rm` → `rm_old_{ts}` and the new schema → `rm`, commits, then drops the old
 *    schema. The live projector continues from the same checkpoint on the new tables.
 *
 * Writes nothing that is not a function of the stream contents, so two replays are identical.
 * @throws on NATS/Postgres errors; the half-built schema is dropped, `rm` is untouched.
 */
export async function replayReadModels(deps: ReplayDeps, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const { nats, db, config, logger } = deps;
  const names = projectorNames(config);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const progress = (phase: ReplayProgress["phase"], done: number, total: number) => {
    const p = { phase, done, total, seconds: seconds() };
    opts.onProgress?.(p);
    logger.debug(p, "replay progress");
  };

  await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
  const eventsLast = (await nats.jsm.streams.info(names.eventsStream)).state.last_seq;
  const receiptsLast = (await nats.jsm.streams.info(names.receiptsStream)).state.last_seq;
  const schema = opts.schema ?? `rm_next_${Date.now()}`;
  await createReadModelSchema(db as unknown as Kysely<unknown>, schema);
  let swapped = false;
  try {
    const fold = new ReadModelsFold(names.eventsStream, names.receiptsStream);
    let nextReport = PROGRESS_EVERY;
    await readStreamRange(nats.js, names.eventsStream, 1, eventsLast, (batch) => {
      for (const m of batch) fold.applyEvent(m);
      if (fold.eventCount >= nextReport) {
        progress("events", fold.eventCount, eventsLast);
        nextReport += PROGRESS_EVERY;
      }
    });
    progress("events", fold.eventCount, eventsLast);
    await readStreamRange(nats.js, names.receiptsStream, 1, receiptsLast, (batch) => {
      for (const m of batch) fold.applyReceipt(m);
    });
    progress("receipts", fold.receiptCount, receiptsLast);

    const rowsWritten = await writeFold(db, schema, fold, config, (n) => progress("write", n, 0));
    progress("write", rowsWritten, rowsWritten);

    const result = {
      events: fold.eventCount,
      receipts: fold.receiptCount,
      eventsSeq: fold.lastEvent?.seq ?? 0,
      receiptsSeq: fold.lastReceipt?.seq ?? 0,
    };
    if (opts.swap === false) {
      return {
        ...result,
        schema,
        swapped: false,
        caughtUp: { events: 0, receipts: 0 },
        ...rate(result, seconds()),
      };
    }

    await opts.beforeSwap?.();
    const oldSchema = `rm_old_${Date.now()}`;
    const caughtUp = { events: 0, receipts: 0 };
    const positions = await db.transaction().execute(async (trx) => {
      await takeProjectorLock(trx);
      const live = await liveCheckpoints(trx);
      const next = inSchema(trx, schema);
      if (live.events > result.eventsSeq) {
        caughtUp.events = await readStreamRange(
          nats.js,
          names.eventsStream,
          result.eventsSeq + 1,
          live.events,
          async (b) => {
            await applyEventsBatch(trx, b, {
              schema,
              stream: names.eventsStream,
              scheme: names.scheme,
              produceNotices: false,
            });
          },
        );
      }
      if (live.receipts > result.receiptsSeq) {
        caughtUp.receipts = await readStreamRange(
          nats.js,
          names.receiptsStream,
          result.receiptsSeq + 1,
          live.receipts,
          async (b) => {
            await applyReceiptsBatch(trx, b, { schema, stream: names.receiptsStream });
          },
        );
      }
      const ended = {
        events: (await readCheckpointRow(next, "events"))?.stream_seq ?? 0,
        receipts: (await readCheckpointRow(next, "receipts"))?.stream_seq ?? 0,
      };
      if (live.exists) await sql`ALTER SCHEMA rm RENAME TO ${sql.id(oldSchema)}`.execute(trx);
      await sql`ALTER SCHEMA ${sql.id(schema)} RENAME TO rm`.execute(trx);
      return { ...ended, dropOld: live.exists };
    });
    swapped = true;
    progress("swap", caughtUp.events + caughtUp.receipts, caughtUp.events + caughtUp.receipts);
    if (positions.dropOld) await sql`DROP SCHEMA ${sql.id(oldSchema)} CASCADE`.execute(db);
    logger.info({ ...result, caughtUp, seconds: seconds() }, "replay swapped in");
    return {
      ...result,
      eventsSeq: positions.events,
      receiptsSeq: positions.receipts,
      schema: "rm",
      swapped: true,
      caughtUp,
      ...rate(result, seconds()),
    };
  } catch (error) {
    if (!swapped)
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db).catch(() => undefined);
    throw error;
  }
}

function rate(r: { events: number; receipts: number }, s: number) {
  return { seconds: s, eventsPerSecond: s > 0 ? (r.events + r.receipts) / s : 0 };
}

/** The live checkpoints in `rm` (0 when `rm` or a row is missing) and whether `rm` exists. */
async function liveCheckpoints(
  trx: Kysely<Database>,
): Promise<{ exists: boolean; events: number; receipts: number }> {
  const found = await sql<{ rm: boolean; checkpoints: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rm') AS rm,
           to_regclass('rm.checkpoints') IS NOT NULL AS checkpoints`.execute(trx);
  const row = found.rows[0];
  if (!row?.checkpoints) return { exists: Boolean(row?.rm), events: 0, receipts: 0 };
  const rm = inSchema(trx, "rm");
  return {
    exists: true,
    events: (await readCheckpointRow(rm, "events"))?.stream_seq ?? 0,
    receipts: (await readCheckpointRow(rm, "receipts"))?.stream_seq ?? 0,
  };
}

/**
 * Writes a fold into `schema` with large unnest INSERTs on up to `REPLAY_WRITERS` connections at a
 * time. Returns the number of rows written.
 */
async function writeFold(
  db: Kysely<Database>,
  schema: string,
  fold: ReadModelsFold,
  config: ProjectorConfig,
  onRows: (rows: number) => void,
): Promise<number> {
  const chunk = config.REPLAY_BATCH_ROWS;
  const target = inSchema(db, schema);
  const inflight = new Set<Promise<void>>();
  let written = 0;
  let failure: unknown = null;
  const submit = async <T extends WrittenTable>(table: T, rows: RowOf<T>[]) => {
    if (rows.length === 0) return;
    while (inflight.size >= config.REPLAY_WRITERS) await Promise.race(inflight);
    if (failure) throw failure;
    const p: Promise<void> = writeRows(target, schema, table, rows, undefined, chunk)
      .then(() => {
        written += rows.length;
        onRows(written);
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  await submit("projects", [...fold.projects.values()]);
  const statuses = [...fold.dictionaries.values()].flatMap((d) => [...d.statuses.values()]);
  await submit("statuses", statuses);
  await submit(
    "status_groups",
    [...fold.dictionaries.values()].flatMap((d) => [...d.groups.values()]),
  );
  await submit("deals_current", [...fold.deals.values()]);
  await submit("webhook_stats", [...fold.stats.values()]);

  let events: RowOf<"order_status_events">[] = [];
  let intervals: RowOf<"order_status_intervals">[] = [];
  let current: RowOf<"orders_current">[] = [];
  for (const { events: stored, rows } of fold.orderRows()) {
    for (const e of stored) events.push(e);
    for (const iv of rows.intervals) intervals.push(iv);
    current.push(rows.current);
    if (events.length >= chunk) {
      await submit("order_status_events", events);
      events = [];
    }
    if (intervals.length >= chunk) {
      await submit("order_status_intervals", intervals);
      intervals = [];
    }
    if (current.length >= chunk) {
      await submit("orders_current", current);
      current = [];
    }
  }
  await submit("order_status_events", events);
  await submit("order_status_intervals", intervals);
  await submit("orders_current", current);
  await Promise.all(inflight);
  if (failure) throw failure;
  await writeDeadLetters(target, schema, fold.deadLetters);
  if (fold.lastEvent)
    await writeCheckpoint(target, schema, "events", fold.lastEvent.seq, fold.lastEvent.timestamp);
  if (fold.lastReceipt)
    await writeCheckpoint(target, schema, "receipts", fold.lastReceipt.seq, fold.lastReceipt.timestamp);
  return written + fold.deadLetters.length;
}
