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
 *
 * Without `ADMIN_TOKEN` (tests only) every `/api/*` request is answered 401.
 */
export const QueryConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must have at least 16 characters").optional(),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
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
