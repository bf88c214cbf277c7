import type { Database, Logger, Nats } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { QueryConfig } from "./config.js";
import type { Authenticator } from "./http/auth.plugin.js";

/**
 * Everything the query app needs from the outside. The caller (`server.ts`, or a test) owns the
 * connections: the app never closes `db` or `nats`, it only stops what it started on them
 * (SSE consumers) when it closes.
 */
export interface QueryDeps {
  /** Postgres with the read models (schema `rm`). */
  readonly db: Kysely<Database>;
  /** NATS connection with JetStream client and manager. */
  readonly nats: Nats;
  readonly config: QueryConfig;
  readonly logger: Logger;
  /** "Now" for defaults such as `asOf`; tests pin it. */
  readonly clock: () => Date;
  /**
   * Resolves API tokens to principals. Default: `adminTokenAuthenticator(config.ADMIN_TOKEN)`.
   * The seam where accounts and roles come in later.
   */
  readonly authenticate?: Authenticator;
  /** Bearer token `GET /metrics` requires (`METRICS_TOKEN`); unset = open (`metrics.ts`). */
  readonly metricsToken?: string | undefined;
}

/** Options every route plugin of the app receives. */
export interface RouteOptions {
  readonly deps: QueryDeps;
}
