import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import Fastify from "fastify";
import { CrmHttpError, createCrmHttpClient } from "./crm/crm-http.client.js";
import {
  countWebhookDelivery,
  createIngestMetrics,
  crmLabelsOf,
  crmStatusClass,
  ingestMetrics,
  metricsRoutes,
  outcomeOfStatus,
} from "./metrics.js";

const log = createLogger("metrics-test", "silent");

/** The current value of `pulse_crm_requests_total` for the labels (0 when never counted). */
async function crmCount(labels: { api: string; project: string; status: string }): Promise<number> {
  const metric = await ingestMetrics.crmRequests.get();
  return (
    metric.values.find(
      (v) =>
        v.labels["api"] === labels.api &&
        v.labels["project"] === labels.project &&
        v.labels["status"] === labels.status,
    )?.value ?? 0
  );
}

/** A fetch that answers the given statuses in turn. */
function scriptedFetch(statuses: number[]): typeof fetch {
  let i = 0;
  return (async () => {
    const status = statuses[Math.min(i++, statuses.length - 1)] as number;
    return new Response(status === 200 ? "{}" : "busy", {
      status,
      headers: { "content-type": "application/json", ...(status === 429 ? { "retry-after": "0" } : {}) },
    });
  }) as typeof fetch;
}

describe("CRM API metrics", () => {
  test("a 429 then a 200 count one attempt each by answer class", async () => {
    const project = `p429-${Date.now()}`;
    const client = createCrmHttpClient({
      minIntervalMs: 0,
      timeoutMs: 5000,
      retries: 2,
      minRetryDelayMs: 1,
      log,
      fetch: scriptedFetch([429, 200]),
    });
    assert.deepEqual(await client.getJson(project, "http://crm.test/api/x", "token"), {});
    assert.equal(await crmCount({ api: "crm", project, status: "429" }), 1);
    assert.equal(await crmCount({ api: "crm", project, status: "2xx" }), 1);
  });

  test("5xx until the retries run out, and network errors, are counted", async () => {
    const project = `p5xx-${Date.now()}`;
    const client = createCrmHttpClient({
      minIntervalMs: 0,
      timeoutMs: 5000,
      retries: 1,
      minRetryDelayMs: 1,
      log,
      fetch: scriptedFetch([503]),
    });
    await assert.rejects(client.getJson(project, "http://crm.test/api/x", "t"), CrmHttpError);
    assert.equal(await crmCount({ api: "crm", project, status: "5xx" }), 2);

    const offline = createCrmHttpClient({
      minIntervalMs: 0,
      timeoutMs: 5000,
      retries: 0,
      minRetryDelayMs: 1,
      log,
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    await assert.rejects(
      offline.getJsonWith(`radist:${project}`, "http://radist.test/x", {}),
      /fetch failed/,
    );
    assert.equal(await crmCount({ api: "radist", project, status: "error" }), 1);
  });

  test("limiter waits are observed per api", async () => {
    const before = (await ingestMetrics.crmThrottleWait.get()).values.find(
      (v) => v.metricName === "pulse_crm_throttle_wait_seconds_count" && v.labels["api"] === "crm",
    )?.value;
    const client = createCrmHttpClient({
      minIntervalMs: 0,
      timeoutMs: 5000,
      retries: 0,
      minRetryDelayMs: 1,
      log,
      fetch: scriptedFetch([200]),
    });
    await client.getJson(`pw-${Date.now()}`, "http://crm.test/api/x", "t");
    await client.getJson(`pw-${Date.now()}`, "http://crm.test/api/x", "t");
    const afterCount = (await ingestMetrics.crmThrottleWait.get()).values.find(
      (v) => v.metricName === "pulse_crm_throttle_wait_seconds_count" && v.labels["api"] === "crm",
    )?.value;
    assert.equal((afterCount ?? 0) - (before ?? 0), 2);
  });
});

describe("label helpers", () => {
  test("answer classes, outcomes of problem answers and limiter keys", () => {
    assert.equal(crmStatusClass(200), "2xx");
    assert.equal(crmStatusClass(404), "4xx");
    assert.equal(crmStatusClass(429), "429");
    assert.equal(crmStatusClass(502), "5xx");
    assert.equal(crmStatusClass(null), "error");
    assert.equal(outcomeOfStatus(401), "unauthorized");
    assert.equal(outcomeOfStatus(415), "rejected");
    assert.equal(outcomeOfStatus(503), "failed");
    assert.equal(outcomeOfStatus(200), null);
    assert.deepEqual(crmLabelsOf("radist:shop-kyiv"), { api: "radist", project: "shop-kyiv" });
    assert.deepEqual(crmLabelsOf("shop-kyiv"), { api: "crm", project: "shop-kyiv" });
  });
});

describe("GET /metrics (ingest)", () => {
  test("open without a token; with METRICS_TOKEN only for its bearer", async () => {
    const metrics = createIngestMetrics();
    countWebhookDelivery("shop-kyiv", "keycrm", "accepted", metrics);
    countWebhookDelivery(null, "amocrm", "unauthorized", metrics);

    const open = Fastify();
    await open.register(metricsRoutes, { metrics });
    const res = await open.inject({ method: "GET", url: "/metrics" });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"] as string, /^text\/plain/);
    const lines = res.body.split("\n");
    assert.ok(
      lines.includes(
        'pulse_webhook_deliveries_total{project="shop-kyiv",source="keycrm",outcome="accepted",service="ingest"} 1',
      ),
    );
    assert.ok(
      lines.includes(
        'pulse_webhook_deliveries_total{project="unknown",source="amocrm",outcome="unauthorized",service="ingest"} 1',
      ),
    );
    await open.close();

    const guarded = Fastify();
    await guarded.register(metricsRoutes, { metrics, token: "metrics-token-0123456789" });
    const refused = await guarded.inject({ method: "GET", url: "/metrics" });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().code, "unauthorized");
    assert.doesNotMatch(refused.body, /pulse_/);
    const wrong = await guarded.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: "Bearer metrics-token-0123456788" },
    });
    assert.equal(wrong.statusCode, 401);
    const allowed = await guarded.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: "Bearer metrics-token-0123456789" },
    });
    assert.equal(allowed.statusCode, 200);
    assert.match(allowed.body, /^pulse_webhook_deliveries_total\{/m);
    await guarded.close();
  });
});
