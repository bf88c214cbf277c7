// Integration tests of the analyst service unit against the real local Postgres and nats-server (each
// test with its own database and streams, createTestEnv) and, for the LLM mode, a local HTTP server
// speaking the OpenAI chat completions protocol. Read-model rows are inserted as the projector would.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RequestError } from "@nats-io/transport-node";
import type { DialogFailed, DialogScored } from "@pulse/events";
import { createLogger, loadConfig } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { analysisRunSubject } from "./analysis/analysis-run.contract.js";
import { OFFLINE_PROMPT_VERSION } from "./analysis/analyze-dialog.js";
import { type Analyst, createAnalyst } from "./analyst.js";
import { AnalystConfig } from "./config.js";
import { PROMPT_VERSION } from "./llm/prompt.js";
import { aFactsAnswer } from "./testing/builders.js";
import { jsonReply, type OpenAiStub, startOpenAiStub } from "./testing/openai-stub.server.js";
import {
  aConversation,
  analysisEventsOf,
  insertAnalysisResult,
  insertDeal,
  insertMessages,
  insertProject,
  insertShiftDeal,
  insertShiftSettings,
  insertTokenUsage,
} from "./testing/read-models.fixtures.js";

/** The pinned wall clock of every test: Thursday 2026-11-12 11:00 in Almaty (+05:00). */
const NOW = "2026-11-12T06:00:00.000Z";
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Shift `2026-11-DD` under the default settings (+05:00, 22:00, 24 h): `[DD 17:00Z, DD+1 17:00Z)`. */
function shift(day: number): { shiftId: string; start: string; end: string } {
  const dd = String(day).padStart(2, "0");
  return {
    shiftId: `2026-11-${dd}`,
    start: `2026-11-${dd}T17:00:00.000Z`,
    end: new Date(Date.UTC(2026, 10, day + 1, 17)).toISOString(),
  };
}

