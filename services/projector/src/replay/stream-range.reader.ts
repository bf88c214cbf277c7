import { DeliverPolicy, type JetStreamClient } from "@nats-io/jetstream";
import { fromJsMsg, type StreamMessage } from "../stream-message.js";

/**
 * Reads stream messages `fromSeq..toSeq` (inclusive) in stream order with an ordered consumer (an
 * ephemeral, flow-controlled consumer that recreates itself on a gap, so nothing is skipped) and
 * hands them to `onBatch` in batches of up to `batchSize`. Stops at `toSeq`, or earlier when the
 * stream has nothing after the last message read (deleted messages at the end). Returns the count.
 * `signal` ends the read early: the consumer is closed and the promise rejects with its reason (a
 * read waiting on a server that went away would otherwise wait for its return).
 * @throws JetStream errors (stream missing, connection closed), whatever `onBatch` throws, and
 *   `signal.reason`.
 */
export async function readStreamRange(
  js: JetStreamClient,
  stream: string,
  fromSeq: number,
  toSeq: number,
  onBatch: (messages: StreamMessage[]) => Promise<void> | void,
  batchSize = 5000,
  signal?: AbortSignal,
): Promise<number> {
  if (toSeq < fromSeq) return 0;
  signal?.throwIfAborted();
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
  });
  const messages = await consumer.consume({ max_messages: Math.max(1000, Math.min(batchSize * 2, 20_000)) });
  let count = 0;
  let batch: StreamMessage[] = [];
  const onAbort = () => void messages.close().catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const m of messages) {
      if (m.seq > toSeq) break;
      batch.push(fromJsMsg(m));
      count++;
      const done = m.seq >= toSeq || m.info.pending === 0;
      if (batch.length >= batchSize || done) {
        const full = batch;
        batch = [];
        await onBatch(full);
      }
      if (done) break;
    }
    signal?.throwIfAborted();
    if (batch.length > 0) await onBatch(batch);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await messages.close().catch(() => undefined);
  }
  return count;
}
