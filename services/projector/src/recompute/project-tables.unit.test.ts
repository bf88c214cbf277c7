import assert from "node:assert/strict";
import { test } from "node:test";
import { READ_MODEL_TABLES } from "@pulse/infra";
import { PROJECT_SCOPED_TABLES, writtenColumns } from "./project-tables.js";

test("given the read-model tables, when the project-scoped ones are derived, then every table but the checkpoints and dead letters is replaced per project", () => {
  const global = READ_MODEL_TABLES.filter((t) => !(PROJECT_SCOPED_TABLES as readonly string[]).includes(t));
  assert.deepEqual([...global].sort(), ["checkpoints", "dead_letters"]);
  assert.equal(PROJECT_SCOPED_TABLES.length, READ_MODEL_TABLES.length - 2);
  for (const table of PROJECT_SCOPED_TABLES) assert.equal(writtenColumns(table)[0], "project_id", table);
});
