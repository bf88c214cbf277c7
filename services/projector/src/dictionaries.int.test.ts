import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { DomainEvent } from "@pulse/events";
import {
  aDictionarySynced,
  anOrderStatusChanged,
  aProjectRegistered,
  aUsersSynced,
} from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import {
  createTestEnv,
  publishTestEvent,
  type TestEnv,
  waitFor,
  waitForCheckpoint,
} from "@pulse/infra/testing";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector, type Projector } from "./projector.js";
import { compareReadModels } from "./replay/read-models.compare.js";
import { replayReadModels } from "./replay/replay.js";
import type { ReplayDiff } from "./replay/replay-diff.js";

const P = "shop-dict";
const T0 = Date.UTC(2026, 9, 12, 6, 0, 0);
const H = 3_600_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();

// Status 2 sits in group 2, status 6 closes (group 5).
const BEFORE = [
  { status_id: 1, group_id: 1 },
  { status_id: 2, group_id: 2 },
  { status_id: 6, group_id: 5, is_closing_order: true },
];
// The CRM admin moved status 2 to group 3 and made status 6 non-closing; status 1 was renamed.
const AFTER = [
  { status_id: 1, group_id: 1, name: "Нове" },
  { status_id: 2, group_id: 3 },
  { status_id: 6, group_id: 5, is_closing_order: false },
];

const status = (orderId: number, statusId: number, group: number, ms: number) =>
  anOrderStatusChanged(
    { order_id: orderId, status_id: statusId, status_group_id: group, status_changed_at: at(ms) },
    P,
  );

