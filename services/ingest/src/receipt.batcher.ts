/**
 * Webhook receipts leave ingest in batches: one receipts-stream message per project and source per
 * flush window instead of one per delivery, so statistics do not double JetStream's per-webhook work
 * (measured: a second publish per webhook cost about a third of ingest's throughput).
 */
import {
  MAX_RECEIPTS_PER_MESSAGE,
  receiptSubject,
  type SubjectRoot,
  type WebhookReceipt,
  type WebhookReceiptBatch,
} from "@pulse/events";
import type { Logger } from "@pulse/infra";
import type { Publisher } from "./event.publisher.js";

/** Collects receipts and publishes them as `WebhookReceiptBatch` messages. */
export interface ReceiptBatcher {
  /** Queues one receipt; it is published within `flushMs`, or at once when its batch is full. */
  add(receipt: WebhookReceipt): void;
  /** Publishes every queued receipt now and resolves when JetStream has answered (ack or error). */
  flush(): Promise<void>;
}

/** Options of {@link receiptBatcher}: window (ms), per-publish ack timeout (ms), logger. */
export interface ReceiptBatcherOptions {
  readonly flushMs: number;
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Receipts per message at most (default and ceiling: `MAX_RECEIPTS_PER_MESSAGE`). */
  readonly maxPerMessage?: number;
}

/**
 * A receipt batcher publishing to `{root}.receipts.{project}.{source}` through `publisher`.
 *
 * Receipts are statistics, not facts (the 2xx of a webhook waits for its events, never for its
 * receipt): a failed publish is logged (warn) and dropped, and a crash loses at most one window of
 * counts. Call `flush()` on shutdown so a clean stop loses none. Receipts are built by ingest itself,
 * so they are not re-validated here (STYLE: validate untrusted bytes once, at the boundary).
 */
export function receiptBatcher(
  publisher: Publisher,
  scheme: SubjectRoot,
  opts: ReceiptBatcherOptions,
): ReceiptBatcher {
  const max = Math.min(opts.maxPerMessage ?? MAX_RECEIPTS_PER_MESSAGE, MAX_RECEIPTS_PER_MESSAGE);
  const pending = new Map<string, WebhookReceipt[]>();
  const inflight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  const send = (subject: string, receipts: WebhookReceipt[]) => {
    const message: WebhookReceiptBatch = { receipts };
    const p = publisher
      .publish(subject, JSON.stringify(message), { timeout: opts.timeoutMs })
      .then(
        () => undefined,
        (error: unknown) => {
          opts.log.warn(
            { err: error, subject, receipts: receipts.length },
            "could not publish webhook receipts",
          );
        },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  const sendAll = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const [subject, receipts] of pending) send(subject, receipts);
    pending.clear();
  };

  return {
    add(receipt) {
      const subject = receiptSubject(scheme, receipt.project_id, receipt.source);
      let batch = pending.get(subject);
      if (!batch) {
        batch = [];
        pending.set(subject, batch);
      }
      batch.push(receipt);
      if (batch.length >= max) {
        pending.delete(subject);
        send(subject, batch);
      }
      if (pending.size > 0 && timer === null) {
        timer = setTimeout(sendAll, opts.flushMs);
        timer.unref();
      }
    },
    async flush() {
      sendAll();
      await Promise.all([...inflight]);
    },
  };
}
