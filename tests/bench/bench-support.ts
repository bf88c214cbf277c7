import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The shared fixture corpus (`FIXTURES_DIR`, default `../shared/fixtures` beside the checkout). */
export const fixturesDir = resolve(process.env["FIXTURES_DIR"] ?? join(repoRoot, "../shared/fixtures"));

/** Prints a titled three-column table of figures. */
export function printTable(title: string, rows: string[][]): void {
  const widths = [0, 0, 0];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  console.log(`\n${title}`);
  console.log("─".repeat(widths.reduce((a, b) => a + b + 3, 0)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" │ "));
}
