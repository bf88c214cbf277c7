/**
 * The projector's readiness, for its ops listener (`GET /ready` of `@pulse/infra`
 * `startOpsServer`, see `main.ts`): ready when the NATS connection is up and PostgreSQL answers
 * (events checkpoint and `ops.replays`). The body carries `nats` / `postgres` `ok`|`down`,
 * `events_checkpoint` and `recompute` (pending / retrying / failed recomputations,
 * `recomputeSummary`; reported, never a reason for 503: a pending one is normal for seconds after a
 * settings change), and when not ready a `detail` naming what is down.
 */
import {
  type Database,
  type Nats,
  natsStatusOf,
  type OpsReadiness,
  type RecomputeSummary,
  recomputeSummary,
} from "@pulse/infra";
import type { Kysely } from "kysely";
import { readCheckpoint } from "./checkpoints.repository.js";
import { inSchema } from "./replay/table-writer.js";

/** How long `/ready` waits for PostgreSQL before calling it down, milliseconds. */
export const PROJECTOR_READY_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Probes NATS (the connection's state) and PostgreSQL (checkpoint and `ops.replays`). Never rejects. */
export async function projectorReadiness(deps: { nats: Nats; db: Kysely<Database> }): Promise<OpsReadiness> {
  const natsDown = natsStatusOf(deps.nats.nc).reason();
  const pg = await withTimeout(
    (async () => ({
      checkpoint: await readCheckpoint(inSchema(deps.db, "rm"), "events"),
      recompute: await recomputeSummary(deps.db),
    }))(),
    PROJECTOR_READY_TIMEOUT_MS,
  ).then(
    (v): { ok: true; checkpoint: number; recompute: RecomputeSummary } => ({ ok: true, ...v }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (natsDown === null && pg.ok) {
    return {
      ready: true,
      body: { nats: "ok", postgres: "ok", events_checkpoint: pg.checkpoint, recompute: pg.recompute },
    };
  }
  const down = [natsDown === null ? null : `NATS (${natsDown})`, pg.ok ? null : "Postgres"].filter(
    (x) => x !== null,
  );
  return {
    ready: false,
    body: {
      detail: `not ready: ${down.join(" and ")} not answering; consuming pauses and resumes by itself`,
      nats: natsDown === null ? "ok" : "down",
      postgres: pg.ok ? "ok" : "down",
      events_checkpoint: pg.ok ? pg.checkpoint : null,
      recompute: pg.ok ? pg.recompute : null,
    },
  };
}
