/**
 * Analysis of one dialog (SPEC "Dialog scoring (analyst)"): skip dialogs with too few client messages,
 * recognise inputs already analysed, guard the per-project daily token budget, extract the facts (LLM,
 * or the offline rules when no LLM is configured), score them with `scoreDialog` of @pulse/domain, and
 * produce exactly the `data` of `analysis.dialog_scored` / `analysis.dialog_failed` — plus
 * {@link toAnalysisEvent}, which wraps it in the event envelope.
 *
 * Ledger policy (idempotency): an input is recorded once the model has answered it — `scored`, or
 * failed with `invalid_output` — so it is never sent (paid for) again under the same prompt version.
 * Failures without an answer (`timeout`, `http_429`, `http_5xx`, `network`, `http_4xx` such as a bad
 * key, `budget_exhausted`) are not recorded: a later run tries the dialog again.
 */
import { performance } from "node:perf_hooks";
import {
  DEFAULT_MIN_INCOMING,
  DEFAULT_QUESTIONNAIRE,
  DEFAULT_SCORING_RULES,
  type DialogFacts,
  type QuestionnaireQuestion,
  type ScoringRules,
  scoreDialog,
} from "@pulse/domain";
import { DialogFailed, DialogScored, toIsoInstant } from "@pulse/events";
import type { Logger } from "@pulse/infra";
import { monotonicFactory } from "ulid";
import type { AnalysisKey, AnalysisLedger } from "../ledger/analysis-ledger.js";
import type { LlmExtractor } from "../llm/llm-extractor.js";
import { type TokenBudget, utcDayOf } from "../llm/token-budget.js";
import { inputHash } from "./input-hash.js";
import { type DialogMessage, extractDialogFactsOffline, type FactEvidence } from "./offline-extractor.js";

/**
 * The "prompt version" of offline results: the version of the offline rule set. It takes the place of
 * `PROMPT_VERSION` in the input hash and dedup key, so switching from offline to an LLM (or back)
 * analyses every dialog again instead of treating the other mode's result as done.
 */
export const OFFLINE_PROMPT_VERSION = "offline-rules@1";

/**
 * One dialog to analyse: a deal's dialog in a shift window, or a chat-only contact's.
 * - `dialog_key`: the shift deal table's key (`lead:{id}` | `phone:{E.164}`) with its window:
 *   `{key}@{shift_id}` for a shift, `{key}@{from}/{to}` for an on-demand period (built by
 *   `dialog-source.repository.ts`);
 * - `window_start`/`window_end`: ISO-8601 UTC instants with milliseconds (`IsoInstant`);
 * - `messages`: in dialog order; `sent_at` ISO-8601; `incoming` = the client.
 */
export interface AnalysisDialog {
  readonly project_id: string;
  readonly dialog_key: string;
  readonly lead_id: number | null;
  readonly phone: string | null;
  readonly shift_id: string | null;
  readonly window_start: string;
  readonly window_end: string;
  readonly manager_id: number | null;
  readonly messages: readonly DialogMessage[];
}

/** The `data` of `analysis.dialog_scored` v1. */
export type DialogScoredData = DialogScored["data"];
/** The `data` of `analysis.dialog_failed` v1. */
export type DialogFailedData = DialogFailed["data"];

/** Why a dialog was not analysed: too few client messages, or this input was analysed already. */
export type SkipReason = "too_few_incoming" | "already_analyzed";

/**
 * What {@link analyzeDialog} returns: the data of the event to publish, or a skip (nothing to publish).
 * `input_hash` of a skip is `null` when the dialog was skipped before hashing.
 */
export type AnalysisOutcome =
  | { readonly kind: "scored"; readonly data: DialogScoredData }
  | { readonly kind: "failed"; readonly data: DialogFailedData }
  | {
      readonly kind: "skipped";
      readonly reason: SkipReason;
      readonly incoming: number;
      readonly input_hash: string | null;
    };

/** What {@link analyzeDialog} needs. Only `ledger` and `budget` are required besides the extractor choice. */
export interface AnalyzeDialogDeps {
  /** The LLM extractor (`llm` mode), or `null` for the offline rules (`offline` mode, model `null`). */
  readonly extractor: LlmExtractor | null;
  readonly ledger: AnalysisLedger;
  /** Consulted in `llm` mode only (offline extraction costs no tokens). */
  readonly budget: TokenBudget;
  readonly logger?: Logger;
  /** The project's questionnaire (default the 4 questions of `DEFAULT_QUESTIONNAIRE`). */
  readonly questionnaire?: readonly QuestionnaireQuestion[];
  /** The project's scoring table (default SPEC's `DEFAULT_SCORING_RULES`). */
  readonly scoringRules?: ScoringRules;
  /** Fewest incoming messages to analyse (`ANALYSIS_MIN_INCOMING`, default 3). */
  readonly minIncoming?: number;
  /** The project's time zone for the local times of the prompt (IANA or `±HH:MM`, default `UTC`). */
  readonly timeZone?: string;
  /** Wall clock, epoch ms (default `Date.now`): picks the budget's UTC day. */
  readonly now?: () => number;
  /** Monotonic clock, ms (default `performance.now`): `duration_ms`. */
  readonly monotonicNow?: () => number;
}

