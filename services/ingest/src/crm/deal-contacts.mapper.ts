/**
 * amoCRM `GET /api/v4/leads/{id}?with=contacts` + `GET /api/v4/contacts/{id}` →
 * `deal.contacts_linked` (pure). Shapes: formats/amocrm.md §7.2–7.3.
 */
import { createHash } from "node:crypto";
import { normalizePhone, type PhoneRegion } from "@pulse/domain";
import type { DealContactsLinked } from "@pulse/events";
import { isCrmId, isRecord } from "./crm-values.js";

/** One contact of {@link DealContactsLinked}. */
export type DealContact = DealContactsLinked["data"]["contacts"][number];

/** A contact reference embedded in a lead: its id and whether it is the main contact. */
export interface LeadContactRef {
  id: number;
  isMain: boolean;
}

/** A plausible lead or contact id: a positive integer (crm-values.ts `isCrmId`, README "Plausibility rules"). */
const safeId = isCrmId;

/**
 * The contacts a lead embeds (`_embedded.contacts[] {id, is_main}`, present only with
 * `with=contacts`), in the lead's order, without duplicates; references whose id is not a positive
 * integer are skipped. A lead without contacts gives `[]`.
 * @throws Error when the body is not a lead object (no positive integer `id`).
 */
export function amocrmLeadContacts(lead: unknown): LeadContactRef[] {
  if (!isRecord(lead) || !safeId(lead["id"]))
    throw new Error("amoCRM GET /api/v4/leads/{id} answered something that is not a lead");
  const embedded = isRecord(lead["_embedded"]) ? lead["_embedded"] : {};
  const refs = Array.isArray(embedded["contacts"]) ? embedded["contacts"] : [];
  const seen = new Set<number>();
  const out: LeadContactRef[] = [];
  for (const r of refs) {
    if (!isRecord(r) || !safeId(r["id"]) || seen.has(r["id"])) continue;
    seen.add(r["id"]);
    out.push({ id: r["id"], isMain: r["is_main"] === true });
  }
  return out;
}

function fieldValues(contact: Record<string, unknown>, code: string): string[] {
  const fields = Array.isArray(contact["custom_fields_values"]) ? contact["custom_fields_values"] : [];
  const out: string[] = [];
  for (const f of fields) {
    if (!isRecord(f) || f["field_code"] !== code || !Array.isArray(f["values"])) continue;
    for (const v of f["values"]) {
      const value = isRecord(v) ? v["value"] : undefined;
      const s = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
      if (s !== "") out.push(s);
    }
  }
  return out;
}

/**
 * One contact from `GET /api/v4/contacts/{id}`: `name`; `raw_phones` = every `PHONE` value as
 * typed (`8 (701) 234-56-78`, `+7 701 …`, several per contact); `phones` = those normalised to E.164
 * with `region` (invalid ones dropped, duplicates removed); `emails` = the `EMAIL` values (trimmed,
 * duplicates removed). `custom_fields_values: null` (no fields) gives empty lists (§7.3).
 * @throws Error when the body is not a contact object (no positive integer `id`).
 */
export function amocrmDealContact(contact: unknown, ref: LeadContactRef, region: PhoneRegion): DealContact {
  if (!isRecord(contact) || !safeId(contact["id"]))
    throw new Error("amoCRM GET /api/v4/contacts/{id} answered something that is not a contact");
  const rawPhones = fieldValues(contact, "PHONE");
  const phones = [
    ...new Set(rawPhones.map((p) => normalizePhone(p, region)).filter((p): p is string => p !== null)),
  ];
  const name =
    typeof contact["name"] === "string" && contact["name"].trim() !== "" ? contact["name"].trim() : null;
  return {
    contact_id: contact["id"],
    name,
    is_main: ref.isMain,
    phones,
    raw_phones: rawPhones,
    emails: [...new Set(fieldValues(contact, "EMAIL"))],
  };
}

/** Lowercase hex SHA-256 of the contacts' JSON: the identity of a lead's contact list. */
export function contactsDigest(
  contacts: readonly DealContact[],
  lossReason: LeadLossReason | null = null,
): string {
  const canonical: unknown[] = contacts.map((c) => [
    c.contact_id,
    c.name,
    c.is_main,
    c.phones,
    c.raw_phones,
    c.emails,
  ]);
  // A loss reason joins the digest only when there is one: the digest of a lead without one is unchanged.
  if (lossReason !== null) canonical.push({ loss_reason: [lossReason.id, lossReason.name] });
  return createHash("sha256").update(JSON.stringify(canonical), "utf8").digest("hex");
}

/** The loss reason of an amoCRM lead: `loss_reason_id` and its name (`null` when not embedded). */
export type LeadLossReason = NonNullable<DealContactsLinked["data"]["loss_reason"]>;

/**
 * The loss reason of a lead body (`GET /api/v4/leads/{id}`): its `loss_reason_id` when that is a
 * positive integer, with the name of the matching `_embedded.loss_reason[]` entry (present only with
 * `with=loss_reason`, formats/amocrm.md §7.2), else `null` as the name; `null` without a reason.
 */
export function amocrmLeadLossReason(lead: unknown): LeadLossReason | null {
  if (!isRecord(lead) || !safeId(lead["loss_reason_id"])) return null;
  const id = lead["loss_reason_id"];
  const embedded = isRecord(lead["_embedded"]) ? lead["_embedded"] : {};
  const list = Array.isArray(embedded["loss_reason"]) ? embedded["loss_reason"] : [];
  const entry = list.find((r) => isRecord(r) && r["id"] === id);
  const name = isRecord(entry) && typeof entry["name"] === "string" ? entry["name"] : null;
  return { id, name };
}

/**
 * Builds `deal.contacts_linked` (source `amocrm`, `raw: null`): `occurred_at` = `recorded_at` =
 * `fetched_at`; dedup key `contacts:{project}:{lead}:{sha256 of the contacts and the loss reason}`
 * ({@link contactsDigest}); `loss_reason` as given (`undefined`: the field is left out).
 */
export function dealContactsEvent(
  projectId: string,
  leadId: number,
  contacts: DealContact[],
  fetchedAt: Date,
  eventId: string,
  lossReason?: LeadLossReason | null,
): DealContactsLinked {
  const at = fetchedAt.toISOString();
  return {
    id: eventId,
    type: "deal.contacts_linked",
    version: 1,
    project_id: projectId,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `contacts:${projectId}:${leadId}:${contactsDigest(contacts, lossReason ?? null)}`,
    source: "amocrm",
    raw: null,
    data: {
      lead_id: leadId,
      contacts,
      fetched_at: at,
      ...(lossReason === undefined ? {} : { loss_reason: lossReason }),
    },
  };
}
