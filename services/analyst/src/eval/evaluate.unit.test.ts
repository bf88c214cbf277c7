import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { DialogFacts } from "@pulse/domain";
import { extractDialogFactsOffline } from "../analysis/offline-extractor.js";
import { evaluateExtractor, formatEvaluation } from "./evaluate.js";
import { parseLabeledDialogs } from "./labeled-dialogs.js";

const FIXTURES_DIR = resolve(
  process.env["FIXTURES_DIR"] ??
    join(fileURLToPath(new URL("../../../../", import.meta.url)), "../shared/fixtures"),
);
const labeledPath = join(FIXTURES_DIR, "dialogs/labeled.jsonl");

const line = (stage: string, interest: string, niche = "other") =>
  JSON.stringify({
    id: `t-${stage}`,
    lang: "ru",
    messages: [{ direction: "in", at: "2026-11-02T09:41:38+05:00", text: "Здравствуйте" }],
    gold: {
      stage,
      niche,
      is_owner: false,
      budget_stated: false,
      is_targetologist: false,
      questionnaire: { niche: null, decision_maker: null, budget: null, start: null },
      score: 5,
      interest,
      evidence: [],
    },
  });

describe("parseLabeledDialogs", () => {
  test("given a labeled line, when parsed, then directions, times and the info-business niche are mapped", () => {
    const [d] = parseLabeledDialogs(`${line("new_lead", "cold", "info-business")}\n\n`);
    assert.equal(d?.gold.niche, "info_business");
    assert.deepEqual(d?.messages[0], {
      direction: "incoming",
      text: "Здравствуйте",
      sent_at: "2026-11-02T09:41:38+05:00",
    });
  });

  test("given a malformed line, when parsed, then the error names the line", () => {
    assert.throws(() => parseLabeledDialogs(`${line("new_lead", "cold")}\n{"id": 1}`), /line 2/);
    assert.throws(() => parseLabeledDialogs("not json"), /line 1: not JSON/);
  });
});

describe("evaluateExtractor", () => {
  test("given an extractor that always says new_lead, when evaluated, then stage and interest errors are counted", async () => {
    const dialogs = parseLabeledDialogs([line("new_lead", "cold"), line("deal_closed", "hot")].join("\n"));
    const constant: DialogFacts = {
      funnel_stage: "new_lead",
      niche: "other",
      is_owner_or_decision_maker: false,
      budget_stated: false,
      is_targetologist_or_smm: false,
      questionnaire: { niche: null, decision_maker: null, budget: null, start: null },
      summary: "",
    };
    const clock = [0, 5];
    const r = await evaluateExtractor(
      { name: "constant", extract: () => constant },
      dialogs,
      () => clock.shift() ?? 0,
    );
    assert.equal(r.stage.accuracy, 0.5);
    assert.equal(r.interest.accuracy, 0.5);
    assert.equal(r.factAccuracy.niche, 1);
    assert.equal(r.questionnaireAnsweredAccuracy, 1);
    assert.deepEqual(r.mismatches, [
      { id: "t-deal_closed", fields: ["interest cold≠hot (5 vs 5)", "stage new_lead≠deal_closed"] },
    ]);
    assert.equal(r.millis, 5);
    // hot F1 0, warm F1 0 (no support), cold F1 2/3 → macro 0.222
    assert.match(formatEvaluation(r, true).join("\n"), /macro-F1 0\.222/);
  });
});

describe(
  "offline extractor on fixtures/dialogs/labeled.jsonl",
  { skip: !existsSync(labeledPath) && "fixtures not found" },
  () => {
    test("given the labeled dialogs, when evaluated, then interest macro-F1 is at least 0.8 (the target) and stage accuracy at least 0.75", async () => {
      const dialogs = parseLabeledDialogs(readFileSync(labeledPath, "utf8"));
      const r = await evaluateExtractor(
        { name: "offline", extract: (m) => extractDialogFactsOffline(m).facts },
        dialogs,
        () => 0,
      );
      assert.equal(r.dialogs, 48);
      assert.ok(r.interest.macroF1 >= 0.8, `macro-F1 ${r.interest.macroF1}`);
      assert.ok(r.stage.accuracy >= 0.75, `stage accuracy ${r.stage.accuracy}`);
    });
  },
);
