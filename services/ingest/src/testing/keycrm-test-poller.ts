/**
 * Integration-test support of this package (not exported): a KeyCRM orders poller wired to a test
 * environment the way the service wires it, for tests that run it by hand (`runOnce`).
 */
import { createProjectCrmHttpClient } from "../crm/crm-http.client.js";
import { createKeycrmOrdersPoller, type KeycrmOrdersPoller } from "../pollers/keycrm-orders.poller.js";
import { openPollerCheckpoints } from "../pollers/poller-checkpoints.store.js";
import type { ProjectRegistry } from "../projects/project-registry.js";
import type { IngestTestEnv } from "./ingest-test-env.js";

/**
 * A KeyCRM orders poller over `t` (its NATS, config, logger and the poller checkpoints of its
 * events stream) reading the projects of `registry` through the real CRM HTTP client (as KeyCRM),
 * with the test's `clock` and event id source `newId`. Not started: call `runOnce`, then `close()`.
 * @throws NATS errors when the checkpoints bucket cannot be opened.
 */
export async function keycrmTestPoller(
  t: IngestTestEnv,
  registry: ProjectRegistry,
  opts: { clock: () => Date; newId: () => string },
): Promise<KeycrmOrdersPoller> {
  return createKeycrmOrdersPoller({
    nats: t.env.nats,
    config: t.config,
    logger: t.logger,
    registry,
    http: createProjectCrmHttpClient(t.config, () => "keycrm", t.logger),
    checkpoints: await openPollerCheckpoints(t.env.nats.js, t.env.streamName),
    clock: opts.clock,
    newId: opts.newId,
  });
}
