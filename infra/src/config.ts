import { z } from "zod";

/**
 * Runtime configuration shared by all services, read from the environment. Every variable has a
 * default that works on a developer machine with the local nats-server and Postgres.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `NATS_URL` | `nats://dev:dev@127.0.0.1:4222` | NATS server(s), comma-separated; credentials as `nats://user:password@host:port` (the local `dev` user, infra/nats/local.conf) |
 * | `DATABASE_URL` | `postgres://postgres@127.0.0.1:5432/pulse` | Postgres for read models |
 * | `EVENTS_STREAM` | `CRM_EVENTS` | name of the events stream (receipts/updates streams derive from it) |
 * | `SUBJECT_ROOT` | `crm` | first subject token(s) |
 * | `LOG_LEVEL` | `info` | pino level |
 */
export const BaseConfig = z.object({
  NATS_URL: z.string().default("nats://dev:dev@127.0.0.1:4222"),
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/pulse"),
  EVENTS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default("CRM_EVENTS"),
  SUBJECT_ROOT: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
    .default("crm"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
/** See {@link BaseConfig}. */
export type BaseConfig = z.infer<typeof BaseConfig>;

/**
 * Parses `env` with `schema`; on failure throws an Error listing every bad variable (values are
 * not echoed, since some are secrets).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}