describe("projector: status and users dictionaries", () => {
  let env: TestEnv;
  let projector: Projector | null = null;
  const logger = createLogger("dictionaries-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  const deps = () => ({
    nats: env.nats,
    db: env.db,
    config: loadProjectorConfig({ ...env.env, PROJECTOR_RETRY_MAX_MS: "200", SLA_TICK_SECONDS: "3600" }),
    logger,
  });
  const publish = (event: DomainEvent) => publishTestEvent(env, event);
  const waitSeq = (seq: number) => waitForCheckpoint(env.db, seq);
  const intervalGroups = async (orderId: number) =>
    (
      await env.db
        .selectFrom("rm.order_status_intervals")
        .select("status_group_id")
        .where("project_id", "=", P)
        .where("order_id", "=", orderId)
        .orderBy("seq")
        .execute()
    ).map((r) => r.status_group_id);
  const current = (orderId: number) =>
    env.db
      .selectFrom("rm.orders_current")
      .selectAll()
      .where("project_id", "=", P)
      .where("order_id", "=", orderId)
      .executeTakeFirstOrThrow();
  const dictionaryReplays = () =>
    env.db.selectFrom("ops.replays").selectAll().where("reason", "=", "dictionary.statuses_synced").execute();

  beforeEach(async () => {
    env = await createTestEnv("dictrecompute");
  });
  afterEach(async () => {
    await projector?.stop();
    projector = null;
    await env.close();
  });

  test("given a status moved to another group and a closing flag turned off, when synced, then a recompute runs and intervals, events and orders_current follow; a refresh that changes nothing starts none", async () => {
    await publish(aProjectRegistered(P));
    await publish(aDictionarySynced(BEFORE, P));
    // An SLA for group 2 only: the recompute's diff shows A's open interval losing it.
    await publish({
      id: "01JC00000000000000000000SA",
      type: "settings.sla_changed",
      version: 1,
      project_id: P,
      occurred_at: at(0),
      recorded_at: at(0),
      dedup_key: `settings:${P}:sla:1`,
      source: "api",
      raw: null,
      data: {
        version: 1,
        changed_by: "admin@test",
        near_share: 0.8,
        grids: { normal: { "2": "10:00" }, urgent: {} },
      },
    });
    // A: group 1 for 1 h, then open in status 2.
    await publish(status(15001, 1, 1, 0));
    await publish(status(15001, 2, 2, 1 * H));
    // B: closed by status 6 after 2 h.
    await publish(status(15002, 1, 1, 0));
    await publish(status(15002, 6, 5, 2 * H));
    // C: untouched by the change.
    const last = await publish(status(15003, 1, 1, 0));
    projector = createProjector({ ...deps(), clock: () => T0 + 3 * H });
    await projector.start();
    await waitSeq(last);
    assert.deepEqual(await intervalGroups(15001), [1, 2]);
    assert.equal(new Date((await current(15002)).closed_at!).toISOString(), at(2 * H));

    // The periodic refresh, past JetStream's duplicate window: the same statuses (one renamed).
    const same = aDictionarySynced(
      BEFORE.map((s) => (s.status_id === 1 ? { ...s, name: "Нове" } : s)),
      P,
    );
    const sameSeq = await publish({ ...same, dedup_key: `${same.dedup_key}:again` });
    await waitSeq(sameSeq);
    await projector.recomputesIdle();
    assert.deepEqual(await dictionaryReplays(), [], "a refresh that changes no group or closing flag");

    const move = aDictionarySynced(AFTER, P);
    const seq = await publish(move);
    await waitSeq(seq);
    const row = await waitFor(
      "the dictionary recompute finished",
      async () => {
        const r = await env.db
          .selectFrom("ops.replays")
          .selectAll()
          .where("id", "=", move.id)
          .executeTakeFirst();
        return r && r.status !== "running" ? r : null;
      },
      60_000,
    );
    assert.equal(row.status, "done", String(row.error));
    assert.equal(row.reason, "dictionary.statuses_synced");
    assert.equal(row.project_id, P);

    assert.deepEqual(await intervalGroups(15001), [1, 3], "the moved status's interval follows");
    const a = await current(15001);
    assert.equal(a.last_status_group_id, 3);
    const stored = await env.db
      .selectFrom("rm.order_status_events")
      .select(["status_group_id", "event_group_id"])
      .where("project_id", "=", P)
      .where("order_id", "=", 15001)
      .where("status_id", "=", 2)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      stored,
      { status_group_id: 3, event_group_id: 2 },
      "resolved group beside the delivered one",
    );
    const b = await current(15002);
    assert.equal(b.closed_at, null, "status 6 no longer closes the order");
    assert.deepEqual(await intervalGroups(15003), [1]);

    const diff = row.diff as ReplayDiff;
    assert.equal(diff.orders_changed, 2);
    assert.deepEqual(
      diff.changes.map((c) => [c.order_id, c.field, c.group_id ?? null, c.before, c.after]),
      [
        [15001, "last_status_group_id", null, 2, 3],
        [15002, "closed_at", null, at(2 * H), null],
      ],
      "the moved order (its SLA rows are per group: group 2's left, group 3's is new, none to compare) and the one no longer closed",
    );

    const clean = await replayReadModels(deps(), { swap: false, schema: "rm_clean" });
    assert.equal(clean.eventsSeq, seq);
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_clean")).differences, []);
    assert.equal((await dictionaryReplays()).length, 1);
  });

  test("given two users syncs, when projected, then rm.crm_users holds the names (a user left out is kept, out of the last sync) and a replay rebuilds it", async () => {
    await publish(aProjectRegistered(P, { kind: "amocrm" }));
    await publish(
      aUsersSynced(
        [
          { user_id: 11840231, name: "Айгерим Сейткали" },
          { user_id: 11840235, name: "Дана Омарова" },
        ],
        P,
      ),
    );
    const last = await publish(
      aUsersSynced([{ user_id: 11840231, name: "Айгерим Сейткали-Ким", is_admin: true }], P),
    );
    projector = createProjector({ ...deps(), clock: () => T0 });
    await projector.start();
    await waitSeq(last);
    const rows = await env.db
      .selectFrom("rm.crm_users")
      .select(["user_id", "name", "is_admin", "in_last_sync", "event_seq"])
      .where("project_id", "=", P)
      .orderBy("user_id")
      .execute();
    assert.deepEqual(rows, [
      {
        user_id: 11840231,
        name: "Айгерим Сейткали-Ким",
        is_admin: true,
        in_last_sync: true,
        event_seq: last,
      },
      { user_id: 11840235, name: "Дана Омарова", is_admin: false, in_last_sync: false, event_seq: last },
    ]);
    const clean = await replayReadModels(deps(), { swap: false, schema: "rm_clean" });
    assert.equal(clean.eventsSeq, last);
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_clean")).differences, []);
  });
});
