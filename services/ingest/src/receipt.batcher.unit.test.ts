import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WebhookReceiptBatch } from "@pulse/events";
import { aWebhookReceipt } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import type { Publisher } from "./event.publisher.js";
import { receiptBatcher } from "./receipt.batcher.js";

const log = createLogger("test-receipts", "silent");
const scheme = { root: "t" };

function recordingPublisher(fail = false) {
  const sent: { subject: string; count: number; projects: string[] }[] = [];
  const publisher: Publisher = {
    async publish(subject, payload) {
      const batch = WebhookReceiptBatch.parse(JSON.parse(String(payload)));
      sent.push({ subject, count: batch.receipts.length, projects: batch.receipts.map((r) => r.project_id) });
      if (fail) throw new Error("no responders");
      return { stream: "S", seq: sent.length, duplicate: false, domain: "" };
    },
  };
  return { publisher, sent };
}

describe("receipt batcher", () => {
  test("given receipts of two projects within one window, when the window ends, then one message per project and source", async () => {
    const { publisher, sent } = recordingPublisher();
    const b = receiptBatcher(publisher, scheme, { flushMs: 5, timeoutMs: 100, log });
    b.add(aWebhookReceipt({ project_id: "a" }));
    b.add(aWebhookReceipt({ project_id: "b" }));
    b.add(aWebhookReceipt({ project_id: "a" }));
    b.add(aWebhookReceipt({ project_id: "a", source: "amocrm" }));
    assert.equal(sent.length, 0);
    for (let i = 0; sent.length < 3 && i < 500; i++) await new Promise((r) => setTimeout(r, 2));
    assert.deepEqual(sent.map((s) => [s.subject, s.count]).sort(), [
      ["t.receipts.a.amocrm", 1],
      ["t.receipts.a.keycrm", 2],
      ["t.receipts.b.keycrm", 1],
    ]);
  });

  test("given more receipts than fit one message, when added, then full batches go at once and the rest on flush", async () => {
    const { publisher, sent } = recordingPublisher();
    const b = receiptBatcher(publisher, scheme, { flushMs: 60_000, timeoutMs: 100, log, maxPerMessage: 3 });
    for (let i = 0; i < 7; i++) b.add(aWebhookReceipt({ project_id: "a" }));
    assert.deepEqual(
      sent.map((s) => s.count),
      [3, 3],
    );
    await b.flush();
    assert.deepEqual(
      sent.map((s) => s.count),
      [3, 3, 1],
    );
    await b.flush();
    assert.equal(sent.length, 3, "an empty flush publishes nothing");
  });

  test("given JetStream refuses, when flushed, then the failure is swallowed (statistics only)", async () => {
    const { publisher, sent } = recordingPublisher(true);
    const b = receiptBatcher(publisher, scheme, { flushMs: 60_000, timeoutMs: 100, log });
    b.add(aWebhookReceipt());
    await b.flush();
    assert.equal(sent.length, 1);
  });
});
