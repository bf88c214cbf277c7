/**
 * amoCRM webhook (form-encoded, PHP bracket keys) → domain events (pure: no I/O, time comes from
 * the delivery context). Formats: formats/amocrm.md §1–4 and §8; both the account webhooks
 * (api/v2 lead snapshot) and the Digital-Pipeline minimal bodies.
 */
import type {
  DealCreated,
  DealDeleted,
  DealUpdated,
  DomainEvent,
  LeadSnapshot,
  OrderStatusChanged,
} from "@pulse/events";
import qs from "qs";
import {
  describeValue,
  isRecord,
  itemsOf,
  readCrmId,
  readOptionalCrmId,
  readOptionalText,
  readOptionalUnixEventTime,
  readOptionalUserId,
  readPrice,
  unixSecondsToIso,
} from "../crm/crm-values.js";
import { PayloadTooLargeError, ValidationError } from "../http/http.errors.js";
import { type DeliveryContext, type NormalizedDelivery, rawOf, receivedIso } from "./delivery.js";

/**
 * Limits of the form parser. `depth` must be ≥ 7 for
 * `leads[status][0][custom_fields][1][values][0][value]` (qs's default 5 turns the tail into a
 * literal key, amocrm.md §8.4); `arrayLimit` bounds the indices decoded as arrays (larger or
 * id-keyed indices such as `linked_leads_id[<id>]` become objects, which the reader accepts too).
 */
export interface AmocrmFormLimits {
  depth: number;
  arrayLimit: number;
  parameterLimit: number;
}

/** Default {@link AmocrmFormLimits}: depth 10, arrayLimit 1000, parameterLimit 10 000. */
export const DEFAULT_FORM_LIMITS: AmocrmFormLimits = { depth: 10, arrayLimit: 1000, parameterLimit: 10_000 };

/**
 * Top-level groups amoCRM webhooks use (amocrm.md §2). A body must contain at least one; groups
 * other than `leads` are acknowledged and counted as ignored. `account` is metadata.
 */
export const AMOCRM_ENTITY_GROUPS = [
  "leads",
  "contacts",
  "companies",
  "company",
  "customers",
  "task",
  "tasks",
  "unsorted",
  "message",
  "talk",
  "talks",
  "catalogs",
] as const;

/**
 * Why the last parameter of a form body shows that the body was cut in transit, or `null` when it
 * is whole: a body ending in `&` lost the parameter after it; a last parameter ending inside a
 * percent escape (`%D0%9`), without `=` or with an unclosed `[` ends inside itself
 * (`…&leads%5Bstatus%5D%5B0%5D%5Bupdat`). amoCRM never sends
 * either (every capture and the fixture corpus end in `key=value`, amocrm.md §4); a stray key in the
 * *middle* of a body (the damaged 2016 capture) is tolerated — only the end tells of a cut.
 */
export function truncatedFormTail(raw: string): string | null {
  const body = raw.trimEnd();
  if (body.length === 0) return null;
  if (body.endsWith("&")) return "the body ends with '&'";
  const last = body.slice(body.lastIndexOf("&") + 1);
  if (/%[0-9A-Fa-f]?$/.test(last)) return "the body ends inside a percent escape";
  const eq = last.indexOf("=");
  let key = eq < 0 ? last : last.slice(0, eq);
  try {
    key = decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return "the last parameter's key is not valid percent-encoding";
  }
  if (key.split("[").length > key.split("]").length)
    return `the last parameter's key ${describeValue(key)} is cut inside its brackets`;
  if (eq < 0) return `the last parameter ${describeValue(key)} has no '='`;
  return null;
}

/**
 * Decodes a form-encoded amoCRM body into nested objects with `qs` (keys percent-decoded,
 * `+` = space, values stay strings, null-prototype objects, `__proto__` keys dropped).
 * @throws PayloadTooLargeError when the body has more than `parameterLimit` parameters (qs would
 *   silently drop the rest).
 * @throws ValidationError when the body ends inside a parameter ({@link truncatedFormTail}): a body
 *   cut in transit is malformed, whatever its entries still say.
 */
