/**
 * Webhook statistics survive `kill -9` of ingest (SPEC "Webhook statistics count deliveries";
 * README "Webhook statistics"). Ingest runs as a child process; a feeder posts the KeyCRM fixture
 * deliveries of one project like a CRM does — a connection error or a 5xx is retried — while the test
 * kills ingest four times mid-feed and starts it again.
 *
 * What the statistics must then say, precisely:
 * - `received` = the requests whose effect was stored: every answered request (its events, or its
 *   receipt, were stored before the answer) plus the unanswered ones whose events or receipt were
 *   stored before the kill. So `answered ≤ received ≤ answered + unanswered`, and `received` equals
 *   the distinct delivery ids in the events stream plus the receipts in the receipts stream.
 * - `accepted` = the requests that stored a new fact: for KeyCRM (one event per request) exactly the
 *   stored status events; no answered request is missing from its outcome's count.
 * - a clean rebuild of the read models from the streams gives the same rows.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { decodeEvent, ReceiptsMessage, receiptsOf } from "@pulse/events";
import { createLogger, loadConfig } from "@pulse/infra";
import { createTestEnv, freePort, type TestEnv, waitFor } from "@pulse/infra/testing";
import { IngestConfig, projectRegisterCommand } from "@pulse/ingest";
import {
  compareReadModels,
  createProjector,
  loadProjectorConfig,
  type Projector,
  replayReadModels,
} from "@pulse/projector";
import { loadDeliveries } from "./support/fixture-deliveries.js";
import { fixturesDir, WEBHOOK_SECRET } from "./support/stack.js";

const PROJECT = "shop-kyiv";
const KILLS = 4;
const CONCURRENCY = 8;
const root = new URL("..", import.meta.url).pathname;

describe("webhook statistics: kill -9 of ingest during a feed", () => {
  let env: TestEnv;
  let projector: Projector;
  let child: ChildProcess | null = null;
  let port = 0;
  const logger = createLogger("e2e-whcrash", process.env["TEST_LOG_LEVEL"] ?? "silent");

  const ingestUrl = () => `http://127.0.0.1:${port}`;

  async function startIngest(): Promise<void> {
    const proc = spawn(process.execPath, ["--import", "tsx", "services/ingest/src/server.ts"], {
      cwd: root,
      env: {
        ...process.env,
        ...env.env,
        INGEST_HOST: "127.0.0.1",
        INGEST_PORT: String(port),
        INGEST_BACKGROUND_WORKERS: "false",
        TRUST_RECORDED_RECEIVED_AT: "true",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child = proc;
    await waitFor(
      "ingest to answer /health",
      async () => {
        if (proc.exitCode !== null) throw new Error(`ingest exited with ${proc.exitCode}`);
        return fetch(`${ingestUrl()}/health`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
    );
  }

  async function killIngest(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await exited;
  }

  before(async () => {
    env = await createTestEnv("whcrash");
    port = await freePort();
    const config = loadConfig(IngestConfig, env.env);
    await projectRegisterCommand(
      { nats: env.nats, config, logger, env: env.env, out: () => undefined },
      { id: PROJECT, name: PROJECT, kind: "keycrm", timeZone: "Europe/Kyiv", webhookSecret: WEBHOOK_SECRET },
    );
    projector = createProjector({ nats: env.nats, db: env.db, config: loadProjectorConfig(env.env), logger });
    await projector.start();
    await startIngest();
  });

  after(async () => {
    await killIngest();
    await projector?.stop();
    await env?.close();
  });

  test("given ingest killed four times mid-feed and restarted, when the feed is finished with retries, then every answered request is counted once and the statistics equal a clean rebuild", async (t) => {
    const deliveries = loadDeliveries(fixturesDir, new Set([PROJECT]));
    const answered = { stored: 0, duplicate: 0, ignored: 0, rejected: 0, unauthorized: 0, failed: 0 };
    let answers = 0;
    let unanswered = 0;
    let kills = 0;
    let restarting: Promise<void> | null = null;
    const killAt = new Set(
      Array.from({ length: KILLS }, (_, i) => Math.floor(((i + 1) * deliveries.length) / (KILLS + 1))),
    );

    /** Kills ingest (SIGKILL) and starts it again; requests meanwhile get connection errors. */
    const crash = () => {
      restarting ??= (async () => {
        kills++;
        await killIngest();
        await startIngest();
      })().finally(() => {
        restarting = null;
      });
    };

    const send = async (d: (typeof deliveries)[number]) => {
      for (;;) {
        if (restarting) await restarting;
        let status: number;
        let body: { accepted?: number; duplicates?: number } = {};
        try {
          const res = await fetch(`${ingestUrl()}${d.path}?secret=${WEBHOOK_SECRET}`, {
            method: "POST",
            headers: { ...d.headers, "content-type": d.contentType },
            body: d.body,
          });
          status = res.status;
          const text = await res.text();
          if (status === 200) body = JSON.parse(text) as typeof body;
        } catch {
          // No answer (connection refused or reset by the kill): the CRM retries.
          unanswered++;
          if (!restarting) await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        answers++;
        if (killAt.has(answers)) crash();
        if (status >= 500) {
          answered.failed++;
          continue; // 5xx: retried
        }
        if (status === 200) {
          if ((body.accepted ?? 0) > 0) answered.stored++;
          else if ((body.duplicates ?? 0) > 0) answered.duplicate++;
          else answered.ignored++;
        } else if (status === 401) answered.unauthorized++;
        else answered.rejected++;
        return;
      }
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < deliveries.length; i = next++) await send(deliveries[i]!);
      }),
    );
    assert.equal(kills, KILLS);
    assert.ok(unanswered > 0, "the kills cut requests in flight");

    // Wait until the projector applied both streams.
    const lastSeq = async (stream: string) => (await env.nats.jsm.streams.info(stream)).state.last_seq;
    const eventsLast = await lastSeq(env.streamName);
    const receiptsLast = await lastSeq(`${env.streamName}_RECEIPTS`);
    const checkpoint = async (name: string) =>
      (
        await env.db
          .selectFrom("rm.checkpoints")
          .select("stream_seq")
          .where("name", "=", name)
          .executeTakeFirst()
      )?.stream_seq ?? 0;
    await waitFor("events applied", async () => (await checkpoint("events")) >= eventsLast, 120_000);
    await waitFor("receipts applied", async () => (await checkpoint("receipts")) >= receiptsLast, 120_000);

    const rows = await env.db
      .selectFrom("rm.webhook_stats")
      .selectAll()
      .where("project_id", "=", PROJECT)
      .execute();
    const total = (k: keyof (typeof rows)[number]) => rows.reduce((n, r) => n + Number(r[k]), 0);
    for (const r of rows) {
      assert.equal(
        r.accepted + r.duplicate + r.ignored + r.rejected + r.unauthorized + r.failed,
        r.received,
        `outcomes add up to received on ${r.day}`,
      );
    }

    // received: every answered request, plus unanswered ones whose effect was stored.
    const received = total("received");
    assert.ok(received >= answers, `received ${received} ≥ answered ${answers}`);
    assert.ok(received <= answers + unanswered, `received ${received} ≤ answered + unanswered`);
    // …and exactly the requests the streams hold: distinct delivery ids + receipts.
    const deliveryIds = new Set<string>();
    for (let seq = 1; seq <= eventsLast; seq++) {
      const m = await env.nats.jsm.streams.getMessage(env.streamName, { seq });
      const d = m ? decodeEvent(m.data) : null;
      if (d?.ok && d.event.delivery) deliveryIds.add(d.event.delivery.id);
    }
    let receipts = 0;
    for (let seq = 1; seq <= receiptsLast; seq++) {
      const m = await env.nats.jsm.streams.getMessage(`${env.streamName}_RECEIPTS`, { seq });
      if (m) receipts += receiptsOf(ReceiptsMessage.parse(m.json())).length;
    }
    assert.equal(received, deliveryIds.size + receipts);

    // accepted: one per stored fact (one event per KeyCRM request); no answered request uncounted.
    const stored = await env.db
      .selectFrom("rm.order_status_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("project_id", "=", PROJECT)
      .executeTakeFirstOrThrow();
    assert.equal(total("accepted"), Number(stored.n));
    assert.equal(total("events_stored"), Number(stored.n));
    assert.ok(total("accepted") + total("duplicate") >= answered.stored + answered.duplicate);
    assert.ok(total("ignored") >= answered.ignored, "no answered ignored request lost");
    assert.ok(total("rejected") >= answered.rejected, "no answered rejected request lost");
    assert.equal(total("unauthorized"), answered.unauthorized);

    t.diagnostic(
      `requests answered ${answers}, unanswered ${unanswered}, kills ${kills}; counted: received ${received}, ` +
        `accepted ${total("accepted")}, duplicate ${total("duplicate")}, ignored ${total("ignored")}, ` +
        `rejected ${total("rejected")}, failed ${total("failed")}`,
    );

    // A clean rebuild from the streams says the same.
    const clean = await replayReadModels(
      { nats: env.nats, db: env.db, config: loadProjectorConfig(env.env), logger },
      { swap: false, schema: "rm_clean" },
    );
    const cmp = await compareReadModels(env.db, "rm", clean.schema);
    assert.deepEqual(cmp.differences, []);
  });
});
