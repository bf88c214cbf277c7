// Integration tests of the analyst's LLM path against a real local HTTP server speaking the OpenAI chat
// completions protocol (node:http on port 0). No database, no NATS.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { scoreDialog } from "@pulse/domain";
import { DialogFailed, DialogScored } from "@pulse/events";
import { type Logger, loadConfig } from "@pulse/infra";
import { AnalystConfig, llmSettingsOf } from "../config.js";
import { createInMemoryAnalysisLedger } from "../ledger/analysis-ledger.js";
import { createLlmExtractor, type LlmExtractorOptions } from "../llm/llm-extractor.js";
import { PROMPT_VERSION } from "../llm/prompt.js";
import { createInMemoryTokenBudget, utcDayOf } from "../llm/token-budget.js";
import { aDialog, aFactsAnswer } from "../testing/builders.js";
import { jsonReply, type OpenAiStub, startOpenAiStub } from "../testing/openai-stub.server.js";
import {
  type AnalysisOutcome,
  type AnalyzeDialogDeps,
  analyzeDialog,
  createDialogAnalyzer,
  OFFLINE_PROMPT_VERSION,
  toAnalysisEvent,
} from "./analyze-dialog.js";
import { dialogFactsJsonSchema } from "./dialog-facts.schema.js";

const API_KEY = "sk-test-0123456789abcdef";
const NOW = Date.UTC(2026, 10, 9, 12, 0, 0);

/** A logger that keeps every line (bindings, object, message) as JSON text. */
function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): unknown => {
    const write = (obj: unknown, msg?: string): void => {
      lines.push(JSON.stringify({ bindings, obj, msg }));
    };
    return {
      child: (b: Record<string, unknown>) => make({ ...bindings, ...b }),
      trace: write,
      debug: write,
      info: write,
      warn: write,
      error: write,
      fatal: write,
    };
  };
  return { logger: make({}) as Logger, lines };
}

