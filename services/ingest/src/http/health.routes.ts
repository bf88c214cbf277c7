import { type Nats, natsStatusOf } from "@pulse/infra";
import type { FastifyInstance } from "fastify";
import { UnavailableError } from "./http.errors.js";

/**
 * `GET /health` — liveness: 200 `{status: "ok"}` while the process serves HTTP.
 * `GET /ready` — readiness: 200 `{status: "ready", stream}` when the NATS connection is open and
 * the events stream answers `STREAM.INFO` within 1 s; otherwise 503 problem details.
 */
export async function healthPlugin(
  app: FastifyInstance,
  opts: { nats: Nats; eventsStream: string },
): Promise<void> {
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async () => {
    if (opts.nats.nc.isClosed()) throw new UnavailableError("NATS connection closed", 5);
    // Known down: answer at once with the client's reason (it reconnects by itself).
    const down = natsStatusOf(opts.nats.nc).reason();
    if (down !== null) throw new UnavailableError(down, 5);
    try {
      await withTimeout(opts.nats.jsm.streams.info(opts.eventsStream), 1000);
    } catch (error) {
      throw new UnavailableError(`events stream ${opts.eventsStream} unreachable`, 5, { cause: error });
    }
    return { status: "ready", stream: opts.eventsStream };
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
