import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { Counter } from "prom-client";
import { createLogger } from "./logger.js";
import {
  cachedReading,
  createMetricsRegistry,
  metricsRequestAllowed,
  type OpsReadiness,
  type OpsServer,
  opsPortFromEnv,
  startOpsServer,
} from "./metrics.js";

const logger = createLogger("metrics-test", "silent");

describe("createMetricsRegistry", () => {
  test("registers the default process metrics with the service label", async () => {
    const registry = createMetricsRegistry("projector");
    const text = await registry.metrics();
    assert.match(text, /^process_cpu_user_seconds_total\{service="projector"\} /m);
    assert.match(text, /^# TYPE nodejs_eventloop_lag_p99_seconds gauge$/m);
  });
});

describe("cachedReading", () => {
  test("reuses a reading within the window and reads again after it", async () => {
    let now = 1000;
    let reads = 0;
    const read = cachedReading(
      async () => ++reads,
      5000,
      () => now,
    );
    assert.equal(await read(), 1);
    now += 4999;
    assert.equal(await read(), 1);
    now += 1;
    assert.equal(await read(), 2);
  });

  test("a failed reading is reused for the window, then retried", async () => {
    let now = 0;
    let reads = 0;
    const read = cachedReading(
      async () => {
        reads++;
        if (reads === 1) throw new Error("down");
        return reads;
      },
      100,
      () => now,
    );
    await assert.rejects(read(), /down/);
    await assert.rejects(read(), /down/);
    assert.equal(reads, 1);
    now = 100;
    assert.equal(await read(), 2);
  });
});

describe("opsPortFromEnv", () => {
  test("defaults, numbers, off and errors", () => {
    assert.equal(opsPortFromEnv({}, "P", 3002), 3002);
    assert.equal(opsPortFromEnv({ P: "" }, "P", 3002), 3002);
    assert.equal(opsPortFromEnv({ P: "0" }, "P", 3002), 0);
    assert.equal(opsPortFromEnv({ P: "9464" }, "P", 3002), 9464);
    assert.equal(opsPortFromEnv({ P: "off" }, "P", 3002), null);
    assert.throws(() => opsPortFromEnv({ P: "70000" }, "P", 3002), /P: expected a port/);
    assert.throws(() => opsPortFromEnv({ P: "abc" }, "P", 3002), /P: expected a port/);
  });
});

describe("startOpsServer", () => {
  const registry = createMetricsRegistry("analyst");
  const counter = new Counter({ name: "pulse_test_things_total", help: "things", registers: [registry] });
  let readiness: OpsReadiness | Error = { ready: true, body: { lag: 0 } };
  let server: OpsServer;
  let base: string;
  after(async () => {
    await server?.close();
  });

  test("serves /health, /ready and /metrics", async () => {
    server = await startOpsServer({
      port: 0,
      host: "127.0.0.1",
      registry,
      readiness: async () => {
        if (readiness instanceof Error) throw readiness;
        return readiness;
      },
      logger,
    });
    base = `http://127.0.0.1:${server.port}`;
    counter.inc(3);

    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });

    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready", lag: 0 });

    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await metrics.text();
    assert.match(text, /^pulse_test_things_total\{service="analyst"\} 3$/m);

    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: "POST" })).status, 405);
  });

  test("/ready answers a 503 problem when not ready or when the probe fails", async () => {
    const problem = {
      type: "urn:pulse:problem:not_ready",
      title: "Service Unavailable",
      status: 503,
      code: "not_ready",
    };
    readiness = { ready: false, body: { nats: "down", detail: "not ready: NATS not answering" } };
    const notReady = await fetch(`${base}/ready`);
    assert.equal(notReady.status, 503);
    assert.match(notReady.headers.get("content-type") ?? "", /^application\/problem\+json/);
    assert.deepEqual(await notReady.json(), {
      ...problem,
      detail: "not ready: NATS not answering",
      nats: "down",
    });
    readiness = new Error("secret internals");
    const failed = await fetch(`${base}/ready`);
    assert.equal(failed.status, 503);
    assert.deepEqual(await failed.json(), { ...problem, detail: "not ready" });
  });
});

describe("metrics token", () => {
  test("metricsRequestAllowed: open without a token, else only its bearer", () => {
    assert.equal(metricsRequestAllowed(undefined, undefined), true);
    assert.equal(metricsRequestAllowed(undefined, ""), true);
    assert.equal(metricsRequestAllowed(undefined, "t0ken-0123456789"), false);
    assert.equal(metricsRequestAllowed("Bearer t0ken-0123456788", "t0ken-0123456789"), false);
    assert.equal(metricsRequestAllowed("Bearer t0ken", "t0ken-0123456789"), false);
    assert.equal(metricsRequestAllowed("Bearer t0ken-0123456789", "t0ken-0123456789"), true);
  });

  test("the ops listener asks for the token on /metrics only", async () => {
    const server = await startOpsServer({
      port: 0,
      host: "127.0.0.1",
      registry: createMetricsRegistry("projector"),
      token: "t0ken-0123456789",
      readiness: async () => ({ ready: true, body: {} }),
      logger,
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${base}/metrics`)).status, 401);
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer t0ken-0123456789" } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^process_cpu_user_seconds_total/m);
      assert.equal((await fetch(`${base}/health`)).status, 200);
      assert.equal((await fetch(`${base}/ready`)).status, 200);
    } finally {
      await server.close();
    }
  });
});
