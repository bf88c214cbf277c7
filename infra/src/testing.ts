/**
 * Integration-test support (the `@pulse/infra/testing` subpath): an isolated environment per test
 * file on the real local Postgres and nats-server — its own database, stream names and subject
 * root — torn down afterwards (STYLE.md "Tests").
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { type DomainEvent, encodeEvent, eventSubject } from "@pulse/events";
import type { Kysely } from "kysely";
import type { Database } from "./db/database.js";
import { createDb, dropDatabase, ensureDatabase, migrate } from "./db/db.js";
import { connectNats, ensureStreams, type Nats } from "./nats/connection.js";

/** An isolated test environment. Call `close()` in `after()`. */
export interface TestEnv {
  /** Random suffix shared by the names below. */
  readonly id: string;
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly streamName: string;
  readonly subjectRoot: string;
  readonly nats: Nats;
  readonly db: Kysely<Database>;
  /** Environment variables a service under test needs to use this environment. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Creates a fresh database (migrated) and fresh streams. Uses `TEST_DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`, whose server hosts the new database) and `NATS_URL`,
 * or `opts.natsUrl` (e.g. a private server of `@pulse/infra/testing-nats`).
 */
export async function createTestEnv(label = "t", opts: { natsUrl?: string } = {}): Promise<TestEnv> {
  const id = `${label
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase()
    .slice(0, 12)}_${randomBytes(4).toString("hex")}`;
  const base = new URL(process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/pulse_test_${id}`;
  const databaseUrl = base.toString();
  const natsUrl = opts.natsUrl ?? process.env["NATS_URL"] ?? "nats://dev:dev@127.0.0.1:4222";
  const streamName = `T_${id.toUpperCase()}`;
  const subjectRoot = `t_${id}`;
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, 5);
  await migrate(db);
  const nats = await connectNats(natsUrl, `test-${id}`);
  await ensureStreams(nats.jsm, streamName, subjectRoot);
  const env = {
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    EVENTS_STREAM: streamName,
    SUBJECT_ROOT: subjectRoot,
    LOG_LEVEL: process.env["TEST_LOG_LEVEL"] ?? "silent",
  };
  return {
    id,
    databaseUrl,
    natsUrl,
    streamName,
    subjectRoot,
    nats,
    db,
    env,
    async close() {
      await db.destroy();
      for (const name of [streamName, `${streamName}_RECEIPTS`, `${streamName}_UPDATES`]) {
        await nats.jsm.streams.delete(name).catch(() => undefined);
      }
      await nats.nc.drain().catch(() => undefined);
      await dropDatabase(databaseUrl);
    },
  };
}

/**
 * Polls `probe` every 25 ms until it returns a truthy value, and returns it; waits on a state
 * ("the projector has processed sequence N"), never on a fixed sleep.
 * @throws Error with `what` after `timeoutMs` (default 15 s).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A TCP port on 127.0.0.1 the OS reports free right now (the kernel picks it), for a private server
 * or listener of a test.
 * @throws the listen error, or `no free port` when the OS gave none.
 */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * The last stream sequence the projector applied from stream `name` (`events` or `receipts`), read
 * from `rm.checkpoints`; 0 before its first checkpoint.
 * @throws the Postgres error when the query fails.
 */
export async function checkpointSeq(db: Kysely<Database>, name = "events"): Promise<number> {
  const row = await db
    .selectFrom("rm.checkpoints")
    .select("stream_seq")
    .where("name", "=", name)
    .executeTakeFirst();
  return row?.stream_seq ?? 0;
}

/**
 * Waits until the projector's checkpoint of stream `name` (default `events`) reached stream
 * sequence `seq` ({@link checkpointSeq} polled by {@link waitFor}).
 * @throws Error `timed out waiting for checkpoint <seq>` after `timeoutMs` (default 15 s).
 */
export async function waitForCheckpoint(
  db: Kysely<Database>,
  seq: number,
  opts: { name?: string; timeoutMs?: number } = {},
): Promise<void> {
  await waitFor(`checkpoint ${seq}`, async () => (await checkpointSeq(db, opts.name)) >= seq, opts.timeoutMs);
}

/**
 * Publishes `event` to the events stream of the test environment `env` the way ingest stores it
 * (its subject under `env.subjectRoot`, `Nats-Msg-Id` = its dedup key, so a re-publish within the
 * duplicate window is dropped) and returns its stream sequence (an already-stored duplicate
 * returns the sequence of the stored one).
 * @throws the NATS error when the publish is not acknowledged (no retry).
 */
export async function publishTestEvent(
  env: Pick<TestEnv, "nats" | "subjectRoot">,
  event: DomainEvent,
): Promise<number> {
  const ack = await env.nats.js.publish(eventSubject({ root: env.subjectRoot }, event), encodeEvent(event), {
    msgID: event.dedup_key,
  });
  return ack.seq;
}
