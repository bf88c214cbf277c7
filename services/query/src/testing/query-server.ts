/**
 * Test support (not exported by the package): the query app listening on a real port, for tests
 * that speak HTTP to it (SSE streams, `/metrics`), and the order notices those streams carry.
 */
import assert from "node:assert/strict";
import type { OrderUpdatedNotice } from "@pulse/events";
import { createLogger } from "@pulse/infra";
import type { TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { seedOwnerToken } from "./accounts.fixtures.js";

/**
 * Builds the query app on the test environment `env` — with an owner whose API token is
 * `adminToken` (`seedOwnerToken`) — SSE heartbeat
 * period `heartbeatMs` (ms) and `clock` (default: the wall clock), silent logs, and starts it on a
 * free port of 127.0.0.1. `base` is its origin (`http://127.0.0.1:<port>`); close `app` in `after()`.
 * A project's live feed closes as soon as its last client leaves (`SSE_FEED_GRACE_MS` 0) unless
 * `sse` says otherwise; `sse` sets any other `SSE_*` variable too.
 * @throws when the config is invalid or the app cannot listen.
 */
export async function listenQueryApp(
  env: TestEnv,
  opts: { adminToken: string; heartbeatMs: number; clock?: () => Date; sse?: Record<string, string> },
): Promise<{ app: QueryApp; base: string }> {
  const config = QueryConfig.parse({
    ...env.env,
    SSE_HEARTBEAT_MS: String(opts.heartbeatMs),
    SSE_FEED_GRACE_MS: "0",
    ...opts.sse,
  });
  await seedOwnerToken(env.db, opts.adminToken);
  const app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: opts.clock ?? (() => new Date()),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === "object");
  return { app, base: `http://127.0.0.1:${address.port}` };
}

/**
 * An `order_updated` notice of order `orderId` in project `projectId` at events-stream sequence
 * `eventSeq`: a status change into status 20 (group 2) at 2026-10-12T09:00Z of an order started an
 * hour earlier, still open.
 */
export function anOrderUpdatedNotice(
  projectId: string,
  orderId: number,
  eventSeq: number,
): OrderUpdatedNotice {
  return {
    type: "order_updated",
    project_id: projectId,
    order_id: orderId,
    event_seq: eventSeq,
    reason: "order.status_changed",
    last_status_id: 20,
    last_status_group_id: 2,
    last_changed_at: "2026-10-12T09:00:00.000Z",
    started_at: "2026-10-12T08:00:00.000Z",
    closed_at: null,
  };
}
