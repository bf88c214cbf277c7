/**
 * The dashboard's API types, derived from the query service's OpenAPI document:
 * `openApiDocument()` builds the fastify app in-process and returns what `GET /openapi.json`
 * answers; openapi-typescript turns it into `src/api/openapi.gen.ts` (`paths`, `components`).
 *
 * Usage (from the repo root): `pnpm api:types` writes the file; `pnpm api:types --check` exits 1
 * when the committed file differs from what the current routes give (a route schema changed and the
 * file was not regenerated). `--check` also runs as a unit test (`api-types.unit.test.ts`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "@pulse/query/openapi";
import openapiTS, { astToString } from "openapi-typescript";

/** Where the generated types live. */
export const GENERATED_FILE = fileURLToPath(new URL("../src/api/openapi.gen.ts", import.meta.url));

const HEADER =
  "// Generated from the query service's OpenAPI document by services/query/web/scripts/api-types.ts.\n" +
  "// Do not edit: run `pnpm api:types` after changing a route schema.\n";

/** The text of `openapi.gen.ts` for the current route schemas. */
export async function generatedApiTypes(): Promise<string> {
  const document = await openApiDocument();
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], {
    exportType: false,
    alphabetize: true,
  });
  return HEADER + astToString(ast);
}

/** True when the committed file equals what {@link generatedApiTypes} gives. */
export async function apiTypesUpToDate(): Promise<boolean> {
  let current = "";
  try {
    current = readFileSync(GENERATED_FILE, "utf8");
  } catch {
    return false;
  }
  return current === (await generatedApiTypes());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    if (!(await apiTypesUpToDate())) {
      console.error(`${GENERATED_FILE} is out of date: run \`pnpm api:types\``);
      process.exit(1);
    }
    console.log("api types: up to date");
  } else {
    writeFileSync(GENERATED_FILE, await generatedApiTypes());
    console.log(`api types: wrote ${GENERATED_FILE}`);
  }
}
