/**
 * The live page in headless Chromium (Debian `chromium`, driven by playwright-core): a new order
 * appears in the browser after its webhook was answered, and a later status updates its row. The
 * test waits on what the page shows; how long that took is reported, not asserted (latency is a
 * bench's question: this test must pass on a busy machine too).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
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
  await page.fill("#token", ADMIN_TOKEN);
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
