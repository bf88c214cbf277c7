import { readFileSync } from "node:fs";
import type { FastifyPluginAsync } from "fastify";

/**
 * The live order page (`page.html`): one self-contained HTML document with inline CSS and JS, no
 * build step. It asks for a project id and a token (kept in `localStorage`), loads
 * `/api/orders`, and follows `/api/stream/orders` with `EventSource`. Rows carry
 * `data-order-id`. Read once at module load.
 */
export const PAGE_HTML = readFileSync(new URL("./page.html", import.meta.url), "utf8");

/** `GET /` — the live order page. Public: the page itself holds no data; the API checks the token. */
export const pageRoutes: FastifyPluginAsync = async (app) => {
  app.get("/", { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .send(PAGE_HTML),
  );
};
