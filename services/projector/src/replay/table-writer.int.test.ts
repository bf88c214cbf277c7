import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createReadModelSchema } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import fc from "fast-check";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { compareReadModels } from "./read-models.compare.js";
import { copyRows, inSchema, type RowOf, writeRows } from "./table-writer.js";

// Text that COPY's text format and array literals must escape, and values Postgres cannot hold.
const awkward = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.constantFrom(
    "a\tb",
    "line\nbreak\r\n",
    "back\\slash\\N",
    "\\N",
    "NULL",
    'say "hi"',
    "{a,b}",
    "nul\u0000x",
    "",
  ),
);

const messageRow = fc.record({
  message_id: fc.uuid(),
  text: fc.option(awkward),
  media: fc.option(awkward),
  sender_name: fc.option(awkward),
  stream_seq: fc.integer({ min: 1, max: 2 ** 40 }),
});

const contactRow = fc.record({
  contact_id: fc.integer({ min: 1, max: 2 ** 40 }),
  name: fc.option(awkward),
  phones: fc.array(awkward, { maxLength: 4 }),
  emails: fc.array(awkward, { maxLength: 3 }),
});

const analysisRow = fc.record({
  dialog_key: fc.uuid(),
  facts: fc.option(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))),
  score: fc.option(
    fc.oneof(fc.integer({ min: -100, max: 100 }), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1.5)),
  ),
  duration_ms: fc.option(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY))),
});

describe("table writer: COPY and unnest INSERT store the same values", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv("tablewriter");
    for (const schema of ["rm_insert", "rm_copy"]) {
      await createReadModelSchema(env.db as unknown as Kysely<unknown>, schema);
    }
  });
  after(async () => {
    await env.close();
  });

  test("given rows with escapes, NUL, arrays, JSON and out-of-range numbers, when written both ways, then the tables are equal", async () => {
    const messages: RowOf<"messages">[] = fc.sample(messageRow, { numRuns: 300, seed: 7 }).map((m) => ({
      project_id: "p",
      source: "evolution",
      chat_id: "c",
      phone: null,
      direction: "incoming",
      sent_at: "2026-10-12T06:00:00.000Z",
      connection: null,
      dedup_key: m.message_id,
      ...m,
    }));
    const contacts: RowOf<"deal_contacts">[] = fc
      .sample(contactRow, { numRuns: 200, seed: 11 })
      .map((c, i) => ({
        project_id: "p",
        lead_id: i,
        is_main: i % 2 === 0,
        fetched_at: "2026-10-12T06:00:00Z",
        ...c,
      }));
    const analyses: RowOf<"analysis_results">[] = fc
      .sample(analysisRow, { numRuns: 200, seed: 13 })
      .map((a) => ({
        project_id: "p",
        input_hash: "h",
        prompt_version: "v1",
        status: "scored",
        mode: "llm",
        model: null,
        lead_id: null,
        phone: null,
        shift_id: null,
        window_start: "2026-10-12T00:00:00Z",
        window_end: "2026-10-13T00:00:00Z",
        manager_id: null,
        interest: null,
        funnel_stage: null,
        qualification_complete: false,
        evidence: null,
        reasons: null,
        incoming: 3,
        outgoing: 2,
        prompt_tokens: 0,
        completion_tokens: 0,
        error_code: null,
        error_message: null,
        recorded_at: "2026-10-12T06:00:00Z",
        event_seq: 1,
        ...a,
      }));

    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      await writeRows(inSchema(env.db, "rm_insert"), "rm_insert", "messages", messages, undefined, 70);
      await copyRows(pool, "rm_copy", "messages", messages, 70);
      await writeRows(inSchema(env.db, "rm_insert"), "rm_insert", "deal_contacts", contacts);
      await copyRows(pool, "rm_copy", "deal_contacts", contacts);
      await writeRows(inSchema(env.db, "rm_insert"), "rm_insert", "analysis_results", analyses);
      await copyRows(pool, "rm_copy", "analysis_results", analyses);
    } finally {
      await pool.end();
    }

    const cmp = await compareReadModels(env.db, "rm_insert", "rm_copy");
    assert.deepEqual(cmp.differences, []);
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rm_copy.messages`.execute(env.db);
    assert.equal(stored.rows[0]?.n, messages.length, "every row arrived, in chunks of 70");

    // Spot checks of the values themselves, not only of the two paths agreeing.
    const probe: RowOf<"messages"> = { ...messages[0]!, message_id: "probe", text: "a\tb\\N\nc\u0000d" };
    const pool2 = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    await copyRows(pool2, "rm_copy", "messages", [probe]).finally(() => pool2.end());
    const back = await sql<{ text: string }>`
      SELECT text FROM rm_copy.messages WHERE message_id = 'probe'`.execute(env.db);
    assert.equal(back.rows[0]?.text, "a\tb\\N\nc\ufffdd");
  });

  test("given a row that breaks the primary key, when copied, then the error surfaces and the pool stays usable", async () => {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      const row: RowOf<"deal_phones"> = { project_id: "p", phone: "+77011234567", lead_id: 1 };
      await copyRows(pool, "rm_copy", "deal_phones", [row]);
      await assert.rejects(copyRows(pool, "rm_copy", "deal_phones", [row]), /duplicate key/);
      await copyRows(pool, "rm_copy", "deal_phones", [{ ...row, lead_id: 2 }]);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rm_copy.deal_phones`.execute(env.db);
      assert.equal(n.rows[0]?.n, 2);
    } finally {
      await pool.end();
    }
  });
});
