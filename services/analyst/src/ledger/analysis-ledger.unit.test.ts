import assert from "node:assert/strict";
import { test } from "node:test";
import { createInMemoryAnalysisLedger } from "./analysis-ledger.js";

test("given a recorded analysis, when asked, then only the exact project/dialog/hash/version is known", async () => {
  const ledger = createInMemoryAnalysisLedger();
  const key = {
    project_id: "acme",
    dialog_key: "15001:a:b",
    input_hash: "ab".repeat(32),
    prompt_version: "dialog-facts@1",
  };
  assert.equal(await ledger.has("acme", "15001:a:b", key.input_hash, "dialog-facts@1"), false);
  await ledger.record(key, { kind: "scored" });
  assert.equal(await ledger.has("acme", "15001:a:b", key.input_hash, "dialog-facts@1"), true);
  assert.equal(await ledger.has("acme", "15001:a:b", key.input_hash, "dialog-facts@2"), false);
  assert.equal(await ledger.has("beta", "15001:a:b", key.input_hash, "dialog-facts@1"), false);
  assert.equal(
    await ledger.has("acme", "15001:a", `b:${key.input_hash}`, "dialog-facts@1"),
    false,
    "parts cannot run into each other",
  );
  assert.deepEqual(ledger.outcomeOf(key), { kind: "scored" });
  assert.equal(ledger.size(), 1);
});
