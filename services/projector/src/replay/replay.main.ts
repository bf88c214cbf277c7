/**
 * `pnpm replay`: rebuilds every read model from the streams into a fresh schema and swaps it in as
 * `rm` (see {@link replayReadModels}); a running projector waits on the swap and continues. Prints
 * progress lines and a final summary (events, seconds, events/s) on stdout. Exits 1 on failure.
 */
import { connectNats, createDb, createLogger, migrate } from "@pulse/infra";
import { loadProjectorConfig } from "../projector.config.js";
import { replayReadModels } from "./replay.js";

async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const logger = createLogger("replay", config.LOG_LEVEL);
  const nats = await connectNats(config.NATS_URL, "replay");
  const db = createDb(config.DATABASE_URL, Math.max(4, config.REPLAY_WRITERS + 2), { logger });
  try {
    await migrate(db);
    const result = await replayReadModels(
      { nats, db, config, logger },
      {
        onProgress: (p) =>
          console.log(
            `replay ${p.phase}: ${p.done}${p.total ? `/${p.total}` : ""} (${p.seconds.toFixed(1)} s)`,
          ),
      },
    );
    console.log(
      `replay done: ${result.events} events + ${result.receipts} receipts in ${result.seconds.toFixed(2)} s ` +
        `= ${Math.round(result.eventsPerSecond)} events/s; caught up ${result.caughtUp.events} events and ` +
        `${result.caughtUp.receipts} receipts at the swap; checkpoints events=${result.eventsSeq} receipts=${result.receiptsSeq}`,
    );
  } finally {
    await nats.nc.drain().catch(() => undefined);
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error("replay failed:", error);
  process.exit(1);
});
