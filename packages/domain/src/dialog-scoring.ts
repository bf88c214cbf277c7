/**
 * Dialog scoring (SPEC "Dialog scoring (analyst)"). An extractor — the LLM, or the offline rule
 * extractor when no LLM is configured — turns a dialog into {@link DialogFacts}; the score is computed
 * from the facts by a fixed table here, so it is explainable (every point has a reason) and
 * recomputable when the table changes. The zod schema for facts coming from the LLM lives in the
 * analyst; this is the plain type it must produce.
 */

/** Funnel stages, in funnel order, with `deal_lost` last (SPEC "Funnel stage base score"). */
export const FUNNEL_STAGES = [
  "new_lead",
  "not_qualified",
  "qualified",
  "consultation_booked",
  "consultation_completed",
  "deal_closed",
  "deal_lost",
] as const;
/** A funnel stage: the state of the dialog at its last message. */
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Niches of the client's business that move the score (SPEC: medicine / info-business / other). */
export const NICHES = ["medicine", "info_business", "other"] as const;
/** `medicine` | `info_business` | `other` (also used when the niche is unknown). */
export type Niche = (typeof NICHES)[number];

/** Interest levels: bands of the score (SPEC: hot 75–100, warm 40–74, cold 0–39). */
export const INTEREST_LEVELS = ["hot", "warm", "cold"] as const;
/** `hot` | `warm` | `cold`. */
export type InterestLevel = (typeof INTEREST_LEVELS)[number];

/** One qualification question of a project's questionnaire. `id` is the key in {@link DialogFacts.questionnaire}. */
export interface QuestionnaireQuestion {
  readonly id: string;
  /** The question as a manager asks it (Russian, the agency's working language). */
  readonly text: string;
}

/**
 * The default questionnaire, 4 questions (SPEC "a per-project questionnaire, default 4 questions"): the
 * four a sales manager asks to qualify an ads + WhatsApp-funnel client — the business, who decides,
 * the monthly ad budget, and when to start (the questions of fixtures/dialogs/README.md).
 */
export const DEFAULT_QUESTIONNAIRE: readonly QuestionnaireQuestion[] = Object.freeze([
  { id: "niche", text: "Какой у вас бизнес / ниша?" },
  { id: "decision_maker", text: "Вы владелец или принимаете решение?" },
  { id: "budget", text: "Какой рекламный бюджет в месяц планируете?" },
  { id: "start", text: "Когда хотите стартовать?" },
]);

/**
 * The facts an extractor finds in one dialog (a deal's dialog in a shift, or a chat-only contact).
 * - `funnel_stage`: the state at the last message; later messages override earlier ones.
 * - `niche`: the niche of the business the ads would run for (a targetologist's client's niche).
 * - `is_owner_or_decision_maker`: the writer owns the business or says the decision is theirs.
 * - `budget_stated`: the client named or confirmed a figure for ad spend or the agency's fee.
 * - `is_targetologist_or_smm`: the writer is a freelance or agency targetologist / SMM specialist.
 * - `questionnaire`: question id → a short quote or paraphrase of the client's answer, `null` when not
 *   answered. Negative answers ("no budget yet") are answers.
 * - `summary`: one or two sentences for a human.
 */
export interface DialogFacts {
  readonly funnel_stage: FunnelStage;
  readonly niche: Niche;
  readonly is_owner_or_decision_maker: boolean;
  readonly budget_stated: boolean;
  readonly is_targetologist_or_smm: boolean;
  readonly questionnaire: Readonly<Record<string, string | null>>;
  readonly summary: string;
}

/**
 * The scoring table. Points are integers on the 0–100 scale; interest bands are inclusive lower bounds.
 * {@link DEFAULT_SCORING_RULES} is SPEC's table; a project may carry another one.
 */
export interface ScoringRules {
  readonly stageBase: Readonly<Record<FunnelStage, number>>;
  readonly nicheBonus: Readonly<Record<Niche, number>>;
  readonly ownerOrDecisionMaker: number;
  readonly budgetStated: number;
  readonly targetologistOrSmm: number;
  /** Lowest score that is `hot`, and lowest that is `warm`; below `warmFrom` is `cold`. */
  readonly hotFrom: number;
  readonly warmFrom: number;
}