/** An ISO instant `minutes` after `iso`. */
function plus(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

type Env = Record<string, string>;

function analystOn(env: TestEnv, extra: Env = {}, clockIso = NOW): Analyst {
  const config = loadConfig(AnalystConfig, { ...env.env, ANALYST_TICK_SECONDS: "0", ...extra });
  return createAnalyst({
    nats: env.nats,
    db: env.db,
    config,
    logger: createLogger("analyst-test", "silent"),
    clock: () => new Date(clockIso),
    publishRetry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
  });
}

async function eventsOf(env: TestEnv, projectId: string) {
  return analysisEventsOf(env.nats, env.streamName, env.subjectRoot, projectId);
}

function byKey(events: { event: DialogScored | DialogFailed }[]): Map<string, DialogScored | DialogFailed> {
  return new Map(events.map((e) => [e.event.data.dialog_key, e.event]));
}

async function request(env: TestEnv, projectId: string, body: unknown): Promise<Record<string, unknown>> {
  const msg = await env.nats.nc.request(
    analysisRunSubject({ root: env.subjectRoot }, projectId),
    typeof body === "string" ? body : JSON.stringify(body),
    // How long the test waits for the analyst's reply at most (not asserted: a busy machine is slower).
    { timeout: 15_000 },
  );
  return msg.json<Record<string, unknown>>();
}

describe("analyst: scheduled shift analysis", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv("analyst_sched");
    await insertProject(env.db, "acme");
    // Lookback 48 h instead of the default 72 h: shift 11-08 is complete at NOW only under the settings.
    await insertShiftSettings(env.db, "acme", { time_zone: "+05:00", start_hour: 22, lookback_hours: 48 });
    const s8 = shift(8);
    await insertShiftDeal(env.db, "acme", {
      ...s8,
      dialogKey: "lead:501",
      leadId: 501,
      phone: "+77010000501",
      phones: ["+77010000501", "+77010000502"],
      managerId: 42,
    });
    await insertShiftDeal(env.db, "acme", {
      ...s8,
      dialogKey: "phone:+77010000509",
      leadId: null,
      phone: "+77010000509",
      phones: ["+77010000509"],
    });
    await insertShiftDeal(env.db, "acme", {
      ...s8,
      dialogKey: "lead:503",
      leadId: 503,
      phone: "+77010000503",
      phones: ["+77010000503"],
    });
    for (const day of [9, 1, 2]) {
      await insertShiftDeal(env.db, "acme", {
        ...shift(day),
        dialogKey: "lead:504",
        leadId: 504,
        phone: "+77010000504",
        phones: ["+77010000504"],
      });
    }
    await insertMessages(env.db, "acme", [
      // Lead 501 writes from two phones: 3 + 1 incoming in the shift.
      ...aConversation("a501", "+77010000501", plus(s8.start, 60), 3),
      {
        id: "a502-1",
        phone: "+77010000502",
        direction: "incoming",
        text: "Это мой второй номер.",
        at: plus(s8.start, 61),
      },
      // At the shift's end exactly: the next shift's message.
      { id: "a501-late", phone: "+77010000501", direction: "incoming", text: "Ещё вопрос", at: s8.end },
      ...aConversation("a509", "+77010000509", plus(s8.start, 120), 3),
      ...aConversation("a503", "+77010000503", plus(s8.start, 180), 2),
      ...aConversation("a504-9", "+77010000504", plus(shift(9).start, 60), 3),
      ...aConversation("a504-1", "+77010000504", plus(shift(1).start, 60), 3),
      ...aConversation("a504-2", "+77010000504", plus(shift(2).start, 60), 3),
    ]);
  });
  after(async () => {
    await env.close();
  });

  test("given complete and incomplete shifts, when the scheduler ticks, then only complete shifts within the backfill horizon are analysed", async () => {
    const analyst = analystOn(env);
    const reports = await analyst.tick();

    const events = await eventsOf(env, "acme");
    const keys = events.map((e) => e.event.data.dialog_key).sort();
    // 11-09 is still inside its 48 h lookback; 11-01 is the 8th complete shift (backfill 7); lead 503
    // has 2 incoming messages (< 3).
    assert.deepEqual(keys, ["lead:501@2026-11-08", "lead:504@2026-11-02", "phone:+77010000509@2026-11-08"]);
    const e = byKey(events);
    const lead = e.get("lead:501@2026-11-08") as DialogScored;
    assert.equal(lead.type, "analysis.dialog_scored");
    assert.equal(lead.data.shift_id, "2026-11-08");
    assert.equal(lead.data.window_start, "2026-11-08T17:00:00.000Z");
    assert.equal(lead.data.window_end, "2026-11-09T17:00:00.000Z");
    assert.equal(lead.data.lead_id, 501);
    assert.equal(lead.data.manager_id, 42);
    assert.equal(lead.data.incoming, 4, "both phones of the deal, not the message at the shift's end");
    assert.equal(lead.data.outgoing, 3);
    assert.equal(lead.data.mode, "offline");
    assert.equal(lead.data.model, null);
    assert.equal(lead.data.prompt_version, OFFLINE_PROMPT_VERSION);
    assert.equal(
      lead.dedup_key,
      `analysis:acme:lead:501@2026-11-08:${lead.data.input_hash}:${OFFLINE_PROMPT_VERSION}`,
    );
    const chat = e.get("phone:+77010000509@2026-11-08") as DialogScored;
    assert.equal(chat.data.lead_id, null);
    assert.equal(chat.data.phone, "+77010000509");
    assert.equal(chat.data.manager_id, null);
    assert.equal(e.get("lead:504@2026-11-02")?.data.window_start, "2026-11-02T17:00:00.000Z");

    const s8 = reports.find((r) => r.shift_id === "2026-11-08");
    assert.equal(s8?.dialogs, 3);
    assert.equal(s8?.skipped.too_few_incoming, 1);
    assert.equal(s8?.scored, 2);
    assert.equal(reports.length, 7, "the 7 newest complete shifts, 11-08 back to 11-02");
    assert.equal(analyst.metrics().scored, 3);

    const again = await analyst.tick();
    assert.equal(again.length, 0, "no shift changed: nothing is run again");
    assert.equal((await eventsOf(env, "acme")).length, 3);
  });
});

