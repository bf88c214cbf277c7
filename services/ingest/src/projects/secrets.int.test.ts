import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { monotonicFactory } from "ulid";
import {
  type CliContext,
  dictionarySyncCommand,
  projectListCommand,
  projectRegisterCommand,
  secretsRotateCommand,
} from "../cli/cli.commands.js";
import { buildIngestApp } from "../http/app.js";
import { defaultFixturesDir, type FixtureCrm, startFixtureCrm } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { keycrmTestPoller } from "../testing/keycrm-test-poller.js";
import {
  openProjectRegistry,
  openProjectsBucket,
  type ProjectRegistry,
  sha256Hex,
} from "./project-registry.js";
import { type SecretsKeyring, secretsKey } from "./secrets.js";

const CRM_TOKEN = "crm-token-ZXhhbXBsZS10b2tlbg";
const SECRET = "kyiv-webhook-secret-42";
const NOW = new Date("2026-11-07T04:00:00.000Z");
const keyA = secretsKey(randomBytes(32));
const keyB = secretsKey(randomBytes(32));
const ringA: SecretsKeyring = { current: keyA, previous: null, source: "env" };
const ringBafterA: SecretsKeyring = { current: keyB, previous: keyA, source: "env" };
const ringB: SecretsKeyring = { current: keyB, previous: null, source: "env" };
const ulid = monotonicFactory();

let t: IngestTestEnv;
let crm: FixtureCrm;
const opened: { registry: ProjectRegistry; app: FastifyInstance }[] = [];

function cli(keyring: SecretsKeyring, out: string[] = []): CliContext {
  return {
    nats: t.env.nats,
    config: t.config,
    logger: t.logger,
    env: { SECRET, CRM_TOKEN },
    out: (l) => out.push(l),
    clock: () => NOW,
    newId: () => ulid(),
    keyring,
  };
}

/** An ingest app over a registry opened with `keyring`, as a process holding that key would run it. */
async function ingestWith(keyring: SecretsKeyring) {
  const registry = await openProjectRegistry(t.env.nats.js, t.env.streamName, t.logger, keyring);
  const app = await buildIngestApp({ nats: t.env.nats, config: t.config, logger: t.logger, registry });
  opened.push({ registry, app });
  return { registry, app };
}

const webhook = (app: FastifyInstance, secret: string) =>
  app.inject({
    method: "POST",
    url: `/webhooks/keycrm/shop-kyiv?secret=${secret}`,
    payload: JSON.stringify({ event: "order.change_payment_status", context: { id: 15001, status_id: 1 } }),
    headers: { "content-type": "application/json" },
  });

async function storedJson(): Promise<string> {
  const entry = await (await openProjectsBucket(t.env.nats.js, t.env.streamName)).get("shop-kyiv");
  assert.ok(entry);
  return entry.string();
}

before(async () => {
  t = await createIngestTestEnv("ingestsecrets", {
    CRM_MIN_REQUEST_INTERVAL_MS: "0",
    CRM_RETRY_MIN_DELAY_MS: "0",
  });
  crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir(), token: CRM_TOKEN });
  await projectRegisterCommand(cli(ringA), {
    id: "shop-kyiv",
    name: "Kyiv",
    kind: "keycrm",
    timeZone: "Europe/Kyiv",
    webhookSecretEnv: "SECRET",
    baseUrl: `${crm.url}/shop-kyiv`,
    tokenEnv: "CRM_TOKEN",
  });
});

after(async () => {
  for (const o of opened) {
    await o.app.close();
    await o.registry.close();
  }
  await crm?.close();
  await t?.close();
});

