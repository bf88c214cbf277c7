/**
 * `pnpm bench replay` / `pnpm bench recompute` — rebuilding the read models from ≥ 1M events of
 * ten projects.
 *
 * Data (cached on purpose, reused across runs):
 *   - corpus: `.bench/corpus-s{SCALE}` (git-ignored), made by `../shared/tools/gen-fixtures/main.mjs
 *     --scale {SCALE}` (default 330: ≈ 0.73M KeyCRM + ≈ 0.32M amoCRM events); `counts.json` marks it complete;
 *   - stream `BENCH_TENANTS` (subject root `bench_t`; with its `_RECEIPTS` / `_UPDATES` siblings):
 *     every corpus delivery normalised by the real ingest normalizers (`normalizeKeycrmWebhook`,
 *     `parseAmocrmForm` + `normalizeAmocrmWebhook`) as one of ten tenants — the corpus's projects
 *     split by order / lead id (`shop-kyiv-0..3`, `shop-lviv-0..3`, `demoacademy-0..1`, ≈ 0.1M
 *     events each) — preceded by `project.registered` and `dictionary.statuses_synced` events of
 *     each tenant, published with async publishes (msgID = dedup key, many in flight). Reused when
 *     it holds ≥ 1M messages. Each `pnpm bench recompute` appends one `settings.sla_changed` event
 *     of {@link SLA_PROJECT} to it;
 *   - database `pulse_bench_tenants` (same server as `DATABASE_URL`): `bench replay` drops and
 *     recreates it; `bench recompute` reuses its read models (replaying first when they are empty).
 * To start over: `nats stream rm BENCH_TENANTS` (and `_RECEIPTS`, `_UPDATES`),
 * `DROP DATABASE pulse_bench_tenants`.
 *
 * Targets (issue 13): replay ≥ 15k events/s with peak RSS tracking the largest project (the
 * single-pass replay peaked at ≈ 1.8 GB on this corpus); the recompute of one project of ten ≤ 10 s
 * from the settings event to its new tables being live. The raw batched Postgres insert rate is
 * measured in the same run as a yardstick of the machine.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { PubAck } from "@nats-io/jetstream";
import { type DomainEvent, encodeEvent, eventSubject, SlaChanged, type SubjectRoot } from "@pulse/events";
import {
  connectNats,
  createDb,
  createLogger,
  type Database,
  dropDatabase,
  ensureDatabase,
  ensureStreams,
  type Logger,
  migrate,
  type Nats,
} from "@pulse/infra";
import {
  type DeliveryContext,
  dictionaryEvent,
  dictionaryFromJson,
  type NormalizedDelivery,
  normalizeAmocrmWebhook,
  normalizeKeycrmWebhook,
  ProjectRecord,
  parseAmocrmForm,
  projectRegisteredEvent,
  sha256Hex,
} from "@pulse/ingest";
import {
  countStreamMessages,
  createProjector,
  loadProjectorConfig,
  type ProjectorConfig,
  type ProjectRecomputeResult,
  replayReadModels,
} from "@pulse/projector";
import { type Kysely, sql } from "kysely";
import { rawPostgresInsertRate } from "./baselines.js";
import { printTable, repoRoot } from "./bench-support.js";

const STREAM = "BENCH_TENANTS";
const ROOT = "bench_t";
const DB_NAME = "pulse_bench_tenants";
const MIN_EVENTS = 1_000_000;
const SCALE = Number(process.env["BENCH_SCALE"] ?? 330);
const CORPUS = join(repoRoot, ".bench", `corpus-s${SCALE}`);
const PUBLISH_WINDOW = 2048;
const RAW_ROWS = 1_000_000;
const RAW_BATCH = 1000;
/** Timeout of the bench's NATS requests, in ms (a filtered consumer on the bench stream takes seconds on a busy machine). */
const NATS_TIMEOUT_MS = 120_000;
/** The corpus's projects and how many tenants each is split into (by order / lead id). */
const BASES = [
  {
    id: "shop-kyiv",
    kind: "keycrm",
    zone: "Europe/Kyiv",
    dictionary: "keycrm/shop-kyiv/statuses.json",
    split: 4,
  },
  {
    id: "shop-lviv",
    kind: "keycrm",
    zone: "Europe/Kyiv",
    dictionary: "keycrm/shop-lviv/statuses.json",
    split: 4,
  },
  { id: "demoacademy", kind: "amocrm", zone: "Asia/Almaty", dictionary: "amocrm/pipelines.json", split: 2 },
] as const;
/** The ten tenants: `{base}-{n}`. */
const PROJECTS = BASES.flatMap((b) =>
  Array.from({ length: b.split }, (_, n) => ({ ...b, id: `${b.id}-${n}`, base: b.id })),
);
/** The tenant of an order / lead of a corpus project. */
function tenantOf(base: (typeof BASES)[number], entityId: number): string {
  return `${base.id}-${Math.abs(entityId) % base.split}`;
}
const SLA_PROJECT = "shop-kyiv-0";
const AMO_BASE = BASES[2];

