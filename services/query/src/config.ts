import { BaseConfig, loadConfig } from "@pulse/infra";
import { z } from "zod";

/**
 * Configuration of the query service: the infra {@link BaseConfig} variables plus
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | `3000` | TCP port `server.ts` listens on |
 * | `HOST` | `0.0.0.0` | interface `server.ts` listens on |
 * | `SSE_HEARTBEAT_MS` | `15000` | interval between `heartbeat` events on an open SSE stream, milliseconds (≥ 50) |
 * | `SESSION_IDLE_MINUTES` | `120` | a session unused this long is over |
 * | `SESSION_ABSOLUTE_HOURS` | `24` | a session this old is over, however busy |
 * | `LOGIN_RATE_LIMIT_MAX` | `20` | login attempts per client IP and login per window |
 * | `LOGIN_RATE_LIMIT_WINDOW_MINUTES` | `15` | that window |
 * | `SSE_FLUSH_MS` | `50` | live frames of one SSE client are gathered this long and written at once (a later notice of the same order replaces an earlier one), ms |
 * | `SSE_CLIENT_MAX_QUEUED_FRAMES` | `1000` | frames one SSE client may have waiting (and most a reconnect replays); past it the queue is written at once, or, when the socket is over `SSE_CLIENT_MAX_BUFFERED_BYTES` too, the client gets `resync` and its queue is cleared |
 * | `SSE_CLIENT_MAX_BUFFERED_BYTES` | `65536` | bytes an SSE socket's write buffer may hold before frames wait in the queue instead (≥ 16384) |
 * | `SSE_REPLAY_BUFFER_FRAMES` | `1000` | latest frames each project's live feed keeps to answer a reconnect's `Last-Event-ID` without a consumer |
 * | `SSE_FEED_GRACE_MS` | `10000` | a project's live feed (its consumer) stays open this long after its last client left, ms |
 *
 * Callers sign in with accounts (`auth` schema; sessions and API tokens). `ADMIN_TOKEN` is no longer
 * read by the query service: the first owner is made with `pnpm cli user create --owner`.
 */
export const QueryConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(100_000).default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(10_000).default(24),
  LOGIN_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(100_000).default(20),
  LOGIN_RATE_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(10_000).default(15),
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
 * @throws Error listing every invalid variable (values are not echoed).
 */
export function loadQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return loadConfig(QueryConfig, env);
}
