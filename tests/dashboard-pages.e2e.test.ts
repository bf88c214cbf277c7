/**
 * The dashboard's Analytics, Settings, Shifts and dialogs, Webhooks and Users pages in headless
 * Chromium (Debian `chromium`, driven by playwright-core) against the whole stack fed with shop-kyiv's
 * recorded KeyCRM deliveries. Users log in through the login page (cookie session). Every wait is on
 * what the page shows or on the API's state, never on time. With `SCREENSHOTS=1` (`pnpm screenshots`) each page is saved
 * to docs/screenshots/.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { type Analyst, AnalystConfig, createAnalyst } from "@pulse/analyst";
import { createLogger, loadConfig } from "@pulse/infra";
import { waitFor } from "@pulse/infra/testing";
import { seedMemberships, seedUser } from "@pulse/query/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { feed, loadDeliveries, loadEvolutionDeliveries } from "./support/fixture-deliveries.js";
import { saveScreenshot } from "./support/screenshots.js";
import { ADMIN_TOKEN, fixturesDir, post, type Stack, startStack, WEBHOOK_SECRET } from "./support/stack.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const PROJECT = "shop-kyiv";
/** The amoCRM demo project with WhatsApp chats (fixtures amocrm/, evolution/; Asia/Almaty). */
const ACADEMY = "demoacademy";
const PASSWORD = "dashboard-pages-password";
/** The fixture period (shop-kyiv's deliveries run from 2026-10-12 to 2026-11-06, Europe/Kyiv). */
const RANGE = "from=2026-10-12&to=2026-11-06";

let stack: Stack;
let browser: Browser;
/** The analyst with its offline rules (no LLM configured), answering on-demand runs. */
let analyst: Analyst | undefined;

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`headless Chromium is required at ${CHROMIUM} (apt-get install chromium)`);
  stack = await startStack("e2epages", [PROJECT, ACADEMY]);
  const statuses = await feed(
    (d) => post(stack.ingestUrl, d),
    loadDeliveries(fixturesDir, new Set([PROJECT])),
    4,
  );
  assert.deepEqual([...statuses.keys()], [200], `fixture answers: ${JSON.stringify([...statuses])}`);
  // demoacademy: amoCRM deals and their WhatsApp chats (Evolution API), for the shift report.
  const academy = await feed(
    (d) => post(stack.ingestUrl, d),
    [...loadDeliveries(fixturesDir, new Set([ACADEMY])), ...loadEvolutionDeliveries(fixturesDir)],
    4,
  );
  assert.ok(
    [...academy.keys()].every((status) => status >= 200 && status < 300),
    `demoacademy fixture answers: ${JSON.stringify([...academy])}`,
  );
  await stack.settled();
  analyst = createAnalyst({
    nats: stack.env.nats,
    db: stack.env.db,
    config: loadConfig(AnalystConfig, { ...stack.env.env, ANALYST_TICK_SECONDS: "0", LLM_BASE_URL: "" }),
    logger: createLogger("e2e-analyst", process.env["TEST_LOG_LEVEL"] ?? "silent"),
    clock: () => new Date(),
  });
  await analyst.start();
  const admin = await seedUser(stack.env.db, {
    login: "kyiv-admin",
    password: PASSWORD,
    displayName: "Kyiv Admin",
  });
  await seedMemberships(stack.env.db, admin, [PROJECT, ACADEMY], "admin");
  const viewer = await seedUser(stack.env.db, {
    login: "kyiv-viewer",
    password: PASSWORD,
    displayName: "Kyiv Viewer",
  });
  await seedMemberships(stack.env.db, viewer, [PROJECT], "viewer");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await analyst?.stop();
  await browser?.close();
  await stack?.close();
});