interface BenchEnv {
  nats: Nats;
  db: Kysely<Database>;
  config: ProjectorConfig;
  logger: Logger;
  close(): Promise<void>;
}

/** `pnpm bench replay`: `replayReadModels` into a fresh `pulse_bench_tenants` vs the raw batched insert rate. */
export async function benchReplay(): Promise<void> {
  const env = await openBench({ fresh: true });
  try {
    const stored = await ensureEventStream(env.nats);
    const raw = await baseline(env);
    const run = await timedReplay(env);
    const ratio = run.result.eventsPerSecond / raw.perSecond;
    const largest = await largestProject(env);
    printTable(
      `replay benchmark (replayReadModels, swap, stream ${STREAM}: ${stored} messages, ${PROJECTS.length} projects)`,
      [
        [
          "events replayed",
          `${run.result.events}`,
          `+ ${run.result.receipts} receipts; caught up at swap ${run.result.caughtUp.events}`,
        ],
        [
          "replay seconds",
          `${run.result.seconds.toFixed(2)} s`,
          "read + fold + bulk write + swap, project by project",
        ],
        ["replay rate", `${Math.round(run.result.eventsPerSecond)} events/s`, "target ≥ 15000 events/s"],
        [
          "peak RSS during replay",
          `${mb(run.peakRss)} MB`,
          `process maxRSS ${mb(process.resourceUsage().maxRSS * 1024)} MB; single-pass replay ≈ 1800 MB`,
        ],
        ["largest project", `${largest.events} events`, `${largest.project} (the memory bound)`],
        [
          "raw batched Postgres insert",
          `${Math.round(raw.perSecond)} rows/s`,
          `${raw.rows} rows, ${RAW_BATCH}/INSERT, in ${raw.seconds.toFixed(2)} s`,
        ],
        ["replay / raw insert", `${ratio.toFixed(2)}×`, "target ≥ 0.4×"],
      ],
    );
    printProjectMemory(run.projects);
  } finally {
    await env.close();
  }
}

/**
 * `pnpm bench recompute`: a live projector at the stream head, one `settings.sla_changed` of
 * {@link SLA_PROJECT} (one project of ten) published, timed until its `ops.replays` row is `done`
 * (the project's rebuilt tables are live), with where its time went (the projector lock held, the
 * rows rewritten) from the scheduler's `afterProjectRecompute` hook.
 */