export function parseAmocrmForm(
  raw: string,
  limits: AmocrmFormLimits = DEFAULT_FORM_LIMITS,
): Record<string, unknown> {
  let params = 1;
  for (let i = raw.indexOf("&"); i >= 0; i = raw.indexOf("&", i + 1)) {
    if (++params > limits.parameterLimit) {
      throw new PayloadTooLargeError(`more than ${limits.parameterLimit} form parameters`);
    }
  }
  const cut = truncatedFormTail(raw);
  if (cut !== null) throw new ValidationError(`the body looks truncated: ${cut}`);
  return qs.parse(raw, {
    depth: limits.depth,
    arrayLimit: limits.arrayLimit,
    parameterLimit: limits.parameterLimit,
    plainObjects: true,
    allowPrototypes: false,
    allowSparse: false,
    charset: "utf-8",
  }) as Record<string, unknown>;
}

/**
 * Normalises one decoded amoCRM delivery (see {@link parseAmocrmForm}) into events, in body order:
 *
 * | body | event | dedup key |
 * |---|---|---|
 * | `leads[add][N]` | `deal.created` (`minimal: false`) | `amocrm:{p}:{lead}:add:{status}:{version}` |
 * | DP `leads[add][N]` (no time) | `deal.created` (`minimal: true`) | `amocrm:{p}:{lead}:add:{status}:dp-{received unix s}` |
 * | `leads[update][N]` | `deal.updated` | `amocrm:{p}:{lead}:update:{status}:{version}` |
 * | `leads[status][N]` | `order.status_changed` (`leads.status`, lead snapshot) | `amocrm:{p}:{lead}:status:{status}:{version}` |
 * | DP `leads[status][N]` (no time) | `order.status_changed` (`leads.dp_status`, `time_source: received`, `lead: null`) | `amocrm:{p}:{lead}:status:{status}:dp-{received unix s}` |
 * | `leads[delete][N]` | `deal.deleted` | `amocrm:{p}:{lead}:delete` (a deletion is terminal) |
 *
 * `version` is the entry's `last_modified` (else `updated_at`, `created_at`, `date_create`): the
 * identity of the change, the events API's `created_at` ({@link amocrmStatusDedupKey}).
 *
 * Times (SPEC "Decided rules — Time of a status change", {@link amocrmLeadTime}): a status change
 * happened at `updated_at`, else `last_modified`, else the receipt time (a Digital-Pipeline entry);
 * a lead was created at `created_at`, else `date_create`, else `updated_at`, else `last_modified`,
 * else the receipt time (DP); an update happened at `updated_at`, else `last_modified`. All are unix
 * seconds (UTC), kept as ISO instants with milliseconds.
 *
 * A status change maps the deal onto the order-status model (SPEC "amoCRM deals"): `order_id` =
 * lead id, `status_group_id` = `pipeline_id`, `previous_status_id` = `old_status_id`,
 * `order_created_at` = the lead's creation time, `manager_id` = `responsible_user_id`. Prices:
 * `""` → null. Custom-field values become `{value, enum}` pairs, also the bare `values[0]=<ts>` of
 * date fields. Other lead actions (`restore`, `responsible`, `note`…) and other groups (contacts,
 * tasks…) are counted as ignored. A time-less entry is a Digital-Pipeline one (amocrm.md §1.2):
 * sent once, never retried, so the received second keeps its key stable enough.
 *
 * Plausibility and completeness (README "Plausibility rules", each rule in crm-values.ts or here):
 * - the body names its account (`account[subdomain]`): every capture of every era carries it,
 *   the Digital-Pipeline ones too, and the bodies that put it last lose it when cut;
 * - every lead entry has positive `id`, `status_id` and `pipeline_id`; `old_status_id`, tag and
 *   custom-field ids are positive when given; user ids may be 0 (a robot, amocrm.md §8.7);
 * - every time field given (`created_at`, `updated_at`, `date_create`, `last_modified`) is unix
 *   seconds in [2000-01-01T00:00:00Z, receipt + 1 day]; `""` is malformed, not absent;
 * - the entry is complete ({@link amocrmEntryCut}): a cut entry is rejected, never stored as a
 *   change at the receipt time.
 * @throws ValidationError when the body has no entity group or no account, a group or item has
 *   the wrong shape, a lead has a missing or non-positive id, an empty, malformed or implausible
 *   time, a malformed price, or looks truncated.
 */