/** A new browser context (own cookies) signed in as `login` through the login page. */
async function signedIn(login: string): Promise<Page> {
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${stack.queryUrl}/login`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.getByTestId("user").waitFor({ timeout: 30_000 });
  return page;
}

/**
 * A duration as the dashboard writes it in English (the test's own oracle, written from the rule
 * "at most two units, largest first, whole units"): 37 500 s → `10 h 25 min`.
 */
function englishDuration(seconds: number): string {
  const total = Math.floor(seconds);
  const parts: [number, string][] = [
    [Math.floor(total / 86_400), "d"],
    [Math.floor((total % 86_400) / 3_600), "h"],
    [Math.floor((total % 3_600) / 60), "min"],
    [total % 60, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return "0 s";
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n} ${u}`)
    .join(" ");
}

interface GroupStats {
  group_id: number | null;
  group_name: string | null;
  orders_visited: number;
  intervals: number;
  mean_seconds: number;
  median_seconds: number;
  p90_seconds: number;
}

test("given shop-kyiv's recorded orders, when a viewer opens Analytics for the fixture period, then the chart's bars and the tables show the API's time per group", async () => {
  const api = await stack.get<{
    period: { groups: GroupStats[]; totals: { orders: number; intervals: number } };
    coverage: {
      blocks_from_aggregates: number;
      blocks_from_intervals: number;
      percentiles: { method: string; max_relative_error: number };
    };
  }>(`/api/analytics/status-durations?project=${PROJECT}&${RANGE}&granularity=week`);
  const measured = api.period.groups.filter((g) => g.orders_visited > 0);
  assert.ok(measured.length >= 3, `the fixtures measure several groups, got ${measured.length}`);

  const page = await signedIn("kyiv-viewer");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/analytics?${RANGE}&granularity=week`);
  await page.locator('[data-testid="analytics-result"][data-state="ready"]').waitFor({ timeout: 60_000 });

  // The bar chart: one mean, median and p90 label per measured group, each the API's value.
  const bars = page.getByTestId("group-bars");
  await bars.locator(".bar-label-mean").first().waitFor({ timeout: 30_000 });
  for (const k of ["mean", "median", "p90"] as const) {
    const labels = await bars.locator(`.bar-label-${k} text, text.bar-label-${k}`).allTextContents();
    assert.deepEqual(
      labels.map((l) => l.trim()),
      measured.map((g) => englishDuration(g[`${k}_seconds`])),
      `${k} labels`,
    );
  }
  // The mean bars' lengths are proportional to the means (the chart draws the data, not just labels).
  const widths = await bars
    .locator(".recharts-bar")
    .first()
    .locator("path.recharts-rectangle")
    .evaluateAll((ps) => ps.map((p) => p.getBoundingClientRect().width));
  assert.equal(widths.length, measured.length, "one mean bar per group");
  const scale = (widths[0] ?? 0) / (measured[0]?.mean_seconds ?? 1);
  measured.forEach((g, i) => {
    const expected = g.mean_seconds * scale;
    assert.ok(
      Math.abs((widths[i] ?? 0) - expected) <= Math.max(2, expected * 0.02),
      `bar ${i} (${g.group_name}) is ${widths[i]} px, expected ≈ ${expected.toFixed(1)}`,
    );
  });

  // The group table: denominators and statistics of every group.
  for (const g of api.period.groups) {
    const row = page.locator(`[data-testid="group-table"] tr[data-group-id="${g.group_id ?? "unknown"}"]`);
    assert.equal(await row.locator('[data-col="orders"]').innerText(), String(g.orders_visited));
    assert.equal(await row.locator('[data-col="intervals"]').innerText(), String(g.intervals));
    assert.equal(await row.locator('[data-col="median"]').innerText(), englishDuration(g.median_seconds));
  }
  assert.equal(
    await page.locator('[data-testid="period-totals"] [data-col="orders"]').innerText(),
    String(api.period.totals.orders),
  );
  // What the answer covers: its blocks' sources and, for aggregates, the percentiles' stated error.
  const coverage = await page.getByTestId("analytics-coverage").innerText();
  assert.ok(
    coverage.includes(`${api.coverage.blocks_from_aggregates} blocks from the precomputed aggregates`),
    coverage,
  );
  if (api.coverage.percentiles.method === "histogram") {
    assert.ok(coverage.includes("within 1 % of the exact values"), coverage);
  } else {
    assert.ok(coverage.includes("Median and p90 are exact."), coverage);
  }
  // One line per measured group in the per-week chart.
  assert.equal(await page.locator('[data-testid="group-series"] .recharts-line').count(), measured.length);
  await page.getByTestId("urgency-table").waitFor({ timeout: 60_000 });
  await saveScreenshot(page, "analytics");
  await page.context().close();
});

test("given an admin of the project, when the SLA grid's normal limit of group 1 is set to 00:01 and saved, then the recompute finishes and the orders whose SLA changed are listed before → after", async () => {
  const page = await signedIn("kyiv-admin");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/settings`);
  const cell = page.getByTestId("sla-normal-1");
  await cell.waitFor({ timeout: 30_000 });
  assert.equal(await cell.inputValue(), "", "no SLA before");
  await cell.fill("00:01");
  await page.getByTestId("sla-save").click();
  const tracker = page.locator('[data-testid="recompute"][data-state="done"]');
  await tracker.waitFor({ timeout: 120_000 });

  const list = await stack.get<{ items: { id: string; status: string; requested_by: string | null }[] }>(
    `/api/replays?project=${PROJECT}&limit=1`,
  );
  const replayId = list.items[0]?.id;
  assert.ok(replayId);
  assert.equal(list.items[0]?.status, "done");
  const detail = await stack.get<{
    diff: {
      orders_changed: number;
      changes: { order_id: number; field: string; group_id?: number; before: unknown; after: unknown }[];
    };
  }>(`/api/replays/${replayId}?project=${PROJECT}`);
  const slaChanges = detail.diff.changes.filter((c) => c.field === "sla_state" && c.group_id === 1);
  assert.ok(
    slaChanges.filter((c) => c.after === "over").length > 100,
    `most fixture orders left group 1 after more than a minute of working time: ${slaChanges.length}`,
  );
  assert.ok(
    slaChanges.every((c) => c.before === null),
    "no SLA before",
  );

  assert.equal(
    await page.getByTestId("diff-count").innerText(),
    `${detail.diff.orders_changed} orders changed:`,
  );
  const rows = page.locator('[data-testid="diff"] tr[data-field="sla_state"][data-group-id="1"]');
  assert.equal(await rows.count(), slaChanges.length, "every changed SLA state is listed");
  const first = slaChanges.find((c) => c.after === "over");
  assert.ok(first);
  const row = page.locator(
    `[data-testid="diff"] tr[data-order-id="${first.order_id}"][data-field="sla_state"]`,
  );
  assert.equal((await row.locator('[data-col="before"]').innerText()).trim(), "none");
  assert.equal((await row.locator('[data-col="after"]').innerText()).trim(), "over");
  // The grid now shows the saved version's limit.
  await page.getByTestId("version-note").waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId("sla-normal-1").inputValue(), "00:01");
  await saveScreenshot(page, "settings");
  await page.context().close();
});

