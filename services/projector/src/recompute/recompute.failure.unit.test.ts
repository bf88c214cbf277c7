import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  classifyRecomputeFailure,
  DeterministicRecomputeError,
  failureText,
  NatsUnavailableError,
  retryDelayMs,
} from "./recompute.failure.js";

/** An error shaped like node-postgres's (`code` = SQLSTATE). */
function pgError(code: string, message = "pg"): Error {
  return Object.assign(new Error(message), { code });
}

describe("recompute failures", () => {
  test("given infrastructure faults, when classified, then they are transient (retried)", () => {
    assert.equal(classifyRecomputeFailure(new NatsUnavailableError("NATS disconnected")), "transient");
    assert.equal(
      classifyRecomputeFailure(new Error("replay decode worker: ConnectionError: CONNECTION_REFUSED")),
      "transient",
    );
    assert.equal(
      classifyRecomputeFailure(Object.assign(new Error("x"), { code: "ECONNREFUSED" })),
      "transient",
    );
    assert.equal(classifyRecomputeFailure(pgError("57P01", "terminating connection")), "transient");
    assert.equal(classifyRecomputeFailure(pgError("08006")), "transient");
    assert.equal(classifyRecomputeFailure(pgError("40001")), "transient");
    assert.equal(classifyRecomputeFailure(new Error("replay decode worker exited (1)")), "transient");
    assert.equal(classifyRecomputeFailure("a string"), "transient");
    assert.equal(classifyRecomputeFailure(undefined), "transient");
  });

  test("given faults that repeat on the same input, when classified, then they are deterministic (failed)", () => {
    assert.equal(
      classifyRecomputeFailure(new DeterministicRecomputeError("impossible setting")),
      "deterministic",
    );
    assert.equal(
      classifyRecomputeFailure(new RangeError("Invalid time zone: Mars/Olympus")),
      "deterministic",
    );
    assert.equal(classifyRecomputeFailure(pgError("22003", "numeric field overflow")), "deterministic");
    assert.equal(classifyRecomputeFailure(pgError("23505", "duplicate key")), "deterministic");
  });

  test("given failed attempts, when the next delay is computed, then it doubles from the minimum up to the cap", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 50].map((n) => retryDelayMs(n, 1000, 10_000)),
      [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000],
    );
    assert.equal(retryDelayMs(0, 1000, 10_000), 1000);
  });

  test("given errors, when written to ops.replays, then the text names the class, the message and the code on one line", () => {
    assert.equal(
      failureText(new NatsUnavailableError("NATS disconnected")),
      "NatsUnavailableError: NATS disconnected",
    );
    assert.equal(
      failureText(pgError("57P01", "terminating\\nconnection")),
      "terminating\\nconnection (57P01)",
    );
    assert.equal(failureText(new Error("a\n  b")), "a b");
    assert.equal(failureText("plain"), "plain");
    assert.equal(failureText(new Error("x".repeat(2000))).length, 1000);
  });
});
