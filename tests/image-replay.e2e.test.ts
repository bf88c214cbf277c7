/**
 * The Docker image, replayed without Docker (README "Deploy"): the Dockerfile's stages are laid out
 * in a fresh temporary directory with exactly the files its COPY instructions name (a missing COPY
 * fails the install or the build), its RUN steps run there (`pnpm install` with the local store,
 * `--prefer-offline`; the global pnpm install is the machine's pnpm), and the services then run from
 * the runtime stage — compiled JavaScript, production dependencies only, the image's ENV — with the
 * `command`s, environments and healthchecks of docker-compose.yml, against a private nats-server
 * started with the deployment's config (infra/nats/nats.conf: a user per service with its
 * permissions) and a fresh database on the local PostgreSQL.
 *
 * Smoke test: `migrate` completes; a KeyCRM project is registered with the compiled CLI; ingest and
 * query pass their compose healthchecks; a KeyCRM webhook from the fixtures is accepted; its order is
 * listed by `/api/orders` and an `order_updated` notice arrives on the SSE stream; a replay with the
 * compiled projector (decode worker thread) rebuilds the read models with the order.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { dropDatabase } from "@pulse/infra";
import { freePort, waitFor } from "@pulse/infra/testing";
import {
  type ComposeService,
  parseDockerfile,
  readCompose,
  replayDockerfile,
  run,
  type StageState,
} from "./support/image-replay.js";
import { fixturesDir } from "./support/stack.js";

const repo = new URL("..", import.meta.url).pathname;
const PROJECT = "shop-lviv";
// As .env.example generates them: nats-server reads an environment value as a config value, so a
// password must start with a letter (a leading digit would make it a number).
const secret = () => `p${randomBytes(12).toString("hex")}`;

/** A long-running child with its output kept for failure messages. */
interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(name: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, child, output: () => out, exited };
}

