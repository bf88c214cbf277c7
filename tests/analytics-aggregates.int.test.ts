/**
 * The analytics read from the projector's aggregates (`rm.order_duration_stats`) equal the
 * per-interval computation they replaced (kept as the oracle: `statusDurationsFromIntervals`) on the
 * KeyCRM fixture corpus (shop-kyiv, Europe/Kyiv, across the DST change): counts and SLA counts
 * exactly, sums and means to the microsecond (the aggregates sum whole milliseconds), median and
 * p90 within the relative error the answer states — live, after a settings change recomputes the
 * project, and after a full replay; the live aggregates equal a clean replay's row for row. The
 * unfiltered board's KPI from the projector's counters equals the per-interval KPI the same way.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { DomainEvent, EventOfType } from "@pulse/events";
import { aProjectRegistered, sequentialIds } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import {
  createTestEnv,
  publishTestEvent,
  type TestEnv,
  waitFor,
  waitForCheckpoint,
} from "@pulse/infra/testing";
import { dictionaryEvent, dictionaryFromJson, normalizeKeycrmWebhook } from "@pulse/ingest";
import {
  compareReadModels,
  createProjector,
  loadProjectorConfig,
  type Projector,
  replayReadModels,
} from "@pulse/projector";
import {
  boardKpiFromAggregates,
  boardKpiFromIntervals,
  listOrders,
  statusDurations,
  statusDurationsFromIntervals,
} from "@pulse/query/testing";
import { sql } from "kysely";

const FIXTURES = new URL("../../shared/fixtures/", import.meta.url);
const P = "shop-kyiv";
const newId = sequentialIds();
const logger = createLogger("analytics-aggregates-test", process.env["TEST_LOG_LEVEL"] ?? "silent");

function settingsEvent<T extends DomainEvent["type"]>(
  type: T,
  kind: string,
  data: Omit<EventOfType<T>["data"], "changed_by">,
): EventOfType<T> {
  const at = "2026-10-01T00:00:00.000Z";
  return {
    id: newId(),
    type,
    version: 1,
    project_id: P,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `settings:${P}:${kind}:${(data as unknown as { version: number }).version}`,
    source: "api",
    raw: null,
    data: { ...data, changed_by: "admin@test" },
  } as unknown as EventOfType<T>;
}

const OFFICE = {
  mon: ["09:00-13:00", "14:00-18:00"],
  tue: ["09:00-13:00", "14:00-18:00"],
  wed: ["09:00-13:00", "14:00-18:00"],
  thu: ["09:00-13:00", "14:00-18:00"],
  fri: ["09:00-13:00", "14:00-18:00"],
  sat: ["10:00-15:00"],
  sun: [],
};

/** The fixture's KeyCRM deliveries of shop-kyiv, normalized. */
function keycrmEvents(): DomainEvent[] {
  const out: DomainEvent[] = [];
  for (const line of readFileSync(new URL("keycrm/webhooks.jsonl", FIXTURES), "utf8").split("\n")) {
    if (!line) continue;
    const d = JSON.parse(line) as { project: string; received_at: string; body: unknown };
    if (d.project !== P) continue;
    try {
      const r = normalizeKeycrmWebhook(d.body, {
        projectId: P,
        receivedAt: new Date(d.received_at),
        contentType: "application/json",
        rawBody: JSON.stringify(d.body),
        newId,
      });
      out.push(...r.events);
    } catch {
      // ingest answers such a delivery 4xx and stores nothing
    }
  }
  return out;
}

/** Every third order urgent by override, so both urgencies have orders. */
function urgentOverrides(events: readonly DomainEvent[]): DomainEvent[] {
  const ids = new Set<number>();
  for (const e of events) if (e.type === "order.status_changed") ids.add(e.data.order_id);
  return [...ids]
    .filter((id) => id % 3 === 0)
    .map(
      (order_id) =>
        ({
          id: newId(),
          type: "order.overrides_changed",
          version: 1,
          project_id: P,
          occurred_at: "2026-10-01T00:00:00.000Z",
          recorded_at: "2026-10-01T00:00:00.000Z",
          dedup_key: `overrides:${P}:${order_id}:urgent`,
          source: "api",
          raw: null,
          data: {
            order_id,
            changed_by: "admin@test",
            overrides: { urgent: true, sla_profile: null, cycle_start_at: null, cycle_end_at: null },
          },
        }) as unknown as DomainEvent,
    );
}