export async function benchRecompute(): Promise<void> {
  const env = await openBench({ fresh: false });
  const names = {
    events: `${env.config.PROJECTOR_DURABLE}`,
    receipts: `${env.config.PROJECTOR_DURABLE}_receipts`,
  };
  try {
    const stored = await ensureEventStream(env.nats);
    const built = await sql<{ n: string }>`SELECT count(*) AS n FROM rm.order_status_events`.execute(env.db);
    if (Number(built.rows[0]?.n ?? 0) === 0) {
      console.log(`read models of ${DB_NAME} are empty: replaying first`);
      const first = await timedReplay(env);
      console.log(`replayed ${first.result.events} events in ${first.result.seconds.toFixed(1)} s`);
    }
    const raw = await baseline(env);

    let recomputed: ProjectRecomputeResult | null = null;
    const projector = createProjector({
      nats: env.nats,
      db: env.db,
      config: env.config,
      logger: env.logger,
      hooks: {
        recompute: {
          afterProjectRecompute: (r) => {
            recomputed = r;
          },
        },
      },
    });
    await projector.start();
    let stopped = false;
    try {
      await waitCaughtUp(env);
      const event = await slaChangedEvent(env.db);
      const started = performance.now();
      const ack = await env.nats.js.publish(eventSubject({ root: ROOT }, event), encodeEvent(event), {
        msgID: event.dedup_key,
      });
      const row = await waitReplayDone(env.db, event.id);
      const seconds = (performance.now() - started) / 1000;
      // Where the scheduled recompute's time went (its result, handed to the hook).
      const recompute = recomputed as ProjectRecomputeResult | null;
      if (!recompute) throw new Error("the recompute finished without a project recompute result");
      await projector.stop();
      stopped = true;
      const own = await countStreamMessages(env.nats.jsm, STREAM, `${ROOT}.events.${SLA_PROJECT}.>`);
      const perSecond = row.events_total / seconds;
      const rebuild = (row.finished_at.getTime() - row.started_at.getTime()) / 1000;
      printTable(
        `recompute benchmark (settings.sla_changed v${event.data.version} for ${SLA_PROJECT}, one project of ${PROJECTS.length}, stream ${STREAM}: ${stored + 1} messages)`,
        [
          [
            "events recomputed",
            `${row.events_total}`,
            `the project's events (${own} in the stream of ${stored + 1}); settings event at seq ${ack.seq}`,
          ],
          [
            "publish → new tables live",
            `${seconds.toFixed(2)} s`,
            `target ≤ 10 s; ops.replays started→finished ${rebuild.toFixed(2)} s`,
          ],
          ["recompute rate", `${Math.round(perSecond)} events/s`, ""],
          [
            "recomputeProject",
            `${recompute.seconds.toFixed(2)} s`,
            `read ${recompute.read.events} events + ${recompute.read.receipts} receipts; ${recompute.rows} rows, ${recompute.changedRows} deleted/inserted under the lock; ${recompute.diff.orders_changed} orders changed`,
          ],
          [
            "projector lock held",
            `${recompute.lockedSeconds.toFixed(2)} s`,
            `live batches of every project wait: catch-up ${recompute.lockedCatchUpSeconds.toFixed(2)} s, changed rows ${(recompute.lockedSeconds - recompute.lockedCatchUpSeconds).toFixed(2)} s`,
          ],
          [
            "raw batched Postgres insert",
            `${Math.round(raw.perSecond)} rows/s`,
            `${raw.rows} rows, ${RAW_BATCH}/INSERT, in ${raw.seconds.toFixed(2)} s`,
          ],
        ],
      );
    } finally {
      if (!stopped) await projector.stop();
      // The durable consumers are rebuilt from the Postgres checkpoints by the next run.
      for (const [stream, durable] of [
        [STREAM, names.events],
        [`${STREAM}_RECEIPTS`, names.receipts],
      ] as const) {
        await env.nats.jsm.consumers.delete(stream, durable).catch(() => undefined);
      }
      await env.nats.jsm.streams.purge(`${STREAM}_UPDATES`).catch(() => undefined);
    }
  } finally {
    await env.close();
  }
}

