/**
 * The KeyCRM history import and catch-up: reads a project's orders updated in a window from the
 * order list (`GET /order`, formats/keycrm.md §5) and stores each order's current status as
 * `order.status_changed` with the webhook's dedup key. It imports the orders a new project already
 * has (`catch-up keycrm --since …`, `project register … --import-since …`) and, run periodically,
 * brings in status changes whose webhook never came (KeyCRM's retry policy is undocumented,
 * formats/keycrm.md §6.5). The order list gives the current status only: transitions between two
 * runs that no webhook delivered stay unknown.
 */
import type { CrmHttpClient } from "../crm/crm-http.client.js";
import {
  KEYCRM_ORDER_PAGE_LIMIT,
  keycrmOrderRowEvent,
  keycrmOrdersPage,
  keycrmUpdatedBetween,
} from "../crm/keycrm-orders.mapper.js";
import type { IngestConfig } from "../ingest.config.js";
import type { ProjectRecord } from "../projects/project-registry.js";
import { createPoller, type Poller, type PollerDeps, type PollOptions, type PollRun } from "./poller.js";
import { crmApiPollEligible } from "./poller.scheduler.js";

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
export interface KeycrmOrdersPollerDeps extends PollerDeps {
  config: PollerDeps["config"] &
    Pick<IngestConfig, "KEYCRM_CATCHUP_INTERVAL_SECONDS" | "KEYCRM_CATCHUP_LOOKBACK_HOURS">;
  /** The CRM client shared with the other KeyCRM callers (one limiter per project: 60 requests/min). */
  http: CrmHttpClient;
  newId: () => string;
}

/** Options of one KeyCRM run: `since` overrides the window start (import); `onPage` is told the progress after every page. */
export interface KeycrmCatchupOptions extends PollOptions {
  onPage?: (progress: KeycrmCatchupProgress) => void;
}

/**
 * The import/catch-up (`start` runs every `KEYCRM_CATCHUP_INTERVAL_SECONDS`, 0 = none). `runOnce`
 * also throws Error for a page that is not a Laravel page.
 */
export type KeycrmOrdersPoller = Poller<KeycrmCatchupResult, KeycrmCatchupOptions>;

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
  const limit = KEYCRM_ORDER_PAGE_LIMIT;

  async function poll(run: PollRun, opts: KeycrmCatchupOptions): Promise<KeycrmCatchupResult> {
    const { record } = run;
    const from = new Date(Math.max(0, Math.floor(run.fromMs / 1000) * 1000));
    const to = new Date(Math.floor(run.startedAt.getTime() / 1000) * 1000);
    const base = (record.base_url ?? "").replace(/\/+$/, "");
    let pages = 0;
    let orders = 0;
    let rereads = 0;
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
        run.signal,
      );
      const { rows, total, hasNext } = keycrmOrdersPage(body);
      pages++;
      orders += rows.length;
      const fetchedAt = run.now();
      const events = [];
      for (const row of rows) {
        const mapped = keycrmOrderRowEvent(record.project_id, row, { fetchedAt, newId: deps.newId });
        if (mapped.ok) events.push(mapped.event);
        else run.skip(mapped.reason, `page ${page}`);
      }
      await run.publish(events);
      opts.onPage?.({ page, total, orders, ...run.counts });
      const shrunk = lastTotal !== null && total !== null && total < lastTotal ? lastTotal - total : 0;
      if (total !== null) lastTotal = total;
      if (shrunk > 0 && page > 1) {
        rereads++;
        page = Math.max(1, page - Math.ceil(shrunk / limit));
        continue;
      }
      if (!hasNext || rows.length === 0) break;
      page++;
    }
    return {
      projectId: record.project_id,
      from: from.toISOString(),
      to: to.toISOString(),
      pages,
      orders,
      ...run.counts,
      rereads,
    };
  }

  return createPoller(
    {
      name: KEYCRM_ORDERS_POLLER,
      intervalSeconds: deps.config.KEYCRM_CATCHUP_INTERVAL_SECONDS,
      lookbackHours: deps.config.KEYCRM_CATCHUP_LOOKBACK_HOURS,
      eligible: keycrmCatchupEligible,
      requirement: "an active KeyCRM project with a base URL and an API token",
      skippedMessage: "keycrm orders: rows skipped (the webhook route would reject them)",
      poll,
      summary: (r) => ({
        pages: r.pages,
        orders: r.orders,
        published: r.published,
        duplicates: r.duplicates,
        skipped: r.skipped,
        rereads: r.rereads,
      }),
    },
    deps,
  );
}
