#!/usr/bin/env node
// `pnpm build`: compiles every workspace package's `src/` to `dist/` (one JavaScript module per
// TypeScript module, ESM, Node 20, source maps) with esbuild, and copies the non-TypeScript files
// the code reads at run time (`page.html`, …). Test files (`*.test.ts`) are left out. Types are
// checked by `pnpm typecheck`, not here. The compiled packages are selected with the `pulse-dist`
// export condition (`node --conditions=pulse-dist …`; the image sets it in NODE_OPTIONS); without it
// the same exports resolve to the TypeScript sources, which tsx runs in development and tests.
// Usage: node scripts/build.mjs [repo root]
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(process.argv[2] ?? new URL("..", import.meta.url).pathname);
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
