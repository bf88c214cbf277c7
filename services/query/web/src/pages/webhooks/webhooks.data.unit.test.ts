import assert from "node:assert/strict";
import { test } from "node:test";
import { freshnessOf, outcomesByDay, type StatsRow } from "./webhooks.data.js";

const NOW = Date.parse("2026-11-07T12:00:00.000Z");

test("given the last delivery's time, when freshness is judged, then up to 1 h is fresh, up to 6 h stale, later silent", () => {
  assert.deepEqual(freshnessOf("2026-11-07T11:00:00.000Z", NOW), { state: "fresh", ageSeconds: 3600 });
  assert.deepEqual(freshnessOf("2026-11-07T10:59:59.000Z", NOW), { state: "stale", ageSeconds: 3601 });
  assert.deepEqual(freshnessOf("2026-11-07T06:00:00.000Z", NOW), { state: "stale", ageSeconds: 21_600 });
  assert.equal(freshnessOf("2026-11-07T05:59:59.000Z", NOW).state, "silent");
  assert.deepEqual(freshnessOf(null, NOW), { state: "never", ageSeconds: null });
});

function row(
  day: string,
  source: string,
  accepted: number,
  duplicate: number,
  unauthorized: number,
): StatsRow {
  return {
    day,
    source,
    received: accepted + duplicate + unauthorized,
    accepted,
    duplicate,
    ignored: 0,
    rejected: 0,
    unauthorized,
    failed: 0,
    events_stored: accepted,
    last_received_at: null,
  };
}

test("given rows of two sources on two days, when summed per day, then each day adds its sources' outcomes, oldest first", () => {
  const days = outcomesByDay([
    row("2026-10-13", "keycrm", 5, 1, 0),
    row("2026-10-12", "amocrm", 2, 0, 1),
    row("2026-10-13", "amocrm", 1, 0, 2),
  ]);
  assert.deepEqual(
    days.map((d) => [d.day, d.received, d.accepted, d.duplicate, d.unauthorized]),
    [
      ["2026-10-12", 3, 2, 0, 1],
      ["2026-10-13", 9, 6, 1, 2],
    ],
  );
});
