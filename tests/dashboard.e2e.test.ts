/**
 * The dashboard (services/query/web, built by `pnpm build`; the test runner builds it first when the
 * build is missing or stale) in headless Chromium (Debian `chromium`, driven by playwright-core),
 * against the whole stack: sign-in with the session cookie as a viewer and as an admin, the orders
 * board following webhooks live, the order panel's timeline, overrides (admins only), the language
 * switch. Every wait is on what the page shows. With `SCREENSHOTS=1` (`pnpm screenshots`) each page
 * is saved under docs/screenshots/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { seedMemberships, seedUser } from "@pulse/query/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { ADMIN_TOKEN, post, type Stack, startStack } from "./support/stack.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SCREENSHOTS = process.env["SCREENSHOTS"] === "1";
const SCREENSHOT_DIR = join(import.meta.dirname, "../docs/screenshots");
/**
 * The bound from a webhook's 2xx to the moved row on the board, milliseconds (checked on the
 * best of up to five moves, measured with in-page timestamps; `DASHBOARD_MOVE_BUDGET_MS` overrides).
 */
const MOVE_BUDGET_MS = Number(process.env["DASHBOARD_MOVE_BUDGET_MS"] ?? 1000);
const PROJECT = "shop-kyiv";
const PASSWORD = "dashboard-e2e-password";

let stack: Stack;
let browser: Browser;

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`headless Chromium is required at ${CHROMIUM} (apt-get install chromium)`);
  stack = await startStack("e2edash", [PROJECT]);
  const viewer = await seedUser(stack.env.db, {
    login: "vera",
    password: PASSWORD,
    displayName: "Vera Viewer",
  });
  await seedMemberships(stack.env.db, viewer, [PROJECT], "viewer");
  const admin = await seedUser(stack.env.db, {
    login: "adam",
    password: PASSWORD,
    displayName: "Adam Admin",
  });
  await seedMemberships(stack.env.db, admin, [PROJECT], "admin");
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
  await browser?.close();
  await stack?.close();
});

