/**
 * `@pulse/events` — the event catalogue: schemas, types, subjects, stream plans and upcasting.
 * This is the contract between ingest, projector, analyst and query.
 */
export { DialogFailed, DialogScored } from "./analysis.events.js";
export {
  type DecodeResult,
  DomainEvent,
  type DomainEventType,
  decodeEvent,
  type EventOfType,
  encodeEvent,
} from "./catalogue.js";
export { ChatMessageReceived, ChatSource, DealContactsLinked } from "./chat.events.js";
export {
  DictionaryGroup,
  DictionaryStatus,
  DictionaryStatusesSynced,
  DictionaryUser,
  DictionaryUsersSynced,
} from "./dictionary.events.js";
export { defineEvent, EnvelopeBase, RawDelivery, WebhookDelivery } from "./envelope.js";
export {
  canonicalInstantMs,
  daysInMonth,
  type InstantDialect,
  InstantParseError,
  type InstantRejection,
  isCanonicalInstant,
  type ParsedInstant,
  parseInstant,
  utcMs,
  YEAR_ONE_MS,
} from "./instant.js";
export {
  ApiHealth,
  apiHealthKey,
  healthBucketName,
  IntegrationApi,
  IntegrationError,
  NotificationStats,
  NotificationTestReply,
  NotificationTestRequest,
  notificationStatsKey,
  notificationTestSubject,
} from "./integrations.js";
export { OrderItem, OrderItemsFetched } from "./items.events.js";
export { OrderUpdatedNotice, SaleNotice } from "./notices.js";
export {
  DealCreated,
  DealDeleted,
  DealUpdated,
  LeadSnapshot,
  OrderStatusChanged,
} from "./order.events.js";
export { CrmId, CrmKind, EventSource, IsoInstant, ProjectId, toIsoInstant } from "./primitives.js";
export { ProjectRegistered, TimeZoneName } from "./project.events.js";
export {
  isKnownTimeZone,
  PROJECT_COMMAND_TIMEOUT_MS,
  PROJECT_COMMANDS_QUEUE,
  ProjectCommandDone,
  ProjectCommandRefused,
  ProjectCommandReply,
  ProjectPatch,
  ProjectShowRequest,
  ProjectUpdateRequest,
  ProjectView,
  projectCommandsWildcard,
  projectShowSubject,
  projectUpdateSubject,
  TelegramPatch,
} from "./project-commands.js";
export {
  DELIVERY_OUTCOMES,
  DeliveryOutcome,
  MAX_RECEIPTS_PER_MESSAGE,
  ReceiptsMessage,
  receiptsOf,
  WEBHOOK_STATS_COUNTERS,
  WebhookReceipt,
  WebhookReceiptBatch,
  WebhookSource,
  type WebhookStatsCounter,
} from "./receipts.js";
export {
  AdTeamSettings,
  AdTeamsChanged,
  CycleRulesChanged,
  OrderOverridesChanged,
  PipelineProduct,
  PipelineProductsChanged,
  QualifiedStagesChanged,
  ShiftSettingsChanged,
  SlaChanged,
  UrgentRulesChanged,
  UtmFieldsChanged,
  UtmKey,
  WorkingCalendarSettings,
  WorkingHoursChanged,
} from "./settings.events.js";
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
  saleUpdatesSubject,
  subjectToken,
  updatesWildcard,
} from "./subjects.js";