/** The requests compared: by day, week and month; periods that are one bucket and ones that are not. */
const RANGES = [
  { from: "2026-10-01", to: "2026-10-31", granularity: "day" },
  { from: "2026-10-12", to: "2026-11-08", granularity: "week" },
  { from: "2026-10-15", to: "2026-11-03", granularity: "week" },
  { from: "2026-10-01", to: "2026-11-30", granularity: "month" },
  { from: "2026-01-01", to: "2026-12-31", granularity: "month" },
  { from: "2026-10-26", to: "2026-11-01", granularity: "day" },
] as const;
const BASES = ["working", "wall"] as const;
const URGENCIES = ["all", "urgent", "normal"] as const;
/** After the corpus: every bucket has ended. */
const LATER = new Date("2027-03-01T00:00:00.000Z");
/** Inside the corpus: the buckets around it are still running. */
const DURING = new Date("2026-10-28T10:30:00.000Z");

type Block = Awaited<ReturnType<typeof statusDurationsFromIntervals>>["period"];

const near = (a: number, e: number, what: string) =>
  assert.ok(Math.abs(a - e) <= 1e-6 + 1e-12 * Math.abs(e), `${what}: ${a} ≠ ${e}`);
const within = (a: number, e: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - e) <= rel * Math.abs(e) + 1e-9, `${what}: ${a} not within ${rel} of ${e}`);

/** Asserts an aggregate block equals the oracle's: exact parts exactly, percentiles within the stated error. */
function assertSameBlock(actual: Block, expected: Block, where: string): number {
  const rel = actual.percentiles.max_relative_error;
  assert.deepEqual(
    { ...actual.totals, total_seconds: 0 },
    { ...expected.totals, total_seconds: 0 },
    `${where} totals`,
  );
  near(actual.totals.total_seconds, expected.totals.total_seconds, `${where} totals.total_seconds`);
  const stats = (
    a: Omit<Block["statuses"][number], "status_id" | "status_name" | "group_id" | "group_name">,
    e: typeof a,
    w: string,
  ) => {
    assert.equal(a.orders_visited, e.orders_visited, `${w} orders_visited`);
    assert.equal(a.intervals, e.intervals, `${w} intervals`);
    near(a.total_seconds, e.total_seconds, `${w} total`);
    near(a.mean_seconds, e.mean_seconds, `${w} mean`);
    within(a.median_seconds, e.median_seconds, rel, `${w} median`);
    within(a.p90_seconds, e.p90_seconds, rel, `${w} p90`);
  };
  assert.deepEqual(
    actual.groups.map((g) => [g.group_id, g.group_name]),
    expected.groups.map((g) => [g.group_id, g.group_name]),
    `${where} groups`,
  );
  actual.groups.forEach((g, i) => {
    const e = expected.groups[i]!;
    stats(g, e, `${where} group ${g.group_id}`);
    assert.deepEqual(g.sla, e.sla, `${where} group ${g.group_id} sla`);
  });
  assert.deepEqual(
    actual.statuses.map((s) => [s.group_id, s.status_id, s.status_name]),
    expected.statuses.map((s) => [s.group_id, s.status_id, s.status_name]),
    `${where} statuses`,
  );
  for (const [i, s] of actual.statuses.entries()) {
    stats(s, expected.statuses[i]!, `${where} status ${s.status_id}`);
  }
  assert.deepEqual(
    actual.cycles.map((c) => [c.rule_name, c.cycles]),
    expected.cycles.map((c) => [c.rule_name, c.cycles]),
    `${where} cycles`,
  );
  actual.cycles.forEach((c, i) => {
    const e = expected.cycles[i]!;
    near(c.total_seconds, e.total_seconds, `${where} cycle ${c.rule_name} total`);
    near(c.mean_seconds, e.mean_seconds, `${where} cycle ${c.rule_name} mean`);
    within(c.median_seconds, e.median_seconds, rel, `${where} cycle median`);
    within(c.p90_seconds, e.p90_seconds, rel, `${where} cycle p90`);
  });
  return actual.groups.reduce((n, g) => n + g.orders_visited, 0);
}