/** SPEC "Dialog scoring": stage bases, modifiers (+15 medicine, +10 info-business, +10 owner, +10 budget, −30 targetologist/SMM), bands 75 / 40. */
export const DEFAULT_SCORING_RULES: ScoringRules = Object.freeze({
  stageBase: Object.freeze({
    new_lead: 5,
    not_qualified: 15,
    qualified: 30,
    consultation_booked: 40,
    consultation_completed: 55,
    deal_closed: 75,
    deal_lost: 0,
  }),
  nicheBonus: Object.freeze({ medicine: 15, info_business: 10, other: 0 }),
  ownerOrDecisionMaker: 10,
  budgetStated: 10,
  targetologistOrSmm: -30,
  hotFrom: 75,
  warmFrom: 40,
});

/**
 * One line of the explanation. `rule` is a stable id: `stage:<stage>`, `niche:<niche>`,
 * `owner_or_decision_maker`, `budget_stated`, `targetologist_or_smm`, `clamp:0` or `clamp:100`.
 * `points` is what the rule added (negative when it took points away).
 */
export interface ScoreReason {
  readonly rule: string;
  readonly points: number;
}

/** A score 0–100, its interest band, and the reasons; the reasons' points always sum to the score. */
export interface DialogScore {
  readonly score: number;
  readonly interest: InterestLevel;
  readonly reasons: readonly ScoreReason[];
}

/** Minimum number of incoming messages before a dialog is analysed (SPEC `minIncoming`, default 3). */
export const DEFAULT_MIN_INCOMING = 3;

/**
 * The interest band of a score: `hot` from `rules.hotFrom` (75), `warm` from `rules.warmFrom` (40),
 * else `cold`. Scores outside 0–100 are banded as they are; {@link scoreDialog} never produces them.
 */
export function interestOf(score: number, rules: ScoringRules = DEFAULT_SCORING_RULES): InterestLevel {
  if (score >= rules.hotFrom) return "hot";
  if (score >= rules.warmFrom) return "warm";
  return "cold";
}

/**
 * Scores a dialog from its facts: base(stage) + niche + owner + budget + targetologist, clamped to
 * 0–100, banded into an interest level. Pure and total: any well-typed facts give a score.
 * Every non-zero contribution is a reason, in the order above; clamping adds a `clamp:0` / `clamp:100`
 * reason so that the reasons always add up to the score.
 */
export function scoreDialog(facts: DialogFacts, rules: ScoringRules = DEFAULT_SCORING_RULES): DialogScore {
  const reasons: ScoreReason[] = [
    { rule: `stage:${facts.funnel_stage}`, points: rules.stageBase[facts.funnel_stage] },
  ];
  const add = (rule: string, points: number, applies: boolean): void => {
    if (applies && points !== 0) reasons.push({ rule, points });
  };
  add(`niche:${facts.niche}`, rules.nicheBonus[facts.niche], true);
  add("owner_or_decision_maker", rules.ownerOrDecisionMaker, facts.is_owner_or_decision_maker);
  add("budget_stated", rules.budgetStated, facts.budget_stated);
  add("targetologist_or_smm", rules.targetologistOrSmm, facts.is_targetologist_or_smm);
  const raw = reasons.reduce((sum, r) => sum + r.points, 0);
  const score = Math.min(100, Math.max(0, raw));
  if (score !== raw) reasons.push({ rule: raw < 0 ? "clamp:0" : "clamp:100", points: score - raw });
  return { score, interest: interestOf(score, rules), reasons };
}

/**
 * How many questions of `questionnaire` have a non-null answer in `facts.questionnaire`, and whether
 * all of them do (the "qualification complete" filter of the analysis list, SPEC "Reads").
 */
export function questionnaireProgress(
  facts: Pick<DialogFacts, "questionnaire">,
  questionnaire: readonly QuestionnaireQuestion[] = DEFAULT_QUESTIONNAIRE,
): { answered: number; total: number; complete: boolean } {
  const answered = questionnaire.filter((q) => {
    const a = facts.questionnaire[q.id];
    return typeof a === "string" && a.trim() !== "";
  }).length;
  return { answered, total: questionnaire.length, complete: answered === questionnaire.length };
}
