/**
 * Webhook receipts — the records of deliveries that stored no event (duplicate within the stream's
 * window, ignored, rejected, unauthorized, failed) — leave ingest in batches: the receipts answered
 * while one receipts publish is in flight share the next message (one per project and source), so
 * under load many requests share one JetStream publish, and a lone request waits one round trip.
 * Deliveries that stored events have no receipt: the projector counts them from the events
 * (`WebhookDelivery`), so an accepted webhook never pays a second publish.
 */
import { randomUUID } from "node:crypto";
import {
  MAX_RECEIPTS_PER_MESSAGE,
  receiptSubject,
  type SubjectRoot,
  type WebhookReceipt,
  type WebhookReceiptBatch,
} from "@pulse/events";
import type { Logger } from "@pulse/infra";
import type { Publisher } from "../publishing/event.publisher.js";

/** Collects receipts and publishes them as `WebhookReceiptBatch` messages. */
export interface ReceiptBatcher {
  /**
   * Queues one receipt and resolves once the message holding it is stored in JetStream — or once
   * its first publish failed: the receipt then stays queued and is retried in the background (the
   * caller's answer is not held for an outage). Never rejects.
   */
  write(receipt: WebhookReceipt): Promise<void>;
  /** Queues one receipt without waiting for it (used for `failed` deliveries: JetStream is already failing). */
  add(receipt: WebhookReceipt): void;
  /** Publishes every queued receipt now (one attempt each) and resolves when JetStream has answered. */
  flush(): Promise<void>;
  /** Receipts queued and not yet stored (pending or waiting for a retry). */
  queued(): number;
}

/**
 * Options of {@link receiptBatcher}.
 * - `flushMs`: extra wait before a round is sent (0 = the next event-loop turn; default 0).
 * - `timeoutMs`: ack timeout of one publish (ms).
 * - `retryMinMs` / `retryMaxMs`: backoff between retries of failed messages (default 500 / 30 000).
 * - `maxQueued`: receipts kept for retry at most (default 100 000); beyond, the oldest messages are
 *   dropped with an error log (a long JetStream outage; bounded memory wins over statistics).
 * - `maxPerMessage`: receipts per message (default and ceiling `MAX_RECEIPTS_PER_MESSAGE`).
 */
export interface ReceiptBatcherOptions {
  readonly flushMs?: number;
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  readonly maxQueued?: number;
  readonly maxPerMessage?: number;
}

interface Entry {
  readonly receipt: WebhookReceipt;
  done: (() => void) | null;
}

interface Message {
  readonly subject: string;
  /** `Nats-Msg-Id`: a retried message keeps it, so JetStream stores it once (within its window). */
  readonly msgId: string;
  readonly entries: Entry[];
}

/**
 * A receipt batcher publishing to `{root}.receipts.{project}.{source}` through `publisher`.
 *
 * What a crash of ingest may lose: receipts of `write` are stored before the caller answers, so
 * none of an answered request — except while JetStream is failing (the first publish failed; the
 * receipt waits in memory for a retry) and `failed` receipts (`add`, never awaited). A clean stop
 * (`flush()`) loses none of those either unless JetStream is still down. A retried message keeps its
 * msg id, so a publish that timed out but was stored is not counted twice. Receipts are built by
 * ingest itself and not re-validated here (STYLE: validate untrusted bytes once, at the boundary).
 */
export function receiptBatcher(
  publisher: Publisher,
  scheme: SubjectRoot,
  opts: ReceiptBatcherOptions,
): ReceiptBatcher {
  const max = Math.min(opts.maxPerMessage ?? MAX_RECEIPTS_PER_MESSAGE, MAX_RECEIPTS_PER_MESSAGE);
  const retryMin = opts.retryMinMs ?? 500;
  const retryMax = opts.retryMaxMs ?? 30_000;
  const maxQueued = opts.maxQueued ?? 100_000;
  const pending = new Map<string, Entry[]>();
  let pendingCount = 0;
  let retries: Message[] = [];
  let retryCount = 0;
  let retryDue = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoff = retryMin;
  let scheduled = false;
  let inflight: Promise<void> | null = null;

  const settle = (m: Message) => {
    for (const e of m.entries) {
      e.done?.();
      e.done = null;
    }
  };

  const scheduleRetry = () => {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryDue = true;
      schedule();
    }, backoff);
    retryTimer.unref();
    backoff = Math.min(backoff * 2, retryMax);
  };

  const keepForRetry = (m: Message) => {
    retries.push(m);
    retryCount += m.entries.length;
    while (retryCount + pendingCount > maxQueued && retries.length > 1) {
      const dropped = retries.shift()!;
      retryCount -= dropped.entries.length;
      opts.log.error(
        { subject: dropped.subject, receipts: dropped.entries.length },
        "webhook receipts dropped: JetStream unavailable for too long",
      );
    }
    scheduleRetry();
  };

  const send = (m: Message): Promise<void> => {
    const body: WebhookReceiptBatch = { receipts: m.entries.map((e) => e.receipt) };
    return publisher
      .publish(m.subject, JSON.stringify(body), { msgID: m.msgId, timeout: opts.timeoutMs })
      .then(
        () => {
          backoff = retryMin;
          settle(m);
        },
        (error: unknown) => {
          opts.log.warn(
            { err: error, subject: m.subject, receipts: m.entries.length },
            "could not publish webhook receipts; will retry",
          );
          settle(m);
          keepForRetry(m);
        },
      );
  };

  /** Takes the messages of the next round: retries (when due or forced), then the pending receipts. */
  const take = (withRetries: boolean): Message[] => {
    const out: Message[] = [];
    if (withRetries || retryDue) {
      retryDue = false;
      out.push(...retries);
      retries = [];
      retryCount = 0;
    }
    for (const [subject, entries] of pending) {
      for (let i = 0; i < entries.length; i += max) {
        out.push({ subject, msgId: `rcpt:${randomUUID()}`, entries: entries.slice(i, i + max) });
      }
    }
    pending.clear();
    pendingCount = 0;
    return out;
  };

  const round = (withRetries: boolean): Promise<void> => {
    const messages = take(withRetries);
    if (messages.length === 0) return Promise.resolve();
    const p = Promise.all(messages.map(send)).then(() => {
      inflight = null;
      if (pendingCount > 0 || retryDue) schedule();
    });
    inflight = p;
    return p;
  };

  function schedule(): void {
    if (inflight || scheduled) return;
    scheduled = true;
    const run = () => {
      scheduled = false;
      // A round started meanwhile (flush) schedules the next one when it ends.
      if (!inflight) void round(false);
    };
    if ((opts.flushMs ?? 0) > 0) setTimeout(run, opts.flushMs).unref();
    else setImmediate(run);
  }

  const enqueue = (receipt: WebhookReceipt, done: (() => void) | null) => {
    const subject = receiptSubject(scheme, receipt.project_id, receipt.source);
    let list = pending.get(subject);
    if (!list) {
      list = [];
      pending.set(subject, list);
    }
    list.push({ receipt, done });
    pendingCount++;
    schedule();
  };

  return {
    write(receipt) {
      return new Promise((resolve) => enqueue(receipt, resolve));
    },
    add(receipt) {
      enqueue(receipt, null);
    },
    async flush() {
      if (inflight) await inflight;
      await round(true);
    },
    queued: () => pendingCount + retryCount,
  };
}