describe("analyst: restart", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv("analyst_restart");
    await insertProject(env.db, "acme");
    const s7 = shift(7); // complete at NOW under the default 72 h lookback
    for (const [key, lead, phone] of [
      ["lead:601", 601, "+77010000601"],
      ["lead:602", 602, "+77010000602"],
      ["phone:+77010000609", null, "+77010000609"],
    ] as const) {
      await insertShiftDeal(env.db, "acme", { ...s7, dialogKey: key, leadId: lead, phone, phones: [phone] });
      await insertMessages(env.db, "acme", aConversation(`r-${phone}`, phone, plus(s7.start, 30), 3));
    }
  });
  after(async () => {
    await env.close();
  });

  test("given the results the projector recorded, when a new analyst ticks, then only the transient failure is analysed again", async () => {
    const first = await analystOn(env).tick();
    assert.equal(
      first.reduce((n, r) => n + r.published, 0),
      3,
    );
    const stored = await eventsOf(env, "acme");
    assert.equal(stored.length, 3);
    // What the projector would have written; the chat-only dialog's result as a timeout, lead 602's as
    // an invalid model answer (final: never sent again under this prompt version).
    for (const s of stored) {
      const key = s.event.data.dialog_key;
      await insertAnalysisResult(
        env.db,
        s.event,
        s.seq,
        key.startsWith("phone:")
          ? { status: "failed", error_code: "timeout" }
          : key.startsWith("lead:602")
            ? { status: "failed", error_code: "invalid_output" }
            : {},
      );
    }

    const restarted = analystOn(env);
    const [report] = await restarted.tick().then((rs) => rs.filter((r) => r.shift_id === "2026-11-07"));
    assert.equal(report?.skipped.already_analyzed, 2);
    assert.equal(report?.queued, 1);
    assert.equal(report?.published, 1);
    assert.equal(report?.duplicates, 1, "the same result again: JetStream drops it by its dedup key");
    assert.equal((await eventsOf(env, "acme")).length, 3, "no duplicate in the stream");
    assert.equal(restarted.metrics().scored, 1);
  });
});

