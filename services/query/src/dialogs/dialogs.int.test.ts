import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { parse } from "csv-parse/sync";
import { QueryConfig } from "../config.js";
import type { QueryDeps } from "../deps.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import type { Principal } from "../http/auth.plugin.js";
import {
  DIALOG_501,
  seedDialogScenario,
  W0_END,
  W0_START,
  W1_END,
  W1_START,
} from "../testing/dialogs.fixtures.js";
import { exportAnalyses } from "./dialogs.repository.js";
import type { AnalysisItem, AnalysisListResponse, DialogStatsResponse } from "./dialogs.schemas.js";

const TOKEN = "test-admin-token-0123456789";
const OTHER_VIEWER = "viewer-token-of-other-only";
const AMO_VIEWER = "viewer-token-of-amo-only";
// Local (UTC+5) 2026-10-23 11:00: the current shift is 2026-10-22, the last closed one 2026-10-21.
const NOW = "2026-10-23T06:00:00.000Z";

let env: TestEnv;
let app: QueryApp;
let deps: QueryDeps;

async function get(url: string, token = TOKEN) {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body,
    raw: res.rawPayload,
    json: () => res.json(),
  };
}
async function list(query: string): Promise<AnalysisListResponse> {
  const r = await get(`/api/dialogs/analysis?project=amo&${query}`);
  assert.equal(r.status, 200, r.body);
  return r.json();
}
/** Lead id (or phone for chat-only dialogs) of each item, in order. */
const who = (r: AnalysisListResponse) => r.items.map((i) => i.lead_id ?? i.phone);
const item = (r: AnalysisListResponse, leadId: number): AnalysisItem => {
  const found = r.items.find((i) => i.lead_id === leadId);
  assert.ok(found, `lead ${leadId} not listed`);
  return found;
};

