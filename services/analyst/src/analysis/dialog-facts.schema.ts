/**
 * The structured output the LLM must return for one dialog: the facts of SPEC "Dialog scoring" (funnel
 * stage, niche, owner/decision maker, budget stated, targetologist/SMM, questionnaire answers, summary)
 * and verbatim quotes supporting them. One zod schema is both the JSON Schema sent as
 * `response_format: json_schema` (strict) and the validator of the answer, so the two cannot drift.
 * The model never gives a score: `scoreDialog` of @pulse/domain computes it from these facts.
 */
import {
  DEFAULT_QUESTIONNAIRE,
  type DialogFacts,
  FUNNEL_STAGES,
  NICHES,
  type QuestionnaireQuestion,
} from "@pulse/domain";
import { z } from "zod";
import {
  type DialogMessage,
  type EvidenceFact,
  type FactEvidence,
  normalizeForMatch,
} from "./offline-extractor.js";

/** The facts that can carry evidence, besides `questionnaire.<question id>`. */
const FACT_FIELDS = [
  "funnel_stage",
  "niche",
  "is_owner_or_decision_maker",
  "budget_stated",
  "is_targetologist_or_smm",
] as const;

/**
 * The zod schema of the model's answer for a questionnaire (default {@link DEFAULT_QUESTIONNAIRE}):
 * ```
 * { summary: string,
 *   evidence: [{ fact: "funnel_stage" | … | "questionnaire.<id>", quote: string, message_index: int ≥ 1 }],
 *   questionnaire: { <question id>: string | null, … },
 *   niche: "medicine" | "info_business" | "other",
 *   is_owner_or_decision_maker: boolean, budget_stated: boolean, is_targetologist_or_smm: boolean,
 *   funnel_stage: "new_lead" | … | "deal_lost" }
 * ```
 * Every property is required and no other is allowed, in the JSON Schema (OpenAI strict mode needs
 * exactly that) and in validation alike: an answer with an extra key did not follow the schema. The
 * property order is the order the model writes in: quotes and answers before the verdicts they support.
 * `message_index` is the 1-based `[n]` of the prompt.
 */
export function dialogFactsSchema(questionnaire: readonly QuestionnaireQuestion[] = DEFAULT_QUESTIONNAIRE) {
  const ids = questionnaire.map((q) => q.id);
  const factNames = [...FACT_FIELDS, ...ids.map((id) => `questionnaire.${id}`)] as [string, ...string[]];
  return z.strictObject({
    summary: z
      .string()
      .describe(
        "One or two sentences for the sales team: who the client is, what they want, where it stands.",
      ),
    evidence: z
      .array(
        z.strictObject({
          fact: z.enum(factNames).describe("The fact this quote supports."),
          quote: z.string().describe("A verbatim substring of one message, copied character for character."),
          message_index: z.number().int().describe("The [n] number of the message the quote is taken from."),
        }),
      )
      .describe(
        "Quotes supporting the stage, every fact that is true, and the deciding negative of a tricky case.",
      ),
    questionnaire: z
      .strictObject(Object.fromEntries(ids.map((id) => [id, z.string().nullable()])))
      .describe(
        "Per question id: a short paraphrase of the client's own answer in the dialog's language, or null when unanswered.",
      ),
    niche: z.enum(NICHES),
    is_owner_or_decision_maker: z.boolean(),
    budget_stated: z.boolean(),
    is_targetologist_or_smm: z.boolean(),
    funnel_stage: z.enum(FUNNEL_STAGES).describe("The state at the last message."),
  });
}
/** The model's answer, as {@link dialogFactsSchema} validates it. */
export type LlmDialogFacts = z.infer<ReturnType<typeof dialogFactsSchema>>;

/** Removes what strict structured output does not accept or need from a zod-generated JSON Schema. */
function stripForStrictMode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripForStrictMode);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema") continue;
    // z.number().int() adds ±MAX_SAFE_INTEGER bounds: noise for the model, and not every
    // OpenAI-compatible server accepts numeric bounds in strict mode.
    if ((key === "minimum" || key === "maximum") && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
      continue;
    out[key] = stripForStrictMode(value);
  }
  return out;
}

/**
 * The JSON Schema (draft 2020-12 subset accepted by OpenAI strict mode) of {@link dialogFactsSchema}:
 * objects with all properties required and `additionalProperties: false`, nullable strings as
 * `type: ["string", "null"]`, no `$schema` key.
 */