/** The ledger key, mode, model and input hash under which `dialog` would be analysed with `deps`. */
export function analysisIdentity(
  dialog: AnalysisDialog,
  deps: Pick<AnalyzeDialogDeps, "extractor" | "questionnaire" | "timeZone">,
): AnalysisKey & { mode: "llm" | "offline"; model: string | null } {
  const llm = deps.extractor;
  const prompt_version = llm === null ? OFFLINE_PROMPT_VERSION : llm.promptVersion;
  const model = llm === null ? null : llm.model;
  const input_hash = inputHash({
    messages: dialog.messages,
    questionnaire: deps.questionnaire ?? DEFAULT_QUESTIONNAIRE,
    promptVersion: prompt_version,
    model,
    timeZone: deps.timeZone ?? "UTC",
  });
  return {
    project_id: dialog.project_id,
    dialog_key: dialog.dialog_key,
    input_hash,
    prompt_version,
    mode: llm === null ? "offline" : "llm",
    model,
  };
}

/**
 * Analyses one dialog (see the module comment for the order of the guards and the ledger policy).
 *
 * Returns `{kind: "skipped"}` with fewer than `minIncoming` incoming messages or an input the ledger
 * already holds; `{kind: "failed"}` with code `budget_exhausted` (no request sent, `attempts` 0) when the
 * project's reservation for today does not fit, or with the extractor's code (`invalid_output`,
 * `timeout`, `http_429`, `http_4xx`, `http_5xx`, `network`) and the number of HTTP attempts; else
 * `{kind: "scored"}` with the facts, evidence, score/interest/reasons of `scoreDialog`, message counts,
 * token usage (0 offline) and `duration_ms` (the whole analysis, queueing for a slot included).
 * Never rejects for LLM or HTTP problems.
 * @throws RangeError for an unknown `timeZone` (a configuration error).
 */
export async function analyzeDialog(
  dialog: AnalysisDialog,
  deps: AnalyzeDialogDeps,
): Promise<AnalysisOutcome> {
  const clock = deps.monotonicNow ?? (() => performance.now());
  const started = clock();
  const incoming = dialog.messages.filter((m) => m.direction === "incoming").length;
  const outgoing = dialog.messages.length - incoming;
  if (incoming < (deps.minIncoming ?? DEFAULT_MIN_INCOMING))
    return { kind: "skipped", reason: "too_few_incoming", incoming, input_hash: null };

  const questionnaire = deps.questionnaire ?? DEFAULT_QUESTIONNAIRE;
  const id = analysisIdentity(dialog, deps);
  if (await deps.ledger.has(id.project_id, id.dialog_key, id.input_hash, id.prompt_version))
    return { kind: "skipped", reason: "already_analyzed", incoming, input_hash: id.input_hash };

  const ref = {
    dialog_key: dialog.dialog_key,
    lead_id: dialog.lead_id,
    phone: dialog.phone,
    shift_id: dialog.shift_id,
    window_start: dialog.window_start,
    window_end: dialog.window_end,
    manager_id: dialog.manager_id,
    input_hash: id.input_hash,
    prompt_version: id.prompt_version,
    mode: id.mode,
    model: id.model,
  };
  const key: AnalysisKey = id;
  const log = deps.logger?.child({
    project_id: dialog.project_id,
    dialog_key: dialog.dialog_key,
    mode: id.mode,
  });

  let extraction: {
    facts: DialogFacts;
    evidence: readonly FactEvidence[];
    usage: { prompt_tokens: number; completion_tokens: number };
  };
  const llm = deps.extractor;
  if (llm === null) {
    const offline = extractDialogFactsOffline(dialog.messages, { questionnaire });
    extraction = {
      facts: offline.facts,
      evidence: offline.evidence,
      usage: { prompt_tokens: 0, completion_tokens: 0 },
    };
  } else {
    const input = { messages: dialog.messages, questionnaire, timeZone: deps.timeZone ?? "UTC" };
    const estimate = llm.estimateTokens(input);
    const day = utcDayOf((deps.now ?? Date.now)());
    if (!(await deps.budget.tryReserve(dialog.project_id, day, estimate))) {
      const used = await deps.budget.used(dialog.project_id, day);
      log?.warn({ day, used_tokens: used, estimate_tokens: estimate }, "daily token budget exhausted");
      return {
        kind: "failed",
        data: {
          ...ref,
          code: "budget_exhausted",
          message: `the project's LLM token budget for ${day} (UTC) is exhausted: ${used} tokens booked, this dialog needs up to ${estimate}`,
          attempts: 0,
          usage: { prompt_tokens: 0, completion_tokens: 0 },
        },
      };
    }
    let spent = 0;
    try {
      const result = await llm.extract(input);
      spent = result.usage.prompt_tokens + result.usage.completion_tokens;
      if (!result.ok) {
        if (result.code === "invalid_output")
          await deps.ledger.record(key, { kind: "failed", code: result.code });
        log?.warn(
          { code: result.code, attempts: result.attempts, status: result.status },
          "dialog analysis failed",
        );
        return {
          kind: "failed",
          data: {
            ...ref,
            code: result.code,
            message: result.message,
            attempts: result.attempts,
            usage: result.usage,
          },
        };
      }
      extraction = { facts: result.facts, evidence: result.evidence, usage: result.usage };
    } finally {
      await deps.budget.settle(dialog.project_id, day, estimate, spent);
    }
  }

  const rules = deps.scoringRules ?? DEFAULT_SCORING_RULES;
  const { score, interest, reasons } = scoreDialog(extraction.facts, rules);
  await deps.ledger.record(key, { kind: "scored" });
  const data: DialogScoredData = {
    ...ref,
    facts: { ...extraction.facts, questionnaire: { ...extraction.facts.questionnaire } },
    evidence: extraction.evidence.map((e) => ({ ...e })),
    score,
    interest,
    reasons: reasons.map((r) => ({ rule: r.rule, points: r.points })),
    incoming,
    outgoing,
    usage: { ...extraction.usage },
    duration_ms: Math.max(0, clock() - started),
  };
  log?.debug({ score, interest, usage: data.usage, duration_ms: data.duration_ms }, "dialog scored");
  return { kind: "scored", data };
}