before(async () => {
  env = await createTestEnv("qdialogs");
  const config = QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN });
  const principals: Record<string, Principal> = {
    [TOKEN]: { subject: "admin", role: "admin", projects: "*" },
    [OTHER_VIEWER]: { subject: "v-other", role: "viewer", projects: ["other"] },
    [AMO_VIEWER]: { subject: "v-amo", role: "viewer", projects: ["amo"] },
  };
  deps = {
    db: env.db,
    nats: env.nats,
    config,
    logger: createLogger("query-test", "silent"),
    clock: () => new Date(NOW),
    authenticate: (t) => principals[t] ?? null,
  };
  app = await buildQueryApp(deps);
  await seedDialogScenario(env.db);
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/dialogs/analysis", () => {
  test("given several results per dialog, when listed, then each dialog appears once with its latest scored result, sorted by score", async () => {
    const r = await list("");
    assert.equal(r.total, 5);
    assert.deepEqual(who(r), [501, 601, 503, 700, 502]);
    const d501 = item(r, 501);
    // The 45 was superseded by the 90, and the later failed re-run does not hide the score.
    assert.equal(d501.score, 90);
    assert.equal(d501.status, "scored");
    assert.equal(d501.interest, "hot");
    assert.equal(d501.prompt_version, "dialog-facts@2");
    assert.deepEqual(d501.usage, { prompt_tokens: 1000, completion_tokens: 200 });
    assert.equal(d501.summary, "Owner of a dental clinic,\nready to book a consultation.");
    assert.equal(d501.facts?.["niche"], "medicine");
    assert.deepEqual(d501.reasons, [{ rule: "stage:consultation_booked", points: 90 }]);
    assert.equal(d501.mode, "llm");
    assert.equal(d501.model, "gpt-4o-mini");
    assert.equal(d501.shift_id, "2026-10-21");
    assert.equal(d501.window_start, W1_START);
    assert.equal(d501.error, null);
  });

  test("given includeFailed, when listed, then a dialog with only failed results is listed by its failure, after the scored ones", async () => {
    const r = await list("includeFailed=true");
    assert.equal(r.total, 6);
    assert.deepEqual(who(r), [501, 601, 503, 700, 502, "+77010000005"]);
    const failed = r.items.at(-1);
    assert.equal(failed?.status, "failed");
    assert.equal(failed?.score, null);
    assert.deepEqual(failed?.error, { code: "invalid_output", message: "the model did not answer in time" });
    assert.equal(item(r, 501).status, "scored");
  });

  test("given the filters, when each is applied, then only matching latest results remain", async () => {
    assert.deepEqual(who(await list("interest=hot")), [501, 601]);
    assert.deepEqual(who(await list("interest=cold")), [502]);
    // minScore is inclusive; 501's superseded 45 must not make it a match for a max-like filter either.
    assert.deepEqual(who(await list("minScore=60")), [501, 601, 503]);
    assert.deepEqual(who(await list("minScore=91")), []);
    assert.deepEqual(who(await list("funnelStage=new_lead")), [502]);
    assert.deepEqual(who(await list("qualificationComplete=true")), [501]);
    assert.deepEqual(who(await list("qualificationComplete=false")), [601, 503, 700, 502]);
    assert.deepEqual(who(await list("manager=7")), [501, 601, 502]);
    assert.deepEqual(who(await list("shiftId=2026-10-21")), [501, 503, 502]);
    assert.deepEqual(who(await list("shiftId=2026-10-21&manager=8")), [503]);
    assert.deepEqual(who(await list(`from=${W0_START}&to=${W0_END}`)), [601]);
    // The on-demand window (midpoint 06:00Z on the 22nd) belongs to the period of shift 2026-10-21.
    assert.deepEqual(who(await list(`from=${W1_START}&to=${W1_END}`)), [501, 503, 700, 502]);
  });

  test("given paging and sorting, when listed, then the page, total and order follow them", async () => {
    const page2 = await list("pageSize=2&page=2");
    assert.equal(page2.total, 5);
    assert.deepEqual(who(page2), [503, 700]);
    assert.deepEqual(who(await list("sort=score&dir=asc")), [502, 700, 503, 601, 501]);
    assert.deepEqual(who(await list("sort=recorded_at&dir=desc")), [501, 503, 502, 700, 601]);
  });

  test("given a deal in a shift table and an on-demand dialog, when listed, then each carries its dialog text from the right source", async () => {
    const r = await list("");
    const d501 = item(r, 501);
    assert.equal(d501.dialog_text, DIALOG_501);
    assert.equal(d501.dialog_text_source, "shift_deals");
    const d700 = item(r, 700);
    assert.equal(d700.dialog_text_source, "messages");
    assert.equal(
      d700.dialog_text,
      "[2026-10-22 03:00 UTC] client: Здравствуйте\n[2026-10-22 03:05 UTC] manager: Добрый день\n[2026-10-22 03:06 UTC] client: [image]",
    );
  });

  test("given another project's dialog, when amo is listed, then it never appears", async () => {
    const r = await list("includeFailed=true&pageSize=200");
    assert.ok(!r.items.some((i) => i.lead_id === 9001));
    assert.doesNotMatch(JSON.stringify(r), /secret of other/);
  });

  test("given bad parameters, when listed, then 400 with the issue", async () => {
    const bad = await get("/api/dialogs/analysis?project=amo&interest=lukewarm");
    assert.equal(bad.status, 400);
    assert.equal(bad.json().issues[0].path, "/interest");
    assert.equal((await get("/api/dialogs/analysis?project=amo&minScore=101")).status, 400);
    assert.equal((await get("/api/dialogs/analysis?project=amo&qualificationComplete=yes")).status, 400);
    assert.equal((await get(`/api/dialogs/analysis?project=amo&from=${W1_END}&to=${W1_START}`)).status, 400);
  });
});

