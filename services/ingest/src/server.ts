/**
 * The ingest process: the only file that listens and handles signals. Run it with
 * `node --max-semi-space-size=32 --import tsx services/ingest/src/server.ts` (env: see
 * `ingest.config.ts`; the flag: `SERVICE_NODE_FLAGS` in infra).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectionOptions } from "@nats-io/transport-node";
import type { IntegrationApi } from "@pulse/events";
import { connectNats, createLogger, ensureStreams, type Logger, loadConfig } from "@pulse/infra";
import type { FastifyInstance } from "fastify";
import { type CrmHttpOptions, createProjectCrmHttpClient } from "./crm/crm-http.client.js";
import { type IntegrationHealthRecorder, openIntegrationHealth } from "./health/integration-health.store.js";
import { buildIngestApp } from "./http/app.js";
import { IngestConfig } from "./ingest.config.js";
import { crmLabelsOf } from "./metrics.js";
import { startNotificationTestResponder } from "./notifications/notification-test.responder.js";
import {
  createSaleNotificationsWorker,
  type SaleNotificationsWorker,
} from "./notifications/sale-notifications.worker.js";
import { type AmocrmEventsPoller, createAmocrmEventsPoller } from "./pollers/amocrm-events.poller.js";
import { createKeycrmOrdersPoller, type KeycrmOrdersPoller } from "./pollers/keycrm-orders.poller.js";
import { openPollerCheckpoints } from "./pollers/poller-checkpoints.store.js";
import { createRadistPoller, type RadistPoller } from "./pollers/radist.poller.js";
import { startProjectCommands } from "./projects/project-commands.js";
import { openProjectRegistry, type ProjectRegistry } from "./projects/project-registry.js";
import { secretsKeyringFromEnv } from "./projects/secrets.js";
import { eventIdFactory } from "./publishing/event-id.js";
import { createDealContactsWorker } from "./workers/deal-contacts.worker.js";
import { createDictionaryWorker, type DictionaryWorker } from "./workers/dictionary.worker.js";
import type { EntityFetchWorker } from "./workers/entity-fetch.worker.js";
import { createOrderItemsWorker } from "./workers/order-items.worker.js";

/**
 * A running ingest: its app, base URL, registry, dictionary worker, the enrichment workers and
 * pollers (`null` when disabled by configuration), and how to stop it.
 */
export interface RunningIngest {
  app: FastifyInstance;
  /** `http://host:port` the server listens on. */
  url: string;
  registry: ProjectRegistry;
  worker: DictionaryWorker;
  /** KeyCRM order-items worker (`ITEMS_WORKER_ENABLED`). */
  itemsWorker: EntityFetchWorker | null;
  /** amoCRM deal-contacts worker (`CONTACTS_WORKER_ENABLED`). */
  contactsWorker: EntityFetchWorker | null;
  /** amoCRM events-API catch-up; periodic unless `AMOCRM_CATCHUP_INTERVAL_SECONDS` = 0. */
  amocrmCatchup: AmocrmEventsPoller;
  /** Radist.Online poller; periodic unless `RADIST_POLL_INTERVAL_SECONDS` = 0. */
  radistPoller: RadistPoller;
  /** KeyCRM order-list catch-up; periodic unless `KEYCRM_CATCHUP_INTERVAL_SECONDS` = 0. */
  keycrmCatchup: KeycrmOrdersPoller;
  /** Telegram sale notifications (`SALE_NOTIFICATIONS_ENABLED`). */
  saleNotifications: SaleNotificationsWorker | null;
  /** Integration health and notification counts (`{EVENTS_STREAM}_HEALTH`). */
  health: IntegrationHealthRecorder;
  /** Stops HTTP (in-flight requests finish), the workers, pollers and registry watch, then drains NATS. */
  close(): Promise<void>;
}

/**
 * The NATS connection options ingest adds to `connectNats`'s defaults: `noAsyncTraces`, so nats.js
 * does not build two `Error`s (with stack traces) per publish just in case its ack times out. A
 * failed publish still rejects with the error's name and message; only its stack is shorter.
 * `pnpm bench ingest` opens its raw-publish baseline with the same options.
 */
export const INGEST_NATS_OPTIONS = { noAsyncTraces: true } as const satisfies Partial<ConnectionOptions>;

/**
 * Starts ingest: reads the config from `env` (default `process.env`), connects to NATS, ensures the
 * streams, opens the project registry (KV watch), builds the app, creates one CRM HTTP client for
 * every CRM caller (one rate limiter per project), starts the dictionary worker, the items and
 * contacts workers (when enabled), the amoCRM catch-up and Radist pollers (when their interval is
 * not 0) — all of them only when `INGEST_BACKGROUND_WORKERS` is on —, answers project commands
 * (`{root}.cmd.*.project.*`, `projects/project-commands.ts`) and listens on
 * `INGEST_HOST`:`INGEST_PORT`/`PORT` (port 0 = any free port).
 * @throws on invalid configuration, when NATS is unreachable, or when the port is taken.
 */
