import {
  analyzeReadModels,
  createReadModelIndex,
  createReadModelSchema,
  type Database,
  ensureStreams,
  guardPool,
  type Logger,
  type Nats,
  READ_MODEL_INDEXES,
  type ReadModels,
} from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { readCheckpointRow, takeProjectorLock, writeCheckpoint } from "../checkpoints.repository.js";
import { applyEventsBatch } from "../live/events-batch.apply.js";
import { applyReceiptsBatch } from "../live/receipts-batch.apply.js";
import { writeDeadLetters } from "../projections/dead-letters.projection.js";
import { DurationStatsAccumulator } from "../projections/order-duration-stats.projection.js";
import type { StoredOrderEvent } from "../projections/order-status.projection.js";
import { decodeReceipts } from "../projections/webhook-stats.projection.js";
import { type ProjectorConfig, projectorNames } from "../projector.config.js";
import type { StreamMessage } from "../stream-message.js";
import { readDecodedRanges } from "./decoded-range.reader.js";
import { ReadModelsFold } from "./read-models.fold.js";
import {
  foreignProjectOf,
  listStreamProjects,
  ProjectScopeError,
  projectEventsFilter,
  projectReceiptsFilter,
  unscopedFilter,
} from "./stream-projects.reader.js";
import { readStreamRange } from "./stream-range.reader.js";
import { copyRows, inSchema, type RowOf, type WrittenTable } from "./table-writer.js";

/**
 * What a replay needs: NATS, the database, the configuration (stream names, batch sizes), a logger.
 * The bulk `COPY` connections are opened from `config.DATABASE_URL`, which must name `db`'s database.
 */
export interface ReplayDeps {
  readonly nats: Nats;
  readonly db: Kysely<Database>;
  readonly config: ProjectorConfig;
  readonly logger: Logger;
}

