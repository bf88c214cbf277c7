import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Nats } from "@pulse/infra";
import { pino } from "pino";
import { createCrmHttpClient } from "../crm/crm-http.client.js";
import { type ProjectRecord, sha256Hex, staticProjectRegistry } from "../projects/project-registry.js";
import { createKeycrmOrdersPoller, KEYCRM_ORDERS_POLLER } from "./keycrm-orders.poller.js";
import type { PollerCheckpoint, PollerCheckpoints } from "./poller-checkpoints.store.js";

const NOW = new Date("2026-11-07T04:00:00.500Z");
const log = pino({ level: "silent" });
const record: ProjectRecord = {
  project_id: "shop-kyiv",
  name: "Kyiv",
  kind: "keycrm",
  base_url: "https://crm.test/v1/",
  time_zone: "Europe/Kyiv",
  active: true,
  webhook_secret_sha256: sha256Hex("irrelevant-secret"),
  api_token: "tok",
};
const row = (id: number) => ({
  id,
  status_id: 3,
  status_group_id: 2,
  status_changed_at: "2026-11-01T10:00:00.000000Z",
  created_at: "2026-10-30T10:00:00.000000Z",
  updated_at: "2026-11-01T10:00:05.000000Z",
});

/** A fake KeyCRM: `answer(page)` gives the body (or a status) of each request, in order; requests are logged. */
function fakeKeycrm(
  answers: ((url: URL) => { status: number; body?: unknown; headers?: Record<string, string> })[],
) {
  const urls: URL[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    urls.push(url);
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    const a = next(url);
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: a.headers ?? {},
    });
  }) as typeof fetch;
  return { urls, fetchImpl };
}

function setup(fetchImpl: typeof fetch, published: string[], checkpoint: PollerCheckpoint | null = null) {
  const stored = new Map<string, PollerCheckpoint>();
  if (checkpoint) stored.set(`${KEYCRM_ORDERS_POLLER}.shop-kyiv`, checkpoint);
  const checkpoints: PollerCheckpoints = {
    get: async (poller, project) => stored.get(`${poller}.${project}`) ?? null,
    put: async (poller, project, cp) => {
      stored.set(`${poller}.${project}`, cp);
    },
  };
  const seen = new Set<string>();
  const nats = {
    js: {
      publish: async (_subject: string, _data: Uint8Array, opts: { msgID: string }) => {
        published.push(opts.msgID);
        const duplicate = seen.has(opts.msgID);
        seen.add(opts.msgID);
        return { duplicate, seq: published.length, stream: "S" };
      },
    },
  } as unknown as Nats;
  let n = 0;
  const poller = createKeycrmOrdersPoller({
    nats,
    config: {
      SUBJECT_ROOT: "crm",
      PUBLISH_TIMEOUT_MS: 1000,
      WEBHOOK_RETRY_AFTER_SECONDS: 1,
      KEYCRM_CATCHUP_INTERVAL_SECONDS: 0,
      KEYCRM_CATCHUP_LOOKBACK_HOURS: 24,
    },
    logger: log,
    registry: staticProjectRegistry([record]),
    http: createCrmHttpClient({
      minIntervalMs: 0,
      timeoutMs: 5000,
      retries: 3,
      minRetryDelayMs: 0,
      log,
      fetch: fetchImpl,
    }),
    checkpoints,
    clock: () => NOW,
    newId: () => `01HZZZZZZZZZZZZZZZZZZZ${String(n++).padStart(4, "0")}`,
  });
  return { poller, stored };
}

const page = (rows: unknown[], opts: { total?: number; next?: boolean } = {}) => ({
  ...(opts.total === undefined ? {} : { total: opts.total }),
  current_page: 1,
  per_page: 50,
  data: rows,
  next_page_url: opts.next ? "https://elsewhere.test/order?page=2" : null,
});

