import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  DEFAULT_QUESTIONNAIRE,
  DEFAULT_SCORING_RULES,
  type DialogFacts,
  FUNNEL_STAGES,
  type FunnelStage,
  interestOf,
  NICHES,
  questionnaireProgress,
  scoreDialog,
} from "./dialog-scoring.js";

const base: DialogFacts = {
  funnel_stage: "new_lead",
  niche: "other",
  is_owner_or_decision_maker: false,
  budget_stated: false,
  is_targetologist_or_smm: false,
  questionnaire: { niche: null, decision_maker: null, budget: null, start: null },
  summary: "",
};
const facts = (over: Partial<DialogFacts>): DialogFacts => ({ ...base, ...over });

describe("scoreDialog: funnel stage base", () => {
  const expected: Record<FunnelStage, [number, string]> = {
    new_lead: [5, "cold"],
    not_qualified: [15, "cold"],
    qualified: [30, "cold"],
    consultation_booked: [40, "warm"],
    consultation_completed: [55, "warm"],
    deal_closed: [75, "hot"],
    deal_lost: [0, "cold"],
  };
  for (const stage of FUNNEL_STAGES) {
    const [score, interest] = expected[stage];
    test(`given stage ${stage} and no modifiers, when scored, then ${score} (${interest})`, () => {
      const result = scoreDialog(facts({ funnel_stage: stage }));
      assert.equal(result.score, score);
      assert.equal(result.interest, interest);
      assert.deepEqual(result.reasons, [{ rule: `stage:${stage}`, points: score }]);
    });
  }
});

describe("scoreDialog: modifiers", () => {
  test("given a medicine niche, when scored, then +15 with a niche reason", () => {
    const result = scoreDialog(facts({ funnel_stage: "qualified", niche: "medicine" }));
    assert.equal(result.score, 45);
    assert.deepEqual(result.reasons[1], { rule: "niche:medicine", points: 15 });
  });

  test("given an info-business niche, when scored, then +10", () => {
    const result = scoreDialog(facts({ funnel_stage: "qualified", niche: "info_business" }));
    assert.equal(result.score, 40);
    assert.deepEqual(result.reasons[1], { rule: "niche:info_business", points: 10 });
  });

  test("given the other niche, when scored, then no niche reason", () => {
    const result = scoreDialog(facts({ funnel_stage: "qualified", niche: "other" }));
    assert.equal(result.score, 30);
    assert.equal(result.reasons.length, 1);
  });

  test("given an owner or decision maker, when scored, then +10", () => {
    const result = scoreDialog(facts({ funnel_stage: "qualified", is_owner_or_decision_maker: true }));
    assert.equal(result.score, 40);
    assert.deepEqual(result.reasons[1], { rule: "owner_or_decision_maker", points: 10 });
  });

  test("given a stated budget, when scored, then +10", () => {
    const result = scoreDialog(facts({ funnel_stage: "qualified", budget_stated: true }));
    assert.equal(result.score, 40);
    assert.deepEqual(result.reasons[1], { rule: "budget_stated", points: 10 });
  });

  test("given a targetologist/SMM writer, when scored, then −30", () => {
    const result = scoreDialog(
      facts({ funnel_stage: "consultation_completed", is_targetologist_or_smm: true }),
    );
    assert.equal(result.score, 25);
    assert.deepEqual(result.reasons[1], { rule: "targetologist_or_smm", points: -30 });
  });

  test("given a booked medicine owner with a budget, when scored, then 75 and hot (the README example)", () => {
    const result = scoreDialog(
      facts({
        funnel_stage: "consultation_booked",
        niche: "medicine",
        is_owner_or_decision_maker: true,
        budget_stated: true,
      }),
    );
    assert.equal(result.score, 75);
    assert.equal(result.interest, "hot");
    assert.deepEqual(
      result.reasons.map((r) => r.rule),
      ["stage:consultation_booked", "niche:medicine", "owner_or_decision_maker", "budget_stated"],
    );
  });

  test("given a qualified lead with every positive modifier, when scored, then 65 — qualified is never hot", () => {
    const result = scoreDialog(
      facts({
        funnel_stage: "qualified",
        niche: "medicine",
        is_owner_or_decision_maker: true,
        budget_stated: true,
      }),
    );
    assert.equal(result.score, 65);
    assert.equal(result.interest, "warm");
  });
});

