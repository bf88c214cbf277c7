import type { JsMsg } from "@nats-io/jetstream";
import { dictionaryRefreshSubject } from "@pulse/events";
import { type Database, ensureStreams, type Logger, migrate, type Nats } from "@pulse/infra";
import type { Kysely } from "kysely";
import { readCheckpoint, takeProjectorLock, writeCheckpoint } from "./checkpoints.repository.js";
import { DurableBatchReader, type DurableSpec } from "./live/durable-batch.reader.js";
import { applyEventsBatch, type EventsBatchOutcome } from "./live/events-batch.apply.js";
import { createOutboxRelay, type OutboxRelay } from "./live/outbox.relay.js";
import { applyReceiptsBatch, type ReceiptsBatchOutcome } from "./live/receipts-batch.apply.js";
import { createSlaTicker, type SlaTicker } from "./live/sla.ticker.js";
import { assertNoGap, StreamGapError } from "./live/stream-gap.js";
import type { ProjectorMetrics } from "./metrics.js";
import { deadLetterRow, writeDeadLetters } from "./projections/dead-letters.projection.js";
import { type ProjectorConfig, projectorNames } from "./projector.config.js";
import {
  createRecomputeScheduler,
  type RecomputeHooks,
  type RecomputeScheduler,
} from "./recompute/recompute.scheduler.js";
import { replayReadModels } from "./replay/replay.js";
import { inSchema } from "./replay/table-writer.js";
import { fromJsMsg } from "./stream-message.js";

/** Which consumed stream a batch came from. */
export type ConsumedStream = "events" | "receipts";

/** A batch as the hooks see it: stream, first/last sequence and size (skipped messages included). */
export interface BatchInfo {
  readonly stream: ConsumedStream;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly size: number;
}

/**
 * Test seams. `beforeCommit` runs inside the batch transaction after the rows were written:
 * throwing rolls the batch back (as an infrastructure fault would) and the batch is retried.
 * `afterCommit` runs after commit and before the acks: throwing simulates a crash there — the
 * batch is not acked, the consumer is re-opened from the checkpoint and the redelivery is skipped.
 */
export interface ProjectorHooks {
  beforeCommit?(batch: BatchInfo): void | Promise<void>;
  afterCommit?(batch: BatchInfo): void | Promise<void>;
  /** Seams of the recompute scheduler (see `RecomputeHooks` in `recompute.scheduler.ts`). */
  recompute?: RecomputeHooks;
}

/**
 * What the projector needs: a NATS connection (JetStream + core), the database (schemas `rm` and
 * `ops`, addressed by name in every statement so a replay's schema swap is picked up), the
 * configuration, a logger, optional test hooks, and the clock of the SLA ticker (epoch ms;
 * default `Date.now`, injected in tests — the read models themselves never read a clock).
 */
export interface ProjectorDeps {
  readonly nats: Nats;
  readonly db: Kysely<Database>;
  readonly config: ProjectorConfig;
  readonly logger: Logger;
  readonly hooks?: ProjectorHooks;
  readonly clock?: () => number;
  /** Prometheus metrics to count batches in (`metrics.ts`; `main.ts` serves them). */
  readonly metrics?: ProjectorMetrics;
}

/** A running projector (see {@link createProjector}). */
export interface Projector {
  /**
   * Migrates (rebuilding the read models by a replay when their DDL version changed), ensures the
   * streams, flushes leftover outbox rows and starts both consumers. Resolves once they run.
   * @throws when the database or NATS cannot be reached at start.
   */
  start(): Promise<void>;
  /** Stops pulling, lets the running transaction finish, stops the relay. Idempotent. */
  stop(): Promise<void>;
  /**
   * Resolves when no settings recompute is running or queued (a recompute rebuilds the read models
   * over all history after a settings change; see `recompute.scheduler.ts`).
   */
  recomputesIdle(): Promise<void>;
  /** Runs one tick of the running-SLA ticker now; returns the notices written (see `sla.ticker.ts`). */
  tickSla(): Promise<number>;
}

/**
 * Creates the projector: two durable pull consumers (events → every read model; receipts →
 * `webhook_stats`) that apply batches in one Postgres transaction each — projector advisory lock,
 * skip at-or-before the checkpoint, rows, checkpoint, outbox notices — then ack (poison: term).
 * Infrastructure faults are retried with backoff (logged at `error` on every attempt); the
 * Postgres checkpoint is the authority on where each consumer starts.
 */
