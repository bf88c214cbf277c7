import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodeEvent } from "@pulse/events";
import { runCli } from "../cli.js";
import { openProjectsBucket, readProjects, sha256Hex } from "../projects/project-registry.js";
import { defaultFixturesDir, type FixtureCrm, startFixtureCrm } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import {
  type CliContext,
  CliError,
  dictionaryImportCommand,
  dictionarySyncCommand,
  projectListCommand,
  projectRegisterCommand,
} from "./cli.commands.js";

const fixtures = defaultFixturesDir();
const SECRET = "whs-demo-secret-0001";
const TOKEN = "crm-demo-token-0001";
let t: IngestTestEnv;
let crm: FixtureCrm;
let out: string[];
let ctx: CliContext;

before(async () => {
  t = await createIngestTestEnv("ingestcli", {
    CRM_MIN_REQUEST_INTERVAL_MS: "50",
    DICTIONARY_SYNC_ON_START: "false",
  });
  crm = await startFixtureCrm({ fixturesDir: fixtures });
  out = [];
  ctx = {
    nats: t.env.nats,
    config: t.config,
    logger: t.logger,
    env: { DEMO_SECRET: SECRET, DEMO_TOKEN: TOKEN },
    out: (line) => out.push(line),
  };
});

after(async () => {
  await crm?.close();
  await t?.close();
});

