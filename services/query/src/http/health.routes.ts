import { databaseErrorSummary, natsStatusOf, recomputeSummary } from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { eventsStreamLastSeq } from "../live/nats.plugin.js";
import { RecomputeSummary } from "../settings/recompute.schemas.js";
import { Problem, problemOf, sendProblem } from "./problem.handler.js";

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
 * One dependency check of `GET /ready`: `dependency` names it in the answer (`nats`, `postgres`);
 * `probe` resolves with the number it contributes (stream sequence, checkpoint) or rejects when the
 * dependency does not answer within {@link READY_PROBE_TIMEOUT_MS}.
 */
interface DependencyCheck {
  readonly dependency: "nats" | "postgres";
  probe(): Promise<number>;
}

/** A dependency `/ready` found down, and why (an error code or "timed out"; never a message with internals). */
export interface NotReadyReason {
  readonly dependency: string;
  readonly reason: string;
}

/** A dependency the client already knows to be down; its message is the client's short reason. */
class KnownDown extends Error {}

/**
 * The dependency checks of the query service: NATS (events stream; a connection the client knows
 * to be down fails at once with the client's reason, without a request) and PostgreSQL (projector
 * checkpoint). `natsProbe` shares one stream-info request among the probes that come while it is
 * in flight, so a burst of probes under load is one request, not a queue of them.
 */
function dependencyChecks(deps: RouteOptions["deps"], natsProbe: () => Promise<number>): DependencyCheck[] {
  return [
    {
      dependency: "nats",
      probe: () => {
        const natsDown = natsStatusOf(deps.nats.nc).reason();
        if (natsDown !== null) return Promise.reject(new KnownDown(natsDown));
        return natsProbe();
      },
    },
    {
      dependency: "postgres",
      probe: async () =>
        (
          await deps.db
            .selectFrom("rm.checkpoints")
            .select("stream_seq")
            .where("name", "=", "events")
            .executeTakeFirst()
        )?.stream_seq ?? 0,
    },
  ];
}

/** Why a probe failed, short and secret-free: the SQLSTATE / system / NATS code, else the timeout, else "not answering". */
function reasonOf(error: unknown): string {
  if (error instanceof KnownDown) return error.message;
  const { code, message } = databaseErrorSummary(error);
  if (code !== null) return `not answering (${code})`;
  return message.startsWith("timed out") ? message : "not answering";
}

const NAMES: Record<DependencyCheck["dependency"], string> = { nats: "NATS", postgres: "PostgreSQL" };

/**
 * Probes:
 * - `GET /health` — liveness: 200 `{status:'ok'}` while the process serves HTTP.
 * - `GET /ready` — readiness: 200 when NATS answers (events stream info), Postgres answers
 *   (`rm.checkpoints`) and so the projector lag is known; otherwise 503 `not_ready` problem (with
 *   `Retry-After`) with the same members (`nats`/`postgres` `ok`|`down`, unknown numbers `null`) and
 *   `down`: `[{dependency, reason}]`, e.g. `{dependency: "postgres", reason: "not answering
 *   (ECONNREFUSED)"}` while PostgreSQL restarts. The checks are a list (`dependencyChecks`). A
 *   missing `events` checkpoint counts as 0 (the projector has applied nothing yet). Both answers
 *   carry `recompute` (pending / retrying / failed recomputations, `recomputeSummary`): reported,
 *   never a reason for 503. The NATS check is the connection's status (no request while it is down)
 *   and one shared stream-info request for concurrent probes; the live feed keeps the connection's
 *   traffic to one consumer per project, so the request does not queue behind SSE fan-out.
 * Neither needs a token.
 */
export const healthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  let inFlight: Promise<number> | null = null;
  const natsProbe = () => {
    inFlight ??= eventsStreamLastSeq(deps.nats, deps.config.EVENTS_STREAM).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
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
      const checks = dependencyChecks(deps, natsProbe);
      const results = await Promise.all(
        checks.map((c) =>
          withTimeout(c.probe(), READY_PROBE_TIMEOUT_MS).then(
            (value) => ({ dependency: c.dependency, ok: true as const, value }),
            (error: unknown) => ({ dependency: c.dependency, ok: false as const, error }),
          ),
        ),
      );
      const value = (d: DependencyCheck["dependency"]) => {
        const r = results.find((x) => x.dependency === d);
        return r?.ok ? r.value : null;
      };
      const down: NotReadyReason[] = [];
      for (const r of results) {
        if (r.ok) continue;
        request.log.warn({ dependency: r.dependency, reason: reasonOf(r.error) }, "readiness probe failed");
        down.push({ dependency: r.dependency, reason: reasonOf(r.error) });
      }
      const seq = value("nats");
      let checkpoint = value("postgres");
      const recompute =
        checkpoint === null
          ? null
          : await withTimeout(recomputeSummary(deps.db), READY_PROBE_TIMEOUT_MS).catch((error: unknown) => {
              down.push({ dependency: "postgres", reason: reasonOf(error) });
              return null;
            });
      if (recompute === null) checkpoint = null;
      if (down.length === 0 && seq !== null && checkpoint !== null && recompute !== null) {
        return {
          status: "ready" as const,
          nats: "ok" as const,
          postgres: "ok" as const,
          events_last_seq: seq,
          projector_checkpoint: checkpoint,
          lag: seq - checkpoint,
          recompute,
        };
      }
      const names = down.map((d) => NAMES[d.dependency as DependencyCheck["dependency"]] ?? d.dependency);
      return sendProblem(
        reply,
        problemOf(request, 503, "not_ready", `not ready: ${names.join(" and ")} not answering`, {
          nats: seq === null ? "down" : "ok",
          postgres: checkpoint === null ? "down" : "ok",
          events_last_seq: seq,
          projector_checkpoint: checkpoint,
          lag: null,
          down,
          recompute,
        }),
      );
    },
  );
};