export function createProjector(deps: ProjectorDeps): Projector {
  const { nats, db, config, logger } = deps;
  const names = projectorNames(config);
  let relay: OutboxRelay | null = null;
  let recompute: RecomputeScheduler | null = null;
  let ticker: SlaTicker | null = null;
  let loops: StreamLoop[] = [];
  let started = false;

  const refresh = (requests: Map<string, Set<number>>): void => {
    for (const [projectId, ids] of requests) {
      try {
        nats.nc.publish(
          dictionaryRefreshSubject(names.scheme, projectId),
          JSON.stringify({
            project_id: projectId,
            reason: "unknown_status",
            status_ids: [...ids].sort((a, b) => a - b),
          }),
        );
      } catch (error) {
        logger.warn({ err: error, projectId }, "dictionary refresh request not sent");
      }
    }
  };

  return {
    async start() {
      if (started) return;
      started = true;
      const { needsRebuild } = await migrate(db);
      if (needsRebuild) {
        logger.warn("read-model DDL changed: rebuilding every read model from the stream");
        await replayReadModels({ nats, db, config, logger }, { swap: true });
      }
      await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
      relay = createOutboxRelay({ db, js: nats.js, logger });
      await relay.flush();
      const spec = (stream: string, durable: string, filter: string): DurableSpec => ({
        stream,
        durable,
        filter,
        maxAckPending: config.PROJECTOR_MAX_ACK_PENDING,
        ackWaitMs: config.PROJECTOR_ACK_WAIT_MS,
        bufferMessages: Math.max(config.PROJECTOR_BATCH_SIZE * 2, 100),
      });
      const r = relay;
      const rc = createRecomputeScheduler({
        nats,
        db,
        config,
        logger: logger.child({ part: "recompute" }),
        ...(deps.hooks?.recompute ? { hooks: deps.hooks.recompute } : {}),
      });
      recompute = rc;
      ticker = createSlaTicker({
        db,
        scheme: names.scheme,
        logger: logger.child({ part: "sla-ticker" }),
        tickSeconds: config.SLA_TICK_SECONDS,
        clock: deps.clock ?? Date.now,
        onNotices: () => r.kick(),
      });
      loops = [
        new StreamLoop(deps, "events", spec(names.eventsStream, names.eventsDurable, names.eventsFilter), {
          apply: (trx, msgs) =>
            applyEventsBatch(trx, msgs.map(fromJsMsg), {
              schema: "rm",
              stream: names.eventsStream,
              scheme: names.scheme,
              produceNotices: true,
              assertContiguous: (after, seqs) => assertNoGap(nats.jsm, names.eventsStream, after, seqs),
            }),
          after: (o: EventsBatchOutcome) => {
            if (o.refreshRequests.size > 0) refresh(o.refreshRequests);
            if (o.notices > 0) r.kick();
            if (o.recomputes > 0) rc.kick();
          },
        }),
        new StreamLoop(
          deps,
          "receipts",
          spec(names.receiptsStream, names.receiptsDurable, names.receiptsFilter),
          {
            apply: (trx, msgs) =>
              applyReceiptsBatch(trx, msgs.map(fromJsMsg), {
                schema: "rm",
                stream: names.receiptsStream,
                assertContiguous: (after, seqs) => assertNoGap(nats.jsm, names.receiptsStream, after, seqs),
              }),
            after: () => undefined,
          },
        ),
      ];
      await Promise.all(loops.map((l) => l.start()));
      // Requests left `running` or `retrying` by an earlier process (a crash or stop during a
      // recompute, an outage it was waiting out) are rebuilt now.
      rc.kick({ resume: true });
      ticker.start();
      logger.info({ stream: names.eventsStream, durable: names.eventsDurable }, "projector started");
    },
    async stop() {
      await ticker?.stop();
      ticker = null;
      await recompute?.stop();
      recompute = null;
      await Promise.all(loops.map((l) => l.stop()));
      loops = [];
      await relay?.stop();
      relay = null;
      started = false;
    },
    async recomputesIdle() {
      await recompute?.idle();
    },
    async tickSla() {
      return ticker ? ticker.tick() : 0;
    },
  };
}

interface Applier<O extends { poison: Set<number> }> {
  apply(trx: Kysely<Database>, msgs: JsMsg[]): Promise<O>;
  after(outcome: O): void;
}

class Stopped extends Error {}

/** True for Postgres data exceptions and integrity violations (SQLSTATE classes 22 and 23). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^2[23]/.test(code);
}

/** One consumed stream: open the durable at the checkpoint, then batch → transaction → ack, forever. */
class StreamLoop<
  O extends EventsBatchOutcome | ReceiptsBatchOutcome = EventsBatchOutcome | ReceiptsBatchOutcome,