async function openBench(opts: { fresh: boolean }): Promise<BenchEnv> {
  const base = new URL(process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/pulse");
  base.pathname = `/${DB_NAME}`;
  const databaseUrl = base.toString();
  const vars = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    EVENTS_STREAM: STREAM,
    SUBJECT_ROOT: ROOT,
    LOG_LEVEL: process.env["BENCH_LOG_LEVEL"] ?? "warn",
    PROJECTOR_DURABLE: "bench_projector",
    // The running-SLA ticker must not fire during the bench; the config accepts positive integers only.
    SLA_TICK_SECONDS: "86400",
  };
  const config = loadProjectorConfig(vars);
  const logger = createLogger("bench", config.LOG_LEVEL);
  if (opts.fresh) await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, Math.max(8, config.REPLAY_WRITERS + 4));
  await migrate(db);
  // Filtered counts make the server scan the stream: JetStream requests get two minutes.
  const nats = await connectNats(config.NATS_URL, "bench-replay", NATS_TIMEOUT_MS);
  return {
    nats,
    db,
    config,
    logger,
    async close() {
      await nats.nc.drain().catch(() => undefined);
      await db.destroy();
    },
  };
}

/** Memory seen while one project of a replay was folded and written (MB figures are bytes here). */
interface ProjectMemory {
  project: string;
  events: number;
  rows: number;
  seconds: number;
  peakHeap: number;
  peakRss: number;
  /** Heap after a full collection at the project's end, its state still held (`null` without `--expose-gc`). */
  retainedHeap: number | null;
}

async function timedReplay(env: BenchEnv) {
  let peakRss = process.memoryUsage.rss();
  // Per project: the peaks between the end of the previous project and the end of this one.
  const window = { heap: 0, rss: 0, since: 0 };
  const projects: ProjectMemory[] = [];
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    window.heap = Math.max(window.heap, m.heapUsed);
    window.rss = Math.max(window.rss, m.rss);
  };
  const sampler = setInterval(sample, 100);
  try {
    const result = await replayReadModels(
      { nats: env.nats, db: env.db, config: env.config, logger: env.logger },
      {
        swap: true,
        onProgress: (p) => {
          sample();
          if (p.phase !== "events" || p.done % 250_000 < 50_000 || p.done === p.total)
            console.log(
              `  replay ${p.phase}: ${p.done}${p.total ? `/${p.total}` : ""} (${p.seconds.toFixed(1)} s)`,
            );
        },
        onProject: (p) => {
          sample();
          // With `--expose-gc` (`pnpm bench`): the heap the project's state holds (its fold is still
          // referenced here), garbage collected.
          const gc = (globalThis as { gc?: () => void }).gc;
          gc?.();
          projects.push({
            retainedHeap: gc ? process.memoryUsage().heapUsed : null,
            project: p.project ?? "(outside the project scheme)",
            events: p.events,
            rows: p.rows,
            seconds: p.seconds - window.since,
            peakHeap: window.heap,
            peakRss: window.rss,
          });
          window.heap = 0;
          window.rss = 0;
          window.since = p.seconds;
        },
      },
    );
    return { result, peakRss, projects };
  } finally {
    clearInterval(sampler);
  }
}

/** Prints the per-project memory of a replay: whether the peaks follow each project's size. */
function printProjectMemory(projects: readonly ProjectMemory[]): void {
  printTable(
    "replay memory per project (peaks while the project was folded and written; V8 heap includes garbage not yet collected)",
    [
      ["project", "events", "rows", "seconds", "peak heap", "peak RSS", "heap after GC (its state)"],
      ...projects.map((p) => [
        p.project,
        `${p.events}`,
        `${p.rows}`,
        `${p.seconds.toFixed(1)} s`,
        `${mb(p.peakHeap)} MB`,
        `${mb(p.peakRss)} MB`,
        p.retainedHeap === null ? "—" : `${mb(p.retainedHeap)} MB`,
      ]),
    ],
  );
}

// ─── data ────────────────────────────────────────────────────────────────────────────────────

