/**
 * Prometheus metrics of the projector (README "Metrics and alerts"), served by its ops listener
 * (`/metrics`, see `main.ts`). Two kinds:
 * - counted as batches commit (hooks in `projector.ts`): batch latency, messages applied, failed
 *   attempts, dead-lettered messages — per consumer (`events` | `receipts`);
 * - read on scrape from NATS and PostgreSQL, cached for {@link SCRAPE_CACHE_MS} so frequent scrapes
 *   cost one reading: the lag of each consumer (stream last sequence − `rm.checkpoints`), the dead
 *   letters held, the recomputations (`ops.replays`) by status with the progress of the running ones,
 *   and the final webhook statistics (`rm.webhook_stats`: the per-request outcomes the projector
 *   decided, and the last delivery time per project and source).
 * A reading that fails (NATS or PostgreSQL down) leaves its gauges empty for that scrape rather than
 * stale; `pulse_projector_scrape_errors_total` counts such failures.
 * Labels: consumer, project id, source, outcome, status — never an order id.
 */
import { cachedReading, createMetricsRegistry, type Database, type Nats } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { type ProjectorConfig, projectorNames } from "./projector.config.js";

/** How long a scrape-time reading is reused, ms. */
export const SCRAPE_CACHE_MS = 5000;

/** The outcome columns of `rm.webhook_stats` (SPEC "Decided rules" → webhook statistics). */
const OUTCOMES = ["accepted", "duplicate", "ignored", "rejected", "unauthorized", "failed"] as const;

/** The projector's metrics (see the module comment). */
export interface ProjectorMetrics {
  readonly registry: Registry;
  /** `pulse_projector_batch_duration_seconds{consumer}`: one committed batch (transaction incl. retries), seconds. */
  readonly batchDuration: Histogram<"consumer">;
  /** `pulse_projector_messages_applied_total{consumer}`: messages of committed batches (dead-lettered included). */
  readonly messagesApplied: Counter<"consumer">;
  /** `pulse_projector_batch_failures_total{consumer}`: failed (rolled back) batch attempts. */
  readonly batchFailures: Counter<"consumer">;
  /** `pulse_projector_dead_lettered_total{consumer}`: messages this process dead-lettered. */
  readonly deadLettered: Counter<"consumer">;
}

/** What the scrape-time readings need: NATS (stream info), the database and the stream names. */
export interface ProjectorMetricsDeps {
  readonly nats: Pick<Nats, "jsm">;
  readonly db: Kysely<Database>;
  readonly config: Pick<ProjectorConfig, "EVENTS_STREAM" | "SUBJECT_ROOT" | "PROJECTOR_DURABLE">;
  /** Epoch ms, for the scrape cache (default `Date.now`). */
  readonly clock?: () => number;
}

interface Reading {
  lag: { consumer: string; lastSeq: number; checkpoint: number }[];
  deadLetters: { stream: string; n: number }[];
  replays: { status: string; n: number; done: number; total: number }[];
  stats: {
    project_id: string;
    source: string;
    counts: Record<(typeof OUTCOMES)[number], number>;
    events_stored: number;
    last_received_at: Date | null;
  }[];
}

/**
 * Creates the projector's registry: process metrics, the batch counters, and the gauges read on
 * scrape from `deps` (see the module comment).
 */
