/**
 * A restart of PostgreSQL (fast shutdown: every backend gets 57P01, then connections are refused)
 * against a guarded pool: idle and checked-out connections die without ending the process, the
 * loss is logged without the password, statements fail with errors classified as "unavailable", and
 * the same pool serves again once the server is back. Runs on a private cluster owned by this file.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import pg from "pg";
import { pino } from "pino";
import { type PrivatePostgres, startPrivatePostgres } from "../testing-postgres.js";
import { createDb } from "./db.js";
import { databaseErrorSummary, guardPool, isDatabaseUnavailable } from "./pool-errors.js";

let cluster: PrivatePostgres;
const lines: string[] = [];
const logger = pino(
  { level: "debug" },
  new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  }),
);

before(async () => {
  cluster = await startPrivatePostgres("poolerrors");
});
after(async () => {
  await cluster?.close();
});

/** Polls `probe` until truthy; bounded (a state wait, not a sleep). */
async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("given idle and checked-out connections, when PostgreSQL restarts, then the process lives on, the loss is logged without the password and the pool serves again", async () => {
  const db = createDb(cluster.url(), 4, { logger, name: "test" });
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on("uncaughtException", onUncaught);
  try {
    // Three connections: two stay idle in the pool, one is held by an open transaction between statements.
    await Promise.all([1, 2, 3].map(() => sql`SELECT pg_sleep(0.05)`.execute(db)));
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let inTransaction!: () => void;
    const begun = new Promise<void>((r) => {
      inTransaction = r;
    });
    const trx = db
      .transaction()
      .execute(async (t) => {
        await sql`SELECT 1`.execute(t);
        inTransaction();
        await held;
        await sql`SELECT 2`.execute(t);
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    await begun;

    await cluster.stop();
    await until("the lost connections to be logged", () =>
      lines.some((l) => l.includes("57P01") && l.includes("database connection lost")),
    );
    release();
    const failure = await trx;
    assert.ok(failure, "the transaction whose connection died failed");
    assert.ok(
      isDatabaseUnavailable(failure),
      `unavailable: ${JSON.stringify(databaseErrorSummary(failure))}`,
    );

    const down = await sql`SELECT 1`.execute(db).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(down, "a statement while the server is down fails");
    assert.ok(isDatabaseUnavailable(down), `unavailable: ${JSON.stringify(databaseErrorSummary(down))}`);
    assert.equal(databaseErrorSummary(down).code, "ECONNREFUSED");

    await cluster.start();
    const r = await sql<{ n: number }>`SELECT 41 + 1 AS n`.execute(db);
    assert.equal(r.rows[0]?.n, 42, "the same pool serves once the server is back");

    assert.deepEqual(uncaught, [], "no uncaught error");
    const all = lines.join("");
    assert.ok(!all.includes(cluster.password), "the password never reaches the log");
    const lost = lines.filter((l) => l.includes("database connection lost")).map((l) => JSON.parse(l));
    assert.ok(lost.length >= 3, `each lost connection logged (${lost.length})`);
    for (const l of lost) {
      assert.equal(l.level, 40, "warn");
      assert.equal(l.pool, "test");
      assert.deepEqual(Object.keys(l.db).sort(), ["code", "message"], "only code and message are logged");
    }
  } finally {
    process.off("uncaughtException", onUncaught);
    await db.destroy();
  }
});

test("given a guarded raw pool with a client checked out and idle, when the server shuts down fast, then nothing is thrown and the pool reconnects", async () => {
  const pool = guardPool(new pg.Pool({ connectionString: cluster.url(), max: 2 }), logger, "raw");
  try {
    const client = await pool.connect();
    await client.query("SELECT 1");
    const before = lines.length;
    await cluster.stop();
    await until("the checked-out client to see the shutdown", () =>
      lines.slice(before).some((l) => l.includes('"pool":"raw"')),
    );
    const failed = await client.query("SELECT 1").then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isDatabaseUnavailable(failed), `unavailable: ${JSON.stringify(databaseErrorSummary(failed))}`);
    client.release(failed as Error);
    await cluster.start();
    const r = await pool.query<{ ok: boolean }>("SELECT true AS ok");
    assert.equal(r.rows[0]?.ok, true);
  } finally {
    await pool.end();
  }
});

test("given errors of the statement or the data, then they are not taken for an unavailable server", () => {
  assert.equal(isDatabaseUnavailable({ code: "23505", message: "duplicate key" }), false);
  assert.equal(isDatabaseUnavailable({ code: "42P01", message: 'relation "x" does not exist' }), false);
  assert.equal(isDatabaseUnavailable(new Error("boom")), false);
  assert.equal(isDatabaseUnavailable(null), false);
  assert.equal(isDatabaseUnavailable({ code: "08006", message: "connection failure" }), true);
  assert.equal(isDatabaseUnavailable({ code: "57P03", message: "the database system is starting up" }), true);
  assert.equal(isDatabaseUnavailable(new Error("Connection terminated unexpectedly")), true);
  const agg = Object.assign(new AggregateError([{ code: "ECONNREFUSED" }], ""), {});
  assert.equal(isDatabaseUnavailable(agg), true);
  const withClient = Object.assign(new Error("terminating connection"), {
    code: "57P01",
    client: { connectionParameters: { password: "secret" } },
  });
  assert.deepEqual(databaseErrorSummary(withClient), { code: "57P01", message: "terminating connection" });
});
