import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import type { StreamMessage } from "../stream-message.js";

/** A `rm.dead_letters` row. */
export type DeadLetterRow = RowOf<"dead_letters">;

const MAX_PAYLOAD_CHARS = 1_000_000;

/**
 * The payload as text: UTF-8 when it decodes cleanly and has no NUL (Postgres `text` cannot hold
 * one), else `base64:` + base64 of the bytes; cut at 1,000,000 characters.
 */
function payloadText(data: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
    if (text.includes("\u0000")) throw new Error("NUL");
  } catch {
    text = `base64:${Buffer.from(data).toString("base64")}`;
  }
  return text.length > MAX_PAYLOAD_CHARS ? text.slice(0, MAX_PAYLOAD_CHARS) : text;
}

/**
 * The dead-letter row of a message that failed to decode (STYLE.md rule 5: poison is recorded with
 * its stream sequence and the consumer moves on). `recorded_at` is the message's store time, so a
 * replay writes the same row.
 */
export function deadLetterRow(stream: string, msg: StreamMessage, reason: string): DeadLetterRow {
  return {
    stream,
    stream_seq: msg.seq,
    subject: msg.subject,
    reason: reason.replaceAll("\u0000", "\ufffd").slice(0, 4000),
    payload: payloadText(msg.data),
    recorded_at: msg.timestamp,
  };
}

/** Inserts dead letters (a redelivered poison message keeps its first row). */
export async function writeDeadLetters(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly DeadLetterRow[],
): Promise<void> {
  await writeRows(db, schema, "dead_letters", rows, { keys: ["stream", "stream_seq"], action: "nothing" });
}
