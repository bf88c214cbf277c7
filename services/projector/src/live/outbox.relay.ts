import type { JetStreamClient } from "@nats-io/jetstream";
import type { Database, Logger } from "@pulse/infra";
import type { Kysely } from "kysely";

/** The outbox relay of one process (see {@link createOutboxRelay}). */
export interface OutboxRelay {
  /** Asks for a flush soon (after a commit that wrote notices); never throws. */
  kick(): void;
  /** Publishes and deletes every row present now; resolves when the outbox was seen empty, or the flush failed (then it is retried later). */
  flush(): Promise<void>;
  /** Waits for the running flush and stops kicking. */
  stop(): Promise<void>;
}

const PAGE = 500;

/**
 * Relays `ops.outbox` rows (notices written in the projector's transactions) to JetStream after
 * commit: oldest first, each published to its subject with its `msg_id` as `Nats-Msg-Id` (so a
 * republish after a crash is dropped by the stream's duplicate window), then deleted. One flush runs
 * at a time; a failed flush is retried with backoff (1 s doubling to 30 s) and logged, never thrown.
 */
export function createOutboxRelay(deps: {
  db: Kysely<Database>;
  js: JetStreamClient;
  logger: Logger;
}): OutboxRelay {
  const { db, js, logger } = deps;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;

  async function drain(): Promise<void> {
    for (;;) {
      const rows = await db
        .selectFrom("ops.outbox")
        .select(["id", "subject", "msg_id", "payload"])
        .orderBy("id")
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      await Promise.all(rows.map((r) => js.publish(r.subject, r.payload, { msgID: r.msg_id })));
      await db
        .deleteFrom("ops.outbox")
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .execute();
      if (rows.length < PAGE) return;
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
          failures = 0;
        } catch (error) {
          failures++;
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
          logger.error({ err: error, failures, retryInMs: delay }, "outbox relay failed");
          if (!stopped && !retryTimer) {
            retryTimer = setTimeout(() => {
              retryTimer = null;
              if (!stopped) void run();
            }, delay);
          }
          return;
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    kick() {
      if (!stopped) void run();
    },
    flush() {
      return run();
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      await running;
    },
  };
}
