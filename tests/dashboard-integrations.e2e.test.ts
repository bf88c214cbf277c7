/**
 * The dashboard's Integrations page in headless Chromium (Debian `chromium`, playwright-core)
 * against the whole stack and a local Bot API server: webhook freshness after real deliveries, an
 * admin saves Telegram settings (the bot token is write-only: never shown, only its fingerprint),
 * sends a test message, a sale notice is delivered and counted; a viewer sees the counts but no
 * settings. Every wait is on what the page shows or on the servers' state, never on time.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { type SaleNotice, saleUpdatesSubject } from "@pulse/events";
import { waitFor } from "@pulse/infra/testing";
import { type FakeTelegram, startFakeTelegram } from "@pulse/ingest/testing";
import { seedMemberships, seedUser } from "@pulse/query/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { feed, loadDeliveries } from "./support/fixture-deliveries.js";
import { saveScreenshot } from "./support/screenshots.js";
import { fixturesDir, post, type Stack, startStack } from "./support/stack.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const PROJECT = "shop-kyiv";
const PASSWORD = "dashboard-integrations-password";
const BOT_TOKEN = "555000111:AAH-dashboard-bot-token-secret-xyz";
const CHAT = "-1009876543210";

let stack: Stack;
let browser: Browser;
let telegram: FakeTelegram;

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`headless Chromium is required at ${CHROMIUM} (apt-get install chromium)`);
  telegram = await startFakeTelegram([BOT_TOKEN]);
  stack = await startStack("e2eintegr", [PROJECT], {
    extraEnv: {
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_RETRY_MIN_DELAY_MS: "20",
      HEALTH_FLUSH_MS: "100",
    },
  });
  const deliveries = loadDeliveries(fixturesDir, new Set([PROJECT])).slice(0, 5);
  const statuses = await feed((d) => post(stack.ingestUrl, d), deliveries, 2);
  assert.deepEqual([...statuses.keys()], [200]);
  await stack.settled();
  const admin = await seedUser(stack.env.db, { login: "int-admin", password: PASSWORD });
  await seedMemberships(stack.env.db, admin, [PROJECT], "admin");
  const viewer = await seedUser(stack.env.db, { login: "int-viewer", password: PASSWORD });
  await seedMemberships(stack.env.db, viewer, [PROJECT], "viewer");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  const stream = stack?.env.streamName;
  if (stream)
    for (const bucket of ["PROJECTS", "POLLERS", "HEALTH", "NOTIFIED", "ITEMS", "CONTACTS"])
      await stack.env.nats.jsm.streams.delete(`KV_${stream}_${bucket}`).catch(() => undefined);
  await stack?.close();
  await telegram?.close();
});

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

test("given an admin on the Integrations page, when it saves the Telegram settings and sends a test, then the token is never shown, the chat gets the test, and a new sale is sent and counted", async () => {
  const page = await signedIn("int-admin");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/integrations`);
  await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor();
  // Webhook freshness from the deliveries fed above.
  await page.getByTestId("webhook-health").getByRole("rowheader", { name: "keycrm" }).waitFor();
  // No CRM token is configured for the project and nothing was called.
  assert.equal(await page.locator('[data-api="crm"] [data-col="reachable"]').innerText(), "not configured");
  assert.equal(await page.locator('[data-field="state"]').innerText(), "off (not configured)");

  const form = page.getByTestId("notification-settings");
  await form.locator('input[name="bot_token"]').fill(BOT_TOKEN);
  await form.locator('input[name="chat_id"]').fill(CHAT);
  await form.locator('textarea[name="template"]').fill("New sale {amount} — {team} — {campaign}");
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("settings-saved").waitFor();
  assert.match(
    await page.getByTestId("bot-token-state").innerText(),
    /A bot token is set \(fingerprint [0-9a-f]{12}\)/,
  );
  assert.equal(await form.locator('input[name="bot_token"]').inputValue(), "", "the token field is cleared");
  assert.ok(!(await page.content()).includes(BOT_TOKEN), "the page never holds the token");
  await page.locator('[data-field="state"]', { hasText: /^on$/ }).waitFor();

  await page.getByTestId("send-test").click();
  await page.getByTestId("test-sent").waitFor();
  const test1 = telegram.delivered().find((r) => r.text.startsWith("[test]"));
  assert.equal(test1?.chatId, CHAT);
  assert.equal(test1?.text, "[test] New sale 5 000 KZT — Test team — test");

  const notice: SaleNotice = {
    type: "sale_won",
    project_id: PROJECT,
    lead_id: 501,
    event_seq: 1,
    sold_at: new Date().toISOString(),
    amount: 490000,
    currency: "KZT",
    product: "Flagship course",
    pipeline_id: null,
    manager: null,
    client_name: "Client",
    team: "Arystan",
    client_phone: null,
    utm_source: "arystan",
    utm_campaign: "rm_almaty",
    utm_content: null,
  };
  await stack.env.nats.js.publish(
    saleUpdatesSubject({ root: stack.env.env["SUBJECT_ROOT"] as string }, PROJECT),
    JSON.stringify(notice),
    {
      msgID: "e2e-sale-501",
    },
  );
  await waitFor("Telegram to get the sale", async () =>
    telegram.delivered().some((r) => r.text === "New sale 490 000 KZT — Arystan — rm_almaty"),
  );
  await waitFor("the health to count it", async () => {
    const h = await stack.get<{ notifications: { sent: number } }>(
      `/api/integrations/health?project=${PROJECT}`,
    );
    return h.notifications.sent === 1;
  });
  await page.reload();
  await page.locator('[data-field="sent"]', { hasText: /^1$/ }).waitFor();
  assert.equal(await page.locator('[data-field="failed"]').innerText(), "0");
  await saveScreenshot(page, "integrations");
  await page.context().close();
});

test("given a viewer, when it opens the Integrations page, then it sees the counts but no settings form", async () => {
  const page = await signedIn("int-viewer");
  await page.goto(`${stack.queryUrl}/p/${PROJECT}/integrations`);
  await page.getByTestId("notification-stats").waitFor();
  assert.equal(await page.locator('[data-field="state"]').innerText(), "on");
  assert.equal(await page.getByTestId("notification-settings").count(), 0);
  assert.ok(!(await page.content()).includes(CHAT), "viewers do not see the chat id");
  await page.context().close();
});