describe("the Docker image, replayed without Docker", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pulse-image-"));
  const dbName = `image_replay_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  const passwords = {
    NATS_INGEST_PASSWORD: secret(),
    NATS_PROJECTOR_PASSWORD: secret(),
    NATS_QUERY_PASSWORD: secret(),
    NATS_ANALYST_PASSWORD: secret(),
    NATS_MIGRATE_PASSWORD: secret(),
  };
  const adminToken = secret();
  const webhookSecret = secret();
  const procs: Proc[] = [];
  let nats: Proc | null = null;
  let natsPort = 0;
  let runtime: StageState;
  let compose: Map<string, ComposeService>;
  const ports: Record<string, number> = {};

  /** The container environment of compose service `name`, pointed at this machine's servers. */
  function envOf(name: string): NodeJS.ProcessEnv {
    const svc = compose.get(name);
    assert.ok(svc, `compose has no service ${name}`);
    const env: Record<string, string> = { PATH: process.env["PATH"] ?? "", HOME: tmp, ...runtime.env };
    for (const [k, v] of Object.entries(svc.environment)) env[k] = v;
    assert.match(env["NATS_URL"] ?? "", /@nats:4222$/, `${name}: NATS_URL with credentials`);
    env["NATS_URL"] = env["NATS_URL"]!.replace("@nats:4222", `@127.0.0.1:${natsPort}`);
    env["DATABASE_URL"] = databaseUrl;
    if (ports[name]) {
      env["PORT"] = String(ports[name]);
      if (env["PROJECTOR_HTTP_PORT"]) env["PROJECTOR_HTTP_PORT"] = String(ports[name]);
    }
    // Test-only: no CRM API calls (the registered project's API is unreachable), quieter logs.
    Object.assign(env, {
      LOG_LEVEL: "warn",
      DICTIONARY_SYNC_ON_START: "false",
      DICTIONARY_REFRESH_INTERVAL_MINUTES: "0",
      ITEMS_WORKER_ENABLED: "false",
      CONTACTS_WORKER_ENABLED: "false",
      AMOCRM_CATCHUP_INTERVAL_SECONDS: "0",
      RADIST_POLL_INTERVAL_SECONDS: "0",
    });
    return env;
  }

  /** The compose command of `name` (its `node` is this machine's node). */
  function commandOf(name: string): [string, string[]] {
    const [cmd, ...args] = compose.get(name)?.command ?? [];
    assert.equal(cmd, "node", `${name}: command runs node`);
    return [process.execPath, args];
  }

  const appDir = () => join(runtime.root, runtime.workdir);

  /** Runs compose service `name`'s healthcheck (its URL's port mapped to this run's port). */
  async function healthy(name: string): Promise<boolean> {
    const check = compose.get(name)?.healthcheck;
    assert.ok(check && check[0] === "node", `${name}: a node healthcheck`);
    const args = check
      .slice(1)
      .map((a) => (ports[name] ? a.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${ports[name]}`) : a));
    const res = spawnSync(process.execPath, args, { cwd: appDir(), env: envOf(name), encoding: "utf8" });
    return res.status === 0;
  }

  before(async () => {
    const stages = parseDockerfile(readFileSync(join(repo, "Dockerfile"), "utf8"));
    const pnpmMajor = spawnSync("pnpm", ["--version"], { encoding: "utf8" }).stdout.trim().split(".")[0];
    const states = await replayDockerfile(stages, {
      context: repo,
      outDir: join(tmp, "stages"),
      env: { CI: "true", NODE_OPTIONS: "" },
      rewriteRun(command) {
        const tool = /^npm install -g pnpm@(\d+)\S*$/.exec(command);
        if (tool) {
          assert.equal(pnpmMajor, tool[1], "the machine's pnpm has the image's major version");
          return null;
        }
        return command.startsWith("pnpm install ") ? `${command} --prefer-offline` : command;
      },
    });
    runtime = [...states.values()].at(-1)!;
    assert.equal(runtime.name, "runtime");

    const env: Record<string, string> = {
      ...passwords,
      ADMIN_TOKEN: adminToken,
      OWNER_PASSWORD: "owner-password-of-the-image",
      POSTGRES_PASSWORD: "unused",
      SECRETS_KEY: randomBytes(32).toString("base64"),
    };
    compose = readCompose(readFileSync(join(repo, "docker-compose.yml"), "utf8"), env);

    natsPort = await freePort();
    mkdirSync(join(tmp, "nats"));
    nats = start(
      "nats",
      "nats-server",
      [
        "-c",
        join(repo, "infra/nats/nats.conf"),
        "-a",
        "127.0.0.1",
        "-p",
        String(natsPort),
        "-sd",
        join(tmp, "nats"),
      ],
      tmp,
      { PATH: `${process.env["PATH"]}:/usr/sbin`, ...passwords },
    );
    await waitFor(
      "the private nats-server to listen",
      async () => {
        if (nats?.child.exitCode !== null) throw new Error(`nats-server exited:\n${nats?.output()}`);
        return nats.output().includes("Server is ready");
      },
      30_000,
    );
    ports["ingest"] = await freePort();
    ports["query"] = await freePort();
    ports["projector"] = await freePort();
  });

  after(async () => {
    for (const p of [...procs, ...(nats ? [nats] : [])]) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
      const timer = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
      await p.exited;
      clearTimeout(timer);
    }
    await dropDatabase(databaseUrl).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  });

  test("the runtime stage holds compiled JavaScript and production dependencies only", () => {
    const app = appDir();
    for (const dir of [
      "services/ingest",
      "services/projector",
      "services/query",
      "services/analyst",
      "infra",
    ]) {
      assert.ok(existsSync(join(app, dir, "dist")), `${dir}/dist`);
      assert.ok(!existsSync(join(app, dir, "src")), `${dir}/src is not in the image`);
    }
    assert.ok(existsSync(join(app, "services/query/web/dist/index.html")), "the built dashboard");
    assert.ok(
      !existsSync(join(app, "services/query/web/src")),
      "the dashboard's sources are not in the image",
    );
    assert.ok(existsSync(join(app, "services/query/node_modules/fastify")), "query's dependencies");
    // Development dependencies are absent: root tools, a service's devDependencies.
    for (const dev of [
      "node_modules/tsx",
      "node_modules/typescript",
      "node_modules/esbuild",
      "services/query/node_modules/csv-parse",
    ]) {
      assert.ok(!existsSync(join(app, dev)), `${dev} is not in the image`);
    }
    assert.equal(runtime.env["NODE_ENV"], "production");
    assert.ok(runtime.user && runtime.user !== "root", "runs as a non-root user");
  });

  test("migrate, CLI, webhook in, order out of /api/orders and an SSE order_updated notice", async () => {
    // migrate: once, to completion; a second run changes nothing and succeeds too.
    for (let i = 0; i < 2; i++) {
      const [node, args] = commandOf("migrate");
      await run(node, args, appDir(), envOf("migrate"));
    }

    // Register the project with the compiled CLI (as ingest: its NATS user) and import its statuses.
    const cli = [join("services/ingest/dist/cli.js")];
    const ingestEnv = envOf("ingest");
    await run(
      process.execPath,
      [
        ...cli,
        "project",
        "register",
        "--id",
        PROJECT,
        "--name",
        "Shop Lviv",
        "--kind",
        "keycrm",
        "--time-zone",
        "Europe/Kyiv",
        "--webhook-secret-env",
        "PROJECT_WEBHOOK_SECRET",
        "--base-url",
        "http://127.0.0.1:9/unused",
      ],
      appDir(),
      { ...ingestEnv, PROJECT_WEBHOOK_SECRET: webhookSecret },
    );
    await run(
      process.execPath,
      [
        ...cli,
        "dictionary",
        "import",
        "--project",
        PROJECT,
        "--file",
        join(fixturesDir, `keycrm/${PROJECT}/statuses.json`),
      ],
      appDir(),
      ingestEnv,
    );

    // The first account, by compose's one-shot `owner` service (the compiled CLI): the owner, whose
    // API token is ADMIN_TOKEN. A second run (the next `up`) changes nothing and succeeds.
    for (let i = 0; i < 2; i++) {
      const [node, args] = commandOf("owner");
      await run(node, args, appDir(), envOf("owner"));
    }

    for (const name of ["ingest", "projector", "query", "analyst"]) {
      const [node, args] = commandOf(name);
      procs.push(start(name, node, args, appDir(), envOf(name)));
    }
    const alive = () => {
      for (const p of procs) {
        if (p.child.exitCode !== null)
          throw new Error(`${p.name} exited ${p.child.exitCode}:\n${p.output()}`);
      }
    };
    for (const name of ["ingest", "query"]) {
      await waitFor(
        `${name} to pass its compose healthcheck`,
        async () => {
          alive();
          return await healthy(name);
        },
        90_000,
      );
    }

    const queryUrl = `http://127.0.0.1:${ports["query"]}`;
    const auth = { authorization: `Bearer ${adminToken}` };
    const sse = await fetch(`${queryUrl}/api/stream/orders?project=${PROJECT}`, { headers: auth });
    assert.equal(sse.status, 200);
    let sseText = "";
    const reader = sse.body!.getReader();
    const notice = (async () => {
      const decoder = new TextDecoder();
      while (!/^event: order_updated$/m.test(sseText)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`SSE stream ended:\n${sseText}`);
        sseText += decoder.decode(value, { stream: true });
      }
    })();

    const line = readFileSync(join(fixturesDir, "keycrm/webhooks.jsonl"), "utf8")
      .split("\n")
      .find((l) => l.includes(`"project":"${PROJECT}"`));
    assert.ok(line, "a KeyCRM fixture delivery of the project");
    const delivery = JSON.parse(line) as { body: { context: { id: number } } };
    const res = await fetch(
      `http://127.0.0.1:${ports["ingest"]}/webhooks/keycrm/${PROJECT}?secret=${webhookSecret}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(delivery.body),
      },
    );
    assert.ok(res.status >= 200 && res.status < 300, `webhook answered ${res.status}: ${await res.text()}`);

    const orderId = String(delivery.body.context.id);
    const orders = await waitFor(
      "the order in /api/orders",
      async () => {
        alive();
        const r = await fetch(`${queryUrl}/api/orders?project=${PROJECT}`, { headers: auth });
        if (!r.ok) return null;
        const body = (await r.json()) as { items: Record<string, unknown>[] };
        return body.items.some((o) => Object.values(o).map(String).includes(orderId)) ? body : null;
      },
      90_000,
    );
    assert.ok(orders.items.length >= 1);
    await waitFor(
      "an order_updated notice on the SSE stream",
      async () => {
        alive();
        return await Promise.race([
          notice.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 500)),
        ]);
      },
      90_000,
    );
    assert.ok(sseText.includes(orderId), `the notice names order ${orderId}:\n${sseText}`);
    await reader.cancel();

    // A replay from the compiled projector (its decode worker thread included), as the projector's
    // NATS user, rebuilds the read models with the order in them.
    const replayOut = await run(
      process.execPath,
      ["services/projector/dist/replay/replay.main.js"],
      appDir(),
      envOf("projector"),
    );
    const replayed = /replay done: (\d+) events/.exec(replayOut);
    assert.ok(replayed && Number(replayed[1]) >= 1, `the replay read the events:\n${replayOut}`);
    const after = await fetch(`${queryUrl}/api/orders?project=${PROJECT}`, { headers: auth });
    const afterBody = (await after.json()) as { items: Record<string, unknown>[] };
    assert.ok(afterBody.items.some((o) => Object.values(o).map(String).includes(orderId)));
  });
});
