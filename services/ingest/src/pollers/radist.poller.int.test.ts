import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ChatMessageReceived, decodeEvent } from "@pulse/events";
import { monotonicFactory } from "ulid";
import {
  type CliContext,
  catchUpRadistCommand,
  projectListCommand,
  projectSetRadistCommand,
} from "../cli/cli.commands.js";
import {
  openProjectsBucket,
  type ProjectRecord,
  putProject,
  sha256Hex,
  staticProjectRegistry,
} from "../projects/project-registry.js";
import {
  defaultFixturesDir,
  type FixtureCrm,
  recordingFetch,
  shortGaps,
  startFixtureCrm,
} from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { openPollerCheckpoints } from "./poller-checkpoints.store.js";
import { createRadistPoller, RADIST_POLLER } from "./radist.poller.js";

const KEY = "radist-key-0001";
const INTERVAL_MS = 40;
const dir = join(defaultFixturesDir(), "radist");
const expected = JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
  company_id: number;
  whatsapp_connection_id: number;
  telegram_connection_id: number;
  messages: { whatsapp: number; incoming: number; outgoing: number };
};
const ulid = monotonicFactory();
let t: IngestTestEnv;
let crm: FixtureCrm;
/** Every request the pollers sent, with its send time (cleared with `crm.requests`). */
const sends = recordingFetch();

const project = (id: string, connectionIds: number[] = []): ProjectRecord => ({
  project_id: id,
  name: id,
  kind: "amocrm",
  base_url: null,
  time_zone: "Asia/Almaty",
  active: true,
  webhook_secret_sha256: sha256Hex("irrelevant-secret"),
  api_token: null,
  radist: {
    base_url: `${crm.url}/radist/v2`,
    company_id: expected.company_id,
    api_key: KEY,
    connection_ids: connectionIds,
  },
});

async function poller(records: ProjectRecord[], clock?: () => Date) {
  return createRadistPoller({
    nats: t.env.nats,
    config: t.config,
    logger: t.logger,
    registry: staticProjectRegistry(records),
    checkpoints: await openPollerCheckpoints(t.env.nats.js, t.env.streamName),
    newId: () => ulid(),
    fetch: sends.fetch,
    ...(clock ? { clock } : {}),
  });
}

async function chatEvents(projectId: string): Promise<ChatMessageReceived[]> {
  const out: ChatMessageReceived[] = [];
  const n = await t.eventCount();
  for (let seq = 1; seq <= n; seq++) {
    const d = decodeEvent((await t.eventAt(seq)).data);
    if (d.ok && d.event.type === "chat.message_received" && d.event.project_id === projectId)
      out.push(d.event);
  }
  return out;
}

/** Every recorded message of the WhatsApp chats with its chat's contact time (ground truth for windows). */
function recorded(): { created_at: string; chat_id: number; last: string }[] {
  const out: { created_at: string; chat_id: number; last: string }[] = [];
  for (let p = 1; existsSync(join(dir, `chats-with-contacts.page-${p}.json`)); p++) {
    const page = JSON.parse(readFileSync(join(dir, `chats-with-contacts.page-${p}.json`), "utf8")) as {
      data: { last_chat_updated_at: string; chats: { chat_id: number; connection_id: number }[] }[];
    };
    for (const c of page.data)
      for (const chat of c.chats.filter((x) => x.connection_id === expected.whatsapp_connection_id))
        for (let m = 1; existsSync(join(dir, `messages/${chat.chat_id}.page-${m}.json`)); m++)
          for (const msg of JSON.parse(
            readFileSync(join(dir, `messages/${chat.chat_id}.page-${m}.json`), "utf8"),
          ) as {
            created_at: string;
          }[])
            out.push({ created_at: msg.created_at, chat_id: chat.chat_id, last: c.last_chat_updated_at });
  }
  return out;
}

before(async () => {
  t = await createIngestTestEnv("ingestradist", {
    RADIST_MIN_REQUEST_INTERVAL_MS: String(INTERVAL_MS),
    CRM_RETRY_MIN_DELAY_MS: "20",
    CRM_RETRIES: "4",
    RADIST_LOOKBACK_HOURS: "72",
  });
  crm = await startFixtureCrm({ fixturesDir: defaultFixturesDir(), token: KEY });
});

after(async () => {
  await crm?.close();
  await t?.close();
});

