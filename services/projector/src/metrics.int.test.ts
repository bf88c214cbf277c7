/**
 * The projector's Prometheus metrics against the local NATS and PostgreSQL: the lag gauge equals a
 * known backlog before the projector runs and drops to 0 once it applied it; the batch counters and
 * the webhook-statistics gauges follow what was applied; a poison message shows as a dead letter.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { encodeEvent, eventSubject, receiptSubject, type WebhookReceipt } from "@pulse/events";
import { anOrderStatusChanged, aProjectRegistered, aWebhookReceipt } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import type { Registry } from "prom-client";
import { createProjectorMetrics, type ProjectorMetrics, SCRAPE_CACHE_MS } from "./metrics.js";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector, type Projector } from "./projector.js";

const P = "shop-metrics";

/** The value of `name` for the series whose labels include `labels` (undefined when absent). */
async function sampleValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
}

describe("projector metrics", () => {
  let env: TestEnv;
  let metrics: ProjectorMetrics;
  let projector: Projector | null = null;
  // The scrape cache's clock: advanced by hand so every reading below is fresh.
  let now = 0;
  const fresh = () => {
    now += SCRAPE_CACHE_MS;
  };

  before(async () => {
    env = await createTestEnv("metrics");
    metrics = createProjectorMetrics({
      nats: env.nats,
      db: env.db,
      config: loadProjectorConfig(env.env),
      clock: () => now,
    });
  });
  after(async () => {
    await projector?.stop();
    await env.close();
  });

  test("the lag gauge reflects the backlog, then 0 once applied", async () => {
    const scheme = { root: env.subjectRoot };
    const events = [
      aProjectRegistered(P),
      ...[1, 2, 3].map((i) => ({
        ...anOrderStatusChanged(
          { order_id: 9000 + i, status_id: 1, status_changed_at: `2026-10-12T0${i}:00:00.000Z` },
          P,
        ),
        delivery: { id: `req-${i}`, source: "keycrm" as const, events: 1 },
      })),
    ];
    for (const e of events) {
      await env.nats.js.publish(eventSubject(scheme, e), encodeEvent(e), { msgID: e.dedup_key });
    }
    // A poison message: not an event.
    await env.nats.js.publish(`${env.subjectRoot}.events.${P}.order.1`, "not json");
    const receipts: WebhookReceipt[] = [
      aWebhookReceipt({ project_id: P, source: "keycrm", outcome: "rejected", http_status: 400 }),
      aWebhookReceipt({ project_id: P, source: "keycrm", outcome: "unauthorized", http_status: 401 }),
    ];
    for (const r of receipts) {
      await env.nats.js.publish(receiptSubject(scheme, r.project_id, r.source), JSON.stringify(r));
    }

    fresh();
    assert.equal(await sampleValue(metrics.registry, "pulse_projector_lag", { consumer: "events" }), 5);
    assert.equal(await sampleValue(metrics.registry, "pulse_projector_lag", { consumer: "receipts" }), 2);
    assert.equal(
      await sampleValue(metrics.registry, "pulse_projector_checkpoint", { consumer: "events" }),
      0,
    );

    projector = createProjector({
      nats: env.nats,
      db: env.db,
      config: loadProjectorConfig(env.env),
      logger: createLogger("metrics-test", "silent"),
      metrics,
      clock: () => Date.UTC(2026, 9, 12, 12),
    });
    await projector.start();
    await waitFor("both consumers caught up (lag 0)", async () => {
      fresh();
      return (
        (await sampleValue(metrics.registry, "pulse_projector_lag", { consumer: "events" })) === 0 &&
        (await sampleValue(metrics.registry, "pulse_projector_lag", { consumer: "receipts" })) === 0
      );
    });
    assert.equal(
      await sampleValue(metrics.registry, "pulse_projector_checkpoint", { consumer: "events" }),
      5,
    );
  });

  test("batch counters, dead letters and webhook statistics follow what was applied", async () => {
    assert.equal(
      await sampleValue(metrics.registry, "pulse_projector_messages_applied_total", { consumer: "events" }),
      5,
    );
    assert.equal(
      await sampleValue(metrics.registry, "pulse_projector_messages_applied_total", { consumer: "receipts" }),
      2,
    );
    assert.equal(
      await sampleValue(metrics.registry, "pulse_projector_dead_lettered_total", { consumer: "events" }),
      1,
    );
    const batches = await sampleValue(metrics.registry, "pulse_projector_batch_duration_seconds", {
      consumer: "events",
    });
    assert.ok(batches !== undefined);

    fresh();
    assert.equal(await sampleValue(metrics.registry, "pulse_dead_letters", { stream: env.streamName }), 1);
    assert.equal(
      await sampleValue(metrics.registry, "pulse_dead_letters", { stream: `${env.streamName}_RECEIPTS` }),
      0,
    );
    const stat = (outcome: string) =>
      sampleValue(metrics.registry, "pulse_webhook_stats_deliveries", {
        project: P,
        source: "keycrm",
        outcome,
      });
    assert.equal(await stat("accepted"), 3);
    assert.equal(await stat("rejected"), 1);
    assert.equal(await stat("unauthorized"), 1);
    assert.equal(await stat("failed"), 0);
    assert.equal(
      await sampleValue(metrics.registry, "pulse_events_stored", { project: P, source: "keycrm" }),
      3,
    );
    const last = await sampleValue(metrics.registry, "pulse_webhook_last_received_timestamp_seconds", {
      project: P,
      source: "keycrm",
    });
    assert.ok(last !== undefined && last > Date.UTC(2020, 0, 1) / 1000);
    assert.equal(await sampleValue(metrics.registry, "pulse_replays", { status: "running" }), 0);
    assert.equal(await sampleValue(metrics.registry, "pulse_replay_progress_ratio"), 1);
  });

  test("a reading that fails leaves the gauges empty and is counted", async () => {
    const broken = createProjectorMetrics({
      nats: env.nats,
      db: env.db,
      config: { ...loadProjectorConfig(env.env), EVENTS_STREAM: `${env.streamName}_MISSING` },
      clock: () => now,
    });
    assert.equal(
      await sampleValue(broken.registry, "pulse_projector_lag", { consumer: "events" }),
      undefined,
    );
    assert.equal(await sampleValue(broken.registry, "pulse_projector_scrape_errors_total"), 1);
    // The whole scrape still succeeds.
    assert.match(
      await broken.registry.metrics(),
      /^pulse_projector_scrape_errors_total\{service="projector"\} 1$/m,
    );
  });
});