describe("scoreDialog: clamping", () => {
  test("given a closed deal with every bonus (110), when scored, then 100 with a clamp reason", () => {
    const result = scoreDialog(
      facts({
        funnel_stage: "deal_closed",
        niche: "medicine",
        is_owner_or_decision_maker: true,
        budget_stated: true,
      }),
    );
    assert.equal(result.score, 100);
    assert.deepEqual(result.reasons.at(-1), { rule: "clamp:100", points: -10 });
  });

  test("given a lost deal of a targetologist (−30), when scored, then 0 with a clamp reason", () => {
    const result = scoreDialog(facts({ funnel_stage: "deal_lost", is_targetologist_or_smm: true }));
    assert.equal(result.score, 0);
    assert.equal(result.interest, "cold");
    assert.deepEqual(result.reasons.at(-1), { rule: "clamp:0", points: 30 });
  });

  test("given a new lead targetologist with a medicine client (5 + 15 − 30), when scored, then 0", () => {
    assert.equal(scoreDialog(facts({ niche: "medicine", is_targetologist_or_smm: true })).score, 0);
  });
});

describe("interest bands", () => {
  test("given the band edges 39/40 and 74/75, when banded, then cold/warm and warm/hot", () => {
    assert.equal(interestOf(0), "cold");
    assert.equal(interestOf(39), "cold");
    assert.equal(interestOf(40), "warm");
    assert.equal(interestOf(74), "warm");
    assert.equal(interestOf(75), "hot");
    assert.equal(interestOf(100), "hot");
  });

  test("given rules whose bases land on 39, 40, 74 and 75, when scored, then the bands switch exactly there", () => {
    const rules = {
      ...DEFAULT_SCORING_RULES,
      stageBase: {
        ...DEFAULT_SCORING_RULES.stageBase,
        new_lead: 39,
        not_qualified: 40,
        qualified: 74,
        consultation_booked: 75,
      },
    };
    const band = (stage: FunnelStage) => scoreDialog(facts({ funnel_stage: stage }), rules).interest;
    assert.deepEqual(
      [band("new_lead"), band("not_qualified"), band("qualified"), band("consultation_booked")],
      ["cold", "warm", "warm", "hot"],
    );
  });

  test("given facts scoring exactly 40 and 35, when scored, then warm and cold", () => {
    assert.equal(scoreDialog(facts({ funnel_stage: "qualified", budget_stated: true })).interest, "warm");
    assert.equal(
      scoreDialog(
        facts({
          funnel_stage: "deal_lost",
          niche: "medicine",
          is_owner_or_decision_maker: true,
          budget_stated: true,
        }),
      ).score,
      35,
    );
  });
});

describe("scoreDialog properties", () => {
  const factsArb = fc.record({
    funnel_stage: fc.constantFrom(...FUNNEL_STAGES),
    niche: fc.constantFrom(...NICHES),
    is_owner_or_decision_maker: fc.boolean(),
    budget_stated: fc.boolean(),
    is_targetologist_or_smm: fc.boolean(),
  });

  test("given any facts, when scored, then the score is 0–100, the reasons sum to it and the band matches", () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const result = scoreDialog(facts(f));
        assert.ok(result.score >= 0 && result.score <= 100);
        assert.equal(
          result.reasons.reduce((s, r) => s + r.points, 0),
          result.score,
        );
        assert.equal(result.interest, interestOf(result.score));
      }),
    );
  });

  test("given any facts, when a positive modifier is switched on, then the score never drops", () => {
    fc.assert(
      fc.property(factsArb, fc.constantFrom("is_owner_or_decision_maker", "budget_stated"), (f, key) => {
        const off = scoreDialog(facts({ ...f, [key]: false })).score;
        const on = scoreDialog(facts({ ...f, [key]: true })).score;
        assert.ok(on >= off);
      }),
    );
  });
});

describe("questionnaireProgress", () => {
  test("given two of the four default questions answered, when measured, then 2/4 and incomplete", () => {
    const progress = questionnaireProgress(
      facts({
        questionnaire: { niche: "клиника", decision_maker: null, budget: "бюджета пока нет", start: "  " },
      }),
    );
    assert.deepEqual(progress, { answered: 2, total: 4, complete: false });
  });

  test("given all default questions answered, when measured, then complete", () => {
    const all = Object.fromEntries(DEFAULT_QUESTIONNAIRE.map((q) => [q.id, "ответ"]));
    assert.deepEqual(questionnaireProgress(facts({ questionnaire: all })), {
      answered: 4,
      total: 4,
      complete: true,
    });
  });
});
