import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { OrderStatusChanged } from "@pulse/events";
import { catalogueMismatches, defaultFixturesDir } from "../testing/index.js";
import { normalizeKeycrmWebhook } from "../webhooks/keycrm.normalizer.js";
import {
  KEYCRM_ORDER_LIST_EVENT,
  keycrmOrderRowEvent,
  keycrmOrdersPage,
  keycrmUpdatedBetween,
} from "./keycrm-orders.mapper.js";

const dir = join(defaultFixturesDir(), "keycrm");
const FETCHED = new Date("2026-11-07T04:00:00.000Z");
let seq = 0;
const newId = () => `01HZZZZZZZZZZZZZZZZZZZ${String(seq++ % 10000).padStart(4, "0")}`;

interface Line {
  project: string;
  received_at: string;
  body: { event: string; context: Record<string, unknown> };
}
const deliveries: Line[] = readFileSync(join(dir, "webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim().length > 0)
  .map((l) => JSON.parse(l) as Line);

/** `{project}:{order}:{status}` of the status deliveries without `status_changed_at`. */
const timeless = new Set(
  deliveries
    .filter(
      (l) =>
        l.body.event === "order.change_order_status" && l.body.context["status_changed_at"] === undefined,
    )
    .map((l) => `${l.project}:${String(l.body.context["id"])}:${String(l.body.context["status_id"])}`),
);

/** The list rows of a project: the order details without their relations (what `GET /order` returns). */
function listRows(project: string): Record<string, unknown>[] {
  const ordersDir = join(dir, project, "orders");
  return readdirSync(ordersDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => {
      const {
        products: _p,
        buyer: _b,
        ...row
      } = JSON.parse(readFileSync(join(ordersDir, f), "utf8")) as Record<string, unknown>;
      return row;
    });
}

function webhookEvent(line: Line): OrderStatusChanged {
  const e = normalizeKeycrmWebhook(line.body, {
    projectId: line.project,
    receivedAt: new Date(line.received_at),
    contentType: "application/json",
    rawBody: JSON.stringify(line.body),
    newId,
  }).events[0];
  assert.ok(e && e.type === "order.status_changed");
  return e;
}

describe("KeyCRM order list → order.status_changed", () => {
  for (const project of ["shop-kyiv", "shop-lviv"]) {
    test(`given every ${project} order row, when mapped, then each event has the dedup key and data of the webhook of that same change`, () => {
      const rows = listRows(project);
      assert.ok(rows.length > 100);
      const webhookByKey = new Map<string, OrderStatusChanged>();
      for (const line of deliveries)
        if (line.project === project && line.body.event === "order.change_order_status") {
          const e = webhookEvent(line);
          webhookByKey.set(e.dedup_key, e);
        }
      const events: OrderStatusChanged[] = [];
      let timelessSeen = 0;
      for (const row of rows) {
        const mapped = keycrmOrderRowEvent(project, row, { fetchedAt: FETCHED, newId });
        assert.ok(mapped.ok, `order ${String(row["id"])}: ${mapped.ok ? "" : mapped.reason}`);
        events.push(mapped.event);
        const hook = webhookByKey.get(mapped.event.dedup_key);
        if (!hook) {
          // The corpus' timeless deliveries ({id, status_id} only): the webhook had to use its receipt
          // time, so only that change has another key; the list row carries the CRM's time.
          assert.ok(
            timeless.has(`${project}:${String(row["id"])}:${String(row["status_id"])}`),
            `order ${String(row["id"])}: no webhook with key ${mapped.event.dedup_key}`,
          );
          timelessSeen++;
          continue;
        }
        assert.equal(mapped.event.data.crm_event, KEYCRM_ORDER_LIST_EVENT);
        assert.equal(mapped.event.source, "keycrm");
        assert.equal(mapped.event.recorded_at, FETCHED.toISOString());
        assert.equal(mapped.event.raw?.body, JSON.stringify(row));
        assert.deepEqual(
          { ...mapped.event.data, crm_event: null, manager_id: null },
          { ...hook.data, crm_event: null, manager_id: null },
        );
        assert.equal(mapped.event.occurred_at, hook.occurred_at);
      }
      assert.deepEqual(catalogueMismatches(events), []);
      assert.ok(timelessSeen <= 3, `${timelessSeen} orders end with a timeless delivery`);
    });
  }

  test("given the same order row as a webhook context and as a list item, when both are mapped, then the keys are equal whatever the receipt and fetch times", () => {
    const row = listRows("shop-kyiv")[0] as Record<string, unknown>;
    const fromList = keycrmOrderRowEvent("shop-kyiv", row, { fetchedAt: FETCHED, newId });
    const fromHook = normalizeKeycrmWebhook(
      { event: "order.change_order_status", context: row },
      {
        projectId: "shop-kyiv",
        receivedAt: new Date("2026-11-01T00:00:00Z"),
        contentType: "application/json",
        rawBody: "{}",
        newId,
      },
    ).events[0];
    assert.ok(fromList.ok);
    assert.equal(fromList.event.dedup_key, fromHook?.dedup_key);
    assert.equal(
      fromList.event.dedup_key,
      `keycrm:shop-kyiv:${String(row["id"])}:${new Date(String(row["status_changed_at"])).toISOString()}:${String(row["status_id"])}`,
    );
  });

  test("given rows the webhook route would reject, when mapped, then they are skipped with the reason", () => {
    const skip = (row: unknown) => {
      const r = keycrmOrderRowEvent("shop-kyiv", row, { fetchedAt: FETCHED, newId });
      assert.equal(r.ok, false);
      return r.ok ? "" : r.reason;
    };
    assert.match(skip(null), /not an object/);
    assert.match(skip([1, 2]), /not an object/);
    assert.match(skip({ status_id: 3 }), /id/);
    assert.match(skip({ id: 15001, status_id: "x" }), /status_id/);
    assert.match(skip({ id: 15001, status_id: 3, status_changed_at: "not a time" }), /status_changed_at/);
  });

  test("given Laravel pages, when read, then rows, total and next page are taken; a body without data is refused", () => {
    assert.deepEqual(
      keycrmOrdersPage({ total: 120, data: [{ id: 1 }], next_page_url: "https://x/order?page=2" }),
      {
        rows: [{ id: 1 }],
        total: 120,
        hasNext: true,
      },
    );
    assert.deepEqual(keycrmOrdersPage({ data: [], next_page_url: null }), {
      rows: [],
      total: null,
      hasNext: false,
    });
    assert.throws(() => keycrmOrdersPage({ total: 1 }), /data array/);
    assert.throws(() => keycrmOrdersPage(null), /data array/);
  });

  test("given a window, when formatted for filter[updated_between], then both ends are UTC seconds", () => {
    assert.equal(
      keycrmUpdatedBetween(new Date("2026-10-01T00:00:00.900Z"), new Date("2026-11-07T04:05:06.000Z")),
      "2026-10-01 00:00:00,2026-11-07 04:05:06",
    );
  });
});
