import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ApiHealth } from "@pulse/events";
import { callErrorMessage, mergeApiHealth, type PendingApiHealth } from "./integration-health.store.js";

const at = new Date("2026-12-07T10:00:00.000Z");
const later = new Date("2026-12-07T10:05:00.000Z");

const stored: ApiHealth = {
  project_id: "p",
  api: "crm",
  reachable: true,
  token_valid: true,
  last_success_at: "2026-12-07T09:00:00.000Z",
  last_error: null,
  calls: 10,
  failures: 0,
  updated_at: "2026-12-07T09:00:00.000Z",
};

describe("mergeApiHealth", () => {
  test("given a stored healthy record, when a 401 is pending, then the token is invalid, reachable, the error kept and the counts added", () => {
    const p: PendingApiHealth = {
      calls: 1,
      failures: 1,
      last: { status: 401 },
      lastAt: at,
      successAt: null,
      error: { status: 401, message: "HTTP 401", at: at.toISOString() },
      tokenValid: false,
    };
    const merged = mergeApiHealth(stored, "p", "crm", p);
    assert.equal(merged.token_valid, false);
    assert.equal(merged.reachable, true);
    assert.equal(merged.last_success_at, stored.last_success_at, "the last success stays");
    assert.equal(merged.last_error?.status, 401);
    assert.equal(merged.calls, 11);
    assert.equal(merged.failures, 1);
    assert.equal(merged.updated_at, at.toISOString());
  });
  test("given no answer (network error) after a success, then unreachable and the token validity stays as stored", () => {
    const p: PendingApiHealth = {
      calls: 2,
      failures: 1,
      last: { status: null, message: "TypeError: fetch failed" },
      lastAt: later,
      successAt: at,
      error: { status: null, message: "TypeError: fetch failed", at: later.toISOString() },
      tokenValid: null,
    };
    const merged = mergeApiHealth({ ...stored, token_valid: false }, "p", "crm", p);
    assert.equal(merged.reachable, false);
    assert.equal(merged.token_valid, false);
    assert.equal(merged.last_success_at, at.toISOString());
  });
  test("given nothing stored, then the record starts from the pending counts", () => {
    const merged = mergeApiHealth(null, "p", "radist", {
      calls: 1,
      failures: 0,
      last: { status: 200 },
      lastAt: at,
      successAt: at,
      error: null,
      tokenValid: true,
    });
    assert.deepEqual(merged, {
      project_id: "p",
      api: "radist",
      reachable: true,
      token_valid: true,
      last_success_at: at.toISOString(),
      last_error: null,
      calls: 1,
      failures: 0,
      updated_at: at.toISOString(),
    });
  });
});

describe("callErrorMessage", () => {
  test("given a status, then `HTTP n`; given none, then the error's text, bounded", () => {
    assert.equal(callErrorMessage({ status: 503 }), "HTTP 503");
    assert.equal(
      callErrorMessage({ status: null, message: "TimeoutError: timed out" }),
      "TimeoutError: timed out",
    );
    assert.equal(callErrorMessage({ status: null, message: "x".repeat(900) }).length, 500);
  });
});
