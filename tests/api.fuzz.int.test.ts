/**
 * Fuzz of every HTTP route: each operation of the query app's `/openapi.json` (enumerated at run
 * time, so new routes are covered without touching this file) and each webhook endpoint (KeyCRM
 * JSON, amoCRM form, Evolution JSON; valid, wrong-kind and unknown projects; valid, wrong, missing
 * secrets), with mutated path parameters, query strings, headers and bodies (see `fuzz/`).
 * Seeded: `FUZZ_SEED` overrides the seed (printed), `FUZZ_RUNS` the number of cases; `pnpm fuzz`
 * runs larger numbers and replays single cases. Then the requests that once answered 5xx, and the
 * bounds, one by one.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import type { FuzzAnswer, FuzzRequest } from "./fuzz/request.js";
import { checkAnswer, type FuzzReport, formatCounts, formatFailure, runFuzz } from "./fuzz/runner.js";
import {
  FUZZ_ADMIN_TOKEN,
  FUZZ_PROJECTS,
  FUZZ_WEBHOOK_SECRET,
  type FuzzTargets,
  startFuzzTargets,
} from "./fuzz/targets.js";
import { nestedJson } from "./fuzz/values.js";

const SEED = Number(process.env["FUZZ_SEED"] ?? 20261207);
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 2500);
const AUTH = { authorization: `Bearer ${FUZZ_ADMIN_TOKEN}` };

let targets: FuzzTargets;

before(async () => {
  targets = await startFuzzTargets("apifuzz");
});

after(async () => {
  await targets?.close();
});

function routesOf(t: FuzzTargets): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(t.openapi.paths))
    for (const method of Object.keys(item))
      if (["get", "put", "post", "patch", "delete"].includes(method))
        out.push(`${method.toUpperCase()} ${path}`);
  return out;
}

function ok(report: FuzzReport, route: string): number {
  let n = 0;
  for (const [status, count] of report.byRoute.get(route) ?? []) if (status < 300) n += count;
  return n;
}

describe("fuzz over every route", () => {
  test(`given ${RUNS} seeded cases over every OpenAPI route and webhook, when sent, then none is a 5xx, every 4xx is a problem and no rejected request stores an event`, async (t) => {
    t.diagnostic(
      `fuzz seed ${SEED} (override with FUZZ_SEED; replay a case with pnpm fuzz --seed ${SEED} --case N)`,
    );
    console.log(`fuzz seed ${SEED}, ${RUNS} cases`);
    const eventsBefore = await targets.eventCount();
    const report = await runFuzz(targets, { seed: SEED, runs: RUNS });
    t.diagnostic(formatCounts(report));
    assert.equal(report.failures.length, 0, report.failures.slice(0, 10).map(formatFailure).join("\n\n"));

    // The run reached every route, and got past authentication and validation on both services:
    // otherwise "no 5xx" would prove little.
    const routes = routesOf(targets);
    assert.ok(routes.length >= 20, `the OpenAPI document lists ${routes.length} operations`);
    const webhookRoutes = ["keycrm", "amocrm", "evolution"].map((s) => `POST /webhooks/${s}/{projectId}`);
    for (const route of [...routes, ...webhookRoutes]) {
      const cases = [...(report.byRoute.get(route)?.values() ?? [])].reduce((a, b) => a + b, 0);
      assert.ok(cases >= Math.min(10, RUNS / 300), `${route} got ${cases} cases`);
    }
    for (const route of webhookRoutes) assert.ok(ok(report, route) > 0, `${route}: no delivery accepted`);
    const queryOk = routes.filter((r) => r.startsWith("GET /api/") && ok(report, r) > 0);
    assert.ok(
      queryOk.length >= routes.filter((r) => r.startsWith("GET /api/")).length / 2,
      `2xx on ${queryOk.join(", ")}`,
    );
    for (const code of [
      "validation_failed",
      "unauthorized",
      "invalid_token",
      "project_not_found",
      "unsupported_media_type",
    ]) {
      assert.ok((report.byCode.get(code) ?? 0) > 0, `no ${code} problem in the run`);
    }
    // Accepted deliveries did store events: the "rejected ones store none" check was live.
    assert.ok((await targets.eventCount()) > eventsBefore);
  });
});

/** Sends `request` and checks it like the fuzzer does, plus the expected status. */
async function expectAnswer(
  request: Omit<FuzzRequest, "route" | "stream" | "note"> & { stream?: boolean },
  status: number,
): Promise<FuzzAnswer> {
  const r: FuzzRequest = { stream: false, route: "", note: "", ...request };
  const writes = r.method !== "GET" && r.method !== "HEAD";
  const before = writes ? await targets.eventCount() : null;
  const answer = await targets.send(r);
  const after = writes ? await targets.eventCount() : null;
  assert.deepEqual(checkAnswer(r, answer, before, after), [], `${r.method} ${r.url.slice(0, 200)}`);
  assert.equal(
    answer.status,
    status,
    `${r.method} ${r.url.slice(0, 200)} → ${answer.status} ${answer.body.slice(0, 300)}`,
  );
  return answer;
}

