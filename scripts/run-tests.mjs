#!/usr/bin/env node
// Runs the test tiers with Node's built-in test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|int|e2e ...] [--only path-substring]
// Tiers are named by file suffix (STYLE.md "Tests"): *.unit.test.ts, *.int.test.ts, *.e2e.test.ts.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyIdx = args.indexOf("--only");
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const tiers = args.filter((a, i) => !a.startsWith("--") && (onlyIdx < 0 || i !== onlyIdx + 1));
const wanted = tiers.length > 0 ? tiers : ["unit", "int", "e2e"];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/**
 * The browser tests, and the integration tests that ask the query app for `/`, drive the built
 * dashboard (services/query/web/dist): build it first when it is missing or older than its sources
 * (a fresh clone has no build). A failed build fails the run.
 */
function ensureDashboardBuilt() {
  const res = spawnSync(
    process.execPath,
    [join(root, "scripts/build.mjs"), "--dashboard-only", "--if-stale"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (res.status !== 0) {
    console.error("the dashboard build failed: the integration and browser tests cannot run");
    console.log("\ntests: 0 passed, 1 failed");
    process.exit(1);
  }
}

const all = [];
for (const top of ["packages", "services", "infra", "tests"]) walk(join(root, top), all);
let failed = false;
let passed = 0;
let failedCount = 0;
for (const tier of wanted) {
  const files = all
    .filter((f) => f.endsWith(`.${tier}.test.ts`))
    .filter((f) => !only || f.includes(only))
    .map((f) => relative(root, f))
    .sort();
  if (files.length === 0) continue;
  if (tier === "int" || tier === "e2e") ensureDashboardBuilt();
  console.log(`\n# tier ${tier}: ${files.length} files`);
  const concurrency = tier === "unit" ? "2" : "1";
  const res = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
    {
      cwd: root,
      stdio: ["inherit", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "test" },
      maxBuffer: 1 << 28,
    },
  );
  const out = res.stdout?.toString() ?? "";
  process.stdout.write(out);
  passed += Number(/^ℹ pass (\d+)$/m.exec(out)?.[1] ?? 0);
  failedCount += Number(/^ℹ fail (\d+)$/m.exec(out)?.[1] ?? 0);
  if (res.status !== 0) failed = true;
}
// One closing line over all tiers.
console.log(`\ntests: ${passed} passed, ${failedCount} failed`);
process.exit(failed ? 1 : 0);
