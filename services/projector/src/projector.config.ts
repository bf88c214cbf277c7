import { type SubjectRoot, streamPlans } from "@pulse/events";
import { BaseConfig, loadConfig } from "@pulse/infra";

/**
 * Configuration of the projector: the shared {@link BaseConfig} plus
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PROJECTOR_DURABLE` | `projector` | durable consumer name on the events stream (`{name}_receipts` on the receipts stream) |
 * | `PROJECTOR_BATCH_SIZE` | `500` | max messages applied in one transaction |
 * | `PROJECTOR_MAX_ACK_PENDING` | `20000` | unacknowledged messages the server lets out |
 * | `PROJECTOR_ACK_WAIT_MS` | `60000` | redelivery timeout of an unacknowledged message |
 * | `PROJECTOR_RETRY_MAX_MS` | `30000` | cap of the backoff between retries of a failing batch |
 * | `REPLAY_BATCH_ROWS` | `5000` | rows per bulk `COPY` of a replay |
 * | `REPLAY_WRITERS` | `2` | parallel connections writing a replay's tables |
 * | `SLA_TICK_SECONDS` | `30` | period of the running-SLA ticker (notices for orders turning near/over) |
 * | `RECOMPUTE_RETRY_MIN_MS` | `1000` | first delay before retrying a recompute that failed for a transient reason |
 * | `RECOMPUTE_RETRY_MAX_MS` | `60000` | cap of that delay (it doubles per failed attempt) |
 */
export interface ProjectorConfig extends BaseConfig {
  readonly PROJECTOR_DURABLE: string;
  readonly PROJECTOR_BATCH_SIZE: number;
  readonly PROJECTOR_MAX_ACK_PENDING: number;
  readonly PROJECTOR_ACK_WAIT_MS: number;
  readonly PROJECTOR_RETRY_MAX_MS: number;
  readonly REPLAY_BATCH_ROWS: number;
  readonly REPLAY_WRITERS: number;
  readonly SLA_TICK_SECONDS: number;
  readonly RECOMPUTE_RETRY_MIN_MS: number;
  readonly RECOMPUTE_RETRY_MAX_MS: number;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${name}: expected a positive integer`);
    return fallback;
  }
  return n;
}

/**
 * Reads the projector configuration from `env` (defaults above).
 * @throws Error listing every invalid variable.
 */
export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const base = loadConfig(BaseConfig, env);
  const problems: string[] = [];
  const durable = env["PROJECTOR_DURABLE"] || "projector";
  if (!/^[A-Za-z0-9_-]+$/.test(durable)) problems.push("PROJECTOR_DURABLE: [A-Za-z0-9_-]+");
  const config: ProjectorConfig = {
    ...base,
    PROJECTOR_DURABLE: durable,
    PROJECTOR_BATCH_SIZE: positiveInt(env, "PROJECTOR_BATCH_SIZE", 500, problems),
    PROJECTOR_MAX_ACK_PENDING: positiveInt(env, "PROJECTOR_MAX_ACK_PENDING", 20_000, problems),
    PROJECTOR_ACK_WAIT_MS: positiveInt(env, "PROJECTOR_ACK_WAIT_MS", 60_000, problems),
    PROJECTOR_RETRY_MAX_MS: positiveInt(env, "PROJECTOR_RETRY_MAX_MS", 30_000, problems),
    REPLAY_BATCH_ROWS: positiveInt(env, "REPLAY_BATCH_ROWS", 5000, problems),
    REPLAY_WRITERS: positiveInt(env, "REPLAY_WRITERS", 2, problems),
    SLA_TICK_SECONDS: positiveInt(env, "SLA_TICK_SECONDS", 30, problems),
    RECOMPUTE_RETRY_MIN_MS: positiveInt(env, "RECOMPUTE_RETRY_MIN_MS", 1000, problems),
    RECOMPUTE_RETRY_MAX_MS: positiveInt(env, "RECOMPUTE_RETRY_MAX_MS", 60_000, problems),
  };
  if (problems.length > 0) throw new Error(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return config;
}

/**
 * The names a configuration implies: subject root, events/receipts stream names
 * (`{EVENTS_STREAM}`, `{EVENTS_STREAM}_RECEIPTS`), their consumer filters and durable names.
 */
export function projectorNames(
  config: Pick<ProjectorConfig, "EVENTS_STREAM" | "SUBJECT_ROOT" | "PROJECTOR_DURABLE">,
) {
  const plans = streamPlans(config.EVENTS_STREAM, config.SUBJECT_ROOT);
  const scheme: SubjectRoot = { root: config.SUBJECT_ROOT };
  return {
    scheme,
    eventsStream: plans.events.name,
    receiptsStream: plans.receipts.name,
    eventsFilter: `${config.SUBJECT_ROOT}.events.>`,
    receiptsFilter: `${config.SUBJECT_ROOT}.receipts.>`,
    eventsDurable: config.PROJECTOR_DURABLE,
    receiptsDurable: `${config.PROJECTOR_DURABLE}_receipts`,
  };
}
