import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  deriveOrderIntervals,
  dictionaryStatusResolver,
  intervalSecondsAsOf,
  type OrderStatusEventInput,
  type StatusResolver,
} from "./order-intervals.js";
import { indexStatusDictionary } from "./status-resolution.js";

// A KeyCRM-like dictionary: status → group; statuses 6 and 7 (groups 5/6) close the order.
const groups: Record<number, number> = { 1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6 };
const keycrm: StatusResolver = dictionaryStatusResolver(
  indexStatusDictionary(
    Object.entries(groups).map(([status, group]) => ({
      status_id: Number(status),
      group_id: group,
      is_closing_order: status === "6" || status === "7",
      in_last_sync: true,
    })),
  ),
);

const T0 = Date.UTC(2026, 9, 12, 6, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function ev(
  statusId: number,
  minutes: number,
  extra: Partial<OrderStatusEventInput> = {},
): OrderStatusEventInput {
  const status_changed_at = at(minutes);
  return {
    dedup_key: `keycrm:p:1:${status_changed_at}:${statusId}`,
    status_id: statusId,
    status_group_id: groups[statusId] ?? null,
    status_changed_at,
    time_source: "crm",
    manager_id: null,
    order_created_at: null,
    ...extra,
  };
}

describe("deriveOrderIntervals", () => {
  test("given events delivered out of order, when derived, then intervals follow source time and the last is open", () => {
    const r = deriveOrderIntervals([ev(4, 120), ev(1, 0), ev(2, 30)], keycrm);
    assert.deepEqual(
      r.intervals.map((i) => [i.seq, i.status_id, i.started_at, i.ended_at, i.durationSeconds]),
      [
        [1, 1, at(0), at(30), 1800],
        [2, 2, at(30), at(120), 5400],
        [3, 4, at(120), null, null],
      ],
    );
    assert.equal(r.summary?.started_at, at(0));
    assert.equal(r.summary?.last_status_id, 4);
    assert.equal(r.summary?.last_status_group_id, 3);
    assert.equal(r.summary?.last_changed_at, at(120));
  });

  test("given the same delivery three times, when derived, then it counts once", () => {
    const a = ev(1, 0);
    const r = deriveOrderIntervals([a, { ...a }, ev(2, 10), { ...a }], keycrm);
    assert.equal(r.events.length, 2);
    assert.equal(r.intervals.length, 2);
    assert.equal(r.summary?.status_events, 2);
  });

  test("given a return to an earlier status (A, B, A), when derived, then the return is a new interval", () => {
    const r = deriveOrderIntervals([ev(2, 0), ev(3, 10), ev(2, 25)], keycrm);
    assert.deepEqual(
      r.intervals.map((i) => [i.status_id, i.durationSeconds]),
      [
        [2, 600],
        [3, 900],
        [2, null],
      ],
    );
  });

  test("given a late event, when it arrives after newer ones, then it splits the interval it falls into", () => {
    const before = deriveOrderIntervals([ev(1, 0), ev(4, 100)], keycrm);
    assert.deepEqual(
      before.intervals.map((i) => [i.status_id, i.durationSeconds]),
      [
        [1, 6000],
        [4, null],
      ],
    );
    const after = deriveOrderIntervals([ev(1, 0), ev(4, 100), ev(2, 40)], keycrm);
    assert.deepEqual(
      after.intervals.map((i) => [i.status_id, i.started_at, i.durationSeconds]),
      [
        [1, at(0), 2400],
        [2, at(40), 3600],
        [4, at(100), null],
      ],
    );
  });

  test("given a time-less repeat of the current status, when derived, then it is absorbed and makes no interval", () => {
    const dp = ev(3, 12, { time_source: "received", dedup_key: "dp-1", status_group_id: 2 });
    const r = deriveOrderIntervals([ev(1, 0), ev(3, 10), dp, ev(4, 30)], keycrm);
    assert.deepEqual(
      r.intervals.map((i) => i.status_id),
      [1, 3, 4],
    );
    assert.equal(r.events.find((e) => e.event.dedup_key === "dp-1")?.effective, false);
    assert.equal(r.summary?.status_events, 4, "absorbed events are still distinct events");
  });

  test("given a time-less event that changes the status, when derived, then it is effective at its receive time", () => {
    const minimal = ev(4, 50, { time_source: "received", dedup_key: "rx-1", status_group_id: null });
    const r = deriveOrderIntervals([ev(1, 0), minimal], keycrm);
    assert.deepEqual(
      r.intervals.map((i) => [i.status_id, i.status_group_id, i.started_at]),
      [
        [1, 1, at(0)],
        [4, 3, at(50)],
      ],
    );
  });

  test("given a minimal-context event without a group, when derived, then the group comes from the resolver", () => {
    const r = deriveOrderIntervals([ev(2, 0, { status_group_id: null })], keycrm);
    assert.equal(r.intervals[0]?.status_group_id, 2);
    assert.equal(r.events[0]?.status_group_id, 2);
  });

  test("given a status unknown to the dictionary, when derived, then its group stays null", () => {
    const r = deriveOrderIntervals([ev(99, 0, { status_group_id: null })], keycrm);
    assert.equal(r.summary?.last_status_group_id, null);
  });

  test("given two events at the same instant, when derived in either order, then ties break by status id", () => {
    const a = ev(4, 10);
    const b = ev(2, 10);
    const r1 = deriveOrderIntervals([ev(1, 0), a, b], keycrm);
    const r2 = deriveOrderIntervals([b, ev(1, 0), a], keycrm);
    assert.deepEqual(r1, r2);
    assert.deepEqual(
      r1.intervals.map((i) => [i.status_id, i.durationSeconds]),
      [
        [1, 600],
        [2, 0],
        [4, null],
      ],
    );
  });

  test("given an order in a closing group, when derived, then closed_at is when it entered it", () => {
    const r = deriveOrderIntervals([ev(1, 0), ev(6, 60)], keycrm);
    assert.equal(r.summary?.closed_at, at(60));
  });

  test("given completed then cancelled, when derived, then closed_at keeps the first closing time", () => {
    const r = deriveOrderIntervals([ev(1, 0), ev(6, 60), ev(7, 90)], keycrm);
    assert.equal(r.summary?.closed_at, at(60));
  });

  test("given an order reopened after closing, when derived, then closed_at is null", () => {
    const r = deriveOrderIntervals([ev(1, 0), ev(6, 60), ev(2, 90)], keycrm);
    assert.equal(r.summary?.closed_at, null);
  });

  test("given amoCRM statuses, when the lead is won (142), then it is closed in any pipeline", () => {
    // The pipelines dictionary marks 142/143 closing in every pipeline.
    const amo = dictionaryStatusResolver(
      indexStatusDictionary(
        [7001, 7002].flatMap((pipeline) =>
          [10, 142, 143].map((status) => ({
            status_id: status,
            group_id: pipeline,
            is_closing_order: status !== 10,
            in_last_sync: true,
          })),
        ),
      ),
    );
    const r = deriveOrderIntervals(
      [ev(10, 0, { status_group_id: 7001 }), ev(142, 20, { status_group_id: 7002 })],
      amo,
    );
    assert.equal(r.summary?.closed_at, at(20));
    assert.equal(r.summary?.last_status_group_id, 7002);
  });

  test("given the same status id in two pipelines, when a time-less body names the other pipeline, then it is a change", () => {
    const amo: StatusResolver = { groupOf: (e) => e.status_group_id, isClosing: () => false };
    const dp = ev(142, 30, { status_group_id: 7002, time_source: "received", dedup_key: "dp" });
    const r = deriveOrderIntervals([ev(142, 0, { status_group_id: 7001 }), dp], amo);
    assert.equal(r.intervals.length, 2);
  });

  test("given managers on some events, when derived, then manager_id is the latest one carried", () => {
    const r = deriveOrderIntervals(
      [ev(1, 0, { manager_id: null }), ev(2, 10, { manager_id: 7 }), ev(4, 20, { manager_id: null })],
      keycrm,
    );
    assert.equal(r.summary?.manager_id, 7);
  });

  test("given order_created_at on some events, when derived, then the earliest is kept", () => {
    const r = deriveOrderIntervals(
      [ev(1, 0, { order_created_at: at(-5) }), ev(2, 10, { order_created_at: at(-6) }), ev(4, 20)],
      keycrm,
    );
    assert.equal(r.summary?.order_created_at, at(-6));
  });

  test("given no events, when derived, then there is no interval and no summary", () => {
    const r = deriveOrderIntervals([], keycrm);
    assert.deepEqual(r, { events: [], intervals: [], summary: null });
  });
});

describe("intervalSecondsAsOf", () => {
  test("given an open interval, when measured as of a later instant, then it lasts up to that instant", () => {
    assert.equal(
      intervalSecondsAsOf({ started_at: at(0), ended_at: null, durationSeconds: null }, at(90)),
      5400,
    );
  });
  test("given an open interval that starts after asOf, when measured, then it is 0", () => {
    assert.equal(
      intervalSecondsAsOf({ started_at: at(10), ended_at: null, durationSeconds: null }, at(0)),
      0,
    );
  });
  test("given a closed interval, when measured as of any instant, then it is its duration", () => {
    assert.equal(
      intervalSecondsAsOf({ started_at: at(0), ended_at: at(2), durationSeconds: 120 }, at(500)),
      120,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** An event with a CRM time: status 1..7 at minute 0..600 (+ ms so ties are possible but rare). */
const crmEvent = fc
  .record({
    status: fc.integer({ min: 1, max: 7 }),
    minute: fc.integer({ min: 0, max: 600 }),
    manager: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    dropGroup: fc.boolean(),
  })
  .map(({ status, minute, manager, dropGroup }) =>
    ev(status, minute, { manager_id: manager, ...(dropGroup ? { status_group_id: null } : {}) }),
  );

const timelessEvent = fc
  .record({
    status: fc.integer({ min: 1, max: 7 }),
    minute: fc.integer({ min: 0, max: 600 }),
    n: fc.nat(1000),
  })
  .map(({ status, minute, n }) =>
    ev(status, minute, { time_source: "received", dedup_key: `rx:${n}:${status}:${minute}` }),
  );

const anyEvent = fc.oneof({ arbitrary: crmEvent, weight: 4 }, { arbitrary: timelessEvent, weight: 1 });

/**
 * Deliveries of a set of events: every event at least once, some repeated (identical copies, or
 * re-sends of the same dedup key with another manager), and two independent arrival orders.
 */
function deliveries(events: fc.Arbitrary<OrderStatusEventInput[]>) {
  return events.chain((es) =>
    fc
      .array(fc.tuple(fc.nat(Math.max(0, es.length - 1)), fc.option(fc.integer({ min: 1, max: 9 }))), {
        maxLength: es.length * 2,
      })
      .map((repeats) => [
        ...es,
        ...(es.length > 0
          ? repeats.map(([i, manager]) => ({
              ...es[i]!,
              ...(manager === null ? {} : { manager_id: manager }),
            }))
          : []),
      ])
      .chain((all) =>
        fc.tuple(
          fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
          fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        ),
      )
      .map(([a, b]) => ({ events: es, a, b })),
  );
}

describe("deriveOrderIntervals properties", () => {
  test("property: any permutation of the deliveries, with any duplicates, yields identical intervals", () => {
    fc.assert(
      fc.property(deliveries(fc.array(anyEvent, { maxLength: 25 })), ({ events, a, b }) => {
        const ra = deriveOrderIntervals(a, keycrm);
        assert.deepEqual(ra, deriveOrderIntervals(b, keycrm));
        // Re-sends change at most the representative's details, never the intervals.
        assert.deepEqual(ra.intervals, deriveOrderIntervals(events, keycrm).intervals);
      }),
      { numRuns: 300 },
    );
  });

  test("property: intervals are contiguous in source time, only the last is open, durations sum to last_changed − started", () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { minLength: 1, maxLength: 25 }), (events) => {
        const { intervals, summary } = deriveOrderIntervals(events, keycrm);
        assert.ok(summary);
        intervals.forEach((iv, i) => {
          assert.equal(iv.seq, i + 1);
          const next = intervals[i + 1];
          if (next) {
            assert.equal(iv.ended_at, next.started_at);
            assert.ok(iv.started_at <= next.started_at);
            assert.ok(iv.durationSeconds !== null && iv.durationSeconds >= 0);
          } else {
            assert.equal(iv.ended_at, null);
          }
        });
        const sum = intervals.reduce((s, iv) => s + (iv.durationSeconds ?? 0), 0);
        const span = (Date.parse(summary.last_changed_at) - Date.parse(summary.started_at)) / 1000;
        assert.ok(Math.abs(sum - span) < 1e-6, `${sum} vs ${span}`);
        assert.equal(summary.started_at, intervals[0]?.started_at);
      }),
      { numRuns: 300 },
    );
  });

  test("property: a late event with a CRM time splits exactly the interval it falls into", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(crmEvent, { minLength: 1, maxLength: 15, selector: (e) => e.status_changed_at }),
        crmEvent,
        (events, late) => {
          fc.pre(!events.some((e) => e.status_changed_at === late.status_changed_at));
          const before = deriveOrderIntervals(events, keycrm).intervals;
          const after = deriveOrderIntervals([...events, late], keycrm).intervals;
          assert.equal(after.length, before.length + 1);
          const k = after.findIndex((iv) => iv.dedup_key === late.dedup_key);
          assert.ok(k >= 0);
          const strip = (iv: (typeof after)[number]) => [iv.status_id, iv.started_at];
          // Intervals before and after the split keep their status and start.
          assert.deepEqual(after.slice(0, k).map(strip), before.slice(0, k).map(strip));
          assert.deepEqual(after.slice(k + 1).map(strip), before.slice(k).map(strip));
          // The split interval ends at the late event; the new one runs to where the old one ended.
          if (k > 0) assert.equal(after[k - 1]?.ended_at, late.status_changed_at);
          assert.equal(after[k]?.ended_at, k > 0 ? before[k - 1]?.ended_at : before[0]?.started_at);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: a return to an earlier status with a CRM time always adds an interval", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(crmEvent, { minLength: 2, maxLength: 10, selector: (e) => e.status_changed_at }),
        (events) => {
          const sorted = [...events].sort((a, b) => (a.status_changed_at < b.status_changed_at ? -1 : 1));
          const first = sorted[0]!;
          const lastMinute = (Date.parse(sorted[sorted.length - 1]!.status_changed_at) - T0) / 60_000;
          const reentry = ev(first.status_id, lastMinute + 5, { status_group_id: first.status_group_id });
          const before = deriveOrderIntervals(events, keycrm);
          const after = deriveOrderIntervals([...events, reentry], keycrm);
          assert.equal(after.intervals.length, before.intervals.length + 1);
          assert.equal(after.summary?.last_status_id, first.status_id);
        },
      ),
      { numRuns: 200 },
    );
  });
});
