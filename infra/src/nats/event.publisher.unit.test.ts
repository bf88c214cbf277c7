import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PubAck } from "@nats-io/jetstream";
import { aProjectRegistered } from "@pulse/events/testing";
import {
  classifyPublishFailure,
  EventPublishError,
  type Publisher,
  publishDomainEvent,
  publishDomainEvents,
  publishEventWithRetry,
} from "./event.publisher.js";

type Call = { subject: string; msgID: string | undefined; expect: unknown; timeout: number | undefined };

/** A JetStream stand-in: answers from `answers` in order (an Error rejects), recording each call. */
function fakeJs(answers: (Error | { seq: number; duplicate: boolean })[]): { js: Publisher; calls: Call[] } {
  const calls: Call[] = [];
  let i = 0;
  const js: Publisher = {
    publish(subject, _payload, options) {
      calls.push({ subject, msgID: options?.msgID, expect: options?.expect, timeout: options?.timeout });
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve({ stream: "s", seq: answer.seq, duplicate: answer.duplicate } as PubAck);
    },
  };
  return { js, calls };
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe("publishDomainEvent", () => {
  test("given an event and expect headers, when published, then msgID is its dedup key and the headers pass through", async () => {
    const event = aProjectRegistered();
    const { js, calls } = fakeJs([{ seq: 7, duplicate: false }]);
    const ack = await publishDomainEvent(js, { root: "t" }, event, {
      timeoutMs: 1500,
      expect: { streamName: "t_events" },
    });
    assert.deepEqual(ack, { seq: 7, duplicate: false });
    assert.equal(calls[0]?.msgID, event.dedup_key);
    assert.deepEqual(calls[0]?.expect, { streamName: "t_events" });
    assert.equal(calls[0]?.timeout, 1500);
    assert.ok(calls[0]?.subject.startsWith("t.events."));
  });

  test("given a publish that times out, when published, then an EventPublishError of kind timeout is thrown", async () => {
    const { js } = fakeJs([named("TimeoutError", "timeout")]);
    await assert.rejects(
      publishDomainEvent(js, { root: "t" }, aProjectRegistered()),
      (e: unknown) => e instanceof EventPublishError && e.failure === "timeout",
    );
  });

  test("given two events of which one is a duplicate, when published together, then the counts say so", async () => {
    const { js } = fakeJs([
      { seq: 1, duplicate: false },
      { seq: 1, duplicate: true },
    ]);
    const counts = await publishDomainEvents(js, { root: "t" }, [aProjectRegistered(), aProjectRegistered()]);
    assert.deepEqual(counts, { accepted: 1, duplicates: 1 });
  });
});

describe("classifyPublishFailure", () => {
  test("given the errors of nats.js, when classified, then each gets its kind", () => {
    assert.equal(
      classifyPublishFailure(named("NoRespondersError", "no responders: t.events.x")),
      "no_stream",
    );
    assert.equal(classifyPublishFailure(named("ClosedConnectionError", "closed connection")), "closed");
    assert.equal(classifyPublishFailure(named("JetStreamApiError", "wrong last sequence: 4")), "rejected");
    assert.equal(classifyPublishFailure(new Error("boom")), "other");
  });
});

describe("publishEventWithRetry", () => {
  test("given two failed attempts, when retried, then the third is acknowledged and counted", async () => {
    const { js, calls } = fakeJs([
      named("TimeoutError", "t1"),
      named("TimeoutError", "t2"),
      { seq: 3, duplicate: false },
    ]);
    const outcome = await publishEventWithRetry(js, { root: "t" }, aProjectRegistered(), {
      retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
      random: () => 0,
    });
    assert.deepEqual(outcome, { ok: true, seq: 3, duplicate: false, attempts: 3 });
    assert.equal(calls.length, 3);
  });

  test("given every attempt failing, when the attempts are used, then the last error is returned", async () => {
    const last = named("TimeoutError", "last");
    const { js } = fakeJs([named("TimeoutError", "first"), last]);
    const outcome = await publishEventWithRetry(js, { root: "t" }, aProjectRegistered(), {
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      random: () => 0,
    });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok === false ? outcome.error : null, last);
    assert.equal(outcome.attempts, 2);
  });
});
