/**
 * The amoCRM catch-up poller: reads lead status changes from the events API and publishes them as
 * `order.status_changed` with the webhook's dedup key, so changes whose webhook never arrived
 * (amoCRM gives up after 5 attempts, Digital-Pipeline hooks are sent once, some never arrive —
 * formats/amocrm.md §5) join the stream, and the ones that did arrive are JetStream duplicates.
 */
import {
  AMOCRM_STATUS_EVENT_TYPE,
  amocrmEventsPage,
  amocrmStatusEvent,
} from "../crm/amocrm-events.mapper.js";
import type { CrmHttpClient } from "../crm/crm-http.client.js";
import type { IngestConfig } from "../ingest.config.js";
import type { ProjectRecord } from "../projects/project-registry.js";
import { createPoller, type Poller, type PollerDeps, type PollRun } from "./poller.js";
import { crmApiPollEligible } from "./poller.scheduler.js";

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
export interface AmocrmEventsPollerDeps extends PollerDeps {
  config: PollerDeps["config"] &
    Pick<IngestConfig, "AMOCRM_CATCHUP_INTERVAL_SECONDS" | "AMOCRM_CATCHUP_LOOKBACK_HOURS">;
  /** The CRM client shared with the other amoCRM callers (one limiter per project). */
  http: CrmHttpClient;
  newId: () => string;
}

/**
 * The catch-up poller (`start` runs every `AMOCRM_CATCHUP_INTERVAL_SECONDS`, 0 = none; `runOnce`
 * with `since` overrides the window start: a backfill).
 */
export type AmocrmEventsPoller = Poller<AmocrmCatchupResult>;

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
  async function poll(run: PollRun): Promise<AmocrmCatchupResult> {
    const { record } = run;
    const fromSeconds = Math.max(0, Math.floor(run.fromMs / 1000));
    const base = (record.base_url ?? "").replace(/\/+$/, "");
    let pages = 0;
    let items = 0;
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
        run.signal,
      );
      const answer = amocrmEventsPage(body);
      pages++;
      items += answer.items.length;
      const fetchedAt = run.now();
      const events = [];
      for (const item of answer.items) {
        const mapped = amocrmStatusEvent(record.project_id, item, { fetchedAt, newId: deps.newId });
        if (mapped.ok && Date.parse(mapped.event.data.status_changed_at) >= fromSeconds * 1000)
          events.push(mapped.event);
        else if (!mapped.ok && mapped.detail !== undefined) run.skip(mapped.reason, mapped.detail);
        else run.skip();
      }
      await run.publish(events);
      if (!answer.hasNext || answer.items.length === 0) break;
    }
    return {
      projectId: record.project_id,
      from: new Date(fromSeconds * 1000).toISOString(),
      pages,
      items,
      ...run.counts,
    };
  }

  return createPoller(
    {
      name: AMOCRM_EVENTS_POLLER,
      intervalSeconds: deps.config.AMOCRM_CATCHUP_INTERVAL_SECONDS,
      lookbackHours: deps.config.AMOCRM_CATCHUP_LOOKBACK_HOURS,
      eligible: amocrmCatchupEligible,
      requirement: "an active amoCRM project with a base URL and an API token",
      skippedMessage: "amocrm events: items skipped as implausible",
      poll,
      summary: (r) => ({
        pages: r.pages,
        published: r.published,
        duplicates: r.duplicates,
        skipped: r.skipped,
      }),
    },
    deps,
  );
}