export function dialogFactsJsonSchema(
  questionnaire: readonly QuestionnaireQuestion[] = DEFAULT_QUESTIONNAIRE,
): Record<string, unknown> {
  return stripForStrictMode(z.toJSONSchema(dialogFactsSchema(questionnaire), { io: "output" })) as Record<
    string,
    unknown
  >;
}

/** Lower-case, `ё`→`е`, typographic quotes unified, whitespace runs → one space; with index map to the original. */
function normalizeWithMap(text: string): { norm: string; map: number[] } {
  const lowered = normalizeForMatch(text); // same length as `text`
  let norm = "";
  const map: number[] = [];
  let space = false;
  for (let i = 0; i < lowered.length; i++) {
    const c = lowered[i]!;
    if (/\s/.test(c)) {
      if (!space && norm.length > 0) {
        norm += " ";
        map.push(i);
      }
      space = true;
      continue;
    }
    space = false;
    norm += c === "«" || c === "»" || c === "“" || c === "”" || c === "„" ? '"' : c;
    map.push(i);
  }
  return { norm: norm.trimEnd(), map };
}

/**
 * Finds a quote of the model in the dialog: first in message `hintIndex` (0-based), then in the others
 * in order. Matching ignores case, `ё`/`е`, whitespace runs, the kind of quotation marks and
 * surrounding quotes or ellipses the model may add. Returns the message index and the quote as it stands
 * in the original text, or `null` when the quote is not a substring of any message (paraphrased or
 * invented quotes are dropped, never stored as evidence).
 */
export function locateQuote(
  quote: string,
  messages: readonly DialogMessage[],
  hintIndex: number,
): { message_index: number; quote: string } | null {
  // The quote as given first; then without the quotation marks or ellipses the model may wrap it in
  // (a quote that itself starts with «…» must keep them).
  const wanted = [quote, quote.replace(/^[\s"'«»“”„.…]+|[\s"'«»“”„.…]+$/g, "")]
    .map((q) => normalizeWithMap(q.trim()).norm)
    .filter((q, i, all) => /[\p{L}\p{N}]/u.test(q) && all.indexOf(q) === i);
  if (wanted.length === 0) return null;
  const order = [hintIndex, ...messages.keys()].filter(
    (i, k, all) => i >= 0 && i < messages.length && all.indexOf(i) === k,
  );
  for (const candidate of wanted) {
    for (const index of order) {
      const text = messages[index]!.text;
      const { norm, map } = normalizeWithMap(text);
      const at = norm.indexOf(candidate);
      if (at < 0) continue;
      const start = map[at]!;
      const end = map[at + candidate.length - 1]! + 1;
      return { message_index: index, quote: text.slice(start, end) };
    }
  }
  return null;
}

/**
 * Maps a validated answer to the domain: {@link DialogFacts} (questionnaire answers trimmed, blank →
 * `null`, keys limited to the questionnaire's ids) and {@link FactEvidence} in the offline extractor's
 * shape (`rule: "llm_quote"`, 0-based `message_index`, `direction` of the quoted message). Quotes not
 * found verbatim are dropped and counted in `droppedQuotes`.
 */
export function toDomainFacts(
  answer: LlmDialogFacts,
  messages: readonly DialogMessage[],
  questionnaire: readonly QuestionnaireQuestion[] = DEFAULT_QUESTIONNAIRE,
): { facts: DialogFacts; evidence: FactEvidence[]; droppedQuotes: number } {
  const answers: Record<string, string | null> = {};
  for (const q of questionnaire) {
    const a = answer.questionnaire[q.id];
    answers[q.id] = typeof a === "string" && a.trim() !== "" ? a.trim() : null;
  }
  const facts: DialogFacts = {
    funnel_stage: answer.funnel_stage,
    niche: answer.niche,
    is_owner_or_decision_maker: answer.is_owner_or_decision_maker,
    budget_stated: answer.budget_stated,
    is_targetologist_or_smm: answer.is_targetologist_or_smm,
    questionnaire: answers,
    summary: answer.summary.trim(),
  };
  const evidence: FactEvidence[] = [];
  const seen = new Set<string>();
  let droppedQuotes = 0;
  for (const e of answer.evidence) {
    const found = locateQuote(e.quote, messages, e.message_index - 1);
    if (found === null) {
      droppedQuotes += 1;
      continue;
    }
    const key = JSON.stringify([e.fact, found.message_index, found.quote]);
    if (seen.has(key)) continue;
    seen.add(key);
    evidence.push({
      fact: e.fact as EvidenceFact,
      rule: "llm_quote",
      message_index: found.message_index,
      direction: messages[found.message_index]!.direction,
      quote: found.quote,
    });
  }
  return { facts, evidence, droppedQuotes };
}