/** Makes sure the bench stream holds ≥ 1M events (loading the corpus when not); returns its message count. */
async function ensureEventStream(nats: Nats): Promise<number> {
  await ensureStreams(nats.jsm, STREAM, ROOT);
  const before = (await nats.jsm.streams.info(STREAM)).state;
  if (before.messages >= MIN_EVENTS) {
    console.log(`reusing stream ${STREAM}: ${before.messages} messages, ${mb(before.bytes)} MB (cached)`);
    return before.messages;
  }
  ensureCorpus();
  console.log(`loading ${CORPUS} into stream ${STREAM} (holds ${before.messages} messages)…`);
  const loaded = await loadCorpus(nats);
  const after = (await nats.jsm.streams.info(STREAM)).state;
  console.log(
    `loaded in ${loaded.seconds.toFixed(1)} s: ${loaded.deliveries} deliveries → ${loaded.events} events ` +
      `(${loaded.stored} stored, ${loaded.duplicates} duplicates, ${loaded.rejected} deliveries rejected, ` +
      `${loaded.ignored} entities ignored); stream ${after.messages} messages, ${mb(after.bytes)} MB`,
  );
  if (after.messages < MIN_EVENTS) {
    throw new Error(`stream ${STREAM} holds ${after.messages} < ${MIN_EVENTS} events: raise BENCH_SCALE`);
  }
  return after.messages;
}

function ensureCorpus(): void {
  const marker = join(CORPUS, "counts.json");
  if (existsSync(marker)) return;
  console.log(`generating the corpus at scale ${SCALE} into ${CORPUS}…`);
  const gen = spawnSync(
    process.execPath,
    [join(repoRoot, "../shared/tools/gen-fixtures/main.mjs"), "--out", CORPUS, "--scale", String(SCALE)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 },
  );
  if (gen.status !== 0) throw new Error(`gen-fixtures failed (${gen.status})`);
  writeFileSync(marker, gen.stdout);
}

interface LoadStats {
  deliveries: number;
  events: number;
  stored: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  seconds: number;
}

