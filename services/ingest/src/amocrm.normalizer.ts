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
  isRecord,
  itemsOf,
  readCrmId,
  readOptionalCrmId,
  readOptionalText,
  readOptionalUnixSeconds,
  readPrice,
  unixSecondsToIso,
} from "./crm-values.js";
import { type DeliveryContext, type NormalizedDelivery, rawOf, receivedIso } from "./delivery.js";
import { PayloadTooLargeError, ValidationError } from "./http.errors.js";

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
 * Decodes a form-encoded amoCRM body into nested objects with `qs` (keys percent-decoded,
 * `+` = space, values stay strings, null-prototype objects, `__proto__` keys dropped).
 * @throws PayloadTooLargeError when the body has more than `parameterLimit` parameters (qs would
 *   silently drop the rest).
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
 * | `leads[add][N]` | `deal.created` (`minimal: false`) | `amocrm:{p}:{lead}:add:{status}:{last_modified}` |
 * | DP `leads[add][N]` (no time) | `deal.created` (`minimal: true`) | `amocrm:{p}:{lead}:add:{status}:dp-{received unix s}` |
 * | `leads[update][N]` | `deal.updated` | `amocrm:{p}:{lead}:update:{status}:{last_modified}` |
 * | `leads[status][N]` | `order.status_changed` (`leads.status`, lead snapshot) | `amocrm:{p}:{lead}:status:{status}:{last_modified}` |
 * | DP `leads[status][N]` (no time) | `order.status_changed` (`leads.dp_status`, `time_source: received`, `lead: null`) | `amocrm:{p}:{lead}:status:{status}:dp-{received unix s}` |
 * | `leads[delete][N]` | `deal.deleted` | `amocrm:{p}:{lead}:delete` (a deletion is terminal) |
 *
 * A status change maps the deal onto the order-status model (SPEC "amoCRM deals"): `order_id` =
 * lead id, `status_group_id` = `pipeline_id`, `previous_status_id` = `old_status_id`,
 * `order_created_at` = `date_create`, `manager_id` = `responsible_user_id`. `occurred_at` is
 * `last_modified` (falling back to `updated_at`, then the received time). Prices: `""` → null.
 * Custom-field values become `{value, enum}` pairs, also the bare `values[0]=<ts>` of date fields.
 * Other lead actions (`restore`, `responsible`, `note`…) and other groups (contacts, tasks…) are
 * counted as ignored. A time-less body is a Digital-Pipeline one (amocrm.md §1.2): sent once,
 * never retried, so the received second keeps its key stable enough.
 * @throws ValidationError when the body has no entity group, a group or item has the wrong shape,
 *   or a lead has a missing/non-numeric `id`/`status_id` or a malformed id, time or price.
 */
export function normalizeAmocrmWebhook(
  form: Record<string, unknown>,
  ctx: DeliveryContext,
): NormalizedDelivery {
  const events: DomainEvent[] = [];
  const ignoredKinds: string[] = [];
  let groups = 0;
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
          events.push(leadEvent(action, item, `leads[${action}][${i}]`, ctx));
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

function leadEvent(action: LeadAction, item: unknown, path: string, ctx: DeliveryContext): DomainEvent {
  if (!isRecord(item)) throw new ValidationError(`${path} must be an object`);
  const p = ctx.projectId;
  const leadId = readCrmId(item["id"], `${path}[id]`);
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
      data: {
        lead_id: leadId,
        status_id: readOptionalCrmId(item["status_id"], `${path}[status_id]`),
        pipeline_id: readOptionalCrmId(item["pipeline_id"], `${path}[pipeline_id]`),
      },
    };
    return deleted;
  }

  const statusId = readCrmId(item["status_id"], `${path}[status_id]`);
  const lead = leadSnapshot(item, leadId, path);
  const lastModified =
    readOptionalUnixSeconds(item["last_modified"], `${path}[last_modified]`) ??
    readOptionalUnixSeconds(item["updated_at"], `${path}[updated_at]`);
  const timeless = lastModified === null;
  const version = timeless ? `dp-${receivedSecond}` : String(lastModified);
  const occurredAt = timeless ? receivedIso(ctx) : unixSecondsToIso(lastModified);

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
      status_group_id: lead.pipeline_id,
      status_changed_at: occurredAt,
      time_source: timeless ? "received" : "crm",
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

function leadSnapshot(item: Record<string, unknown>, leadId: number, path: string): LeadSnapshot {
  const created =
    readOptionalUnixSeconds(item["date_create"], `${path}[date_create]`) ??
    readOptionalUnixSeconds(item["created_at"], `${path}[created_at]`);
  const updated =
    readOptionalUnixSeconds(item["last_modified"], `${path}[last_modified]`) ??
    readOptionalUnixSeconds(item["updated_at"], `${path}[updated_at]`);
  return {
    lead_id: leadId,
    name: readOptionalText(item["name"], `${path}[name]`),
    price: readPrice(item["price"], `${path}[price]`),
    responsible_user_id: readOptionalCrmId(item["responsible_user_id"], `${path}[responsible_user_id]`),
    pipeline_id: readOptionalCrmId(item["pipeline_id"], `${path}[pipeline_id]`),
    status_id: readOptionalCrmId(item["status_id"], `${path}[status_id]`),
    created_user_id: readOptionalCrmId(item["created_user_id"], `${path}[created_user_id]`),
    modified_user_id: readOptionalCrmId(item["modified_user_id"], `${path}[modified_user_id]`),
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
