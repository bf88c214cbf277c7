import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { QueryConfig } from "../config.js";
import { buildQueryApp, type QueryApp } from "../http/app.js";
import { insertProject } from "../testing/fixtures.js";

const ADMIN = "admin-token-recompute-0123";
let env: TestEnv;
let app: QueryApp;

async function get(url: string) {
  const res = await app.inject({ url, headers: { authorization: `Bearer ${ADMIN}` } });
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  return { status: res.statusCode, body: res.json() as any };
}

async function replay(
  id: string,
  status: string,
  startedAt: string,
  extra: {
    project?: string;
    reason?: string;
    attempts?: number;
    last_error?: string;
    error?: string;
    next?: string;
  } = {},
) {
  await env.db
    .insertInto("ops.replays")
    .values({
      id,
      project_id: extra.project ?? "shop",
      reason: extra.reason ?? "settings.sla_changed",
      trigger_event_id: id,
      requested_by: "alice",
      status,
      events_total: 0,
      events_done: 0,
      started_at: startedAt,
      finished_at: null,
      error: extra.error ?? null,
      diff: null,
      attempts: extra.attempts ?? 0,
      last_error: extra.last_error ?? null,
      next_attempt_at: extra.next ?? null,
    })
    .execute();
}

before(async () => {
  env = await createTestEnv("qrecompute");
  app = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: QueryConfig.parse({ ...env.env, ADMIN_TOKEN: ADMIN }),
    logger: createLogger("query-test", "silent"),
    clock: () => new Date("2026-11-07T12:00:00.000Z"),
  });
  await insertProject(env.db, "shop", "Shop");
  await insertProject(env.db, "other", "Other");
});

beforeEach(async () => {
  await env.db.deleteFrom("ops.replays").execute();
});

after(async () => {
  await app?.close();
  await env?.close();
});

describe("recompute state in the settings answers and /ready", () => {
  test("given no recompute ever, then up_to_date with no replay", async () => {
    const r = await get("/api/settings/sla?project=shop");
    assert.deepEqual(r.body.recompute, {
      status: "up_to_date",
      replay_id: null,
      replay_url: null,
      attempts: 0,
      last_error: null,
      next_attempt_at: null,
    });
    assert.equal((await get("/ready")).body.recompute.status, "up_to_date");
  });

  test("given a running and a retrying recompute of the project, then retrying with the newest id, the error and the earliest next attempt", async () => {
    await replay("r1", "retrying", "2026-11-07T10:00:00Z", {
      attempts: 3,
      last_error: "NatsUnavailableError: NATS disconnected",
      next: "2026-11-07T12:01:00Z",
    });
    await replay("r2", "running", "2026-11-07T11:00:00Z", { attempts: 0 });
    await replay("o1", "retrying", "2026-11-07T11:30:00Z", {
      project: "other",
      attempts: 1,
      last_error: "x",
    });
    const r = await get("/api/settings/working-hours?project=shop");
    assert.deepEqual(r.body.recompute, {
      status: "retrying",
      replay_id: "r2",
      replay_url: "/api/replays/r2?project=shop",
      attempts: 3,
      last_error: "NatsUnavailableError: NATS disconnected",
      next_attempt_at: "2026-11-07T12:01:00.000Z",
    });
    const ready = await get("/ready");
    assert.equal(ready.status, 200);
    assert.deepEqual(
      [ready.body.recompute.status, ready.body.recompute.pending, ready.body.recompute.retrying],
      ["retrying", 1, 2],
    );
    const list = await get("/api/replays?project=shop&status=retrying");
    assert.deepEqual(
      list.body.items.map((i: { id: string; attempts: number; next_attempt_at: string }) => [
        i.id,
        i.attempts,
        i.next_attempt_at,
      ]),
      [["r1", 3, "2026-11-07T12:01:00.000Z"]],
    );
  });

  test("given only a running recompute, then pending", async () => {
    await replay("r3", "running", "2026-11-07T11:00:00Z", { attempts: 1 });
    assert.equal((await get("/api/settings/cycle?project=shop")).body.recompute.status, "pending");
    assert.equal((await get("/ready")).body.recompute.status, "pending");
  });

  test("given a failed recompute, then failed with its error until a later rebuild of any project completes; an in-place override does not count", async () => {
    await replay("f1", "failed", "2026-11-07T09:00:00Z", {
      attempts: 1,
      error: "DeterministicRecomputeError: impossible setting",
    });
    await replay("ov", "done", "2026-11-07T10:00:00Z", { reason: "order.overrides_changed" });
    let r = await get("/api/settings/sla?project=shop");
    assert.equal(r.body.recompute.status, "failed");
    assert.equal(r.body.recompute.replay_id, "f1");
    assert.equal(r.body.recompute.last_error, "DeterministicRecomputeError: impossible setting");
    let ready = await get("/ready");
    assert.equal(ready.status, 200, "a failed recompute is reported, not a reason to stop serving");
    assert.equal(ready.body.recompute.status, "failed");
    assert.match(ready.body.recompute.reason, /1 failed: DeterministicRecomputeError: impossible setting/);

    await replay("d1", "done", "2026-11-07T11:00:00Z", { project: "other", attempts: 1 });
    r = await get("/api/settings/sla?project=shop");
    assert.equal(r.body.recompute.status, "up_to_date");
    ready = await get("/ready");
    assert.equal(ready.body.recompute.failed, 0);
  });
});
