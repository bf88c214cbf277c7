/**
 * CRM status dictionaries → `dictionary.statuses_synced` (pure). Inputs: KeyCRM `GET /order/status`
 * rows (a Laravel page or a plain array, formats/keycrm.md §5.2) and amoCRM
 * `GET /api/v4/leads/pipelines` (formats/amocrm.md §7.1; pipeline = group). CRM users →
 * `dictionary.users_synced`: amoCRM `GET /api/v4/users` (formats/amocrm.md §7.4). KeyCRM's
 * `GET /users` is undocumented in its Open API (formats/keycrm.md §6.9) and has no known shape, so
 * KeyCRM managers stay ids.
 */
import { createHash } from "node:crypto";
import {
  CrmId,
  type CrmKind,
  type DictionaryGroup,
  type DictionaryStatus,
  DictionaryStatusesSynced,
  type DictionaryUser,
  DictionaryUsersSynced,
} from "@pulse/events";
import { z } from "zod";

const Id = z.union([
  CrmId,
  z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number)
    .pipe(CrmId),
]);
const Flag = z.union([z.boolean(), z.literal(0).transform(() => false), z.literal(1).transform(() => true)]);

/** One KeyCRM status row (fields of the Open API `Status` model; extra fields ignored). */
export const KeycrmStatusRow = z.object({
  id: Id,
  name: z.string(),
  alias: z.string().nullish(),
  is_active: Flag.nullish(),
  group_id: Id,
  is_closing_order: Flag.nullish(),
  // Seconds per the API model; one client types it as a string (formats/keycrm.md §5.2).
  expiration_period: z.union([z.number(), z.string()]).nullish(),
});
/** See {@link KeycrmStatusRow}. */
export type KeycrmStatusRow = z.infer<typeof KeycrmStatusRow>;

/** A KeyCRM Laravel-style page of statuses (`data` plus paging fields). */
export const KeycrmStatusPage = z.object({
  data: z.array(z.unknown()),
  current_page: z.number().int().nullish(),
  last_page: z.number().int().nullish(),
  next_page_url: z.string().nullish(),
});
/** See {@link KeycrmStatusPage}. */
export type KeycrmStatusPage = z.infer<typeof KeycrmStatusPage>;

const AmocrmStatus = z.object({
  id: Id,
  name: z.string(),
  sort: z.number().int().nullish(),
  type: z.number().int().nullish(),
});
const AmocrmPipeline = z.object({
  id: Id,
  name: z.string(),
  is_main: z.boolean().nullish(),
  _embedded: z.object({ statuses: z.array(AmocrmStatus) }),
});
/** The amoCRM `GET /api/v4/leads/pipelines` response (the fields the dictionary needs). */
export const AmocrmPipelinesResponse = z.object({
  _embedded: z.object({ pipelines: z.array(AmocrmPipeline) }),
});

/** The content of a dictionary: what the dedup hash covers (no origin, no reason, no time). */
export interface DictionaryContent {
  kind: CrmKind;
  statuses: DictionaryStatus[];
  groups: DictionaryGroup[];
}

/**
 * KeyCRM status groups are global but the API does not name them; the names below are the labels
 * of the live account K6 (formats/keycrm.md §4; group 3 "production" is UNCONFIRMED there).
 */
export const KEYCRM_GROUP_NAMES: Readonly<Record<number, string>> = {
  1: "new",
  2: "in progress",
  3: "production",
  4: "delivery",
  5: "completed",
  6: "cancelled",
};

/**
 * Maps KeyCRM status rows to a dictionary: `status_id` = `id`, `group_id`, `alias`, `is_active`
 * (default true: the endpoint lists active statuses), `is_closing_order`,
 * `expiration_period_seconds` (a numeric string is read as seconds; anything else → null).
 * Groups are the distinct `group_id`s, named by {@link KEYCRM_GROUP_NAMES}, `is_main: false`.
 * @throws Error when a row does not match {@link KeycrmStatusRow} or there is no status at all.
 */
