import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmId, CrmKind } from "./primitives.js";

/**
 * One status of the project's dictionary. For KeyCRM a row of `GET /order/status`; for amoCRM a
 * pipeline stage, with `group_id` = pipeline id (the same status id, e.g. 142, exists in every
 * pipeline, so a status is identified by `(group_id, status_id)`).
 * `expiration_period_seconds` is KeyCRM's `expiration_period`; `type` is amoCRM's stage type
 * (0 regular, 1 unsorted), `null` for KeyCRM.
 */
export const DictionaryStatus = z.object({
  status_id: CrmId,
  group_id: CrmId,
  name: z.string(),
  alias: z.string().nullable(),
  is_active: z.boolean(),
  is_closing_order: z.boolean(),
  expiration_period_seconds: z.number().int().nonnegative().nullable(),
  sort: z.number().int().nullable(),
  type: z.number().int().nullable(),
});
/** See {@link DictionaryStatus}. */
export type DictionaryStatus = z.infer<typeof DictionaryStatus>;

/** A status group (KeyCRM) or pipeline (amoCRM). */
export const DictionaryGroup = z.object({
  group_id: CrmId,
  name: z.string(),
  is_main: z.boolean(),
});
/** See {@link DictionaryGroup}. */
export type DictionaryGroup = z.infer<typeof DictionaryGroup>;

/**
 * `dictionary.statuses_synced` v1 — the full status dictionary of a project as the CRM API (or an
 * imported file) gave it. It replaces the previous dictionary; statuses missing from it are kept
 * in read models as inactive so old events still resolve. `origin`: `api` | `file`;
 * `reason`: why it ran (`initial`, `scheduled`, `unknown_status`, `manual`).
 * Dedup key: `dict:{project}:{sha256 of the sorted content}` — an unchanged dictionary is one fact.
 */
export const DictionaryStatusesSynced = defineEvent(
  "dictionary.statuses_synced",
  1,
  z.object({
    kind: CrmKind,
    origin: z.enum(["api", "file"]),
    reason: z.string(),
    statuses: z.array(DictionaryStatus),
    groups: z.array(DictionaryGroup),
  }),
);
/** See {@link DictionaryStatusesSynced}. */
export type DictionaryStatusesSynced = z.infer<typeof DictionaryStatusesSynced>;

/**
 * One CRM user (amoCRM `GET /api/v4/users` item, formats/amocrm.md §7.4): the manager a deal's
 * `responsible_user_id` / an order's `manager_id` names. `email` is `null` when absent;
 * `is_active` / `is_admin` from the user's `rights`.
 */
export const DictionaryUser = z.object({
  user_id: CrmId,
  name: z.string(),
  email: z.string().nullable(),
  is_active: z.boolean(),
  is_admin: z.boolean(),
});
/** See {@link DictionaryUser}. */
export type DictionaryUser = z.infer<typeof DictionaryUser>;

/**
 * `dictionary.users_synced` v1 — the full user list of a project's CRM account (managers by id and
 * name), read with the status dictionary. It replaces the previous list; users missing from it are
 * kept in read models (old deals still name them). `origin`: `api` | `file`; `reason` as for
 * {@link DictionaryStatusesSynced}. Dedup key: `users:{project}:{sha256 of the sorted content}` —
 * an unchanged list is one fact.
 */
export const DictionaryUsersSynced = defineEvent(
  "dictionary.users_synced",
  1,
  z.object({
    kind: CrmKind,
    origin: z.enum(["api", "file"]),
    reason: z.string(),
    users: z.array(DictionaryUser),
  }),
);
/** See {@link DictionaryUsersSynced}. */
export type DictionaryUsersSynced = z.infer<typeof DictionaryUsersSynced>;
