/**
 * Evaluation of a facts extractor on labeled dialogs: interest (hot/warm/cold) per-class
 * precision/recall/F1 and macro-F1 with the score computed by `scoreDialog`, funnel-stage accuracy,
 * per-fact accuracy (niche, owner, budget, targetologist) and questionnaire answered/unanswered accuracy.
 */
import {
  type DialogFacts,
  FUNNEL_STAGES,
  INTEREST_LEVELS,
  type InterestLevel,
  scoreDialog,
} from "@pulse/domain";
import type { DialogMessage } from "../analysis/offline-extractor.js";
import type { LabeledDialog } from "./labeled-dialogs.js";
import { type ClassificationReport, classificationReport } from "./metrics.js";

/** Anything that turns a dialog into facts: the offline rules, or an LLM client. */
export interface FactsExtractor {
  readonly name: string;
  extract(messages: readonly DialogMessage[]): DialogFacts | Promise<DialogFacts>;
}

/** One dialog whose prediction differs from gold somewhere. */
export interface Mismatch {
  readonly id: string;
  readonly fields: readonly string[];
}

/** The numbers the eval prints. Accuracies are fractions 0–1. */
export interface EvaluationResult {
  readonly extractor: string;
  readonly dialogs: number;
  readonly interest: ClassificationReport;
  readonly stage: ClassificationReport;
  readonly factAccuracy: Readonly<Record<"niche" | "owner" | "budget" | "targetologist", number>>;
  readonly questionnaireAnsweredAccuracy: number;
  readonly scoreMeanAbsoluteError: number;
  readonly mismatches: readonly Mismatch[];
  readonly millis: number;
}

const fraction = (hits: number, total: number): number => (total === 0 ? 0 : hits / total);

/**
 * Runs `extractor` over every dialog, sequentially, and compares with gold.
 * @param now a monotonic clock in ms, for the timing figure only (pass `performance.now`).
 */
export async function evaluateExtractor(
  extractor: FactsExtractor,
  dialogs: readonly LabeledDialog[],
  now: () => number,
): Promise<EvaluationResult> {
  const started = now();
  const goldInterest: InterestLevel[] = [];
  const predInterest: InterestLevel[] = [];
  const goldStage: string[] = [];
  const predStage: string[] = [];
  const hits = { niche: 0, owner: 0, budget: 0, targetologist: 0 };
  let questionnaireHits = 0;
  let questionnaireTotal = 0;
  let absError = 0;
  const mismatches: Mismatch[] = [];
  for (const dialog of dialogs) {
    const facts = await extractor.extract(dialog.messages);
    const { score, interest } = scoreDialog(facts);
    const g = dialog.gold;
    goldInterest.push(g.interest);
    predInterest.push(interest);
    goldStage.push(g.stage);
    predStage.push(facts.funnel_stage);
    const fields: string[] = [];
    const check = (name: keyof typeof hits, ok: boolean, detail: string): void => {
      if (ok) hits[name] += 1;
      else fields.push(detail);
    };
    check("niche", facts.niche === g.niche, `niche ${facts.niche}≠${g.niche}`);
    check(
      "owner",
      facts.is_owner_or_decision_maker === g.isOwner,
      `owner ${facts.is_owner_or_decision_maker}≠${g.isOwner}`,
    );
    check(
      "budget",
      facts.budget_stated === g.budgetStated,
      `budget ${facts.budget_stated}≠${g.budgetStated}`,
    );
    check(
      "targetologist",
      facts.is_targetologist_or_smm === g.isTargetologist,
      `targetologist ${facts.is_targetologist_or_smm}≠${g.isTargetologist}`,
    );
    if (facts.funnel_stage !== g.stage) fields.unshift(`stage ${facts.funnel_stage}≠${g.stage}`);
    if (interest !== g.interest)
      fields.unshift(`interest ${interest}≠${g.interest} (${score} vs ${g.score})`);
    for (const [id, answer] of Object.entries(g.questionnaire)) {
      questionnaireTotal += 1;
      const predicted = facts.questionnaire[id] ?? null;
      if ((answer === null) === (predicted === null)) questionnaireHits += 1;
    }
    absError += Math.abs(score - g.score);
    if (fields.length > 0) mismatches.push({ id: dialog.id, fields });
  }
  return {
    extractor: extractor.name,
    dialogs: dialogs.length,
    interest: classificationReport(goldInterest, predInterest, INTEREST_LEVELS),
    stage: classificationReport(goldStage, predStage, FUNNEL_STAGES),
    factAccuracy: {
      niche: fraction(hits.niche, dialogs.length),
      owner: fraction(hits.owner, dialogs.length),
      budget: fraction(hits.budget, dialogs.length),
      targetologist: fraction(hits.targetologist, dialogs.length),
    },
    questionnaireAnsweredAccuracy: fraction(questionnaireHits, questionnaireTotal),
    scoreMeanAbsoluteError: fraction(absError, dialogs.length),
    mismatches,
    millis: now() - started,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const f3 = (x: number): string => x.toFixed(3);

/** The report as text lines (what `pnpm eval analyst` prints). */
export function formatEvaluation(r: EvaluationResult, verbose: boolean): string[] {
  const lines = [
    `== ${r.extractor}: ${r.dialogs} dialogs in ${r.millis.toFixed(0)} ms`,
    "interest (from scoreDialog):",
  ];
  lines.push("  class  precision  recall  f1     support");
  for (const c of r.interest.perClass) {
    lines.push(
      `  ${c.label.padEnd(6)} ${f3(c.precision).padEnd(10)} ${f3(c.recall).padEnd(7)} ${f3(c.f1).padEnd(6)} ${c.support}`,
    );
  }
  lines.push(`  macro-F1 ${f3(r.interest.macroF1)}   accuracy ${pct(r.interest.accuracy)}`);
  lines.push(`funnel stage accuracy ${pct(r.stage.accuracy)} (macro-F1 ${f3(r.stage.macroF1)})`);
  for (const c of r.stage.perClass) {
    lines.push(
      `  ${c.label.padEnd(23)} P ${f3(c.precision)}  R ${f3(c.recall)}  F1 ${f3(c.f1)}  n=${c.support}`,
    );
  }
  const a = r.factAccuracy;
  lines.push(
    `fact accuracy: niche ${pct(a.niche)}, owner ${pct(a.owner)}, budget ${pct(a.budget)}, targetologist ${pct(a.targetologist)}`,
  );
  lines.push(`questionnaire answered/unanswered accuracy ${pct(r.questionnaireAnsweredAccuracy)}`);
  lines.push(`score mean absolute error ${r.scoreMeanAbsoluteError.toFixed(1)} points`);
  lines.push(
    `dialogs with any mismatch: ${r.mismatches.length}${verbose || r.mismatches.length === 0 ? "" : " (--verbose lists them)"}`,
  );
  if (verbose) for (const m of r.mismatches) lines.push(`  ${m.id}: ${m.fields.join("; ")}`);
  return lines;
}
