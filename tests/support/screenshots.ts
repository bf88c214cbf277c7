import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** Where `pnpm screenshots` saves the dashboard's pages (the README shows them). */
export const SCREENSHOT_DIR = join(import.meta.dirname, "..", "..", "docs", "screenshots");

/**
 * Saves a full-page screenshot of `page` as `docs/screenshots/{name}.png` when `SCREENSHOTS=1`
 * (`pnpm screenshots`); does nothing otherwise, so the browser tests stay free of file writes.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env["SCREENSHOTS"] !== "1") return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