export function keycrmStatusesToDictionary(rows: readonly unknown[]): DictionaryContent {
  const statuses = new Map<string, DictionaryStatus>();
  rows.forEach((row, i) => {
    const parsed = KeycrmStatusRow.safeParse(row);
    if (!parsed.success) throw new Error(`KeyCRM status #${i}: ${z.prettifyError(parsed.error)}`);
    const s = parsed.data;
    statuses.set(`${s.group_id}:${s.id}`, {
      status_id: s.id,
      group_id: s.group_id,
      name: s.name,
      alias: s.alias ?? null,
      is_active: s.is_active ?? true,
      is_closing_order: s.is_closing_order ?? false,
      expiration_period_seconds: seconds(s.expiration_period),
      sort: null,
      type: null,
    });
  });
  const groupIds = [...new Set([...statuses.values()].map((s) => s.group_id))];
  return finish(
    "keycrm",
    [...statuses.values()],
    groupIds.map((g) => ({ group_id: g, name: KEYCRM_GROUP_NAMES[g] ?? `group ${g}`, is_main: false })),
  );
}

/**
 * Maps an amoCRM pipelines response: each pipeline is a group (`group_id` = pipeline id, its name,
 * `is_main`), each stage a status of that group with `sort` and `type` (1 = unsorted). 142 (won)
 * and 143 (lost) exist in every pipeline and are the closing statuses — detected by id, never by
 * name or type (formats/amocrm.md §7.1).
 * @throws Error when the body is not a pipelines response or has no stage.
 */
export function amocrmPipelinesToDictionary(body: unknown): DictionaryContent {
  const parsed = AmocrmPipelinesResponse.safeParse(body);
  if (!parsed.success) throw new Error(`not an amoCRM pipelines response: ${z.prettifyError(parsed.error)}`);
  const statuses: DictionaryStatus[] = [];
  const groups: DictionaryGroup[] = [];
  for (const p of parsed.data._embedded.pipelines) {
    groups.push({ group_id: p.id, name: p.name, is_main: p.is_main ?? false });
    for (const s of p._embedded.statuses) {
      statuses.push({
        status_id: s.id,
        group_id: p.id,
        name: s.name,
        alias: null,
        is_active: true,
        is_closing_order: s.id === 142 || s.id === 143,
        expiration_period_seconds: null,
        sort: s.sort ?? null,
        type: s.type ?? null,
      });
    }
  }
  return finish("amocrm", statuses, groups);
}

/**
 * Reads a dictionary file as `dictionary import` accepts it: a KeyCRM plain array of statuses
 * (`statuses.json`), a KeyCRM page object (`{data: [...], …}`), or an amoCRM pipelines response.
 * @throws Error naming the expected shapes when the JSON is none of them.
 */
export function dictionaryFromJson(json: unknown): DictionaryContent {
  if (Array.isArray(json)) return keycrmStatusesToDictionary(json);
  if (typeof json === "object" && json !== null) {
    if ("_embedded" in json) return amocrmPipelinesToDictionary(json);
    const page = KeycrmStatusPage.safeParse(json);
    if (page.success) return keycrmStatusesToDictionary(page.data.data);
  }
  throw new Error(
    "expected a KeyCRM status array, a KeyCRM status page ({data: [...]}) or an amoCRM pipelines response",
  );
}

/**
 * The dedup key of a dictionary: `dict:{project}:{sha256 of the canonical content}` — the content
 * is sorted and serialised with a fixed key order, so an unchanged dictionary is one fact whether
 * it came from the API or a file.
 */
export function dictionaryDedupKey(projectId: string, content: DictionaryContent): string {
  const canonical = JSON.stringify({
    kind: content.kind,
    statuses: content.statuses,
    groups: content.groups,
  });
  return `dict:${projectId}:${createHash("sha256").update(canonical).digest("hex")}`;
}

/**
 * Builds a validated `dictionary.statuses_synced` event. `origin`: `api` | `file`; `reason`:
 * `initial` | `scheduled` | `unknown_status` | `manual`; `now` is its `occurred_at`/`recorded_at`.
 * @throws ZodError when the result does not match the schema (a bug).
 */
