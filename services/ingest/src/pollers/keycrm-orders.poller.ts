/**
 * The KeyCRM history import and catch-up: reads a project's orders updated in a window from the
 * order list (`GET /order`, formats/keycrm.md §5) and stores each order's current status as
 * `order.status_changed` with the webhook's dedup key. It imports the orders a new project already
 * has (`catch-up keycrm --since …`, `project register … --import-since …`) and, run periodically,
 * brings in status changes whose webhook never came (KeyCRM's retry policy is undocumented,
 * formats/keycrm.md §6.5). The order list gives the current status only: transitions between two
 * runs that no webhook delivered stay unknown.
 */
import type { SubjectRoot } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import type { CrmHttpClient } from "../crm/crm-http.client.js";
import {
  KEYCRM_ORDER_PAGE_LIMIT,
  keycrmOrderRowEvent,
  keycrmOrdersPage,
  keycrmUpdatedBetween,
} from "../crm/keycrm-orders.mapper.js";
import type { IngestConfig } from "../ingest.config.js";
import type { ProjectRecord, ProjectRegistry } from "../projects/project-registry.js";
import { publishEvents } from "../publishing/event.publisher.js";
import { createPollerScheduler, crmApiPollEligible, type PollerScheduler } from "./poller.scheduler.js";
import { type PollerCheckpoints, runWindowStartMs, saveRunCheckpoint } from "./poller-checkpoints.store.js";

/** Checkpoint name of the KeyCRM catch-up in `{EVENTS_STREAM}_POLLERS`. */
export const KEYCRM_ORDERS_POLLER = "keycrm-orders";

/** A guard against a server that always announces a next page (requests per run). */
const MAX_REQUESTS = 100_000;

/** Counts of one run of one project. */
export interface KeycrmCatchupResult {
  projectId: string;
  /** Window read (ISO, both inclusive): `from` = `since`, `checkpoint − lookback` or `now − lookback`; `to` = the run's start. */
  from: string;
  to: string;
  /** Page requests answered (re-reads included). */
  pages: number;
  /** Order rows received (a re-read row counts again). */
  orders: number;
  /** Status events the stream stored now. */
  published: number;
  /** Events the stream already had (`PubAck.duplicate`): a webhook or an earlier run brought them. */
  duplicates: number;
  /** Rows the webhook route would reject (logged with the reason). */
  skipped: number;
  /** Times the list shrank while being paged and earlier pages were read again (see {@link createKeycrmOrdersPoller}). */
  rereads: number;
}

/** Progress after each page: the counts so far and `total` = rows matching the window now (null when the API does not say). */
export interface KeycrmCatchupProgress {
  page: number;
  total: number | null;
  orders: number;
  published: number;
  duplicates: number;
  skipped: number;
}

/** Dependencies of {@link createKeycrmOrdersPoller}. */
export interface KeycrmOrdersPollerDeps {
  nats: Nats;
  config: Pick<
    IngestConfig,
    | "SUBJECT_ROOT"
    | "PUBLISH_TIMEOUT_MS"
    | "WEBHOOK_RETRY_AFTER_SECONDS"
    | "KEYCRM_CATCHUP_INTERVAL_SECONDS"
    | "KEYCRM_CATCHUP_LOOKBACK_HOURS"
  >;
  logger: Logger;
  registry: ProjectRegistry;
  /** The CRM client shared with the other KeyCRM callers (one limiter per project: 60 requests/min). */
  http: CrmHttpClient;
  checkpoints: PollerCheckpoints;
  clock?: () => Date;
  newId: () => string;
}

