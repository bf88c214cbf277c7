import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, test } from "node:test";
import { type DomainEvent, type EventOfType, OrderUpdatedNotice, orderUpdatesSubject } from "@pulse/events";
import { aDictionarySynced, anOrderStatusChanged, aProjectRegistered } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import {
  createTestEnv,
  publishTestEvent,
  type TestEnv,
  waitFor,
  waitForCheckpoint,
} from "@pulse/infra/testing";
import { sql } from "kysely";
import { loadProjectorConfig } from "../projector.config.js";
import { createProjector, type Projector } from "../projector.js";
import { compareReadModels } from "../replay/read-models.compare.js";
import { replayReadModels } from "../replay/replay.js";
import type { ReplayDiff } from "../replay/replay-diff.js";

const P = "shop-rc";
const T0 = Date.UTC(2026, 9, 12, 6, 0, 0); // Mon 2026-10-12 09:00 Europe/Kyiv
const H = 3_600_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();

const DICTIONARY = [
  { status_id: 1, group_id: 1 },
  { status_id: 2, group_id: 2 },
  { status_id: 3, group_id: 1 },
  { status_id: 4, group_id: 3 },
  { status_id: 5, group_id: 4 },
  { status_id: 6, group_id: 5, is_closing_order: true },
];
const GROUP_OF: Record<number, number> = { 1: 1, 2: 2, 3: 1, 4: 3, 5: 4, 6: 5 };

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const run = randomBytes(5).readUIntBE(0, 5);
let counter = 0;
/** A unique ULID-shaped id (time part from the counter, random part per test run). */
function ulidLike(): string {
  let n = BigInt(Date.now() + counter++) * 2n ** 80n + BigInt(run) * 2n ** 40n + BigInt(counter);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(n % 32n)]! + out;
    n /= 32n;
  }
  return out;
}

function envelope<T extends DomainEvent["type"]>(
  type: T,
  data: EventOfType<T>["data"],
  dedup: string,
  occurredAt = at(0),
): EventOfType<T> {
  return {
    id: ulidLike(),
    type,
    version: 1,
    project_id: P,
    occurred_at: occurredAt,
    recorded_at: occurredAt,
    dedup_key: dedup,
    source: "api",
    raw: null,
    data,
  } as unknown as EventOfType<T>;
}

let version = 0;
const slaChanged = (normal: Record<string, string | null>, urgent: Record<string, string | null> = {}) =>
  envelope(
    "settings.sla_changed",
    { version: ++version, changed_by: "admin@test", near_share: 0.8, grids: { normal, urgent } },
    `settings:${P}:sla:${version}:${ulidLike()}`,
  );

const status = (orderId: number, statusId: number, ms: number) =>
  anOrderStatusChanged(
    {
      order_id: orderId,
      status_id: statusId,
      status_group_id: GROUP_OF[statusId]!,
      status_changed_at: at(ms),
    },
    P,
  );

