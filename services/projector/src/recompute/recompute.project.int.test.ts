import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import {
  type DomainEvent,
  type EventOfType,
  encodeEvent,
  eventSubject,
  receiptSubject,
  type SubjectRoot,
} from "@pulse/events";
import { aProjectRegistered, aWebhookReceipt, sequentialIds } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import {
  createTestEnv,
  publishTestEvent,
  type TestEnv,
  waitFor,
  waitForCheckpoint,
} from "@pulse/infra/testing";
import { dictionaryEvent, dictionaryFromJson, normalizeKeycrmWebhook } from "@pulse/ingest";
import { sql } from "kysely";
import { loadProjectorConfig } from "../projector.config.js";
import { createProjector, type Projector } from "../projector.js";
import { compareReadModels } from "../replay/read-models.compare.js";
import { replayReadModels } from "../replay/replay.js";
import type { ReplayDiff } from "../replay/replay-diff.js";
import { PROJECT_SCOPED_TABLES } from "./project-tables.js";
import { recomputeProject } from "./recompute.project.js";

const FIXTURES = new URL("../../../../../shared/fixtures/", import.meta.url);
const newId = sequentialIds();
/** Fixture project → the projects fed with its deliveries (a copy under another id is another tenant). */
const TENANTS: Record<"shop-kyiv" | "shop-lviv", readonly string[]> = {
  "shop-kyiv": ["shop-kyiv", "shop-kyiv-b"],
  "shop-lviv": ["shop-lviv", "shop-lviv-b"],
};
/** A project with events that never registered (its orders are still projected). */
const UNREGISTERED = "shop-lviv-x";
const P = "shop-kyiv";

function settingsSla(projectId: string, version: number, limit: string): EventOfType<"settings.sla_changed"> {
  const at = "2026-10-01T00:00:00.000Z";
  return {
    id: newId(),
    type: "settings.sla_changed",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `settings:${projectId}:sla:${version}`,
    source: "api",
    raw: null,
    data: {
      version,
      changed_by: "admin@test",
      near_share: 0.8,
      grids: { normal: { "1": limit, "2": limit, "3": limit, "4": limit }, urgent: {} },
    },
  } as EventOfType<"settings.sla_changed">;
}

/** The fixture's KeyCRM deliveries of `fixtureProject`, normalized as project `projectId`. */
function keycrmEvents(fixtureProject: string, projectId: string, every = 1): DomainEvent[] {
  const out: DomainEvent[] = [];
  const lines = readFileSync(new URL("keycrm/webhooks.jsonl", FIXTURES), "utf8").split("\n");
  let n = 0;
  for (const line of lines) {
    if (!line) continue;
    const d = JSON.parse(line) as { project: string; received_at: string; body: unknown };
    if (d.project !== fixtureProject || n++ % every !== 0) continue;
    const rawBody = JSON.stringify(d.body);
    try {
      const r = normalizeKeycrmWebhook(d.body, {
        projectId,
        receivedAt: new Date(d.received_at),
        contentType: "application/json",
        rawBody,
        newId,
      });
      out.push(...r.events);
    } catch {
      // ingest answers such a delivery 4xx and stores nothing
    }
  }
  return out;
}

/** Every row of the project-scoped tables except `projectId`'s, with its row version (`xmin`), sorted. */
async function otherProjectsRows(env: TestEnv, projectId: string): Promise<string[]> {
  const out: string[] = [];
  for (const table of PROJECT_SCOPED_TABLES) {
    const r = await sql<{ r: string }>`
      SELECT ${table}::text || ' ' || xmin::text || ' ' || to_jsonb(t)::text AS r
      FROM ${sql.id("rm", table)} t WHERE project_id <> ${projectId}`.execute(env.db);
    for (const row of r.rows) out.push(row.r);
  }
  return out.sort();
}

