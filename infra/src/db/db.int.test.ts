import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { createTestEnv, type TestEnv } from "../testing.js";
import { migrate } from "./db.js";
import { READ_MODEL_VERSION } from "./read-models.ddl.js";

let env: TestEnv;
before(async () => {
  env = await createTestEnv("db");
});
after(async () => {
  await env.close();
});

test("given a fresh database, when migrated, then rm carries the current DDL version and migrating again is a no-op", async () => {
  const v = await sql<{ value: string }>`SELECT value FROM rm.meta WHERE key = 'ddl_version'`.execute(env.db);
  assert.equal(v.rows[0]?.value, String(READ_MODEL_VERSION));
  assert.deepEqual(await migrate(env.db), { needsRebuild: false });
});

test("given an older rm, when migrated, then it asks for a rebuild", async () => {
  await sql`UPDATE rm.meta SET value = '0' WHERE key = 'ddl_version'`.execute(env.db);
  assert.deepEqual(await migrate(env.db), { needsRebuild: true });
});