describe("projector: working calendars, SLA, urgency, cycles and overrides", () => {
  let env: TestEnv;
  let projectors: Projector[];
  let clock = T0;
  const logger = createLogger("recompute-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  const deps = (overrides: Record<string, string> = {}) => ({
    nats: env.nats,
    db: env.db,
    config: loadProjectorConfig({
      ...env.env,
      PROJECTOR_RETRY_MAX_MS: "200",
      SLA_TICK_SECONDS: "3600",
      ...overrides,
    }),
    logger,
  });
  const start = async () => {
    const p = createProjector({ ...deps(), clock: () => clock });
    projectors.push(p);
    await p.start();
    return p;
  };
  const publish = (event: DomainEvent) => publishTestEvent(env, event);
  const waitSeq = (seq: number) => waitForCheckpoint(env.db, seq);
  const intervals = (orderId: number) =>
    env.db
      .selectFrom("rm.order_status_intervals")
      .selectAll()
      .where("project_id", "=", P)
      .where("order_id", "=", orderId)
      .orderBy("seq")
      .execute();
  const groupSla = async (orderId: number, groupId: number) => {
    const r = await env.db
      .selectFrom("rm.order_group_sla")
      .selectAll()
      .where("project_id", "=", P)
      .where("order_id", "=", orderId)
      .where("group_id", "=", groupId)
      .executeTakeFirstOrThrow();
    const iso = (d: Date | null) => (d === null ? null : d.toISOString());
    return { ...r, near_at: iso(r.near_at), over_at: iso(r.over_at), running_since: iso(r.running_since) };
  };
  const current = (orderId: number) =>
    env.db
      .selectFrom("rm.orders_current")
      .selectAll()
      .where("project_id", "=", P)
      .where("order_id", "=", orderId)
      .executeTakeFirstOrThrow();
  const replayRow = (id: string) =>
    waitFor(
      `ops.replays ${id} finished`,
      async () => {
        const r = await env.db.selectFrom("ops.replays").selectAll().where("id", "=", id).executeTakeFirst();
        return r && r.status !== "running" ? r : null;
      },
      60_000,
    );

  beforeEach(async () => {
    env = await createTestEnv("recompute");
    projectors = [];
    clock = T0;
  });
  afterEach(async () => {
    for (const p of projectors) await p.stop();
    await env.close();
  });

  test("given a split working calendar in Europe/Kyiv, when intervals close, then working seconds skip the lunch break and the SLA uses them", async () => {
    await publish(aProjectRegistered(P, { time_zone: "Europe/Kyiv" }));
    await publish(aDictionarySynced(DICTIONARY, P));
    const split = ["09:00-13:00", "14:00-18:00"];
    await publish(
      envelope(
        "settings.working_hours_changed",
        {
          version: 1,
          changed_by: "admin@test",
          default: {},
          groups: {
            "2": {
              working_hours: { mon: split, tue: split, wed: split, thu: split, fri: split, sat: [], sun: [] },
            },
          },
        },
        `settings:${P}:working_hours:1`,
      ),
    );
    await publish(slaChanged({ "2": "05:00" }));
    await publish(status(15001, 2, 0));
    const last = await publish(status(15001, 5, 7 * H)); // 09:00–16:00 Kyiv
    const p = await start();
    await waitSeq(last);
    await p.recomputesIdle();
    const [first, open] = await intervals(15001);
    assert.equal(first!.duration_seconds, 25_200);
    assert.equal(first!.working_seconds, 21_600, "4 h + 2 h");
    const g2 = await groupSla(15001, 2);
    assert.equal(g2.limit_seconds, 18_000);
    assert.equal(g2.working_seconds_closed, 21_600);
    assert.equal(g2.state_if_closed, "over");
    assert.equal(g2.running_since, null);
    assert.equal(g2.near_at, at(4 * H));
    assert.equal(g2.over_at, at(6 * H + 1), "the 5th working hour ends at 15:00 Kyiv; over 1 ms later");
    assert.equal(open!.working_seconds, null);
    const g4 = await groupSla(15001, 4);
    assert.equal(g4.limit_seconds, null);
    assert.equal(g4.running_since, at(7 * H));
    const c = await current(15001);
    assert.equal(new Date(c.delivery_entered_at!).toISOString(), at(7 * H));
  });

  test("given an urgent item, when projected, then the urgent limit applies; an override urgent=false wins and gets a done ops.replays row", async () => {
    await publish(aProjectRegistered(P));
    await publish(aDictionarySynced(DICTIONARY, P));
    await publish(
      envelope(
        "settings.urgent_rules_changed",
        { version: 1, changed_by: "admin@test", rules: [{ match_type: "offer_id", match_value: "16" }] },
        `settings:${P}:urgent_rules:1`,
      ),
    );
    await publish(slaChanged({ "1": "10:00" }, { "1": "02:00" }));
    await publish(status(15010, 1, 0));
    await publish(status(15010, 4, 3 * H));
    const p = await start();
    const items = await publish(
      envelope(
        "order.items_fetched",
        {
          order_id: 15010,
          fetched_at: at(5 * H),
          items: [
            {
              line_id: 1,
              name: "x",
              sku: "A-1",
              quantity: 1,
              price: 10,
              offer_id: 16,
              offer_sku: "A-1",
              product_id: 2,
            },
          ],
        },
        `items:${P}:15010:h1`,
      ),
    );
    await waitSeq(items);
    await p.recomputesIdle();
    let [first] = await intervals(15010);
    assert.equal(first!.is_urgent, true);
    let g1 = await groupSla(15010, 1);
    assert.equal(g1.limit_seconds, 7200, "the urgent grid");
    assert.equal(g1.sla_profile, "urgent");
    assert.equal(g1.state_if_closed, "over");
    let c = await current(15010);
    assert.equal(c.is_urgent, true);
    assert.equal(c.urgent_source, "rule");
    assert.equal(c.urgent_rule, "offer_id:16");
    assert.equal(new Date(c.urgent_since!).toISOString(), at(0));

    const override = envelope(
      "order.overrides_changed",
      {
        order_id: 15010,
        changed_by: "admin@test",
        overrides: { urgent: false, sla_profile: null, cycle_start_at: null, cycle_end_at: null },
      },
      `overrides:${P}:15010:x`,
    );
    await waitSeq(await publish(override));
    [first] = await intervals(15010);
    assert.equal(first!.is_urgent, false);
    g1 = await groupSla(15010, 1);
    assert.equal(g1.limit_seconds, 36_000);
    assert.equal(g1.state_if_closed, "ok");
    c = await current(15010);
    assert.equal(c.urgent_source, "override");
    assert.equal(c.is_urgent, false);
    const row = await replayRow(override.id);
    assert.equal(row.status, "done");
    assert.equal(row.reason, "order.overrides_changed");
    const diff = row.diff as ReplayDiff;
    assert.equal(diff.orders_changed, 1);
    assert.deepEqual(
      diff.changes.map((ch) => [ch.order_id, ch.field, ch.before, ch.after]),
      [[15010, "sla_state", "over", "ok"]],
    );
  });

  test("given a settings change, when applied live, then ops.replays goes running→done, the tables equal a clean replay and the diff lists exactly the changed orders", async () => {
    await publish(aProjectRegistered(P));
    await publish(aDictionarySynced(DICTIONARY, P));
    await publish(
      envelope(
        "settings.cycle_changed",
        {
          version: 1,
          changed_by: "admin@test",
          rules: [{ name: "to delivery", start: { group_id: 1 }, end: { group_id: 4 } }],
        },
        `settings:${P}:cycle:1`,
      ),
    );
    await publish(slaChanged({ "1": "02:00", "2": "10:00" }));
    // A: 3 h in group 1 (over 2 h; ok under 4 h) then open in group 2 (10 h either way).
    await publish(status(15001, 1, 0));
    await publish(status(15001, 2, 3 * H));
    // B: 1 h in group 1 (ok either way), then delivery (cycle closed: 1 h).
    await publish(status(15002, 1, 0));
    await publish(status(15002, 5, 1 * H));
    // C: only in group 3 (no SLA).
    await publish(status(15003, 4, 0));
    // D: open in group 1: its predicted near/over move.
    const last = await publish(status(15004, 1, 0));
    const p = await start();
    await waitSeq(last);
    await p.recomputesIdle();
    assert.equal((await groupSla(15001, 1)).state_if_closed, "over");
    assert.equal((await current(15002)).cycle_wall_seconds, 3600);
    assert.equal((await current(15004)).cycle_ended_at, null);

    const change = slaChanged({ "1": "04:00", "2": "10:00" });
    const seq = await publish(change);
    await waitSeq(seq);
    const seen = await env.db
      .selectFrom("ops.replays")
      .selectAll()
      .where("id", "=", change.id)
      .executeTakeFirstOrThrow();
    assert.ok(["running", "done"].includes(seen.status), "the row is inserted with the settings row");
    assert.equal(seen.reason, "settings.sla_changed");
    assert.equal(seen.requested_by, "admin@test");
    assert.equal(seen.project_id, P);
    const row = await replayRow(change.id);
    assert.equal(row.status, "done", String(row.error));
    assert.ok(row.events_total >= seq && row.events_done === row.events_total);
    assert.ok(row.finished_at !== null);

    assert.equal((await groupSla(15001, 1)).state_if_closed, "ok");
    const d = await current(15004);
    assert.equal(new Date(d.sla_next_transition_at!).toISOString(), at(3.2 * H));

    const clean = await replayReadModels(deps(), { swap: false, schema: "rm_clean" });
    assert.equal(clean.eventsSeq, seq);
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_clean")).differences, []);

    const diff = row.diff as ReplayDiff;
    assert.equal(diff.orders_changed, 2);
    assert.equal(diff.truncated, false);
    assert.deepEqual(
      diff.changes.map((ch) => [ch.order_id, ch.field, ch.group_id, ch.before, ch.after]),
      [
        [15001, "sla_state", 1, "over", "ok"],
        [15004, "sla_near_at", 1, at(1.6 * H), at(3.2 * H)],
        [15004, "sla_over_at", 1, at(2 * H + 1), at(4 * H + 1)],
      ],
    );
  });

  test("given a running order back in a group, when the clock passes the group total's 80 % and 100 %, then the ticker announces sla_near and sla_over at those instants", async () => {
    await publish(aProjectRegistered(P));
    await publish(aDictionarySynced(DICTIONARY, P));
    await publish(slaChanged({ "1": "02:00" }));
    // Group 1 (24/7, 2 h): 1 h in status 1, 1 h in group 3, back in group 1 at 2 h (status 1, then
    // status 3 of the same group at 2.3 h: the clock does not restart). The group total reaches 80 %
    // (1.6 h) at 2.6 h and exceeds 2 h just after 3 h — one interval alone would say 3.9 h and 4.3 h.
    await publish(status(15020, 1, 0));
    await publish(status(15020, 4, 1 * H));
    await publish(status(15020, 1, 2 * H));
    const last = await publish(status(15020, 3, 2.3 * H));
    const p = await start();
    await waitSeq(last);
    await p.recomputesIdle();
    const g1 = await groupSla(15020, 1);
    assert.deepEqual(
      [g1.visits, g1.working_seconds_closed, g1.running_since, g1.near_at, g1.over_at],
      [3, 1.3 * 3600, at(2.3 * H), at(2.6 * H), at(3 * H + 1)],
    );
    assert.equal(new Date((await current(15020)).sla_next_transition_at!).toISOString(), at(2.6 * H));
    // A replay rebuilds the same group rows as the live projector.
    await replayReadModels(deps(), { swap: false, schema: "rm_reentry" });
    const replayed = await sql<{ group_id: string; visits: number }>`
      SELECT group_id, visits FROM rm_reentry.order_group_sla WHERE order_id = 15020 ORDER BY group_id`.execute(
      env.db,
    );
    assert.deepEqual(
      replayed.rows.map((r) => [Number(r.group_id), r.visits]),
      [
        [1, 3],
        [3, 1],
      ],
    );
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_reentry")).differences, []);
    const subject = orderUpdatesSubject({ root: env.subjectRoot }, P);
    const lastNotice = () =>
      env.nats.jsm.streams
        .getMessage(`${env.streamName}_UPDATES`, { last_by_subj: subject })
        .catch(() => null);

    clock = T0 + 2.6 * H - 1;
    assert.equal(await p.tickSla(), 0, "1 ms before the group total reaches 80 %");
    clock = T0 + 2.6 * H;
    assert.equal(await p.tickSla(), 1, "at 80 % of the group total");
    const near = await waitFor("near notice", async () => {
      const m = await lastNotice();
      return m && OrderUpdatedNotice.parse(m.json()).reason === "sla_near" ? m : null;
    });
    assert.equal(OrderUpdatedNotice.parse(near.json()).order_id, 15020);
    assert.equal(await p.tickSla(), 0, "a window is announced once");
    clock = T0 + 3 * H;
    assert.equal(await p.tickSla(), 0, "exactly at the limit the order is still near");
    clock = T0 + 3 * H + 1;
    assert.equal(await p.tickSla(), 1, "1 ms over the limit");
    await waitFor("over notice", async () => {
      const m = await lastNotice();
      return m && OrderUpdatedNotice.parse(m.json()).reason === "sla_over" ? m : null;
    });
  });
});