/**
 * Compares every request of {@link RANGES} × bases × urgencies at `asOf`; returns how many blocks
 * came from the aggregates and how many orders they counted (so a vacuous pass is caught).
 */
async function assertSameAnalytics(env: TestEnv, asOf: Date, label: string) {
  let fromAggregates = 0;
  let counted = 0;
  for (const r of RANGES) {
    for (const basis of BASES) {
      for (const urgency of URGENCIES) {
        const q = { projectId: P, ...r, basis, urgency, asOf };
        const where = `${label} ${r.from}..${r.to}/${r.granularity}/${basis}/${urgency}`;
        const got = await statusDurations(env.db, q);
        const oracle = await statusDurationsFromIntervals(env.db, q);
        assert.equal(got.buckets.length, oracle.buckets.length, where);
        counted += assertSameBlock(got.period, oracle.period, `${where} period`);
        got.buckets.forEach((b, i) => {
          counted += assertSameBlock(b, oracle.buckets[i]!, `${where} ${b.bucket}`);
        });
        assert.equal(
          got.coverage.blocks_from_aggregates + got.coverage.blocks_from_intervals,
          got.buckets.length + 1,
        );
        fromAggregates += got.coverage.blocks_from_aggregates;
      }
    }
  }
  return { fromAggregates, counted };
}

/**
 * Asserts the board KPI from the counters equals the per-interval KPI at `asOf` (counts exactly,
 * seconds to the microsecond); returns the orders counted.
 */
async function assertSameBoardKpi(env: TestEnv, asOf: Date, label: string): Promise<number> {
  const q = {
    projectId: P,
    dateField: "last_changed_at",
    asOf,
    page: 1,
    pageSize: 20,
    sort: "last_changed_at",
    dir: "desc",
  } as const;
  const got = await boardKpiFromAggregates(env.db, P, asOf);
  assert.ok(got, `${label}: the counters answer at ${asOf.toISOString()}`);
  const oracle = await boardKpiFromIntervals(env.db, q);
  assert.equal(got.computed_from, "aggregates");
  assert.deepEqual(got.sla, oracle.sla, `${label} sla`);
  assert.deepEqual(
    got.groups.map((g) => [g.group_id, g.group_name, g.orders_visited]),
    oracle.groups.map((g) => [g.group_id, g.group_name, g.orders_visited]),
    `${label} groups`,
  );
  for (const [i, g] of got.groups.entries()) {
    near(g.total_seconds, oracle.groups[i]!.total_seconds, `${label} group ${g.group_id} total`);
    near(g.mean_seconds, oracle.groups[i]!.mean_seconds, `${label} group ${g.group_id} mean`);
  }
  // The route picks the counters for the unfiltered board.
  const page = await listOrders(env.db, q);
  assert.equal(page.kpi.computed_from, "aggregates");
  assert.deepEqual(page.kpi.sla, oracle.sla);
  // Before the project's last status change the counters decline (intervals would start after as_of).
  assert.equal(await boardKpiFromAggregates(env.db, P, DURING), null);
  return got.groups.reduce((n, g) => n + g.orders_visited, 0);
}

