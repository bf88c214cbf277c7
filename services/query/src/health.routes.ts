import { natsStatusOf, recomputeSummary } from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "./deps.js";
import { eventsStreamLastSeq } from "./nats.plugin.js";
import { Problem, problemOf, sendProblem } from "./problem.handler.js";
import { RecomputeSummary } from "./recompute.schemas.js";

/** How long `/ready` waits for NATS or Postgres before calling it down, milliseconds. */
export const READY_PROBE_TIMEOUT_MS = 2000;

/** Answer of `GET /ready` when the service can serve. */
export const ReadyResponse = z
  .object({
    status: z.literal("ready"),
    nats: z.literal("ok"),
    postgres: z.literal("ok"),
    events_last_seq: z.number().int().describe("last sequence of the events stream"),
    projector_checkpoint: z
      .number()
      .int()
      .describe(
        "rm.checkpoints `events`: last events-stream sequence applied to the read models (0 if none yet)",
      ),
    lag: z
      .number()
      .int()
      .describe(
        "events_last_seq − projector_checkpoint: events not yet in the read models (negative: the checkpoint is ahead of the stream)",
      ),
    // Recomputes are reported, not failed on: a pending one is normal for seconds after a change.
    recompute: RecomputeSummary,
  })
  .describe("ready to serve");
/** See {@link ReadyResponse}. */
export type ReadyResponse = z.infer<typeof ReadyResponse>;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Probes:
 * - `GET /health` — liveness: 200 `{status:'ok'}` while the process serves HTTP.
 * - `GET /ready` — readiness: 200 when NATS answers (events stream info), Postgres answers
 *   (`rm.checkpoints`) and so the projector lag is known; otherwise 503 `not_ready` problem with
 *   the same members (`nats`/`postgres` `ok`|`down`, unknown numbers `null`). A missing `events`
 *   checkpoint counts as 0 (the projector has applied nothing yet).
 * Neither needs a token.
 */
export const healthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/health",
    {
      schema: {
        tags: ["ops"],
        summary: "Liveness",
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/ready",
    {
      schema: {
        tags: ["ops"],
        summary: "Readiness: NATS and Postgres answer, projector lag known",
        response: { 200: ReadyResponse, 503: Problem },
      },
    },
    async (request, reply) => {
      // A connection known to be down answers at once, with the client's reason.
      const natsDown = natsStatusOf(deps.nats.nc).reason();
      const [natsProbe, pgProbe] = await Promise.all([
        (natsDown !== null
          ? Promise.reject(new Error(natsDown))
          : withTimeout(eventsStreamLastSeq(deps.nats, deps.config.EVENTS_STREAM), READY_PROBE_TIMEOUT_MS)
        ).then(
          (seq) => ({ ok: true as const, seq }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
        withTimeout(
          deps.db
            .selectFrom("rm.checkpoints")
            .select("stream_seq")
            .where("name", "=", "events")
            .executeTakeFirst(),
          READY_PROBE_TIMEOUT_MS,
        ).then(
          (row) => ({ ok: true as const, checkpoint: row?.stream_seq ?? 0 }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      ]);
      const recompute = pgProbe.ok
        ? await withTimeout(recomputeSummary(deps.db), READY_PROBE_TIMEOUT_MS).catch(() => null)
        : null;
      if (natsProbe.ok && pgProbe.ok && recompute) {
        return {
          status: "ready" as const,
          nats: "ok" as const,
          postgres: "ok" as const,
          events_last_seq: natsProbe.seq,
          projector_checkpoint: pgProbe.checkpoint,
          lag: natsProbe.seq - pgProbe.checkpoint,
          recompute,
        };
      }
      if (!natsProbe.ok) request.log.warn({ err: natsProbe.error }, "readiness: NATS probe failed");
      if (!pgProbe.ok) request.log.warn({ err: pgProbe.error }, "readiness: Postgres probe failed");
      const down = [natsProbe.ok ? null : "NATS", pgProbe.ok && recompute ? null : "Postgres"].filter(
        (x) => x !== null,
      );
      const natsReason = natsDown ?? (natsProbe.ok ? null : "NATS did not answer");
      return sendProblem(
        reply,
        problemOf(
          request,
          503,
          "not_ready",
          `not ready: ${down.join(" and ")} not answering${natsReason ? ` (${natsReason})` : ""}`,
          {
            nats: natsProbe.ok ? "ok" : "down",
            postgres: pgProbe.ok && recompute ? "ok" : "down",
            events_last_seq: natsProbe.ok ? natsProbe.seq : null,
            projector_checkpoint: pgProbe.ok ? pgProbe.checkpoint : null,
            lag: null,
            recompute,
          },
        ),
      );
    },
  );
};
