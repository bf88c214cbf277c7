/**
 * The dictionary worker: keeps each project's status dictionary in the events stream current by
 * reading the CRM API (SPEC "Status dictionary … loaded from the CRM API, refreshed periodically;
 * a status unknown to the dictionary triggers a refresh, never a crash").
 *
 * Triggers: core-NATS requests on `dictionaryRefreshSubject(root, project)` (the projector sends
 * one when it meets an unknown status), a periodic timer, and a project appearing in the registry.
 * Requests are coalesced per project: at most one sync starts per project per
 * `DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS`; requests meanwhile collapse into one follow-up sync
 * at the end of the interval. A failing sync is logged and never crashes ingest.
 *
 * With the statuses of an amoCRM project it reads the account's users (`GET /api/v4/users`,
 * formats/amocrm.md §7.4) and publishes `dictionary.users_synced`, so managers are shown by name.
 * That endpoint needs an admin token (403 otherwise): a failure there is logged and leaves the
 * status sync done. KeyCRM has no documented users endpoint (formats/keycrm.md §6.9).
 */
import type { Subscription } from "@nats-io/transport-node";
import { encodeEvent, eventSubject, type SubjectRoot } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import { type CrmHttpClient, createProjectCrmHttpClient } from "../crm/crm-http.client.js";
import {
  AmocrmUsersPage,
  amocrmPipelinesToDictionary,
  amocrmUsersToContent,
  type DictionaryContent,
  dictionaryEvent,
  KeycrmStatusPage,
  keycrmStatusesToDictionary,
  type UsersContent,
  usersEvent,
} from "../crm/dictionary.mapper.js";
import type { IngestConfig } from "../ingest.config.js";
import type { ProjectRecord, ProjectRegistry } from "../projects/project-registry.js";
import { eventIdFactory } from "../publishing/event-id.js";

/**
 * Dependencies of {@link createDictionaryWorker}; `fetch` is injectable for tests. `http`: the CRM
 * client to call through — pass the one shared with the other CRM workers so that all calls of a
 * project share one rate limiter (SPEC "CRM API limits"); default: a client of its own
 * (`createProjectCrmHttpClient` over the `CRM_*`/`AMOCRM_*` settings).
 */
export interface DictionaryWorkerDeps {
  nats: Nats;
  config: Pick<
    IngestConfig,
    | "SUBJECT_ROOT"
    | "PUBLISH_TIMEOUT_MS"
    | "DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS"
    | "DICTIONARY_REFRESH_INTERVAL_MINUTES"
    | "DICTIONARY_SYNC_ON_START"
    | "CRM_MIN_REQUEST_INTERVAL_MS"
    | "AMOCRM_MIN_REQUEST_INTERVAL_MS"
    | "CRM_HTTP_TIMEOUT_MS"
    | "CRM_RETRIES"
    | "CRM_RETRY_MIN_DELAY_MS"
  >;
  logger: Logger;
  registry: ProjectRegistry;
  clock?: () => Date;
  newId?: () => string;
  fetch?: typeof fetch;
  http?: CrmHttpClient;
}

/** Outcome of one sync: counts, the event's dedup key, and whether the stream already had it. */
export interface DictionarySyncResult {
  projectId: string;
  statuses: number;
  groups: number;
  dedupKey: string;
  duplicate: boolean;
  /** Events-stream sequence of the stored (or previously stored) event. */
  seq: number;
  /**
   * The users sync that went with it (amoCRM): how many users, the event's sequence and whether the
   * stream already had it; `null` for KeyCRM or when reading the users failed (logged).
   */
  users: { count: number; seq: number; duplicate: boolean } | null;
}

/** See {@link createDictionaryWorker}. */
export interface DictionaryWorker {
  /** Subscribes to refresh requests, starts the periodic timer and the initial syncs. Idempotent. */
  start(): void;
  /** Asks for a coalesced refresh of a project (`reason`: `unknown_status`, `scheduled`, …). */
  requestRefresh(projectId: string, reason: string): void;
  /**
   * Syncs one project now (not coalesced, still rate-limited): reads the CRM API and publishes
   * `dictionary.statuses_synced` (msgID = dedup key, so an unchanged dictionary is a duplicate).
   * @throws Error for an unknown project or one without `base_url`/`api_token`, CrmHttpError when
   *   the CRM fails after retries, Error when the answer is not a dictionary, NATS errors on publish.
   */
  syncNow(projectId: string, reason: string): Promise<DictionarySyncResult>;
  /** Resolves when no sync is running or queued (tests). */
  idle(): Promise<void>;
  /** Stops timers and the subscription, aborts running requests, waits for running syncs. */
  close(): Promise<void>;
}

