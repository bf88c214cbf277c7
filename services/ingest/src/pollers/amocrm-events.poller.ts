/**
 * The amoCRM catch-up poller: reads lead status changes from the events API and publishes them as
 * `order.status_changed` with the webhook's dedup key, so changes whose webhook never arrived
 * (amoCRM gives up after 5 attempts, Digital-Pipeline hooks are sent once, some never arrive —
 * formats/amocrm.md §5) join the stream, and the ones that did arrive are JetStream duplicates.
 */
import type { SubjectRoot } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import {
  AMOCRM_STATUS_EVENT_TYPE,
  amocrmEventsPage,
  amocrmStatusEvent,
} from "../crm/amocrm-events.mapper.js";
import type { CrmHttpClient } from "../crm/crm-http.client.js";
import type { IngestConfig } from "../ingest.config.js";
import type { ProjectRecord, ProjectRegistry } from "../projects/project-registry.js";
import { publishEvents } from "../publishing/event.publisher.js";
import { createPollerScheduler, crmApiPollEligible, type PollerScheduler } from "./poller.scheduler.js";
import { type PollerCheckpoints, runWindowStartMs, saveRunCheckpoint } from "./poller-checkpoints.store.js";

/** Checkpoint name of the catch-up in `{EVENTS_STREAM}_POLLERS`. */
export const AMOCRM_EVENTS_POLLER = "amocrm-events";

/** amoCRM's largest events page (`limit` ≤ 100). */
const PAGE_LIMIT = 100;
/** A guard against a server that always announces a next page. */
const MAX_PAGES = 10_000;

/** Counts of one catch-up run of one project. */
export interface AmocrmCatchupResult {
  projectId: string;
  /** Start of the window read (ISO): `since`, or `checkpoint − lookback`, or `now − lookback`. */
  from: string;
  pages: number;
  /** Items the API returned. */
  items: number;
  /** Events the stream stored now (not seen by webhook or an earlier run within the duplicate window). */
  published: number;
  /** Events the stream already had (`PubAck.duplicate`): the webhook or an earlier run brought them. */
  duplicates: number;
  /** Items skipped: other types, malformed, implausible (logged), or older than `from` (a server ignoring the filter). */
  skipped: number;
}

/** Dependencies of {@link createAmocrmEventsPoller}. */
export interface AmocrmEventsPollerDeps {
  nats: Nats;
  config: Pick<
    IngestConfig,
    | "SUBJECT_ROOT"
    | "PUBLISH_TIMEOUT_MS"
    | "WEBHOOK_RETRY_AFTER_SECONDS"
    | "AMOCRM_CATCHUP_INTERVAL_SECONDS"
    | "AMOCRM_CATCHUP_LOOKBACK_HOURS"
  >;
  logger: Logger;
  registry: ProjectRegistry;
  /** The CRM client shared with the other amoCRM callers (one limiter per project). */
  http: CrmHttpClient;
  checkpoints: PollerCheckpoints;
  clock?: () => Date;
  newId: () => string;
}

