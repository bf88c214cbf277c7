/**
 * The systems under fuzz, in one process on an isolated environment (own database, streams and
 * subject root): ingest (`startIngest`, background workers off) and the query app, with the demo
 * projects registered, their dictionaries imported and a sample of the fixture deliveries projected
 * (so the query routes read real rows), and a stand-in analyst that accepts analysis runs. The
 * projector is stopped before fuzzing starts, so nothing but the fuzzed requests writes to the
 * events stream while they run.
 */
import { join } from "node:path";
import { createLogger, loadConfig } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import {
  dictionaryImportCommand,
  IngestConfig,
  projectRegisterCommand,
  type RunningIngest,
  startIngest,
} from "@pulse/ingest";
import { defaultFixturesDir } from "@pulse/ingest/testing";
import { createProjector, loadProjectorConfig } from "@pulse/projector";
import { buildQueryApp, loadQueryConfig, type QueryApp } from "@pulse/query";
import { seedOwnerToken } from "@pulse/query/testing";
import type { OpenApiDocument } from "./query.cases.js";
import type { FuzzAnswer, FuzzRequest } from "./request.js";
import { loadWebhookCorpus, type WebhookCorpus } from "./webhook.cases.js";

/** The admin token of the fuzzed query app. */
export const FUZZ_ADMIN_TOKEN = "fuzz-admin-token-0123456789";
/** The webhook secret of every registered project. */
export const FUZZ_WEBHOOK_SECRET = "fuzz-webhook-secret";
/** The KeyCRM project (Europe/Kyiv) and the amoCRM project (Asia/Almaty, also the WhatsApp one). */
export const FUZZ_PROJECTS = { keycrm: "shop-kyiv", amocrm: "demoacademy" } as const;

/** Longest wait for one answer; a request still unanswered then is reported as a failure, not awaited. */
export const ANSWER_TIMEOUT_MS = 30_000;