export function normalizeAmocrmWebhook(
  form: Record<string, unknown>,
  ctx: DeliveryContext,
): NormalizedDelivery {
  const events: DomainEvent[] = [];
  const ignoredKinds: string[] = [];
  let groups = 0;
  const account = form["account"];
  const era2021 = isRecord(account) && account["id"] !== undefined;
  for (const group of Object.keys(form)) {
    if (!(AMOCRM_ENTITY_GROUPS as readonly string[]).includes(group)) continue;
    groups++;
    const actions = form[group];
    if (!isRecord(actions))
      throw new ValidationError(`${group} must be an object of actions (${group}[add][0][id]=…)`);
    for (const action of Object.keys(actions)) {
      const items = itemsOf(actions[action], `${group}[${action}]`);
      if (
        group === "leads" &&
        (action === "add" || action === "update" || action === "status" || action === "delete")
      ) {
        items.forEach((item, i) => {
          events.push(leadEvent(action, item, `leads[${action}][${i}]`, ctx, era2021));
        });
      } else {
        for (let i = 0; i < items.length; i++) ignoredKinds.push(`${group}.${action}`);
      }
    }
  }
  if (groups === 0) {
    throw new ValidationError(
      `no entity group in the body (expected one of ${AMOCRM_ENTITY_GROUPS.join(", ")})`,
    );
  }
  if (events.length === 0 && ignoredKinds.length === 0)
    throw new ValidationError("the body carries no entity");
  const subdomain = isRecord(account) ? account["subdomain"] : undefined;
  if (typeof subdomain !== "string" || subdomain.trim() === "")
    throw new ValidationError(
      "account[subdomain] is missing: every amoCRM webhook names its account, so the body looks truncated",
    );
  return { events, ignored: ignoredKinds.length, ignoredKinds };
}

type LeadAction = "add" | "update" | "status" | "delete";

/**
 * The dedup key of an amoCRM status change: `amocrm:{project}:{lead}:status:{status_id}:{version}`,
 * `version` = the change's unix seconds (webhook `last_modified`, events-API `created_at` — the same
 * instant, fixtures/README.md "Checks") or `dp-{received s}` for a time-less Digital-Pipeline body.
 * Webhook and events-API catch-up therefore produce one fact per change.
 */
export function amocrmStatusDedupKey(
  projectId: string,
  leadId: number,
  statusId: number,
  version: number | string,
): string {
  return `amocrm:${projectId}:${leadId}:status:${statusId}:${version}`;
}

/** The time fields of a lead entry, unix seconds or `null` when absent (already read and checked). */
export interface AmocrmLeadTimes {
  created_at: number | null;
  updated_at: number | null;
  date_create: number | null;
  last_modified: number | null;
}

/**
 * The CRM's time of a lead entry, unix seconds, by SPEC "Decided rules — Time of a status change":
 * - `status` (and `update`): `updated_at`, else `last_modified`;
 * - `add`: `created_at`, else `date_create`, else `updated_at`, else `last_modified`;
 * - `delete`: none (the deletion carries no time).
 * `null` means "none given": the caller takes the receipt time (a Digital-Pipeline entry).
 */
export function amocrmLeadTime(action: LeadAction, t: AmocrmLeadTimes): number | null {
  switch (action) {
    case "add":
      return t.created_at ?? t.date_create ?? t.updated_at ?? t.last_modified;
    case "update":
    case "status":
      return t.updated_at ?? t.last_modified;
    case "delete":
      return null;
  }
}

const TIME_FIELDS = ["created_at", "updated_at", "date_create", "last_modified"] as const;
/** The only keys of Digital-Pipeline entries (amocrm.md §1.2, §4.4; fixtures "Digital Pipeline bodies"). */
const DP_KEYS: Readonly<Record<"add" | "status", readonly string[]>> = {
  add: ["id", "status_id", "pipeline_id"],
  status: ["id", "status_id", "pipeline_id", "old_status_id", "old_pipeline_id"],
};

