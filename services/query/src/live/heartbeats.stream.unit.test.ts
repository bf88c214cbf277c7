import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import { queryObjects, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type HeartbeatStep, withHeartbeats } from "./heartbeats.stream.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** An async source fed by the test: `push` hands an item to the pending or the next read. */
function feed<T>() {
  const queued: IteratorResult<T>[] = [];
  let waiting: ((r: IteratorResult<T>) => void) | null = null;
  let failing: ((e: unknown) => void) | null = null;
  let reads = 0;
  const deliver = (r: IteratorResult<T>) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      failing = null;
      w(r);
    } else queued.push(r);
  };
  const source: AsyncIterator<T> = {
    next() {
      reads++;
      const r = queued.shift();
      if (r) return Promise.resolve(r);
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failing = reject;
      });
    },
  };
  return {
    source,
    push: (value: T) => deliver({ done: false, value }),
    end: () => deliver({ done: true, value: undefined }),
    fail: (error: unknown) => failing?.(error),
    get reads() {
      return reads;
    },
  };
}

/** Lets every settled promise's reactions run (the generator and the source resolve in microtasks). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Pulls the next step without waiting for it: `step` / `error` then tell whether it has come. */
function pull<T>(it: AsyncGenerator<HeartbeatStep<T>>) {
  const out: { step?: IteratorResult<HeartbeatStep<T>>; error?: unknown } = {};
  const done = it.next().then(
    (r) => {
      out.step = r;
    },
    (e: unknown) => {
      out.error = e;
    },
  );
  return {
    done,
    get step() {
      return out.step;
    },
    get error() {
      return out.error;
    },
  };
}

describe("withHeartbeats", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  test("given items and an idle source, when time passes, then items come as they arrive and a heartbeat every period", async () => {
    const src = feed<number>();
    const it = withHeartbeats(src.source, 1000, new AbortController().signal);
    src.push(1);
    assert.deepEqual((await it.next()).value, { kind: "item", item: 1 });
    const waiting = pull(it);
    await flush();
    mock.timers.tick(999);
    await flush();
    const early = waiting.step;
    assert.equal(early, undefined, "no beat before the period");
    mock.timers.tick(1);
    await waiting.done;
    assert.deepEqual(waiting.step?.value, { kind: "heartbeat" });
    // Traffic does not push the next beat back: it is due a period after the previous one was taken.
    src.push(2);
    assert.deepEqual((await it.next()).value, { kind: "item", item: 2 });
    mock.timers.tick(1000);
    assert.deepEqual((await it.next()).value, { kind: "heartbeat" });
    // One read of the source at a time, however many beats passed while it was pending.
    assert.equal(src.reads, 3);
    src.end();
    assert.equal((await it.next()).done, true);
  });

  test("given an item and a beat due at once, when pulled, then the item comes first", async () => {
    const src = feed<string>();
    const it = withHeartbeats(src.source, 500, new AbortController().signal);
    const first = pull(it);
    await flush();
    src.push("a");
    mock.timers.tick(500);
    await first.done;
    assert.deepEqual(first.step?.value, { kind: "item", item: "a" });
    assert.deepEqual((await it.next()).value, { kind: "heartbeat" });
  });

  test("given a read pending, when the signal aborts, then the steps end at once and leave no abort listener", async () => {
    const src = feed<number>();
    const stop = new AbortController();
    const it = withHeartbeats(src.source, 1000, stop.signal);
    const waiting = pull(it);
    await flush();
    assert.equal(getEventListeners(stop.signal, "abort").length, 1);
    stop.abort();
    await waiting.done;
    assert.equal(waiting.step?.done, true);
    assert.equal(getEventListeners(stop.signal, "abort").length, 0);
    // The beat timer went with it: time passing yields nothing more.
    mock.timers.tick(5000);
    assert.equal((await it.next()).done, true);
  });

  test("given a consumer that stops early, when it returns, then the abort listener is removed", async () => {
    const src = feed<number>();
    const stop = new AbortController();
    const it = withHeartbeats(src.source, 1000, stop.signal);
    src.push(7);
    await it.next();
    await it.return(undefined);
    assert.equal(getEventListeners(stop.signal, "abort").length, 0);
  });

  test("given a source that fails, when pulled, then its error is thrown to the consumer", async () => {
    const src = feed<number>();
    const it = withHeartbeats(src.source, 1000, new AbortController().signal);
    const waiting = pull(it);
    await flush();
    const boom = new Error("consumer deleted");
    src.fail(boom);
    await waiting.done;
    assert.equal(waiting.error, boom);
  });

  test("given 10,000 items through one long-lived signal, when the heap is collected, then neither the items nor promises of their steps are kept", async () => {
    const src = feed<{ readonly seq: number; readonly body: string }>();
    const stop = new AbortController();
    const it = withHeartbeats(src.source, 1000, stop.signal);
    const refs: WeakRef<object>[] = [];
    let promisesAfterWarmup = 0;
    for (let seq = 1; seq <= 10_000; seq++) {
      const item = { seq, body: "x".repeat(200) + seq };
      refs.push(new WeakRef(item));
      src.push(item);
      const r = await it.next();
      assert.equal(r.done, false);
      // A beat now and then, as on a real connection.
      if (seq % 1000 === 0) {
        mock.timers.tick(1000);
        assert.deepEqual((await it.next()).value, { kind: "heartbeat" });
      }
      if (seq === 1000) promisesAfterWarmup = await livePromises();
    }
    const promisesAtEnd = await livePromises();
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    assert.ok(alive <= 2, `${alive} of 10000 delivered items still reachable`);
    // A reaction per step on a promise that lives as long as the signal keeps one promise per step.
    assert.ok(
      promisesAtEnd - promisesAfterWarmup < 100,
      `live promises ${promisesAfterWarmup} after 1000 items, ${promisesAtEnd} after 10000`,
    );
    assert.equal(getEventListeners(stop.signal, "abort").length, 1);
    stop.abort();
  });
});

/**
 * Promises alive after full collections. Between collections the loop turns (real timers), so
 * WeakRef targets are released and the test runner's async-hook bookkeeping of collected promises
 * is dropped.
 */
async function livePromises(): Promise<number> {
  mock.timers.reset();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  const count = queryObjects(Promise, { format: "count" });
  mock.timers.enable({ apis: ["setTimeout"] });
  return count;
}
