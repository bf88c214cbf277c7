import { Worker } from "node:worker_threads";
import type { DecodeResult, DomainEvent } from "@pulse/events";
import type { StreamMessage } from "../stream-message.js";

/** One decoded message of a range: where it is in the stream, and its decode result. */
export interface DecodedMessage {
  /**
   * Sequence; subject, store time and payload for poison; for a decoded event the store time only
   * when it is the last of its batch (the range's last message always is).
   */
  readonly msg: StreamMessage;
  /** `decodeForProjection` of the payload; a decoded event carries `raw: null` (see below). */
  readonly result: DecodeResult;
}

/**
 * One range a decode worker reads: `fromSeq..toSeq` (inclusive), optionally only the messages whose
 * subject matches `filter` (one subject, e.g. one project's events; see `readStreamRange`).
 */
export interface DecodeRange {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly filter?: string;
  /** How many messages of the stream match `filter`, when already known (see `readStreamRange`). */
  readonly matching?: number;
}

/** What a decode worker is started with (`workerData`): its ranges, read one after the other. */
export interface DecodeWorkerData {
  readonly natsUrl: string;
  readonly stream: string;
  readonly ranges: readonly DecodeRange[];
  readonly batchSize: number;
  /** Batches the worker may post before the main thread has taken them (its memory bound). */
  readonly window: number;
}

/**
 * A message as it crosses the thread boundary (inside a batch's JSON). A decoded event carries its
 * sequence only, plus its store time when it is the last of its batch (the only one a checkpoint
 * can be taken from); poison carries everything a dead letter needs.
 */
export type WireDecoded =
  | { seq: number; event: DomainEvent; timestamp?: string }
  | { seq: number; subject: string; timestamp: string; reason: string; data: string };

/**
 * What the worker posts: a batch of range `range` (JSON text of `WireDecoded[]`), the end of a range
 * with its count, the end of all with the total, or a failure.
 */
export type DecodedBatchMessage =
  | { type: "batch"; range: number; json: string }
  | { type: "range-end"; range: number; count: number }
  | { type: "done"; count: number }
  | { type: "error"; message: string };

const EMPTY = new Uint8Array(0);

/** Young generation of the decode worker, in MiB: a few batches of decoded events. */
const WORKER_YOUNG_GENERATION_MB = 48;

/** A message whose store time did not cross the boundary: reading it is a bug, not a default. */
function withoutTimestamp(seq: number): StreamMessage {
  return {
    seq,
    subject: "",
    data: EMPTY,
    get timestamp(): string {
      throw new Error(`replay: the store time of message ${seq} was not carried (only a batch's last is)`);
    },
  };
}

function toDecoded(w: WireDecoded): DecodedMessage {
  if ("event" in w) {
    return {
      msg:
        w.timestamp === undefined
          ? withoutTimestamp(w.seq)
          : { seq: w.seq, subject: "", timestamp: w.timestamp, data: EMPTY },
      result: { ok: true, event: w.event },
    };
  }
  return {
    msg: { seq: w.seq, subject: w.subject, timestamp: w.timestamp, data: Buffer.from(w.data, "base64") },
    result: { ok: false, reason: w.reason },
  };
}

/**
 * Reads stream messages `fromSeq..toSeq` like `readStreamRange`, but on a worker thread that also
 * decodes them (`decodeForProjection`), so that a replay's main thread only folds: reading the
 * stream and decoding its JSON was half of a replay's single-threaded time.
 *
 * - The worker opens its own NATS connection to `natsUrl` (connections cannot cross threads).
 * - Decoded events arrive with `raw: null`: no projection reads the delivery, and it is about two
 *   thirds of an event's bytes. Poison arrives with its reason and its payload bytes (for the dead
 *   letter). Results are otherwise exactly those of `decodeForProjection`.
 * - Batches of up to `batchSize` messages cross as JSON text (cheaper to parse than a structured
 *   clone); at most `window` batches wait for `onBatch` at a time, so memory stays bounded.
 *
 * Resolves with the count once every message has been handed to `onBatch` (in stream order).
 * `signal` stops the worker and rejects with its reason.
 * @throws the worker's failure (NATS, stream missing), whatever `onBatch` throws, or
 *   `signal.reason` (the worker is then stopped).
 */