describe("analyst: on-demand runs over NATS", () => {
  let env: TestEnv;
  let analyst: Analyst;
  const from = "2026-11-03T00:00:00.000Z";
  const to = "2026-11-06T00:00:00.000Z";
  before(async () => {
    env = await createTestEnv("analyst_demand");
    await insertProject(env.db, "acme");
    await insertDeal(env.db, "acme", 701, { phones: ["+77010000701", "+77010000702"], managerId: 77 });
    // +77010000703 belongs to a deleted deal (updated last) and a live one: the live one wins.
    await insertDeal(env.db, "acme", 702, {
      phones: ["+77010000703"],
      updatedAt: "2026-11-05T00:00:00.000Z",
      deleted: true,
    });
    await insertDeal(env.db, "acme", 703, {
      phones: ["+77010000703"],
      updatedAt: "2026-10-01T00:00:00.000Z",
    });
    await insertMessages(env.db, "acme", [
      { id: "d701-0", phone: "+77010000701", direction: "incoming", text: "Здравствуйте", at: from },
      ...aConversation("d701", "+77010000701", "2026-11-04T10:00:00.000Z", 2),
      ...aConversation("d702", "+77010000702", "2026-11-04T09:00:00.000Z", 1),
      { id: "d701-end", phone: "+77010000701", direction: "incoming", text: "Ау", at: to },
      ...aConversation("d703", "+77010000703", "2026-11-05T10:00:00.000Z", 3),
      ...aConversation("d709", "+77010000709", "2026-11-05T12:00:00.000Z", 3),
      ...aConversation("d708", "+77010000708", "2026-11-05T13:00:00.000Z", 2),
    ]);
    // A shift with its deal table: three dialogs with enough messages.
    const s8 = shift(8);
    for (const [i, phone] of ["+77010000801", "+77010000802", "+77010000803"].entries()) {
      await insertShiftDeal(env.db, "acme", {
        ...s8,
        dialogKey: `phone:${phone}`,
        leadId: null,
        phone,
        phones: [phone],
      });
      await insertMessages(
        env.db,
        "acme",
        aConversation(`s-${phone}`, phone, plus(s8.start, 60 * (i + 1)), 3),
      );
    }
    analyst = analystOn(env);
    await analyst.start();
  });
  after(async () => {
    await analyst.stop();
    await env.close();
  });

  test("given a period request, when sent over NATS, then the reply carries the run id and count and the dialogs are published per deal or phone", async () => {
    const reply = await request(env, "acme", {
      project: "acme",
      from,
      to,
      min_incoming: 3,
      requested_by: "admin@acme",
    });
    assert.match(String(reply["run_id"]), ULID);
    // Lead 701 (4 incoming over two phones), lead 703, chat-only +77010000709; +77010000708 has 2.
    assert.equal(reply["dialogs_queued"], 3);
    await analyst.idle();

    const e = byKey(await eventsOf(env, "acme"));
    const w = `${from}/${to}`;
    assert.deepEqual([...e.keys()].sort(), [`lead:701@${w}`, `lead:703@${w}`, `phone:+77010000709@${w}`]);
    const lead = e.get(`lead:701@${w}`) as DialogScored;
    assert.equal(lead.data.lead_id, 701);
    assert.equal(lead.data.manager_id, 77);
    assert.equal(lead.data.shift_id, null);
    assert.equal(lead.data.window_start, from);
    assert.equal(lead.data.window_end, to);
    assert.equal(lead.data.incoming, 4, "the message at `from` counts, the one at `to` does not");
    assert.equal(lead.data.phone, "+77010000701", "the phone of the first message");
    assert.equal((e.get(`phone:+77010000709@${w}`) as DialogScored).data.lead_id, null);

    const repeat = await request(env, "acme", {
      project: "acme",
      from,
      to,
      min_incoming: 3,
      requested_by: "admin@acme",
    });
    assert.equal(repeat["dialogs_queued"], 0, "everything in the window is analysed already");
  });

  test("given a shift request with max_dialogs, when sent, then the most recently active dialogs of the shift deal table are queued", async () => {
    const reply = await request(env, "acme", {
      project: "acme",
      shift_id: "2026-11-08",
      min_incoming: 3,
      max_dialogs: 2,
      requested_by: "admin@acme",
    });
    assert.equal(reply["dialogs_queued"], 2);
    await analyst.idle();
    const keys = (await eventsOf(env, "acme"))
      .map((s) => s.event.data.dialog_key)
      .filter((k) => k.endsWith("@2026-11-08"))
      .sort();
    assert.deepEqual(keys, ["phone:+77010000802@2026-11-08", "phone:+77010000803@2026-11-08"]);
  });

  test("given invalid requests, when sent, then each is refused with a reason and nothing runs", async () => {
    const refusals = await Promise.all([
      request(env, "acme", "{not json"),
      request(env, "acme", { project: "acme", shift_id: "2026-11-31", min_incoming: 3, requested_by: "a" }),
      request(env, "acme", { project: "other", from, to, min_incoming: 3, requested_by: "a" }),
      request(env, "acme", { project: "acme", from: to, to: from, min_incoming: 3, requested_by: "a" }),
      request(env, "acme", { project: "acme", min_incoming: 3, requested_by: "a" }),
      request(env, "acme", {
        project: "acme",
        from: "2026-09-01T00:00:00.000Z",
        to,
        min_incoming: 3,
        requested_by: "a",
      }),
    ]);
    for (const r of refusals) {
      assert.equal(typeof r["error"], "string", JSON.stringify(r));
      assert.equal(r["run_id"], undefined);
    }
    assert.match(String(refusals[1]?.["error"]), /shift 2026-11-31 not found/);
    assert.match(String(refusals[5]?.["error"]), /longer than 31 days/);
  });
});

