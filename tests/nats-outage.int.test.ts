/**
 * NATS outages against a private nats-server owned by this file (the shared one on 4222 is never
 * touched): a settings recompute cut by an outage resumes by itself and ends equal to a clean
 * replay; a restart while deliveries flow loses and doubles nothing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type DomainEvent, encodeEvent, eventSubject } from "@pulse/events";
import { sequentialIds } from "@pulse/events/testing";
import {
  connectNats,
  createLogger,
  createMetricsRegistry,
  type Nats,
  natsStatusOf,
  startOpsServer,
} from "@pulse/infra";
import { checkpointSeq, createTestEnv, type TestEnv, waitFor, waitForCheckpoint } from "@pulse/infra/testing";
import { type PrivateNatsServer, startPrivateNats } from "@pulse/infra/testing-nats";
import {
  type DeliveryContext,
  dictionaryEvent,
  dictionaryFromJson,
  normalizeKeycrmWebhook,
  ProjectRecord,
  projectRegisteredEvent,
  sha256Hex,
} from "@pulse/ingest";
import {
  compareReadModels,
  createProjector,
  DeterministicRecomputeError,
  loadProjectorConfig,
  type Projector,
  projectorReadiness,
  type RecomputeAttempt,
  replayReadModels,
} from "@pulse/projector";
import { buildQueryApp, type QueryApp, QueryConfig } from "@pulse/query";
import { seedOwnerToken } from "@pulse/query/testing";
import { sql } from "kysely";

const P = "shop-kyiv";
const FIXTURES = new URL("../../shared/fixtures/", import.meta.url).pathname;
const ADMIN = "admin-token-nats-outage-0123";
const WAIT_MS = 60_000;

/** Deterministic, distinct ULID-shaped ids. */
const newId = sequentialIds();

