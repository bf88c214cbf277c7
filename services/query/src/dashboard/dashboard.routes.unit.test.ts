import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { problemErrorHandler, problemNotFoundHandler } from "../http/problem.handler.js";
import { dashboardRoutes } from "./dashboard.routes.js";

const INDEX =
  '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';

async function appOn(dir: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler(problemNotFoundHandler);
  await app.register(dashboardRoutes, { dir });
  app.get("/api/known", async () => ({ ok: true }));
  return app;
}

describe("dashboard routes", () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "dashboard-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), INDEX);
    writeFileSync(join(dir, "assets/index-abc123.js"), "console.log(1)");
    writeFileSync(join(dir, "favicon.svg"), "<svg/>");
    app = await appOn(dir);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("given a build, when / or a client route is requested, then index.html is answered, never cached, with a content security policy", async () => {
    for (const url of ["/", "/login?next=%2F", "/p/shop-kyiv/orders/42"]) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
      assert.equal(r.headers["cache-control"], "no-cache", url);
      assert.match(String(r.headers["content-security-policy"]), /default-src 'self'/);
    }
  });

  test("given a build, when a hashed asset or another file is requested, then it is served with its cache lifetime", async () => {
    const asset = await app.inject({ url: "/assets/index-abc123.js" });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers["cache-control"], "public, max-age=31536000, immutable");
    const icon = await app.inject({ url: "/favicon.svg" });
    assert.equal(icon.headers["cache-control"], "public, max-age=3600");
  });

  test("given a build, when an unknown API path or a missing file is requested, then 404 route_not_found, not the app", async () => {
    for (const url of ["/api/unknown", "/assets/missing.js", "/docs/nothing"]) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 404, url);
      assert.equal(r.json().code, "route_not_found", url);
    }
    assert.equal((await app.inject({ url: "/api/known" })).statusCode, 200);
  });

  test("given no build, when / is requested, then 503 dashboard_not_built", async () => {
    const empty = mkdtempSync(join(tmpdir(), "dashboard-empty-"));
    const bare = await appOn(empty);
    const r = await bare.inject({ url: "/p/x/orders" });
    assert.equal(r.statusCode, 503);
    assert.equal(r.json().code, "dashboard_not_built");
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });
});
