import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analysisResultsProjection } from "./analysis-results.projection.js";
import { foldInMemory } from "./projection.js";
import { anEvent } from "./projection.testing.js";

const ref = { dialog_key: "lead:1", input_hash: "h1", prompt_version: "v1" };

describe("analysis results projection", () => {
  test("given a scored result then a failure of the same input, when folded, then the score stays", () => {
    const scored = anEvent("analysis.dialog_scored", {
      ...ref,
      facts: {},
      evidence: [],
      score: 70,
      interest: "warm",
      reasons: [],
      incoming: 2,
      outgoing: 1,
      usage: { prompt_tokens: 10, completion_tokens: 5 },
      duration_ms: 100,
    } as never);
    const failed = anEvent("analysis.dialog_failed", {
      ...ref,
      code: "timeout",
      message: "timed out",
      attempts: 3,
      usage: { prompt_tokens: 0, completion_tokens: 0 },
    } as never);
    const states = foldInMemory(analysisResultsProjection, [scored, failed]);
    const row = states.get("shop-test\u0000lead:1\u0000h1\u0000v1");
    assert.equal(row?.status, "scored");
    assert.equal(row?.score, 70);
  });
});
