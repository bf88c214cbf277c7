/**
 * amoCRM sales and lead reads over the whole stack: demoacademy's recorded webhooks (duplicates,
 * late and out-of-order deliveries included) plus the events-API catch-up from the fake CRM, then
 * the query API's sales history, CSV, stats, qualification, funnel and attribution detail checked
 * against `expected-counts.json` and against counts this test derives itself from the raw fixture
 * files (lead files, events pages). The Sales and Qualification pages are then read in headless
 * Chromium and must show the API's figures. Every wait is on state, never on time.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { waitFor } from "@pulse/infra/testing";
import { type FixtureCrm, startFixtureCrm } from "@pulse/ingest/testing";
import { openSse, type SseReader, seedMemberships, seedUser } from "@pulse/query/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { feed, loadDeliveries } from "./support/fixture-deliveries.js";
import { saveScreenshot } from "./support/screenshots.js";
import { ADMIN_TOKEN, fixturesDir, post, type Stack, startStack } from "./support/stack.js";

const PROJECT = "demoacademy";
const EXPRESS = 10350882;
const FLAGSHIP = 10418746;
const WON = 142;
const LOST = 143;
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const PASSWORD = "sales-pages-password";
const amo = join(fixturesDir, "amocrm");

interface Expected {
  sales: {
    count: number;
    revenue_kzt: number;
    by_pipeline: Record<"flagship" | "express", { count: number; revenue_kzt: number }>;
    by_manager: Record<string, number>;
  };
  leads: { distinct: number; won: number };
  utm_sources: Record<string, { leads: number; won: number; intended: string }>;
}
const expected = JSON.parse(readFileSync(join(amo, "expected-counts.json"), "utf8")) as Expected;

interface LeadFile {
  id: number;
  status_id: number;
  pipeline_id: number;
  custom_fields_values: { field_id: number; values: { value: unknown }[] }[] | null;
}
const leadFiles: LeadFile[] = readdirSync(join(amo, "leads"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(amo, "leads", f), "utf8")) as LeadFile);

interface StatusEvent {
  entity_id: number;
  created_at: number;
  value_after: { lead_status: { id: number; pipeline_id: number } }[];
  value_before: { lead_status: { id: number; pipeline_id: number } }[];
}
const statusEvents: StatusEvent[] = readdirSync(amo)
  .filter((f) => /^events\.page-\d+\.json$/.test(f))
  .flatMap(
    (f) =>
      (JSON.parse(readFileSync(join(amo, f), "utf8")) as { _embedded: { events: StatusEvent[] } })._embedded
        .events,
  );

/** The first non-blank value of custom field `id` of a lead file (null when none). */
function field(lead: LeadFile, id: number): string | null {
  const v = lead.custom_fields_values?.find((f) => f.field_id === id)?.values[0]?.value;
  return typeof v === "string" && v.trim() !== "" ? v : null;
}
/** utm_source as the README's precedence reads it: the primary field 434731, else the duplicate 1037547. */
const utmSourceOf = (lead: LeadFile) => field(lead, 434731) ?? field(lead, 1037547);
/** The team `expected-counts.json` intends for a utm_source value; null for none, the trap and the ambiguous one. */
function intendedTeam(source: string | null): string | null {
  if (source === null) return null;
  const intended = expected.utm_sources[source]?.intended ?? "";
  const team = /^(Kenesary|Arystan|Muha|Traf4):/.exec(intended)?.[1];
  return team ?? null;
}

/** Leads that ever entered 142 (the default qualified stage), from the events API pages. */
const everWon = new Set(
  statusEvents.filter((e) => e.value_after[0]?.lead_status.id === WON).map((e) => e.entity_id),
);

let crm: FixtureCrm;
let stack: Stack;
let browser: Browser | undefined;
/** The live sales stream, open from before the feed: every sale the projector announced. */
let salesStream: SseReader;