test("given the recorded orders and an SLA grid set on the Settings page, when the board is opened for the fixture period, then it lists many orders with an SLA bar per group and KPI tiles", async () => {
  const page = await signedIn("kyiv-admin");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/settings`);
  await page.getByTestId("sla-normal-1").waitFor({ timeout: 30_000 });
  // Limits a shop could use: a new order is confirmed within 4 h of work, made within 16 h.
  await page.getByTestId("sla-normal-1").fill("04:00");
  await page.getByTestId("sla-normal-2").fill("16:00");
  await page.getByTestId("sla-save").click();
  await page.locator('[data-testid="recompute"][data-state="done"]').waitFor({ timeout: 120_000 });

  await page.goto(`${stack.queryUrl}/p/${PROJECT}/orders?${RANGE}`);
  const rows = page.locator("tr[data-order-id]");
  await rows.nth(9).waitFor({ timeout: 30_000 });
  assert.ok((await rows.count()) >= 10, "a page of orders");
  assert.ok(
    (await page
      .locator("tr[data-order-id] .sla-over, tr[data-order-id] .sla-ok, tr[data-order-id] .sla-near")
      .count()) > 0,
    "SLA states are shown on the board",
  );
  await saveScreenshot(page, "orders");
  await page.context().close();
});

test("given a viewer of the project, when it uses the dashboard, then Settings and Users are neither in the navigation nor open, and no answer it receives carries a secret", async () => {
  const page = await signedIn("kyiv-viewer");
  const bodies: string[] = [];
  page.on("response", (res) => {
    if (new URL(res.url()).pathname.startsWith("/api/")) {
      void res.text().then(
        (t) => bodies.push(t),
        () => undefined,
      );
    }
  });
  for (const path of ["webhooks", "shifts", "dialogs", "analytics"]) {
    await page.goto(`${stack.queryUrl}/p/${PROJECT}/${path}`);
    await page.locator("main h1").waitFor({ timeout: 30_000 });
  }
  await page.locator('[data-testid="analytics-result"][data-state="ready"]').waitFor({ timeout: 60_000 });
  const nav = await page.locator("header nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(
    nav.some((h) => h?.endsWith("/analytics")),
    `the viewer's navigation: ${nav.join(", ")}`,
  );
  assert.ok(
    !nav.some((h) => h?.endsWith("/settings") || h?.endsWith("/users")),
    `no admin pages: ${nav.join(", ")}`,
  );

  for (const path of ["settings", "users"]) {
    await page.goto(`${stack.queryUrl}/p/${PROJECT}/${path}`);
    await page.getByTestId("not-allowed").waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId("sla-form").count(), 0);
    assert.equal(await page.getByTestId("tokens").count(), 0);
  }
  const seen = bodies.join("\n");
  assert.ok(bodies.length > 5, `the pages called the API (${bodies.length} answers)`);
  for (const secret of [WEBHOOK_SECRET, ADMIN_TOKEN, PASSWORD]) {
    assert.ok(!seen.includes(secret), `an answer to the viewer holds a secret (${secret.slice(0, 4)}…)`);
    assert.ok(!(await page.content()).includes(secret));
  }
  assert.doesNotMatch(seen, /"(api_token|webhook_secret|password|token_hash)"\s*:/);
  await page.context().close();
});

