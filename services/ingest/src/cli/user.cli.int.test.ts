import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { buildQueryApp, QueryConfig, sha256Hex } from "@pulse/query";
import { buildCli, type WithUserContext } from "../cli.js";
import { CliError } from "./cli.commands.js";
import { userCreateCommand } from "./user.commands.js";

const PASSWORD = "owner-password-of-olga";
const ADMIN_TOKEN = "bootstrap-admin-token-0123456789";

let env: TestEnv;
let dir: string;

/** Runs the CLI's commander program on `argv` against the test database, collecting its lines. */
async function cli(argv: string[], vars: Record<string, string>) {
  const out: string[] = [];
  const withUsers: WithUserContext = async (run) =>
    await run({ db: env.db, env: vars, out: (line) => out.push(`${line}\n`) });
  const program = buildCli(async () => {
    throw new Error("not used");
  }, withUsers);
  try {
    await program.parseAsync(argv, { from: "user" });
    return { code: 0, out: out.join(""), err: "" };
  } catch (error) {
    return { code: 1, out: out.join(""), err: (error as Error).message };
  }
}

before(async () => {
  env = await createTestEnv("clioowner");
  dir = await mkdtemp(join(tmpdir(), "pulse-cli-user-"));
  await writeFile(join(dir, "password"), `${PASSWORD}\n`);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
  await env.close();
});

describe("CLI: user create", () => {
  test("given --owner, a password file and --api-token-env ADMIN_TOKEN, when run, then the owner exists with a hashed password and token, and nothing secret is printed", async () => {
    const r = await cli(
      [
        "user",
        "create",
        "--owner",
        "--login",
        "olga",
        "--display-name",
        "Olga Owner",
        "--password-file",
        join(dir, "password"),
        "--api-token-env",
        "ADMIN_TOKEN",
      ],
      { ADMIN_TOKEN },
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^owner created: olga \(id [0-9A-Z]{26}\), API token from ADMIN_TOKEN\n$/);
    assert.ok(!r.out.includes(PASSWORD) && !r.out.includes(ADMIN_TOKEN));
    const user = await env.db
      .selectFrom("auth.users")
      .selectAll()
      .where("login", "=", "olga")
      .executeTakeFirstOrThrow();
    assert.equal(user.is_owner, true);
    assert.equal(user.display_name, "Olga Owner");
    assert.match(user.password_hash, /^\$argon2id\$/);
    const token = await env.db.selectFrom("auth.api_tokens").selectAll().executeTakeFirstOrThrow();
    assert.equal(token.token_hash, sha256Hex(ADMIN_TOKEN));
    assert.deepEqual(token.projects, ["*"]);
    const audit = await env.db.selectFrom("auth.audit").select(["actor", "entity"]).execute();
    assert.deepEqual(audit.map((a) => `${a.actor}:${a.entity}`).sort(), ["cli:api_token", "cli:user"]);

    // The query API: the owner signs in with the password and the bootstrap token works.
    const app = await buildQueryApp({
      db: env.db,
      nats: env.nats,
      config: QueryConfig.parse(env.env),
      logger: createLogger("query-test", "silent"),
      clock: () => new Date(),
    });
    try {
      const login = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { login: "OLGA", password: PASSWORD },
      });
      assert.equal(login.statusCode, 200);
      assert.equal(login.json().user.is_owner, true);
      const users = await app.inject({
        url: "/api/users",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      assert.equal(users.statusCode, 200);
      assert.deepEqual(
        users.json().map((u: { login: string }) => u.login),
        ["olga"],
      );
    } finally {
      await app.close();
    }
  });

  test("given a login that exists or a short password, when run, then exit 1 with the reason and no new user", async () => {
    const again = await cli(["user", "create", "--login", "Olga", "--password-env", "PW"], {
      PW: "another-password-1",
    });
    assert.equal(again.code, 1);
    assert.match(again.err, /exists already/);
    const short = await cli(["user", "create", "--login", "sam", "--password-env", "PW"], { PW: "short" });
    assert.equal(short.code, 1);
    assert.match(short.err, /10 to 1024 characters/);
    assert.doesNotMatch(short.err, /short"/);
    const n = await env.db.selectFrom("auth.users").select("id").execute();
    assert.equal(n.length, 1);
  });

  test("given --if-absent and a login that exists, when run again (a bootstrap on every start), then exit 0, nothing changes and nothing secret is printed", async () => {
    const before = await env.db.selectFrom("auth.users").selectAll().execute();
    const again = await cli(
      [
        "user",
        "create",
        "--login",
        "olga",
        "--owner",
        "--password-env",
        "PW",
        "--api-token-env",
        "ADMIN_TOKEN",
        "--if-absent",
      ],
      { PW: "yet-another-password-1", ADMIN_TOKEN: "another-admin-token-0123456789" },
    );
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^user exists: olga \(id [0-9A-Z]{26}\); nothing changed\n$/);
    assert.deepEqual(await env.db.selectFrom("auth.users").selectAll().execute(), before);
  });

  test("given no password option, when the prompt gets two different answers, then it refuses", async () => {
    const answers = ["first-password-123", "other-password-123"];
    await assert.rejects(
      userCreateCommand(
        { db: env.db, env: {}, out: () => undefined, readPassword: async () => answers.shift() ?? "" },
        { login: "pia", member: ["alpha:viewer"] },
      ),
      (e: unknown) => e instanceof CliError && /differ/.test(e.message),
    );
  });

  test("given --member pairs, when run, then the user has those project roles", async () => {
    const out: string[] = [];
    const id = await userCreateCommand(
      { db: env.db, env: { PW: "viewer-password-123" }, out: (l) => out.push(l) },
      { login: "vic", passwordEnv: "PW", member: ["alpha:viewer", "bravo:admin"] },
    );
    const rows = await env.db
      .selectFrom("auth.memberships")
      .select(["project_id", "role"])
      .where("user_id", "=", id)
      .orderBy("project_id")
      .execute();
    assert.deepEqual(rows, [
      { project_id: "alpha", role: "viewer" },
      { project_id: "bravo", role: "admin" },
    ]);
    assert.deepEqual(out, [`user created: vic (id ${id})`]);
    await assert.rejects(
      userCreateCommand(
        { db: env.db, env: { PW: "x-password-123" }, out: () => undefined },
        {
          login: "wes",
          passwordEnv: "PW",
          member: ["alpha:owner"],
        },
      ),
      /invalid --member/,
    );
  });
});
