import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { fromJsMsg, type StreamMessage } from "../stream-message.js";

/**
 * How many messages of `stream` at or after `fromSeq` match the subject `filter` (one subject,
 * wildcards allowed; nats-server 2.9 takes one filter per consumer), counted by the server: an
 * ephemeral pull consumer's `num_pending`, deleted right after. Reads no message.
 * @throws JetStream errors (stream missing, connection closed).
 */
export async function countStreamMessages(
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  fromSeq = 1,
): Promise<number> {
  const info = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
    filter_subject: filter,
    inactive_threshold: 30_000_000_000,
    mem_storage: true,
  });
  await jsm.consumers.delete(stream, info.name).catch(() => undefined);
  return info.num_pending;
}

/**
 * Reads stream messages `fromSeq..toSeq` (inclusive) in stream order with an ordered consumer (an
 * ephemeral, flow-controlled consumer that recreates itself on a gap, so nothing is skipped) and
 * hands them to `onBatch` in batches of up to `batchSize`. Stops at `toSeq`, or earlier when the
 * stream has nothing after the last message read (deleted messages at the end). Returns the count.
 * With `filter` (one subject, wildcards allowed, e.g. one project's `{root}.events.{project}.>`)
 * the consumer is filtered by the server: only matching messages are delivered, and a range
 * without any returns 0 at once (counted first with {@link countStreamMessages}, unless the caller
 * passes `matching`: how many messages match, already known, e.g. from the stream's subject index —
 * a count costs the server a scan of the stream).
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
  filter?: string,
  jsm?: JetStreamManager,
  matching?: number,
): Promise<number> {
  if (toSeq < fromSeq || matching === 0) return 0;
  signal?.throwIfAborted();
  if (filter !== undefined && matching === undefined) {
    const manager = jsm ?? (await js.jetstreamManager());
    if ((await countStreamMessages(manager, stream, filter, fromSeq)) === 0) return 0;
  }
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
    ...(filter !== undefined ? { filter_subjects: filter } : {}),
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
