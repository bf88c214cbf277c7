import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadConfig } from "@pulse/infra";
import { AnalystConfig, llmSettingsOf } from "./config.js";

describe("analyst config", () => {
  test("given no LLM variables, when loaded, then the documented defaults and offline mode", () => {
    const config = loadConfig(AnalystConfig, {});
    assert.equal(config.LLM_BASE_URL, undefined);
    assert.equal(config.LLM_MODEL, "gpt-4o-mini");
    assert.equal(config.LLM_TIMEOUT_MS, 30_000);
    assert.equal(config.LLM_MAX_RETRIES, 4);
    assert.equal(config.LLM_CONCURRENCY, 4);
    assert.equal(config.LLM_DAILY_TOKEN_BUDGET, 2_000_000);
    assert.equal(config.ANALYSIS_MIN_INCOMING, 3);
    assert.equal(config.ANALYST_TICK_SECONDS, 60);
    assert.equal(config.ANALYST_BACKFILL_SHIFTS, 7);
    assert.equal(llmSettingsOf(config), null);
    assert.equal(llmSettingsOf(loadConfig(AnalystConfig, { LLM_BASE_URL: "  " })), null, "blank = offline");
  });

  test("given LLM variables, when loaded, then the LLM settings", () => {
    const config = loadConfig(AnalystConfig, {
      LLM_BASE_URL: "http://127.0.0.1:11434/v1",
      LLM_API_KEY: "sk-secret",
      LLM_MODEL: "",
      LLM_TIMEOUT_MS: "5000",
      LLM_CONCURRENCY: "2",
    });
    assert.deepEqual(llmSettingsOf(config), {
      baseURL: "http://127.0.0.1:11434/v1",
      apiKey: "sk-secret",
      model: "gpt-4o-mini",
      timeoutMs: 5000,
      maxRetries: 4,
      concurrency: 2,
    });
  });

  test("given the scheduler turned off, when loaded, then tick 0 is accepted and a backfill of 0 shifts is not", () => {
    assert.equal(loadConfig(AnalystConfig, { ANALYST_TICK_SECONDS: "0" }).ANALYST_TICK_SECONDS, 0);
    assert.throws(
      () => loadConfig(AnalystConfig, { ANALYST_BACKFILL_SHIFTS: "0" }),
      /ANALYST_BACKFILL_SHIFTS/,
    );
  });

  test("given invalid values, when loaded, then an error naming the variables without echoing values", () => {
    assert.throws(
      () =>
        loadConfig(AnalystConfig, {
          LLM_BASE_URL: "ftp://x",
          LLM_CONCURRENCY: "0",
          LLM_API_KEY: "sk-secret",
        }),
      (error: Error) =>
        error.message.includes("LLM_BASE_URL") &&
        error.message.includes("LLM_CONCURRENCY") &&
        !error.message.includes("sk-secret"),
    );
  });
});
