import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WebhookReceiptBatch } from "@pulse/events";
import { aWebhookReceipt } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import type { Publisher } from "../publishing/event.publisher.js";
import { receiptBatcher } from "./receipt.batcher.js";

const log = createLogger("test-receipts", "silent");
const scheme = { root: "t" };

/** A publisher that records every attempt; `failures` attempts fail first. */
function recordingPublisher(failures = 0) {
  const sent: {
    subject: string;
    msgId: string | undefined;
    count: number;
    projects: string[];
    ok: boolean;
  }[] = [];
  let left = failures;
  const publisher: Publisher = {
    async publish(subject, payload, options) {
      const batch = WebhookReceiptBatch.parse(JSON.parse(String(payload)));
      const ok = left-- <= 0;
      sent.push({
        subject,
        msgId: options?.msgID,
        count: batch.receipts.length,
        projects: batch.receipts.map((r) => r.project_id),
        ok,
      });
      if (!ok) throw new Error("no responders");
      return { stream: "S", seq: sent.length, duplicate: false, domain: "" };
    },
  };
  return { publisher, sent };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), what);
}

describe("receipt batcher", () => {
  test("given receipts written in one event-loop turn, when they resolve, then JetStream stored one message per project and source", async () => {
    const { publisher, sent } = recordingPublisher();
    const b = receiptBatcher(publisher, scheme, { timeoutMs: 100, log });
    const written = [
      b.write(aWebhookReceipt({ project_id: "a", outcome: "ignored" })),
      b.write(aWebhookReceipt({ project_id: "b", outcome: "ignored" })),
      b.write(aWebhookReceipt({ project_id: "a", outcome: "rejected" })),
      b.write(aWebhookReceipt({ project_id: "a", source: "amocrm", outcome: "unauthorized" })),
    ];
    assert.equal(sent.length, 0, "nothing leaves before the turn ends");
    await Promise.all(written);
    assert.deepEqual(sent.map((s) => [s.subject, s.count]).sort(), [
      ["t.receipts.a.amocrm", 1],
      ["t.receipts.a.keycrm", 2],
      ["t.receipts.b.keycrm", 1],
    ]);
    assert.equal(new Set(sent.map((s) => s.msgId)).size, 3, "each message has its own msg id");
    assert.equal(b.queued(), 0);
  });

  test("given receipts written while a round is in flight, when it ends, then they share the next message", async () => {
    const { publisher, sent } = recordingPublisher();
    const b = receiptBatcher(publisher, scheme, { timeoutMs: 100, log });
    const first = b.write(aWebhookReceipt({ project_id: "a" }));
    await until("the first round is in flight", () => sent.length === 1);
    const next = [1, 2, 3].map(() => b.write(aWebhookReceipt({ project_id: "a" })));
    await Promise.all([first, ...next]);
    assert.deepEqual(
      sent.map((s) => s.count),
      [1, 3],
    );
  });

  test("given more receipts than fit one message, when flushed, then they are split", async () => {
    const { publisher, sent } = recordingPublisher();
    const b = receiptBatcher(publisher, scheme, { timeoutMs: 100, log, maxPerMessage: 3 });
    for (let i = 0; i < 7; i++) b.add(aWebhookReceipt({ project_id: "a" }));
    await b.flush();
    assert.deepEqual(
      sent.map((s) => s.count),
      [3, 3, 1],
    );
    await b.flush();
    assert.equal(sent.length, 3, "an empty flush publishes nothing");
  });

  test("given JetStream refuses, when written, then the caller is released, the receipt stays queued and is retried under the same msg id until stored", async () => {
    const { publisher, sent } = recordingPublisher(2);
    const b = receiptBatcher(publisher, scheme, { timeoutMs: 100, log, retryMinMs: 1, retryMaxMs: 2 });
    await b.write(aWebhookReceipt({ project_id: "a", outcome: "rejected" }));
    assert.equal(sent.length, 1);
    assert.equal(b.queued(), 1, "kept for a retry");
    await until("stored on a retry", () => sent.some((s) => s.ok));
    assert.deepEqual(
      sent.map((s) => s.ok),
      [false, false, true],
    );
    assert.equal(new Set(sent.map((s) => s.msgId)).size, 1, "a retried message keeps its msg id");
    await until("nothing queued", () => b.queued() === 0);
  });
});
