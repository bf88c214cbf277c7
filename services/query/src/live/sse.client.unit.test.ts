import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { NO_COUNTERS, type NoticeFrame, SseClient, sseFrame } from "./sse.client.js";

/**
 * A response-shaped socket: what it accepted is parsed into `events`; while `full` it accepts
 * nothing (writes stay in its buffer, as with a client that stopped reading) until `drainAll()`.
 */
function fakeSocket() {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  const pending: (() => void)[] = [];
  const state = { full: false };
  const w = new Writable({
    highWaterMark: 16_384,
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, cb) {
      const text = chunk.toString();
      if (state.full) {
        pending.push(() => {
          parser.feed(text);
          cb();
        });
        return;
      }
      parser.feed(text);
      cb();
    },
  });
  Object.assign(w, { headersSent: true });
  return {
    res: w as unknown as ServerResponse,
    events,
    state,
    drainAll() {
      state.full = false;
      for (const p of pending.splice(0)) p();
    },
  };
}

const frame = (seq: number, orderId = seq): NoticeFrame => ({
  seq,
  orderId,
  bytes: Buffer.from(
    sseFrame({ id: String(seq), event: "order_updated", data: JSON.stringify({ order_id: orderId }) }),
  ),
});

function counting() {
  const n = { sent: 0, coalesced: 0, dropped: 0, resyncs: 0 };
  return {
    n,
    counters: {
      framesSent: {
        inc: (v = 1) => {
          n.sent += v;
        },
      },
      framesCoalesced: {
        inc: (v = 1) => {
          n.coalesced += v;
        },
      },
      framesDropped: {
        inc: (v = 1) => {
          n.dropped += v;
        },
      },
      resyncs: {
        inc: (v = 1) => {
          n.resyncs += v;
        },
      },
    },
  };
}

const LIMITS = { flushMs: 50, maxQueuedFrames: 10, maxBufferedBytes: 16_384, heartbeatMs: 60_000 };
const flushMicrotasks = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

describe("SseClient", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "setInterval"] }));
  afterEach(() => mock.timers.reset());

  test("given two notices of one order within a tick, when the tick passes, then only the later one is written, ids increasing", async () => {
    const s = fakeSocket();
    const { n, counters } = counting();
    const c = new SseClient(s.res, LIMITS, counters, () => "{}");
    c.goLive([], 0);
    c.push(frame(1, 7));
    c.push(frame(2, 8));
    c.push(frame(3, 7));
    await flushMicrotasks();
    assert.equal(s.events.length, 0, "nothing before the tick");
    mock.timers.tick(50);
    await flushMicrotasks();
    assert.deepEqual(
      s.events.map((e) => e.id),
      ["2", "3"],
    );
    assert.deepEqual([n.sent, n.coalesced], [2, 1]);
    c.close();
  });

  test("given frames held while catching up, when it goes live, then the replay comes first and held frames the replay covered are dropped", async () => {
    const s = fakeSocket();
    const c = new SseClient(s.res, LIMITS, NO_COUNTERS, () => "{}");
    c.push(frame(5));
    c.push(frame(6));
    c.goLive([frame(3), frame(5)], 5, [sseFrame({ retry: 2000 })]);
    await flushMicrotasks();
    assert.deepEqual(
      s.events.map((e) => e.id),
      ["3", "5", "6"],
    );
    c.close();
  });

  test("given a burst larger than the queue bound and a socket that takes it, when pushed, then it is written at once and nobody resyncs", async () => {
    const s = fakeSocket();
    const { n, counters } = counting();
    const c = new SseClient(s.res, LIMITS, counters, () => "{}");
    c.goLive([], 0);
    for (let seq = 1; seq <= 25; seq++) c.push(frame(seq));
    mock.timers.tick(50);
    await flushMicrotasks();
    assert.equal(s.events.length, 25);
    assert.equal(n.resyncs, 0);
    c.close();
  });

  test("given a socket that stopped taking data, when frames pile up past the bounds, then they are dropped and, once it drains, one resync with the last dropped id comes before later frames", async () => {
    const s = fakeSocket();
    const { n, counters } = counting();
    const c = new SseClient(s.res, LIMITS, counters, () => "{}");
    c.goLive([], 0);
    s.state.full = true;
    let seq = 0;
    while (n.resyncs === 0 && seq < 10_000) {
      c.push(frame(++seq));
      if (seq % 5 === 0) mock.timers.tick(50);
    }
    assert.equal(n.resyncs, 1);
    assert.ok(c.isBehind);
    for (let i = 0; i < 100; i++) c.push(frame(++seq));
    const lastDropped = seq;
    assert.ok(s.res.writableLength < LIMITS.maxBufferedBytes + 8_192, `buffered ${s.res.writableLength}`);
    s.drainAll();
    await flushMicrotasks();
    const resync = s.events.find((e) => e.event === "resync");
    assert.equal(resync?.id, String(lastDropped));
    assert.equal(JSON.parse(resync?.data ?? "{}").seq, lastDropped);
    assert.ok(!c.isBehind);
    c.push(frame(++seq));
    mock.timers.tick(50);
    await flushMicrotasks();
    assert.equal(s.events.at(-1)?.id, String(seq));
    const ids = s.events.map((e) => Number(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.ok(n.dropped >= 100);
    c.close();
  });
});