/** Messages of the events stream under `filter`, counted by the server's subject index. */
async function subjectCount(env: TestEnv, filter: string): Promise<number> {
  const info = await env.nats.jsm.streams.info(env.streamName, { subjects_filter: filter });
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

describe("recompute of one project among several (fixture corpus)", () => {
  let env: TestEnv;
  let projector: Projector;
  let scheme: SubjectRoot;
  let last = 0;
  /** Rows of the other projects captured mid-recompute (after the staging write, before the swap). */
  const captured = new Map<string, string[]>();
  let captureFor: string | null = null;
  const logger = createLogger("recompute-project-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  const config = () =>
    loadProjectorConfig({ ...env.env, PROJECTOR_RETRY_MAX_MS: "200", SLA_TICK_SECONDS: "3600" });

  before(async () => {
    env = await createTestEnv("rcproj");
    scheme = { root: env.subjectRoot };
    const publish = (e: DomainEvent) => publishTestEvent(env, e);
    for (const [fixture, projects] of Object.entries(TENANTS)) {
      const dictionary = dictionaryFromJson(
        JSON.parse(readFileSync(new URL(`keycrm/${fixture}/statuses.json`, FIXTURES), "utf8")),
      );
      for (const p of projects) {
        await publish(aProjectRegistered(p, { time_zone: "Europe/Kyiv" }));
        await publish(
          dictionaryEvent(p, dictionary, {
            origin: "file",
            reason: "test",
            now: new Date("2026-10-01T00:00:00Z"),
            id: newId(),
          }),
        );
        await publish(settingsSla(p, 1, "02:00"));
      }
    }
    // The copies take every other delivery: other histories, a smaller stream.
    for (const [fixture, projects] of Object.entries(TENANTS))
      for (const p of projects)
        for (const e of keycrmEvents(fixture, p, p === fixture ? 1 : 2)) last = await publish(e);
    for (const e of keycrmEvents("shop-lviv", UNREGISTERED, 7)) last = await publish(e);
    // Receipts of every project (webhook_stats), one batch message each.
    for (const p of [...TENANTS["shop-kyiv"], ...TENANTS["shop-lviv"], UNREGISTERED]) {
      await env.nats.js.publish(
        receiptSubject(scheme, p, "keycrm"),
        JSON.stringify(aWebhookReceipt({ project_id: p, outcome: "rejected", http_status: 400 })),
      );
    }
    projector = createProjector({
      nats: env.nats,
      db: env.db,
      config: config(),
      logger,
      hooks: {
        recompute: {
          beforeSwap: async ({ ids }) => {
            if (captureFor !== null && ids.includes(captureFor))
              captured.set(captureFor, await otherProjectsRows(env, P));
          },
        },
      },
    });
    await projector.start();
    await waitForCheckpoint(env.db, last, { timeoutMs: 120_000 });
    await projector.recomputesIdle();
  });
  after(async () => {
    await projector?.stop();
    await env?.close();
  });

  test("given five projects and an SLA change of one, when it is recomputed, then its tables equal a clean replay, the other projects' rows are untouched and only its messages were read", async () => {
    const change = settingsSla(P, 2, "06:00");
    captureFor = change.id;
    const seq = await publishTestEvent(env, change);
    await waitForCheckpoint(env.db, seq);
    const row = await waitFor(
      `ops.replays ${change.id} done`,
      async () => {
        const r = await env.db
          .selectFrom("ops.replays")
          .selectAll()
          .where("id", "=", change.id)
          .executeTakeFirst();
        return r && r.status !== "running" && r.status !== "retrying" ? r : null;
      },
      120_000,
    );
    assert.equal(row.status, "done", String(row.error));
    assert.equal(row.project_id, P);

    // Only the project's events were read: as many as its subjects hold, far fewer than the stream.
    const ownEvents = await subjectCount(env, `${env.subjectRoot}.events.${P}.>`);
    const allEvents = (await env.nats.jsm.streams.info(env.streamName)).state.messages;
    assert.equal(row.events_total, ownEvents, "events folded = the project's messages");
    assert.equal(row.events_done, ownEvents);
    assert.ok(ownEvents * 2 < allEvents, `${ownEvents} of ${allEvents} messages: a third of the stream`);

    // The other projects' rows, row versions included, are those seen before the swap.
    const before = captured.get(change.id);
    assert.ok(before && before.length > 1000, "the other projects' rows were captured mid-recompute");
    assert.deepEqual(await otherProjectsRows(env, P), before);

    // The new SLA limit is in force for the project's orders, and the diff lists changed orders.
    const limits = await sql<{ limit_seconds: number | null; n: number }>`
      SELECT limit_seconds, count(*)::int AS n FROM rm.order_group_sla
      WHERE project_id = ${P} AND group_id = 1 GROUP BY limit_seconds ORDER BY limit_seconds`.execute(env.db);
    assert.deepEqual(
      limits.rows.filter((r) => r.limit_seconds !== null).map((r) => r.limit_seconds),
      [6 * 3600],
      "group 1 of the project is judged by the new 6 h limit only",
    );
    const diff = row.diff as ReplayDiff;
    assert.ok(diff.orders_changed > 0, "some orders changed SLA state or predictions");

    // Every table equals a clean full replay (project by project) with the new settings.
    const clean = await replayReadModels(
      { nats: env.nats, db: env.db, config: config(), logger },
      { swap: false, schema: "rm_clean" },
    );
    assert.equal(clean.eventsSeq, seq);
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_clean")).differences, []);
    await sql`DROP SCHEMA rm_clean CASCADE`.execute(env.db);
  });

  test("given a current project, when it is recomputed directly, then it reads its own events and receipts only, changes nothing and leaves the checkpoints alone", async () => {
    const other = "shop-lviv-b";
    const checkpointsBefore = await env.db.selectFrom("rm.checkpoints").selectAll().orderBy("name").execute();
    const result = await recomputeProject({ nats: env.nats, db: env.db, config: config(), logger }, other);
    const own = await subjectCount(env, `${env.subjectRoot}.events.${other}.>`);
    assert.equal(result.read.events, own);
    assert.equal(result.read.receipts, 1, "its one receipts message");
    assert.equal(result.eventsTotal, own);
    assert.equal(result.diff.orders_changed, 0, "nothing changed: the tables were already current");
    assert.ok(result.rows > 0);
    assert.equal(result.changedRows, 0, "every rebuilt row equals the live one: nothing is rewritten");
    assert.deepEqual(
      await env.db.selectFrom("rm.checkpoints").selectAll().orderBy("name").execute(),
      checkpointsBefore,
    );
    const rejected = await sql<{ n: number }>`
      SELECT coalesce(sum(rejected), 0)::int AS n FROM rm.webhook_stats WHERE project_id = ${other}`.execute(
      env.db,
    );
    assert.equal(rejected.rows[0]?.n, 1, "the receipt was folded once");
  });

  test("given poison on a project subject and on an unscoped subject and a foreign-project event, when replayed, then the replay equals the live tables and the dead letters keep their sequences", async () => {
    const poisonOnProject = (
      await env.nats.js.publish(
        `${env.subjectRoot}.events.${P}.order.999999`,
        new TextEncoder().encode("{not json"),
      )
    ).seq;
    const poisonUnscoped = (
      await env.nats.js.publish(`${env.subjectRoot}.events.junk`, new TextEncoder().encode("[]"))
    ).seq;
    await waitForCheckpoint(env.db, poisonUnscoped);
    const layoutReplay = await replayReadModels(
      { nats: env.nats, db: env.db, config: config(), logger },
      { swap: false, schema: "rm_by_project" },
    );
    assert.equal(layoutReplay.eventsSeq, poisonUnscoped);
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_by_project")).differences, []);
    const letters = await sql<{ stream_seq: string }>`
      SELECT stream_seq FROM rm_by_project.dead_letters ORDER BY stream_seq`.execute(env.db);
    assert.deepEqual(
      letters.rows.map((r) => Number(r.stream_seq)),
      [poisonOnProject, poisonUnscoped],
    );
    await sql`DROP SCHEMA rm_by_project CASCADE`.execute(env.db);

    // An event of P published on another project's subject: the replay reads the whole stream in
    // one pass (the live projector applied it to P) and still equals the live tables.
    const foreign = keycrmEvents("shop-kyiv", P).find((e) => e.type === "order.status_changed");
    assert.ok(foreign);
    const moved = { ...foreign, id: newId(), dedup_key: `${foreign.dedup_key}:moved` } as DomainEvent;
    const subject = eventSubject(scheme, moved).replace(`.events.${P}.`, ".events.shop-lviv.");
    const seq = (await env.nats.js.publish(subject, encodeEvent(moved))).seq;
    await waitForCheckpoint(env.db, seq);
    const single = await replayReadModels(
      { nats: env.nats, db: env.db, config: config(), logger },
      { swap: false, schema: "rm_one_pass" },
    );
    assert.equal(single.eventsSeq, seq);
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_one_pass")).differences, []);
    await sql`DROP SCHEMA rm_one_pass CASCADE`.execute(env.db);
  });
});
