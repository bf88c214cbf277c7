import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  nextDelayMs,
  retryAfterMs,
} from "./retry-policy.js";

const headers = (h: Record<string, string>) => new Headers(h);
const opts = { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 };

describe("retry policy", () => {
  test("given statuses, when classified, then 408/409/429/5xx are retried and other 4xx are not", () => {
    assert.deepEqual(
      [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504].filter(isRetryableStatus),
      [408, 409, 429, 500, 502, 503, 504],
    );
  });

  test("given retries, when backing off, then the delay doubles, stays within [d/2, d) and is capped", () => {
    assert.equal(
      backoffDelayMs(0, opts, () => 0),
      50,
    );
    assert.equal(
      backoffDelayMs(0, opts, () => 0.999),
      100,
    );
    assert.equal(
      backoffDelayMs(1, opts, () => 0),
      100,
    );
    assert.equal(
      backoffDelayMs(3, opts, () => 0.5),
      600,
    );
    assert.equal(
      backoffDelayMs(10, opts, () => 0.5),
      750,
      "capped at maxDelayMs",
    );
    for (let r = 0; r < 8; r++) {
      const d = backoffDelayMs(r, DEFAULT_BACKOFF, Math.random);
      const exp = Math.min(DEFAULT_BACKOFF.maxDelayMs, DEFAULT_BACKOFF.baseDelayMs * 2 ** r);
      assert.ok(d >= exp / 2 && d <= exp, `${d} within [${exp / 2}, ${exp}]`);
    }
  });

  test("given Retry-After forms, when read, then ms, seconds and HTTP-dates are understood", () => {
    const now = Date.UTC(2026, 9, 21, 7, 28, 0);
    assert.equal(retryAfterMs(headers({ "retry-after-ms": "250" }), now), 250);
    assert.equal(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }), now), 250);
    assert.equal(retryAfterMs(headers({ "retry-after": "2" }), now), 2000);
    assert.equal(retryAfterMs(headers({ "retry-after": "0.5" }), now), 500);
    assert.equal(retryAfterMs(headers({ "retry-after": "Wed, 21 Oct 2026 07:28:03 GMT" }), now), 3000);
    assert.equal(retryAfterMs(headers({ "retry-after": "Wed, 21 Oct 2026 07:27:00 GMT" }), now), 0);
    assert.equal(retryAfterMs(headers({ "retry-after": "soon" }), now), null);
    assert.equal(retryAfterMs(headers({}), now), null);
    assert.equal(retryAfterMs(undefined, now), null);
  });

  test("given a server wait, when the next delay is chosen, then it is honoured up to the limit and beyond it the retries end", () => {
    assert.equal(
      nextDelayMs(0, 1500, opts, () => 0),
      1500,
    );
    assert.equal(
      nextDelayMs(5, 0, opts, () => 0),
      0,
    );
    assert.equal(
      nextDelayMs(0, 60_001, opts, () => 0),
      null,
    );
    assert.equal(
      nextDelayMs(2, null, opts, () => 0),
      200,
    );
  });
});