/** A progress report: the phase, how many messages/rows are done, and of how many (if known). */
export interface ReplayProgress {
  readonly phase: "events" | "receipts" | "write" | "indexes" | "swap";
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
 * - `beforeSwap`: test seam, awaited after the bulk write and before the swap transaction, with the
 *   positions the rebuilt schema reached.
 * - `beforeDropOld`: awaited after the swap with the name of the previous `rm` (now renamed), before
 *   it is dropped — to compare old and new tables (both hold the same stream positions). An error
 *   is logged and the old schema is dropped anyway.
 * - `signal`: aborts the replay before the swap (the reading stops, the half-built schema is dropped
 *   and the promise rejects with `signal.reason`); once the swap committed it has no effect.
 */
export interface ReplayOptions {
  readonly swap?: boolean;
  readonly schema?: string;
  readonly onProgress?: (p: ReplayProgress) => void;
  readonly beforeSwap?: (built: { eventsSeq: number; receiptsSeq: number }) => Promise<void>;
  readonly beforeDropOld?: (oldSchema: string) => Promise<void>;
  readonly signal?: AbortSignal;
  /**
   * Called once per fold pass (a project, the unscoped messages, or the whole stream), after its
   * rows were written (its state is dropped right after) — e.g. to sample memory per
   * project (the replay's memory bound is the largest project's state).
   */
  readonly onProject?: (p: ReplayProjectDone) => void;
}

/**
 * One fold pass done: `project` (`null` for the unscoped messages or a whole-stream pass), its
 * events and receipts folded, the rows it wrote (streamed `order_status_events` rows counted as
 * their `COPY` completes) and the replay's seconds so far.
 */
export interface ReplayProjectDone {
  readonly project: string | null;
  readonly events: number;
  readonly receipts: number;
  readonly rows: number;
  readonly seconds: number;
}

/**
 * Result of a replay. `schema`: where the rebuilt read models are now (`rm` after a swap);
 * `events`/`receipts`: messages folded by the fast path; `eventsSeq`/`receiptsSeq`: the checkpoints
 * the new schema ended with; `caughtUp`: messages applied inside the swap; `seconds` and
 * `eventsPerSecond` (events-stream messages folded per second of the whole replay, swap included).
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
 * Rebuilds every read model from the streams, blue/green (docs/ARCHITECTURE.md "Postgres"),
 * project by project:
 *
 * 1. Notes the last sequence of the events and receipts streams, creates a fresh schema
 *    (`createReadModelSchema`) and lists the projects of both streams from the server's subject
 *    index (`listStreamProjects`: registered or not). For each project in turn it reads the
 *    project's events (`{root}.events.{project}.>`, a server-side consumer filter) from sequence 1,
 *    decoded on a worker thread (`readDecodedRange`), then its receipts (`{root}.receipts.{project}.>`),
 *    folds them in memory with the live projector's rules and row builders ({@link ReadModelsFold}),
 *    bulk-writes the project's rows and drops its state — so peak memory is the largest project's
 *    state, not the stream's. Messages outside the project scheme (`{root}.events.{token}`) are
 *    read first on their own: poison becomes dead letters with its stream sequence as always; a
 *    decodable event there, or an event whose project differs from its subject's
 *    (`ProjectScopeError`), makes the replay start over folding the whole stream in one pass
 *    (the same rows, memory unbounded). Checkpoints are the last global stream sequences read.
 * 2. Bulk-writes (`COPY … FROM STDIN` in chunks of `REPLAY_BATCH_ROWS`, on `REPLAY_WRITERS`
 *    connections of its own, opened from `config.DATABASE_URL`) into tables created without their
 *    secondary indexes, then builds those (`READ_MODEL_INDEXES`, `REPLAY_WRITERS` at a time).
 * 3. With `swap`: applies the messages between the replay's position and the live checkpoints with
 *    the live batch code (no notices) — first without the lock, then, in one transaction holding the
 *    projector lock (live writers wait), the few that arrived meanwhile; sets nothing else (the
 *    catch-up moves the new checkpoints to the live ones), renames `rm` → `rm_old_{ts}` and the new
 *    schema → `rm`, commits, then drops the old schema. The live projector continues from the same
 *    checkpoint on the new tables. If the live checkpoints are behind the replay, the new schema
 *    keeps the replay's (the live consumer then skips what the replay already applied).
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

  const signal = opts.signal;
  signal?.throwIfAborted();
  await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
  const eventsLast = (await nats.jsm.streams.info(names.eventsStream)).state.last_seq;
  const receiptsLast = (await nats.jsm.streams.info(names.receiptsStream)).state.last_seq;
  const schema = opts.schema ?? `rm_next_${Date.now()}`;
  if (schema === "rm") throw new Error("replayReadModels: the schema to build must not be rm");
  let swapped = false;
  const bulk: { writer: RowWriter | null } = { writer: null };
  // A fresh schema and writer (again when the project-by-project read has to start over).
  const fresh = async (): Promise<RowWriter> => {
    await bulk.writer?.close();
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
    await createReadModelSchema(db as unknown as Kysely<unknown>, schema, { secondaryIndexes: false });
    bulk.writer = new RowWriter(inSchema(db, schema), schema, config, logger, (n) => progress("write", n, 0));
    return bulk.writer;
  };
  try {
    const ranges = { eventsTo: eventsLast, receiptsTo: receiptsLast };
    const reading: ReadingContext = {
      deps,
      writer: await fresh(),
      ranges,
      ...(signal ? { signal } : {}),
      onEvents: (done) => progress("events", done, eventsLast),
      ...(opts.onProject
        ? {
            onPass: (pass: FoldPass, done: Omit<ReplayProjectDone, "seconds" | "project">) =>
              opts.onProject?.({
                project: "project" in pass ? pass.project : null,
                ...done,
                seconds: seconds(),
              }),
          }
        : {}),
    };
    let totals: FoldTotals;
    try {
      totals = await foldByProject(reading);
    } catch (error) {
      if (!(error instanceof ProjectScopeError)) throw error;
      logger.warn(
        { err: error },
        "replay: the streams do not follow the project subject scheme; folding the whole stream in one pass",
      );
      totals = await foldPasses({ ...reading, writer: await fresh() }, [{ project: null }]);
    }
    const target = inSchema(db, schema);
    if (totals.lastEvent)
      await writeCheckpoint(target, schema, "events", totals.lastEvent.seq, totals.lastEvent.timestamp);
    if (totals.lastReceipt)
      await writeCheckpoint(target, schema, "receipts", totals.lastReceipt.seq, totals.lastReceipt.timestamp);
    progress("events", totals.events, eventsLast);
    progress("receipts", totals.receipts, receiptsLast);
    await bulk.writer?.close();
    progress("write", totals.rows, totals.rows);
    await buildIndexes(db, schema, config.REPLAY_WRITERS);
    await analyzeReadModels(db as unknown as Kysely<unknown>, schema);
    progress("indexes", READ_MODEL_INDEXES.length, READ_MODEL_INDEXES.length);

    const result = {
      events: totals.events,
      receipts: totals.receipts,
      eventsSeq: totals.lastEvent?.seq ?? 0,
      receiptsSeq: totals.lastReceipt?.seq ?? 0,
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

    signal?.throwIfAborted();
    await opts.beforeSwap?.({ eventsSeq: result.eventsSeq, receiptsSeq: result.receiptsSeq });
    signal?.throwIfAborted();
    const catchUpOpts = signal ? { signal } : {};
    // First without the lock (the live projector keeps writing `rm`; only the replay writes the new
    // schema), so that the locked step below has little left to apply.
    const early = await catchUpSchema(deps, db, schema, await liveCheckpoints(db), false, catchUpOpts);
    const oldSchema = `rm_old_${Date.now()}`;
    const caughtUp = { ...early };
    const positions = await db.transaction().execute(async (trx) => {
      await takeProjectorLock(trx);
      const live = await liveCheckpoints(trx);
      const late = await catchUpSchema(deps, trx, schema, live, true, catchUpOpts);
      signal?.throwIfAborted();
      caughtUp.events += late.events;
      caughtUp.receipts += late.receipts;
      const next = inSchema(trx, schema);
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
    if (positions.dropOld) {
      await opts.beforeDropOld?.(oldSchema).catch((error: unknown) => {
        logger.error({ err: error, oldSchema }, "replay: beforeDropOld failed");
      });
      await sql`DROP SCHEMA ${sql.id(oldSchema)} CASCADE`.execute(db);
    }
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
    await bulk.writer?.close();
    if (!swapped)
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db).catch(() => undefined);
    throw error;
  }
}

/**
 * Applies the messages between the checkpoints of `schema` and `live` (capped at each stream's last
 * sequence) to `schema` with the live batch code, without notices (`applyEventsBatch`,
 * `applyReceiptsBatch`). `oneTx`: every batch in `trx` (the caller's transaction, e.g. one holding
 * the projector lock); otherwise each batch in its own transaction on `deps.db`. `filters` restricts
 * the read to one project's subjects (a project recompute's staging schema); the checkpoints of
 * `schema` then end at that project's last message applied. Returns the messages applied per stream.
 * @throws NATS/Postgres errors and `signal.reason`.
 */
export async function catchUpSchema(
  deps: ReplayDeps,
  trx: Kysely<Database>,
  schema: string,
  live: { readonly events: number; readonly receipts: number },
  oneTx: boolean,
  opts: { signal?: AbortSignal; filters?: { events: string; receipts: string } } = {},
): Promise<{ events: number; receipts: number }> {
  const { nats, db, config } = deps;
  const names = projectorNames(config);
  const signal = opts.signal;
  const next = inSchema(trx, schema);
  const from = {
    events: (await readCheckpointRow(next, "events"))?.stream_seq ?? 0,
    receipts: (await readCheckpointRow(next, "receipts"))?.stream_seq ?? 0,
  };
  // Never wait for sequences the stream does not have (a checkpoint from a reset stream).
  const to = {
    events: Math.min(live.events, (await nats.jsm.streams.info(names.eventsStream)).state.last_seq),
    receipts: Math.min(live.receipts, (await nats.jsm.streams.info(names.receiptsStream)).state.last_seq),
  };
  const inTx = (fn: (t: Kysely<Database>) => Promise<unknown>) =>
    oneTx ? fn(trx) : db.transaction().execute(fn);
  const applied = { events: 0, receipts: 0 };
  if (to.events > from.events) {
    applied.events = await readStreamRange(
      nats.js,
      names.eventsStream,
      from.events + 1,
      to.events,
      (b) =>
        inTx((t) =>
          applyEventsBatch(t, b, {
            schema,
            stream: names.eventsStream,
            scheme: names.scheme,
            produceNotices: false,
          }),
        ).then(() => undefined),
      undefined,
      signal,
      opts.filters?.events,
      nats.jsm,
    );
  }
  if (to.receipts > from.receipts) {
    applied.receipts = await readStreamRange(
      nats.js,
      names.receiptsStream,
      from.receipts + 1,
      to.receipts,
      (b) =>
        inTx((t) => applyReceiptsBatch(t, b, { schema, stream: names.receiptsStream })).then(() => undefined),
      undefined,
      signal,
      opts.filters?.receipts,
      nats.jsm,
    );
  }
  return applied;
}

/** What a fold pass reads into and writes with. */
export interface ReadingContext {
  readonly deps: ReplayDeps;
  readonly writer: RowWriter;
  /** The last sequences to read (inclusive). */
  readonly ranges: { readonly eventsTo: number; readonly receiptsTo: number };
  readonly signal?: AbortSignal;
  /** Events folded so far (every ~50,000). */
  readonly onEvents?: (done: number) => void;
  /** Called after each pass's rows were written (see `ReplayOptions.onProject`). */
  readonly onPass?: (pass: FoldPass, done: { events: number; receipts: number; rows: number }) => void;
}

/** What fold passes read and wrote: messages, the last message of each stream, rows written. */
export interface FoldTotals {
  events: number;
  receipts: number;
  lastEvent: StreamMessage | null;
  lastReceipt: StreamMessage | null;
  rows: number;
}

/**
 * One fold pass: a project (its events and receipts by subject filter), the messages outside the
 * project scheme (`unscoped`), or the whole stream (`project: null`).
 */
export type FoldPass =
  | {
      readonly project: string | null;
      /** The project's messages per stream, when known (saves the server a count: a scan). */
      readonly counts?: { readonly events?: number; readonly receipts?: number };
    }
  | { readonly unscoped: true };

/**
 * Folds the streams project by project ({@link listStreamProjects}), the unscoped messages first;
 * throws `ProjectScopeError` when the streams do not follow the project subject scheme.
 */
async function foldByProject(ctx: ReadingContext): Promise<FoldTotals> {
  const { nats, config } = ctx.deps;
  const names = projectorNames(config);
  const layout = await listStreamProjects(
    nats.nc,
    { events: names.eventsStream, receipts: names.receiptsStream },
    names.scheme,
  );
  const passes: FoldPass[] = [];
  if (layout.unscoped.events + layout.unscoped.receipts > 0) passes.push({ unscoped: true });
  for (const project of layout.projects)
    passes.push({
      project,
      counts: { events: layout.events.get(project) ?? 0, receipts: layout.receipts.get(project) ?? 0 },
    });
  ctx.deps.logger.info(
    { projects: layout.projects.length, unscoped: layout.unscoped },
    "replay: folding project by project",
  );
  return foldPasses(ctx, passes);
}

/** Runs `passes` in order, each into a fresh fold written (and dropped) before the next. */
async function foldPasses(ctx: ReadingContext, passes: readonly FoldPass[]): Promise<FoldTotals> {
  const totals: FoldTotals = { events: 0, receipts: 0, lastEvent: null, lastReceipt: null, rows: 0 };
  await readPasses(ctx, passes, async (pass, fold) => {
    if ("unscoped" in pass && fold.deadLetters.length !== fold.eventCount + fold.receiptCount) {
      throw new ProjectScopeError(
        "a decodable message is on a subject without a project token ({root}.events.{token})",
      );
    }
    const rows = await writeFold(ctx.writer, fold);
    totals.rows += rows;
    totals.events += fold.eventCount;
    totals.receipts += fold.receiptCount;
    if (fold.lastEvent && fold.lastEvent.seq > (totals.lastEvent?.seq ?? 0))
      totals.lastEvent = fold.lastEvent;
    if (fold.lastReceipt && fold.lastReceipt.seq > (totals.lastReceipt?.seq ?? 0))
      totals.lastReceipt = fold.lastReceipt;
    ctx.onPass?.(pass, { events: fold.eventCount, receipts: fold.receiptCount, rows });
  });
  return totals;
}

/**
 * Reads one pass's events (decoded on a worker thread) and receipts into a new {@link ReadModelsFold},
 * streaming its `order_status_events` rows to the writer meanwhile, and returns the fold (its other
 * rows not written). In a project pass every event and receipt must belong to the project
 * (`ProjectScopeError` otherwise).
 */
export async function foldPass(ctx: ReadingContext, pass: FoldPass): Promise<ReadModelsFold> {
  const out: { fold: ReadModelsFold | null } = { fold: null };
  await readPasses(ctx, [pass], (_, fold) => {
    out.fold = fold;
  });
  if (!out.fold) throw new Error("foldPass: the pass ended without a fold");
  return out.fold;
}

/**
 * Reads `passes` in order: the events of all of them on one decode worker (`readDecodedRanges`, a
 * range per pass with its subject filter), each pass's receipts on this thread after its events;
 * hands each pass's fold to `onFolded` (awaited before the next pass is folded; the worker reads
 * ahead within its window).
 */
async function readPasses(
  ctx: ReadingContext,
  passes: readonly FoldPass[],
  onFolded: (pass: FoldPass, fold: ReadModelsFold) => Promise<void> | void,
): Promise<void> {
  const { config } = ctx.deps;
  const names = projectorNames(config);
  const filtersOf = (pass: FoldPass) => {
    if ("unscoped" in pass)
      return {
        events: unscopedFilter(names.scheme, "events"),
        receipts: unscopedFilter(names.scheme, "receipts"),
      };
    if (pass.project === null) return null;
    return {
      events: projectEventsFilter(names.scheme, pass.project),
      receipts: projectReceiptsFilter(names.scheme, pass.project),
    };
  };
  let before = 0;
  let current: {
    index: number;
    fold: ReadModelsFold;
    pending: RowOf<"order_status_events">[];
    next: number;
  } | null = null;
  const start = (index: number) => {
    const fold = new ReadModelsFold(names.eventsStream, names.receiptsStream);
    const state = { index, fold, pending: [] as RowOf<"order_status_events">[], next: PROGRESS_EVERY };
    // order_status_events rows go out while the stream is read (Postgres works while Node decodes);
    // the few rows a later sync or the interval rules change are corrected after the read. Rows are
    // not copied: a row changed before its chunk is serialised is written changed, and the
    // correction after the read writes the same final values anyway.
    fold.onStoredEvent = (e) => {
      state.pending.push(e);
    };
    current = state;
    return state;
  };
  const stateOf = (index: number) => (current !== null && current.index === index ? current : start(index));
  await readDecodedRanges(
    {
      natsUrl: config.NATS_URL,
      stream: names.eventsStream,
      ranges: passes.map((pass) => {
        const filters = filtersOf(pass);
        const counts = "counts" in pass ? pass.counts : undefined;
        return {
          fromSeq: 1,
          toSeq: ctx.ranges.eventsTo,
          ...(filters ? { filter: filters.events } : {}),
          ...(counts?.events !== undefined ? { matching: counts.events } : {}),
        };
      }),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
    async (batch, index) => {
      const state = stateOf(index);
      const pass = passes[index]!;
      const project = "project" in pass ? pass.project : null;
      for (const d of batch) {
        if (project !== null && d.result.ok) {
          const foreign = foreignProjectOf(d.result.event, project);
          if (foreign !== null)
            throw new ProjectScopeError(
              `message ${d.msg.seq} of ${names.eventsStream} is on a subject of project ${project} but belongs to ${foreign}`,
            );
        }
        state.fold.applyDecoded(d.msg, d.result);
      }
      if (state.pending.length >= config.REPLAY_BATCH_ROWS) {
        const rows = state.pending;
        state.pending = [];
        await ctx.writer.submit("order_status_events", rows);
      }
      if (state.fold.eventCount >= state.next) {
        ctx.onEvents?.(before + state.fold.eventCount);
        state.next += PROGRESS_EVERY;
      }
    },
    async (index) => {
      const state = stateOf(index);
      current = null;
      const pass = passes[index]!;
      const project = "project" in pass ? pass.project : null;
      const { fold } = state;
      await ctx.writer.submit("order_status_events", state.pending);
      state.pending = [];
      fold.onStoredEvent = null;
      await readStreamRange(
        ctx.deps.nats.js,
        names.receiptsStream,
        1,
        ctx.ranges.receiptsTo,
        (batch) => {
          for (const m of batch) {
            if (project !== null) {
              const r = decodeReceipts(m.data);
              const foreign = r.ok ? r.receipts.find((x) => x.project_id !== project) : undefined;
              if (foreign)
                throw new ProjectScopeError(
                  `message ${m.seq} of ${names.receiptsStream} is on a subject of project ${project} but holds a receipt of ${foreign.project_id}`,
                );
            }
            fold.applyReceipt(m);
          }
        },
        undefined,
        ctx.signal,
        filtersOf(pass)?.receipts,
        ctx.deps.nats.jsm,
        "counts" in pass ? pass.counts?.receipts : undefined,
      );
      before += fold.eventCount;
      ctx.onEvents?.(before);
      await onFolded(pass, fold);
    },
  );
}

function rate(r: { events: number; receipts: number }, s: number) {
  return { seconds: s, eventsPerSecond: s > 0 ? r.events / s : 0 };
}

/** `maintenance_work_mem` of a replay's index builds, in MiB: sorts of a million rows stay in memory. */
const INDEX_BUILD_MEMORY_MB = 256;

/**
 * Builds the secondary indexes of a replay's bulk-loaded schema, `parallel` at a time (the replay's
 * writer connections), in `READ_MODEL_INDEXES` order.
 */
async function buildIndexes(db: Kysely<Database>, schema: string, parallel: number): Promise<void> {
  const queue = [...READ_MODEL_INDEXES];
  const next = async (): Promise<void> => {
    for (let index = queue.shift(); index; index = queue.shift()) {
      await createReadModelIndex(db as unknown as Kysely<unknown>, schema, index, INDEX_BUILD_MEMORY_MB);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, next));
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
 * Bulk writer of a replay: `COPY`s of `REPLAY_BATCH_ROWS` rows on up to `REPLAY_WRITERS` connections
 * of its own pool (opened from `config.DATABASE_URL`, the database of the replay's `db`) at a time.
 * `submit` waits only for a free slot; `drain` waits for all and rethrows the first failure; `close`
 * ends the pool.
 */
export class RowWriter {
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown = null;
  private readonly pool: pg.Pool;
  written = 0;
  private reported = 0;

  constructor(
    readonly target: Kysely<ReadModels>,
    readonly schema: string,
    readonly config: ProjectorConfig,
    logger: Logger,
    private readonly onRows: (rows: number) => void,
  ) {
    // A lost connection (idle or mid-COPY) is logged and dropped by the guarded pool, never thrown
    // as an 'error' event; a COPY in flight rejects with it.
    this.pool = guardPool(
      new pg.Pool({ connectionString: config.DATABASE_URL, max: config.REPLAY_WRITERS }),
      logger,
      "replay-copy",
    );
  }

  async submit<T extends WrittenTable>(table: T, rows: RowOf<T>[]): Promise<void> {
    if (rows.length === 0) return;
    while (this.inflight.size >= this.config.REPLAY_WRITERS) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
    const p: Promise<void> = copyRows(this.pool, this.schema, table, rows, this.config.REPLAY_BATCH_ROWS)
      .then(() => {
        this.written += rows.length;
        if (this.written - this.reported >= PROGRESS_EVERY) {
          this.reported = this.written;
          this.onRows(this.written);
        }
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
  }

  /**
   * Waits for the writes in flight (their failures are dropped: the caller is already failing or
   * done) and ends the pool. Idempotent.
   */
  async close(): Promise<void> {
    await Promise.allSettled(this.inflight);
    if (!this.pool.ended) await this.pool.end();
  }
}

/**
 * Writes the rest of a fold (everything but the `order_status_events` rows already streamed): the
 * order-derived rows, the other read models, the corrections of streamed event rows (groups
 * changed by a later sync, absorbed events) and dead letters — not the checkpoints (the caller
 * knows the positions: a replay's last messages, a recompute's live ones). Returns the rows written
 * by this call (the streamed event rows counted when they complete).
 */
export async function writeFold(writer: RowWriter, fold: ReadModelsFold): Promise<number> {
  const { schema, target } = writer;
  const writtenBefore = writer.written;
  const chunk = writer.config.REPLAY_BATCH_ROWS;
  fold.finalizeGroups();
  // The keyed projections' final states (projects, dictionaries, CRM users, deals, settings, items,
  // overrides), then the rest.
  for (const tables of fold.projectionRows()) {
    for (const [table, rows] of Object.entries(tables) as [WrittenTable, RowOf<WrittenTable>[]][])
      await writer.submit(table, rows);
  }
  await writer.submit("webhook_stats", [...fold.stats.values()]);
  await writer.submit("webhook_deliveries", [...fold.deliveries.values()]);
  await writer.submit("deal_event_keys", fold.dealEventKeys);
  const conversations = fold.conversations.tables();
  await writer.submit("messages", conversations.messages);
  await writer.submit("deal_contacts", conversations.deal_contacts);
  await writer.submit("deal_phones", conversations.deal_phones);
  await writer.submit("analysis_results", conversations.analysis_results);
  await writer.submit("shift_deals", fold.shiftDeals());

  const fixes: StoredOrderEvent[] = [];
  let cycles: RowOf<"order_cycle_metrics">[] = [];
  let intervals: RowOf<"order_status_intervals">[] = [];
  let groups: RowOf<"order_group_sla">[] = [];
  let current: RowOf<"orders_current">[] = [];
  const stats = new DurationStatsAccumulator();
  for (const { events, rows } of fold.orderRows()) {
    for (const e of events) if (!e.is_effective || fold.backfilled.has(e)) fixes.push(e);
    const projectId = rows.current.project_id;
    stats.add(projectId, fold.projectTimeZone(projectId), {
      intervals: rows.intervals,
      groups: rows.groups,
      cycles: rows.cycles,
      isUrgent: rows.current.is_urgent,
    });
    for (const iv of rows.intervals) intervals.push(iv);
    for (const g of rows.groups) groups.push(g);
    current.push(rows.current);
    for (const c of rows.cycles) cycles.push(c);
    if (cycles.length >= chunk) {
      await writer.submit("order_cycle_metrics", cycles);
      cycles = [];
    }
    if (intervals.length >= chunk) {
      await writer.submit("order_status_intervals", intervals);
      intervals = [];
    }
    if (groups.length >= chunk) {
      await writer.submit("order_group_sla", groups);
      groups = [];
    }
    if (current.length >= chunk) {
      await writer.submit("orders_current", current);
      current = [];
    }
  }
  await writer.submit("order_status_intervals", intervals);
  await writer.submit("order_group_sla", groups);
  await writer.submit("orders_current", current);
  await writer.submit("order_cycle_metrics", cycles);
  let statRows: RowOf<"order_duration_stats">[] = [];
  for (const row of stats.rows()) {
    statRows.push(row);
    if (statRows.length >= chunk) {
      await writer.submit("order_duration_stats", statRows);
      await writer.submit("order_group_kpi", [...stats.kpiRows()]);
      statRows = [];
    }
  }
  await writer.submit("order_duration_stats", statRows);
  await writer.submit("order_group_kpi", [...stats.kpiRows()]);
  await writer.drain();
  for (let i = 0; i < fixes.length; i += chunk) {
    const part = fixes.slice(i, i + chunk);
    await sql`
      UPDATE ${sql.id(schema, "order_status_events")} AS e
      SET status_group_id = f.g, is_effective = f.eff
      FROM unnest(${part.map((e) => e.project_id)}::text[], ${part.map((e) => e.dedup_key)}::text[],
                  ${part.map((e) => e.status_group_id)}::int8[], ${part.map((e) => e.is_effective)}::bool[]) AS f(p, k, g, eff)
      WHERE e.project_id = f.p AND e.dedup_key = f.k`.execute(target);
  }
  await writeDeadLetters(target, schema, fold.deadLetters);
  return writer.written - writtenBefore + fold.deadLetters.length;
}