test("given the recorded deliveries, when an admin opens Webhooks, Shifts and Dialogs, then the webhook totals are the API's and the shift report and dialog list answer", async () => {
  const stats = await stack.get<{ totals: Record<string, number> }>(`/api/webhooks/stats?project=${PROJECT}`);
  const page = await signedIn("kyiv-admin");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/webhooks`);
  const totals = page.getByTestId("stats-totals");
  await totals.waitFor({ timeout: 30_000 });
  for (const k of ["received", "accepted", "duplicate", "ignored", "events_stored"]) {
    assert.equal(await totals.locator(`[data-col="${k}"]`).innerText(), String(stats.totals[k]), k);
  }
  assert.equal(await page.locator('[data-testid="freshness"] tr[data-source="keycrm"]').count(), 1);
  await page
    .locator('[data-testid="outcomes-chart"] .recharts-bar-rectangle')
    .first()
    .waitFor({ timeout: 30_000 });
  await saveScreenshot(page, "webhooks");

  await page.goto(`${stack.queryUrl}/p/${PROJECT}/shifts`);
  await page.getByTestId("shift-report").waitFor({ timeout: 30_000 });
  await page.getByTestId("shift-deals").waitFor({ timeout: 30_000 });

  await page.goto(`${stack.queryUrl}/p/${PROJECT}/dialogs?interest=hot`);
  await page.getByTestId("dialogs-total").waitFor({ timeout: 30_000 });
  const csv = await page.getByTestId("dialogs-csv").getAttribute("href");
  assert.equal(csv, `/api/dialogs/export.csv?project=${PROJECT}&interest=hot&delimiter=comma`);
  const download = await page.evaluate(async (href) => {
    const res = await fetch(href ?? "");
    return { status: res.status, type: res.headers.get("content-type") };
  }, csv);
  assert.deepEqual(
    download,
    { status: 200, type: "text/csv; charset=utf-8" },
    "the session cookie downloads the CSV",
  );

  // demoacademy (amoCRM deals and WhatsApp chats): the shift report of three fixture days has rows
  // per manager, with the scores of its dialogs; the screenshots show this project.
  // The analyst scores the dialogs of those days (offline rules); the list then shows them.
  // A busy analyst may not answer within the API's 2 s (503 analyst_unavailable, "retry later"):
  // the test retries as a client would; a repeated run skips dialogs already analysed.
  await waitFor(
    "the analyst to accept the run",
    async () => {
      const run = await fetch(`${stack.queryUrl}/api/analysis/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          project: ACADEMY,
          from: "2026-10-26T17:00:00.000Z",
          to: "2026-10-29T17:00:00.000Z",
          minIncoming: 1,
        }),
      });
      const text = await run.text();
      if (run.status !== 202 && run.status !== 503) assert.fail(`analysis run: ${run.status} ${text}`);
      return run.status === 202;
    },
    120_000,
  );
  await waitFor(
    "scored dialogs of demoacademy",
    async () => {
      await stack.settled();
      const list = await stack.get<{ total: number }>(`/api/dialogs/analysis?project=${ACADEMY}`);
      return list.total > 0;
    },
    120_000,
  );
  await page.goto(`${stack.queryUrl}/p/${ACADEMY}/shifts?from=2026-10-27&to=2026-10-29`);
  await page.getByTestId("shift-report").locator("tr[data-manager-id]").first().waitFor({ timeout: 30_000 });
  await page.getByTestId("shift-deals").waitFor({ timeout: 30_000 });
  await saveScreenshot(page, "shifts");
  await page.goto(`${stack.queryUrl}/p/${ACADEMY}/dialogs`);
  await page.getByTestId("dialogs-total").waitFor({ timeout: 30_000 });
  assert.doesNotMatch(await page.getByTestId("dialogs-total").innerText(), /^0 /);
  await saveScreenshot(page, "dialogs");
  await page.context().close();
});

