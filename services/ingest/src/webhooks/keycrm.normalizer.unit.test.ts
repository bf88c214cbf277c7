import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { type DomainEvent, OrderStatusChanged } from "@pulse/events";
import fc from "fast-check";
import { ValidationError } from "../http/http.errors.js";
import { catalogueMismatches, defaultFixturesDir } from "../testing/index.js";
import type { DeliveryContext } from "./delivery.js";
import { keycrmDedupKey, normalizeKeycrmWebhook } from "./keycrm.normalizer.js";

const fixtures = defaultFixturesDir();
const RECEIVED = new Date("2026-10-20T10:00:00.250Z");
let seq = 0;
function ctx(projectId = "shop-kyiv", receivedAt = RECEIVED, rawBody = "{}"): DeliveryContext {
  return {
    projectId,
    receivedAt,
    contentType: "application/json",
    rawBody,
    newId: () => `01HZZZZZZZZZZZZZZZZZZZ${String(seq++ % 10000).padStart(4, "0")}`,
  };
}

interface Line {
  project: string;
  received_at: string;
  body: { event: string; context: Record<string, unknown> };
}
const corpus: Line[] = readFileSync(join(fixtures, "keycrm/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Line);
const expected = JSON.parse(readFileSync(join(fixtures, "keycrm/expected-counts.json"), "utf8")) as {
  projects: Record<
    string,
    {
      status_change_events: number;
      status_deliveries_without_time: number;
      payment_status_deliveries: number;
      lead_status_deliveries: number;
    }
  >;
};

describe("KeyCRM normalizer over the fixture corpus", () => {
  const byProject = new Map<
    string,
    { crm: Set<string>; received: Set<string>; ignored: number; events: number }
  >();
  const all: DomainEvent[] = [];
  for (const line of corpus) {
    const out = normalizeKeycrmWebhook(
      line.body,
      ctx(line.project, new Date(line.received_at), JSON.stringify(line.body)),
    );
    all.push(...out.events);
    const p = byProject.get(line.project) ?? { crm: new Set(), received: new Set(), ignored: 0, events: 0 };
    byProject.set(line.project, p);
    p.ignored += out.ignored;
    for (const e of out.events) {
      p.events++;
      assert.equal(e.type, "order.status_changed");
      if (e.type !== "order.status_changed") continue;
      (e.data.time_source === "crm" ? p.crm : p.received).add(e.dedup_key);
    }
  }

  test("given every delivery, when normalised, then every event matches the catalogue schema", () => {
    assert.ok(all.length > 2000);
    assert.deepEqual(catalogueMismatches(all), []);
  });

  test("given every delivery, when normalised, then distinct dedup keys of timed status events per project = expected status_change_events", () => {
    assert.equal(byProject.get("shop-kyiv")?.crm.size, expected.projects["shop-kyiv"]?.status_change_events);
    assert.equal(byProject.get("shop-lviv")?.crm.size, expected.projects["shop-lviv"]?.status_change_events);
    assert.equal(byProject.get("shop-kyiv")?.crm.size, 1165);
    assert.equal(byProject.get("shop-lviv")?.crm.size, 970);
  });

  test("given the deliveries without status_changed_at, when normalised, then each is its own event on the received time", () => {
    assert.equal(
      byProject.get("shop-kyiv")?.received.size,
      expected.projects["shop-kyiv"]?.status_deliveries_without_time,
    );
    assert.equal(byProject.get("shop-lviv")?.received.size, 2);
    assert.equal(byProject.get("shop-kyiv")?.received.size, 3);
  });

  test("given payment and pipeline-card deliveries, when normalised, then they are ignored, not events", () => {
    const kyiv = expected.projects["shop-kyiv"];
    const lviv = expected.projects["shop-lviv"];
    assert.equal(
      byProject.get("shop-kyiv")?.ignored,
      (kyiv?.payment_status_deliveries ?? 0) + (kyiv?.lead_status_deliveries ?? 0),
    );
    assert.equal(
      byProject.get("shop-lviv")?.ignored,
      (lviv?.payment_status_deliveries ?? 0) + (lviv?.lead_status_deliveries ?? 0),
    );
    assert.equal(byProject.get("shop-kyiv")?.ignored, 210);
  });

  test("given a full delivery, when normalised, then every field is mapped and the event matches its schema", () => {
    const body = {
      event: "order.change_order_status",
      context: {
        id: 15734,
        status_group_id: 5,
        status_id: 12,
        manager_id: 4,
        status_changed_at: "2025-03-14T12:05:41.000000Z",
        created_at: "2025-03-10T08:11:02.000000Z",
        closed_at: "2025-03-14 12:05:41",
      },
    };
    const raw = JSON.stringify(body);
    const [e] = normalizeKeycrmWebhook(body, ctx("shop-kyiv", RECEIVED, raw)).events;
    assert.ok(e && e.type === "order.status_changed");
    assert.equal(OrderStatusChanged.safeParse(e).success, true);
    assert.equal(e.dedup_key, "keycrm:shop-kyiv:15734:2025-03-14T12:05:41.000Z:12");
    assert.equal(e.occurred_at, "2025-03-14T12:05:41.000Z");
    assert.equal(e.recorded_at, "2026-10-20T10:00:00.250Z");
    assert.equal(e.source, "keycrm");
    assert.deepEqual(e.data, {
      order_id: 15734,
      status_id: 12,
      status_group_id: 5,
      status_changed_at: "2025-03-14T12:05:41.000Z",
      time_source: "crm",
      order_created_at: "2025-03-10T08:11:02.000Z",
      previous_status_id: null,
      manager_id: 4,
      crm_event: "order.change_order_status",
      lead: null,
    });
    assert.equal(e.raw?.body, raw);
    assert.equal(e.raw?.received_at, "2026-10-20T10:00:00.250Z");
  });

  test("given the minimal context {id, status_id} with string numbers, when normalised, then the received time is the status time", () => {
    const [e] = normalizeKeycrmWebhook(
      { event: "order.change_order_status", context: { id: "29068", status_id: "20" } },
      ctx(),
    ).events;
    assert.ok(e && e.type === "order.status_changed");
    assert.equal(e.data.order_id, 29068);
    assert.equal(e.data.status_id, 20);
    assert.equal(e.data.status_group_id, null);
    assert.equal(e.data.time_source, "received");
    assert.equal(e.data.status_changed_at, "2026-10-20T10:00:00.250Z");
    assert.equal(e.dedup_key, keycrmDedupKey("shop-kyiv", 29068, "2026-10-20T10:00:00.250Z", 20));
  });

  test("given the same change in both timestamp formats, when normalised, then both have one dedup key", () => {
    const a = normalizeKeycrmWebhook(
      {
        event: "order.change_order_status",
        context: { id: 1, status_id: 2, status_changed_at: "2026-10-12T04:27:45.000000Z" },
      },
      ctx(),
    ).events[0];
    const b = normalizeKeycrmWebhook(
      {
        event: "order.change_order_status",
        context: { id: 1, status_id: 2, status_changed_at: "2026-10-12 04:27:45" },
      },
      ctx(),
    ).events[0];
    assert.equal(a?.dedup_key, "keycrm:shop-kyiv:1:2026-10-12T04:27:45.000Z:2");
    assert.equal(b?.dedup_key, a?.dedup_key);
  });

  test("given an unknown but well-formed event, when normalised, then it is ignored with its kind", () => {
    const out = normalizeKeycrmWebhook({ event: "order.change_payment_status", context: { id: 1 } }, ctx());
    assert.equal(out.events.length, 0);
    assert.equal(out.ignored, 1);
    assert.deepEqual(out.ignoredKinds, ["order.change_payment_status"]);
  });
});

describe("KeyCRM normalizer rejects malformed bodies with a reason", () => {
  const cases: [string, unknown, string][] = [
    ["a JSON array", [], "JSON object"],
    ["a string", "order", "JSON object"],
    ["no event", { context: { id: 1, status_id: 2 } }, "event"],
    ["an empty event", { event: "", context: {} }, "event"],
    ["no context", { event: "order.change_order_status" }, "context"],
    ["context as an array", { event: "order.change_order_status", context: [] }, "context"],
    ["no order id", { event: "order.change_order_status", context: { status_id: 2 } }, "context.id"],
    [
      "an object as id",
      { event: "order.change_order_status", context: { id: { a: 1 }, status_id: 2 } },
      "context.id",
    ],
    [
      "a non-numeric status",
      { event: "order.change_order_status", context: { id: 1, status_id: "new" } },
      "context.status_id",
    ],
    [
      "an unparseable date",
      {
        event: "order.change_order_status",
        context: { id: 1, status_id: 2, status_changed_at: "yesterday" },
      },
      "context.status_changed_at",
    ],
    [
      "a bad group id",
      { event: "order.change_order_status", context: { id: 1, status_id: 2, status_group_id: -5 } },
      "context.status_group_id",
    ],
    [
      "a bad created_at",
      { event: "order.change_order_status", context: { id: 1, status_id: 2, created_at: "2026-99-01" } },
      "context.created_at",
    ],
  ];
  for (const [what, body, field] of cases) {
    test(`given ${what}, when normalised, then ValidationError mentioning ${field}`, () => {
      assert.throws(
        () => normalizeKeycrmWebhook(body, ctx()),
        (e: unknown) => e instanceof ValidationError && e.status === 400 && e.message.includes(field),
      );
    });
  }
});

describe("KeyCRM normalizer output always matches the catalogue", () => {
  const id = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 40 }).map(String));
  const optionalId = fc.oneof(id, fc.constantFrom(null, undefined, ""));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const time = fc
    .record({
      // Inside the plausibility window of RECEIVED (2026-10-20) whatever the offset.
      y: fc.integer({ min: 2001, max: 2025 }),
      mo: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      frac: fc.stringMatching(/^(|\.\d{1,9})$/),
      form: fc.constantFrom("T", " "),
      zone: fc.constantFrom("", "Z", "+03:00", "-0230", "+00:00"),
    })
    .map(
      ({ y, mo, d, h, mi, s, frac, form, zone }) =>
        `${pad(y, 4)}-${pad(mo)}-${pad(d)}${form}${pad(h)}:${pad(mi)}:${pad(s)}${frac}${zone}`,
    );
  const optionalTime = fc.oneof(time, fc.constantFrom(null, undefined));

  test("given any well-formed status change (ids as numbers or strings, any time form, any extra fields), when normalised, then its event matches the schema", () => {
    fc.assert(
      fc.property(
        id,
        id,
        optionalId,
        optionalId,
        optionalTime,
        optionalTime,
        optionalTime,
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
        // A registered project's id (the registry holds only ids valid under ProjectId).
        fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/),
        (orderId, statusId, groupId, managerId, changedAt, createdAt, updatedAt, extra, projectId) => {
          const body = {
            event: "order.change_order_status",
            context: {
              ...extra,
              id: orderId,
              status_id: statusId,
              status_group_id: groupId,
              manager_id: managerId,
              status_changed_at: changedAt,
              created_at: createdAt,
              updated_at: updatedAt,
            },
          };
          const out = normalizeKeycrmWebhook(body, ctx(projectId, RECEIVED, JSON.stringify(body)));
          assert.equal(out.events.length, 1);
          assert.deepEqual(catalogueMismatches(out.events), []);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("KeyCRM plausibility rules", () => {
  const status = (context: Record<string, unknown>) => ({
    event: "order.change_order_status",
    context: { id: 15734, status_id: 12, status_changed_at: "2026-10-20T09:00:00.000000Z", ...context },
  });
  const run = (context: Record<string, unknown>) => normalizeKeycrmWebhook(status(context), ctx());
  // RECEIVED is 2026-10-20T10:00:00.250Z: the window ends at 2026-10-21T10:00:00.250Z inclusive.
  const accepted: [string, Record<string, unknown>][] = [
    ["order id 1", { id: 1 }],
    ["order id as a digit string", { id: "15734" }],
    ["status group null (unknown group)", { status_group_id: null }],
    ["manager 0 (a user id, not an entity)", { manager_id: 0 }],
    ["status time 2000-01-01T00:00:00Z exactly", { status_changed_at: "2000-01-01T00:00:00Z" }],
    ["status time = receipt + 1 day exactly", { status_changed_at: "2026-10-21T10:00:00.250Z" }],
    ["status time null (absent: falls through)", { status_changed_at: null }],
    ["created_at in the window", { created_at: "2026-10-12 08:00:00" }],
  ];
  for (const [what, context] of accepted) {
    test(`given ${what}, when normalised, then one event`, () => {
      assert.equal(run(context).events.length, 1);
    });
  }
  const rejected: [string, Record<string, unknown>, string][] = [
    ["order id 0", { id: 0 }, "context.id must be a positive integer id, got 0"],
    ['order id "0"', { id: "0" }, 'context.id must be a positive integer id, got "0"'],
    ["a negative order id", { id: -15734 }, "context.id must be a positive integer id"],
    ["a fractional order id", { id: 15734.5 }, "context.id must be a positive integer id"],
    ["status id 0", { status_id: 0 }, "context.status_id must be a positive integer id, got 0"],
    ["a negative status id", { status_id: "-12" }, "context.status_id must be a positive integer id"],
    ["a fractional status id", { status_id: 1.5 }, "context.status_id must be a positive integer id"],
    ["status group 0", { status_group_id: 0 }, "context.status_group_id must be a positive integer id"],
    ["a negative manager", { manager_id: -4 }, "context.manager_id must be a non-negative integer user id"],
    ["an empty status time", { status_changed_at: "" }, "context.status_changed_at is present but empty"],
    [
      "an empty updated_at beside a good status time",
      { updated_at: "" },
      "context.updated_at is present but empty",
    ],
    ["an empty created_at", { created_at: "" }, "context.created_at is present but empty"],
    [
      "a status time in 1970",
      { status_changed_at: "1970-01-01T00:00:00.000000Z" },
      "context.status_changed_at is implausible: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "a status time 1 ms before 2000",
      { status_changed_at: "1999-12-31T23:59:59.999Z" },
      "context.status_changed_at is implausible: 1999-12-31T23:59:59.999Z is before 2000-01-01T00:00:00Z",
    ],
    [
      "a status time in 2100",
      { status_changed_at: "2100-01-01 00:00:00" },
      "context.status_changed_at is implausible: 2100-01-01T00:00:00.000Z is more than 1 day after the receipt time 2026-10-20T10:00:00.250Z",
    ],
    [
      "a status time in 2999",
      { status_changed_at: "2999-12-31T23:59:59.000000Z" },
      "context.status_changed_at is implausible: 2999-12-31T23:59:59.000Z is more than 1 day after",
    ],
    [
      "a status time = receipt + 1 day + 1 ms",
      { status_changed_at: "2026-10-21T10:00:00.251Z" },
      "context.status_changed_at is implausible: 2026-10-21T10:00:00.251Z is more than 1 day after",
    ],
    [
      "an updated_at in 1970 (the fallback is checked too)",
      { status_changed_at: null, updated_at: "1970-01-02T00:00:00Z" },
      "context.updated_at is implausible",
    ],
    ["a created_at in 2100", { created_at: "2100-05-05T00:00:00Z" }, "context.created_at is implausible"],
  ];
  for (const [what, context, reason] of rejected) {
    test(`given ${what}, when normalised, then 400 saying "${reason}"`, () => {
      assert.throws(
        () => run(context),
        (e: unknown) => e instanceof ValidationError && e.status === 400 && e.message.includes(reason),
      );
    });
  }
});

describe("KeyCRM time of a status change (SPEC Decided rules)", () => {
  const changeAt = (context: Record<string, unknown>) => {
    const [e] = normalizeKeycrmWebhook(
      { event: "order.change_order_status", context: { id: 7, status_id: 3, ...context } },
      ctx(),
    ).events;
    assert.ok(e?.type === "order.status_changed");
    assert.equal(e.occurred_at, e.data.status_changed_at);
    assert.equal(e.dedup_key, keycrmDedupKey("shop-kyiv", 7, e.data.status_changed_at, 3));
    return [e.data.status_changed_at, e.data.time_source];
  };
  const cases: [string, Record<string, unknown>, string, "crm" | "received"][] = [
    [
      "status_changed_at and updated_at",
      { status_changed_at: "2026-10-12T04:27:45.000000Z", updated_at: "2026-10-12T04:30:00.000000Z" },
      "2026-10-12T04:27:45.000Z",
      "crm",
    ],
    [
      "status_changed_at null, updated_at given",
      { status_changed_at: null, updated_at: "2026-10-12T04:30:00.000000Z" },
      "2026-10-12T04:30:00.000Z",
      "crm",
    ],
    [
      "no status_changed_at key, updated_at given (the receivers' minimal body, keycrm.md §3.3)",
      { updated_at: "2026-04-02T12:00:00Z" },
      "2026-04-02T12:00:00.000Z",
      "crm",
    ],
    ["neither", {}, "2026-10-20T10:00:00.250Z", "received"],
    ["both null", { status_changed_at: null, updated_at: null }, "2026-10-20T10:00:00.250Z", "received"],
    [
      "a zone-less updated_at (UTC)",
      { updated_at: "2026-10-12 04:27:45" },
      "2026-10-12T04:27:45.000Z",
      "crm",
    ],
    [
      "microseconds (kept to the millisecond)",
      { status_changed_at: "2026-10-12T04:27:45.123456Z" },
      "2026-10-12T04:27:45.123Z",
      "crm",
    ],
    [
      "an explicit offset",
      { status_changed_at: "2026-10-12T07:27:45+03:00" },
      "2026-10-12T04:27:45.000Z",
      "crm",
    ],
  ];
  for (const [what, context, at, source] of cases) {
    test(`given ${what}, when normalised, then the status time is ${at} (${source})`, () => {
      assert.deepEqual(changeAt(context), [at, source]);
    });
  }

  test("given an empty status_changed_at and a valid updated_at, when normalised, then 400 — an empty field never falls through", () => {
    assert.throws(
      () => changeAt({ status_changed_at: "", updated_at: "2026-10-12T04:30:00.000000Z" }),
      (e: unknown) => e instanceof ValidationError && e.message.includes("present but empty"),
    );
  });
});