describe("CLI: project register / list", () => {
  test("given secrets from the environment, when a KeyCRM project is registered, then KV holds the digest and the token, the stream a project.registered with fingerprints only", async () => {
    const before = await t.eventCount();
    const record = await projectRegisterCommand(ctx, {
      id: "shop-kyiv",
      name: "Kyiv shop",
      kind: "keycrm",
      timeZone: "Europe/Kyiv",
      webhookSecretEnv: "DEMO_SECRET",
      baseUrl: `${crm.url}/shop-kyiv`,
      tokenEnv: "DEMO_TOKEN",
    });
    assert.equal(record.webhook_secret_sha256, sha256Hex(SECRET));
    const { projects } = await readProjects(await openProjectsBucket(t.env.nats.js, t.env.streamName));
    assert.deepEqual(
      projects.map((p) => [p.project_id, p.kind, p.time_zone, p.active, p.api_token]),
      [["shop-kyiv", "keycrm", "Europe/Kyiv", true, TOKEN]],
    );
    assert.equal(await t.eventCount(), before + 1);
    const msg = await t.eventAt(before + 1);
    assert.equal(msg.subject, `${t.env.subjectRoot}.events.shop-kyiv.project.shop-kyiv`);
    const text = new TextDecoder().decode(msg.data);
    assert.doesNotMatch(text, new RegExp(SECRET));
    assert.doesNotMatch(text, new RegExp(TOKEN));
    const decoded = decodeEvent(msg.data);
    assert.ok(decoded.ok && decoded.event.type === "project.registered");
    assert.equal(decoded.event.data.webhook_secret_fingerprint, sha256Hex(SECRET).slice(0, 12));
    assert.equal(decoded.event.data.token_fingerprint, sha256Hex(TOKEN).slice(0, 12));
  });

  test("given an amoCRM project with defaults, when registered, then UTC and no token; registering it again unchanged is a duplicate", async () => {
    const opts = {
      id: "demoacademy",
      name: "Demo",
      kind: "amocrm",
      webhookSecret: SECRET,
      baseUrl: `${crm.url}/demoacademy`,
      token: TOKEN,
    };
    const record = await projectRegisterCommand(ctx, opts);
    assert.equal(record.time_zone, "UTC");
    const before = await t.eventCount();
    await projectRegisterCommand(ctx, opts);
    assert.equal(await t.eventCount(), before);
    assert.match(out.at(-1) ?? "", /\(unchanged\)$/);
  });

  test("given registered projects, when listed, then fingerprints are printed and no secret or token", async () => {
    out.length = 0;
    const listing = await projectListCommand(ctx);
    assert.deepEqual(
      listing.map((l) => l.project_id),
      ["demoacademy", "shop-kyiv"],
    );
    assert.equal(out.length, 3);
    for (const line of out) {
      assert.doesNotMatch(line, new RegExp(SECRET));
      assert.doesNotMatch(line, new RegExp(TOKEN));
    }
    assert.match(
      out[2] ?? "",
      new RegExp(`^shop-kyiv\\tkeycrm\\tyes\\tEurope/Kyiv\\t.*\\t${sha256Hex(SECRET).slice(0, 12)}…`),
    );
  });

  test("given --phone-region, when registered and re-registered without it, then the region is stored and kept; an unknown one is refused", async () => {
    const opts = { id: "shop-ua", name: "UA", kind: "keycrm", webhookSecretEnv: "DEMO_SECRET" };
    assert.equal((await projectRegisterCommand(ctx, { ...opts, phoneRegion: "UA" })).phone_region, "UA");
    assert.equal((await projectRegisterCommand(ctx, opts)).phone_region, "UA");
    await assert.rejects(
      projectRegisterCommand(ctx, { ...opts, phoneRegion: "XX" }),
      /invalid --phone-region/,
    );
    await assert.rejects(
      projectRegisterCommand(ctx, { ...opts, phoneRegion: "kz" }),
      /invalid --phone-region/,
    );
    const listing = (await projectListCommand(ctx)).find((l) => l.project_id === "shop-ua");
    assert.equal(listing?.phone_region, "UA");
    assert.equal(listing?.radist, null);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["an invalid id", { id: "Shop Kyiv" }, /invalid --id/],
    ["an unknown kind", { kind: "bitrix" }, /invalid --kind/],
    ["an unknown time zone", { timeZone: "Mars/Base" }, /invalid --time-zone/],
    ["no secret", { webhookSecretEnv: undefined, webhookSecret: undefined }, /webhook secret is required/],
    ["an unset secret variable", { webhookSecretEnv: "NOPE" }, /NOPE/],
    ["a short secret", { webhookSecretEnv: undefined, webhookSecret: "short" }, /at least 8/],
    ["a bad base URL", { baseUrl: "ftp://x" }, /invalid --base-url/],
  ];
  for (const [what, override, message] of bad) {
    test(`given ${what}, when registering, then a CliError explains it`, async () => {
      await assert.rejects(
        projectRegisterCommand(ctx, {
          id: "x1",
          name: "X",
          kind: "keycrm",
          webhookSecretEnv: "DEMO_SECRET",
          ...override,
        } as never),
        (e: unknown) => e instanceof CliError && message.test(e.message),
      );
    });
  }
});

describe("CLI: dictionary import / sync", () => {
  test("given statuses.json, when imported, then one dictionary event; importing it again is a duplicate", async () => {
    const before = await t.eventCount();
    const r = await dictionaryImportCommand(ctx, {
      project: "shop-kyiv",
      file: join(fixtures, "keycrm/shop-kyiv/statuses.json"),
    });
    assert.equal(r.statuses, 18);
    assert.equal(r.duplicate, false);
    const again = await dictionaryImportCommand(ctx, {
      project: "shop-kyiv",
      file: join(fixtures, "keycrm/shop-kyiv/statuses.json"),
    });
    assert.equal(again.duplicate, true);
    assert.equal(await t.eventCount(), before + 1);
  });

  test("given the KeyCRM API serving the same statuses, when synced, then the event has the imported file's dedup key (a duplicate)", async () => {
    crm.setKeycrmStatuses("shop-kyiv", "initial");
    const imported = await dictionaryImportCommand(ctx, {
      project: "shop-kyiv",
      file: join(fixtures, "keycrm/shop-kyiv/statuses.json"),
    });
    const synced = await dictionarySyncCommand(ctx, { project: "shop-kyiv" });
    assert.equal(synced.dedupKey, imported.dedupKey);
    assert.equal(synced.duplicate, true);
  });

  test("given amoCRM pipelines, when imported, then 20 stages; a KeyCRM file for it is refused", async () => {
    const r = await dictionaryImportCommand(ctx, {
      project: "demoacademy",
      file: join(fixtures, "amocrm/pipelines.json"),
    });
    assert.equal(r.statuses, 20);
    await assert.rejects(
      dictionaryImportCommand(ctx, {
        project: "demoacademy",
        file: join(fixtures, "keycrm/shop-kyiv/statuses.json"),
      }),
      (e: unknown) =>
        e instanceof CliError && /of kind keycrm, but project demoacademy is amocrm/.test(e.message),
    );
  });

  test("given an unknown project, a missing file or a non-dictionary file, when imported, then CliError", async () => {
    const file = join(fixtures, "keycrm/shop-kyiv/statuses.json");
    await assert.rejects(
      dictionaryImportCommand(ctx, { project: "nobody", file }),
      /unknown project "nobody"/,
    );
    await assert.rejects(
      dictionaryImportCommand(ctx, { project: "shop-kyiv", file: "/nonexistent.json" }),
      /cannot read/,
    );
    await assert.rejects(
      dictionaryImportCommand(ctx, { project: "shop-kyiv", file: join(fixtures, "keycrm/projects.json") }),
      CliError,
    );
  });
});

describe("CLI: argv", () => {
  test("given argv with --webhook-secret-env, when run in-process, then exit 0; without --kind, exit 1", async () => {
    const env = { ...t.env.env, LOG_LEVEL: "silent", CLI_SECRET: SECRET };
    const ok = await runCli(
      [
        "project",
        "register",
        "--id",
        "shop-lviv",
        "--name",
        "Lviv",
        "--kind",
        "keycrm",
        "--time-zone",
        "Europe/Kyiv",
        "--webhook-secret-env",
        "CLI_SECRET",
      ],
      env,
    );
    assert.equal(ok, 0);
    const { projects } = await readProjects(await openProjectsBucket(t.env.nats.js, t.env.streamName));
    assert.equal(
      projects.find((p) => p.project_id === "shop-lviv")?.base_url,
      "https://openapi.keycrm.app/v1",
    );
    const missing = await runCli(
      ["project", "register", "--id", "x", "--name", "X", "--webhook-secret", SECRET],
      env,
    );
    assert.equal(missing, 1);
  });
});