export async function readDecodedRange(
  opts: { natsUrl: string; stream: string; fromSeq: number; toSeq: number; filter?: string } & {
    batchSize?: number;
    window?: number;
    signal?: AbortSignal;
  },
  onBatch: (messages: DecodedMessage[]) => Promise<void> | void,
): Promise<number> {
  if (opts.toSeq < opts.fromSeq) return 0;
  const { fromSeq, toSeq, filter, ...rest } = opts;
  return readDecodedRanges(
    { ...rest, ranges: [{ fromSeq, toSeq, ...(filter !== undefined ? { filter } : {}) }] },
    (messages) => onBatch(messages),
  );
}

/**
 * {@link readDecodedRange} over several ranges in turn on one worker thread (a worker costs its
 * start-up, the TypeScript loader and the event contract, once): `onBatch` gets each batch with the
 * index of its range, `onRangeEnd` each range's end with its count, in order; the worker reads the
 * next range while the main thread finishes the previous one (still at most `window` batches ahead).
 * Resolves with the total count.
 * @throws as {@link readDecodedRange}, and whatever `onRangeEnd` throws.
 */
export async function readDecodedRanges(
  opts: Omit<DecodeWorkerData, "window" | "batchSize"> & {
    batchSize?: number;
    window?: number;
    signal?: AbortSignal;
  },
  onBatch: (messages: DecodedMessage[], range: number) => Promise<void> | void,
  onRangeEnd?: (range: number, count: number) => Promise<void> | void,
): Promise<number> {
  if (opts.ranges.length === 0) return 0;
  const { signal, ...rest } = opts;
  signal?.throwIfAborted();
  const data: DecodeWorkerData = {
    ...rest,
    batchSize: opts.batchSize ?? 2000,
    window: opts.window ?? 4,
  };
  // From the TypeScript sources the boot file registers tsx first; the compiled build (`dist/`)
  // runs the compiled worker module directly.
  const workerFile = import.meta.url.endsWith(".ts")
    ? "./stream-decode.worker.boot.mjs"
    : "./stream-decode.worker.js";
  const worker = new Worker(new URL(workerFile, import.meta.url), {
    workerData: data,
    // The worker keeps nothing between batches: a young generation of its own size, not the
    // process-wide `--max-semi-space-size` (three semi-spaces of the main thread's 64 MiB).
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      let chain = Promise.resolve();
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      worker.on("error", fail);
      signal?.addEventListener("abort", () => fail(signal.reason), { once: true });
      // Behind the batches already posted: an exit before "done" fails only after they are folded.
      // (A chain already failed by `onBatch` stays failed: its error was reported, and the worker's
      // exit — the `terminate` below — must not turn it into an unhandled rejection.)
      worker.on("exit", (code) => {
        chain = chain.then(
          () => fail(new Error(`replay decode worker exited (${code})`)),
          () => undefined,
        );
      });
      worker.on("message", (m: DecodedBatchMessage) => {
        chain = chain.then(async () => {
          if (settled) return;
          if (m.type === "batch") {
            const wire = JSON.parse(m.json) as WireDecoded[];
            await onBatch(wire.map(toDecoded), m.range);
            worker.postMessage("credit");
          } else if (m.type === "range-end") {
            await onRangeEnd?.(m.range, m.count);
          } else if (m.type === "done") {
            settled = true;
            resolve(m.count);
          } else {
            fail(new Error(`replay decode worker: ${m.message}`));
          }
        });
        chain.catch(fail);
      });
    });
  } finally {
    await worker.terminate();
  }
}
