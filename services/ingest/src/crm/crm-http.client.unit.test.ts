import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createLogger } from "@pulse/infra";
import { type CrmHttpClient, createCrmHttpClient, createProjectCrmHttpClient } from "./crm-http.client.js";

// The limiter's schedule is asserted on a mocked clock (setTimeout and Date): the times below are
// exact, whatever the machine's load. A timer that fires late is simulated by advancing the clock
// past its due time in one step (the timer then runs at the later time).

const log = createLogger("crm-http-test", "silent");
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** One request the stub answered: when it was sent (mocked ms since 0) and its URL. */
interface Sent {
  readonly at: number;
  readonly url: string;
}

/**
 * A `fetch` stub that records every call; `answer` decides the response (default 200 `{}`), a
 * `"hang"` answer never settles until the request is aborted.
 */
function stubFetch(answer: (url: string, n: number) => Response | "hang" = () => json({})) {
  const sent: Sent[] = [];
  const signals: AbortSignal[] = [];
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    sent.push({ at: Date.now(), url });
    const signal = init?.signal ?? undefined;
    if (signal) signals.push(signal);
    const a = answer(url, sent.length);
    if (a !== "hang") return Promise.resolve(a);
    return new Promise<Response>((_, reject) => {
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }) as typeof globalThis.fetch;
  return { fetch, sent, signals };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function client(fetch: typeof globalThis.fetch, extra: { retries?: number; timeoutMs?: number } = {}) {
  return createCrmHttpClient({
    minIntervalMs: 1000,
    timeoutMs: extra.timeoutMs ?? 10_000,
    retries: extra.retries ?? 0,
    minRetryDelayMs: 50,
    log,
    fetch,
  });
}

/** Lets every pending promise reaction run (real `setImmediate`: only setTimeout and Date are mocked). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Advances the mocked clock `ms` in 1 ms steps, letting reactions run after each (timers on time). */
async function advance(ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    mock.timers.tick(1);
    await settle();
  }
}

const get = (c: CrmHttpClient, project: string, path: string, signal?: AbortSignal) =>
  c.getJson(project, `https://crm.example/${project}/${path}`, "token-1", signal);

describe("CRM HTTP client request spacing", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 }));
  afterEach(() => mock.timers.reset());

  test("given five calls of one project at once, when they run, then their requests start 1000 ms apart", async () => {
    const { fetch, sent } = stubFetch();
    const c = client(fetch);
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => get(c, "shop", `order/${n}`)));
    await settle();
    await advance(4000);
    await all;
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 1000, 2000, 3000, 4000],
    );
    assert.deepEqual(
      sent.map((s) => s.url.split("/").at(-1)),
      ["1", "2", "3", "4", "5"],
      "in call order",
    );
  });

  test("given a start that came late, when more calls wait, then the next starts a full interval after the late one", async () => {
    const { fetch, sent } = stubFetch();
    const c = client(fetch);
    const all = Promise.all([1, 2, 3].map((n) => get(c, "shop", `order/${n}`)));
    await settle();
    // The loop was busy: the 1000 ms turn runs at 1300.
    mock.timers.tick(1300);
    await settle();
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 1300],
    );
    await advance(999);
    assert.equal(sent.length, 2, "not before 2300");
    await advance(1);
    await all;
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 1300, 2300],
    );
  });

  test("given calls of two projects, when they run, then each project is spaced on its own", async () => {
    const { fetch, sent } = stubFetch();
    const c = client(fetch);
    const all = Promise.all(
      ["a1", "a2", "a3"].flatMap((n) => [get(c, "kyiv", `order/${n}`), get(c, "lviv", `order/${n}`)]),
    );
    await settle();
    await advance(2000);
    await all;
    const times = (p: string) => sent.filter((s) => s.url.includes(`/${p}/`)).map((s) => s.at);
    assert.deepEqual(times("kyiv"), [0, 1000, 2000]);
    assert.deepEqual(times("lviv"), [0, 1000, 2000]);
  });

  test("given an amoCRM and a KeyCRM project, when their client is made from the settings, then each gets its own interval", async () => {
    const { fetch, sent } = stubFetch();
    const c = createProjectCrmHttpClient(
      {
        CRM_MIN_REQUEST_INTERVAL_MS: 1000,
        AMOCRM_MIN_REQUEST_INTERVAL_MS: 150,
        CRM_HTTP_TIMEOUT_MS: 10_000,
        CRM_RETRIES: 0,
        CRM_RETRY_MIN_DELAY_MS: 50,
      },
      (p) => (p === "academy" ? "amocrm" : "keycrm"),
      log,
      fetch,
    );
    const all = Promise.all(
      [1, 2, 3].flatMap((n) => [get(c, "academy", `leads/${n}`), get(c, "shop", `order/${n}`)]),
    );
    await settle();
    await advance(2000);
    await all;
    const times = (p: string) => sent.filter((s) => s.url.includes(`/${p}/`)).map((s) => s.at);
    assert.deepEqual(times("academy"), [0, 150, 300]);
    assert.deepEqual(times("shop"), [0, 1000, 2000]);
  });

  test("given a 429 answer, when retried, then the retry waits for the project's next turn", async () => {
    const { fetch, sent } = stubFetch((_, n) => (n === 1 ? json({}, 429) : json({ id: 7 })));
    const c = client(fetch, { retries: 2 });
    const got = get(c, "shop", "order/7");
    await settle();
    await advance(1000);
    assert.deepEqual(await got, { id: 7 });
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 1000],
    );
  });
});

