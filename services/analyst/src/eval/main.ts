/**
 * `pnpm eval analyst` — evaluates the analyst's fact extractors on fixtures/dialogs/labeled.jsonl.
 *
 * Usage: node --import tsx services/analyst/src/eval/main.ts analyst [--verbose]
 * - fixtures: `$FIXTURES_DIR`, default `../shared/fixtures` beside the checkout;
 * - always evaluates the offline rule extractor;
 * - when `LLM_BASE_URL` is set (with `LLM_API_KEY`, `LLM_MODEL`, … as for the service), also the LLM
 *   extractor (`createLlmExtractor`, see {@link llmExtractorFromEnv}), printing the same figures for it
 *   beside the offline ones, plus its failures and token usage. Its dialogs run `LLM_CONCURRENCY` at a time.
 * Exit code 0 on success, 2 on a usage, configuration or fixture error.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { DialogFacts } from "@pulse/domain";
import { createLogger, loadConfig } from "@pulse/infra";
import { type DialogMessage, extractDialogFactsOffline } from "../analysis/offline-extractor.js";
import { AnalystConfig, llmSettingsOf } from "../config.js";
import { createLlmExtractor } from "../llm/llm-extractor.js";
import { PROMPT_VERSION } from "../llm/prompt.js";
import { evaluateExtractor, type FactsExtractor, formatEvaluation } from "./evaluate.js";
import { type LabeledDialog, parseLabeledDialogs } from "./labeled-dialogs.js";

const SUITES = ["analyst"] as const;

/** The offline rules as a {@link FactsExtractor}. */
const offlineExtractor: FactsExtractor = {
  name: "offline rules",
  extract: (messages) => extractDialogFactsOffline(messages).facts,
};

/** An LLM extractor for the eval, with the tally printed after its figures. */
interface EvalLlmExtractor extends FactsExtractor {
  /** Starts every dialog at once (the extractor's limiter bounds the requests in flight). */
  prefetch(dialogs: readonly LabeledDialog[]): void;
  tally(): {
    failures: Map<string, number>;
    promptTokens: number;
    completionTokens: number;
    droppedQuotes: number;
  };
}

/** What a failed extraction counts as: the least committal facts (scored like an unknown new lead). */
const FAILED_FACTS: DialogFacts = {
  funnel_stage: "new_lead",
  niche: "other",
  is_owner_or_decision_maker: false,
  budget_stated: false,
  is_targetologist_or_smm: false,
  questionnaire: { niche: null, decision_maker: null, budget: null, start: null },
  summary: "",
};

/**
 * The LLM extractor of the analyst (`createLlmExtractor`) as a {@link FactsExtractor}, configured from
 * the environment like the service (`LLM_BASE_URL`, `LLM_API_KEY`, `LLM_MODEL`, `LLM_TIMEOUT_MS`,
 * `LLM_MAX_RETRIES`, `LLM_CONCURRENCY`; see `config.ts`), or `null` when `LLM_BASE_URL` is unset.
 * A failed extraction counts as {@link FAILED_FACTS} and is tallied by failure code.
 * @throws Error when a variable is invalid.
 */
function llmExtractorFromEnv(env: NodeJS.ProcessEnv): EvalLlmExtractor | null {
  const settings = llmSettingsOf(loadConfig(AnalystConfig, env));
  if (settings === null) return null;
  const llm = createLlmExtractor({
    ...settings,
    logger: createLogger("analyst-eval", env["LOG_LEVEL"] ?? "warn"),
  });
  const failures = new Map<string, number>();
  let promptTokens = 0;
  let completionTokens = 0;
  let droppedQuotes = 0;
  const started = new WeakMap<readonly DialogMessage[], Promise<DialogFacts>>();
  const run = async (messages: readonly DialogMessage[]): Promise<DialogFacts> => {
    const result = await llm.extract({ messages });
    promptTokens += result.usage.prompt_tokens;
    completionTokens += result.usage.completion_tokens;
    if (result.ok) {
      droppedQuotes += result.droppedQuotes;
      return result.facts;
    }
    failures.set(result.code, (failures.get(result.code) ?? 0) + 1);
    return FAILED_FACTS;
  };
  const extract = (messages: readonly DialogMessage[]): Promise<DialogFacts> => {
    let facts = started.get(messages);
    if (facts === undefined) {
      facts = run(messages);
      // Prefetched: a rejection surfaces when evaluateExtractor awaits it, not as an unhandled one.
      facts.catch(() => undefined);
      started.set(messages, facts);
    }
    return facts;
  };
  return {
    name: `llm ${settings.model} (${PROMPT_VERSION})`,
    extract,
    prefetch: (dialogs) => {
      for (const d of dialogs) void extract(d.messages);
    },
    tally: () => ({ failures, promptTokens, completionTokens, droppedQuotes }),
  };
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const suite = argv.find((a) => !a.startsWith("--")) ?? "analyst";
  if (!(SUITES as readonly string[]).includes(suite)) {
    console.error(`unknown eval suite ${JSON.stringify(suite)}; known: ${SUITES.join(", ")}`);
    return 2;
  }
  const verbose = argv.includes("--verbose");
  const repo = fileURLToPath(new URL("../../../../", import.meta.url));
  const fixturesDir = resolve(env["FIXTURES_DIR"] ?? join(repo, "../shared/fixtures"));
  const path = join(fixturesDir, "dialogs/labeled.jsonl");
  let dialogs: ReturnType<typeof parseLabeledDialogs>;
  try {
    dialogs = parseLabeledDialogs(readFileSync(path, "utf8"));
  } catch (error) {
    console.error(`cannot read ${path}: ${(error as Error).message} (set FIXTURES_DIR)`);
    return 2;
  }
  console.log(`analyst eval: ${dialogs.length} labeled dialogs from ${path}`);

  let llm: EvalLlmExtractor | null;
  try {
    llm = llmExtractorFromEnv(env);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (llm === null)
    console.log("LLM extractor: skipped (set LLM_BASE_URL, and LLM_API_KEY if needed, to evaluate it too).");
  for (const extractor of llm === null ? [offlineExtractor] : [offlineExtractor, llm]) {
    if (extractor === llm) llm.prefetch(dialogs);
    const result = await evaluateExtractor(extractor, dialogs, () => performance.now());
    console.log(formatEvaluation(result, verbose).join("\n"));
    if (extractor === llm) {
      const t = llm.tally();
      const failed = [...t.failures].map(([code, n]) => `${code} ×${n}`).join(", ");
      console.log(
        `llm: failed extractions ${failed === "" ? "0" : failed} (scored as an unknown new lead); ` +
          `tokens ${t.promptTokens} prompt + ${t.completionTokens} completion; non-verbatim quotes dropped ${t.droppedQuotes}`,
      );
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2), process.env);
