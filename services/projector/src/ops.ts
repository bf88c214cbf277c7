/**
 * The projector's readiness, for its ops listener (`GET /ready`, see `main.ts` and
 * `@pulse/infra` `startOpsServer`).
 */
import type { Database, Nats, OpsReadiness } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type ProjectorConfig, projectorNames } from "./projector.config.js";

/** How long `/ready` waits for NATS and PostgreSQL, ms. */
const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Ready when the NATS connection is open, the events stream answers `STREAM.INFO` and PostgreSQL
 * answers `rm.checkpoints`, each within 2 s. The body carries `events_last_seq`,
 * `projector_checkpoint` and their difference `lag` (events not yet applied), or `nats`/`postgres`
 * `ok`|`down` when not ready. Never rejects.
 */
export async function projectorReadiness(deps: {
  nats: Nats;
  db: Kysely<Database>;
  config: Pick<ProjectorConfig, "EVENTS_STREAM" | "SUBJECT_ROOT" | "PROJECTOR_DURABLE">;
}): Promise<OpsReadiness> {
  const names = projectorNames(deps.config);
  const [seq, checkpoint] = await Promise.all([
    deps.nats.nc.isClosed()
      ? Promise.resolve(null)
      : withTimeout(deps.nats.jsm.streams.info(names.eventsStream), READY_TIMEOUT_MS).then(
          (i) => i.state.last_seq,
          () => null,
        ),
    withTimeout(
      deps.db
        .selectFrom("rm.checkpoints")
        .select("stream_seq")
        .where("name", "=", "events")
        .executeTakeFirst(),
      READY_TIMEOUT_MS,
    ).then(
      (r) => Number(r?.stream_seq ?? 0),
      () => null,
    ),
  ]);
  if (seq === null || checkpoint === null) {
    return {
      ready: false,
      body: { nats: seq === null ? "down" : "ok", postgres: checkpoint === null ? "down" : "ok" },
    };
  }
  return {
    ready: true,
    body: { events_last_seq: seq, projector_checkpoint: checkpoint, lag: seq - checkpoint },
  };
}