before(async () => {
  crm = await startFixtureCrm({ fixturesDir, token: "demo-crm-token" });
  stack = await startStack("e2esales", [PROJECT], { crmUrl: crm.url });
  const put = await fetch(`${stack.queryUrl}/api/settings/pipeline-products?project=${PROJECT}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      version: 0,
      default_currency: "KZT",
      products: [
        { pipeline_id: EXPRESS, name: "Express course", price: 5000, currency: "KZT" },
        { pipeline_id: FLAGSHIP, name: "Flagship course", price: 490000, currency: "KZT" },
      ],
    }),
  });
  assert.equal(put.status, 202, await put.text());
  salesStream = await openSse(`${stack.queryUrl}/api/stream/sales?project=${PROJECT}`, {
    authorization: `Bearer ${ADMIN_TOKEN}`,
  });
  assert.equal(salesStream.status, 200);
  const statuses = await feed(
    (d) => post(stack.ingestUrl, d),
    loadDeliveries(fixturesDir, new Set([PROJECT])),
    4,
  );
  assert.deepEqual([...statuses.keys()], [200], `fixture answers: ${JSON.stringify([...statuses])}`);
  await stack.catchUpAmocrm("2026-10-19T00:00:00Z");
  await stack.settled();
});

after(async () => {
  salesStream?.close();
  await browser?.close();
  await stack?.close();
  await crm?.close();
});

interface SalesList {
  total: number;
  revenue: number;
  items: { lead_id: number; amount: number; team: string | null; manager_id: number | null }[];
}

describe("sales reads on the amoCRM fixtures", () => {
  test("given every delivery and the catch-up, when the sales history is read, then it has the 46 sales and 3 140 000 KZT, per pipeline and per manager as expected", async () => {
    const all = await stack.get<SalesList>(`/api/sales?project=${PROJECT}&pageSize=200`);
    assert.equal(all.total, expected.sales.count);
    assert.equal(all.revenue, expected.sales.revenue_kzt);
    assert.equal(all.items.length, expected.sales.count);
    assert.deepEqual(
      all.items.map((s) => s.lead_id).sort(),
      leadFiles
        .filter((l) => l.status_id === WON)
        .map((l) => l.id)
        .sort(),
    );
    for (const [name, id] of [
      ["express", EXPRESS],
      ["flagship", FLAGSHIP],
    ] as const) {
      const r = await stack.get<SalesList>(`/api/sales?project=${PROJECT}&pipeline=${id}&pageSize=1`);
      assert.equal(r.total, expected.sales.by_pipeline[name].count, name);
      assert.equal(r.revenue, expected.sales.by_pipeline[name].revenue_kzt, name);
    }
    for (const [manager, count] of Object.entries(expected.sales.by_manager)) {
      const r = await stack.get<SalesList>(`/api/sales?project=${PROJECT}&manager=${manager}&pageSize=1`);
      assert.equal(r.total, count, `manager ${manager}`);
    }
    // Paging covers every sale once.
    const pages: number[] = [];
    for (let page = 1; page <= 5; page++) {
      const p = await stack.get<SalesList>(`/api/sales?project=${PROJECT}&pageSize=10&page=${page}`);
      pages.push(...p.items.map((s) => s.lead_id));
    }
    assert.equal(new Set(pages).size, expected.sales.count);
  });

  test("given the sales, when filtered by team and exported as CSV, then the team counts are the intended attribution's and the CSV has every sale with the same revenue", async () => {
    const wonByTeam = new Map<string, number>();
    for (const l of leadFiles.filter((x) => x.status_id === WON)) {
      const team = intendedTeam(utmSourceOf(l)) ?? "none";
      wonByTeam.set(team, (wonByTeam.get(team) ?? 0) + 1);
    }
    for (const [team, count] of wonByTeam) {
      const r = await stack.get<SalesList>(
        `/api/sales?project=${PROJECT}&team=${encodeURIComponent(team)}&pageSize=1`,
      );
      assert.equal(r.total, count, `team ${team}`);
    }
    const res = await fetch(`${stack.queryUrl}/api/sales/export.csv?project=${PROJECT}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
    const text = (await res.text()).replace(/^\uFEFF/, "");
    const lines = text.split("\r\n").filter((l) => l !== "");
    const header = (lines[0] ?? "").split(",");
    assert.equal(lines.length, expected.sales.count + 1);
    const amount = header.indexOf("amount");
    const sum = lines.slice(1).reduce((s, l) => s + Number(l.split(",")[amount]), 0);
    assert.equal(sum, expected.sales.revenue_kzt);
  });

  test("given the sales, when stats per team per day and per month are read, then every bucket adds up to the history and the teams to the intended attribution", async () => {
    interface Stat {
      team: string | null;
      count: number;
      revenue: number;
      mean_check: number | null;
    }
    interface Stats {
      time_zone: string;
      buckets: { bucket: string; teams: Stat[]; total: Stat }[];
      period: { teams: Stat[]; total: Stat };
    }
    for (const granularity of ["day", "week", "month"]) {
      const s = await stack.get<Stats>(
        `/api/sales/stats?project=${PROJECT}&from=2026-10-01&to=2026-11-30&granularity=${granularity}`,
      );
      assert.equal(s.time_zone, "Asia/Almaty");
      assert.equal(s.period.total.count, expected.sales.count, granularity);
      assert.equal(s.period.total.revenue, expected.sales.revenue_kzt, granularity);
      assert.equal(
        s.buckets.reduce((n, b) => n + b.total.count, 0),
        expected.sales.count,
      );
      for (const t of s.period.teams) {
        assert.equal(t.mean_check, Math.round((100 * t.revenue) / t.count) / 100);
      }
    }
    const month = await stack.get<Stats>(
      `/api/sales/stats?project=${PROJECT}&from=2026-10-01&to=2026-11-30&granularity=month`,
    );
    assert.deepEqual(
      month.buckets.map((b) => b.bucket),
      ["2026-10-01", "2026-11-01"],
    );
    const won = new Map<string | null, number>();
    for (const l of leadFiles.filter((x) => x.status_id === WON)) {
      const team = intendedTeam(utmSourceOf(l));
      won.set(team, (won.get(team) ?? 0) + 1);
    }
    assert.deepEqual(new Map(month.period.teams.map((t) => [t.team, t.count])), won);
  });

  test("given the leads, when qualification is read per campaign, creative and team, then the counts equal those derived from the lead files and the events pages", async () => {
    interface Row {
      key: string | null;
      leads: number;
      qualified: number;
      qualification_rate: number | null;
      won: number;
      conversion_rate: number | null;
    }
    interface Qualification {
      denominators: Record<string, string>;
      rows: Row[];
      total: Row;
    }
    const derive = (keyOf: (l: LeadFile) => string | null) => {
      const m = new Map<string | null, { leads: number; qualified: number; won: number }>();
      for (const l of leadFiles) {
        const k = keyOf(l);
        const r = m.get(k) ?? { leads: 0, qualified: 0, won: 0 };
        r.leads++;
        if (everWon.has(l.id) || l.status_id === WON) r.qualified++;
        if (l.status_id === WON) r.won++;
        m.set(k, r);
      }
      return m;
    };
    const cases: [string, (l: LeadFile) => string | null][] = [
      ["campaign", (l) => field(l, 434729)?.trim() ?? null],
      ["creative", (l) => field(l, 434725)?.trim() ?? null],
      ["team", (l) => intendedTeam(utmSourceOf(l))],
    ];
    for (const [by, keyOf] of cases) {
      const q = await stack.get<Qualification>(`/api/leads/qualification?project=${PROJECT}&by=${by}`);
      assert.deepEqual(q.denominators, { qualification_rate: "leads", conversion_rate: "leads" });
      assert.equal(q.total.leads, expected.leads.distinct, by);
      assert.equal(q.total.won, expected.leads.won, by);
      const want = derive(keyOf);
      const got = new Map(q.rows.map((r) => [r.key, { leads: r.leads, qualified: r.qualified, won: r.won }]));
      assert.deepEqual(got, want, by);
      for (const r of q.rows) {
        assert.equal(r.qualification_rate, Math.round((1000 * r.qualified) / r.leads) / 10);
        assert.equal(r.conversion_rate, Math.round((1000 * r.won) / r.leads) / 10);
      }
    }
  });

  test("given the status changes, when the Express funnel is read, then entered and lost per stage equal the counts derived from the events pages", async () => {
    interface Funnel {
      pipeline_id: number;
      leads: number;
      stages: {
        status_id: number;
        entered: number;
        reached: number;
        lost: number;
        conversion_from_previous: number | null;
      }[];
    }
    const f = await stack.get<Funnel>(`/api/leads/funnel?project=${PROJECT}&pipeline=${EXPRESS}`);
    assert.equal(f.pipeline_id, EXPRESS);
    // Each lead's path: the stage before its first change (or its only stage), then every change.
    const byLead = new Map<number, StatusEvent[]>();
    for (const e of statusEvents) byLead.set(e.entity_id, [...(byLead.get(e.entity_id) ?? []), e]);
    const entered = new Map<number, Set<number>>();
    const lost = new Map<number, Set<number>>();
    const add = (m: Map<number, Set<number>>, status: number, lead: number) =>
      m.set(status, (m.get(status) ?? new Set()).add(lead));
    for (const l of leadFiles) {
      const events = (byLead.get(l.id) ?? []).sort((a, b) => a.created_at - b.created_at);
      const path: { id: number; pipeline_id: number }[] =
        events.length === 0
          ? [{ id: l.status_id, pipeline_id: l.pipeline_id }]
          : [
              events[0]?.value_before[0]?.lead_status as { id: number; pipeline_id: number },
              ...events.map((e) => e.value_after[0]?.lead_status as { id: number; pipeline_id: number }),
            ];
      path.forEach((s, i) => {
        if (s.pipeline_id !== EXPRESS) return;
        add(entered, s.id, l.id);
        const prev = path[i - 1];
        if (s.id === LOST && prev && prev.pipeline_id === EXPRESS && prev.id !== LOST)
          add(lost, prev.id, l.id);
      });
    }
    const leadsInExpress = new Set([...entered.values()].flatMap((s) => [...s]));
    assert.equal(f.leads, leadsInExpress.size);
    for (const s of f.stages) {
      assert.equal(s.entered, entered.get(s.status_id)?.size ?? 0, `entered ${s.status_id}`);
      assert.equal(s.lost, lost.get(s.status_id)?.size ?? 0, `lost from ${s.status_id}`);
    }
    assert.equal(f.stages.at(-2)?.status_id, WON);
    assert.equal(f.stages.at(-1)?.status_id, LOST);
    // Reached never grows along the open stages.
    const open = f.stages.slice(0, -1);
    for (let i = 1; i < open.length; i++) assert.ok((open[i]?.reached ?? 0) <= (open[i - 1]?.reached ?? 0));
  });

  test("given a lead per utm_source, when its attribution detail is read, then team and confidence are the intended ones and pb_agency is ambiguous between two teams", async () => {
    const checked = new Set<string>();
    for (const l of leadFiles) {
      const source = utmSourceOf(l);
      if (source === null || checked.has(source) || !expected.utm_sources[source]) continue;
      checked.add(source);
      const d = await stack.get<{
        team: string | null;
        confidence: string;
        is_ambiguous: boolean;
        candidate_teams: string[];
        utm_source: string | null;
      }>(`/api/leads/${l.id}/attribution?project=${PROJECT}`);
      const intended = expected.utm_sources[source]?.intended ?? "";
      assert.equal(d.team, intendedTeam(source), `${source}: ${intended}`);
      const confidence = /\((high|medium|low)\)/.exec(intended)?.[1] ?? "low";
      assert.equal(d.confidence, confidence, `${source}: ${intended}`);
      if (source === "pb_agency") {
        assert.equal(d.is_ambiguous, true);
        assert.deepEqual([...d.candidate_teams].sort(), ["Kenesary", "Traf4"]);
      }
    }
    assert.equal(checked.size, Object.keys(expected.utm_sources).length);
    const missing = await fetch(`${stack.queryUrl}/api/leads/1/attribution?project=${PROJECT}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(missing.status, 404);
  });

  test("given the live sales stream opened before the feed, when the projector applied it, then every sale was announced as sale_won with its lead's amount", async () => {
    const all = await stack.get<SalesList>(`/api/sales?project=${PROJECT}&pageSize=200`);
    const announced = () =>
      new Set(
        salesStream.events
          .filter((e) => e.event === "sale_won")
          .map((e) => (JSON.parse(e.data) as { lead_id: number }).lead_id),
      );
    const want = all.items.map((s) => s.lead_id);
    await waitFor("every sale announced", async () => want.every((id) => announced().has(id)), 30_000);
    const last = new Map<number, { amount: number | null; type: string; project_id: string }>();
    for (const e of salesStream.events.filter((x) => x.event === "sale_won")) {
      const n = JSON.parse(e.data) as {
        lead_id: number;
        amount: number | null;
        type: string;
        project_id: string;
      };
      last.set(n.lead_id, n);
    }
    for (const s of all.items) {
      assert.equal(last.get(s.lead_id)?.type, "sale_won");
      assert.equal(last.get(s.lead_id)?.project_id, PROJECT);
    }
  });
});

let viewerSeeded = false;

/** A browser page signed in as a viewer of demoacademy through the login page. */
async function viewerPage(): Promise<Page> {
  if (!existsSync(CHROMIUM)) throw new Error(`headless Chromium is required at ${CHROMIUM}`);
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  if (!viewerSeeded) {
    const user = await seedUser(stack.env.db, {
      login: "amo-viewer",
      password: PASSWORD,
      displayName: "Amo Viewer",
    });
    await seedMemberships(stack.env.db, user, [PROJECT], "viewer");
    viewerSeeded = true;
  }
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${stack.queryUrl}/login`);
  await page.fill('input[name="login"]', "amo-viewer");
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.getByTestId("user").waitFor({ timeout: 30_000 });
  return page;
}

/** The last status webhook body of an open Express lead, moved on into 142 a day after the snapshot. */
function winningBody(): { leadId: number; body: string } {
  const open = leadFiles.find(
    (l) => l.pipeline_id === EXPRESS && l.status_id !== WON && l.status_id !== LOST,
  );
  assert.ok(open, "an open Express lead in the fixtures");
  let last: string | null = null;
  for (const line of readFileSync(join(amo, "webhooks.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line) as { body: string };
    const params = new URLSearchParams(r.body);
    if (params.get("leads[status][0][id]") === String(open.id)) last = r.body;
  }
  assert.ok(last, `a status webhook of lead ${open.id}`);
  const params = new URLSearchParams(last);
  params.set("leads[status][0][old_status_id]", String(open.status_id));
  params.set("leads[status][0][status_id]", String(WON));
  params.set("leads[status][0][last_modified]", String(Date.parse("2026-11-08T06:00:00Z") / 1000));
  return { leadId: open.id, body: params.toString() };
}

describe("Sales and Qualification pages", () => {
  test("given the fixture sales, when a viewer opens Sales, then the team table and the history show the API's figures, and a sale won meanwhile appears live", async () => {
    interface Stat {
      team: string | null;
      count: number;
      revenue: number;
    }
    const range = "from=2026-10-01&to=2026-11-30";
    const api = await stack.get<{ period: { teams: Stat[]; total: Stat } }>(
      `/api/sales/stats?project=${PROJECT}&${range}&granularity=month`,
    );
    const page = await viewerPage();
    await page.goto(`${stack.queryUrl}/p/${PROJECT}/sales?${range}&granularity=month`);
    const table = page.getByTestId("team-stats");
    await table.waitFor();
    await page.locator('[data-testid="sales-live"][data-state="live"]').waitFor();
    for (const t of api.period.teams) {
      const row = table.locator(`tr[data-team="${t.team ?? "none"}"]`);
      assert.equal(await row.locator('[data-col="count"]').innerText(), String(t.count), `${t.team}`);
      assert.equal(await row.locator('[data-col="revenue"]').getAttribute("data-value"), String(t.revenue));
    }
    const total = page.getByTestId("team-stats-total");
    assert.equal(await total.locator('[data-col="count"]').innerText(), String(expected.sales.count));
    const summary = page.getByTestId("sales-summary");
    assert.equal(await summary.getAttribute("data-total"), String(expected.sales.count));
    assert.equal(await summary.getAttribute("data-revenue"), String(expected.sales.revenue_kzt));
    assert.match(
      (await page.getByTestId("sales-csv").getAttribute("href")) ?? "",
      /^\/api\/sales\/export\.csv\?project=demoacademy/,
    );
    await saveScreenshot(page, "sales");

    const won = winningBody();
    const status = await post(stack.ingestUrl, {
      path: `/webhooks/amocrm/${PROJECT}`,
      contentType: "application/x-www-form-urlencoded",
      headers: {},
      body: won.body,
    });
    assert.equal(status, 200);
    await page
      .locator(`[data-testid="new-sales"] li[data-lead="${won.leadId}"]`)
      .waitFor({ timeout: 30_000 });
    await page
      .locator(`[data-testid="sales-summary"][data-total="${expected.sales.count + 1}"]`)
      .waitFor({ timeout: 30_000 });
    await page.context().close();
  });

  test("given the fixture leads, when a viewer opens Qualification and regroups by keyboard, then the table and the funnel show the API's figures", async () => {
    interface Row {
      key: string | null;
      leads: number;
      qualified: number;
      won: number;
    }
    const page = await viewerPage();
    await page.goto(`${stack.queryUrl}/p/${PROJECT}/qualification?by=team`);
    const table = page.locator('[data-testid="qualification-table"][data-by="team"]');
    await table.waitFor();
    const api = await stack.get<{ rows: Row[]; total: Row }>(
      `/api/leads/qualification?project=${PROJECT}&by=team`,
    );
    for (const r of api.rows) {
      const row = table.locator(`tr[data-key="${r.key ?? ""}"]`);
      assert.equal(await row.locator('[data-col="leads"]').innerText(), String(r.leads), `${r.key}`);
      assert.equal(await row.locator('[data-col="qualified"]').innerText(), String(r.qualified));
      assert.equal(await row.locator('[data-col="won"]').innerText(), String(r.won));
    }
    const funnel = await stack.get<{
      pipeline_id: number;
      stages: { status_id: number; reached: number; lost: number }[];
    }>(`/api/leads/funnel?project=${PROJECT}`);
    const funnelTable = page.getByTestId("funnel-table");
    await funnelTable.waitFor();
    assert.equal(await funnelTable.getAttribute("data-pipeline"), String(funnel.pipeline_id));
    for (const s of funnel.stages) {
      const row = funnelTable.locator(`tr[data-status="${s.status_id}"]`);
      assert.equal(await row.locator('[data-col="reached"]').innerText(), String(s.reached));
      assert.equal(await row.locator('[data-col="lost"]').innerText(), String(s.lost));
    }
    await saveScreenshot(page, "qualification");
    // Keyboard only: choose "Creative" in the grouping and submit the form.
    await page.focus('select[name="by"]');
    await page.keyboard.type("Cr"); // type-ahead on the closed select: "Creative"
    assert.equal(await page.locator('select[name="by"]').inputValue(), "creative");
    await page.keyboard.press("Tab"); // the pipeline
    await page.keyboard.press("Tab"); // "Show"
    await page.keyboard.press("Enter");
    await page.locator('[data-testid="qualification-table"][data-by="creative"]').waitFor();
    await page.context().close();
  });
});