/**
 * Wraps {@link analyzeDialog} for a long-running consumer: concurrent calls for the same analysis
 * identity (project, dialog key, input hash, prompt version) share one run — the later callers get
 * `{kind: "skipped", reason: "already_analyzed"}` — so a redelivered message never causes a second
 * model call while the first is still running.
 */
export function createDialogAnalyzer(
  deps: AnalyzeDialogDeps,
): (dialog: AnalysisDialog) => Promise<AnalysisOutcome> {
  const running = new Set<string>();
  return async (dialog) => {
    const incoming = dialog.messages.filter((m) => m.direction === "incoming").length;
    if (incoming < (deps.minIncoming ?? DEFAULT_MIN_INCOMING)) return analyzeDialog(dialog, deps);
    const id = analysisIdentity(dialog, deps);
    const key = JSON.stringify([id.project_id, id.dialog_key, id.input_hash, id.prompt_version]);
    if (running.has(key))
      return { kind: "skipped", reason: "already_analyzed", incoming, input_hash: id.input_hash };
    running.add(key);
    try {
      return await analyzeDialog(dialog, deps);
    } finally {
      running.delete(key);
    }
  };
}

/** Options of {@link toAnalysisEvent}. */
export interface AnalysisEventOptions {
  /** Epoch ms of the analysis result: `occurred_at` and `recorded_at`. */
  readonly nowMs: number;
  /** ULID factory `(epochMs) => ULID` (default a monotonic `ulid`). */
  readonly newId?: (epochMs: number) => string;
}

const defaultIds = monotonicFactory();

/**
 * The event to publish for an analysis outcome: `analysis.dialog_scored` v1 or `analysis.dialog_failed`
 * v1 with a ULID `id`, `source: "analyst"`, `raw: null`, `occurred_at = recorded_at = nowMs` (ISO-8601
 * UTC) and the dedup key `analysis:{project}:{dialog_key}:{input_hash}:{prompt_version}`
 * (`analysis-failed:…` for a failure, as the event catalogue defines). Validated against the event
 * schema before it is returned.
 * @throws ZodError when the outcome does not fit the event schema (a bug, e.g. a non-UTC window instant).
 */
export function toAnalysisEvent(
  projectId: string,
  outcome: Extract<AnalysisOutcome, { kind: "scored" | "failed" }>,
  options: AnalysisEventOptions,
): DialogScored | DialogFailed {
  const at = toIsoInstant(options.nowMs);
  const id = (options.newId ?? defaultIds)(options.nowMs);
  const d = outcome.data;
  const identity = `${projectId}:${d.dialog_key}:${d.input_hash}:${d.prompt_version}`;
  const envelope = {
    id,
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    source: "analyst",
    raw: null,
  } as const;
  return outcome.kind === "scored"
    ? DialogScored.parse({
        ...envelope,
        type: "analysis.dialog_scored",
        dedup_key: `analysis:${identity}`,
        data: outcome.data,
      })
    : DialogFailed.parse({
        ...envelope,
        type: "analysis.dialog_failed",
        dedup_key: `analysis-failed:${identity}`,
        data: outcome.data,
      });
}
