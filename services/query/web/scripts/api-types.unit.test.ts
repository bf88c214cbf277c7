import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { GENERATED_FILE, generatedApiTypes } from "./api-types.js";

test("given the query routes, when the dashboard's API types are generated from the OpenAPI document, then the committed file is the same", async () => {
  const expected = await generatedApiTypes();
  assert.match(expected, /"\/api\/orders": \{/, "the document has the order list");
  assert.equal(
    readFileSync(GENERATED_FILE, "utf8"),
    expected,
    "services/query/web/src/api/openapi.gen.ts is out of date: run `pnpm api:types`",
  );
});
