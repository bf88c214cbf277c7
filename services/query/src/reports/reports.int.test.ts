import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import type { QueryDeps } from "../deps.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import type { Principal } from "../http/auth.plugin.js";
import type { ShiftDealsResponse } from "../shifts/shifts.schemas.js";
import {
  DIALOG_501,
  insertShiftSettings,
  seedDialogScenario,
  W0_START,
  W1_END,
  W1_START,
} from "../testing/dialogs.fixtures.js";
import { insertEvents, insertProject } from "../testing/fixtures.js";
import type { ShiftReportResponse } from "./reports.schemas.js";

const TOKEN = "test-admin-token-0123456789";
const OTHER_VIEWER = "viewer-token-of-other-only";
// Local (UTC+5) 2026-10-23 11:00: the last closed shift is 2026-10-21.
const NOW = "2026-10-23T06:00:00.000Z";

let env: TestEnv;
let deps: QueryDeps;
let app: QueryApp;

async function get(url: string, token = TOKEN, on: QueryApp = app) {
  const res = await on.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => res.json() };
}

/** An app whose clock reads `now`; closed by the caller. */
async function appAt(now: string): Promise<QueryApp> {
  return await buildQueryApp({ ...deps, clock: () => new Date(now) });
}

before(async () => {
  env = await createTestEnv("qreports");
  const config = QueryConfig.parse({ ...env.env, ADMIN_TOKEN: TOKEN });
  const principals: Record<string, Principal> = {
    [TOKEN]: { subject: "admin", role: "admin", projects: "*" },
    [OTHER_VIEWER]: { subject: "v-other", role: "viewer", projects: ["other"] },
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
  // Status changes of the local day 2026-10-22 (+05:00) = [2026-10-21T19:00Z, 2026-10-22T19:00Z).
  await insertEvents(env.db, "amo", [
    {
      order_id: 501,
      status_id: 20,
      status_group_id: 100,
      status_changed_at: "2026-10-22T10:00:00.000Z",
      stream_seq: 1,
    },
    {
      order_id: 501,
      status_id: 21,
      status_group_id: 100,
      status_changed_at: "2026-10-22T11:00:00.000Z",
      stream_seq: 2,
    },
    {
      order_id: 502,
      status_id: 142,
      status_group_id: 100,
      status_changed_at: "2026-10-21T20:00:00.000Z",
      stream_seq: 3,
    },
    // Before the local day began, and a repeat that changed nothing: neither counts.
    {
      order_id: 503,
      status_id: 20,
      status_group_id: 100,
      status_changed_at: "2026-10-21T18:00:00.000Z",
      stream_seq: 4,
    },
    {
      order_id: 504,
      status_id: 20,
      status_group_id: 100,
      status_changed_at: "2026-10-22T12:00:00.000Z",
      stream_seq: 5,
      is_effective: false,
    },
  ]);
  // A project on 12 h shifts at 08:00 and 20:00, UTC+3.
  await insertProject(env.db, "night", "Night desk", "amocrm");
  await insertShiftSettings(env.db, "night", {
    time_zone: "+03:00",
    start_hour: 8,
    length_hours: 12,
    lookback_hours: 24,
  });
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("GET /api/reports/shifts", () => {
  test("given no window, when the report is read, then it covers the last closed shift, per manager", async () => {
    const r = await get("/api/reports/shifts?project=amo");
    assert.equal(r.status, 200, r.body);
    const body: ShiftReportResponse = r.json();
    assert.deepEqual(body.window, { shift_id: "2026-10-21", from: W1_START, to: W1_END, is_default: true });
    assert.deepEqual(body.shift_settings, {
      time_zone: "+05:00",
      start_hour: 22,
      length_hours: 24,
      lookback_hours: 72,
    });
    assert.equal(body.shifts.length, 1);
    const shift = body.shifts[0];
    assert.equal(shift?.shift_id, "2026-10-21");
    assert.deepEqual(
      shift?.managers.map((m) => [m.manager_id, m.manager_name]),
      [
        [7, "Айгерим Сейткали"],
        [8, "Дана Омарова"],
        [9, null],
        [null, null],
      ],
      "names from the users dictionary; an unknown id stays an id",
    );
    assert.deepEqual(
      shift?.managers.map((m) => [
        m.manager_id,
        m.dialogs,
        m.deals,
        m.messages_in,
        m.messages_out,
        m.analyzed,
        m.errors,
        m.hot,
        m.warm,
        m.cold,
        m.mean_score,
      ]),
      [
        // 501 counts with its latest score 90 (not the earlier 45), 502 with 30.
        [7, 2, 2, 8, 6, 2, 0, 1, 0, 1, 60],
        [8, 2, 2, 5, 1, 1, 0, 0, 1, 0, 60],
        [9, 1, 1, 6, 3, 0, 0, 0, 0, 0, null],
        [null, 1, 0, 3, 1, 0, 1, 0, 0, 0, null],
      ],
    );
    assert.deepEqual(shift?.totals, {
      dialogs: 6,
      deals: 5,
      messages_in: 22,
      messages_out: 11,
      analyzed: 3,
      errors: 1,
      hot: 1,
      warm: 1,
      cold: 1,
      mean_score: 60,
    });
  });

  test("given a period of two shifts, when the report is read, then shifts come oldest first and totals mean over all scores", async () => {
    const body: ShiftReportResponse = (
      await get(`/api/reports/shifts?project=amo&from=${W0_START}&to=${W1_END}`)
    ).json();
    assert.deepEqual(
      body.shifts.map((s) => [s.shift_id, s.totals.dialogs]),
      [
        ["2026-10-20", 1],
        ["2026-10-21", 6],
      ],
    );
    assert.deepEqual(body.shifts[0]?.managers[0], {
      manager_id: 7,
      manager_name: "Айгерим Сейткали",
      dialogs: 1,
      deals: 1,
      messages_in: 4,
      messages_out: 4,
      analyzed: 1,
      errors: 0,
      hot: 1,
      warm: 0,
      cold: 0,
      mean_score: 80,
    });
    assert.equal(body.totals.dialogs, 7);
    assert.equal(body.totals.analyzed, 4);
    // (90 + 30 + 60 + 80) / 4, not the mean of the two shifts' means (80 and 60).
    assert.equal(body.totals.mean_score, 65);
    assert.equal(body.window.is_default, false);
  });

  test("given the clock one millisecond before and at 22:00 local, when the default report is read, then the last closed shift switches exactly then", async () => {
    const before22 = await appAt("2026-10-22T16:59:59.999Z");
    const at22 = await appAt("2026-10-22T17:00:00.000Z");
    try {
      const early: ShiftReportResponse = (
        await get("/api/reports/shifts?project=amo", TOKEN, before22)
      ).json();
      assert.equal(early.window.shift_id, "2026-10-20");
      assert.deepEqual(
        early.shifts.map((s) => s.shift_id),
        ["2026-10-20"],
      );
      const onTime: ShiftReportResponse = (await get("/api/reports/shifts?project=amo", TOKEN, at22)).json();
      assert.equal(onTime.window.shift_id, "2026-10-21");
    } finally {
      await before22.close();
      await at22.close();
    }
  });

  test("given a project with its own shift settings, when the default report is read, then its last closed 12 h shift is used", async () => {
    const body: ShiftReportResponse = (await get("/api/reports/shifts?project=night")).json();
    // 06:00Z = 09:00 at +03:00: the 08:00 shift runs, the 20:00 shift of the day before is the last closed.
    assert.deepEqual(body.window, {
      shift_id: "2026-10-22T20:00",
      from: "2026-10-22T17:00:00.000Z",
      to: "2026-10-23T05:00:00.000Z",
      is_default: true,
    });
    assert.equal(body.shift_settings.length_hours, 12);
    assert.deepEqual(body.shifts, []);
    assert.equal(body.totals.mean_score, null);
  });

  test("given only one bound, when the report is read, then 400", async () => {
    assert.equal((await get(`/api/reports/shifts?project=amo&from=${W0_START}`)).status, 400);
  });
});

describe("GET /api/shifts/:shiftId/deals", () => {
  test("given a shift, when its deal table is read, then rows come per manager with stage names, texts and analyses", async () => {
    const r = await get("/api/shifts/2026-10-21/deals?project=amo");
    assert.equal(r.status, 200, r.body);
    const body: ShiftDealsResponse = r.json();
    assert.equal(body.shift_start, W1_START);
    assert.equal(body.shift_end, W1_END);
    assert.deepEqual(
      body.items.map((i) => [i.manager_id, i.manager_name, i.lead_id ?? i.phone]),
      [
        // Manager 7: newest last message first (502 at 12:00 before 501 at 10:00).
        [7, "Айгерим Сейткали", 502],
        [7, "Айгерим Сейткали", 501],
        [8, "Дана Омарова", 503],
        [8, "Дана Омарова", 504],
        [9, null, 505],
        [null, null, "+77010000005"],
      ],
    );
    const d501 = body.items[1];
    assert.equal(d501?.deal_name, "Стоматология Алматы");
    assert.equal(d501?.pipeline_name, "Sales");
    assert.equal(d501?.status_name, "Консультация");
    assert.deepEqual(d501?.phones, ["+77010000501", "+77020000501"]);
    assert.equal(d501?.dialog_text, DIALOG_501);
    assert.deepEqual([d501?.incoming, d501?.outgoing], [5, 4]);
    assert.equal(d501?.analysis?.score, 90);
    assert.equal(d501?.analysis?.niche, "medicine");
    assert.equal(d501?.analysis?.status, "scored");
    assert.equal(body.items[0]?.status_name, "Успешно реализовано");
    assert.equal(body.items[3]?.analysis, null, "deal 504 was not analysed");
    assert.equal(body.items[5]?.analysis?.status, "failed");
    assert.equal(body.items[5]?.analysis?.error_code, "invalid_output");
    assert.doesNotMatch(r.body, /secret of other/);
  });

  test("given filters, when the table is read, then only matching rows remain", async () => {
    const busy: ShiftDealsResponse = (
      await get("/api/shifts/2026-10-21/deals?project=amo&minIncoming=4")
    ).json();
    assert.deepEqual(
      busy.items.map((i) => i.lead_id),
      [501, 503, 505],
    );
    const eight: ShiftDealsResponse = (
      await get("/api/shifts/2026-10-21/deals?project=amo&manager=8")
    ).json();
    assert.deepEqual(
      eight.items.map((i) => i.lead_id),
      [503, 504],
    );
  });

  test("given a known shift without rows, an id no shift has, and a malformed id, when read, then 200 empty, 404 and 400", async () => {
    const empty = await get("/api/shifts/2026-10-25/deals?project=amo");
    assert.equal(empty.status, 200);
    assert.equal((empty.json() as ShiftDealsResponse).shift_start, "2026-10-25T17:00:00.000Z");
    assert.deepEqual((empty.json() as ShiftDealsResponse).items, []);
    const unknown = await get("/api/shifts/2026-10-21T10:00/deals?project=amo");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().code, "shift_not_found");
    assert.equal((await get("/api/shifts/yesterday/deals?project=amo")).status, 400);
  });

  test("given a viewer of another project, when it reads amo's shift table or reports, then 404 and no text", async () => {
    for (const url of [
      "/api/shifts/2026-10-21/deals?project=amo",
      "/api/reports/shifts?project=amo",
      "/api/reports/text?project=amo",
    ]) {
      const r = await get(url, OTHER_VIEWER);
      assert.equal(r.status, 404, url);
      assert.equal(r.json().code, "project_not_found");
      assert.doesNotMatch(r.body, /Здравствуйте|стоматология/i);
    }
    // The same viewer reads its own project's table.
    const own = await get("/api/shifts/2026-10-21/deals?project=other", OTHER_VIEWER);
    assert.equal(own.status, 200);
    assert.equal((own.json() as ShiftDealsResponse).items[0]?.dialog_text, "secret of other");
  });
});

describe("GET /api/reports/text", () => {
  test("given a day, when the text report is read, then it prints the day's numbers, top hot dialog and managers", async () => {
    const r = await get("/api/reports/text?project=amo&period=day&date=2026-10-22");
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
    const text = r.body;
    assert.match(text, /^Report: Amo Clinic \(amo\)\n/);
    assert.match(
      text,
      /Period: day 2026-10-22 \(time zone \+05:00; 2026-10-21T19:00:00\.000Z to 2026-10-22T19:00:00\.000Z\)/,
    );
    assert.match(text, /Moved \(changed status\): 2\n/);
    assert.match(text, /Status changes: 3\n/);
    // Shift 2026-10-21 (midpoint on the 22nd) and the on-demand dialog of deal 700.
    assert.match(text, /In shift tables: 6\n/);
    assert.match(text, /With at least 3 incoming messages: 5\n/);
    assert.match(text, /Analyzed: 4 \(80% of eligible\)\n/);
    assert.match(text, /Analysis errors: 1\n/);
    assert.match(text, /New leads: 1\n/);
    assert.match(text, /Hot: 1, warm: 2, cold: 1\n/);
    assert.match(text, /Mean score: 57\.5\n/);
    assert.match(text, /Tokens used: 3530 \(prompt 2950, completion 580\)\n/);
    assert.match(
      text,
      /1\. score 90, deal 501, Айгерим Сейткали \(7\): Owner of a dental clinic, ready to book a consultation\.\n/,
    );
    assert.doesNotMatch(text, /deal 601/, "shift 2026-10-20 belongs to the 21st");
    assert.match(
      text,
      /Айгерим Сейткали \(7\): dialogs 2, deals 2, messages 8 in \/ 6 out, analyzed 2, hot 1, warm 0, cold 1, mean score 60\.0\n/,
    );
    assert.match(text, /\n {2}manager 9: dialogs 1,/, "an id the users dictionary lacks stays an id");
    assert.match(
      text,
      /unassigned: dialogs 1, deals 0, messages 3 in \/ 1 out, analyzed 0, .*mean score n\/a\n/,
    );
  });

  test("given no date, when the day report is read, then it is yesterday in the shift zone", async () => {
    const text = (await get("/api/reports/text?project=amo")).body;
    assert.match(text, /Period: day 2026-10-22 /);
  });

  test("given a week and a month, when read, then the periods span Monday–Sunday and the calendar month", async () => {
    const week = (await get("/api/reports/text?project=amo&period=week&date=2026-10-22")).body;
    assert.match(week, /Period: week 2026-10-19 to 2026-10-25 /);
    assert.match(week, /In shift tables: 7\n/);
    assert.match(week, /1\. score 90, deal 501.*\n {2}2\. score 80, deal 601, Айгерим Сейткали \(7\)\n/);
    const month = (await get("/api/reports/text?project=amo&period=month&date=2026-10-05&top=0")).body;
    assert.match(month, /Period: month 2026-10-01 to 2026-10-31 /);
    assert.match(month, /Top hot dialogs\n {2}none\n/);
  });

  test("given the OpenAPI document, when read, then the shift and report routes are documented", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    for (const path of ["/api/reports/shifts", "/api/reports/text", "/api/shifts/{shiftId}/deals"]) {
      assert.ok(doc.paths[path]?.get, `missing ${path}`);
    }
    assert.ok(doc.paths["/api/reports/text"].get.responses["200"].content["text/plain"]);
  });
});
