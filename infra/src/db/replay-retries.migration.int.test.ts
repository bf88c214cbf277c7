import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { type Kysely, type Migration, Migrator, sql } from "kysely";
import type { Database } from "./database.js";
import { createDb, dropDatabase, ensureDatabase } from "./db.js";
import * as m0001 from "./migrations/0001_ops.js";
import * as m0002 from "./migrations/0002_replays.js";
import * as m0003 from "./migrations/0003_replay_retries.js";

const migrations: Record<string, Migration> = {
  "0001_ops": m0001,
  "0002_replays": m0002,
  "0003_replay_retries": m0003,
};

let url: string;
let db: Kysely<Database>;
before(async () => {
  const base = new URL(process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/pulse_test_retrymig_${randomBytes(4).toString("hex")}`;
  url = base.toString();
  await ensureDatabase(url);
  db = createDb(url, 2);
});
after(async () => {
  await db?.destroy();
  await dropDatabase(url);
});

test("given recomputes an earlier version left failed, when 0003 runs, then those not covered by a later rebuild are retrying and the others stay failed", async () => {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  assert.equal((await migrator.migrateTo("0002_replays")).error, undefined);
  const row = (id: string, status: string, startedAt: string, reason = "settings.sla_changed", error = "") =>
    sql`INSERT INTO ops.replays (id, project_id, reason, status, started_at, error)
        VALUES (${id}, 'shop', ${reason}, ${status}, ${startedAt}, ${error || null})`.execute(db);
  await row(
    "covered",
    "failed",
    "2026-11-01T10:00:00Z",
    "settings.sla_changed",
    "replay decode worker: CONNECTION_REFUSED",
  );
  await row("later-done", "done", "2026-11-02T10:00:00Z");
  await row(
    "stale",
    "failed",
    "2026-11-03T10:00:00Z",
    "settings.sla_changed",
    "replay decode worker: CONNECTION_REFUSED",
  );
  await row("override", "done", "2026-11-04T10:00:00Z", "order.overrides_changed");
  await row("running", "running", "2026-11-05T10:00:00Z");

  assert.equal((await migrator.migrateToLatest()).error, undefined);
  const rows = await db
    .selectFrom("ops.replays")
    .select(["id", "status", "attempts", "error", "last_error", "next_attempt_at", "finished_at"])
    .orderBy("started_at")
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get("covered")?.status, "failed", "a later completed rebuild covers it");
  assert.equal(byId.get("covered")?.attempts, 1);
  const stale = byId.get("stale")!;
  assert.equal(stale.status, "retrying", "an in-place override does not cover a settings change");
  assert.equal(stale.last_error, "replay decode worker: CONNECTION_REFUSED");
  assert.equal(stale.error, null);
  assert.ok(stale.next_attempt_at instanceof Date);
  assert.equal(byId.get("later-done")?.attempts, 1);
  assert.equal(byId.get("running")?.status, "running");
  assert.equal(byId.get("running")?.attempts, 0);

  assert.equal((await migrator.migrateDown()).error, undefined);
  const back = await sql<{ status: string; error: string | null }>`
    SELECT status, error FROM ops.replays WHERE id = 'stale'`.execute(db);
  assert.deepEqual(back.rows[0], { status: "failed", error: "replay decode worker: CONNECTION_REFUSED" });
});