export function createProjectorMetrics(deps: ProjectorMetricsDeps): ProjectorMetrics {
  const registry = createMetricsRegistry("projector");
  const names = projectorNames(deps.config);
  const { db } = deps;
  const scrapeErrors = new Counter({
    name: "pulse_projector_scrape_errors_total",
    help: "Scrape-time readings of NATS or PostgreSQL that failed (their gauges were left empty)",
    registers: [registry],
  });

  const read = cachedReading<Reading>(
    async () => {
      const [events, receipts, checkpoints, dead, replays, stats] = await Promise.all([
        deps.nats.jsm.streams.info(names.eventsStream),
        deps.nats.jsm.streams.info(names.receiptsStream),
        db.selectFrom("rm.checkpoints").select(["name", "stream_seq"]).execute(),
        db
          .selectFrom("rm.dead_letters")
          .select(["stream", sql<string>`count(*)`.as("n")])
          .groupBy("stream")
          .execute(),
        db
          .selectFrom("ops.replays")
          .select([
            "status",
            sql<string>`count(*)`.as("n"),
            sql<string>`coalesce(sum(events_done), 0)`.as("done"),
            sql<string>`coalesce(sum(events_total), 0)`.as("total"),
          ])
          .groupBy("status")
          .execute(),
        db
          .selectFrom("rm.webhook_stats")
          .select([
            "project_id",
            "source",
            ...OUTCOMES.map((o) => sql<string>`sum(${sql.ref(o)})`.as(o)),
            sql<string>`sum(events_stored)`.as("events_stored"),
            sql<Date | null>`max(last_received_at)`.as("last_received_at"),
          ])
          .groupBy(["project_id", "source"])
          .execute(),
      ]);
      const checkpointOf = (name: string) =>
        Number(checkpoints.find((c) => c.name === name)?.stream_seq ?? 0);
      return {
        lag: [
          { consumer: "events", lastSeq: events.state.last_seq, checkpoint: checkpointOf("events") },
          { consumer: "receipts", lastSeq: receipts.state.last_seq, checkpoint: checkpointOf("receipts") },
        ],
        deadLetters: dead.map((d) => ({ stream: d.stream, n: Number(d.n) })),
        replays: replays.map((r) => ({
          status: r.status,
          n: Number(r.n),
          done: Number(r.done),
          total: Number(r.total),
        })),
        stats: stats.map((s) => {
          const row = s as unknown as Record<string, string>;
          return {
            project_id: s.project_id,
            source: s.source,
            counts: Object.fromEntries(OUTCOMES.map((o) => [o, Number(row[o] ?? 0)])) as Record<
              (typeof OUTCOMES)[number],
              number
            >,
            events_stored: Number(row["events_stored"] ?? 0),
            last_received_at: s.last_received_at === null ? null : new Date(s.last_received_at),
          };
        }),
      };
    },
    SCRAPE_CACHE_MS,
    deps.clock,
  );

  // The gauges below share one reading per scrape; only the first gauge's collect() starts it.
  const withReading = (gauge: Gauge<string>, fill: (r: Reading) => void) =>
    async function collect(): Promise<void> {
      gauge.reset();
      let r: Reading;
      try {
        r = await read();
      } catch {
        if (gauge === lag) scrapeErrors.inc();
        return;
      }
      fill(r);
    };

  const lag: Gauge<"consumer"> = new Gauge({
    name: "pulse_projector_lag",
    help: "Messages of a consumed stream not yet applied: stream last sequence − rm.checkpoints",
    labelNames: ["consumer"] as const,
    registers: [registry],
    collect() {
      return withReading(lag, (r) => {
        for (const l of r.lag) lag.set({ consumer: l.consumer }, l.lastSeq - l.checkpoint);
      })();
    },
  });
  const checkpoint: Gauge<"consumer"> = new Gauge({
    name: "pulse_projector_checkpoint",
    help: "Last stream sequence applied to the read models (rm.checkpoints)",
    labelNames: ["consumer"] as const,
    registers: [registry],
    collect() {
      return withReading(checkpoint, (r) => {
        for (const l of r.lag) checkpoint.set({ consumer: l.consumer }, l.checkpoint);
      })();
    },
  });
  const deadLetters: Gauge<"stream"> = new Gauge({
    name: "pulse_dead_letters",
    help: "Messages held in rm.dead_letters (undecodable or unappliable), by stream",
    labelNames: ["stream"] as const,
    registers: [registry],
    collect() {
      return withReading(deadLetters, (r) => {
        for (const s of [names.eventsStream, names.receiptsStream]) deadLetters.set({ stream: s }, 0);
        for (const d of r.deadLetters) deadLetters.set({ stream: d.stream }, d.n);
      })();
    },
  });
  const replays: Gauge<"status"> = new Gauge({
    name: "pulse_replays",
    help: "Recomputations of the read models (ops.replays) by status: running, done, failed",
    labelNames: ["status"] as const,
    registers: [registry],
    collect() {
      return withReading(replays, (r) => {
        replays.set({ status: "running" }, 0);
        for (const x of r.replays) replays.set({ status: x.status }, x.n);
      })();
    },
  });
  const replayProgress: Gauge<string> = new Gauge({
    name: "pulse_replay_progress_ratio",
    help: "Progress of the running recomputations: events done / events to fold (1 when none runs)",
    registers: [registry],
    collect() {
      return withReading(replayProgress, (r) => {
        const running = r.replays.find((x) => x.status === "running");
        replayProgress.set(running && running.total > 0 ? Math.min(1, running.done / running.total) : 1);
      })();
    },
  });
  const statsDeliveries: Gauge<"project" | "source" | "outcome"> = new Gauge({
    name: "pulse_webhook_stats_deliveries",
    help: "Webhook deliveries by the final outcome in the webhook statistics (rm.webhook_stats, all days)",
    labelNames: ["project", "source", "outcome"] as const,
    registers: [registry],
    collect() {
      return withReading(statsDeliveries, (r) => {
        for (const s of r.stats)
          for (const o of OUTCOMES)
            statsDeliveries.set({ project: s.project_id, source: s.source, outcome: o }, s.counts[o]);
      })();
    },
  });
  const eventsStored: Gauge<"project" | "source"> = new Gauge({
    name: "pulse_events_stored",
    help: "Events stored from webhook deliveries (rm.webhook_stats, all days)",
    labelNames: ["project", "source"] as const,
    registers: [registry],
    collect() {
      return withReading(eventsStored, (r) => {
        for (const s of r.stats)
          eventsStored.set({ project: s.project_id, source: s.source }, s.events_stored);
      })();
    },
  });
  const lastReceived: Gauge<"project" | "source"> = new Gauge({
    name: "pulse_webhook_last_received_timestamp_seconds",
    help: "When the last webhook delivery of a project and source was received (Unix seconds)",
    labelNames: ["project", "source"] as const,
    registers: [registry],
    collect() {
      return withReading(lastReceived, (r) => {
        for (const s of r.stats)
          if (s.last_received_at)
            lastReceived.set(
              { project: s.project_id, source: s.source },
              s.last_received_at.getTime() / 1000,
            );
      })();
    },
  });

  return {
    registry,
    batchDuration: new Histogram({
      name: "pulse_projector_batch_duration_seconds",
      help: "Time to apply and commit one batch (retries included), seconds",
      labelNames: ["consumer"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    messagesApplied: new Counter({
      name: "pulse_projector_messages_applied_total",
      help: "Messages of committed batches (dead-lettered ones included)",
      labelNames: ["consumer"] as const,
      registers: [registry],
    }),
    batchFailures: new Counter({
      name: "pulse_projector_batch_failures_total",
      help: "Batch attempts that failed and were rolled back (retried with backoff)",
      labelNames: ["consumer"] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: "pulse_projector_dead_lettered_total",
      help: "Messages this process dead-lettered (poison or unappliable)",
      labelNames: ["consumer"] as const,
      registers: [registry],
    }),
  };
}
