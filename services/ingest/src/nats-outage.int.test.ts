/**
 * Ingest across a NATS restart, against a private nats-server owned by this file (the shared one
 * on 4222 is never touched): webhooks answer 503 + Retry-After while NATS is down and are stored
 * once after it returns; the project registry's KV watch, the dictionary worker's core subscription
 * and the items worker's durable consumer resume by themselves.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { dictionaryRefreshSubject } from "@pulse/events";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import { type PrivateNatsServer, startPrivateNats } from "@pulse/infra/testing-nats";
import { openProjectsBucket, putProject, sha256Hex } from "./projects/project-registry.js";
import { type RunningIngest, startIngest } from "./server.js";
import { defaultFixturesDir, type FixtureCrm, startFixtureCrm } from "./testing/index.js";

const SECRET = "outage-secret-123";
const WAIT_MS = 30_000;

describe("ingest across a NATS restart", () => {
  let server: PrivateNatsServer;
  let env: TestEnv;
  let ingest: RunningIngest;
  let crm: FixtureCrm;
  const logger = createLogger("ingest-outage-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  const record = (projectId: string) => ({
    project_id: projectId,
    name: projectId,
    kind: "keycrm" as const,
    base_url: null,
    time_zone: "Europe/Kyiv",
    active: true,
    webhook_secret_sha256: sha256Hex(SECRET),
    api_token: null,
  });
  const post = (project: string, orderId: number) =>
    fetch(`${ingest.url}/webhooks/keycrm/${project}?secret=${SECRET}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        event: "order.change_order_status",
        context: { id: orderId, status_id: 2, status_changed_at: "2026-10-13 10:00:00" },
      }),
    });
  const dictionaryEvents = async (project: string) => {
    const info = await streamInfo(`${env.subjectRoot}.events.${project}.dictionary.>`);
    return Object.values(info.state.subjects ?? {}).reduce((n, c) => n + c, 0);
  };
  const ready = async () => (await fetch(`${ingest.url}/ready`)).status;
  /** Info of the events stream for `filter`, once this test's own connection answers again. */
  const streamInfo = (filter: string) =>
    waitFor(
      "the events stream answering",
      async () => env.nats.jsm.streams.info(env.streamName, { subjects_filter: filter }).catch(() => null),
      WAIT_MS,
    );
  const storedFor = async (project: string, orderId: number) => {
    const info = await streamInfo(`${env.subjectRoot}.events.${project}.>`);
    const subjects = info.state.subjects ?? {};
    return Object.entries(subjects)
      .filter(([s]) => s.endsWith(`.${orderId}`))
      .reduce((n, [, count]) => n + count, 0);
  };

  before(async () => {
    server = await startPrivateNats();
    env = await createTestEnv("ingestout", { natsUrl: server.url });
    crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir() });
    const kv = await openProjectsBucket(env.nats.js, env.streamName);
    await putProject(kv, record("shop"));
    // With CRM API access: its dictionary is synced when a refresh is requested over core NATS.
    await putProject(kv, { ...record("kyiv"), base_url: `${crm.url}/shop-kyiv`, api_token: "crm-token-1" });
    ingest = await startIngest({
      env: {
        ...env.env,
        PORT: "0",
        INGEST_HOST: "127.0.0.1",
        DICTIONARY_SYNC_ON_START: "false",
        DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS: "0",
        DICTIONARY_REFRESH_INTERVAL_MINUTES: "0",
        WEBHOOK_RETRY_AFTER_SECONDS: "7",
        AMOCRM_CATCHUP_INTERVAL_SECONDS: "0",
        RADIST_POLL_INTERVAL_SECONDS: "0",
      },
      logger,
    });
    await waitFor(
      "the projects in the registry",
      async () => ingest.registry.get("shop") !== undefined && ingest.registry.get("kyiv") !== undefined,
      WAIT_MS,
    );
  });

  after(async () => {
    if (!server.running) await server.start().catch(() => undefined);
    await ingest?.close();
    await crm?.close();
    await env?.close();
    await server?.close();
  });

  test("given NATS goes down, when webhooks arrive, then 503 with Retry-After and /ready 503; after it returns, deliveries are stored once and new projects are seen", async () => {
    assert.equal((await post("shop", 1)).status, 200);
    await server.stop();
    await waitFor("ingest not ready", async () => (await ready()) === 503, WAIT_MS);

    const refused = await post("shop", 2);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "7");
    assert.match(refused.headers.get("content-type") ?? "", /^application\/problem\+json/);

    await server.start();
    await waitFor("ingest ready again", async () => (await ready()) === 200, WAIT_MS);
    // The CRM retries the refused delivery: stored exactly once (a publish buffered during the
    // outage may have reached the stream; the dedup key keeps one).
    const retried = await post("shop", 2);
    assert.equal(retried.status, 200);
    assert.equal(await storedFor("shop", 2), 1);
    assert.equal(await storedFor("shop", 1), 1);

    // The registry's KV watch resumed: a project registered after the restart is served.
    // The dictionary worker's core subscription resumed: a refresh request (fire-and-forget, so it is
    // repeated until heard) makes it sync the dictionary.
    assert.equal(await dictionaryEvents("kyiv"), 0, "no sync before");
    let askedAt = 0;
    await waitFor(
      "a dictionary synced on request after the restart",
      async () => {
        if (Date.now() - askedAt > 500) {
          askedAt = Date.now();
          env.nats.nc.publish(
            dictionaryRefreshSubject({ root: env.subjectRoot }, "kyiv"),
            JSON.stringify({ project_id: "kyiv", reason: "unknown_status", status_ids: [99] }),
          );
        }
        return (await dictionaryEvents("kyiv")) > 0;
      },
      WAIT_MS,
    );

    await putProject(await openProjectsBucket(env.nats.js, env.streamName), record("late"));
    await waitFor(
      "the new project seen by the watch",
      async () => ingest.registry.get("late") !== undefined,
      WAIT_MS,
    );
    assert.equal((await post("late", 3)).status, 200);
  });

  test("given the items worker's durable consumer is deleted on the server, then the worker re-creates it", async () => {
    const original = await env.nats.jsm.consumers.info(env.streamName, "items-worker");
    // nats-server 2.9 may answer a delete racing its own writes with "directory not empty": ask again.
    await waitFor(
      "items-worker deleted",
      async () =>
        env.nats.jsm.consumers.delete(env.streamName, "items-worker").then(
          () => true,
          async () => {
            const now = await env.nats.jsm.consumers.info(env.streamName, "items-worker").catch(() => null);
            return now === null || now.created !== original.created;
          },
        ),
      WAIT_MS,
    );
    const info = await waitFor(
      "items-worker re-created",
      async () => {
        const now = await env.nats.jsm.consumers.info(env.streamName, "items-worker").catch(() => null);
        return now && now.created !== original.created ? now : null;
      },
      WAIT_MS,
    );
    assert.equal(info.config.durable_name, "items-worker");
    // It delivers again: a new status event reaches it (it acks events of projects without API access).
    assert.equal((await post("shop", 4)).status, 200);
    await waitFor(
      "the re-created consumer caught up",
      async () => {
        const i = await env.nats.jsm.consumers.info(env.streamName, "items-worker");
        return i.num_pending === 0 && i.num_ack_pending === 0 && i.delivered.stream_seq > 0;
      },
      WAIT_MS,
    );
  });
});