/** The catch-up poller; see {@link createAmocrmEventsPoller}. */
export interface AmocrmEventsPoller {
  /** Starts the periodic runs (`AMOCRM_CATCHUP_INTERVAL_SECONDS`; 0 = none). */
  start(): void;
  /**
   * Runs the catch-up of one project now. `since` overrides the window start (backfill).
   * @throws Error for an unknown project or one that is not an active amoCRM project with base URL
   *   and token; CrmHttpError when the API fails after retries; UnavailableError when JetStream
   *   does not persist. The checkpoint moves only after a complete run.
   */
  runOnce(projectId: string, opts?: { since?: Date }): Promise<AmocrmCatchupResult>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** True for a project the catch-up can read: active amoCRM with a base URL and an API token. */
export function amocrmCatchupEligible(record: ProjectRecord | undefined): record is ProjectRecord {
  return crmApiPollEligible(record, "amocrm");
}

/**
 * Creates the catch-up poller. One run of a project: window start `from` = `since`, else the last
 * run's start − `AMOCRM_CATCHUP_LOOKBACK_HOURS` (the first run: now − lookback); then
 * `GET {base_url}/api/v4/events?filter[type]=lead_status_changed&filter[created_at][from]={from, unix s}&limit=100&page=N`
 * for N = 1, 2, … while `_links.next` is present (the next URL is rebuilt from `base_url`, so the
 * token never goes to a host an answer names; a 204 is an empty result); every item is mapped by
 * `amocrmStatusEvent` (dedup key `amocrm:{p}:{lead}:status:{status}:{created_at}`, the webhook's)
 * and published page by page (msgID = dedup key). Items older than `from` are skipped as well, in
 * case a server ignores the filter. Finally the checkpoint (`{EVENTS_STREAM}_POLLERS`,
 * `amocrm-events.{project}`) becomes the run's start. Only GETs are sent: amoCRM is read-only.
 * Events older than JetStream's 24 h duplicate window are stored again and dropped by the
 * projector's dedup-key check.
 */
export function createAmocrmEventsPoller(deps: AmocrmEventsPollerDeps): AmocrmEventsPoller {
  const { config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const scheme: SubjectRoot = { root: config.SUBJECT_ROOT };
  const lookbackMs = config.AMOCRM_CATCHUP_LOOKBACK_HOURS * 3_600_000;

  async function run(record: ProjectRecord, signal: AbortSignal, since?: Date): Promise<AmocrmCatchupResult> {
    const startedAt = clock();
    const fromMs = await runWindowStartMs(deps.checkpoints, AMOCRM_EVENTS_POLLER, record.project_id, {
      startedAt,
      lookbackMs,
      since,
    });
    const fromSeconds = Math.max(0, Math.floor(fromMs / 1000));
    const base = (record.base_url ?? "").replace(/\/+$/, "");
    const result: AmocrmCatchupResult = {
      projectId: record.project_id,
      from: new Date(fromSeconds * 1000).toISOString(),
      pages: 0,
      items: 0,
      published: 0,
      duplicates: 0,
      skipped: 0,
    };
    // Items skipped as implausible, by reason, logged once per run with one example.
    const implausible = new Map<string, number>();
    let implausibleExample: string | null = null;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({
        "filter[type]": AMOCRM_STATUS_EVENT_TYPE,
        "filter[created_at][from]": String(fromSeconds),
        limit: String(PAGE_LIMIT),
        page: String(page),
      });
      const body = await deps.http.getJson(
        record.project_id,
        `${base}/api/v4/events?${query}`,
        record.api_token ?? "",
        signal,
      );
      const { items, hasNext } = amocrmEventsPage(body);
      result.pages++;
      result.items += items.length;
      const fetchedAt = clock();
      const events = [];
      for (const item of items) {
        const mapped = amocrmStatusEvent(record.project_id, item, { fetchedAt, newId: deps.newId });
        if (mapped.ok && Date.parse(mapped.event.data.status_changed_at) >= fromSeconds * 1000)
          events.push(mapped.event);
        else {
          result.skipped++;
          if (!mapped.ok && mapped.detail !== undefined) {
            implausible.set(mapped.reason, (implausible.get(mapped.reason) ?? 0) + 1);
            implausibleExample ??= mapped.detail;
          }
        }
      }
      const outcome = await publishEvents(deps.nats.js, scheme, events, {
        timeoutMs: config.PUBLISH_TIMEOUT_MS,
        retryAfterSeconds: config.WEBHOOK_RETRY_AFTER_SECONDS,
      });
      result.published += outcome.accepted;
      result.duplicates += outcome.duplicates;
      if (!hasNext || items.length === 0) break;
    }
    if (implausible.size > 0)
      deps.logger.warn(
        { project: record.project_id, skipped: Object.fromEntries(implausible), example: implausibleExample },
        "amocrm events: items skipped as implausible",
      );
    await saveRunCheckpoint(deps.checkpoints, AMOCRM_EVENTS_POLLER, record.project_id, {
      startedAt,
      finishedAt: clock(),
      published: result.published,
      duplicates: result.duplicates,
    });
    return result;
  }

  const scheduler: PollerScheduler = createPollerScheduler({
    name: AMOCRM_EVENTS_POLLER,
    intervalMs: config.AMOCRM_CATCHUP_INTERVAL_SECONDS * 1000,
    projects: () => deps.registry.list().filter(amocrmCatchupEligible),
    run: (record, signal) => run(record, signal),
    summary: (r) => ({
      pages: r.pages,
      published: r.published,
      duplicates: r.duplicates,
      skipped: r.skipped,
    }),
    log: deps.logger,
  });

  return {
    start: () => scheduler.start(),
    async runOnce(projectId, opts = {}) {
      const record = deps.registry.get(projectId)?.record;
      if (!amocrmCatchupEligible(record))
        throw new Error(
          `project ${projectId} is not an active amoCRM project with a base URL and an API token`,
        );
      return run(record, scheduler.signal, opts.since);
    },
    idle: () => scheduler.idle(),
    close: () => scheduler.close(),
  };
}