/**
 * Why a lead entry looks cut off in transit, or `null` when it is complete. Every complete entry
 * carries what its kind always carries (formats/amocrm.md §3–4, every real capture and the corpus):
 * - `id`, `status_id`, `pipeline_id` (checked by the readers);
 * - an account-webhook `add`/`update`/`status` entry carries its time fields: `created_at` is
 *   always followed by `updated_at`, the last key of the entry; in a body that names `account[id]`
 *   (2021 and later) both are there; a `status`/`update` entry has `updated_at` or `last_modified`;
 * - an entry without any time field is a Digital-Pipeline one, which has exactly its few keys —
 *   `add`: `id, status_id, pipeline_id`; `status`: those plus `old_status_id, old_pipeline_id` — and
 *   exists for `add` and `status` only. Anything else without a time (an entry that has a `name`,
 *   `price`… but lost its time fields, an `update` without time) is a cut body, not a change at the
 *   receipt time.
 */
export function amocrmEntryCut(
  action: LeadAction,
  entry: Record<string, unknown>,
  era2021: boolean,
): string | null {
  if (action === "delete") return null;
  const has = (k: string) => entry[k] !== undefined;
  const timed = TIME_FIELDS.some(has);
  if (!timed) {
    if (action === "update")
      return "has no time field (updated_at, last_modified), which every update carries";
    const allowed = DP_KEYS[action];
    const extra = Object.keys(entry).filter((k) => !allowed.includes(k));
    if (extra.length > 0)
      return `has no time field (updated_at, last_modified) but carries ${extra.slice(0, 3).join(", ")}: only Digital-Pipeline entries come without a time, and they carry only ${allowed.join(", ")}`;
    const missing = allowed.filter((k) => !has(k));
    if (missing.length > 0) return `is a Digital-Pipeline entry without ${missing.join(", ")}`;
    return null;
  }
  // `updated_at` is the last key of every entry that has `created_at`: one without the other is a cut.
  if (has("created_at") && !has("updated_at"))
    return "has created_at but no updated_at (updated_at follows it at the end of every entry)";
  if (era2021 && !has("updated_at"))
    return "has no created_at/updated_at, which every entry of a body with account[id] carries";
  if (action !== "add" && !has("updated_at") && !has("last_modified"))
    return `has no updated_at or last_modified, which every ${action} entry carries`;
  return null;
}

function leadEvent(
  action: LeadAction,
  item: unknown,
  path: string,
  ctx: DeliveryContext,
  era2021: boolean,
): DomainEvent {
  if (!isRecord(item)) throw new ValidationError(`${path} must be an object`);
  const p = ctx.projectId;
  const leadId = readCrmId(item["id"], `${path}[id]`);
  const statusId = readCrmId(item["status_id"], `${path}[status_id]`);
  const pipelineId = readCrmId(item["pipeline_id"], `${path}[pipeline_id]`);
  const receivedSecond = Math.floor(ctx.receivedAt.getTime() / 1000);
  const envelope = {
    id: ctx.newId(),
    version: 1 as const,
    project_id: p,
    recorded_at: receivedIso(ctx),
    source: "amocrm" as const,
    raw: rawOf(ctx),
  };

  if (action === "delete") {
    const deleted: DealDeleted = {
      ...envelope,
      type: "deal.deleted",
      occurred_at: receivedIso(ctx),
      dedup_key: `amocrm:${p}:${leadId}:delete`,
      data: { lead_id: leadId, status_id: statusId, pipeline_id: pipelineId },
    };
    return deleted;
  }

  const times = leadTimes(item, path, ctx.receivedAt);
  const cut = amocrmEntryCut(action, item, era2021);
  if (cut !== null) throw new ValidationError(`${path} ${cut}: the body looks truncated`);
  const lead = leadSnapshot(item, leadId, path, times);
  const crmTime = amocrmLeadTime(action, times);
  const identity = times.last_modified ?? times.updated_at ?? times.created_at ?? times.date_create;
  const timeless = identity === null;
  const version = timeless ? `dp-${receivedSecond}` : String(identity);
  const occurredAt = crmTime === null ? receivedIso(ctx) : unixSecondsToIso(crmTime);

  if (action === "add") {
    const created: DealCreated = {
      ...envelope,
      type: "deal.created",
      occurred_at: occurredAt,
      dedup_key: `amocrm:${p}:${leadId}:add:${statusId}:${version}`,
      data: { lead, minimal: timeless },
    };
    return created;
  }
  if (action === "update") {
    const updated: DealUpdated = {
      ...envelope,
      type: "deal.updated",
      occurred_at: occurredAt,
      dedup_key: `amocrm:${p}:${leadId}:update:${statusId}:${version}`,
      data: { lead },
    };
    return updated;
  }
  const changed: OrderStatusChanged = {
    ...envelope,
    type: "order.status_changed",
    occurred_at: occurredAt,
    dedup_key: amocrmStatusDedupKey(p, leadId, statusId, version),
    data: {
      order_id: leadId,
      status_id: statusId,
      status_group_id: pipelineId,
      status_changed_at: occurredAt,
      time_source: crmTime === null ? "received" : "crm",
      order_created_at: lead.created_at,
      previous_status_id: readOptionalCrmId(item["old_status_id"], `${path}[old_status_id]`),
      manager_id: lead.responsible_user_id,
      crm_event: timeless ? "leads.dp_status" : "leads.status",
      // A DP body carries only ids: a snapshot of nulls would read as "name/price removed".
      lead: timeless ? null : lead,
    },
  };
  return changed;
}

