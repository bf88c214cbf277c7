import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createLimiter } from "./limiter.js";

/** A promise with its resolve/reject exposed. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("createLimiter", () => {
  test("given concurrency 2 and 4 tasks, when run, then at most 2 run and the rest start in arrival order", async () => {
    const limit = createLimiter(2);
    const gates = [0, 1, 2, 3].map(() => deferred<number>());
    const started: number[] = [];
    const results = gates.map((g, i) =>
      limit(() => {
        started.push(i);
        return g.promise;
      }),
    );
    await Promise.resolve();
    assert.deepEqual(started, [0, 1]);
    assert.equal(limit.active(), 2);
    assert.equal(limit.pending(), 2);
    gates[1]!.resolve(1);
    await results[1];
    await Promise.resolve();
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]!.reject(new Error("boom"));
    await assert.rejects(results[0]!, /boom/);
    await Promise.resolve();
    assert.deepEqual(started, [0, 1, 2, 3], "a rejected task frees its slot");
    gates[2]!.resolve(2);
    gates[3]!.resolve(3);
    assert.deepEqual(await Promise.all(results.slice(1)), [1, 2, 3]);
    assert.equal(limit.active(), 0);
  });

  test("given a task that throws synchronously, when run, then the promise rejects and the slot is freed", async () => {
    const limit = createLimiter(1);
    await assert.rejects(
      limit(() => {
        throw new Error("sync");
      }),
      /sync/,
    );
    assert.equal(await limit(async () => 7), 7);
  });

  test("given an invalid concurrency, when created, then RangeError", () => {
    assert.throws(() => createLimiter(0), RangeError);
    assert.throws(() => createLimiter(1.5), RangeError);
  });
});
