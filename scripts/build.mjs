#!/usr/bin/env node
// `pnpm build`: compiles every workspace package's `src/` to `dist/` (one JavaScript module per
// TypeScript module, ESM, Node 20, source maps) with esbuild, and copies the non-TypeScript files
// the code reads at run time (SQL, JSON, …). Test files (`*.test.ts`) are left out. Types are
// checked by `pnpm typecheck`, not here. The compiled packages are selected with the `pulse-dist`
// export condition (`node --conditions=pulse-dist …`; the image sets it in NODE_OPTIONS); without it
// the same exports resolve to the TypeScript sources, which tsx runs in development and tests.
// Then the dashboard (services/query/web, React + Vite): its API types are regenerated from the
// query service's OpenAPI document (made in-process) and Vite builds it to services/query/web/dist,
// which the query service serves at `/`.
// Usage: node scripts/build.mjs [repo root] [--dashboard-only [--if-stale]]
// (`--if-stale`: build the dashboard only when web/dist is missing or older than its sources; the
// test runner and `pnpm start` use it.)
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const args = process.argv.slice(2);
const dashboardOnly = args.includes("--dashboard-only");
const ifStale = args.includes("--if-stale");
const root = resolve(args.find((a) => !a.startsWith("--")) ?? new URL("..", import.meta.url).pathname);
/** The dashboard's workspace package (`@pulse/dashboard`). */
const DASHBOARD = "services/query/web";
/** The packages compiled, in no particular order (each is compiled on its own; imports stay imports). */
const PACKAGES = [
  "packages/events",
  "packages/domain",
  "infra",
  "services/ingest",
  "services/projector",
  "services/query",
  "services/analyst",
];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Runs `node …args` in `cwd`, failing the build when it fails. */
function node(cwd, ...nodeArgs) {
  const res = spawnSync(process.execPath, nodeArgs, { cwd, stdio: "inherit" });
  if (res.status !== 0) {
    console.error(`build: \`node ${nodeArgs.join(" ")}\` failed in ${cwd}`);
    process.exit(res.status ?? 1);
  }
}

/**
 * The dashboard: API types from the OpenAPI document (full build only: `--dashboard-only`, which the
 * test runner uses, leaves the committed file alone), then `vite build` → `web/dist`.
 */
function buildDashboard({ apiTypes }) {
  const web = join(root, DASHBOARD);
  const started = Date.now();
  if (apiTypes) node(web, "--import", "tsx", "scripts/api-types.ts");
  const vite = join(
    dirname(createRequire(join(web, "package.json")).resolve("vite/package.json")),
    "bin/vite.js",
  );
  node(web, vite, "build", "--logLevel", "warn");
  console.log(`build: dashboard in ${Date.now() - started} ms (${join(DASHBOARD, "dist")})`);
}

/** Newest modification time (ms) of the files under `path`, node_modules and dist left out; 0 if absent. */
function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) {
    if (name !== "node_modules" && name !== "dist") max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

if (dashboardOnly) {
  const web = join(root, DASHBOARD);
  const built = newest(join(web, "dist/index.html"));
  if (ifStale && built > 0 && built >= newest(web)) {
    console.log("build: dashboard is up to date");
    process.exit(0);
  }
  buildDashboard({ apiTypes: false });
  process.exit(0);
}

const started = Date.now();
let modules = 0;
for (const pkg of PACKAGES) {
  const src = join(root, pkg, "src");
  const dist = join(root, pkg, "dist");
  rmSync(dist, { recursive: true, force: true });
  const files = walk(src, []).filter((f) => !/\.test\.ts$/.test(f));
  const entries = files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  await build({
    entryPoints: entries,
    outdir: dist,
    outbase: src,
    bundle: false,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: true,
    // The compiler settings of the sources (verbatimModuleSyntax, target…): a missing file fails.
    tsconfig: join(root, "tsconfig.json"),
    logLevel: "warning",
  });
  modules += entries.length;
  for (const f of files.filter((f) => !f.endsWith(".ts"))) {
    const out = join(dist, relative(src, f));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(f, out);
  }
}
console.log(`build: ${modules} modules in ${PACKAGES.length} packages, ${Date.now() - started} ms`);
buildDashboard({ apiTypes: true });
