/**
 * Calendars, urgency and cycles together on the KeyCRM fixture corpus (fixtures/README.md
 * "KeyCRM"): intervals from `webhooks.jsonl` through `deriveOrderIntervals`, items from
 * `orders/<id>.json`, settings from `projects.json`, checked against `expected-counts.json` and
 * the scenario the README describes.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type CycleInterval, type CycleRule, firstEntryAt, measureCycle } from "./cycles.js";
import {
  deriveOrderIntervals,
  dictionaryStatusResolver,
  type OrderStatusEventInput,
  type StatusInterval,
} from "./order-intervals.js";
import { indexStatusDictionary } from "./status-resolution.js";
import { isUrgentOrder, parseUrgentRules } from "./urgency.js";
import { parseWorkingCalendar, workingSeconds } from "./working-calendar.js";

const FIXTURES_DIR = resolve(
  process.env["FIXTURES_DIR"] ??
    join(fileURLToPath(new URL("../../../", import.meta.url)), "../shared/fixtures"),
);
const dir = join(FIXTURES_DIR, "keycrm");
const PERIOD_END = "2026-11-06T22:00:00.000Z";
const FULL_CYCLE: CycleRule = {
  name: "full cycle",
  start: { kind: "group", id: 1 },
  startEntry: "first",
  end: { kind: "group", id: 5 },
  endEntry: "first",
};

// The interval type of order-intervals.ts is accepted by the cycle functions as is.
const _compatible: readonly CycleInterval[] = [] as readonly StatusInterval[];
void _compatible;

interface Delivery {
  project: string;
  received_at: string;
  body: {
    event: string;
    context: { id: number; status_id: number; status_group_id?: number; status_changed_at?: string };
  };
}

describe("order analytics on the KeyCRM fixtures", { skip: !existsSync(dir) && "fixtures not found" }, () => {
  const load = () => {
    const projects = (
      JSON.parse(readFileSync(join(dir, "projects.json"), "utf8")) as {
        projects: { project: string; time_zone: string; working_hours: unknown; urgent_rules: unknown }[];
      }
    ).projects;
    const expected = (
      JSON.parse(readFileSync(join(dir, "expected-counts.json"), "utf8")) as {
        projects: Record<string, { orders_by_final_status_group: Record<string, number> }>;
      }
    ).projects;
    const deliveries = readFileSync(join(dir, "webhooks.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Delivery);
    return projects.map((p) => {
      const calendar = parseWorkingCalendar({ time_zone: p.time_zone, working_hours: p.working_hours });
      const rules = parseUrgentRules(p.urgent_rules);
      const statuses = JSON.parse(readFileSync(join(dir, p.project, "statuses.later.json"), "utf8")) as {
        id: number;
        group_id: number;
        is_closing_order: boolean;
      }[];
      const resolver = dictionaryStatusResolver(
        indexStatusDictionary(
          statuses.map((s) => ({
            status_id: s.id,
            group_id: s.group_id,
            is_closing_order: s.is_closing_order,
            in_last_sync: true,
          })),
        ),
      );
      const events = new Map<number, OrderStatusEventInput[]>();
      for (const d of deliveries) {
        if (d.project !== p.project || d.body.event !== "order.change_order_status") continue;
        const c = d.body.context;
        // README: a delivery without status_changed_at uses the received time.
        const at = c.status_changed_at ? new Date(c.status_changed_at).toISOString() : d.received_at;
        const list = events.get(c.id) ?? [];
        list.push({
          dedup_key: `${p.project}:${c.id}:${at}:${c.status_id}`,
          status_id: c.status_id,
          status_group_id: c.status_group_id ?? null,
          status_changed_at: at,
          time_source: c.status_changed_at ? "crm" : "received",
          manager_id: null,
          order_created_at: null,
        });
        events.set(c.id, list);
      }
      const orders = [...events].map(([id, evs]) => {
        const { intervals } = deriveOrderIntervals(evs, resolver);
        const detail = JSON.parse(readFileSync(join(dir, p.project, "orders", `${id}.json`), "utf8")) as {
          products: {
            sku?: string | null;
            offer?: { id?: number; product_id?: number; sku?: string } | null;
          }[];
        };
        return { id, intervals, urgent: isUrgentOrder(detail.products, rules).urgent };
      });
      return { project: p.project, calendar, orders, expected: expected[p.project] };
    });
  };
  const projects = existsSync(dir) ? load() : [];

  test("given the full cycle rule (group 1 → group 5), when measured per order, then closed cycles = orders that end completed (121, 113)", () => {
    const closed = Object.fromEntries(
      projects.map((p) => [
        p.project,
        p.orders.filter((o) => {
          const m = measureCycle({
            intervals: o.intervals,
            rule: FULL_CYCLE,
            calendar: p.calendar,
            now: PERIOD_END,
          });
          return m !== null && !m.open;
        }).length,
      ]),
    );
    assert.deepEqual(closed, {
      "shop-kyiv": projects.find((p) => p.project === "shop-kyiv")?.expected?.orders_by_final_status_group[
        "5"
      ],
      "shop-lviv": projects.find((p) => p.project === "shop-lviv")?.expected?.orders_by_final_status_group[
        "5"
      ],
    });
    assert.deepEqual(closed, { "shop-kyiv": 121, "shop-lviv": 113 });
  });

  test("given every order, when its full cycle is measured, then working <= wall and delivery is entered inside a closed cycle", () => {
    for (const p of projects) {
      for (const o of p.orders) {
        const m = measureCycle({
          intervals: o.intervals,
          rule: FULL_CYCLE,
          calendar: p.calendar,
          now: PERIOD_END,
        });
        if (m === null) continue;
        assert.ok(m.workingSeconds <= m.wallSeconds, `${p.project} ${o.id}`);
        const delivery = firstEntryAt(o.intervals, { kind: "group", id: 4 });
        if (!m.open && delivery !== null) {
          assert.ok(m.startedAt <= delivery && delivery <= (m.endedAt ?? ""), `${p.project} ${o.id}`);
        }
      }
    }
  });

  test("given urgent and normal orders, when production (group 3) working time is compared, then urgent is well under half (README ≈ 0.4×)", () => {
    const median = (xs: number[]): number =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    for (const p of projects) {
      const production = (urgent: boolean) =>
        p.orders
          .filter((o) => o.urgent === urgent)
          .map((o) =>
            o.intervals
              .filter((iv) => iv.status_group_id === 3 && iv.ended_at !== null)
              .reduce(
                (sum, iv) =>
                  sum +
                  workingSeconds({ start: iv.started_at, end: iv.ended_at ?? iv.started_at }, p.calendar),
                0,
              ),
          )
          .filter((s) => s > 0);
      const urgent = production(true);
      const normal = production(false);
      assert.ok(
        urgent.length >= 10 && normal.length >= 50,
        `${p.project}: ${urgent.length} urgent, ${normal.length} normal`,
      );
      const ratio = median(urgent) / median(normal);
      assert.ok(
        ratio > 0.2 && ratio < 0.5,
        `${p.project}: urgent/normal production median ratio ${ratio.toFixed(2)}`,
      );
    }
  });
});