describe("KeyCRM catch-up runs (fake API)", () => {
  test("given a checkpoint, when it runs, then it reads from checkpoint − lookback to its start, sorted by id, 50 a page, and moves the checkpoint", async () => {
    const published: string[] = [];
    const api = fakeKeycrm([
      () => ({ status: 429, headers: { "retry-after": "0" } }),
      () => ({ status: 200, body: page([row(1), row(2)], { total: 3, next: true }) }),
      () => ({ status: 503 }),
      () => ({ status: 200, body: page([row(3)], { total: 3 }) }),
    ]);
    const { poller, stored } = setup(api.fetchImpl, published, {
      last_run_started_at: "2026-11-06T12:00:00.000Z",
      last_run_finished_at: "2026-11-06T12:00:09.000Z",
      published: 0,
      duplicates: 0,
    });
    const r = await poller.runOnce("shop-kyiv");
    assert.deepEqual(
      {
        from: r.from,
        to: r.to,
        pages: r.pages,
        orders: r.orders,
        published: r.published,
        rereads: r.rereads,
      },
      {
        from: "2026-11-05T12:00:00.000Z",
        to: "2026-11-07T04:00:00.000Z",
        pages: 2,
        orders: 3,
        published: 3,
        rereads: 0,
      },
    );
    const ok = [api.urls[1], api.urls[3]];
    assert.deepEqual(
      ok.map((u) => `${u?.origin}${u?.pathname}?page=${u?.searchParams.get("page")}`),
      ["https://crm.test/v1/order?page=1", "https://crm.test/v1/order?page=2"],
      "the next page is built from base_url, never from next_page_url",
    );
    assert.equal(ok[0]?.searchParams.get("limit"), "50");
    assert.equal(ok[0]?.searchParams.get("sort"), "id");
    assert.equal(
      ok[0]?.searchParams.get("filter[updated_between]"),
      "2026-11-05 12:00:00,2026-11-07 04:00:00",
    );
    assert.deepEqual(
      published,
      [1, 2, 3].map((id) => `keycrm:shop-kyiv:${id}:2026-11-01T10:00:00.000Z:3`),
    );
    assert.equal(stored.get(`${KEYCRM_ORDERS_POLLER}.shop-kyiv`)?.last_run_started_at, NOW.toISOString());
  });

  test("given a list that shrinks by 51 rows between pages, when paged, then it steps back two pages", async () => {
    const published: string[] = [];
    const first = Array.from({ length: 50 }, (_, i) => row(i + 1));
    const api = fakeKeycrm([
      () => ({ status: 200, body: page(first, { total: 200, next: true }) }),
      () => ({ status: 200, body: page(first, { total: 200, next: true }) }),
      () => ({ status: 200, body: page([row(101)], { total: 149, next: true }) }),
      () => ({ status: 200, body: page([row(51)], { total: 149, next: true }) }),
      () => ({ status: 200, body: page([row(101)], { total: 149, next: true }) }),
      () => ({ status: 200, body: page([row(151)], { total: 149 }) }),
    ]);
    const { poller } = setup(api.fetchImpl, published);
    const r = await poller.runOnce("shop-kyiv", { since: new Date("2026-10-01T00:00:00Z") });
    assert.deepEqual(
      api.urls.map((u) => u.searchParams.get("page")),
      ["1", "2", "3", "1", "2", "3"],
    );
    assert.equal(r.rereads, 1);
  });

  test("given an answer without total, an invalid row and an empty page announcing more, when paged, then it skips the row and stops", async () => {
    const published: string[] = [];
    const api = fakeKeycrm([
      () => ({ status: 200, body: page([row(1), { id: 2 }], { next: true }) }),
      () => ({ status: 200, body: page([], { next: true }) }),
    ]);
    const { poller } = setup(api.fetchImpl, published);
    const r = await poller.runOnce("shop-kyiv", { since: new Date("2026-10-01T00:00:00Z") });
    assert.equal(r.skipped, 1);
    assert.equal(r.published, 1);
    assert.equal(r.pages, 2);
  });

  test("given the API keeps failing, when it runs, then it throws and the checkpoint does not move; a non-KeyCRM project is refused", async () => {
    const api = fakeKeycrm(Array.from({ length: 4 }, () => () => ({ status: 500 })));
    const { poller, stored } = setup(api.fetchImpl, []);
    await assert.rejects(poller.runOnce("shop-kyiv"), /500/);
    assert.equal(stored.size, 0);
    await assert.rejects(poller.runOnce("nope"), /not an active KeyCRM project/);
    const bad = fakeKeycrm([() => ({ status: 200, body: { items: [] } })]);
    await assert.rejects(setup(bad.fetchImpl, []).poller.runOnce("shop-kyiv"), /data array/);
  });
});