interface ProjectSyncState {
  lastStartedAt: number;
  running: Promise<void> | null;
  pending: boolean;
  timer: NodeJS.Timeout | null;
}

/** Creates the worker (nothing runs until {@link DictionaryWorker.start} or a direct call). */
export function createDictionaryWorker(deps: DictionaryWorkerDeps): DictionaryWorker {
  const { config, logger: log, registry } = deps;
  const scheme: SubjectRoot = { root: config.SUBJECT_ROOT };
  const clock = deps.clock ?? (() => new Date());
  const ulid = eventIdFactory();
  const newId = deps.newId ?? (() => ulid(clock().getTime()));
  const abort = new AbortController();
  const http: CrmHttpClient =
    deps.http ?? createProjectCrmHttpClient(config, (p) => registry.get(p)?.record.kind, log, deps.fetch);
  const minIntervalMs = config.DICTIONARY_REFRESH_MIN_INTERVAL_SECONDS * 1000;
  const states = new Map<string, ProjectSyncState>();
  let started = false;
  let closed = false;
  let subscription: Subscription | null = null;
  let periodic: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;

  const stateOf = (projectId: string) => {
    let st = states.get(projectId);
    if (!st) {
      st = { lastStartedAt: Number.NEGATIVE_INFINITY, running: null, pending: false, timer: null };
      states.set(projectId, st);
    }
    return st;
  };

  const eligible = (record: ProjectRecord | undefined): record is ProjectRecord =>
    !!record && record.active && record.base_url !== null && record.api_token !== null;

  const run = (projectId: string, reason: string) => {
    const st = stateOf(projectId);
    st.lastStartedAt = performance.now();
    st.running = syncNow(projectId, reason)
      .then(
        (r) =>
          log.info(
            {
              project: projectId,
              reason,
              statuses: r.statuses,
              duplicate: r.duplicate,
              users: r.users?.count ?? null,
            },
            "dictionary synced",
          ),
        (error: unknown) => {
          if (!closed) log.warn({ project: projectId, reason, err: error }, "dictionary sync failed");
        },
      )
      .finally(() => {
        st.running = null;
      });
  };

  function requestRefresh(projectId: string, reason: string): void {
    if (closed) return;
    const st = stateOf(projectId);
    if (st.pending) return;
    const wait = st.lastStartedAt + minIntervalMs - performance.now();
    if (!st.running && wait <= 0) {
      run(projectId, reason);
      return;
    }
    st.pending = true;
    const fire = () => {
      st.timer = null;
      st.pending = false;
      requestRefresh(projectId, reason);
    };
    const later = () => {
      if (closed) return;
      const w = st.lastStartedAt + minIntervalMs - performance.now();
      if (w > 0) st.timer = setTimeout(fire, w);
      else fire();
    };
    if (st.running) void st.running.then(later);
    else later();
  }

  async function fetchDictionary(record: ProjectRecord): Promise<DictionaryContent> {
    const base = (record.base_url ?? "").replace(/\/+$/, "");
    const token = record.api_token ?? "";
    if (record.kind === "amocrm") {
      return amocrmPipelinesToDictionary(
        await http.getJson(record.project_id, `${base}/api/v4/leads/pipelines`, token, abort.signal),
      );
    }
    const rows: unknown[] = [];
    // Laravel paging (formats/keycrm.md §5): follow while next_page_url is set or current < last.
    // The next URL is rebuilt from base_url: the token is never sent to a host the answer names.
    for (let page = 1; page <= 100; page++) {
      const body = await http.getJson(
        record.project_id,
        `${base}/order/status?page=${page}&limit=50`,
        token,
        abort.signal,
      );
      if (Array.isArray(body)) {
        rows.push(...body);
        break;
      }
      const parsed = KeycrmStatusPage.safeParse(body);
      if (!parsed.success) throw new Error(`KeyCRM GET /order/status?page=${page} is not a status page`);
      rows.push(...parsed.data.data);
      const { current_page, last_page, next_page_url } = parsed.data;
      const more = next_page_url ? true : !!(last_page && current_page && current_page < last_page);
      if (!more || parsed.data.data.length === 0) break;
    }
    return keycrmStatusesToDictionary(rows);
  }

  /** Reads every page of amoCRM `GET /api/v4/users` (250 per page; 204 or the last page ends it). */
  async function fetchUsers(record: ProjectRecord): Promise<UsersContent> {
    const base = (record.base_url ?? "").replace(/\/+$/, "");
    const items: unknown[] = [];
    for (let page = 1; page <= 100; page++) {
      const body = await http.getJson(
        record.project_id,
        `${base}/api/v4/users?limit=250&page=${page}`,
        record.api_token ?? "",
        abort.signal,
      );
      if (body === null) break;
      const parsed = AmocrmUsersPage.safeParse(body);
      if (!parsed.success) throw new Error(`amoCRM GET /api/v4/users?page=${page} is not a users page`);
      items.push(...parsed.data._embedded.users);
      const count = parsed.data._page_count ?? 1;
      if (page >= count || parsed.data._embedded.users.length === 0) break;
    }
    return amocrmUsersToContent(items);
  }

  async function syncUsers(record: ProjectRecord, reason: string): Promise<DictionarySyncResult["users"]> {
    if (record.kind !== "amocrm") return null;
    try {
      const content = await fetchUsers(record);
      const event = usersEvent(record.project_id, content, {
        origin: "api",
        reason,
        now: clock(),
        id: newId(),
      });
      const ack = await deps.nats.js.publish(eventSubject(scheme, event), encodeEvent(event), {
        msgID: event.dedup_key,
        timeout: config.PUBLISH_TIMEOUT_MS,
      });
      return { count: content.users.length, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (!closed) log.warn({ project: record.project_id, err: error }, "CRM users not synced");
      return null;
    }
  }

  async function syncNow(projectId: string, reason: string): Promise<DictionarySyncResult> {
    const record = registry.get(projectId)?.record;
    if (!record) throw new Error(`unknown project ${projectId}`);
    if (record.base_url === null || record.api_token === null) {
      throw new Error(`project ${projectId} has no CRM base URL or API token`);
    }
    const content = await fetchDictionary(record);
    const event = dictionaryEvent(projectId, content, { origin: "api", reason, now: clock(), id: newId() });
    const ack = await deps.nats.js.publish(eventSubject(scheme, event), encodeEvent(event), {
      msgID: event.dedup_key,
      timeout: config.PUBLISH_TIMEOUT_MS,
    });
    return {
      projectId,
      statuses: content.statuses.length,
      groups: content.groups.length,
      dedupKey: event.dedup_key,
      duplicate: ack.duplicate,
      seq: ack.seq,
      users: await syncUsers(record, reason),
    };
  }

  return {
    start() {
      if (started || closed) return;
      started = true;
      const prefixTokens = config.SUBJECT_ROOT.split(".").length;
      subscription = deps.nats.nc.subscribe(`${config.SUBJECT_ROOT}.cmd.*.dictionary.refresh`, {
        callback: (err, msg) => {
          if (err) {
            log.warn({ err }, "dictionary refresh subscription error");
            return;
          }
          const projectId = msg.subject.split(".")[prefixTokens + 1] ?? "";
          let reason = "unknown_status";
          try {
            const body = msg.data.length > 0 ? (msg.json() as { reason?: unknown }) : {};
            if (typeof body.reason === "string" && body.reason.length > 0 && body.reason.length <= 64)
              reason = body.reason;
          } catch {
            // a refresh request needs no body; a malformed one still asks for a refresh
          }
          if (!eligible(registry.get(projectId)?.record)) {
            log.debug(
              { project: projectId },
              "refresh request for a project without CRM API access: ignored",
            );
            return;
          }
          requestRefresh(projectId, reason);
        },
      });
      if (config.DICTIONARY_REFRESH_INTERVAL_MINUTES > 0) {
        periodic = setInterval(() => {
          for (const record of registry.list())
            if (eligible(record)) requestRefresh(record.project_id, "scheduled");
        }, config.DICTIONARY_REFRESH_INTERVAL_MINUTES * 60_000);
        periodic.unref();
      }
      if (config.DICTIONARY_SYNC_ON_START) {
        for (const record of registry.list())
          if (eligible(record)) requestRefresh(record.project_id, "initial");
        unwatch = registry.onChange((projectId, entry) => {
          if (eligible(entry?.record)) requestRefresh(projectId, "initial");
        });
      }
    },
    requestRefresh,
    syncNow,
    async idle() {
      for (;;) {
        const busy = [...states.values()].filter((s) => s.running || s.pending);
        if (busy.length === 0) return;
        await Promise.all(busy.map((s) => s.running ?? new Promise((r) => setTimeout(r, 25))));
      }
    },
    async close() {
      closed = true;
      unwatch?.();
      if (periodic) clearInterval(periodic);
      for (const st of states.values()) {
        if (st.timer) clearTimeout(st.timer);
        st.pending = false;
      }
      subscription?.unsubscribe();
      abort.abort(new Error("dictionary worker closed"));
      await Promise.all([...states.values()].map((s) => s.running));
    },
  };
}
