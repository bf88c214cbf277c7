import { BaseConfig, loadConfig } from "@pulse/infra";
import { z } from "zod";

/**
 * Configuration of the query service: the infra {@link BaseConfig} variables plus
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | `3000` | TCP port `server.ts` listens on |
 * | `HOST` | `0.0.0.0` | interface `server.ts` listens on |
 * | `ADMIN_TOKEN` | — (required outside `NODE_ENV=test`) | the single admin API token (≥ 16 characters), sent as `Authorization: Bearer …` or `?access_token=…` |
 * | `SSE_HEARTBEAT_MS` | `15000` | interval between `heartbeat` events on an open SSE stream, milliseconds (≥ 50) |
 * | `SSE_FLUSH_MS` | `50` | live frames of one SSE client are gathered this long and written at once (a later notice of the same order replaces an earlier one), ms |
 * | `SSE_CLIENT_MAX_QUEUED_FRAMES` | `1000` | frames one SSE client may have waiting (and most a reconnect replays); past it the queue is written at once, or, when the socket is over `SSE_CLIENT_MAX_BUFFERED_BYTES` too, the client gets `resync` and its queue is cleared |
 * | `SSE_CLIENT_MAX_BUFFERED_BYTES` | `65536` | bytes an SSE socket's write buffer may hold before frames wait in the queue instead (≥ 16384) |
 * | `SSE_REPLAY_BUFFER_FRAMES` | `1000` | latest frames each project's live feed keeps to answer a reconnect's `Last-Event-ID` without a consumer |
 * | `SSE_FEED_GRACE_MS` | `10000` | a project's live feed (its consumer) stays open this long after its last client left, ms |
 *
 * Without `ADMIN_TOKEN` (tests only) every `/api/*` request is answered 401.
 */
export const QueryConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must have at least 16 characters").optional(),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
  SSE_FLUSH_MS: z.coerce.number().int().min(1).max(1000).default(50),
  SSE_CLIENT_MAX_QUEUED_FRAMES: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  SSE_CLIENT_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(16_384)
    .max(1 << 30)
    .default(64 * 1024),
  SSE_REPLAY_BUFFER_FRAMES: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  SSE_FEED_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
});
/** See {@link QueryConfig}. */
export type QueryConfig = z.infer<typeof QueryConfig>;

/**
 * Reads {@link QueryConfig} from `env`.
 * @throws Error listing every invalid variable (values are not echoed), or when `ADMIN_TOKEN` is
 *   missing and `NODE_ENV` is not `test` — a query API without a token would answer nothing.
 */
export function loadQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  const config = loadConfig(QueryConfig, env);
  if (config.ADMIN_TOKEN === undefined && env["NODE_ENV"] !== "test") {
    throw new Error(
      "invalid configuration:\n  ADMIN_TOKEN: required (a random string of at least 16 characters)",
    );
  }
  return config;
}