describe("CRM HTTP client abort and timeout", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 }));
  afterEach(() => mock.timers.reset());

  test("given one long-lived caller signal, when many requests complete, then none leaves a listener or memory on it", async (t) => {
    mock.timers.reset();
    const answer = JSON.stringify({});
    const fetch = (async () => new Response(answer)) as typeof globalThis.fetch;
    const c = createCrmHttpClient({
      minIntervalMs: 0,
      timeoutMs: 10_000,
      retries: 0,
      minRetryDelayMs: 50,
      log,
      fetch,
    });
    const stop = new AbortController();
    const heap = async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
      }
      return process.memoryUsage().heapUsed;
    };
    for (let i = 0; i < 1_000; i++) await get(c, "shop", "order/1", stop.signal);
    const before = await heap();
    for (let i = 0; i < 15_000; i++) await get(c, "shop", "order/1", stop.signal);
    const grown = (await heap()) - before;
    t.diagnostic(`heap growth over 15000 requests: ${grown} bytes`);
    assert.equal(getEventListeners(stop.signal, "abort").length, 0);
    // A reference left on the signal per request (~60 bytes) would be about 900 KB here; what does
    // not grow with the count moves by ±250 KB.
    assert.ok(grown < 450_000, `heap grew ${grown} bytes over 15000 requests on one signal`);
  });

  test("given a request in flight, when the caller's signal aborts, then the request is aborted with its reason", async () => {
    const { fetch, signals } = stubFetch(() => "hang");
    const c = client(fetch);
    const stop = new AbortController();
    const got = get(c, "shop", "order/1", stop.signal);
    await settle();
    const reason = new Error("worker stopping");
    stop.abort(reason);
    await assert.rejects(got, (e) => e === reason);
    assert.equal(signals[0]?.aborted, true);
    assert.equal(getEventListeners(stop.signal, "abort").length, 0);
  });

  test("given an API that never answers, when the timeout passes, then the request fails with a TimeoutError", async () => {
    const { fetch, signals } = stubFetch(() => "hang");
    const c = client(fetch, { timeoutMs: 5000 });
    const got = get(c, "shop", "order/1");
    const failed = assert.rejects(got, (e: Error) => e.name === "TimeoutError");
    await settle();
    mock.timers.tick(4999);
    await settle();
    assert.equal(signals[0]?.aborted, false);
    mock.timers.tick(1);
    await failed;
  });
});