describe("secrets at rest in the project registry", () => {
  test("given a registered project, when its KV record and the stream are read, then neither holds the token or the secret's digest in clear", async () => {
    const text = await storedJson();
    const stored = JSON.parse(text) as Record<string, { kid?: string } | string>;
    for (const secret of [CRM_TOKEN, sha256Hex(SECRET), SECRET]) assert.ok(!text.includes(secret));
    assert.equal((stored["api_token"] as { kid: string }).kid, keyA.id);
    assert.equal((stored["webhook_secret_sha256"] as { kid: string }).kid, keyA.id);
    assert.equal(stored["name"], "Kyiv");
    for (let seq = 1; seq <= (await t.eventCount()); seq++) {
      const body = new TextDecoder().decode((await t.eventAt(seq)).data);
      assert.ok(!body.includes(CRM_TOKEN) && !body.includes(sha256Hex(SECRET)));
    }
    const out: string[] = [];
    const [listing] = await projectListCommand(cli(ringA, out));
    assert.equal(listing?.webhook_secret_fingerprint, sha256Hex(SECRET).slice(0, 12));
    assert.ok(!out.join("\n").includes(CRM_TOKEN));
  });

  test("given the sealed record, when ingest holds the key, then webhooks authenticate and the CRM is called with the opened token; with another key the project is unknown", async () => {
    const { registry, app } = await ingestWith(ringA);
    assert.equal(registry.get("shop-kyiv")?.record.api_token, CRM_TOKEN);
    assert.equal((await webhook(app, SECRET)).statusCode, 200);
    assert.equal((await webhook(app, "wrong-secret-000")).statusCode, 401);

    crm.requests.length = 0;
    const poller = await keycrmTestPoller(t, registry, { clock: () => NOW, newId: () => ulid() });
    const r = await poller.runOnce("shop-kyiv", { since: new Date("2026-11-06T00:00:00Z") });
    await poller.close();
    assert.ok(r.pages >= 1);
    assert.ok(crm.requests.length > 0 && crm.requests.every((q) => q.authorized && q.status === 200));

    const stranger = await ingestWith(ringB);
    assert.equal(stranger.registry.get("shop-kyiv"), undefined);
    assert.equal((await webhook(stranger.app, SECRET)).statusCode, 401);
  });

  test("given a new key with the old one as previous, when secrets rotate runs, then every record is sealed with the new key, a running ingest follows, and only the new key is needed", async () => {
    const running = await ingestWith(ringBafterA);
    assert.equal((await webhook(running.app, SECRET)).statusCode, 200);
    const rewritten = new Promise<string | null | undefined>((resolve) => {
      const off = running.registry.onChange((id, entry) => {
        if (id !== "shop-kyiv") return;
        off();
        resolve(entry?.record.api_token);
      });
    });

    const out: string[] = [];
    const r = await secretsRotateCommand(cli(ringBafterA, out));
    assert.deepEqual(r, { resealed: 1, current: 0, failed: [] });
    assert.match(out.at(-1) ?? "", /re-encrypted 1 project records with the current key/);
    const text = await storedJson();
    assert.ok(!text.includes(CRM_TOKEN));
    const stored = JSON.parse(text) as Record<string, { kid: string }>;
    assert.equal(stored["api_token"]?.kid, keyB.id);
    assert.equal(stored["webhook_secret_sha256"]?.kid, keyB.id);

    // The running registry applies the rewritten record (its watch) and still authenticates.
    assert.equal(await rewritten, CRM_TOKEN);
    assert.equal((await webhook(running.app, SECRET)).statusCode, 200);

    const onlyNew = await ingestWith(ringB);
    assert.equal(onlyNew.registry.get("shop-kyiv")?.record.api_token, CRM_TOKEN);
    assert.equal((await webhook(onlyNew.app, SECRET)).statusCode, 200);
    const onlyOld = await ingestWith(ringA);
    assert.equal(onlyOld.registry.get("shop-kyiv"), undefined, "the old key alone no longer opens it");

    assert.deepEqual(await secretsRotateCommand(cli(ringB)), { resealed: 0, current: 1, failed: [] });
    const sync = await dictionarySyncCommand(cli(ringB), { project: "shop-kyiv" });
    assert.ok(sync.statuses > 0, "the CLI calls the CRM with the opened token");
  });

  test("given a record written before sealing (token in clear), when secrets rotate runs, then it is sealed and still opens", async () => {
    const kv = await openProjectsBucket(t.env.nats.js, t.env.streamName);
    const legacy = {
      project_id: "legacy-shop",
      name: "Legacy",
      kind: "keycrm",
      base_url: `${crm.url}/shop-kyiv`,
      time_zone: "UTC",
      active: true,
      webhook_secret_sha256: sha256Hex(SECRET),
      api_token: CRM_TOKEN,
    };
    await kv.put("legacy-shop", JSON.stringify(legacy));
    assert.deepEqual(await secretsRotateCommand(cli(ringB)), { resealed: 1, current: 1, failed: [] });
    const text = (await kv.get("legacy-shop"))?.string() ?? "";
    assert.ok(!text.includes(CRM_TOKEN) && !text.includes(sha256Hex(SECRET)));
    const { registry } = await ingestWith(ringB);
    assert.equal(registry.get("legacy-shop")?.record.api_token, CRM_TOKEN);
  });

  test("given a record that opens with neither key, when secrets rotate runs, then it fails naming the record and leaves it", async () => {
    const stranger: SecretsKeyring = { current: secretsKey(randomBytes(32)), previous: null, source: "env" };
    const before = await storedJson();
    await assert.rejects(secretsRotateCommand(cli(stranger)), /records do not open .*shop-kyiv/);
    assert.equal(await storedJson(), before);
  });
});
