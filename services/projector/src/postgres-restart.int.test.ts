/**
 * The live projector against a PostgreSQL restart that lands inside a batch transaction (a private
 * cluster owned by this file, fast shutdown: the backend gets 57P01 before COMMIT). The batch is
 * rolled back and never acked; it is retried with backoff until the server is back, then committed
 * and acked exactly once, and the read models equal a clean rebuild. A recomputation that meets the
 * outage stays `running` and is completed by the scheduler's own retry.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import { encodeEvent, eventSubject } from "@pulse/events";
import { aDictionarySynced, anOrderStatusChanged, aProjectRegistered } from "@pulse/events/testing";
import {
  connectNats,
  createDb,
  type Database,
  ensureDatabase,
  ensureStreams,
  migrate,
  type Nats,
} from "@pulse/infra";
import { checkpointSeq, waitFor } from "@pulse/infra/testing";
import { type PrivatePostgres, startPrivatePostgres } from "@pulse/infra/testing-postgres";
import type { Kysely } from "kysely";
import { pino } from "pino";
import { loadProjectorConfig } from "./projector.config.js";
import { type BatchInfo, createProjector, type Projector } from "./projector.js";
import { createRecomputeScheduler } from "./recompute/recompute.scheduler.js";
import { compareReadModels } from "./replay/read-models.compare.js";
import { replayReadModels } from "./replay/replay.js";

const P = "shop-restart";
const T0 = Date.UTC(2026, 9, 12, 6, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const id = randomBytes(4).toString("hex");
const stream = `T_PROJRESTART_${id.toUpperCase()}`;
const root = `t_projrestart_${id}`;

let cluster: PrivatePostgres;
let db: Kysely<Database>;
let nats: Nats;
let projector: Projector | null = null;
const lines: string[] = [];
const logger = pino(
  { level: "info" },
  new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  }),
);
let env: Record<string, string>;

before(async () => {
  cluster = await startPrivatePostgres("projrestart");
  const url = cluster.url("pulse_projector_restart");
  await ensureDatabase(url);
  db = createDb(url, 4, { logger });
  await migrate(db);
  const natsUrl = process.env["NATS_URL"] ?? "nats://dev:dev@127.0.0.1:4222";
  nats = await connectNats(natsUrl, `test-projrestart-${id}`);
  await ensureStreams(nats.jsm, stream, root);
  env = {
    DATABASE_URL: url,
    NATS_URL: natsUrl,
    EVENTS_STREAM: stream,
    SUBJECT_ROOT: root,
    PROJECTOR_BATCH_SIZE: "10",
    PROJECTOR_RETRY_MAX_MS: "500",
  };
});

after(async () => {
  await projector?.stop();
  await db?.destroy().catch(() => undefined);
  if (nats) {
    for (const name of [stream, `${stream}_RECEIPTS`, `${stream}_UPDATES`])
      await nats.jsm.streams.delete(name).catch(() => undefined);
    await nats.nc.drain().catch(() => undefined);
  }
  await cluster?.close();
});

function checkpoint(): Promise<number> {
  return checkpointSeq(db);
}

test("given a restart of PostgreSQL inside a batch transaction, then the batch is not acked, is retried until the server is back, and every message is committed and acked once", async () => {
  const scheme = { root };
  const publish = async (e: Parameters<typeof encodeEvent>[0]) =>
    (await nats.js.publish(eventSubject(scheme, e), encodeEvent(e), { msgID: e.dedup_key })).seq;
  await publish(aProjectRegistered(P));
  await publish(
    aDictionarySynced(
      [
        { status_id: 1, group_id: 1 },
        { status_id: 2, group_id: 2 },
        { status_id: 3, group_id: 3, is_closing_order: true },
      ],
      P,
    ),
  );
  let last = 0;
  for (let o = 0; o < 30; o++) {
    for (const [i, status] of [1, 2, 3].entries()) {
      last = await publish(
        anOrderStatusChanged(
          {
            order_id: 500 + o,
            status_id: status,
            status_changed_at: at(o * 10 + i * 3),
            order_created_at: at(o * 10),
          },
          P,
        ),
      );
    }
  }

  // `afterCommit` runs after COMMIT and before the acks: its calls are the acked batches.
  const committed: BatchInfo[] = [];
  let stoppedInside: BatchInfo | null = null;
  let attemptsWhileDown = 0;
  projector = createProjector({
    nats,
    db,
    config: loadProjectorConfig(env),
    logger,
    hooks: {
      async beforeCommit(batch) {
        if (batch.stream !== "events") return;
        if (stoppedInside === null && batch.firstSeq > 20) {
          stoppedInside = batch;
          // The restart lands between the batch's rows and its COMMIT.
          await cluster.stop();
        }
      },
      afterCommit(batch) {
        if (batch.stream === "events") committed.push(batch);
      },
    },
  });
  await projector.start();

  await waitFor("the restart inside a batch", async () => stoppedInside !== null, 60_000);
  const failedBatch = stoppedInside as unknown as BatchInfo;
  // The batch is retried while the server is down (each attempt logged, then rolled back).
  await waitFor(
    "retries of the failed batch while PostgreSQL is down",
    async () => {
      attemptsWhileDown = lines.filter(
        (l) =>
          l.includes("batch failed; rolled back, retrying") &&
          l.includes(`"firstSeq":${failedBatch.firstSeq}`),
      ).length;
      return attemptsWhileDown >= 2;
    },
    60_000,
  );
  assert.ok(
    !committed.some((b) => b.firstSeq <= failedBatch.lastSeq && b.lastSeq >= failedBatch.firstSeq),
    "no part of the failed batch was committed or acked while the server was down",
  );
  await cluster.start();
  await waitFor("the projector to apply the whole stream", async () => (await checkpoint()) >= last, 60_000);

  // Every sequence committed and acked exactly once (the failed batch included, after the restart).
  const acks = new Map<number, number>();
  for (const b of committed)
    for (let s = b.firstSeq; s <= b.lastSeq; s++) acks.set(s, (acks.get(s) ?? 0) + 1);
  for (let s = 1; s <= last; s++) assert.equal(acks.get(s), 1, `sequence ${s} committed and acked once`);
  await waitFor(
    "the server to record every ack",
    async () => {
      const info = await nats.jsm.consumers.info(stream, "projector");
      return info.num_ack_pending === 0 && info.ack_floor.stream_seq === last;
    },
    30_000,
  );

  assert.ok(
    lines.some((l) => l.includes("database connection lost") && l.includes("57P01")) ||
      lines.some((l) => l.includes("batch failed") && l.includes("57P01")),
    "the terminated transaction was seen as 57P01",
  );
  assert.ok(!lines.join("").includes(cluster.password), "the password never reaches the log");

  const clean = await replayReadModels(
    { nats, db, config: loadProjectorConfig(env), logger },
    { swap: false, schema: "rm_clean" },
  );
  const cmp = await compareReadModels(db, "rm", clean.schema);
  assert.deepEqual(cmp.differences, []);
  const orders = await db
    .selectFrom("rm.orders_current")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  assert.equal(Number(orders.n), 30);
});

test("given a recomputation pending while PostgreSQL is down, then the scheduler retries it by itself and completes it once the server is back", async () => {
  await projector?.stop();
  projector = null;
  const replayId = `recompute-${id}`;
  await db
    .insertInto("ops.replays")
    .values({
      id: replayId,
      project_id: P,
      reason: "settings.sla_changed",
      trigger_event_id: null,
      requested_by: "test",
      status: "running",
      events_total: 0,
      events_done: 0,
      started_at: new Date(),
      finished_at: null,
      error: null,
      diff: null,
    })
    .execute();
  await cluster.stop();
  const from = lines.length;
  const scheduler = createRecomputeScheduler({ nats, db, config: loadProjectorConfig(env), logger });
  try {
    scheduler.kick();
    await waitFor(
      "the scheduler to meet the unreachable database",
      async () => lines.slice(from).some((l) => l.includes("recompute scheduler failed; retrying")),
      30_000,
    );
    await cluster.start();
    // Nothing else kicks the scheduler here: the row completes by the scheduler's own retry.
    const row = await waitFor(
      "the recompute to complete by itself",
      async () => {
        const r = await db
          .selectFrom("ops.replays")
          .select(["status", "error", "events_done"])
          .where("id", "=", replayId)
          .executeTakeFirst()
          .catch(() => undefined);
        return r && (r.status === "done" || r.status === "failed") ? r : undefined;
      },
      60_000,
    );
    assert.equal(row.status, "done", `recompute row: ${JSON.stringify(row)}`);
    assert.ok(row.events_done > 0, "the rebuild went over the stream");
  } finally {
    await scheduler.stop();
  }
});