describe("Radist poller against the fake API", () => {
  test("given a backfill from October, when polled, then every WhatsApp message once, Telegram chats never read, requests spaced", async () => {
    crm.requests.length = 0;
    sends.sent.length = 0;
    crm.failNext(1, 429, 0);
    const p = await poller([project("demo-radist")]);
    const r = await p.runOnce("demo-radist", { since: new Date("2026-10-01T00:00:00Z") });
    await p.close();
    assert.equal(r.published, expected.messages.whatsapp);
    assert.equal(r.duplicates, 0);
    assert.equal(r.contactPages, 2);
    assert.equal(r.chats, 35);
    const events = await chatEvents("demo-radist");
    assert.equal(events.length, expected.messages.whatsapp);
    assert.equal(events.filter((e) => e.data.direction === "incoming").length, expected.messages.incoming);
    assert.ok(events.every((e) => e.data.connection === String(expected.whatsapp_connection_id)));

    const paths = crm.requests.map((q) => `${q.path}?${q.query["chat_id"] ?? q.query["cursor"] ?? ""}`);
    assert.ok(
      paths[0]?.endsWith("/messaging/chats/sources/?"),
      "WhatsApp sources looked up (no connection configured)",
    );
    assert.equal(crm.requests[0]?.status, 429);
    assert.ok(
      crm.requests.every(
        (q) => q.authorized && q.path.startsWith(`/radist/v2/companies/${expected.company_id}/`),
      ),
    );
    for (const telegram of ["5512020", "5512219"])
      assert.ok(
        !crm.requests.some((q) => q.query["chat_id"] === telegram),
        `Telegram chat ${telegram} not read`,
      );
    const long = crm.requests.filter((q) => q.query["chat_id"] === "5512001");
    assert.equal(long.length, 2, "the 116-message chat is read in two pages");
    assert.equal(long[1]?.query["until"], "2026-10-23T17:34:52.000Z");
    // Spacing is asserted on send times (arrival at the fake API adds the machine's load).
    assert.equal(sends.sent.length, crm.requests.length);
    assert.deepEqual(
      shortGaps(
        sends.sent.map((s) => s.at),
        INTERVAL_MS,
      ),
      [],
      "requests are spaced",
    );
  });

  test("given the same window again, when polled, then nothing new is published (dedup by message id)", async () => {
    const before = await t.eventCount();
    const p = await poller([project("demo-radist")]);
    const r = await p.runOnce("demo-radist", { since: new Date("2026-10-01T00:00:00Z") });
    await p.close();
    assert.equal(r.published, 0);
    assert.equal(r.duplicates, expected.messages.whatsapp);
    assert.equal(await t.eventCount(), before);
  });

  test("given no checkpoint and a 72 h lookback, when polled at a fixed time, then only the window's messages and only its chats", async () => {
    const now = new Date("2026-11-07T04:00:00.000Z");
    const windowStart = now.getTime() - 72 * 3_600_000;
    crm.requests.length = 0;
    const p = await poller([project("window-radist", [expected.whatsapp_connection_id])], () => now);
    const r = await p.runOnce("window-radist");
    await p.close();
    const truth = recorded();
    const inWindow = truth.filter((m) => Date.parse(m.created_at) >= windowStart);
    assert.ok(inWindow.length > 0 && inWindow.length < expected.messages.whatsapp);
    assert.equal(r.published, inWindow.length);
    assert.equal(r.from, new Date(windowStart).toISOString());
    const readChats = new Set(
      crm.requests.filter((q) => q.query["chat_id"]).map((q) => Number(q.query["chat_id"])),
    );
    const activeChats = new Set(truth.filter((m) => Date.parse(m.last) >= windowStart).map((m) => m.chat_id));
    assert.deepEqual([...readChats].sort(), [...activeChats].sort());
    assert.ok(
      !crm.requests.some((q) => q.path.endsWith("/chats/sources/")),
      "configured connection: no source lookup",
    );
    const cp = await (await openPollerCheckpoints(t.env.nats.js, t.env.streamName)).get(
      RADIST_POLLER,
      "window-radist",
    );
    assert.equal(cp?.last_run_started_at, now.toISOString());
  });
});

describe("CLI: project set-radist and catch-up radist", () => {
  test("given a registered project, when Radist is set from the environment and polled once, then the key is stored, never printed, and messages are published", async () => {
    const out: string[] = [];
    const ctx: CliContext = {
      nats: t.env.nats,
      config: t.config,
      logger: t.logger,
      env: { RADIST_KEY: KEY },
      out: (line) => out.push(line),
    };
    const kv = await openProjectsBucket(t.env.nats.js, t.env.streamName);
    await putProject(kv, { ...project("cli-radist"), radist: undefined } as ProjectRecord);
    const record = await projectSetRadistCommand(ctx, {
      project: "cli-radist",
      companyId: String(expected.company_id),
      apiKeyEnv: "RADIST_KEY",
      connectionId: [String(expected.whatsapp_connection_id)],
      baseUrl: `${crm.url}/radist/v2`,
    });
    assert.equal(record.radist?.api_key, KEY);
    assert.deepEqual(record.radist?.connection_ids, [expected.whatsapp_connection_id]);
    const r = await catchUpRadistCommand(ctx, { project: "cli-radist", since: "2026-10-01T00:00:00Z" });
    assert.equal(r.published, expected.messages.whatsapp);
    await projectListCommand(ctx);
    for (const line of out) assert.doesNotMatch(line, new RegExp(KEY));
    assert.ok(
      out.some(
        (l) =>
          l.startsWith("cli-radist\t") &&
          l.includes(`${expected.company_id}/${expected.whatsapp_connection_id} key`),
      ),
    );
    await assert.rejects(
      catchUpRadistCommand(ctx, { project: "cli-radist", since: "last week" }),
      /invalid --since/,
    );
    await projectSetRadistCommand(ctx, { project: "cli-radist", clear: true });
    await assert.rejects(catchUpRadistCommand(ctx, { project: "cli-radist" }), /no Radist settings/);
  });
});
