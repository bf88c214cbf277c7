/**
 * The whole stack in one test process over real HTTP: ingest (webhooks), projector and query on an
 * isolated environment (own database, streams, subject root; `@pulse/infra/testing`), with the demo
 * projects registered and their dictionaries imported through the CLI commands.
 */
import { join } from "node:path";
import { createLogger, loadConfig } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import {
  catchUpAmocrmCommand,
  dictionaryImportCommand,
  IngestConfig,
  projectRegisterCommand,
  startIngest,
} from "@pulse/ingest";
import { defaultFixturesDir } from "@pulse/ingest/testing";
import { createProjector, loadProjectorConfig, type Projector } from "@pulse/projector";
import { buildQueryApp, loadQueryConfig } from "@pulse/query";
import { seedOwnerToken } from "@pulse/query/testing";
import { INGEST_WITHOUT_CRM_CALLS } from "./ingest-env.js";

/** The shared fixture corpus. */
export const fixturesDir = defaultFixturesDir();
/** The admin token of the stack's query service. */
export const ADMIN_TOKEN = "e2e-admin-token-0123456789";
/** The webhook secret of every demo project. */
export const WEBHOOK_SECRET = "e2e-webhook-secret";

/** A running stack. */
export interface Stack {
  env: TestEnv;
  ingestUrl: string;
  queryUrl: string;
  projector: Projector;
  /** GET a query API path with the admin token; returns the parsed JSON. @throws on a non-2xx answer. */
  get<T>(path: string): Promise<T>;
  /** Waits until the projector has applied every message of the events stream. */
  settled(): Promise<void>;
  /**
   * Runs the amoCRM events catch-up of demoacademy once from `since` (ISO instant): the status
   * changes only the events API has. Needs the stack started with `crmUrl`.
   */
  catchUpAmocrm(since: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /**
   * A fake CRM's base URL (`startFixtureCrm` of `@pulse/ingest/testing`): demoacademy is registered
   * with `${crmUrl}/demoacademy`, its token and phone region KZ, so {@link Stack.catchUpAmocrm} works.
   * Background CRM calls stay off either way.
   */
  crmUrl?: string;
  /** Adds or overrides service variables (e.g. `TELEGRAM_API_URL` of a local Bot API). */
  extraEnv?: Record<string, string>;
}

/** The API token of demoacademy when the stack has a fake CRM. */
export const DEMO_CRM_TOKEN = "demo-crm-token";

/** Starts the stack; `projects` are registered (KeyCRM ones from the fixtures' projects.json). */
export async function startStack(
  label: string,
  projects: ("shop-kyiv" | "shop-lviv" | "demoacademy")[],
  options: StackOptions = {},
): Promise<Stack> {
  const env = await createTestEnv(label);
  await seedOwnerToken(env.db, ADMIN_TOKEN);
  const vars = {
    ...env.env,
    NODE_ENV: "test",
    PORT: "0",
    INGEST_PORT: "0",
    INGEST_HOST: "127.0.0.1",
    ADMIN_TOKEN,
    ...INGEST_WITHOUT_CRM_CALLS,
    SLA_TICK_SECONDS: "3600",
    TRUST_RECORDED_RECEIVED_AT: "true",
    ...options.extraEnv,
  };
  try {
    return await startOn(env, vars, label, projects, options);
  } catch (error) {
    await env.close();
    throw error;
  }
}

async function startOn(
  env: TestEnv,
  vars: Record<string, string>,
  label: string,
  projects: ("shop-kyiv" | "shop-lviv" | "demoacademy")[],
  options: StackOptions,
): Promise<Stack> {
  const logger = createLogger(`e2e-${label}`, process.env["TEST_LOG_LEVEL"] ?? "silent");
  const ingestConfig = loadConfig(IngestConfig, vars);
  const ctx = { nats: env.nats, config: ingestConfig, logger, env: vars, out: () => undefined };
  const zones: Record<string, string> = {
    "shop-kyiv": "Europe/Kyiv",
    "shop-lviv": "Europe/Kyiv",
    demoacademy: "Asia/Almaty",
  };
  for (const id of projects) {
    await projectRegisterCommand(ctx, {
      id,
      name: id,
      kind: id === "demoacademy" ? "amocrm" : "keycrm",
      timeZone: zones[id] ?? "UTC",
      webhookSecret: WEBHOOK_SECRET,
      ...(id === "demoacademy" && options.crmUrl !== undefined
        ? { baseUrl: `${options.crmUrl}/demoacademy`, token: DEMO_CRM_TOKEN, phoneRegion: "KZ" }
        : { baseUrl: "http://127.0.0.1:9/unused" }),
    });
    const file =
      id === "demoacademy"
        ? join(fixturesDir, "amocrm/pipelines.json")
        : join(fixturesDir, `keycrm/${id}/statuses.json`);
    await dictionaryImportCommand(ctx, { project: id, file });
  }
  const ingest = await startIngest({ env: vars, logger });
  const projector = createProjector({
    nats: env.nats,
    db: env.db,
    config: loadProjectorConfig(vars),
    logger,
  });
  await projector.start();
  const query = await buildQueryApp({
    db: env.db,
    nats: env.nats,
    config: loadQueryConfig(vars),
    logger,
    clock: () => new Date(),
  });
  const queryUrl = (await query.listen({ port: 0, host: "127.0.0.1" })).replace("[::1]", "127.0.0.1");
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${queryUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    env,
    ingestUrl: ingest.url,
    queryUrl,
    projector,
    get,
    async settled() {
      await waitFor(
        "the projector to apply the whole stream",
        async () => {
          const ready = await fetch(`${queryUrl}/ready`).then((r) => r.json() as Promise<{ lag?: number }>);
          return ready.lag === 0;
        },
        60_000,
      );
    },
    async catchUpAmocrm(since: string) {
      await catchUpAmocrmCommand(ctx, { project: "demoacademy", since });
    },
    async close() {
      await query.close();
      await ingest.close();
      await projector.stop();
      await env.close();
    },
  };
}

/** One recorded webhook delivery, ready to POST. */
export interface Delivery {
  path: string;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

/** POSTs a delivery to ingest with the demo secret; resolves with the status. Retries 5xx like a CRM would. */
export async function post(ingestUrl: string, d: Delivery): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${ingestUrl}${d.path}?secret=${WEBHOOK_SECRET}`, {
      method: "POST",
      headers: { ...d.headers, "content-type": d.contentType },
      body: d.body,
    });
    await res.arrayBuffer();
    if (res.status < 500 || attempt >= 5) return res.status;
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
}