export function dictionaryEvent(
  projectId: string,
  content: DictionaryContent,
  meta: { origin: "api" | "file"; reason: string; now: Date; id: string },
): DictionaryStatusesSynced {
  const now = meta.now.toISOString();
  return DictionaryStatusesSynced.parse({
    id: meta.id,
    type: "dictionary.statuses_synced",
    version: 1,
    project_id: projectId,
    occurred_at: now,
    recorded_at: now,
    dedup_key: dictionaryDedupKey(projectId, content),
    source: meta.origin === "file" ? "cli" : content.kind,
    raw: null,
    data: {
      kind: content.kind,
      origin: meta.origin,
      reason: meta.reason,
      statuses: content.statuses,
      groups: content.groups,
    },
  });
}

function finish(kind: CrmKind, statuses: DictionaryStatus[], groups: DictionaryGroup[]): DictionaryContent {
  if (statuses.length === 0) throw new Error(`the ${kind} dictionary has no status`);
  statuses.sort((a, b) => a.group_id - b.group_id || a.status_id - b.status_id);
  groups.sort((a, b) => a.group_id - b.group_id);
  return { kind, statuses, groups };
}

function seconds(value: number | string | null | undefined): number | null {
  const n = typeof value === "string" && /^\d{1,10}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

const AmocrmUser = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullish(),
  rights: z.object({ is_active: z.boolean().nullish(), is_admin: z.boolean().nullish() }).nullish(),
});
/**
 * One page of amoCRM `GET /api/v4/users` (formats/amocrm.md §7.4): the users and the paging fields
 * (`_page`, `_page_count`); other fields are ignored.
 */
export const AmocrmUsersPage = z.object({
  _page: z.number().int().nullish(),
  _page_count: z.number().int().nullish(),
  _embedded: z.object({ users: z.array(z.unknown()) }),
});
/** See {@link AmocrmUsersPage}. */
export type AmocrmUsersPage = z.infer<typeof AmocrmUsersPage>;

/** The content of a users sync: what its dedup hash covers. */
export interface UsersContent {
  kind: CrmKind;
  users: DictionaryUser[];
}

/**
 * Maps amoCRM user items (the `_embedded.users` of one or more `GET /api/v4/users` pages) to a
 * users list: `user_id` = `id`, `name`, `email` (null when absent), `is_active` (default true) and
 * `is_admin` (default false) from `rights`. Sorted by id; a repeated id keeps its last item.
 * @throws Error naming the item when one does not match (id and name are required).
 */
export function amocrmUsersToContent(items: readonly unknown[]): UsersContent {
  const users = new Map<number, DictionaryUser>();
  items.forEach((item, i) => {
    const parsed = AmocrmUser.safeParse(item);
    if (!parsed.success) throw new Error(`amoCRM user #${i}: ${z.prettifyError(parsed.error)}`);
    const u = parsed.data;
    users.set(u.id, {
      user_id: u.id,
      name: u.name,
      email: u.email ?? null,
      is_active: u.rights?.is_active ?? true,
      is_admin: u.rights?.is_admin ?? false,
    });
  });
  return { kind: "amocrm", users: [...users.values()].sort((a, b) => a.user_id - b.user_id) };
}

/**
 * The dedup key of a users list: `users:{project}:{sha256 of the canonical content}` (sorted by id,
 * fixed key order), so an unchanged list is one fact.
 */
export function usersDedupKey(projectId: string, content: UsersContent): string {
  const canonical = JSON.stringify({ kind: content.kind, users: content.users });
  return `users:${projectId}:${createHash("sha256").update(canonical).digest("hex")}`;
}

/**
 * Builds a validated `dictionary.users_synced` event (`origin`, `reason`, `now` and `id` as for
 * {@link dictionaryEvent}).
 * @throws ZodError when the result does not match the schema (a bug).
 */
export function usersEvent(
  projectId: string,
  content: UsersContent,
  meta: { origin: "api" | "file"; reason: string; now: Date; id: string },
): DictionaryUsersSynced {
  const now = meta.now.toISOString();
  return DictionaryUsersSynced.parse({
    id: meta.id,
    type: "dictionary.users_synced",
    version: 1,
    project_id: projectId,
    occurred_at: now,
    recorded_at: now,
    dedup_key: usersDedupKey(projectId, content),
    source: meta.origin === "file" ? "cli" : content.kind,
    raw: null,
    data: { kind: content.kind, origin: meta.origin, reason: meta.reason, users: content.users },
  });
}