function statusChange(orderId: number, statusId: number, groupId: number, at: string) {
  return {
    path: `/webhooks/keycrm/${PROJECT}`,
    contentType: "application/json",
    headers: {},
    body: JSON.stringify({
      event: "order.change_order_status",
      context: {
        id: orderId,
        status_id: statusId,
        status_group_id: groupId,
        status_changed_at: at,
        created_at: at,
      },
    }),
  };
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A fresh browser (own cookies and storage) in English, signed in as `login` through the login page. */
async function signIn(login: string, next = "/"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${stack.queryUrl}${next}`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("user").waitFor();
  return { context, page };
}

/** The row of `orderId` on the board, once present. */
async function row(page: Page, orderId: number) {
  const locator = page.locator(`tr[data-order-id="${orderId}"]`);
  await locator.waitFor({ timeout: 30_000 });
  return locator;
}

describe("the dashboard", () => {
  test("given the built dashboard, when / and a client route are requested, then the app's HTML is served without caching and its assets are immutable", async () => {
    const res = await fetch(`${stack.queryUrl}/p/${PROJECT}/orders/1`);
    assert.equal(res.status, 200, "a missing build answers 503 dashboard_not_built: run `pnpm build`");
    assert.equal(res.headers.get("cache-control"), "no-cache");
    const html = await res.text();
    assert.match(html, /<div id="root"><\/div>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, "index.html names its script");
    const js = await fetch(`${stack.queryUrl}${asset}`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const missing = await fetch(`${stack.queryUrl}/api/no-such-route`);
    assert.equal(missing.status, 404, "API paths never fall back to the app");
  });

  test("given wrong credentials, when signing in, then the login page says so and no session starts", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${stack.queryUrl}/login`);
    await page.getByLabel("Login").fill("vera");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    assert.equal(await page.getByTestId("login-error").innerText(), "Wrong login or password.");
    assert.equal((await context.cookies()).filter((c) => c.name === "pulse_session").length, 0);
    await screenshot(page, "login");
    await context.close();
  });

  test("given a viewer of the project, when signed in, then the header shows the user and role, the board shows the orders, and no settings, overrides or secrets are offered", async () => {
    assert.equal(await post(stack.ingestUrl, statusChange(991_001, 1, 1, new Date().toISOString())), 200);
    const { context, page } = await signIn("vera", `/p/${PROJECT}/orders`);
    assert.match(await page.getByTestId("user").innerText(), /Vera Viewer/);
    assert.equal(await page.getByTestId("user-role").getAttribute("data-role"), "viewer");
    await row(page, 991_001);
    const nav = await page.getByRole("navigation", { name: "Main navigation" }).innerText();
    assert.match(nav, /Orders/);
    assert.doesNotMatch(nav, /Settings|Users/i, "a viewer has no admin pages (settings, users)");
    // The cookie is HttpOnly: the page's script cannot read the session.
    assert.equal(await page.evaluate("document.cookie.includes('pulse_session')"), false);

    await page.locator('tr[data-order-id="991001"] a').first().click();
    await page.getByTestId("timeline").waitFor();
    assert.equal(await page.getByTestId("overrides").count(), 0, "a viewer gets no overrides form");
    // A viewer's write is refused by the API as well (the form is not the only guard).
    const put = await page.evaluate(async (project) => {
      const res = await fetch(`/api/orders/991001/overrides?project=${project}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ urgent: true, sla_profile: null, cycle_start_at: null, cycle_end_at: null }),
      });
      return res.status;
    }, PROJECT);
    assert.ok(put === 403, `a viewer's write is refused (got ${put})`);

    await page.goto(`${stack.queryUrl}/`);
    const card = page.locator(`[data-project-id="${PROJECT}"]`);
    await card.waitFor();
    assert.equal(await card.getByTestId("time-zone").innerText(), "Europe/Kyiv");
    assert.equal(await card.getByTestId("kind").innerText(), "keycrm");
    assert.equal(await page.locator('input[type="password"]').count(), 0, "no secret fields for a viewer");
    assert.doesNotMatch(await page.locator("main").innerText(), /token|secret/i);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${stack.queryUrl}/p/${PROJECT}/orders`);
    await page.waitForURL(/\/login\?next=/);
    await context.close();
  });

  test("given an admin on the board, when webhooks create and then move an order, then its row appears and moves without a reload, within the bound", async (t) => {
    const { context, page } = await signIn("adam", `/p/${PROJECT}/orders`);
    await page.waitForSelector('#live-state[data-state="live"]', { timeout: 30_000 });
    assert.equal(await page.getByTestId("user-role").getAttribute("data-role"), "admin");

    const orderId = 991_101;
    const t0 = Date.now() - 600_000;
    assert.equal(await page.locator(`tr[data-order-id="${orderId}"]`).count(), 0);
    assert.equal(await post(stack.ingestUrl, statusChange(orderId, 1, 1, new Date(t0).toISOString())), 200);
    const created = await row(page, orderId);
    assert.equal(await created.getAttribute("data-status-id"), "1");

    // In the page: when the row showed each new status, and when each notice of the order arrived
    // on a second listener of the same stream (for the report) — the page's clock is the machine's,
    // as the test's, so no polling or browser round trip adds to the figure.
    await page.evaluate(`new Promise((opened) => {
      window.__rowChanges = [];
      window.__notices = [];
      let last = document.querySelector('tr[data-order-id="${orderId}"]')?.getAttribute("data-status-id") ?? null;
      new MutationObserver(() => {
        const now = Date.now();
        const status = document.querySelector('tr[data-order-id="${orderId}"]')?.getAttribute("data-status-id") ?? null;
        if (status !== null && status !== last) window.__rowChanges.push({ status, at: now });
        last = status ?? last;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status-id"] });
      const source = new EventSource("/api/stream/orders?project=${PROJECT}");
      source.onopen = opened;
      source.addEventListener("order_updated", (e) => {
        if (JSON.parse(e.data).order_id === ${orderId}) window.__notices.push(Date.now());
      });
    })`);
    // The moves: status 3 (group 2), back to 1, … Each is timed from the webhook's 2xx to the row
    // showing the new status. The bound is checked on the best of up to five moves: a busy machine
    // (another test run beside this one) only adds delay, so the best move is the pipeline's own.
    const figures: number[] = [];
    for (let k = 1; k <= 5 && !figures.some((ms) => ms <= MOVE_BUDGET_MS); k++) {
      const [statusId, groupId] = k % 2 === 1 ? [3, 2] : [1, 1];
      const seen = Number(await page.evaluate("window.__rowChanges.length"));
      const status = await post(
        stack.ingestUrl,
        statusChange(orderId, statusId, groupId, new Date(t0 + k * 60_000).toISOString()),
      );
      const answeredAt = Date.now();
      assert.equal(status, 200);
      await page.waitForSelector(`tr[data-order-id="${orderId}"][data-status-id="${statusId}"]`, {
        timeout: 30_000,
        state: "attached",
      });
      const changes = (await page.evaluate("window.__rowChanges")) as { status: string; at: number }[];
      const changedAt = changes.slice(seen).find((c) => c.status === String(statusId))?.at;
      assert.ok(changedAt !== undefined, "the page saw the row change");
      const notices = (await page.evaluate("window.__notices")) as number[];
      const noticeAt = notices.find((at) => at >= answeredAt - 1000);
      const moveMs = Math.max(0, changedAt - answeredAt);
      figures.push(moveMs);
      t.diagnostic(
        `move ${k}: the row moved ${moveMs} ms after the webhook was answered` +
          (noticeAt === undefined ? "" : ` (its notice came after ${noticeAt - answeredAt} ms)`),
      );
    }
    const best = Math.min(...figures);
    assert.ok(
      best <= MOVE_BUDGET_MS,
      `the row moved in ${figures.join(", ")} ms (bound ${MOVE_BUDGET_MS} ms, DASHBOARD_MOVE_BUDGET_MS)`,
    );
    assert.equal(
      await page.locator(`tr[data-order-id="${orderId}"]`).count(),
      1,
      "the same row, not a second one",
    );
    await context.close();
  });

  test("given an order with two statuses and working hours that cover half of its first hour, when an admin opens it, then the panel shows its timeline cut into working and non-working segments and SLA per group, and an override is saved", async () => {
    const orderId = 991_201;
    // The first interval is a whole local hour HH:00–HH+1:00; the working window, every day, is
    // HH:30–HH+1:30 (Europe/Kyiv): its first half is non-working, its second half working.
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
    const hour = (ms: number) =>
      new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Kyiv", hour: "2-digit", hourCycle: "h23" }).format(
        ms,
      );
    const window = [`${hour(t0)}:30-${hour(t0 + 3_600_000)}:30`];
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.queryUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      });
    const current = (await (await api(`/api/settings/working-hours?project=${PROJECT}`)).json()) as {
      version: number;
    };
    const days = Object.fromEntries(
      ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, window]),
    );
    const put = await api(`/api/settings/working-hours?project=${PROJECT}`, {
      method: "PUT",
      body: JSON.stringify({
        version: current.version,
        default: { working_hours: days, holidays: [] },
        groups: {},
      }),
    });
    assert.ok(put.ok, `working hours saved: ${put.status} ${await put.text()}`);
    assert.equal(await post(stack.ingestUrl, statusChange(orderId, 1, 1, new Date(t0).toISOString())), 200);
    assert.equal(
      await post(stack.ingestUrl, statusChange(orderId, 3, 2, new Date(t0 + 3_600_000).toISOString())),
      200,
    );
    await stack.settled();
    const { context, page } = await signIn("adam", `/p/${PROJECT}/orders/${orderId}`);
    const panel = page.getByTestId("order-panel");
    await panel.waitFor();
    const intervals = panel.locator("[data-testid=timeline] li.interval");
    await intervals.nth(1).waitFor();
    assert.deepEqual(await intervals.evaluateAll((els) => els.map((e) => e.getAttribute("data-status-id"))), [
      "1",
      "3",
    ]);
    // The first interval is drawn as its segments: 30 min non-working, then 30 min working.
    const first = intervals.first();
    await first.getByTestId("segments").waitFor();
    assert.deepEqual(
      await first.locator("[data-kind]").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))),
      ["non-working", "working"],
    );
    assert.match(
      (await first.getByTestId("segments").getAttribute("aria-label")) ?? "",
      /Working and non-working/,
    );
    assert.match(await first.locator('[data-kind="working"]').innerText(), /working time: .+ \(30 min\)/);
    assert.match(await first.innerText(), /working time: 30 min/);
    assert.ok((await panel.getByTestId("sla-per-group").locator("tbody tr").count()) >= 2);

    const form = panel.getByTestId("overrides");
    await form.getByLabel("Urgency").selectOption("true");
    await form.getByRole("button", { name: "Save overrides" }).click();
    await form.getByTestId("overrides-saved").waitFor();
    // The override is an event; once projected, the board marks the order urgent.
    await page.locator(`tr[data-order-id="${orderId}"] .badge.urgent`).waitFor({ timeout: 30_000 });
    await screenshot(page, "order-panel");

    // Home: the admin edits the project's fields; the CRM token is write-only.
    await page.goto(`${stack.queryUrl}/`);
    const card = page.locator(`[data-project-id="${PROJECT}"]`);
    await card.waitFor();
    await card.getByText("Edit project").click();
    const fields = card.getByTestId("project-fields");
    assert.equal(await fields.getByTestId("token-state").innerText(), "No token is set.");
    const crmToken = "crm-token-from-the-browser-4f2a";
    await fields.getByLabel("New token").fill(crmToken);
    await fields.getByLabel("CRM address").fill("https://openapi.keycrm.app/v1");
    await fields.getByRole("button", { name: "Save project" }).click();
    await fields.getByTestId("project-saved").waitFor();
    assert.match(
      await fields.getByTestId("token-state").innerText(),
      /^A token is set \(fingerprint [0-9a-f]{12}\)\.$/,
    );
    assert.equal(await fields.getByLabel("New token").inputValue(), "", "the token field is emptied");
    assert.ok(!(await page.content()).includes(crmToken), "the token is never shown");
    const shown = await stack.get<{ api_token_set: boolean; base_url: string }>(`/api/projects/${PROJECT}`);
    assert.equal(shown.api_token_set, true);
    assert.equal(shown.base_url, "https://openapi.keycrm.app/v1");
    await screenshot(page, "home");
    await context.close();
  });

  test("given more orders than a page, when a viewer pages with Next, then the next page continues by cursor without repeating a row, and Previous returns by page number", async () => {
    const base = Date.now() - 3_600_000;
    for (let n = 0; n < 30; n++) {
      const at = new Date(base + n * 60_000).toISOString();
      assert.equal(await post(stack.ingestUrl, statusChange(993_000 + n, 1, 1, at)), 200);
    }
    const { context, page } = await signIn("vera", `/p/${PROJECT}/orders`);
    // Newest change first: the last order posted heads page 1.
    await row(page, 993_029);
    const shown = async () =>
      page
        .locator("table.orders tbody tr[data-order-id]")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-order-id")));
    const first = await shown();
    assert.equal(first.length, 25);
    assert.match(await page.getByTestId("page-info").innerText(), /^Page 1 of \d+/);

    await page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/[?&]cursor=/);
    await page
      .getByTestId("page-info")
      .filter({ hasText: /^Page 2 of / })
      .waitFor();
    await page.locator(`table.orders tbody tr[data-order-id="${first[0]}"]`).waitFor({ state: "detached" });
    const second = await shown();
    assert.ok(second.length >= 5, `page 2 shows the remaining orders (${second.length})`);
    assert.deepEqual(
      second.filter((id) => first.includes(id)),
      [],
      "no order of page 1 repeats on page 2",
    );

    await page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: "Previous" }).click();
    await page
      .getByTestId("page-info")
      .filter({ hasText: /^Page 1 of / })
      .waitFor();
    assert.doesNotMatch(page.url(), /cursor=/);
    await row(page, 993_029);
    await context.close();
  });

  test("given the English UI, when the language is switched to Ukrainian, then the texts change and the choice survives a reload", async () => {
    const { context, page } = await signIn("vera", `/p/${PROJECT}/orders`);
    await page.getByTestId("language-switch").selectOption("uk");
    await page.getByRole("button", { name: "Вийти" }).waitFor();
    assert.equal(await page.evaluate("document.documentElement.lang"), "uk");
    await page.reload();
    await page.getByRole("heading", { name: /Замовлення/ }).waitFor();
    await page.getByTestId("language-switch").selectOption("ru");
    await page.getByRole("button", { name: "Выйти" }).waitFor();
    await context.close();
  });
});
