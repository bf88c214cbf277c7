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
