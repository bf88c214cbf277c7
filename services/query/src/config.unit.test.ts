import assert from "node:assert/strict";
import { test } from "node:test";
import { loadQueryConfig } from "./config.js";

test("given an empty environment, when loaded, then the defaults apply (no admin token is needed)", () => {
  const c = loadQueryConfig({ NODE_ENV: "production" });
  assert.deepEqual(
    [c.PORT, c.HOST, c.SSE_HEARTBEAT_MS, c.EVENTS_STREAM],
    [3000, "0.0.0.0", 15000, "CRM_EVENTS"],
  );
  assert.deepEqual(
    [
      c.SESSION_IDLE_MINUTES,
      c.SESSION_ABSOLUTE_HOURS,
      c.LOGIN_RATE_LIMIT_MAX,
      c.LOGIN_RATE_LIMIT_WINDOW_MINUTES,
    ],
    [120, 24, 20, 15],
  );
});

test("given string values, when loaded, then numbers are parsed and out-of-range ones are refused", () => {
  const c = loadQueryConfig({ PORT: "8081", SSE_HEARTBEAT_MS: "500", SESSION_IDLE_MINUTES: "30" });
  assert.deepEqual([c.PORT, c.SSE_HEARTBEAT_MS, c.SESSION_IDLE_MINUTES], [8081, 500, 30]);
  assert.throws(() => loadQueryConfig({ SSE_HEARTBEAT_MS: "10" }), /SSE_HEARTBEAT_MS/);
  assert.throws(() => loadQueryConfig({ SESSION_IDLE_MINUTES: "0" }), /SESSION_IDLE_MINUTES/);
});
