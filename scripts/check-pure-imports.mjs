#!/usr/bin/env node
// Part of `pnpm lint`: proves that Biome's `noRestrictedImports` override (biome.json) fires in the
// pure packages. For packages/domain and packages/events it writes a probe module importing every
// restricted module (node: I/O modules, pg, kysely, nats, fastify, pino, undici, …), lints it and
// expects one error per import; then deletes the probe. Exit 1 when a restriction does not fire.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const biome = JSON.parse(readFileSync(join(root, "biome.json"), "utf8"));
const override = biome.overrides.find((o) => o.linter?.rules?.style?.noRestrictedImports);
const restricted = Object.keys(override?.linter.rules.style.noRestrictedImports.options.paths ?? {});
const MUST_COVER = [
  "node:fs",
  "node:net",
  "node:http",
  "pg",
  "kysely",
  "@nats-io/transport-node",
  "fastify",
  "pino",
  "undici",
];
const missing = MUST_COVER.filter((m) => !restricted.includes(m));
if (missing.length > 0) {
  console.error(`pure-imports: biome.json does not restrict ${missing.join(", ")}`);
  process.exit(1);
}

let failed = false;
for (const pkg of ["packages/domain/src", "packages/events/src"]) {
  const probe = join(root, pkg, "pure-imports.probe.ts");
  const body = restricted
    .map((m, i) => `import * as m${i} from "${m}";\nexport const x${i} = m${i};\n`)
    .join("");
  writeFileSync(probe, body);
  try {
    const res = spawnSync(
      process.execPath,
      [join(root, "node_modules/@biomejs/biome/bin/biome"), "lint", "--max-diagnostics=none", probe],
      { cwd: root, encoding: "utf8" },
    );
    const out = `${res.stdout}\n${res.stderr}`;
    const fired = (out.match(/lint\/style\/noRestrictedImports/g) ?? []).length;
    if (res.status === 0 || fired < restricted.length) {
      console.error(`pure-imports: ${pkg}: ${fired} of ${restricted.length} restricted imports reported`);
      failed = true;
    } else {
      console.log(`pure-imports: ${pkg}: all ${restricted.length} restricted imports reported`);
    }
  } finally {
    rmSync(probe, { force: true });
  }
}
process.exit(failed ? 1 : 0);
