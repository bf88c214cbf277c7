import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { readCheckpoint, writeCheckpoint } from "../checkpoints.repository.js";
import {
  type DeadLetterRow,
  deadLetterRow,
  writeDeadLetters,
} from "../projections/dead-letters.projection.js";
import { applyLiveChain, type PositionedInput } from "../projections/projection.js";
import {
  decodeReceipts,
  receiptFacts,
  WEBHOOK_STATS_CHAIN,
} from "../projections/webhook-stats.projection.js";
import { inSchema } from "../replay/table-writer.js";
import type { StreamMessage } from "../stream-message.js";

/**
 * Where a batch of the receipts stream is applied: read-model `schema`, the stream's name, and an
 * optional contiguity check (see `EventsApplyOptions.assertContiguous`).
 */
export interface ReceiptsApplyOptions {
  readonly schema: string;
  readonly stream: string;
  readonly assertContiguous?: (after: number, seqs: readonly number[]) => Promise<void>;
}

/** What a receipts batch did (see {@link applyReceiptsBatch}). */
export interface ReceiptsBatchOutcome {
  checkpointBefore: number;
  checkpointAfter: number;
  applied: number;
  skipped: number;
  poison: Set<number>;
}

/**
 * Folds a batch of receipts-stream messages (each a `WebhookReceiptBatch` or a bare `WebhookReceipt`) into `webhook_stats` inside `trx` (which holds the
 * projector lock): messages at or before the `receipts` checkpoint are skipped (redeliveries),
 * undecodable ones are dead-lettered, the counters are added per project/source/UTC day (a `failed`
 * receipt naming its delivery goes through the delivery ledger, so a delivery whose events were
 * stored after all is counted once), and the checkpoint moves to the last sequence — one transaction.
 * @throws Postgres errors (the caller rolls back and retries).
 */
export async function applyReceiptsBatch(
  trx: Kysely<Database>,
  messages: readonly StreamMessage[],
  opts: ReceiptsApplyOptions,
): Promise<ReceiptsBatchOutcome> {
  const db = inSchema(trx, opts.schema);
  const checkpoint = await readCheckpoint(db, "receipts");
  const bySeq = new Map<number, StreamMessage>();
  for (const m of messages) if (m.seq > checkpoint) bySeq.set(m.seq, m);
  const fresh = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const outcome: ReceiptsBatchOutcome = {
    checkpointBefore: checkpoint,
    checkpointAfter: checkpoint,
    applied: fresh.length,
    skipped: messages.length - fresh.length,
    poison: new Set(),
  };
  const last = fresh[fresh.length - 1];
  if (!last) return outcome;
  await opts.assertContiguous?.(
    checkpoint,
    fresh.map((m) => m.seq),
  );
  const deadLetters: DeadLetterRow[] = [];
  const facts: PositionedInput[] = [];
  for (const msg of fresh) {
    const r = decodeReceipts(msg.data);
    if (r.ok) {
      for (const receipt of r.receipts)
        for (const f of receiptFacts(receipt)) facts.push({ seq: msg.seq, event: f });
    } else {
      deadLetters.push(deadLetterRow(opts.stream, msg, r.reason));
      outcome.poison.add(msg.seq);
    }
  }
  await applyLiveChain(db, opts.schema, WEBHOOK_STATS_CHAIN, facts);
  await writeDeadLetters(db, opts.schema, deadLetters);
  await writeCheckpoint(db, opts.schema, "receipts", last.seq, last.timestamp);
  outcome.checkpointAfter = last.seq;
  return outcome;
}
