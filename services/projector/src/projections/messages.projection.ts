import type { EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import { loadRowsByIds, type Projection } from "./projection.js";
import { storedEventFacts } from "./webhook-stats.projection.js";

/** A `rm.messages` row (times as ISO-8601 UTC strings). */
export type MessageRow = RowOf<"messages">;

/** Identity of a message: `(project, source, message_id)` — the table's primary key. */
export function messageKey(projectId: string, source: string, messageId: string): string {
  return `${projectId}\u0000${source}\u0000${messageId}`;
}

/** The `rm.messages` row of a `chat.message_received` at stream position `seq` (pure). */
export function messageRow(event: EventOfType<"chat.message_received">, seq: number): MessageRow {
  const d = event.data;
  return {
    project_id: event.project_id,
    source: d.source,
    message_id: d.message_id,
    chat_id: d.chat_id,
    phone: d.phone,
    direction: d.direction,
    text: d.text,
    media: d.media,
    sent_at: d.sent_at,
    sender_name: d.sender_name,
    connection: d.connection,
    dedup_key: event.dedup_key,
    stream_seq: seq,
  };
}

/**
 * Inserts message rows, the first delivery winning (SPEC "Dedup by message_id"; the event's dedup
 * key doc): rows are given in stream order, a later row of the same key in the same call is dropped,
 * and a key already stored is left as it is (`ON CONFLICT DO NOTHING`), even when the later delivery
 * carries another `sent_at`.
 * @throws the Postgres error.
 */
export async function writeMessages(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly MessageRow[],
): Promise<void> {
  const first = new Map<string, MessageRow>();
  for (const r of rows) {
    const key = messageKey(r.project_id, r.source, r.message_id);
    if (!first.has(key)) first.set(key, r);
  }
  await writeRows(db, schema, "messages", [...first.values()], {
    keys: ["project_id", "source", "message_id"],
    action: "nothing",
  });
}

/**
 * The `rm.messages` projection: one state per message (key: `{source}\u0000{message_id}`), the first
 * delivery's row ({@link messageRow}); the live write keeps a stored row ({@link writeMessages}).
 * It emits whether each message was new for the webhook tally ({@link storedEventFacts}).
 */
export const messagesProjection: Projection<EventOfType<"chat.message_received">, MessageRow, string> = {
  name: "messages",
  eventTypes: new Set(["chat.message_received"]),
  keyOf: (event) => ({
    projectId: event.project_id,
    id: `${event.data.source}\u0000${event.data.message_id}`,
  }),
  evolve: (row, event, seq) => row ?? messageRow(event, seq),
  emit: (before, after, event) => storedEventFacts(event, after !== before),
  rows: (row) => ({ messages: [row] }),
  write: writeMessages,
  load: async (db, projectId, ids) => {
    const wanted = new Set(ids);
    const messageIds = ids.map((id) => id.slice(id.indexOf("\u0000") + 1));
    const out = new Map<string, MessageRow>();
    for (const r of await loadRowsByIds(db, "messages", projectId, "message_id", messageIds)) {
      const id = `${r.source}\u0000${r.message_id}`;
      if (wanted.has(id)) out.set(id, r);
    }
    return out;
  },
};