/** The import/catch-up; see {@link createKeycrmOrdersPoller}. */
export interface KeycrmOrdersPoller {
  /** Starts the periodic runs (`KEYCRM_CATCHUP_INTERVAL_SECONDS`; 0 = none). */
  start(): void;
  /**
   * Runs one project now. `since` overrides the window start (import); `onPage` is told the
   * progress after every page.
   * @throws Error for an unknown project or one that is not an active KeyCRM project with base URL
   *   and token; CrmHttpError when the API fails after retries; Error for a page that is not a
   *   Laravel page; UnavailableError when JetStream does not persist. The checkpoint moves only
   *   after a complete run.
   */
  runOnce(
    projectId: string,
    opts?: { since?: Date; onPage?: (progress: KeycrmCatchupProgress) => void },
  ): Promise<KeycrmCatchupResult>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** True for a project the catch-up can read: active KeyCRM with a base URL and an API token. */
export function keycrmCatchupEligible(record: ProjectRecord | undefined): record is ProjectRecord {
  return crmApiPollEligible(record, "keycrm");
}

/**
 * Creates the KeyCRM import/catch-up. One run of a project: window `[from, to]` with `to` = the
 * run's start and `from` = `since`, else the last run's start − `KEYCRM_CATCHUP_LOOKBACK_HOURS`
 * (first run: now − lookback); then
 * `GET {base_url}/order?limit=50&page=N&sort=id&filter[updated_between]={from},{to}` for N = 1, 2, …
 * while `next_page_url` is set, every request through the shared CRM client (the project's
 * 60/min limiter; 429/5xx retried with backoff and `Retry-After`). Each row is mapped by
 * `keycrmOrderRowEvent` (the webhook normalizer; the webhook's dedup key) and each page is
 * published before the next is asked for. Finally the checkpoint
 * (`{EVENTS_STREAM}_POLLERS`, `keycrm-orders.{project}`) becomes the run's start.
 *
 * **Paging a list that changes.** An order updated during the run leaves the window (its
 * `updated_at` passes `to`; none can enter it), so the rows after it move one place forward and a
 * page-numbered read would skip the row that moved onto a page already read. When a page reports a
 * smaller `total` than the one before (by d rows), the pages holding the last d rows already read
 * are read again (page N − ⌈d/50⌉ onward); re-read rows are duplicates. The order that left is read
 * by the next run (its window starts before this run's start).
 */
export function createKeycrmOrdersPoller(deps: KeycrmOrdersPollerDeps): KeycrmOrdersPoller {
  const { config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const scheme: SubjectRoot = { root: config.SUBJECT_ROOT };
  const lookbackMs = config.KEYCRM_CATCHUP_LOOKBACK_HOURS * 3_600_000;
  const limit = KEYCRM_ORDER_PAGE_LIMIT;

  async function run(
    record: ProjectRecord,
    signal: AbortSignal,
    opts: { since?: Date; onPage?: (progress: KeycrmCatchupProgress) => void } = {},
  ): Promise<KeycrmCatchupResult> {
    const startedAt = clock();
    const fromMs = await runWindowStartMs(deps.checkpoints, KEYCRM_ORDERS_POLLER, record.project_id, {
      startedAt,
      lookbackMs,
      since: opts.since,
    });
    const from = new Date(Math.max(0, Math.floor(fromMs / 1000) * 1000));
    const to = new Date(Math.floor(startedAt.getTime() / 1000) * 1000);
    const base = (record.base_url ?? "").replace(/\/+$/, "");
    const result: KeycrmCatchupResult = {
      projectId: record.project_id,
      from: from.toISOString(),
      to: to.toISOString(),
      pages: 0,
      orders: 0,
      published: 0,
      duplicates: 0,
      skipped: 0,
      rereads: 0,
    };
    let page = 1;
    let lastTotal: number | null = null;
    for (let requests = 0; requests < MAX_REQUESTS; requests++) {
      const query = new URLSearchParams({
        limit: String(limit),
        page: String(page),
        sort: "id",
        "filter[updated_between]": keycrmUpdatedBetween(from, to),
      });
      const body = await deps.http.getJson(
        record.project_id,
        `${base}/order?${query}`,
        record.api_token ?? "",
        signal,
      );
      const { rows, total, hasNext } = keycrmOrdersPage(body);
      result.pages++;
      result.orders += rows.length;
      const fetchedAt = clock();
      const events = [];
      for (const row of rows) {
        const mapped = keycrmOrderRowEvent(record.project_id, row, { fetchedAt, newId: deps.newId });
        if (mapped.ok) events.push(mapped.event);
        else {
          result.skipped++;
          deps.logger.warn(
            { poller: KEYCRM_ORDERS_POLLER, project: record.project_id, page, reason: mapped.reason },
            "order row skipped",
          );
        }
      }
      const outcome = await publishEvents(deps.nats.js, scheme, events, {
        timeoutMs: config.PUBLISH_TIMEOUT_MS,
        retryAfterSeconds: config.WEBHOOK_RETRY_AFTER_SECONDS,
      });
      result.published += outcome.accepted;
      result.duplicates += outcome.duplicates;
      opts.onPage?.({
        page,
        total,
        orders: result.orders,
        published: result.published,
        duplicates: result.duplicates,
        skipped: result.skipped,
      });
      const shrunk = lastTotal !== null && total !== null && total < lastTotal ? lastTotal - total : 0;
      if (total !== null) lastTotal = total;
      if (shrunk > 0 && page > 1) {
        result.rereads++;
        page = Math.max(1, page - Math.ceil(shrunk / limit));
        continue;
      }
      if (!hasNext || rows.length === 0) break;
      page++;
    }
    await saveRunCheckpoint(deps.checkpoints, KEYCRM_ORDERS_POLLER, record.project_id, {
      startedAt,
      finishedAt: clock(),
      published: result.published,
      duplicates: result.duplicates,
    });
    return result;
  }

  const scheduler: PollerScheduler = createPollerScheduler({
    name: KEYCRM_ORDERS_POLLER,
    intervalMs: config.KEYCRM_CATCHUP_INTERVAL_SECONDS * 1000,
    projects: () => deps.registry.list().filter(keycrmCatchupEligible),
    run: (record, signal) => run(record, signal),
    summary: (r) => ({
      pages: r.pages,
      orders: r.orders,
      published: r.published,
      duplicates: r.duplicates,
      skipped: r.skipped,
      rereads: r.rereads,
    }),
    log: deps.logger,
  });

  return {
    start: () => scheduler.start(),
    async runOnce(projectId, opts = {}) {
      const record = deps.registry.get(projectId)?.record;
      if (!keycrmCatchupEligible(record))
        throw new Error(
          `project ${projectId} is not an active KeyCRM project with a base URL and an API token`,
        );
      return run(record, scheduler.signal, opts);
    },
    idle: () => scheduler.idle(),
    close: () => scheduler.close(),
  };
}