const get = (url: string, status: number, headers: Record<string, string> = AUTH) =>
  expectAnswer({ target: "query", method: "GET", url, headers }, status);

const codeOf = (a: FuzzAnswer) => (JSON.parse(a.body) as { code: string }).code;

describe("requests that once answered 5xx, and the plausible range", () => {
  const kyiv = FUZZ_PROJECTS.keycrm;
  const amo = FUZZ_PROJECTS.amocrm;

  test("given year 0 for webhook stats, when asked, then 400 validation_failed instead of a Postgres error", async () => {
    const a = await get(`/api/webhooks/stats?project=${kyiv}&from=0000-01-01`, 400);
    assert.equal(codeOf(a), "validation_failed");
    await get(`/api/webhooks/stats?project=${kyiv}&to=9999-12-31`, 400);
  });

  test("given 9999-12-31 for the text report (day, week, month), when asked, then 400 instead of a RangeError", async () => {
    for (const period of ["day", "week", "month"]) {
      const a = await get(`/api/reports/text?project=${kyiv}&period=${period}&date=9999-12-31`, 400);
      assert.equal(codeOf(a), "validation_failed");
    }
  });

  test("given the range's edges, when asked, then they are served: 2000-01-01 and 2099-12-31 (a month ending 2100-01-01)", async () => {
    await get(`/api/webhooks/stats?project=${kyiv}&from=2000-01-01&to=2099-12-31`, 200);
    await get(`/api/reports/text?project=${kyiv}&period=month&date=2099-12-31`, 200);
    await get(`/api/reports/text?project=${kyiv}&period=week&date=2000-01-01`, 200);
    await get(`/api/orders?project=${kyiv}&from=2000-01-01T00:00:00Z&to=2099-12-31T23:59:59.999Z`, 200);
    await get(`/api/orders?project=${kyiv}&from=2000-01-01T00:00:00+14:00`, 400);
    await get(`/api/orders?project=${kyiv}&asOf=2100-01-01T00:00:00Z`, 400);
  });

  test("given extreme dates, instants and shift ids on the other routes, when asked, then 400 each", async () => {
    await get(`/api/analytics/status-durations?project=${kyiv}&from=0000-01-01&to=0000-12-31`, 400);
    await get(`/api/orders?project=${kyiv}&asOf=9999-12-31T23:59:59-14:00`, 400);
    await get(`/api/orders/1/timeline?project=${kyiv}&asOf=0000-01-01T00:00:00Z`, 400);
    await get(`/api/reports/shifts?project=${amo}&from=2099-12-31T23:59:59Z&to=9999-12-31T23:59:59Z`, 400);
    await get(`/api/dialogs/analysis?project=${amo}&from=1969-12-31T23:59:59Z`, 400);
    await get(`/api/dialogs/stats?project=${amo}&shiftId=9999-12-31T22:00`, 400);
    await get(`/api/shifts/0000-01-01/deals?project=${amo}`, 400);
    await get(`/api/shifts/2026-02-30/deals?project=${amo}`, 400);
    await get(`/api/shifts/2026-10-21T24:00/deals?project=${amo}`, 400);
    await expectAnswer(
      {
        target: "query",
        method: "POST",
        url: "/api/analysis/run",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ project: amo, from: "0000-01-01T00:00:00Z", to: "2026-10-22T00:00:00Z" }),
      },
      400,
    );
  });

  test("given NUL in a path parameter, query value or body key, when sent, then 400 validation_failed before any SQL and nothing published", async () => {
    const a = await get(`/api/replays/%00?project=${kyiv}`, 400);
    assert.equal(codeOf(a), "validation_failed");
    await get(`/api/dialogs/analysis?project=${amo}&funnelStage=%00`, 400);
    const put = await expectAnswer(
      {
        target: "query",
        method: "PUT",
        url: `/api/settings/sla?project=${kyiv}`,
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ version: 0, grids: { "normal\u0000": { "1": "01:00" } } }),
      },
      400,
    );
    assert.match(put.body, /nul_character/);
  });

  test("given a broken escape or an over-long segment in the path, when sent to either app, then a 400/414 problem that does not echo the URL's token or secret", async () => {
    const a = await get(`/api/replays/x%zz?project=${kyiv}&access_token=${FUZZ_ADMIN_TOKEN}`, 400, {});
    assert.equal(codeOf(a), "invalid_url");
    assert.ok(!a.body.includes(FUZZ_ADMIN_TOKEN), a.body);
    const b = await get(`/api/orders/${"9".repeat(1000)}/timeline?project=${kyiv}`, 414);
    assert.equal(codeOf(b), "uri_too_long");
    const c = await expectAnswer(
      {
        target: "ingest",
        method: "POST",
        url: `/webhooks/keycrm/x%zz?secret=${FUZZ_WEBHOOK_SECRET}`,
        headers: { "content-type": "application/json" },
        body: "{}",
      },
      400,
    );
    assert.ok(!c.body.includes(FUZZ_WEBHOOK_SECRET), c.body);
    await expectAnswer(
      {
        target: "ingest",
        method: "POST",
        url: `/webhooks/amocrm/${"a".repeat(1000)}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1",
      },
      414,
    );
  });

  test("given the SSE route with HEAD or a bad Last-Event-ID, when asked over HTTP, then a 4xx problem, not an open stream", async () => {
    await expectAnswer(
      {
        target: "query",
        method: "HEAD",
        url: `/api/stream/orders?project=${kyiv}`,
        headers: AUTH,
        stream: true,
      },
      404,
    );
    const a = await expectAnswer(
      {
        target: "query",
        method: "GET",
        url: `/api/stream/orders?project=${kyiv}`,
        headers: { ...AUTH, "last-event-id": "-1" },
        stream: true,
      },
      400,
    );
    assert.equal(codeOf(a), "validation_failed");
    const open = await expectAnswer(
      {
        target: "query",
        method: "GET",
        url: `/api/stream/orders?project=${kyiv}`,
        headers: AUTH,
        stream: true,
      },
      200,
    );
    assert.match(open.headers["content-type"] ?? "", /^text\/event-stream/);
  });

  test("given an Evolution or KeyCRM body nested 100 000 deep, when posted, then 400 and nothing stored; 50 levels in a delivery are still accepted", async () => {
    const evolution = targets.corpus.evolution[0] ?? "";
    for (const [source, project] of [
      ["evolution", amo],
      ["keycrm", kyiv],
    ] as const) {
      const a = await expectAnswer(
        {
          target: "ingest",
          method: "POST",
          url: `/webhooks/${source}/${project}?secret=${FUZZ_WEBHOOK_SECRET}`,
          headers: { "content-type": "application/json" },
          body: `{"event":"messages.upsert","data":${nestedJson(100_000, "array")}}`,
        },
        400,
      );
      assert.match((JSON.parse(a.body) as { detail: string }).detail, /nested deeper than 64/);
    }
    const deepButFine = evolution.replace('"data":{', `"extra":${nestedJson(50, "object")},"data":{`);
    assert.notEqual(deepButFine, evolution);
    await expectAnswer(
      {
        target: "ingest",
        method: "POST",
        url: `/webhooks/evolution/${amo}?secret=${FUZZ_WEBHOOK_SECRET}`,
        headers: { "content-type": "application/json" },
        body: deepButFine,
      },
      200,
    );
  });

  test("given bytes that are not HTTP, when sent to either app's socket, then a 400 problem and the connection closes", async () => {
    for (const base of [targets.queryUrl, targets.ingestUrl]) {
      const { hostname, port } = new URL(base);
      const raw = await new Promise<string>((resolve, reject) => {
        let out = "";
        const socket = connect({ host: hostname, port: Number(port) }, () =>
          socket.write("GET /\u0000 HTTP/1.1\r\nbroken header\r\n\r\n"),
        );
        socket.on("data", (d) => {
          out += d.toString("latin1");
        });
        socket.on("close", () => resolve(out));
        socket.on("error", reject);
      });
      assert.match(raw, /^HTTP\/1\.1 400 /);
      assert.match(raw, /content-type: application\/problem\+json/i);
      const body = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
      assert.equal(body["status"], 400);
      assert.equal(body["code"], "malformed_request");
    }
  });
});
