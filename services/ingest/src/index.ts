/**
 * `@pulse/ingest` — receives CRM and chat webhooks, normalises them into domain events and publishes
 * them to JetStream; keeps the project registry and the status dictionaries; enriches orders and
 * leads from the CRM APIs (items, contacts) and polls APIs for what webhooks miss (amoCRM events,
 * Radist.Online chats). Test support (the fake CRM) lives behind `@pulse/ingest/testing`.
 */

export {
  AMOCRM_ENTITY_GROUPS,
  type AmocrmFormLimits,
  amocrmStatusDedupKey,
  DEFAULT_FORM_LIMITS,
  normalizeAmocrmWebhook,
  parseAmocrmForm,
} from "./amocrm.normalizer.js";
export {
  AMOCRM_STATUS_EVENT_TYPE,
  type AmocrmEventMapping,
  AmocrmStatusEventItem,
  amocrmEventsPage,
  amocrmStatusEvent,
} from "./amocrm-events.mapper.js";
export {
  AMOCRM_EVENTS_POLLER,
  type AmocrmCatchupResult,
  type AmocrmEventsPoller,
  type AmocrmEventsPollerDeps,
  amocrmCatchupEligible,
  createAmocrmEventsPoller,
} from "./amocrm-events.poller.js";
export { buildIngestApp, type IngestAppDeps } from "./app.js";
export {
  type CliContext,
  CliError,
  catchUpAmocrmCommand,
  catchUpRadistCommand,
  type DictionaryImportResult,
  dictionaryImportCommand,
  dictionarySyncCommand,
  KEYCRM_DEFAULT_BASE_URL,
  type ProjectListing,
  type ProjectRegisterOptions,
  type ProjectSetRadistOptions,
  projectListCommand,
  projectRegisterCommand,
  projectSetRadistCommand,
} from "./cli.commands.js";
export { buildCli, runCli } from "./cli.js";
export {
  type CrmHttpClient,
  CrmHttpError,
  type CrmHttpOptions,
  createCrmHttpClient,
  createProjectCrmHttpClient,
} from "./crm-http.client.js";
export {
  amocrmDealContact,
  amocrmLeadContacts,
  contactsDigest,
  type DealContact,
  dealContactsEvent,
  type LeadContactRef,
} from "./deal-contacts.mapper.js";
export {
  CONTACTS_WORKER_DURABLE,
  contactsBucketName,
  contactsTrigger,
  createDealContactsWorker,
  type DealContactsWorkerDeps,
  shouldFetchContacts,
} from "./deal-contacts.worker.js";
export type { DeliveryContext, NormalizedDelivery } from "./delivery.js";
export {
  amocrmPipelinesToDictionary,
  type DictionaryContent,
  dictionaryDedupKey,
  dictionaryEvent,
  dictionaryFromJson,
  KEYCRM_GROUP_NAMES,
  keycrmStatusesToDictionary,
} from "./dictionary.mapper.js";
export {
  createDictionaryWorker,
  type DictionarySyncResult,
  type DictionaryWorker,
  type DictionaryWorkerDeps,
} from "./dictionary.worker.js";
export {
  createEntityFetchWorker,
  type EntityFetchDeps,
  type EntityFetchSpec,
  type EntityFetchTuning,
  type EntityFetchWorker,
  entersNewGroup,
  type FetchOutcome,
  FetchState,
  type FetchTrigger,
  fetchStateKey,
  nextGroup,
  openFetchStateBucket,
  readFetchState,
} from "./entity-fetch.worker.js";
export { type PublishOutcome, publishEvents } from "./event.publisher.js";
export {
  dialogJids,
  EVOLUTION_MESSAGE_EVENTS,
  EVOLUTION_RAW_BODY_LIMIT,
  evolutionDedupKey,
  evolutionMedia,
  evolutionRaw,
  evolutionText,
  type JidKind,
  jidKind,
  normalizeEvolutionWebhook,
} from "./evolution.normalizer.js";
export { evolutionEndpoint, evolutionWebhookPlugin } from "./evolution.webhook.js";
export {
  IngestError,
  type IngestErrorCode,
  NotFoundError,
  PayloadTooLargeError,
  type ProblemDetails,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "./http.errors.js";
export { IngestConfig } from "./ingest.config.js";
export { KEYCRM_STATUS_EVENT, keycrmDedupKey, normalizeKeycrmWebhook } from "./keycrm.normalizer.js";
export { itemsDigest, keycrmOrderItems, orderItemsEvent } from "./order-items.mapper.js";
export {
  createOrderItemsWorker,
  ITEMS_WORKER_DURABLE,
  itemsBucketName,
  itemsTrigger,
  type OrderItemsWorkerDeps,
  shouldFetchItems,
} from "./order-items.worker.js";
export { DEFAULT_PHONE_REGION, PhoneRegionCode, phoneRegionOrDefault } from "./phone-region.js";
export {
  createPollerScheduler,
  type PollerScheduler,
  type PollerSchedulerOptions,
} from "./poller.scheduler.js";
export {
  openPollerCheckpoints,
  PollerCheckpoint,
  type PollerCheckpoints,
  pollersBucketName,
} from "./poller-checkpoints.store.js";
export {
  assertTimeZone,
  fingerprint,
  openProjectRegistry,
  openProjectsBucket,
  type ProjectEntry,
  ProjectRecord,
  type ProjectRegistry,
  projectPhoneRegion,
  projectRegisteredEvent,
  projectsBucketName,
  putProject,
  RADIST_DEFAULT_BASE_URL,
  RadistSettings,
  type RegisterProjectInput,
  readProjects,
  registerProject,
  setProjectRadist,
  sha256Hex,
  staticProjectRegistry,
} from "./project-registry.js";
export {
  RadistChat,
  type RadistChatToRead,
  RadistContact,
  RadistContactsPage,
  type RadistMapping,
  RadistMessage,
  RadistSources,
  radistChatsToRead,
  radistDedupKey,
  radistMessageEvent,
  radistTime,
  radistWhatsappConnections,
} from "./radist.mapper.js";
export {
  createRadistPoller,
  RADIST_CONTACTS_PAGE_LIMIT,
  RADIST_MESSAGES_PAGE_LIMIT,
  RADIST_POLLER,
  type RadistPoller,
  type RadistPollerDeps,
  type RadistPollResult,
  radistEligible,
} from "./radist.poller.js";
export { INGEST_NATS_OPTIONS, type RunningIngest, startIngest } from "./server.js";