export async function startIngest(
  opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): Promise<RunningIngest> {
  const env = opts.env ?? process.env;
  const config = loadConfig(IngestConfig, env);
  const logger = opts.logger ?? createLogger("ingest", config.LOG_LEVEL);
  // Fails fast (before connecting) when SECRETS_KEY is missing in production or malformed.
  const keyring = secretsKeyringFromEnv({ ...config, NODE_ENV: env["NODE_ENV"] });
  if (keyring.source === "development")
    logger.warn(
      "SECRETS_KEY is not set: project secrets use the fixed development key (set it in production)",
    );
  const nats = await connectNats(config.NATS_URL, "ingest", 5000, INGEST_NATS_OPTIONS);
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
    const registry = await openProjectRegistry(nats.js, config.EVENTS_STREAM, logger, keyring);
    const metricsToken = (opts.env ?? process.env)["METRICS_TOKEN"] || undefined;
    const app = await buildIngestApp({ nats, config, logger, registry, metricsToken });
    const health = await openIntegrationHealth(nats.js, config.EVENTS_STREAM, {
      flushMs: config.HEALTH_FLUSH_MS,
      log: logger,
    });
    // Every CRM/Radist attempt is recorded for `GET /api/integrations/health`.
    const onAttempt: CrmHttpOptions["onAttempt"] = (key, outcome, at) => {
      const { api, project } = crmLabelsOf(key);
      health.recordCall(project, api as IntegrationApi, outcome, at);
    };
    const http = createProjectCrmHttpClient(
      config,
      (p) => registry.get(p)?.record.kind,
      logger,
      undefined,
      onAttempt,
    );
    const worker = createDictionaryWorker({ nats, config, logger, registry, http });
    const ulid = eventIdFactory();
    const newId = () => ulid(Date.now());
    const fetchDeps = {
      nats,
      eventsStream: config.EVENTS_STREAM,
      scheme: { root: config.SUBJECT_ROOT },
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
      registry,
      logger,
      clock: () => new Date(),
      newId,
      http,
    };
    const itemsWorker = config.ITEMS_WORKER_ENABLED
      ? createOrderItemsWorker({ ...fetchDeps, refetchAfterMinutes: config.ITEMS_REFETCH_AFTER_MINUTES })
      : null;
    const contactsWorker = config.CONTACTS_WORKER_ENABLED
      ? createDealContactsWorker({ ...fetchDeps, refetchAfterMinutes: config.CONTACTS_REFETCH_AFTER_MINUTES })
      : null;
    // Project edits from the query API (PATCH /api/projects/{id}) arrive as core-NATS requests.
    const projectCommands = await startProjectCommands({
      nats,
      eventsStream: config.EVENTS_STREAM,
      scheme: { root: config.SUBJECT_ROOT },
      keyring,
      logger,
      clock: () => new Date(),
      newId,
    });
    cleanup.push(() => projectCommands.close());
    const checkpoints = await openPollerCheckpoints(nats.js, config.EVENTS_STREAM);
    const pollerDeps = { nats, config, logger, registry, checkpoints, newId };
    const amocrmCatchup = createAmocrmEventsPoller({ ...pollerDeps, http });
    const radistPoller = createRadistPoller({ ...pollerDeps, onAttempt });
    const telegram = {
      apiUrl: config.TELEGRAM_API_URL,
      retries: config.TELEGRAM_RETRIES,
      minRetryDelayMs: config.TELEGRAM_RETRY_MIN_DELAY_MS,
      maxRetryDelayMs: 60_000,
      timeoutMs: config.TELEGRAM_HTTP_TIMEOUT_MS,
    };
    const scheme = { root: config.SUBJECT_ROOT };
    const saleNotifications = config.SALE_NOTIFICATIONS_ENABLED
      ? createSaleNotificationsWorker({
          nats,
          eventsStream: config.EVENTS_STREAM,
          scheme,
          registry,
          health,
          telegram,
          logger,
          maxAgeMs: config.SALE_NOTIFICATIONS_MAX_AGE_HOURS * 3_600_000,
        })
      : null;
    // A responder, not background work: it answers query's requests whenever ingest runs.
    const testResponder = config.SALE_NOTIFICATIONS_ENABLED
      ? startNotificationTestResponder({ nats, scheme, registry, health, telegram, logger })
      : null;
    const keycrmCatchup = createKeycrmOrdersPoller({ ...pollerDeps, http });
    cleanup.push(
      () => app.close(),
      () => worker.close(),
      async () => itemsWorker?.close(),
      async () => contactsWorker?.close(),
      () => amocrmCatchup.close(),
      () => radistPoller.close(),
      () => keycrmCatchup.close(),
      async () => saleNotifications?.close(),
      async () => testResponder?.unsubscribe(),
      () => health.close(),
      () => registry.close(),
    );
    if (config.INGEST_BACKGROUND_WORKERS) {
      worker.start();
      await itemsWorker?.start();
      await contactsWorker?.start();
      amocrmCatchup.start();
      radistPoller.start();
      keycrmCatchup.start();
      await saleNotifications?.start();
    }
    // Listening is the last step: once /health answers, the caller owns a fully started ingest.
    const url = await app.listen({ host: config.INGEST_HOST, port: config.INGEST_PORT ?? config.PORT });
    logger.info({ url, projects: registry.list().length }, "ingest listening");
    return {
      app,
      url,
      registry,
      worker,
      itemsWorker,
      contactsWorker,
      amocrmCatchup,
      radistPoller,
      keycrmCatchup,
      saleNotifications,
      health,
      async close() {
        await app.close();
        await Promise.all([
          worker.close(),
          itemsWorker?.close(),
          contactsWorker?.close(),
          amocrmCatchup.close(),
          radistPoller.close(),
          keycrmCatchup.close(),
          saleNotifications?.close(),
        ]);
        testResponder?.unsubscribe();
        await projectCommands.close();
        await health.close();
        await registry.close();
        await nats.nc.drain();
      },
    };
  } catch (error) {
    for (const stop of cleanup) await stop().catch(() => undefined);
    await nats.nc.close();
    throw error;
  }
}

/** Runs ingest until SIGINT/SIGTERM, then closes it (in-flight webhooks finish). */
async function main(): Promise<void> {
  const running = await startIngest();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.app.log.info({ signal }, "ingest stopping");
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.log.error({ err: error }, "ingest did not stop cleanly");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`ingest failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