describe("GET /api/dialogs/stats", () => {
  test("given a shift id, when stats are read, then counts, tokens and shares use the stated denominators", async () => {
    const r = await get("/api/dialogs/stats?project=amo&shiftId=2026-10-21");
    assert.equal(r.status, 200, r.body);
    const body: DialogStatsResponse = r.json();
    assert.deepEqual(body.window, { shift_id: "2026-10-21", from: W1_START, to: W1_END, is_default: false });
    assert.equal(body.min_incoming, 3);
    const s = body.stats;
    assert.equal(s.dialogs_total, 6);
    assert.equal(s.dialogs_eligible, 5, "deal 504 has 1 incoming message");
    assert.equal(s.analyzed, 3);
    assert.equal(s.errors, 1, "only the chat-only dialog failed without any score");
    assert.equal(s.failed_results, 2, "501's failed re-run and the chat-only failure");
    assert.equal(s.new_leads, 1);
    assert.deepEqual([s.hot, s.warm, s.cold], [1, 1, 1]);
    assert.equal(s.mean_score, 60);
    assert.deepEqual(s.tokens, { prompt: 2950, completion: 580, total: 3530 });
    assert.equal(s.shares.analyzed_of_eligible, 0.6);
    assert.equal(s.shares.errors_of_attempted, 0.25);
    assert.equal(s.shares.hot_of_analyzed, 1 / 3);
  });

  test("given no window, when stats are read, then the last closed shift by the clock is used as a period", async () => {
    const body: DialogStatsResponse = (await get("/api/dialogs/stats?project=amo")).json();
    assert.deepEqual(body.window, { shift_id: "2026-10-21", from: W1_START, to: W1_END, is_default: true });
    // As a period, the on-demand dialog of deal 700 (midpoint in the shift) counts too.
    assert.equal(body.stats.dialogs_total, 6);
    assert.equal(body.stats.analyzed, 4);
    assert.deepEqual([body.stats.hot, body.stats.warm, body.stats.cold], [1, 2, 1]);
    assert.equal(body.stats.mean_score, 57.5);
  });

  test("given minIncoming and an empty period, when stats are read, then eligibility follows it and empty shares are null", async () => {
    const strict: DialogStatsResponse = (
      await get("/api/dialogs/stats?project=amo&shiftId=2026-10-21&minIncoming=5")
    ).json();
    assert.equal(strict.stats.dialogs_eligible, 2);
    const empty: DialogStatsResponse = (
      await get("/api/dialogs/stats?project=amo&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z")
    ).json();
    assert.equal(empty.stats.dialogs_total, 0);
    assert.equal(empty.stats.mean_score, null);
    assert.equal(empty.stats.shares.analyzed_of_eligible, null);
    assert.equal(
      (
        await get(
          "/api/dialogs/stats?project=amo&shiftId=2026-10-21&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
        )
      ).status,
      400,
    );
    assert.equal((await get("/api/dialogs/stats?project=amo&from=2026-01-01T00:00:00Z")).status, 400);
  });
});

