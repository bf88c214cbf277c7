/**
 * docker-compose.yml as data (no Docker engine needed): the query service gets no `ADMIN_TOKEN`
 * (it signs callers in with accounts), and a one-shot `owner` service creates the instance owner
 * with the compiled CLI — idempotently, after the migrations — with `ADMIN_TOKEN` as its API token.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { readCompose } from "./support/image-replay.js";

const text = readFileSync(join(import.meta.dirname, "../docker-compose.yml"), "utf8");
const vars: Record<string, string> = {
  POSTGRES_PASSWORD: "pg-password",
  NATS_INGEST_PASSWORD: "n1",
  NATS_PROJECTOR_PASSWORD: "n2",
  NATS_QUERY_PASSWORD: "n3",
  NATS_ANALYST_PASSWORD: "n4",
  NATS_MIGRATE_PASSWORD: "n5",
  SECRETS_KEY: "a2V5",
  ADMIN_TOKEN: "admin-token-0123456789",
  OWNER_PASSWORD: "owner-password-0123",
};

describe("docker-compose.yml", () => {
  test("given every required variable, when read, then query has no ADMIN_TOKEN and the owner service runs `user create --owner --api-token-env ADMIN_TOKEN --if-absent` with both secrets", () => {
    const services = readCompose(text, vars);
    const query = services.get("query");
    assert.ok(query);
    assert.equal(query.environment["ADMIN_TOKEN"], undefined, "query does not read ADMIN_TOKEN");
    const owner = services.get("owner");
    assert.ok(owner, "a one-shot owner service");
    assert.deepEqual(owner.command, [
      "node",
      "services/ingest/dist/cli.js",
      "user",
      "create",
      "--login",
      "owner",
      "--owner",
      "--password-env",
      "OWNER_PASSWORD",
      "--api-token-env",
      "ADMIN_TOKEN",
      "--if-absent",
    ]);
    assert.equal(owner.environment["OWNER_PASSWORD"], vars["OWNER_PASSWORD"]);
    assert.equal(owner.environment["ADMIN_TOKEN"], vars["ADMIN_TOKEN"]);
    assert.match(
      owner.environment["DATABASE_URL"] ?? "",
      /^postgres:\/\/pulse:pg-password@postgres:5432\/pulse$/,
    );
  });

  test("given the owner service, then it runs once per `up` after the migrations (restart no) and OWNER_LOGIN names the login", () => {
    const doc = parseYaml(text, { merge: true }) as {
      services: Record<string, { restart?: string; depends_on?: Record<string, { condition: string }> }>;
    };
    const owner = doc.services["owner"];
    assert.equal(owner?.restart, "no");
    assert.equal(owner?.depends_on?.["migrate"]?.condition, "service_completed_successfully");
    const named = readCompose(text, { ...vars, OWNER_LOGIN: "olga" }).get("owner");
    assert.equal(named?.command[5], "olga");
  });

  test("given no OWNER_PASSWORD, when read, then compose refuses with the variable's message", () => {
    const { OWNER_PASSWORD: _unset, ...rest } = vars;
    assert.throws(() => readCompose(text, rest), /OWNER_PASSWORD/);
  });
});