> {
  private stopping = false;
  private failures = 0;
  private reader: DurableBatchReader | null = null;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private readonly logger: Logger;

  constructor(
    private readonly deps: ProjectorDeps,
    private readonly name: ConsumedStream,
    private readonly spec: DurableSpec,
    private readonly applier: Applier<O>,
  ) {
    this.logger = deps.logger.child({ consumer: name });
  }

  /** Opens the consumer (first attempt inline so start errors surface) and runs the loop. */
  async start(): Promise<void> {
    await this.open();
    this.loop = this.run();
  }

  private async open(): Promise<void> {
    const checkpoint = await readCheckpoint(inSchema(this.deps.db, "rm"), this.name);
    this.reader = await DurableBatchReader.open(
      this.deps.nats.js,
      this.deps.nats.jsm,
      this.spec,
      checkpoint,
      this.logger,
    );
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!this.reader) await this.open();
        await this.consume(this.reader!);
        if (this.stopping) break;
        // The message iterator ended without stop(): re-open after a pause.
        this.failures++;
        this.logger.warn(
          { failures: this.failures },
          "consumer ended unexpectedly; re-opening from the checkpoint",
        );
        await this.sleep(this.backoff(this.failures));
      } catch (error) {
        if (this.stopping || error instanceof Stopped) break;
        this.failures++;
        const level = error instanceof StreamGapError ? "warn" : "error";
        this.logger[level](
          { err: error, failures: this.failures },
          "consumer interrupted; re-opening from the checkpoint",
        );
        await this.sleep(error instanceof StreamGapError ? 0 : this.backoff(this.failures));
      } finally {
        await this.reader?.close();
        this.reader = null;
      }
    }
  }

  private async consume(reader: DurableBatchReader): Promise<void> {
    for (;;) {
      const batch = await reader.nextBatch(this.deps.config.PROJECTOR_BATCH_SIZE);
      if (!batch || this.stopping) return;
      const info: BatchInfo = {
        stream: this.name,
        firstSeq: batch[0]!.seq,
        lastSeq: batch[batch.length - 1]!.seq,
        size: batch.length,
      };
      const endTimer = this.deps.metrics?.batchDuration.startTimer({ consumer: this.name });
      const poison = await this.applyBatch(batch, info);
      endTimer?.();
      this.deps.metrics?.messagesApplied.inc({ consumer: this.name }, batch.length);
      if (poison.size > 0) this.deps.metrics?.deadLettered.inc({ consumer: this.name }, poison.size);
      await this.deps.hooks?.afterCommit?.(info);
      this.failures = 0;
      for (const m of batch) {
        if (poison.has(m.seq)) m.term("poison: recorded in rm.dead_letters");
        else m.ack();
      }
      if (poison.size > 0) this.logger.warn({ seqs: [...poison] }, "poison messages dead-lettered");
    }
  }

  /**
   * Applies `batch` in one transaction, retrying infrastructure faults with backoff until it commits
   * (or the loop stops); runs the applier's after-commit step. Returns the dead-lettered sequences.
   * A batch that keeps failing with a Postgres data error (SQLSTATE class 22/23: a value the tables
   * cannot hold) is split until the offending message is alone, which is then dead-lettered, so one
   * bad fact never blocks the consumer (STYLE.md rule 5).
   */
  private async applyBatch(batch: JsMsg[], info: BatchInfo): Promise<Set<number>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.deps.db.transaction().execute(async (trx) => {
          await takeProjectorLock(trx);
          const o = await this.applier.apply(trx, batch);
          await this.deps.hooks?.beforeCommit?.(info);
          return o;
        });
        this.applier.after(outcome);
        return outcome.poison;
      } catch (error) {
        if (error instanceof StreamGapError) throw error;
        if (this.stopping) throw new Stopped();
        this.deps.metrics?.batchFailures.inc({ consumer: this.name });
        if (isDataError(error) && attempt >= 3) return this.isolate(batch, info, error);
        const delay = this.backoff(attempt);
        this.logger.error(
          { err: error, attempt, retryInMs: delay, firstSeq: info.firstSeq, lastSeq: info.lastSeq },
          "batch failed; rolled back, retrying",
        );
        for (const m of batch) m.working();
        await this.sleep(delay);
        if (this.stopping) throw new Stopped();
      }
    }
  }

  private async isolate(batch: JsMsg[], info: BatchInfo, error: unknown): Promise<Set<number>> {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (!only) {
      const mid = Math.ceil(batch.length / 2);
      const parts = [batch.slice(0, mid), batch.slice(mid)];
      const poison = new Set<number>();
      for (const part of parts) {
        const partInfo = {
          ...info,
          firstSeq: part[0]!.seq,
          lastSeq: part[part.length - 1]!.seq,
          size: part.length,
        };
        for (const seq of await this.applyBatch(part, partInfo)) poison.add(seq);
      }
      return poison;
    }
    const code = (error as { code?: string }).code ?? "?";
    const reason = `apply failed: ${code}: ${(error as Error).message}`;
    this.logger.error({ err: error, seq: only.seq }, "message cannot be applied; dead-lettering it");
    const msg = fromJsMsg(only);
    await this.deps.db.transaction().execute(async (trx) => {
      await takeProjectorLock(trx);
      const db = inSchema(trx, "rm");
      if (msg.seq <= (await readCheckpoint(db, this.name))) return;
      await writeDeadLetters(db, "rm", [deadLetterRow(this.spec.stream, msg, reason)]);
      await writeCheckpoint(db, "rm", this.name, msg.seq, msg.timestamp);
    });
    return new Set([only.seq]);
  }

  private backoff(attempt: number): number {
    return Math.min(this.deps.config.PROJECTOR_RETRY_MAX_MS, 250 * 2 ** Math.min(attempt - 1, 10));
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done);
    });
  }

  /** Stops after the running batch; its messages are acked if it committed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.reader?.close();
    await this.loop;
  }
}
