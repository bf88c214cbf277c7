/**
 * A fake CRM API over the fixture corpus (`../shared/fixtures`), for the demo and tests. Plain
 * `node:http`, loopback only by default.
 *
 * | route | answer |
 * |---|---|
 * | `GET /health` | `{status: "ok"}` |
 * | `GET /{project}/order/status?page=N` | KeyCRM status page N of `keycrm/{project}/` (see below) |
 * | `GET /{project}/order/{id}` | `keycrm/{project}/orders/{id}.json`, 404 when absent |
 * | `GET /{project}/order?limit=L&page=N[&filter[updated_between]=from,to]` | KeyCRM order list built from `keycrm/{project}/orders/*.json` (`fixture-keycrm-orders.ts`): rows without relations, by id, Laravel pages |
 * | `GET /{account}/api/v4/leads/pipelines` | `amocrm/pipelines.json` (any account name: the corpus has one) |
 * | `GET /{account}/api/v4/users?page=N` | `amocrm/users.json` for page 1 (one page, `_page_count: 1`), 204 past it (amoCRM's empty list) |
 * | `GET /{account}/api/v4/leads/{id}[?with=contacts]` | `amocrm/leads/{id}.json`; without `with=contacts` the embedded contacts are left out; 204 when absent (amoCRM's answer for a missing lead) |
 * | `GET /{account}/api/v4/contacts/{id}` | `amocrm/contacts/{id}.json`, 204 when absent |
 * | `GET /{account}/api/v4/events?filter[type]=lead_status_changed[&filter[created_at][from]=s][&filter[created_at][to]=s][&limit=L]&page=N` | the events of `amocrm/events.page-*.json` (newest first), filtered by `created_at` (unix s, inclusive) and re-paged by `limit` (default and max 100: without a filter the recorded pages come out unchanged), `_links.next` while more; 204 for an empty page or another `filter[type]` |
 * | `GET /radist/v2/companies/{company}/messaging/chats/sources/` | `radist/sources.json` |
 * | `GET /radist/v2/companies/{company}/messaging/chats/with_contacts/?cursor=C` | `radist/chats-with-contacts.page-N.json`: page 1 without a cursor, then the page whose predecessor's `next_cursor` is `C` (25 per page as recorded; `limit` is ignored); 400 for an unknown cursor |
 * | `GET /radist/v2/companies/{company}/messaging/messages/?chat_id=ID[&until=ISO][&limit=L]` | the messages of `radist/messages/{ID}.page-*.json`, newest first, with `created_at` ≤ `until` (inclusive, so messages sharing the boundary second are not lost), at most `limit` (default and max 100); 404 for an unknown chat, 400 without `chat_id` |
 *
 * The Radist routes accept any company id (the corpus has one) and require `X-Api-Key: <key>`
 * (any non-empty key, or exactly `token` when given); every other route but `/health` requires
 * `Authorization: Bearer <token>` (any non-empty token, or exactly `token` when given) — 401
 * otherwise. `goneAmocrm(entity, id)` makes a recorded lead or contact answer 204 (deleted in the
 * CRM).
 *
 * **Status dictionary versions.** A KeyCRM project starts in state `initial`: its recorded
 * `statuses.page-N.json` files are served verbatim (15 per page; `limit` is ignored; a page past
 * the end is an empty Laravel page). In state `later`, `statuses.later.json` (the dictionary after
 * a status was added in the CRM) is served as Laravel pages of 15 built on the fly. By default a
 * project switches to `later` by itself once one complete listing (its last page) has been served —
 * the first sync sees the start-of-period dictionary, every refresh after it sees the new status,
 * which is what a projector meeting the unknown status needs. `setKeycrmStatuses(project, …)` sets
 * the state explicitly and turns the automatic switch off for that project; `autoLater: false`
 * turns it off for all.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fixtureKeycrmOrders } from "./fixture-keycrm-orders.js";

/**
 * One request the fake CRM received. `authorized`: a Bearer token was present (and right);
 * `status`: the answer; `at`: when it arrived (epoch ms).
 */
export interface FixtureCrmRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  status: number;
}