/** The project, its status dictionary and every KeyCRM fixture delivery of `P`, as events. */
function fixtureEvents(): DomainEvent[] {
  const setUp = new Date("2026-10-01T00:00:00.000Z");
  const record = ProjectRecord.parse({
    project_id: P,
    name: P,
    kind: "keycrm",
    base_url: null,
    time_zone: "Europe/Kyiv",
    active: true,
    webhook_secret_sha256: sha256Hex("outage-secret"),
    api_token: null,
  });
  const out: DomainEvent[] = [projectRegisteredEvent(record, setUp, newId())];
  const statuses = JSON.parse(readFileSync(join(FIXTURES, `keycrm/${P}/statuses.json`), "utf8")) as unknown;
  out.push(
    dictionaryEvent(P, dictionaryFromJson(statuses), {
      origin: "file",
      reason: "test",
      now: setUp,
      id: newId(),
    }),
  );
  for (const line of readFileSync(join(FIXTURES, "keycrm/webhooks.jsonl"), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { project: string; received_at: string; body: unknown };
    if (d.project !== P) continue;
    const ctx: DeliveryContext = {
      projectId: P,
      receivedAt: new Date(d.received_at),
      contentType: "application/json",
      rawBody: JSON.stringify(d.body),
      newId,
    };
    out.push(...normalizeKeycrmWebhook(d.body, ctx).events);
  }
  return out;
}

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe("NATS outages", () => {
  let server: PrivateNatsServer;
  let env: TestEnv;
  let projectorNats: Nats;
  let queryNats: Nats;
  let projector: Projector;
  let app: QueryApp;
  let probes: { port: number; close(): Promise<void> };
  const events = fixtureEvents();
  const logger = createLogger("nats-outage-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  /** Test seam of the recompute: lets a test hold or fail an attempt mid-recompute. */
  let midRecompute: ((attempt: RecomputeAttempt) => Promise<void>) | null = null;
  const startProjector = async () => {
    projector = createProjector({
      nats: projectorNats,
      db: env.db,
      config: config(),
      logger,
      hooks: { recompute: { beforeSwap: async (attempt) => midRecompute?.(attempt) } },
    });
    await projector.start();
  };

  const config = () =>
    loadProjectorConfig({
      ...env.env,
      PROJECTOR_RETRY_MAX_MS: "500",
      RECOMPUTE_RETRY_MIN_MS: "200",
      RECOMPUTE_RETRY_MAX_MS: "1000",
      SLA_TICK_SECONDS: "3600",
    });
  /** Publishes `event`, retrying while NATS is away (as ingest's callers retry a 503). */
  const publish = async (event: DomainEvent): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await env.nats.js.publish(
          eventSubject({ root: env.subjectRoot }, event),
          encodeEvent(event),
          {
            msgID: event.dedup_key,
            timeout: 2000,
          },
        );
        return ack.seq;
      } catch (error) {
        if (attempt > 200) throw error;
        await waitFor(
          "NATS back for the publisher",
          async () => natsStatusOf(env.nats.nc).connected,
          WAIT_MS,
        );
      }
    }
  };
  /** Last sequence of the events stream, once this test's own connection answers again. */
  const streamLast = async () =>
    (
      await waitFor(
        "the events stream answering",
        async () => env.nats.jsm.streams.info(env.streamName).catch(() => null),
        WAIT_MS,
      )
    ).state.last_seq;
  const checkpoint = () => checkpointSeq(env.db);
  const waitApplied = (seq: number) => waitForCheckpoint(env.db, seq, { timeoutMs: WAIT_MS });
  const replayRow = (id: string) =>
    env.db.selectFrom("ops.replays").selectAll().where("id", "=", id).executeTakeFirst();
  const call = async (method: "GET" | "PUT", url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN}` },
      ...(payload ? { payload } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
    return { status: res.statusCode, body: res.json() as any };
  };
  /** `GET /ready` of the projector's probe server. */
  const projectorReady = async () => {
    const res = await fetch(`http://127.0.0.1:${probes.port}/ready`);
    return {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
      body: (await res.json()) as any,
    };
  };
  /** A clean replay into `rm_clean` must equal the live tables row for row. */
  const assertEqualsCleanReplay = async () => {
    await sql`DROP SCHEMA IF EXISTS rm_clean CASCADE`.execute(env.db);
    await replayReadModels(
      { nats: env.nats, db: env.db, config: config(), logger },
      { swap: false, schema: "rm_clean" },
    );
    const cmp = await compareReadModels(env.db, "rm", "rm_clean");
    assert.deepEqual(
      cmp.differences.map((d) => `${d.table}: ${d.onlyInA} only live, ${d.onlyInB} only clean`),
      [],
      "the live read models equal a clean replay",
    );
    await sql`DROP SCHEMA rm_clean CASCADE`.execute(env.db);
  };

  before(async () => {
    server = await startPrivateNats();
    env = await createTestEnv("natsout", { natsUrl: server.url });
    await seedOwnerToken(env.db, ADMIN);
    projectorNats = await connectNats(server.url, "projector-under-test");
    queryNats = await connectNats(server.url, "query-under-test");
    app = await buildQueryApp({
      db: env.db,
      nats: queryNats,
      config: QueryConfig.parse(env.env),
      logger,
      clock: () => new Date("2026-11-07T12:00:00.000Z"),
    });
    probes = await startOpsServer({
      port: 0,
      host: "127.0.0.1",
      registry: createMetricsRegistry("projector"),
      readiness: () => projectorReadiness({ nats: projectorNats, db: env.db }),
      logger,
    });
    // The first half of the fixture before the projector starts, the rest while it runs.
    const half = Math.floor(events.length / 2);
    for (const e of events.slice(0, half)) await publish(e);
    await startProjector();
    let last = 0;
    for (const e of events.slice(half)) last = await publish(e);
    await waitApplied(last);
    await projector.recomputesIdle();
  });

  after(async () => {
    midRecompute = null;
    if (!server.running) await server.start().catch(() => undefined);
    await projector?.stop();
    await probes?.close();
    await app?.close();
    await projectorNats?.nc.close().catch(() => undefined);
    await queryNats?.nc.close().catch(() => undefined);
    await env?.close();
    await server?.close();
  });

  test("given an SLA change whose recompute is cut by a NATS outage, when NATS returns, then the recompute completes by itself and the tables equal a clean replay with the new limits", async () => {
    const groups = await env.db
      .selectFrom("rm.order_status_intervals")
      .select("status_group_id")
      .distinct()
      .where("project_id", "=", P)
      .where("status_group_id", "is not", null)
      .execute();
    const group = String(groups[0]!.status_group_id);
    const limitBefore = await env.db
      .selectFrom("rm.order_group_sla")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("project_id", "=", P)
      .where("limit_seconds", "=", 3 * 3600)
      .executeTakeFirstOrThrow();
    assert.equal(Number(limitBefore.n), 0, "no order's group has the new limit before the change");

    let reached!: () => void;
    const atMidRecompute = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    midRecompute = async ({ attempt }) => {
      if (attempt !== 1) return;
      reached();
      await released;
    };

    const put = await call("PUT", `/api/settings/sla?project=${P}`, {
      version: 0,
      near_share: 0.8,
      grids: { normal: { [group]: "03:00" }, urgent: { [group]: "01:00" } },
    });
    assert.equal(put.status, 202);
    assert.equal(put.body.recompute.status, "pending", "the PUT answer says the recompute is pending");
    assert.equal(put.body.recompute.replay_id, put.body.replay_id);
    const id: string = put.body.replay_id;

    // Mid-recompute (new tables written, not swapped in yet), NATS goes away.
    await within(atMidRecompute, WAIT_MS, "the recompute's first attempt reaching the swap");
    const running = await replayRow(id);
    assert.equal(running?.status, "running");
    assert.equal(running?.attempts, 1);
    await server.stop();
    await waitFor(
      "the projector and query see NATS down",
      async () => !natsStatusOf(projectorNats.nc).connected && !natsStatusOf(queryNats.nc).connected,
      WAIT_MS,
    );
    release();

    const retrying = await waitFor(
      "ops.replays says retrying",
      async () => {
        const r = await replayRow(id);
        return r?.status === "retrying" ? r : null;
      },
      WAIT_MS,
    );
    assert.match(String(retrying.last_error), /NATS/);
    assert.ok(retrying.attempts >= 1);
    assert.ok(retrying.next_attempt_at instanceof Date, "the next attempt time is set");
    assert.equal(retrying.finished_at, null);

    const settings = await call("GET", `/api/settings/sla?project=${P}`);
    assert.equal(settings.status, 200);
    assert.equal(settings.body.version, 1, "the settings themselves are stored");
    assert.equal(settings.body.recompute.status, "retrying", "the settings answer says the read models lag");
    assert.equal(settings.body.recompute.replay_id, id);
    assert.match(settings.body.recompute.last_error, /NATS/);
    const replay = await call("GET", `/api/replays/${id}?project=${P}`);
    assert.equal(replay.body.status, "retrying");
    assert.match(replay.body.last_error, /NATS/);
    assert.equal(typeof replay.body.next_attempt_at, "string");

    const ready = await call("GET", "/ready");
    assert.equal(ready.status, 503, "query is not ready while NATS is down");
    assert.equal(ready.body.nats, "down");
    assert.match(ready.body.detail, /NATS/);
    assert.equal(ready.body.recompute.status, "retrying");
    assert.equal(ready.body.recompute.retrying, 1);
    const pReady = await projectorReady();
    assert.equal(pReady.status, 503, "the projector is not ready while NATS is down");
    assert.match(pReady.type, /^application\/problem\+json/);
    assert.equal(pReady.body.nats, "down");
    assert.match(pReady.body.detail, /NATS/);
    assert.equal(pReady.body.recompute.status, "retrying");
    assert.match(pReady.body.recompute.reason, /1 retrying: NatsUnavailableError/);

    await server.start();
    const done = await waitFor(
      "the recompute completes by itself",
      async () => {
        const r = await replayRow(id);
        return r?.status === "done" ? r : null;
      },
      WAIT_MS,
    );
    assert.ok(done.attempts >= 2, "it took another attempt");
    assert.match(String(done.last_error), /NATS/, "the record keeps what went wrong");
    assert.equal(done.next_attempt_at, null);

    const limited = await env.db
      .selectFrom("rm.order_group_sla")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("project_id", "=", P)
      .where("group_id", "=", Number(group))
      .where("is_urgent", "=", false)
      .where("limit_seconds", "=", 3 * 3600)
      .executeTakeFirstOrThrow();
    assert.ok(Number(limited.n) > 0, "the new limit is in the read models");
    await waitApplied(await streamLast());
    await assertEqualsCleanReplay();

    const after = await call("GET", `/api/settings/sla?project=${P}`);
    assert.equal(after.body.recompute.status, "up_to_date");
    const readyAgain = await waitFor(
      "query ready again",
      async () => {
        const r = await call("GET", "/ready");
        return r.status === 200 ? r : null;
      },
      WAIT_MS,
    );
    assert.equal(readyAgain.body.recompute.status, "up_to_date");
    const pReadyAgain = await waitFor(
      "projector ready again",
      async () => {
        const r = await projectorReady();
        return r.status === 200 ? r : null;
      },
      WAIT_MS,
    );
    assert.equal(pReadyAgain.body.nats, "ok");
    assert.equal(pReadyAgain.body.recompute.status, "up_to_date");
    assert.equal(pReadyAgain.body.events_checkpoint, await streamLast());
  });

  test("given events flowing, when NATS restarts, then the projector resumes by itself and nothing is lost or applied twice", async () => {
    // More deliveries of the same orders: each fixture event again with a later time and new key.
    const more = events
      .filter(
        (e): e is Extract<DomainEvent, { type: "order.status_changed" }> => e.type === "order.status_changed",
      )
      .slice(0, 300)
      .map((e, i) => {
        const at = new Date(Date.parse("2026-11-07T00:00:00.000Z") + i * 60_000).toISOString();
        return {
          ...e,
          id: newId(),
          occurred_at: at,
          recorded_at: at,
          dedup_key: `${e.dedup_key}:again`,
          data: { ...e.data, status_changed_at: at },
        } as DomainEvent;
      });
    // The fixture repeats some deliveries: those are one event each.
    const distinct = new Set(more.map((e) => e.dedup_key)).size;
    const startSeq = await streamLast();
    let published = 0;
    let outage!: () => void;
    const outageStarted = new Promise<void>((resolve) => {
      outage = resolve;
    });
    // The first half before the outage, the second half into it (each publish retried until stored).
    const flowing = (async () => {
      for (const [i, e] of more.entries()) {
        if (i === more.length / 2) await outageStarted;
        await publish(e);
        published++;
      }
    })();
    await waitFor("deliveries flowing", async () => (await checkpoint()) >= startSeq + 50, WAIT_MS);
    await server.stop("SIGKILL");
    await waitFor(
      "the projector and query see NATS down",
      async () => !natsStatusOf(projectorNats.nc).connected && !natsStatusOf(queryNats.nc).connected,
      WAIT_MS,
    );
    outage();
    const ready = await call("GET", "/ready");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.nats, "down");
    await server.start();
    await within(flowing, WAIT_MS, "the publisher");
    assert.equal(published, more.length);
    const last = await streamLast();
    assert.equal(last, startSeq + distinct, "every event stored once (dedup keys)");
    await waitApplied(last);
    await projector.recomputesIdle();
    const rows = await env.db
      .selectFrom("rm.order_status_events")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("dedup_key", "like", "%:again")
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), distinct, "each new event applied exactly once");
    await assertEqualsCleanReplay();
  });

  test("given a recompute that fails deterministically, then it ends failed and the settings answer and /ready say so until a later change recomputes", async () => {
    const current = await call("GET", `/api/settings/sla?project=${P}`);
    const grids = current.body.settings.grids;
    midRecompute = async () => {
      throw new DeterministicRecomputeError("impossible setting: the grid cannot be applied");
    };
    const put = await call("PUT", `/api/settings/sla?project=${P}`, {
      version: current.body.version,
      near_share: 0.75,
      grids,
    });
    assert.equal(put.status, 202);
    const id: string = put.body.replay_id;
    const failed = await waitFor(
      "ops.replays says failed",
      async () => {
        const r = await replayRow(id);
        return r?.status === "failed" ? r : null;
      },
      WAIT_MS,
    );
    assert.equal(failed.attempts, 1, "a deterministic failure is not retried");
    assert.match(String(failed.error), /impossible setting/);
    assert.equal(failed.next_attempt_at, null);
    await projector.recomputesIdle();
    assert.equal((await replayRow(id))?.status, "failed", "still failed: no retry was scheduled");

    const settings = await call("GET", `/api/settings/sla?project=${P}`);
    assert.equal(settings.body.recompute.status, "failed");
    assert.equal(settings.body.recompute.replay_id, id);
    assert.match(settings.body.recompute.last_error, /impossible setting/);
    const ready = await call("GET", "/ready");
    assert.equal(ready.status, 200, "a failed recompute does not take the API down");
    assert.equal(ready.body.recompute.status, "failed");
    assert.equal(ready.body.recompute.failed, 1);
    assert.match(ready.body.recompute.reason, /1 failed/);

    midRecompute = null;
    const fix = await call("PUT", `/api/settings/sla?project=${P}`, {
      version: current.body.version + 1,
      near_share: 0.8,
      grids,
    });
    assert.equal(fix.status, 202);
    await waitFor(
      "the next recompute done",
      async () => (await replayRow(fix.body.replay_id))?.status === "done",
      WAIT_MS,
    );
    const after = await call("GET", `/api/settings/sla?project=${P}`);
    assert.equal(after.body.recompute.status, "up_to_date", "the later rebuild covers the failed one");
    assert.equal((await call("GET", "/ready")).body.recompute.failed, 0);
  });

  test("given recomputes left retrying and running by a stopped projector, when a projector starts, then it resumes them at once and they complete", async () => {
    await projector.stop();
    const rows = await env.db
      .selectFrom("ops.replays")
      .select("id")
      .where("status", "=", "done")
      .where("reason", "=", "settings.sla_changed")
      .orderBy("started_at", "desc")
      .limit(2)
      .execute();
    assert.equal(rows.length, 2);
    const [waiting, crashed] = [rows[0]!.id, rows[1]!.id];
    await env.db
      .updateTable("ops.replays")
      .set({
        status: "retrying",
        attempts: 3,
        last_error: "ConnectionError: CONNECTION_REFUSED",
        next_attempt_at: new Date(Date.now() + 3_600_000),
        finished_at: null,
        diff: null,
      })
      .where("id", "=", waiting)
      .execute();
    await env.db
      .updateTable("ops.replays")
      .set({ status: "running", finished_at: null, diff: null })
      .where("id", "=", crashed)
      .execute();
    assert.equal((await call("GET", `/api/settings/sla?project=${P}`)).body.recompute.status, "retrying");

    await startProjector();
    for (const id of [waiting, crashed]) {
      const row = await waitFor(
        `${id} resumed and done`,
        async () => {
          const r = await replayRow(id);
          return r?.status === "done" ? r : null;
        },
        WAIT_MS,
      );
      assert.ok(row.finished_at !== null);
    }
    assert.ok(((await replayRow(waiting))?.attempts ?? 0) >= 4, "resumed without waiting out the hour");
    assert.equal((await call("GET", `/api/settings/sla?project=${P}`)).body.recompute.status, "up_to_date");
    await assertEqualsCleanReplay();
  });

  test("given the projector's durable consumer is deleted on the server, then it is re-created from the checkpoint and events flow again", async () => {
    const durable = config().PROJECTOR_DURABLE;
    const original = await env.nats.jsm.consumers.info(env.streamName, durable);
    // nats-server 2.9 may answer a delete racing its own writes with "directory not empty": ask again.
    await waitFor(
      `${durable} deleted`,
      async () =>
        env.nats.jsm.consumers.delete(env.streamName, durable).then(
          () => true,
          async () => {
            const now = await env.nats.jsm.consumers.info(env.streamName, durable).catch(() => null);
            return now === null || now.created !== original.created;
          },
        ),
      WAIT_MS,
    );
    const recreated = await waitFor(
      `${durable} re-created`,
      async () => {
        const now = await env.nats.jsm.consumers.info(env.streamName, durable).catch(() => null);
        return now && now.created !== original.created ? now : null;
      },
      WAIT_MS,
    );
    assert.equal(recreated.config.opt_start_seq, (await checkpoint()) + 1, "from the checkpoint");
    const e = events.find((x) => x.type === "order.status_changed")!;
    const at = "2026-11-08T00:00:00.000Z";
    const seq = await publish({
      ...e,
      id: newId(),
      occurred_at: at,
      recorded_at: at,
      dedup_key: `${e.dedup_key}:after-delete`,
      data: { ...e.data, status_changed_at: at },
    } as DomainEvent);
    await waitApplied(seq);
    await projector.recomputesIdle();
    await assertEqualsCleanReplay();
  });
});
