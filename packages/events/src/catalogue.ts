import { z } from "zod";
import { DialogFailed, DialogScored } from "./analysis.events.js";
import { ChatMessageReceived, DealContactsLinked } from "./chat.events.js";
import { DictionaryStatusesSynced, DictionaryUsersSynced } from "./dictionary.events.js";
import { OrderItemsFetched } from "./items.events.js";
import { DealCreated, DealDeleted, DealUpdated, OrderStatusChanged } from "./order.events.js";
import { ProjectRegistered } from "./project.events.js";
import {
  AdTeamsChanged,
  CycleRulesChanged,
  OrderOverridesChanged,
  PipelineProductsChanged,
  QualifiedStagesChanged,
  ShiftSettingsChanged,
  SlaChanged,
  UrgentRulesChanged,
  UtmFieldsChanged,
  WorkingHoursChanged,
} from "./settings.events.js";

/**
 * Every event type of the events stream, discriminated by `type`. Later issues add their events
 * here; an event whose `type` is not in the union is not decodable (the projector dead-letters it).
 */
export const DomainEvent = z.discriminatedUnion("type", [
  OrderStatusChanged,
  DealCreated,
  DealUpdated,
  DealDeleted,
  DictionaryStatusesSynced,
  DictionaryUsersSynced,
  ProjectRegistered,
  OrderItemsFetched,
  OrderOverridesChanged,
  WorkingHoursChanged,
  SlaChanged,
  CycleRulesChanged,
  UrgentRulesChanged,
  ShiftSettingsChanged,
  QualifiedStagesChanged,
  PipelineProductsChanged,
  UtmFieldsChanged,
  AdTeamsChanged,
  ChatMessageReceived,
  DealContactsLinked,
  DialogScored,
  DialogFailed,
]);
/** See {@link DomainEvent}. */
export type DomainEvent = z.infer<typeof DomainEvent>;
/** The `type` strings of {@link DomainEvent}. */
export type DomainEventType = DomainEvent["type"];
/** The event of a given type. */
export type EventOfType<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/**
 * Upcasters: functions that lift an older stored version of an event to the current one, keyed
 * by `type@version`. Empty while every type is at v1; a v2 adds `"x.y@1": (e) => ({...e, version: 2, …})`.
 */
const upcasters: Record<string, (event: Record<string, unknown>) => Record<string, unknown>> = {};

/** Result of {@link decodeEvent}: the event, or why it is poison. */
export type DecodeResult = { ok: true; event: DomainEvent } | { ok: false; reason: string };

/**
 * Decodes one stored message: bytes → JSON → upcast → schema. Never throws; a message that fails
 * is poison for the caller to dead-letter (STYLE.md rule 5).
 */
export function decodeEvent(bytes: Uint8Array | string): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  let value = json as Record<string, unknown>;
  for (let guard = 0; guard < 10 && value && typeof value === "object"; guard++) {
    const up = upcasters[`${String(value["type"])}@${String(value["version"])}`];
    if (!up) break;
    value = up(value);
  }
  const parsed = DomainEvent.safeParse(value);
  if (!parsed.success) {
    return { ok: false, reason: z.prettifyError(parsed.error).slice(0, 2000) };
  }
  return { ok: true, event: parsed.data };
}

/** Serialises an event for publishing (UTF-8 JSON; a `Buffer`, which encodes faster than `TextEncoder`). */
export function encodeEvent(event: DomainEvent): Uint8Array {
  return Buffer.from(JSON.stringify(event), "utf8");
}