describe("analytics aggregates equal the per-interval computation (shop-kyiv fixtures)", () => {
  let env: TestEnv;
  let projector: Projector | undefined;
  const config = () =>
    loadProjectorConfig({ ...env.env, PROJECTOR_RETRY_MAX_MS: "200", SLA_TICK_SECONDS: "3600" });

  before(async () => {
    env = await createTestEnv("aggeq");
    const publish = (e: DomainEvent) => publishTestEvent(env, e);
    const dictionary = dictionaryFromJson(
      JSON.parse(readFileSync(new URL(`keycrm/${P}/statuses.json`, FIXTURES), "utf8")),
    );
    await publish(aProjectRegistered(P, { time_zone: "Europe/Kyiv" }));
    await publish(
      dictionaryEvent(P, dictionary, {
        origin: "file",
        reason: "test",
        now: new Date("2026-10-01T00:00:00Z"),
        id: newId(),
      }),
    );
    await publish(
      settingsEvent("settings.working_hours_changed", "working_hours", {
        version: 1,
        default: { working_hours: OFFICE },
        groups: {},
      }),
    );
    await publish(
      settingsEvent("settings.sla_changed", "sla", {
        version: 1,
        near_share: 0.8,
        grids: {
          normal: { "1": "02:00", "2": "08:00", "3": "24:00", "4": "48:00" },
          urgent: { "1": "01:00" },
        },
      }),
    );
    await publish(
      settingsEvent("settings.cycle_changed", "cycle", {
        version: 1,
        rules: [
          { name: "full cycle", start: { group_id: 1 }, end: { group_id: 5 } },
          { name: "to delivery", start: { group_id: 1 }, end: { group_id: 4 } },
        ],
      }),
    );
    const events = keycrmEvents();
    let last = 0;
    for (const e of events) last = await publish(e);
    for (const e of urgentOverrides(events)) last = await publish(e);
    projector = createProjector({ nats: env.nats, db: env.db, config: config(), logger });
    await projector.start();
    await waitForCheckpoint(env.db, last, { timeoutMs: 180_000 });
    await projector.recomputesIdle();
  });
  after(async () => {
    await projector?.stop();
    await env?.close();
  });

  test("given the live projection, when the analytics are read, then they equal the per-interval computation", async () => {
    const later = await assertSameAnalytics(env, LATER, "live");
    assert.ok(later.fromAggregates > 100, `${later.fromAggregates} blocks read from the aggregates`);
    assert.ok(later.counted > 1000, `${later.counted} group visits compared`);
    const during = await assertSameAnalytics(env, DURING, "live, mid-corpus");
    assert.ok(during.fromAggregates > 0);
    assert.ok((await assertSameBoardKpi(env, LATER, "live")) > 300);
    assert.ok((await assertSameBoardKpi(env, new Date("2026-12-01T00:00:00Z"), "live, other as_of")) > 300);
  });

  test("given a working-hours change, when the project is recomputed, then the aggregates follow and still equal it", async () => {
    const before = await sql<{ s: string }>`
      SELECT sum(total_ms)::text AS s FROM rm.order_duration_stats WHERE project_id = ${P} AND basis = 'working'`.execute(
      env.db,
    );
    const change = settingsEvent("settings.working_hours_changed", "working_hours", {
      version: 2,
      default: { working_hours: { ...OFFICE, sat: [], mon: ["08:00-20:00"] } },
      groups: {},
    });
    const seq = await publishTestEvent(env, change);
    await waitForCheckpoint(env.db, seq);
    const row = await waitFor(
      `recompute ${change.id} done`,
      async () => {
        const r = await env.db
          .selectFrom("ops.replays")
          .selectAll()
          .where("id", "=", change.id)
          .executeTakeFirst();
        return r && r.status !== "running" && r.status !== "retrying" ? r : null;
      },
      180_000,
    );
    assert.equal(row.status, "done", String(row.error));
    const afterChange = await sql<{ s: string }>`
      SELECT sum(total_ms)::text AS s FROM rm.order_duration_stats WHERE project_id = ${P} AND basis = 'working'`.execute(
      env.db,
    );
    assert.notEqual(afterChange.rows[0]?.s, before.rows[0]?.s, "working time changed with the calendar");
    const r = await assertSameAnalytics(env, LATER, "recomputed");
    assert.ok(r.fromAggregates > 100);
    assert.ok((await assertSameBoardKpi(env, LATER, "recomputed")) > 300);
  });

  test("given the live aggregates, when the read models are replayed, then the replay writes the same rows and the analytics still equal the oracle", async () => {
    const clean = await replayReadModels(
      { nats: env.nats, db: env.db, config: config(), logger },
      { swap: false, schema: "rm_clean" },
    );
    assert.ok(clean.events > 0);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rm_clean.order_duration_stats`.execute(
      env.db,
    );
    assert.ok((n.rows[0]?.n ?? 0) > 1000, "the replay wrote the aggregates");
    assert.deepEqual((await compareReadModels(env.db, "rm", "rm_clean")).differences, []);
    await sql`DROP SCHEMA rm_clean CASCADE`.execute(env.db);

    await projector?.stop();
    projector = undefined;
    const swapped = await replayReadModels(
      { nats: env.nats, db: env.db, config: config(), logger },
      { swap: true },
    );
    assert.equal(swapped.swapped, true);
    const r = await assertSameAnalytics(env, LATER, "replayed");
    assert.ok(r.fromAggregates > 100);
    assert.ok((await assertSameBoardKpi(env, LATER, "replayed")) > 300);
  });
});
