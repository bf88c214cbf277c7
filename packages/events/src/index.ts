/**
 * `@pulse/events` — the event catalogue: schemas, types, subjects, stream plans and upcasting.
 * This is the contract between ingest, projector, analyst and query.
 */
export {
  type DecodeResult,
  type DomainEventType,
  type EventOfType,
  DomainEvent,
  decodeEvent,
  encodeEvent,
} from "./catalogue.js";
export {
  DictionaryGroup,
  DictionaryStatus,
  DictionaryStatusesSynced,
} from "./dictionary.events.js";
export { defineEvent, EnvelopeBase, RawDelivery } from "./envelope.js";
export { OrderUpdatedNotice } from "./notices.js";
export {
  DealCreated,
  DealDeleted,
  DealUpdated,
  LeadSnapshot,
  OrderStatusChanged,
} from "./order.events.js";
export { CrmId, CrmKind, EventSource, IsoInstant, ProjectId, toIsoInstant } from "./primitives.js";
export { ProjectRegistered, TimeZoneName } from "./project.events.js";
export { WebhookReceipt, WebhookSource } from "./receipts.js";
export { type StreamPlan, streamPlans } from "./streams.js";
export {
  aggregateOf,
  dictionaryRefreshSubject,
  eventSubject,
  eventsWildcard,
  orderUpdatesSubject,
  receiptSubject,
  receiptsWildcard,
  type SubjectRoot,
  updatesWildcard,
} from "./subjects.js";
