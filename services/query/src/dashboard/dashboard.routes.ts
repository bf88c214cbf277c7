import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import { ServiceUnavailableError } from "@pulse/infra";
import { errorCodes, type FastifyPluginAsync, type FastifyReply } from "fastify";
import { problemNotFoundHandler } from "../http/problem.handler.js";

/**
 * Where the built dashboard is: `services/query/web/dist/` (made by `pnpm build`, which runs the
 * dashboard's Vite build). The same relative path holds from `src/` (tsx) and from `dist/` (the
 * compiled service), and in the image, which copies the folder there.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** Options of {@link dashboardRoutes}. */
export interface DashboardRouteOptions {
  /** The built dashboard (a folder with `index.html` and `assets/`); default {@link DASHBOARD_DIR}. */
  readonly dir?: string;
}

/**
 * Headers of the app's HTML: never cached (it names the current hashed assets), and a content
 * security policy that lets the page load its own scripts and call its own origin only (inline
 * styles allowed: the chart library sets `style` attributes).
 */
function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-cache")
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("x-frame-options", "DENY")
    .header(
      "content-security-policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
}

/**
 * The dashboard (single-page app) at `/`:
 * - `/assets/*` — content-hashed bundles from `@fastify/static`, `cache-control: public,
 *   max-age=31536000, immutable`; other files of the build root (icons) for an hour;
 * - any other GET path that is not the API's (`/api/…`, `/docs…`) and has no file extension — a
 *   client route such as `/p/shop-kyiv/orders/42` — answers `index.html` (`no-cache`), so a reload
 *   or a shared link opens the right page;
 * - everything else: the API's 404 problem (`route_not_found`), or 414 `uri_too_long` for a path
 *   segment longer than the router's `maxParamLength` (as the API's parametric routes answer).
 * Public: the page holds no data; the API checks the session. When the build is missing the
 * page routes answer 503 `dashboard_not_built` (run `pnpm build`), and the API works as before.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardRouteOptions> = async (app, opts) => {
  const dir = opts.dir ?? DASHBOARD_DIR;
  const indexFile = `${dir.replace(/\/$/, "")}/index.html`;
  const built = existsSync(indexFile);
  const indexHtml = built ? readFileSync(indexFile, "utf8") : "";

  if (built) {
    await app.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      index: false,
      cacheControl: false,
      serve: true,
      setHeaders(res, path) {
        res.setHeader("x-content-type-options", "nosniff");
        const cache = /[/\\]assets[/\\]/.test(path)
          ? "public, max-age=31536000, immutable"
          : path.endsWith("index.html")
            ? "no-cache"
            : "public, max-age=3600";
        res.setHeader("cache-control", cache);
      },
    });
  }

  const page = async (_request: unknown, reply: FastifyReply) => {
    if (!built) {
      throw new ServiceUnavailableError(
        "dashboard_not_built",
        "the dashboard is not built: run `pnpm build` (services/query/web/dist/index.html is missing)",
      );
    }
    return htmlHeaders(reply).send(indexHtml);
  };
  app.get("/", { schema: { hide: true } }, page);
  app.get("/*", { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const last = path.slice(path.lastIndexOf("/") + 1);
    if (path.startsWith("/api/") || path === "/api" || path.startsWith("/docs") || last.includes(".")) {
      // The catch-all route takes what the router would refuse for a parameter over its limit:
      // answer that as the API's routes do (414 `uri_too_long`), not as an unknown route.
      if (path.split("/").some((segment) => segment.length > (app.initialConfig.maxParamLength ?? 100))) {
        throw new errorCodes.FST_ERR_MAX_PARAM_LENGTH(path.length, path);
      }
      return problemNotFoundHandler(request, reply);
    }
    return page(request, reply);
  });
};
