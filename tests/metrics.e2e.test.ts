/**
 * Metrics end to end (README "Metrics and alerts"): webhook requests through real HTTP count in
 * ingest's `GET /metrics` by project, source and outcome; and every metric name the alerting rules
 * (infra/prometheus/alerts.yml) and the Grafana dashboard (infra/grafana/dashboards) use is exported
 * by some service — ingest and query scraped over HTTP, projector and analyst from the registries
 * their ops listeners serve.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createAnalystMetrics, createAnalystRegistry, withPrometheus } from "@pulse/analyst";
import { waitFor } from "@pulse/infra/testing";
import { createProjectorMetrics, loadProjectorConfig } from "@pulse/projector";
import { type Stack, startStack, WEBHOOK_SECRET } from "./support/stack.js";

const repo = new URL("..", import.meta.url).pathname;

/** One sample of a scrape: metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format: the samples and the metric families (`# TYPE name type`). */
function parseExposition(text: string): { samples: Sample[]; families: Map<string, string> } {
  const samples: Sample[] = [];
  const families = new Map<string, string>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, families };
}

/** The series names a family exports: histograms and summaries add `_bucket`/`_sum`/`_count`. */
function seriesNames(families: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [name, type] of families) {
    names.add(name);
    if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(`${name}${s}`);
    if (type === "summary") for (const s of ["_sum", "_count"]) names.add(`${name}${s}`);
  }
  return names;
}

/** The sum of the samples of `name` whose labels include `labels`. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200, `${base}/metrics`);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return res.text();
}

/** Metric names referenced in a rules or dashboard file (ours, process and Node.js ones). */
function referencedNames(text: string): Set<string> {
  return new Set(text.match(/\b(?:pulse|process|nodejs)_[a-z0-9_]+/g) ?? []);
}

describe("metrics end to end", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack("metrics", ["shop-kyiv"]);
  });
  after(async () => {
    await stack?.close();
  });

  const keycrm = (body: string, secret: string, project = "shop-kyiv") =>
    fetch(`${stack.ingestUrl}/webhooks/keycrm/${project}?secret=${secret}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  test("given webhook requests with every outcome ingest decides, then /metrics counts each once by project, source and outcome", async () => {
    const before = parseExposition(await scrape(stack.ingestUrl)).samples;
    const delivery = JSON.stringify({
      event: "order.change_order_status",
      context: {
        id: 515151,
        status_id: 1,
        status_group_id: 1,
        status_changed_at: "2026-10-12T04:27:45.000000Z",
      },
    });
    const ignored = JSON.stringify({ event: "order.change_payment_status", context: { id: 515151 } });
    assert.equal(await keycrm(delivery, WEBHOOK_SECRET), 200); // accepted
    assert.equal(await keycrm(delivery, WEBHOOK_SECRET), 200); // duplicate (JetStream window)
    assert.equal(await keycrm(ignored, WEBHOOK_SECRET), 200); // ignored
    assert.equal(await keycrm('{"event":', WEBHOOK_SECRET), 400); // rejected
    assert.equal(await keycrm(delivery, "a-wrong-secret"), 401); // unauthorized
    assert.equal(await keycrm(delivery, WEBHOOK_SECRET, "no-such-project"), 401); // unknown project

    const samples = parseExposition(await scrape(stack.ingestUrl)).samples;
    const delta = (name: string, labels: Record<string, string>) =>
      sampleValue(samples, name, labels) - sampleValue(before, name, labels);
    const kyiv = { project: "shop-kyiv", source: "keycrm", service: "ingest" };
    for (const outcome of ["accepted", "duplicate", "ignored", "rejected", "unauthorized"]) {
      assert.equal(delta("pulse_webhook_deliveries_total", { ...kyiv, outcome }), 1, outcome);
    }
    assert.equal(delta("pulse_webhook_deliveries_total", { ...kyiv, outcome: "failed" }), 0);
    assert.equal(
      delta("pulse_webhook_deliveries_total", {
        project: "unknown",
        source: "keycrm",
        outcome: "unauthorized",
      }),
      1,
    );
    assert.ok(
      !samples.some((s) => s.labels["project"] === "no-such-project"),
      "no label from an unknown caller",
    );
    assert.equal(delta("pulse_events_published_total", { project: "shop-kyiv", result: "stored" }), 1);
    assert.equal(delta("pulse_events_published_total", { project: "shop-kyiv", result: "duplicate" }), 1);
    assert.equal(delta("pulse_publish_duration_seconds_count", { outcome: "ok" }), 2);
  });

  test("every metric used by alerts.yml and the Grafana dashboards is exported by a service", async () => {
    await stack.settled();
    const exported = new Set<string>(["up"]); // `up` is Prometheus' own, per target
    const add = (text: string) => {
      for (const n of seriesNames(parseExposition(text).families)) exported.add(n);
    };
    add(await scrape(stack.ingestUrl));
    add(await scrape(stack.queryUrl));
    // The projector and analyst registries, as their ops listeners serve them.
    const projector = createProjectorMetrics({
      nats: stack.env.nats,
      db: stack.env.db,
      config: loadProjectorConfig(stack.env.env),
    });
    add(await projector.registry.metrics());
    const analyst = createAnalystRegistry();
    withPrometheus(createAnalystMetrics(0), analyst);
    add(await analyst.metrics());

    // The projector's scrape-time gauges carry this stack's state.
    const projected = parseExposition(await projector.registry.metrics()).samples;
    assert.equal(sampleValue(projected, "pulse_projector_lag", { consumer: "events" }), 0);
    await waitFor("the accepted delivery in the webhook statistics", async () => {
      const s = parseExposition(await projector.registry.metrics()).samples;
      return (
        sampleValue(s, "pulse_webhook_stats_deliveries", { project: "shop-kyiv", outcome: "accepted" }) >= 1
      );
    });

    const files = [
      join(repo, "infra/prometheus/alerts.yml"),
      ...readdirSync(join(repo, "infra/grafana/dashboards"))
        .filter((f) => f.endsWith(".json"))
        .map((f) => join(repo, "infra/grafana/dashboards", f)),
    ];
    assert.ok(files.length >= 2, "alerts and at least one dashboard");
    let referenced = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      if (file.endsWith(".json")) JSON.parse(text);
      const names = referencedNames(text);
      referenced += names.size;
      const missing = [...names].filter((n) => !exported.has(n));
      assert.deepEqual(missing, [], `${file} uses metrics no service exports`);
    }
    assert.ok(referenced >= 20, `the files reference ${referenced} metric names`);
  });
});
