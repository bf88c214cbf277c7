/**
 * Integration-test support of this package (not exported): an isolated NATS/Postgres environment
 * (`createTestEnv`) plus the ingest config, a silent logger, stream inspection helpers and the
 * cleanup of the KV buckets (projects, items, contacts, poller checkpoints) the shared test env does
 * not know about.
 */
import type { StoredMsg } from "@nats-io/jetstream";
import { ReceiptsMessage, receiptsOf, type WebhookReceipt } from "@pulse/events";
import { createLogger, type Logger, loadConfig } from "@pulse/infra";
import { createTestEnv, type TestEnv } from "@pulse/infra/testing";
import { IngestConfig } from "../ingest.config.js";
import { pollersBucketName } from "../pollers/poller-checkpoints.store.js";
import { projectsBucketName } from "../projects/project-registry.js";
import { contactsBucketName } from "../workers/deal-contacts.worker.js";
import { itemsBucketName } from "../workers/order-items.worker.js";

/** The environment of one test file. */
export interface IngestTestEnv {
  env: TestEnv;
  config: IngestConfig;
  logger: Logger;
  /** Message count of the events stream. */
  eventCount(): Promise<number>;
  /** Every receipt in the receipts stream, unpacked from its batches, in stream order. */
  receipts(): Promise<WebhookReceipt[]>;
  /** The stored message at `seq` of the events stream. */
  eventAt(seq: number): Promise<StoredMsg>;
  /** The last message of the events stream on `subject`, or null. */
  lastOn(subject: string): Promise<StoredMsg | null>;
  close(): Promise<void>;
}

/** Creates an {@link IngestTestEnv}; `overrides` are extra env variables for the config. */
export async function createIngestTestEnv(
  label: string,
  overrides: Record<string, string> = {},
): Promise<IngestTestEnv> {
  const env = await createTestEnv(label);
  const config = loadConfig(IngestConfig, { ...env.env, ...overrides });
  const logger = createLogger(`test-${label}`, process.env["TEST_LOG_LEVEL"] ?? "silent");
  const count = async (stream: string) => (await env.nats.jsm.streams.info(stream)).state.messages;
  return {
    env,
    config,
    logger,
    eventCount: () => count(env.streamName),
    async receipts() {
      const stream = `${env.streamName}_RECEIPTS`;
      const last = (await env.nats.jsm.streams.info(stream)).state.last_seq;
      const out: WebhookReceipt[] = [];
      for (let seq = 1; seq <= last; seq++) {
        const m = await env.nats.jsm.streams.getMessage(stream, { seq });
        if (m) out.push(...receiptsOf(ReceiptsMessage.parse(m.json())));
      }
      return out;
    },
    async eventAt(seq) {
      const m = await env.nats.jsm.streams.getMessage(env.streamName, { seq });
      if (!m) throw new Error(`no message ${seq}`);
      return m;
    },
    async lastOn(subject) {
      try {
        return await env.nats.jsm.streams.getMessage(env.streamName, { last_by_subj: subject });
      } catch {
        return null;
      }
    },
    async close() {
      for (const bucket of [
        projectsBucketName(env.streamName),
        itemsBucketName(env.streamName),
        contactsBucketName(env.streamName),
        pollersBucketName(env.streamName),
      ])
        await env.nats.jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
      await env.close();
    },
  };
}
