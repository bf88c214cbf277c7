/**
 * Worker thread of a replay: reads a range of the events stream and decodes it off the main thread.
 * Started by `readDecodedRange` (decoded-range.reader.ts), which documents the protocol; never
 * imported elsewhere.
 */
import { parentPort, workerData } from "node:worker_threads";
import { connectNats } from "@pulse/infra";
import { decodeForProjection } from "../projections/projection-decode.js";
import type { DecodedBatchMessage, DecodeWorkerData, WireDecoded } from "./decoded-range.reader.js";
import { SUBJECTS_TIMEOUT_MS } from "./stream-projects.reader.js";
import { readStreamRange } from "./stream-range.reader.js";

if (!parentPort) throw new Error("stream-decode.worker.ts runs as a worker thread only");
const port = parentPort;
const opts = workerData as DecodeWorkerData;

let credits = opts.window;
let wake: (() => void) | null = null;
port.on("message", (m: "credit") => {
  if (m !== "credit") return;
  credits++;
  wake?.();
  wake = null;
});

async function run(): Promise<void> {
  // A filtered consumer on a large stream makes the server scan it before answering: JetStream
  // requests get the subject listing's timeout, not the 5 s default.
  const nats = await connectNats(opts.natsUrl, "pulse-replay-decoder", SUBJECTS_TIMEOUT_MS);
  try {
    let count = 0;
    for (const [index, range] of opts.ranges.entries()) {
      let inRange = 0;
      await readStreamRange(
        nats.js,
        opts.stream,
        range.fromSeq,
        range.toSeq,
        async (batch) => {
          const out: WireDecoded[] = [];
          for (let i = 0; i < batch.length; i++) {
            const m = batch[i]!;
            const r = decodeForProjection(m.data);
            if (r.ok) {
              // No projection reads the delivery; it is most of an event's bytes.
              r.event.raw = null;
              out.push(
                i === batch.length - 1
                  ? { seq: m.seq, event: r.event, timestamp: m.timestamp }
                  : { seq: m.seq, event: r.event },
              );
            } else {
              out.push({
                seq: m.seq,
                subject: m.subject,
                timestamp: m.timestamp,
                reason: r.reason,
                data: Buffer.from(m.data).toString("base64"),
              });
            }
          }
          while (credits === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
          credits--;
          inRange += out.length;
          const message: DecodedBatchMessage = { type: "batch", range: index, json: JSON.stringify(out) };
          port.postMessage(message);
        },
        opts.batchSize,
        undefined,
        range.filter,
        nats.jsm,
        range.matching,
      );
      count += inRange;
      const end: DecodedBatchMessage = { type: "range-end", range: index, count: inRange };
      port.postMessage(end);
    }
    const done: DecodedBatchMessage = { type: "done", count };
    port.postMessage(done);
  } finally {
    await nats.nc.close();
  }
}

run().catch((error: unknown) => {
  const message: DecodedBatchMessage = {
    type: "error",
    message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
  port.postMessage(message);
});