test("given an admin, when it creates an API token on the Users page, then the value is shown once, works, and stops working once revoked", async () => {
  const page = await signedIn("kyiv-admin");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/users`);
  const members = page.getByTestId("members");
  await members.locator('tr[data-login="kyiv-viewer"]').waitFor({ timeout: 30_000 });
  assert.equal(
    await members.locator('tr[data-login="kyiv-viewer"] select').inputValue(),
    "viewer",
    "the viewer's role is listed",
  );

  await page.fill('input[name="token-name"]', "ci export");
  await page.locator('[data-testid="tokens"] button[type="submit"]').click();
  const value = (await page.getByTestId("new-token-value").innerText()).trim();
  assert.match(value, /^pulse_[A-Za-z0-9_-]{20,}$/);
  const withToken = () =>
    fetch(`${stack.queryUrl}/api/projects`, { headers: { authorization: `Bearer ${value}` } }).then(
      (r) => r.status,
    );
  assert.equal(await withToken(), 200);

  await page.getByRole("button", { name: "Done" }).click();
  assert.equal(await page.getByTestId("new-token").count(), 0);
  await saveScreenshot(page, "users");
  assert.ok(!(await page.content()).includes(value), "the value is not shown again");
  const row = page.locator('[data-testid="tokens"] tr', { hasText: "ci export" });
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await page
    .locator('[data-testid="tokens"] tr[data-revoked="true"]', { hasText: "ci export" })
    .waitFor({ timeout: 30_000 });
  assert.equal(await withToken(), 401);
  await page.context().close();
});
