import {
  AckPolicy,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { isNotFound, type Logger } from "@pulse/infra";

/**
 * The durable pull consumer of one stream.
 * - `stream`, `durable` (consumer name), `filter` (subject filter, e.g. `{root}.events.>`);
 * - `maxAckPending`: how many unacknowledged messages the server lets out (large: a batch is acked
 *   only after its transaction commits);
 * - `ackWaitMs`: redelivery timeout of an unacknowledged message;
 * - `bufferMessages`: how many messages the client keeps pulled ahead.
 */
export interface DurableSpec {
  readonly stream: string;
  readonly durable: string;
  readonly filter: string;
  readonly maxAckPending: number;
  readonly ackWaitMs: number;
  readonly bufferMessages: number;
}

/**
 * True when an existing durable can continue from checkpoint `checkpoint`: same filter and explicit
 * acks, everything delivered up to the checkpoint and acknowledged, nothing beyond it in flight.
 */
export function durableAgrees(info: ConsumerInfo, spec: DurableSpec, checkpoint: number): boolean {
  if (info.config.filter_subject !== spec.filter || info.config.ack_policy !== AckPolicy.Explicit)
    return false;
  if (info.delivered.stream_seq !== checkpoint || info.num_ack_pending !== 0) return false;
  // A consumer created at `checkpoint + 1` that delivered nothing reports an ack floor of 0.
  return info.ack_floor.stream_seq === checkpoint || info.delivered.consumer_seq === 0;
}

/**
 * Makes the durable consumer start right after `checkpoint` (the Postgres checkpoint is the
 * authority, docs/ARCHITECTURE.md): keeps it when {@link durableAgrees}, else deletes it and creates
 * it with `DeliverPolicy.StartSequence` at `checkpoint + 1`. Returns what it did.
 * @throws JetStream API errors other than "not found".
 */
export async function alignDurable(
  jsm: JetStreamManager,
  spec: DurableSpec,
  checkpoint: number,
): Promise<"kept" | "created" | "recreated"> {
  let info: ConsumerInfo | null = null;
  try {
    info = await jsm.consumers.info(spec.stream, spec.durable);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (info && durableAgrees(info, spec, checkpoint)) return "kept";
  if (info) await jsm.consumers.delete(spec.stream, spec.durable).catch(() => undefined);
  await jsm.consumers.add(spec.stream, {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: checkpoint + 1,
    filter_subject: spec.filter,
    max_ack_pending: spec.maxAckPending,
    ack_wait: spec.ackWaitMs * 1_000_000,
    max_deliver: -1,
  });
  return info ? "recreated" : "created";
}

const NOTHING_BUFFERED = Symbol("nothing buffered");

/**
 * Reads a durable consumer in batches: {@link nextBatch} waits for one message, then takes every
 * message already pulled into the client's buffer, up to `max`. Under load batches fill up; when
 * idle a single event is applied without waiting for an expiry.
 */
export class DurableBatchReader {
  private pendingNext: Promise<IteratorResult<JsMsg>> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly messages: ConsumerMessages,
    private readonly iterator: AsyncIterator<JsMsg>,
  ) {}

  /** Aligns the durable with `checkpoint` (see {@link alignDurable}) and starts pulling. */
  static async open(
    js: JetStreamClient,
    jsm: JetStreamManager,
    spec: DurableSpec,
    checkpoint: number,
    logger: Logger,
  ): Promise<DurableBatchReader> {
    const how = await alignDurable(jsm, spec, checkpoint);
    logger.info(
      { stream: spec.stream, durable: spec.durable, checkpoint, action: how },
      "durable consumer ready",
    );
    const consumer = await js.consumers.get(spec.stream, spec.durable);
    // A durable deleted or lost on the server (e.g. a NATS restart with another store) ends the
    // iteration with an error instead of waiting for it forever: the projector then re-creates it
    // from the checkpoint (`alignDurable`). Disconnects are ridden out by the client.
    const messages = await consumer.consume({
      max_messages: spec.bufferMessages,
      expires: 5000,
      abort_on_missing_resource: true,
    });
    void (async () => {
      for await (const s of messages.status()) {
        if (
          s.type === "heartbeats_missed" ||
          s.type === "consumer_not_found" ||
          s.type === "consumer_deleted"
        ) {
          logger.warn({ stream: spec.stream, durable: spec.durable, status: s }, "consumer status");
        }
      }
    })().catch(() => undefined);
    return new DurableBatchReader(messages, messages[Symbol.asyncIterator]());
  }

  private take(): Promise<IteratorResult<JsMsg>> {
    const p = this.pendingNext ?? this.iterator.next();
    this.pendingNext = null;
    return p;
  }

  /**
   * The next batch: at least one message, at most `max`; `null` once the reader is closed.
   * @throws when the underlying iterator fails (e.g. the connection closed).
   */
  async nextBatch(max: number): Promise<JsMsg[] | null> {
    const first = await this.take();
    if (first.done) return null;
    const batch = [first.value];
    while (batch.length < max && this.messages.getPending() > 0) {
      const next = this.take();
      const r = await Promise.race([
        next,
        new Promise<typeof NOTHING_BUFFERED>((resolve) => setImmediate(() => resolve(NOTHING_BUFFERED))),
      ]);
      if (r === NOTHING_BUFFERED) {
        // Only control notices were queued: keep the pending read for the next batch.
        this.pendingNext = next;
        break;
      }
      if (r.done) break;
      batch.push(r.value);
    }
    return batch;
  }

  /**
   * Stops pulling; buffered, unacknowledged messages are dropped (the server redelivers them, or the
   * next reader re-creates the durable at the checkpoint). The client processes its stop request in
   * the message queue, so the queue is drained here until it ends.
   */
  async close(): Promise<void> {
    if (this.closing) return this.closing;
    const closed = this.messages.close().catch(() => undefined);
    this.closing = (async () => {
      for (;;) {
        const r = await this.take().catch(() => ({ done: true, value: undefined }));
        if (r.done) break;
      }
      await closed;
    })();
    return this.closing;
  }
}