function leadTimes(item: Record<string, unknown>, path: string, receivedAt: Date): AmocrmLeadTimes {
  const read = (k: (typeof TIME_FIELDS)[number]) =>
    readOptionalUnixEventTime(item[k], `${path}[${k}]`, receivedAt);
  return {
    created_at: read("created_at"),
    updated_at: read("updated_at"),
    date_create: read("date_create"),
    last_modified: read("last_modified"),
  };
}

function leadSnapshot(
  item: Record<string, unknown>,
  leadId: number,
  path: string,
  times: AmocrmLeadTimes,
): LeadSnapshot {
  // The snapshot's own two instants, by the same precedence as the event times.
  const created = times.created_at ?? times.date_create;
  const updated = times.updated_at ?? times.last_modified;
  return {
    lead_id: leadId,
    name: readOptionalText(item["name"], `${path}[name]`),
    price: readPrice(item["price"], `${path}[price]`),
    responsible_user_id: readOptionalUserId(item["responsible_user_id"], `${path}[responsible_user_id]`),
    pipeline_id: readOptionalCrmId(item["pipeline_id"], `${path}[pipeline_id]`),
    status_id: readOptionalCrmId(item["status_id"], `${path}[status_id]`),
    created_user_id: readOptionalUserId(item["created_user_id"], `${path}[created_user_id]`),
    modified_user_id: readOptionalUserId(item["modified_user_id"], `${path}[modified_user_id]`),
    created_at: created === null ? null : unixSecondsToIso(created),
    updated_at: updated === null ? null : unixSecondsToIso(updated),
    tags:
      item["tags"] === undefined
        ? []
        : itemsOf(item["tags"], `${path}[tags]`).map((t, i) => tag(t, `${path}[tags][${i}]`)),
    custom_fields:
      item["custom_fields"] === undefined
        ? []
        : itemsOf(item["custom_fields"], `${path}[custom_fields]`).map((f, i) =>
            customField(f, `${path}[custom_fields][${i}]`),
          ),
  };
}

function tag(value: unknown, path: string): LeadSnapshot["tags"][number] {
  if (!isRecord(value)) throw new ValidationError(`${path} must be an object`);
  return {
    id: readOptionalCrmId(value["id"], `${path}[id]`),
    name: readOptionalText(value["name"], `${path}[name]`) ?? "",
  };
}

function customField(value: unknown, path: string): LeadSnapshot["custom_fields"][number] {
  if (!isRecord(value)) throw new ValidationError(`${path} must be an object`);
  const values = value["values"] === undefined ? [] : itemsOf(value["values"], `${path}[values]`);
  return {
    id: readCrmId(value["id"], `${path}[id]`),
    name: readOptionalText(value["name"], `${path}[name]`),
    code: readOptionalText(value["code"], `${path}[code]`),
    values: values.map((v, j) => {
      // Date/birthday fields arrive as a bare `values[0]=<unix s>` (amocrm.md §3, S10/S13).
      if (typeof v === "string") return { value: v, enum: null };
      if (!isRecord(v)) throw new ValidationError(`${path}[values][${j}] must be text or {value, enum}`);
      return {
        value: readOptionalText(v["value"], `${path}[values][${j}][value]`),
        enum: readOptionalText(v["enum"], `${path}[values][${j}][enum]`),
      };
    }),
  };
}
