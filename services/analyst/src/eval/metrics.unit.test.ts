import assert from "node:assert/strict";
import { test } from "node:test";
import { classificationReport } from "./metrics.js";

test("given gold and predictions, when reported, then precision, recall, F1 and macro-F1 follow their definitions", () => {
  const gold = ["hot", "hot", "warm", "cold", "cold", "cold"];
  const pred = ["hot", "warm", "warm", "cold", "cold", "hot"];
  const r = classificationReport(gold, pred, ["hot", "warm", "cold"]);
  const hot = r.perClass[0];
  // hot: tp 1, fp 1, fn 1 → P = R = F1 = 0.5
  assert.deepEqual(hot, { label: "hot", precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
  // warm: tp 1, fp 1, fn 0 → P 0.5, R 1, F1 2/3
  assert.equal(r.perClass[1]?.precision, 0.5);
  assert.equal(r.perClass[1]?.recall, 1);
  assert.ok(Math.abs((r.perClass[1]?.f1 ?? 0) - 2 / 3) < 1e-12);
  // cold: tp 2, fp 0, fn 1 → P 1, R 2/3, F1 0.8
  assert.ok(Math.abs((r.perClass[2]?.f1 ?? 0) - 0.8) < 1e-12);
  assert.ok(Math.abs(r.macroF1 - (0.5 + 2 / 3 + 0.8) / 3) < 1e-12);
  assert.equal(r.accuracy, 4 / 6);
  assert.equal(r.total, 6);
});

test("given a class never predicted nor present, when reported, then its metrics are 0, not NaN", () => {
  const r = classificationReport(["a"], ["a"], ["a", "b"]);
  assert.deepEqual(r.perClass[1], { label: "b", precision: 0, recall: 0, f1: 0, support: 0 });
  assert.equal(r.macroF1, 0.5);
});

test("given lists of different length, when reported, then RangeError", () => {
  assert.throws(() => classificationReport(["a"], [], ["a"]), RangeError);
});
