import type { JetStreamManager } from "@nats-io/jetstream";

/**
 * A batch does not continue the checkpoint: a message between the checkpoint and the batch is still
 * in the stream but was not delivered (lost in flight). Applying the batch would move the checkpoint
 * past it and the redelivery would be skipped, so the consumer is re-positioned instead.
 * `code` is stable for classification.
 */
export class StreamGapError extends Error {
  readonly code = "STREAM_GAP";
  constructor(
    readonly stream: string,
    readonly missingSeq: number,
  ) {
    super(`stream ${stream}: message ${missingSeq} exists but was not delivered in order`);
    this.name = "StreamGapError";
  }
}

const MAX_PROBES = 1000;

/**
 * Checks that `seqs` (ascending, all after `after`) leave no hole that still holds a message: holes
 * below the stream's first sequence (expired by age) and deleted messages are fine. Probes at most
 * 1000 missing sequences per call; beyond that the hole is taken as deleted.
 * @throws StreamGapError for the first missing sequence that still exists; JetStream API errors.
 */
export async function assertNoGap(
  jsm: JetStreamManager,
  stream: string,
  after: number,
  seqs: readonly number[],
): Promise<void> {
  let prev = after;
  let probes = 0;
  let firstSeq: number | null = null;
  for (const seq of seqs) {
    if (seq > prev + 1) {
      firstSeq ??= (await jsm.streams.info(stream)).state.first_seq;
      for (
        let missing = Math.max(prev + 1, firstSeq);
        missing < seq && probes < MAX_PROBES;
        missing++, probes++
      ) {
        const msg = await jsm.streams.getMessage(stream, { seq: missing });
        if (msg) throw new StreamGapError(stream, missing);
      }
    }
    prev = seq;
  }
}