async function loadCorpus(nats: Nats): Promise<LoadStats> {
  const scheme: SubjectRoot = { root: ROOT };
  const stats: LoadStats = {
    deliveries: 0,
    events: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    ignored: 0,
    seconds: 0,
  };
  const started = performance.now();
  const ids = benchIds();
  const window = publishWindow(PUBLISH_WINDOW, (ack) => {
    if (ack.duplicate) stats.duplicates++;
    else stats.stored++;
  });
  const publish = async (event: DomainEvent) => {
    stats.events++;
    await window.add(() =>
      nats.js.publish(eventSubject(scheme, event), encodeEvent(event), {
        msgID: event.dedup_key,
        timeout: 60_000,
      }),
    );
  };

  // Projects and their status dictionaries first, as `pnpm cli project register` / `dictionary import` do.
  const setUp = new Date(Date.UTC(2026, 9, 1));
  for (const p of PROJECTS) {
    const record = ProjectRecord.parse({
      project_id: p.id,
      name: p.id,
      kind: p.kind,
      base_url: null,
      time_zone: p.zone,
      active: true,
      webhook_secret_sha256: sha256Hex(`bench-${p.id}-secret`),
      api_token: null,
    });
    await publish(projectRegisteredEvent(record, setUp, ids(setUp.getTime())));
    const content = dictionaryFromJson(JSON.parse(readFileSync(join(CORPUS, p.dictionary), "utf8")));
    // Each tenant of a corpus project syncs that project's dictionary.
    await publish(
      dictionaryEvent(p.id, content, {
        origin: "file",
        reason: "bench",
        now: setUp,
        id: ids(setUp.getTime()),
      }),
    );
  }
  await window.drain();

  const normalize = async (
    file: string,
    toDelivery: (line: string) => [NormalizedDelivery | null, number],
  ) => {
    const lines = createInterface({
      input: createReadStream(join(CORPUS, file)),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (!line) continue;
      stats.deliveries++;
      const [out] = toDelivery(line);
      if (!out) {
        stats.rejected++;
        continue;
      }
      stats.ignored += out.ignored;
      for (const e of out.events) await publish(e);
      if (stats.deliveries % 200_000 === 0) {
        console.log(
          `  ${stats.deliveries} deliveries, ${stats.events} events (${((performance.now() - started) / 1000).toFixed(1)} s)`,
        );
      }
    }
  };
  const ctxOf = (
    projectId: string,
    receivedAt: string,
    contentType: string,
    rawBody: string,
  ): DeliveryContext => {
    const at = new Date(receivedAt);
    return { projectId, receivedAt: at, contentType, rawBody, newId: () => ids(at.getTime()) };
  };
  await normalize("keycrm/webhooks.jsonl", (line) => {
    const d = JSON.parse(line) as {
      project: string;
      received_at: string;
      headers: Record<string, string>;
      body: unknown;
    };
    const rawBody = JSON.stringify(d.body);
    const base = BASES.find((b) => b.id === d.project);
    const orderId = (d.body as { context?: { id?: unknown } }).context?.id;
    const project = base
      ? tenantOf(base, typeof orderId === "number" ? orderId : stats.deliveries)
      : d.project;
    const ctx = ctxOf(project, d.received_at, d.headers["content-type"] ?? "application/json", rawBody);
    return attempt(() => normalizeKeycrmWebhook(d.body, ctx));
  });
  await normalize("amocrm/webhooks.jsonl", (line) => {
    const d = JSON.parse(line) as {
      account: string;
      received_at: string;
      headers: Record<string, string>;
      body: string;
    };
    const leadId = AMO_LEAD_ID.exec(d.body)?.[1];
    const ctx = ctxOf(
      tenantOf(AMO_BASE, leadId === undefined ? stats.deliveries : Number(leadId)),
      d.received_at,
      d.headers["content-type"] ?? "application/x-www-form-urlencoded",
      d.body,
    );
    return attempt(() => normalizeAmocrmWebhook(parseAmocrmForm(d.body), ctx));
  });
  await window.drain();
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

/** The first lead id of an amoCRM webhook form (`leads[{action}][0][id]=…`, URL-encoded or not). */
const AMO_LEAD_ID = /leads(?:%5B|\[)\w+(?:%5D|\])(?:%5B|\[)0(?:%5D|\])(?:%5B|\[)id(?:%5D|\])=(\d+)/;

function attempt(fn: () => NormalizedDelivery): [NormalizedDelivery | null, number] {
  try {
    return [fn(), 0];
  } catch {
    return [null, 1]; // ingest answers such a delivery 4xx and stores nothing
  }
}

/** At most `limit` publishes in flight; `drain` waits for all and rethrows the first failure. */
function publishWindow(limit: number, onAck: (ack: PubAck) => void) {
  let inflight = 0;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  let idle: (() => void) | null = null;
  const settle = () => {
    inflight--;
    if (wake && inflight < limit) {
      const w = wake;
      wake = null;
      w();
    }
    if (idle && inflight === 0) {
      const i = idle;
      idle = null;
      i();
    }
  };
  return {
    async add(start: () => Promise<PubAck>): Promise<void> {
      if (failure) throw failure;
      inflight++;
      start().then(
        (ack) => {
          onAck(ack);
          settle();
        },
        (error: unknown) => {
          failure ??= error;
          settle();
        },
      );
      if (inflight >= limit)
        await new Promise<void>((r) => {
          wake = r;
        });
    },
    async drain(): Promise<void> {
      if (inflight > 0)
        await new Promise<void>((r) => {
          idle = r;
        });
      if (failure) throw failure;
    },
  };
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Deterministic ULIDs for the loaded events: the time part from `epochMs`, a process counter as the rest. */
function benchIds(): (epochMs: number) => string {
  let counter = 0;
  return (epochMs) => {
    counter++;
    return base32(epochMs, 10) + base32(counter, 16);
  };
}

function base32(n: number, width: number): string {
  let out = "";
  let v = n;
  for (let i = 0; i < width; i++) {
    out = CROCKFORD[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

// ─── recompute helpers ───────────────────────────────────────────────────────────────────────

async function waitCaughtUp(env: BenchEnv): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const head = (await env.nats.jsm.streams.info(STREAM)).state.last_seq;
    const r = await sql<{
      stream_seq: string;
    }>`SELECT stream_seq FROM rm.checkpoints WHERE name = 'events'`.execute(env.db);
    const at = Number(r.rows[0]?.stream_seq ?? 0);
    if (at >= head) return;
    if (Date.now() > deadline) throw new Error(`projector did not catch up: checkpoint ${at} < head ${head}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** A valid `settings.sla_changed` for {@link SLA_PROJECT}: version = current + 1, changed by `bench`. */
async function slaChangedEvent(db: Kysely<Database>): Promise<SlaChanged> {
  const r = await sql<{
    version: number;
  }>`SELECT version FROM rm.settings WHERE project_id = ${SLA_PROJECT} AND kind = 'sla'`.execute(db);
  const version = (r.rows[0]?.version ?? 0) + 1;
  const now = new Date().toISOString();
  // Alternate the limits per run so that each change really changes the grid.
  const h = version % 2 === 0 ? "03:00" : "02:00";
  return SlaChanged.parse({
    id: base32(Date.now(), 10) + [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join(""),
    type: "settings.sla_changed",
    version: 1,
    project_id: SLA_PROJECT,
    occurred_at: now,
    recorded_at: now,
    dedup_key: `settings:${SLA_PROJECT}:sla:${version}`,
    source: "api",
    raw: null,
    data: {
      version,
      changed_by: "bench",
      near_share: 0.8,
      grids: {
        normal: { "1": h, "2": "08:00", "3": "40:00", "4": "72:00" },
        urgent: { "1": "01:00", "2": "04:00", "3": "20:00", "4": "36:00" },
      },
    },
  });
}

interface ReplayRow {
  status: string;
  events_total: number;
  started_at: Date;
  finished_at: Date;
  error: string | null;
}

async function waitReplayDone(db: Kysely<Database>, id: string): Promise<ReplayRow> {
  const deadline = Date.now() + 1_800_000;
  for (;;) {
    const r =
      await sql<ReplayRow>`SELECT status, events_total, started_at, finished_at, error FROM ops.replays WHERE id = ${id}`.execute(
        db,
      );
    const row = r.rows[0];
    if (row?.status === "done") return { ...row, events_total: Number(row.events_total) };
    if (row?.status === "failed") throw new Error(`recompute ${id} failed: ${row.error}`);
    if (Date.now() > deadline)
      throw new Error(`recompute ${id} not done after 30 min (status ${row?.status ?? "none"})`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/**
 * The raw batched Postgres insert rate (the machine's yardstick), or zeros with `BENCH_BASELINE=off`
 * (a loaded machine: the figures of interest first).
 */
async function baseline(env: BenchEnv): Promise<{ perSecond: number; rows: number; seconds: number }> {
  if (process.env["BENCH_BASELINE"] === "off") return { perSecond: 0, rows: 0, seconds: 0 };
  return rawPostgresInsertRate(env.db as unknown as Kysely<unknown>, RAW_ROWS, RAW_BATCH);
}

/** The project with the most events in the bench stream (server-side subject counts). */
async function largestProject(env: BenchEnv): Promise<{ project: string; events: number }> {
  let best = { project: "", events: 0 };
  for (const p of PROJECTS) {
    const events = await countStreamMessages(env.nats.jsm, STREAM, `${ROOT}.events.${p.id}.>`);
    if (events > best.events) best = { project: p.id, events };
  }
  return best;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
