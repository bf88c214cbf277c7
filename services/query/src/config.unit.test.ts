import assert from "node:assert/strict";
import { test } from "node:test";
import { loadQueryConfig } from "./config.js";

test("given an empty environment in production, when loaded, then ADMIN_TOKEN is demanded", () => {
  assert.throws(() => loadQueryConfig({ NODE_ENV: "production" }), /ADMIN_TOKEN: required/);
});

test("given NODE_ENV=test, when loaded without ADMIN_TOKEN, then the defaults apply and no token is set", () => {
  const c = loadQueryConfig({ NODE_ENV: "test" });
  assert.equal(c.ADMIN_TOKEN, undefined);
  assert.deepEqual(
    [c.PORT, c.HOST, c.SSE_HEARTBEAT_MS, c.EVENTS_STREAM],
    [3000, "0.0.0.0", 15000, "CRM_EVENTS"],
  );
});

test("given string values, when loaded, then numbers are parsed and a short token is refused", () => {
  const c = loadQueryConfig({ PORT: "8081", SSE_HEARTBEAT_MS: "500", ADMIN_TOKEN: "0123456789abcdef" });
  assert.deepEqual([c.PORT, c.SSE_HEARTBEAT_MS], [8081, 500]);
  assert.throws(
    () => loadQueryConfig({ ADMIN_TOKEN: "short" }),
    /ADMIN_TOKEN: ADMIN_TOKEN must have at least 16/,
  );
  assert.throws(
    () => loadQueryConfig({ ADMIN_TOKEN: "0123456789abcdef", SSE_HEARTBEAT_MS: "10" }),
    /SSE_HEARTBEAT_MS/,
  );
});
