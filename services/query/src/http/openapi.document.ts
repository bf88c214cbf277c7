import { createLogger, type Database, type Nats } from "@pulse/infra";
import type { Kysely } from "kysely";
import { QueryConfig } from "../config.js";
import { buildQueryApp } from "./app.js";

/**
 * The query service's OpenAPI 3.1 document (what `GET /openapi.json` answers), made in-process: the
 * app is built on placeholder connections that are never used (building the app registers routes
 * and their zod schemas only; no route runs), asked for its document, and closed. The dashboard's
 * API types are generated from it (`services/query/web/scripts/api-types.ts`).
 * @throws when the app fails to build.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const unused = new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`openApiDocument: the placeholder connection was used (${String(key)})`);
      },
    },
  );
  const app = await buildQueryApp({
    db: unused as Kysely<Database>,
    nats: unused as Nats,
    config: QueryConfig.parse({ NODE_ENV: "test" }),
    logger: createLogger("query-openapi", "silent"),
    clock: () => new Date(),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