/** A running fake CRM. */
export interface FixtureCrm {
  /** Base URL, e.g. `http://127.0.0.1:40123`; a project's `base_url` is `${url}/${project}`. */
  readonly url: string;
  /** Every request received, in order (`/health` excluded). */
  readonly requests: FixtureCrmRequest[];
  /** Sets a KeyCRM project's dictionary state (and disables the automatic switch for it). */
  setKeycrmStatuses(project: string, state: "initial" | "later"): void;
  /** The next `n` API requests are answered `status` (with `Retry-After: retryAfterSeconds` when given). */
  failNext(n: number, status: number, retryAfterSeconds?: number): void;
  /** Makes an amoCRM lead or contact of the corpus answer 204, as one deleted in the CRM. */
  goneAmocrm(entity: "leads" | "contacts", id: number): void;
  /** Moves a KeyCRM order's `updated_at` in the order list (an edit in the CRM); the list must have been read once. */
  touchKeycrmOrder(project: string, id: number, updatedAt: string): void;
  close(): Promise<void>;
}

/** Options of {@link startFixtureCrm}. `port` 0 (default) = a free port. */
export interface FixtureCrmOptions {
  fixturesDir: string;
  port?: number;
  host?: string;
  token?: string;
  autoLater?: boolean;
}

const PER_PAGE = 15;

/**
 * Starts the fake CRM.
 * @throws when `fixturesDir` has no `keycrm/`, `amocrm/` or `radist/` folder, or the port is taken.
 */