let stub: OpenAiStub;
before(async () => {
  stub = await startOpenAiStub();
});
after(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

interface Harness {
  deps: AnalyzeDialogDeps;
  sleeps: number[];
  ledger: ReturnType<typeof createInMemoryAnalysisLedger>;
  budget: ReturnType<typeof createInMemoryTokenBudget>;
  lines: string[];
}

function harness(
  extractor: Partial<LlmExtractorOptions> = {},
  deps: Partial<AnalyzeDialogDeps> = {},
  dailyBudget = 2_000_000,
): Harness {
  const sleeps: number[] = [];
  const { logger, lines } = captureLogger();
  const ledger = createInMemoryAnalysisLedger();
  const budget = createInMemoryTokenBudget(dailyBudget);
  const llm = createLlmExtractor({
    baseURL: stub.baseURL,
    apiKey: API_KEY,
    model: "gpt-4o-mini",
    timeoutMs: 2000,
    maxRetries: 2,
    logger,
    backoff: { baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 5000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extractor,
  });
  return {
    deps: { extractor: llm, ledger, budget, logger, timeZone: "Asia/Almaty", now: () => NOW, ...deps },
    sleeps,
    ledger,
    budget,
    lines,
  };
}

function scored(outcome: AnalysisOutcome) {
  assert.equal(outcome.kind, "scored", JSON.stringify(outcome));
  return (outcome as Extract<AnalysisOutcome, { kind: "scored" }>).data;
}
function failed(outcome: AnalysisOutcome) {
  assert.equal(outcome.kind, "failed", JSON.stringify(outcome));
  return (outcome as Extract<AnalysisOutcome, { kind: "failed" }>).data;
}

describe("analyzeDialog with an LLM behind an OpenAI-compatible HTTP server", () => {
  test("given a structured answer, when analysed, then scored by the domain rules from the model's facts, with verbatim evidence and usage", async () => {
    stub.setHandler(() =>
      jsonReply(aFactsAnswer(), { usage: { prompt_tokens: 1234, completion_tokens: 321 } }),
    );
    const h = harness();
    const dialog = aDialog();
    const data = scored(await analyzeDialog(dialog, h.deps));

    assert.equal(data.mode, "llm");
    assert.equal(data.model, "gpt-4o-mini");
    assert.equal(data.prompt_version, PROMPT_VERSION);
    assert.match(data.input_hash, /^[0-9a-f]{64}$/);
    assert.equal(data.facts["funnel_stage"], "consultation_booked");
    assert.equal(data.facts["niche"], "medicine");
    assert.deepEqual(data.facts["questionnaire"], aFactsAnswer().questionnaire);
    // 40 booked + 15 medicine + 10 owner + 10 budget, computed here, never asked of the model.
    assert.equal(data.score, 75);
    assert.equal(data.interest, "hot");
    assert.deepEqual(data.reasons, [
      { rule: "stage:consultation_booked", points: 40 },
      { rule: "niche:medicine", points: 15 },
      { rule: "owner_or_decision_maker", points: 10 },
      { rule: "budget_stated", points: 10 },
    ]);
    assert.deepEqual(data.usage, { prompt_tokens: 1234, completion_tokens: 321 });
    assert.equal(data.incoming, 3);
    assert.equal(data.outgoing, 2);
    // Quotes are stored as they stand in the messages (0-based index); the invented one is dropped.
    assert.equal(data.evidence.length, 5);
    assert.deepEqual(data.evidence[2], {
      fact: "budget_stated",
      rule: "llm_quote",
      message_index: 2,
      direction: "incoming",
      quote: "Бюджет около 500 тысяч тенге в месяц,\nстарт",
    });
    assert.deepEqual(data.evidence[4], {
      fact: "funnel_stage",
      rule: "llm_quote",
      message_index: 4,
      direction: "incoming",
      quote: "Да, четверг в 15:00 подходит",
    });
    for (const e of data.evidence) {
      const i = e["message_index"] as number;
      assert.ok(dialog.messages[i]!.text.includes(e["quote"] as string));
    }

    assert.equal(stub.requests.length, 1);
    const request = stub.requests[0]!;
    assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
    const body = request.body as Record<string, unknown>;
    assert.equal(body["model"], "gpt-4o-mini");
    assert.equal(body["temperature"], 0);
    assert.deepEqual(body["response_format"], {
      type: "json_schema",
      json_schema: { name: "dialog_facts", strict: true, schema: dialogFactsJsonSchema() },
    });
    const messages = body["messages"] as { role: string; content: string }[];
    assert.deepEqual(
      messages.map((m) => m.role),
      ["system", "user"],
    );
    // Local time of the project (Asia/Almaty, +05:00), direction and 1-based numbering.
    assert.ok(messages[1]!.content.includes("[1] 2026-11-09 10:00 · in · client: Здравствуйте!"));
    assert.ok(messages[1]!.content.includes("[4] 2026-11-09 10:06 · out · manager: Отлично."));
    assert.ok(
      !JSON.stringify(body["response_format"]).includes("score"),
      "the model is never asked for a score",
    );

    // The same facts scored by the domain give the same result: the score is recomputable.
    const recomputed = scoreDialog({
      funnel_stage: "consultation_booked",
      niche: "medicine",
      is_owner_or_decision_maker: true,
      budget_stated: true,
      is_targetologist_or_smm: false,
      questionnaire: {},
      summary: "",
    });
    assert.equal(recomputed.score, data.score);

    // The daily budget holds the real usage once the call is settled.
    assert.equal(await h.budget.used("acme", utcDayOf(NOW)), 1234 + 321);
  });

  test("given a scored outcome, when wrapped, then a valid analysis.dialog_scored event with the documented dedup key", async () => {
    stub.setHandler(() => jsonReply(aFactsAnswer()));
    const outcome = await analyzeDialog(aDialog(), harness().deps);
    assert.ok(outcome.kind === "scored");
    const event = toAnalysisEvent("acme", outcome, { nowMs: NOW });
    assert.ok(DialogScored.safeParse(event).success);
    assert.equal(event.type, "analysis.dialog_scored");
    assert.equal(event.source, "analyst");
    assert.equal(event.occurred_at, "2026-11-09T12:00:00.000Z");
    assert.match(event.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(
      event.dedup_key,
      `analysis:acme:${outcome.data.dialog_key}:${outcome.data.input_hash}:${PROMPT_VERSION}`,
    );
  });

  test("given 429 with Retry-After then success, when analysed, then scored after 2 requests and the wait was the server's", async () => {
    stub.setHandler((_req, n) =>
      n === 1 ? { kind: "status", status: 429, headers: { "retry-after": "1" } } : jsonReply(aFactsAnswer()),
    );
    const h = harness();
    const data = scored(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.score, 75);
    assert.equal(stub.requests.length, 2);
    assert.deepEqual(h.sleeps, [1000]);
  });

  test("given a Retry-After longer than allowed, when analysed, then failed http_429 at once without waiting", async () => {
    stub.setHandler(() => ({ kind: "status", status: 429, headers: { "retry-after": "3600" } }));
    const h = harness();
    const data = failed(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.code, "http_429");
    assert.equal(data.attempts, 1);
    assert.deepEqual(h.sleeps, []);
    assert.equal(h.ledger.size(), 0, "no answer, not recorded: a later run tries again");
  });

  test("given 500 on every request, when analysed, then failed http_5xx after 1 + maxRetries requests with growing backoff", async () => {
    stub.setHandler(() => ({ kind: "status", status: 500 }));
    const h = harness({ maxRetries: 3 });
    const data = failed(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.code, "http_5xx");
    assert.equal(data.attempts, 4);
    assert.equal(stub.requests.length, 4);
    // base 10 ms · 2^retry, capped at 100, equal jitter with random 0.5 → 3/4 of it.
    assert.deepEqual(h.sleeps, [8, 15, 30]);
    assert.equal(h.ledger.size(), 0);
    // Nothing was spent: the reservation is released.
    assert.equal(await h.budget.used("acme", utcDayOf(NOW)), 0);
    const event = toAnalysisEvent("acme", { kind: "failed", data }, { nowMs: NOW });
    assert.ok(DialogFailed.safeParse(event).success);
    assert.equal(
      event.dedup_key,
      `analysis-failed:acme:${data.dialog_key}:${data.input_hash}:${PROMPT_VERSION}`,
    );
  });

  test("given 401, when analysed, then failed http_4xx after one request, and the API key appears in no log line or message", async () => {
    stub.setHandler(() => ({
      kind: "status",
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${API_KEY}`,
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      },
    }));
    const h = harness();
    const data = failed(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.code, "http_4xx");
    assert.equal(data.attempts, 1);
    assert.equal(stub.requests.length, 1);
    assert.ok(!data.message.includes(API_KEY), data.message);
    assert.ok(h.lines.length > 0);
    for (const line of h.lines) assert.ok(!line.includes(API_KEY), line);
  });

  test("given content that is not JSON, when analysed, then failed invalid_output after one request, recorded so it is not sent again", async () => {
    stub.setHandler(() => ({ kind: "completion", content: '{"summary": "cut here' }));
    const h = harness();
    const data = failed(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.code, "invalid_output");
    assert.equal(data.attempts, 1);
    assert.match(data.message, /not JSON/);
    assert.equal(stub.requests.length, 1);
    // Tokens of an invalid answer were spent all the same.
    assert.equal(await h.budget.used("acme", utcDayOf(NOW)), 160);
    const again = await analyzeDialog(aDialog(), h.deps);
    assert.deepEqual(again, {
      kind: "skipped",
      reason: "already_analyzed",
      incoming: 3,
      input_hash: data.input_hash,
    });
    assert.equal(stub.requests.length, 1);
  });

  test("given JSON that does not match the facts schema, when analysed, then failed invalid_output naming the field", async () => {
    const { funnel_stage: _, ...missingStage } = aFactsAnswer();
    for (const answer of [
      { ...aFactsAnswer(), niche: "dentistry" },
      missingStage,
      { ...aFactsAnswer(), score: 90 },
    ]) {
      stub.setHandler(() => jsonReply(answer));
      const data = failed(await analyzeDialog(aDialog(), harness().deps));
      assert.equal(data.code, "invalid_output");
      assert.match(data.message, /facts schema/);
    }
    assert.equal(stub.requests.length, 3);
  });

  test("given a refusal or a truncated answer, when analysed, then failed invalid_output", async () => {
    stub.setHandler(() => ({ kind: "completion", content: null, refusal: "I can't help with that." }));
    assert.match(failed(await analyzeDialog(aDialog(), harness().deps)).message, /refused/);
    stub.setHandler(() => ({ kind: "completion", content: '{"summary":"', finishReason: "length" }));
    assert.match(failed(await analyzeDialog(aDialog(), harness().deps)).message, /cut at/);
  });

  test("given a 200 that is not a chat completion, when analysed, then failed invalid_output", async () => {
    stub.setHandler(() => ({ kind: "status", status: 200, body: { hello: "world" } }));
    const data = failed(await analyzeDialog(aDialog(), harness().deps));
    assert.equal(data.code, "invalid_output");
    assert.equal(stub.requests.length, 1);
  });

  test("given nothing listening at the base URL, when analysed, then failed network after the retries", async () => {
    const gone = await startOpenAiStub();
    const baseURL = gone.baseURL;
    await gone.close();
    const h = harness({ baseURL, maxRetries: 1 });
    const data = failed(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.code, "network");
    assert.equal(data.attempts, 2);
    assert.equal(h.sleeps.length, 1);
  });

  test("given the same dialog twice, when analysed, then one HTTP call and the second is skipped", async () => {
    stub.setHandler(() => jsonReply(aFactsAnswer()));
    const h = harness();
    const first = scored(await analyzeDialog(aDialog(), h.deps));
    const second = await analyzeDialog(aDialog(), h.deps);
    assert.deepEqual(second, {
      kind: "skipped",
      reason: "already_analyzed",
      incoming: 3,
      input_hash: first.input_hash,
    });
    assert.equal(stub.requests.length, 1);
    // A changed dialog is another input.
    const longer = aDialog({
      messages: [
        ...aDialog().messages,
        { direction: "incoming", text: "Спасибо!", sent_at: "2026-11-09T05:20:00.000Z" },
      ],
    });
    scored(await analyzeDialog(longer, h.deps));
    assert.equal(stub.requests.length, 2);
  });

  test("given the same dialog delivered twice at once, when analysed by one analyzer, then one HTTP call", async () => {
    stub.setHandler(() => jsonReply(aFactsAnswer(), { delayMs: 30 }));
    const analyze = createDialogAnalyzer(harness().deps);
    const [a, b] = await Promise.all([analyze(aDialog()), analyze(aDialog())]);
    assert.deepEqual([a.kind, b.kind].sort(), ["scored", "skipped"]);
    assert.equal(stub.requests.length, 1);
  });

  test("given an exhausted daily budget, when analysed, then failed budget_exhausted and no request sent", async () => {
    stub.setHandler(() => jsonReply(aFactsAnswer()));
    const h = harness({}, {}, 1000);
    const data = failed(await analyzeDialog(aDialog(), h.deps));
    assert.equal(data.code, "budget_exhausted");
    assert.equal(data.attempts, 0);
    assert.equal(stub.requests.length, 0);
    assert.equal(h.ledger.size(), 0);
    // With room in the budget the same dialog is sent; the booking is per project.
    const roomy = harness({}, {}, 1_000_000);
    scored(await analyzeDialog(aDialog(), roomy.deps));
    assert.equal(await roomy.budget.used("acme", "2026-11-09"), 160);
    assert.equal(await roomy.budget.used("other", "2026-11-09"), 0);
  });

  test("given the budget used up by earlier calls, when analysed, then the next call is refused", async () => {
    stub.setHandler(() =>
      jsonReply(aFactsAnswer(), { usage: { prompt_tokens: 37_000, completion_tokens: 1000 } }),
    );
    const h = harness({}, {}, 40_000);
    scored(await analyzeDialog(aDialog(), h.deps));
    const other = aDialog({ dialog_key: "15002:w" });
    assert.equal(failed(await analyzeDialog(other, h.deps)).code, "budget_exhausted");
    assert.equal(stub.requests.length, 1);
  });

  test("given a server slower than the timeout, when analysed, then failed timeout after 1 + maxRetries attempts", async () => {
    // The server answers only once the test lets it (or after 60 s, which a client that waited for
    // it would see as a success): the outcome below cannot come from an answer, however busy the
    // machine is.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fallback = setTimeout(release, 60_000);
    stub.setHandler(async () => {
      await released;
      return jsonReply(aFactsAnswer());
    });
    const h = harness({ timeoutMs: 100, maxRetries: 1 });
    try {
      const data = failed(await analyzeDialog(aDialog(), h.deps));
      assert.equal(data.code, "timeout");
      assert.equal(data.attempts, 2);
      assert.equal(stub.requests.length, 2);
    } finally {
      release();
      clearTimeout(fallback);
    }
  });

  test("given more dialogs than the concurrency, when analysed together, then the server never sees more than `concurrency` in flight", async () => {
    // The first three answers wait until the third request has arrived, so three are in flight
    // together however the machine schedules them; a fourth arriving meanwhile would be over the limit.
    const base = stub.requests.length;
    let thirdArrived: () => void = () => undefined;
    const threeInFlight = new Promise<void>((resolve) => {
      thirdArrived = resolve;
    });
    stub.setHandler(async (_request, n) => {
      if (n - base >= 3) thirdArrived();
      if (n - base <= 3) await threeInFlight;
      return jsonReply(aFactsAnswer());
    });
    const h = harness({ concurrency: 3 });
    const before = stub.maxInFlight();
    assert.ok(before <= 3, "earlier tests stay within 3 in flight");
    const dialogs = Array.from({ length: 9 }, (_, i) => aDialog({ dialog_key: `lead-${i}:w` }));
    const outcomes = await Promise.all(dialogs.map((d) => analyzeDialog(d, h.deps)));
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      Array(9).fill("scored"),
    );
    assert.equal(stub.requests.length, 9);
    assert.equal(stub.maxInFlight(), 3);
  });

  test("given fewer than minIncoming client messages, when analysed, then skipped without a request", async () => {
    stub.setHandler(() => jsonReply(aFactsAnswer()));
    const h = harness();
    const short = aDialog({ messages: aDialog().messages.slice(0, 3) });
    assert.deepEqual(await analyzeDialog(short, h.deps), {
      kind: "skipped",
      reason: "too_few_incoming",
      incoming: 2,
      input_hash: null,
    });
    scored(await analyzeDialog(short, { ...h.deps, minIncoming: 2 }));
    assert.equal(stub.requests.length, 1);
  });

  test("given no LLM_BASE_URL, when analysed, then the offline rules score it: mode offline, model null, no request", async () => {
    const config = loadConfig(AnalystConfig, { LLM_API_KEY: API_KEY });
    assert.equal(llmSettingsOf(config), null);
    const ledger = createInMemoryAnalysisLedger();
    const deps: AnalyzeDialogDeps = { extractor: null, ledger, budget: createInMemoryTokenBudget(0) };
    const data = scored(await analyzeDialog(aDialog(), deps));
    assert.equal(data.mode, "offline");
    assert.equal(data.model, null);
    assert.equal(data.prompt_version, OFFLINE_PROMPT_VERSION);
    assert.deepEqual(data.usage, { prompt_tokens: 0, completion_tokens: 0 });
    assert.equal(data.facts["niche"], "medicine");
    assert.equal(data.score, scoreDialog(data.facts as never).score);
    assert.equal(stub.requests.length, 0);
    assert.equal((await analyzeDialog(aDialog(), deps)).kind, "skipped");
  });
});