describe("GET /api/dialogs/export.csv", () => {
  test("given a shift with a multi-line Cyrillic dialog, when exported, then the CSV has a BOM and parses back to the same texts", async () => {
    const r = await get("/api/dialogs/export.csv?project=amo&shiftId=2026-10-21&includeFailed=true");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "text/csv; charset=utf-8");
    assert.equal(r.headers["content-disposition"], 'attachment; filename="dialogs-amo-2026-10-23.csv"');
    assert.deepEqual([...r.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const records: Record<string, string>[] = parse(r.raw, { bom: true, columns: true });
    assert.deepEqual(
      records.map((x) => x["lead_id"] || x["phone"]),
      ["+77010000005", "501", "502", "503"],
    );
    const d501 = records[1] as Record<string, string>;
    assert.equal(d501["dialog_text"], DIALOG_501);
    assert.equal(d501["summary"], "Owner of a dental clinic,\nready to book a consultation.");
    assert.equal(d501["score"], "90");
    assert.equal(d501["qualification_complete"], "true");
    assert.equal(d501["reasons"], "stage:consultation_booked +90");
    // A cell that Excel would run as a formula is defused.
    assert.equal(records[3]?.["summary"], "'=1+1 asked for the price");
    assert.equal(records[0]?.["status"], "failed");
    assert.equal(records[0]?.["error_code"], "invalid_output");
    assert.equal(Object.keys(d501).length, 29);
    assert.equal(d501["manager_id"], "7");
    assert.equal(d501["manager_name"], "Айгерим Сейткали");
    assert.equal(records[0]?.["manager_name"], "", "no manager");
    assert.ok(!r.body.includes(TOKEN));
  });

  test("given the semicolon delimiter and filters, when exported, then the same rows parse with ';'", async () => {
    const r = await get("/api/dialogs/export.csv?project=amo&interest=hot&delimiter=semicolon");
    const records: Record<string, string>[] = parse(r.raw, { bom: true, columns: true, delimiter: ";" });
    assert.deepEqual(
      records.map((x) => x["lead_id"]),
      ["601", "501"],
    );
    assert.equal(records[1]?.["dialog_text"], DIALOG_501);
  });

  test("given batches smaller than the result, when the export is read, then every dialog comes once, in order", async () => {
    const keys: string[] = [];
    const sizes: number[] = [];
    for await (const batch of exportAnalyses(env.db, { projectId: "amo", includeFailed: true }, 2)) {
      sizes.push(batch.length);
      keys.push(...batch.map((i) => String(i.lead_id ?? i.phone)));
    }
    assert.deepEqual(sizes, [2, 2, 2]);
    assert.deepEqual(keys, ["601", "+77010000005", "501", "502", "503", "700"]);
  });

  test("given no matching dialog, when exported, then only the header row comes", async () => {
    const r = await get("/api/dialogs/export.csv?project=amo&minScore=100");
    assert.equal(r.status, 200);
    const lines = r.body.replace(/^\uFEFF/, "").split("\r\n");
    assert.equal(lines[0]?.split(",")[0], "dialog_key");
    assert.deepEqual(lines.slice(1), [""]);
  });
});

describe("project scope of dialog data", () => {
  test("given a viewer of another project, when it reads amo's dialogs, stats or export, then 404 like an unknown project", async () => {
    for (const url of [
      "/api/dialogs/analysis?project=amo",
      "/api/dialogs/stats?project=amo",
      "/api/dialogs/export.csv?project=amo",
    ]) {
      const r = await get(url, OTHER_VIEWER);
      assert.equal(r.status, 404, url);
      assert.equal(r.json().code, "project_not_found");
      assert.doesNotMatch(r.body, /Здравствуйте|dental/);
    }
  });

  test("given a viewer of amo, when it lists amo's dialogs, then it gets them with their texts", async () => {
    const r = await get("/api/dialogs/analysis?project=amo&interest=hot", AMO_VIEWER);
    assert.equal(r.status, 200);
    assert.equal((r.json() as AnalysisListResponse).items[0]?.dialog_text, DIALOG_501);
  });

  test("given the OpenAPI document, when read, then the dialog routes are documented", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    for (const path of ["/api/dialogs/analysis", "/api/dialogs/stats", "/api/dialogs/export.csv"]) {
      assert.ok(doc.paths[path]?.get, `missing ${path}`);
    }
    assert.ok(doc.paths["/api/dialogs/export.csv"].get.responses["200"].content["text/csv"]);
    const params = doc.paths["/api/dialogs/analysis"].get.parameters as { name: string }[];
    for (const name of [
      "interest",
      "minScore",
      "funnelStage",
      "qualificationComplete",
      "manager",
      "shiftId",
      "includeFailed",
    ]) {
      assert.ok(
        params.some((p) => p.name === name),
        name,
      );
    }
  });
});