export async function startFixtureCrm(opts: FixtureCrmOptions): Promise<FixtureCrm> {
  const dir = opts.fixturesDir;
  if (!["keycrm", "amocrm", "radist"].some((d) => existsSync(join(dir, d)))) {
    throw new Error(`${dir} has no keycrm/, amocrm/ or radist/ fixtures`);
  }
  const requests: FixtureCrmRequest[] = [];
  const keycrmOrders = fixtureKeycrmOrders(dir);
  const states = new Map<string, "initial" | "later">();
  const manual = new Set<string>();
  const autoLater = opts.autoLater ?? true;
  let failures: { left: number; status: number; retryAfter: number | undefined } = {
    left: 0,
    status: 500,
    retryAfter: undefined,
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(text);
  };

  const readJson = async (path: string): Promise<string | undefined> => {
    try {
      return await readFile(path, "utf8");
    } catch {
      return undefined;
    }
  };

  const statusPage = async (
    project: string,
    page: number,
    base: string,
  ): Promise<unknown | string | undefined> => {
    const projectDir = join(dir, "keycrm", project);
    if (!/^[a-z0-9_-]+$/.test(project) || !existsSync(projectDir)) return undefined;
    const state = states.get(project) ?? "initial";
    if (state === "initial") {
      const recorded = await readJson(join(projectDir, `statuses.page-${page}.json`));
      if (recorded !== undefined) {
        const parsed = JSON.parse(recorded) as { next_page_url?: string | null };
        if (!parsed.next_page_url && autoLater && !manual.has(project)) states.set(project, "later");
        return recorded;
      }
      return { data: [], current_page: page, per_page: PER_PAGE, next_page_url: null };
    }
    const all = JSON.parse((await readJson(join(projectDir, "statuses.later.json"))) ?? "[]") as unknown[];
    const last = Math.max(1, Math.ceil(all.length / PER_PAGE));
    const url = (n: number) => `${base}/${project}/order/status?page=${n}`;
    return {
      total: all.length,
      current_page: page,
      per_page: PER_PAGE,
      data: all.slice((page - 1) * PER_PAGE, page * PER_PAGE),
      first_page_url: url(1),
      last_page_url: url(last),
      next_page_url: page < last ? url(page + 1) : null,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, base: string) => {
    const u = new URL(req.url ?? "/", "http://fixture.local");
    if (u.pathname === "/health") return send(res, 200, { status: "ok" });
    const radist = u.pathname.startsWith("/radist/");
    const auth = req.headers.authorization ?? "";
    const apiKey = req.headers["x-api-key"];
    const token = radist
      ? typeof apiKey === "string"
        ? apiKey.trim()
        : ""
      : auth.startsWith("Bearer ")
        ? auth.slice(7).trim()
        : "";
    const authorized = token.length > 0 && (opts.token === undefined || token === opts.token);
    const entry: FixtureCrmRequest = {
      at: Date.now(),
      method: req.method ?? "GET",
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      authorized,
      status: 0,
    };
    requests.push(entry);
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      if (status === 204) {
        res.writeHead(204);
        res.end();
        return;
      }
      send(res, status, body, headers);
    };
    if (req.method !== "GET") return answer(405, { message: "method not allowed" });
    if (!authorized) return answer(401, { message: "Unauthenticated." });
    if (failures.left > 0) {
      failures.left--;
      return answer(
        failures.status,
        { message: "injected failure" },
        failures.retryAfter === undefined ? {} : { "retry-after": String(failures.retryAfter) },
      );
    }
    let m = /^\/([^/]+)\/order\/status\/?$/.exec(u.pathname);
    if (m?.[1]) {
      const page = Math.max(1, Number.parseInt(u.searchParams.get("page") ?? "1", 10) || 1);
      const body = await statusPage(m[1], page, base);
      return body === undefined ? answer(404, { message: "Not found" }) : answer(200, body);
    }
    // KeyCRM order list (self-contained: fixture-keycrm-orders.ts).
    m = /^\/([^/]+)\/order\/?$/.exec(u.pathname);
    if (m?.[1]) {
      const body = await keycrmOrders.page(m[1], u.searchParams, base);
      if (typeof body === "string") return answer(400, { message: body });
      return body === undefined ? answer(404, { message: "Not found" }) : answer(200, body);
    }
    m = /^\/([^/]+)\/order\/(\d+)\/?$/.exec(u.pathname);
    if (m?.[1] && m[2] && /^[a-z0-9_-]+$/.test(m[1])) {
      const body = await readJson(join(dir, "keycrm", m[1], "orders", `${m[2]}.json`));
      return body === undefined ? answer(404, { message: "Not found" }) : answer(200, body);
    }
    m = /^\/([^/]+)\/api\/v4\/leads\/pipelines\/?$/.exec(u.pathname);
    if (m) {
      const body = await readJson(join(dir, "amocrm", "pipelines.json"));
      return body === undefined ? answer(404, { message: "Not found" }) : answer(200, body);
    }
    m = /^\/([^/]+)\/api\/v4\/users\/?$/.exec(u.pathname);
    if (m) {
      const page = Math.max(1, Number.parseInt(u.searchParams.get("page") ?? "1", 10) || 1);
      if (page > 1) return answer(204, "");
      const body = await readJson(join(dir, "amocrm", "users.json"));
      return body === undefined ? answer(404, { message: "Not found" }) : answer(200, body);
    }
    m = /^\/([^/]+)\/api\/v4\/(leads|contacts)\/(\d+)\/?$/.exec(u.pathname);
    if (m?.[2] && m[3]) {
      const entity = m[2] as "leads" | "contacts";
      if (gone.has(`${entity}/${Number(m[3])}`)) return answer(204, "");
      const text = await readJson(join(dir, "amocrm", entity, `${m[3]}.json`));
      if (text === undefined) return answer(204, "");
      const withs = (u.searchParams.get("with") ?? "").split(",");
      if (entity === "leads" && !withs.includes("contacts")) {
        const lead = JSON.parse(text) as { _embedded?: Record<string, unknown> };
        if (lead._embedded) delete lead._embedded["contacts"];
        return answer(200, lead);
      }
      return answer(200, text);
    }
    m = /^\/([^/]+)\/api\/v4\/events\/?$/.exec(u.pathname);
    if (m?.[1]) return answerEvents(u, m[1], base, answer);
    m = /^\/radist\/v2\/companies\/(\d+)\/messaging\/(chats\/sources|chats\/with_contacts|messages)\/?$/.exec(
      u.pathname,
    );
    if (m?.[2]) return answerRadist(u, m[2], answer);
    return answer(404, { message: "Not found" });
  };

  type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;
  const gone = new Set<string>();
  let amocrmEvents: { created_at: number; type?: string }[] | null = null;
  const allAmocrmEvents = async () => {
    if (!amocrmEvents) {
      const all: { created_at: number; type?: string }[] = [];
      for (let page = 1; ; page++) {
        const text = await readJson(join(dir, "amocrm", `events.page-${page}.json`));
        if (text === undefined) break;
        all.push(...((JSON.parse(text) as { _embedded: { events: [] } })._embedded.events ?? []));
      }
      amocrmEvents = all;
    }
    return amocrmEvents;
  };

  const answerEvents = async (u: URL, account: string, base: string, answer: Answer) => {
    const q = u.searchParams;
    const type = q.get("filter[type]");
    if (type !== null && !type.split(",").includes("lead_status_changed")) return answer(204, "");
    const from = Number(q.get("filter[created_at][from]") ?? Number.NEGATIVE_INFINITY);
    const to = Number(q.get("filter[created_at][to]") ?? Number.POSITIVE_INFINITY);
    const limit = Math.min(100, Math.max(1, Number.parseInt(q.get("limit") ?? "100", 10) || 100));
    const page = Math.max(1, Number.parseInt(q.get("page") ?? "1", 10) || 1);
    const matching = (await allAmocrmEvents()).filter((e) => e.created_at >= from && e.created_at <= to);
    const events = matching.slice((page - 1) * limit, page * limit);
    if (events.length === 0) return answer(204, "");
    const href = (n: number) => {
      const next = new URLSearchParams(q);
      next.set("page", String(n));
      return { href: `${base}/${account}/api/v4/events?${next}` };
    };
    return answer(200, {
      _page: page,
      _links: { self: href(page), ...(page * limit < matching.length ? { next: href(page + 1) } : {}) },
      _embedded: { events },
    });
  };

  let radistCursors: Map<string, number> | null = null;
  const radistPage = async (cursor: string | null): Promise<string | undefined> => {
    if (!radistCursors) {
      radistCursors = new Map();
      for (let page = 1; ; page++) {
        const text = await readJson(join(dir, "radist", `chats-with-contacts.page-${page}.json`));
        if (text === undefined) break;
        const next = (JSON.parse(text) as { response_metadata?: { next_cursor?: string } }).response_metadata
          ?.next_cursor;
        if (next) radistCursors.set(next, page + 1);
      }
    }
    const page = cursor ? radistCursors.get(cursor) : 1;
    return page === undefined
      ? undefined
      : readJson(join(dir, "radist", `chats-with-contacts.page-${page}.json`));
  };

  const radistMessages = async (chatId: string): Promise<{ created_at: string }[] | undefined> => {
    if (!/^\d+$/.test(chatId)) return undefined;
    const all: { created_at: string }[] = [];
    for (let page = 1; ; page++) {
      const text = await readJson(join(dir, "radist", "messages", `${chatId}.page-${page}.json`));
      if (text === undefined) break;
      all.push(...(JSON.parse(text) as { created_at: string }[]));
    }
    return all.length === 0 ? undefined : all;
  };

  const answerRadist = async (u: URL, route: string, answer: Answer) => {
    const q = u.searchParams;
    if (route === "chats/sources") {
      const text = await readJson(join(dir, "radist", "sources.json"));
      return text === undefined ? answer(404, { detail: "Not found" }) : answer(200, text);
    }
    if (route === "chats/with_contacts") {
      const text = await radistPage(q.get("cursor"));
      return text === undefined ? answer(400, { detail: "invalid cursor" }) : answer(200, text);
    }
    const chatId = q.get("chat_id");
    if (!chatId) return answer(400, { detail: "chat_id is required" });
    const all = await radistMessages(chatId);
    if (!all) return answer(404, { detail: "chat not found" });
    const untilText = q.get("until");
    const until = untilText === null ? Number.POSITIVE_INFINITY : Date.parse(untilText);
    if (Number.isNaN(until)) return answer(400, { detail: "until must be an ISO-8601 time" });
    const limit = Math.min(100, Math.max(1, Number.parseInt(q.get("limit") ?? "100", 10) || 100));
    return answer(
      200,
      all
        .filter((m) => Date.parse(m.created_at) <= until)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
        .slice(0, limit),
    );
  };

  let base = "";
  const server = createServer((req, res) => {
    handle(req, res, base).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: (error as Error).message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  base = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: base,
    requests,
    setKeycrmStatuses(project, state) {
      manual.add(project);
      states.set(project, state);
    },
    failNext(n, status, retryAfterSeconds) {
      failures = { left: n, status, retryAfter: retryAfterSeconds };
    },
    goneAmocrm(entity, id) {
      gone.add(`${entity}/${id}`);
    },
    touchKeycrmOrder: (project, id, updatedAt) => keycrmOrders.touch(project, id, updatedAt),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
