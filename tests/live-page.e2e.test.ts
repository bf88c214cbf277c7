/**
 * The live page in headless Chromium (Debian `chromium`, driven by playwright-core): a new order
 * appears in the browser after its webhook was answered, and a later status updates its row. The
 * test waits on what the page shows; how long that took is reported, not asserted (latency is a
 * bench's question: this test must pass on a busy machine too).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { waitFor } from "@pulse/infra/testing";
import { TEST_OWNER_LOGIN, TEST_PASSWORD } from "@pulse/query/testing";
import { type Browser, chromium } from "playwright-core";
import { ADMIN_TOKEN, post, type Stack, startStack } from "./support/stack.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
let stack: Stack;
let browser: Browser;

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`headless Chromium is required at ${CHROMIUM} (apt-get install chromium)`);
  stack = await startStack("e2epage", ["shop-kyiv"]);
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
    path: "/webhooks/keycrm/shop-kyiv",
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

test("given the page is connected to a project's live stream, when a webhook creates an order, then its row appears and a later status updates it", async (t) => {
  const page = await browser.newPage();
  await page.goto(`${stack.queryUrl}/`);
  await page.fill("#project", "shop-kyiv");
  await page.fill("#login", TEST_OWNER_LOGIN);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("#go");
  await page.waitForSelector('#state[data-state="live"]', { timeout: 30_000 });

  const orderId = 990_001;
  assert.equal(await page.locator(`tr[data-order-id="${orderId}"]`).count(), 0);
  const status = await post(stack.ingestUrl, statusChange(orderId, 1, 1, new Date().toISOString()));
  assert.equal(status, 200);
  const answeredAt = Date.now();
  await page.waitForSelector(`tr[data-order-id="${orderId}"]`, { timeout: 30_000 });
  t.diagnostic(`row appeared ${Date.now() - answeredAt} ms after the webhook was answered`);
  const row = page.locator(`tr[data-order-id="${orderId}"]`);
  const text = await row.innerText();
  assert.match(text, /990001/);

  // A later status of the same order updates the same row rather than adding one.
  await post(stack.ingestUrl, statusChange(orderId, 2, 2, new Date(Date.now() + 1000).toISOString()));
  const shown = await row.textContent();
  await page.waitForFunction(
    `document.querySelector('tr[data-order-id="${orderId}"]')?.textContent !== ${JSON.stringify(shown)}`,
    undefined,
    { timeout: 30_000 },
  );
  assert.notEqual(await row.innerText(), text, "the row shows the new status");
  assert.equal(await row.count(), 1);
  await page.close();
});

test("given webhook deliveries of a project, when the page connects, then its webhook panel shows the outcomes and freshness per source", async () => {
  // One more request, with a foreign secret: counted as unauthorized for the project.
  const foreign = await fetch(`${stack.ingestUrl}/webhooks/keycrm/shop-kyiv?secret=an-old-secret`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: statusChange(990_002, 1, 1, new Date().toISOString()).body,
  });
  assert.equal(foreign.status, 401);
  await waitFor("the unauthorized request counted", async () => {
    const s = await stack.get<{ totals: { unauthorized: number; accepted: number } }>(
      "/api/webhooks/stats?project=shop-kyiv",
    );
    return s.totals.unauthorized === 1 && s.totals.accepted === 2;
  });
  const page = await browser.newPage();
  await page.goto(`${stack.queryUrl}/`);
  await page.fill("#project", "shop-kyiv");
  await page.fill("#login", TEST_OWNER_LOGIN);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("#go");
  const row = page.locator('#webhook-stats tr[data-source="keycrm"]');
  await row.waitFor({ timeout: 10_000 });
  const cells = await row.locator("td").allInnerTexts();
  // source, last delivery, last accepted, received, accepted, duplicate, ignored, rejected, unauthorized, failed, events stored
  assert.deepEqual([cells[0], ...cells.slice(3)], ["keycrm", "3", "2", "0", "0", "0", "1", "0", "2"]);
  assert.match(cells[1] ?? "", /ago$/);
  assert.match(cells[2] ?? "", /ago$/);
  await page.close();
});

test("given SLA limits, when orders are judged on their total time in a group, then the page colours the current status and each group near or over", async () => {
  // New (group 1) allows 1 min; group 2 allows 10 min and is near from 1 % of it (6 s).
  const put = await fetch(`${stack.queryUrl}/api/settings/sla?project=shop-kyiv`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ version: 0, near_share: 0.01, grids: { normal: { "1": "00:01", "2": "00:10" } } }),
  });
  assert.equal(put.status, 202, await put.text());
  const day = 86_400_000;
  // 990101: in New for 30 days (24/7) → over. 990102: 30 days in New, then in group 2 for the last
  // minute → near there, while its New chip stays over.
  assert.equal(
    await post(stack.ingestUrl, statusChange(990_101, 1, 1, new Date(Date.now() - 30 * day).toISOString())),
    200,
  );
  assert.equal(
    await post(stack.ingestUrl, statusChange(990_102, 1, 1, new Date(Date.now() - 30 * day).toISOString())),
    200,
  );
  assert.equal(
    await post(stack.ingestUrl, statusChange(990_102, 3, 2, new Date(Date.now() - 60_000).toISOString())),
    200,
  );
  await stack.settled();
  await stack.projector.recomputesIdle();

  const page = await browser.newPage();
  await page.goto(`${stack.queryUrl}/`);
  await page.fill("#project", "shop-kyiv");
  await page.fill("#login", TEST_OWNER_LOGIN);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("#go");
  await page.waitForSelector('#state[data-state="live"]', { timeout: 10_000 });
  const over = page.locator('tr[data-order-id="990101"] .sla-dot');
  await over.waitFor({ timeout: 10_000 });
  assert.match((await over.getAttribute("class")) ?? "", /\bsla-over\b/);
  const near = page.locator('tr[data-order-id="990102"] .sla-dot');
  assert.match((await near.getAttribute("class")) ?? "", /\bsla-near\b/);
  const chips = page.locator('tr[data-order-id="990102"] .chip');
  assert.deepEqual(await chips.evaluateAll((cs) => cs.map((c) => c.getAttribute("data-sla"))), [
    "over",
    "near",
  ]);
  await page.close();
});