/** The running targets. */
export interface FuzzTargets {
  readonly env: TestEnv;
  /** The query app's OpenAPI document, as `GET /openapi.json` serves it. */
  readonly openapi: OpenApiDocument;
  readonly corpus: WebhookCorpus;
  /** Base URLs (`http://127.0.0.1:port`) of the listening apps. */
  readonly queryUrl: string;
  readonly ingestUrl: string;
  /** Order ids of the projected seed deliveries (up to 50). */
  readonly orderIds: readonly number[];
  /** Sends `request` to its target; SSE answers are closed once the headers are in. */
  send(request: FuzzRequest): Promise<FuzzAnswer>;
  /** Messages in the events stream. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the targets. `seedDeliveries` recorded deliveries per source are posted and projected
 * first (the projector then stops).
 * @throws when a service does not start or the projector does not catch up within 60 s.
 */
export async function startFuzzTargets(label: string, seedDeliveries = 60): Promise<FuzzTargets> {
  const env = await createTestEnv(label);
  await seedOwnerToken(env.db, FUZZ_ADMIN_TOKEN);
  const logger = createLogger(`fuzz-${label}`, process.env["TEST_LOG_LEVEL"] ?? "silent");
  const vars: Record<string, string> = {
    ...env.env,
    NODE_ENV: "test",
    PORT: "0",
    INGEST_PORT: "0",
    INGEST_HOST: "127.0.0.1",
    ADMIN_TOKEN: FUZZ_ADMIN_TOKEN,
    INGEST_BACKGROUND_WORKERS: "false",
    DICTIONARY_SYNC_ON_START: "false",
    DICTIONARY_REFRESH_INTERVAL_MINUTES: "0",
    TRUST_RECORDED_RECEIVED_AT: "true",
    SSE_HEARTBEAT_MS: "60000",
    // A fuzzed project patch may set a bot token: test messages go to a closed local port, once.
    TELEGRAM_API_URL: "http://127.0.0.1:9",
    TELEGRAM_RETRIES: "0",
    TELEGRAM_HTTP_TIMEOUT_MS: "1000",
  };
  const fixturesDir = defaultFixturesDir();
  const closers: (() => Promise<unknown>)[] = [() => env.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const ingestConfig = loadConfig(IngestConfig, vars);
    const ctx = { nats: env.nats, config: ingestConfig, logger, env: vars, out: () => undefined };
    const projects = [
      {
        id: FUZZ_PROJECTS.keycrm,
        kind: "keycrm" as const,
        zone: "Europe/Kyiv",
        dict: `keycrm/${FUZZ_PROJECTS.keycrm}/statuses.json`,
      },
      {
        id: FUZZ_PROJECTS.amocrm,
        kind: "amocrm" as const,
        zone: "Asia/Almaty",
        dict: "amocrm/pipelines.json",
      },
    ];
    for (const p of projects) {
      await projectRegisterCommand(ctx, {
        id: p.id,
        name: p.id,
        kind: p.kind,
        timeZone: p.zone,
        webhookSecret: FUZZ_WEBHOOK_SECRET,
        baseUrl: "http://127.0.0.1:9/unused",
      });
      await dictionaryImportCommand(ctx, { project: p.id, file: join(fixturesDir, p.dict) });
    }
    const ingest: RunningIngest = await startIngest({ env: vars, logger });
    closers.push(() => ingest.close());
    const query: QueryApp = await buildQueryApp({
      db: env.db,
      nats: env.nats,
      config: loadQueryConfig(vars),
      logger,
      clock: () => new Date(),
    });
    closers.push(() => query.close());
    const queryUrl = (await query.listen({ port: 0, host: "127.0.0.1" })).replace("[::1]", "127.0.0.1");

    // The analyst's side of `POST /api/analysis/run` (core request/reply): every run is accepted.
    const analyst = env.nats.nc.subscribe(`${env.subjectRoot}.cmd.*.analysis.run`, {
      callback: (_err, msg) => {
        msg.respond(JSON.stringify({ run_id: "fuzz-run", dialogs_queued: 0 }));
      },
    });
    closers.push(async () => analyst.unsubscribe());

    const corpus = loadWebhookCorpus(fixturesDir, FUZZ_PROJECTS.keycrm);
    const projector = createProjector({
      nats: env.nats,
      db: env.db,
      config: loadProjectorConfig(vars),
      logger,
    });
    await projector.start();
    let projecting = true;
    closers.push(async () => {
      if (projecting) await projector.stop();
    });
    const seeds: [string, string, string][] = [
      ...corpus.keycrm
        .slice(0, seedDeliveries)
        .map((b) => [`keycrm/${FUZZ_PROJECTS.keycrm}`, "application/json", b] as [string, string, string]),
      ...corpus.amocrm
        .slice(0, seedDeliveries)
        .map(
          (b) =>
            [`amocrm/${FUZZ_PROJECTS.amocrm}`, "application/x-www-form-urlencoded", b] as [
              string,
              string,
              string,
            ],
        ),
      ...corpus.evolution
        .slice(0, seedDeliveries)
        .map((b) => [`evolution/${FUZZ_PROJECTS.amocrm}`, "application/json", b] as [string, string, string]),
    ];
    for (const [path, type, payload] of seeds) {
      await ingest.app.inject({
        method: "POST",
        url: `/webhooks/${path}?secret=${FUZZ_WEBHOOK_SECRET}`,
        headers: { "content-type": type },
        payload,
      });
    }
    await waitFor(
      "the projector to apply the seed deliveries",
      async () => {
        const ready = (await query.inject("/ready")).json() as { lag?: number };
        return ready.lag === 0;
      },
      60_000,
    );
    await projector.stop();
    projecting = false;
    const openapi = (await query.inject("/openapi.json")).json() as OpenApiDocument;
    const orders = await env.db.selectFrom("rm.orders_current").select("order_id").limit(50).execute();

    return {
      env,
      openapi,
      corpus,
      queryUrl,
      ingestUrl: ingest.url,
      orderIds: orders.map((o) => Number(o.order_id)),
      send: (request) =>
        withTimeout(
          request.stream
            ? sendStream(queryUrl, request)
            : inject(request.target === "query" ? query : ingest.app, request),
          request,
        ),
      eventCount: async () => (await env.nats.jsm.streams.info(env.streamName)).state.messages,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

type Injectable = Pick<QueryApp, "inject">;

async function inject(app: Injectable, r: FuzzRequest): Promise<FuzzAnswer> {
  const res = await app.inject({
    method: r.method as "GET",
    url: r.url,
    headers: r.headers,
    ...(r.body === undefined ? {} : { payload: r.body }),
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = String(v);
  return { status: res.statusCode, headers, body: res.body };
}

/** An SSE request over real HTTP: the status and headers, then the stream is closed (a problem body is read). */
async function sendStream(baseUrl: string, r: FuzzRequest): Promise<FuzzAnswer> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}${r.url}`, {
    method: r.method,
    headers: r.headers,
    signal: abort.signal,
    ...(r.body === undefined ? {} : { body: r.body }),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  if ((headers["content-type"] ?? "").startsWith("text/event-stream")) {
    abort.abort();
    return { status: res.status, headers, body: "" };
  }
  return { status: res.status, headers, body: await res.text() };
}

async function withTimeout(p: Promise<FuzzAnswer>, r: FuzzRequest): Promise<FuzzAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms: ${r.method} ${r.url.slice(0, 120)}`)),
      ANSWER_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