describe("analyst: LLM mode and token budget", () => {
  let env: TestEnv;
  let stub: OpenAiStub;
  before(async () => {
    env = await createTestEnv("analyst_llm");
    stub = await startOpenAiStub(() =>
      jsonReply(aFactsAnswer(), { usage: { prompt_tokens: 900, completion_tokens: 150 } }),
    );
    const s7 = shift(7);
    for (const [project, phone] of [
      ["acme", "+77010000901"],
      ["beta", "+77010000902"],
    ] as const) {
      await insertProject(env.db, project);
      await insertShiftDeal(env.db, project, {
        ...s7,
        dialogKey: `phone:${phone}`,
        leadId: null,
        phone,
        phones: [phone],
      });
      await insertMessages(env.db, project, aConversation(`l-${project}`, phone, plus(s7.start, 30), 3));
    }
    // The day's recorded usage (NOW is 2026-11-12): acme spent 49 000 tokens the day before (not
    // counted) and 1 000 today; beta 48 000 today, which leaves less than one dialog's estimate.
    await insertTokenUsage(env.db, "acme", "old-1", "2026-11-11T23:59:59.999Z", 49_000);
    await insertTokenUsage(env.db, "acme", "old-2", "2026-11-12T00:00:00.000Z", 1_000);
    await insertTokenUsage(env.db, "beta", "old-3", "2026-11-12T00:00:00.000Z", 48_000);
  });
  after(async () => {
    await stub.close();
    await env.close();
  });

  test("given an LLM and the day's recorded usage, when the shift is analysed, then acme is scored by the model and beta's budget is exhausted", async () => {
    const analyst = analystOn(env, {
      LLM_BASE_URL: stub.baseURL,
      LLM_API_KEY: "sk-test",
      LLM_DAILY_TOKEN_BUDGET: "50000",
    });
    await analyst.tick();

    assert.equal(stub.requests.length, 1, "beta's dialog is never sent");
    const [acme] = await eventsOf(env, "acme");
    assert.equal(acme?.event.type, "analysis.dialog_scored");
    const scored = acme?.event as DialogScored;
    assert.equal(scored.data.dialog_key, "phone:+77010000901@2026-11-07");
    assert.equal(scored.data.mode, "llm");
    assert.equal(scored.data.model, "gpt-4o-mini");
    assert.equal(scored.data.prompt_version, PROMPT_VERSION);
    assert.deepEqual(scored.data.usage, { prompt_tokens: 900, completion_tokens: 150 });
    assert.equal(scored.data.score, 75, "booked 40 + medicine 15 + owner 10 + budget 10");
    assert.equal(scored.data.interest, "hot");

    const [beta] = await eventsOf(env, "beta");
    const failed = beta?.event as DialogFailed;
    assert.equal(failed.type, "analysis.dialog_failed");
    assert.equal(failed.data.code, "budget_exhausted");
    assert.equal(failed.data.attempts, 0);
    const m = analyst.metrics();
    assert.deepEqual(m.tokens, { prompt: 900, completion: 150 });
    assert.equal(m.failed_by_code["budget_exhausted"], 1);
    assert.equal(m.interest.hot, 1);
  });
});

describe("analyst: lifecycle", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv("analyst_life");
    await insertProject(env.db, "acme");
    const s7 = shift(7);
    await insertShiftDeal(env.db, "acme", {
      ...s7,
      dialogKey: "lead:1",
      leadId: 1,
      phone: "+77010000001",
      phones: ["+77010000001"],
    });
    await insertMessages(env.db, "acme", aConversation("life", "+77010000001", plus(s7.start, 10), 3));
  });
  after(async () => {
    await env.close();
  });

  test("given start, when the first pass runs, then the complete shift is published; after stop, no analyst answers", async () => {
    const analyst = analystOn(env, { ANALYST_TICK_SECONDS: "3600" });
    await analyst.start();
    const events = await waitFor("the first scheduler pass", async () => {
      const found = await eventsOf(env, "acme");
      return found.length > 0 ? found : null;
    });
    await analyst.idle();
    assert.deepEqual(
      events.map((e) => e.event.data.dialog_key),
      ["lead:1@2026-11-07"],
    );
    assert.equal(analyst.metrics().analyses_per_minute, 1);
    await analyst.stop();
    await assert.rejects(
      request(env, "acme", { project: "acme", shift_id: "2026-11-07", min_incoming: 3, requested_by: "a" }),
      (error: unknown) => error instanceof RequestError && error.isNoResponders(),
    );
  });
});
