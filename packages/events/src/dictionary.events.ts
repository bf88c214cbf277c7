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
