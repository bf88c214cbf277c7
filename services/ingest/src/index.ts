/**
 * `@pulse/ingest` — receives CRM and chat webhooks, normalises them into domain events and publishes
 * them to JetStream; keeps the project registry and the status dictionaries; enriches orders and
 * leads from the CRM APIs (items, contacts) and polls APIs for what webhooks miss (amoCRM events,
 * Radist.Online chats). Test support (the fake CRM) lives behind `@pulse/ingest/testing`.
 */

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
} from "./cli/cli.commands.js";
export { buildCli, runCli } from "./cli.js";
export {
  AMOCRM_STATUS_EVENT_TYPE,
  type AmocrmEventMapping,
  AmocrmStatusEventItem,
  amocrmEventsPage,
  amocrmStatusEvent,
} from "./crm/amocrm-events.mapper.js";
export {
  type CrmHttpClient,
  CrmHttpError,
  type CrmHttpOptions,
  createCrmHttpClient,
  createProjectCrmHttpClient,
} from "./crm/crm-http.client.js";
export {
  amocrmDealContact,
  amocrmLeadContacts,
  amocrmLeadLossReason,
  contactsDigest,
  type DealContact,
  dealContactsEvent,
  type LeadContactRef,
} from "./crm/deal-contacts.mapper.js";
export {
  amocrmPipelinesToDictionary,
  type DictionaryContent,
  dictionaryDedupKey,
  dictionaryEvent,
  dictionaryFromJson,
  KEYCRM_GROUP_NAMES,
  keycrmStatusesToDictionary,
} from "./crm/dictionary.mapper.js";
export { itemsDigest, keycrmOrderItems, orderItemsEvent } from "./crm/order-items.mapper.js";
export { DEFAULT_PHONE_REGION, PhoneRegionCode, phoneRegionOrDefault } from "./crm/phone-region.js";
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
} from "./crm/radist.mapper.js";
export { buildIngestApp, type IngestAppDeps } from "./http/app.js";
export { IngestConfig } from "./ingest.config.js";
export {
  AMOCRM_EVENTS_POLLER,
  type AmocrmCatchupResult,
  type AmocrmEventsPoller,
  type AmocrmEventsPollerDeps,
  amocrmCatchupEligible,
  createAmocrmEventsPoller,
} from "./pollers/amocrm-events.poller.js";
export {
  createPollerScheduler,
  type PollerScheduler,
  type PollerSchedulerOptions,
} from "./pollers/poller.scheduler.js";
export {
  openPollerCheckpoints,
  PollerCheckpoint,
  type PollerCheckpoints,
  pollersBucketName,
} from "./pollers/poller-checkpoints.store.js";
export {
  createRadistPoller,
  RADIST_CONTACTS_PAGE_LIMIT,
  RADIST_MESSAGES_PAGE_LIMIT,
  RADIST_POLLER,
  type RadistPoller,
  type RadistPollerDeps,
  type RadistPollResult,
  radistEligible,
} from "./pollers/radist.poller.js";
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
} from "./projects/project-registry.js";
export { type PublishOutcome, publishEvents } from "./publishing/event.publisher.js";
export { INGEST_NATS_OPTIONS, type RunningIngest, startIngest } from "./server.js";
export {
  AMOCRM_ENTITY_GROUPS,
  type AmocrmFormLimits,
  amocrmStatusDedupKey,
  DEFAULT_FORM_LIMITS,
  normalizeAmocrmWebhook,
  parseAmocrmForm,
} from "./webhooks/amocrm.normalizer.js";
export type { DeliveryContext, NormalizedDelivery } from "./webhooks/delivery.js";
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
} from "./webhooks/evolution.normalizer.js";
export { evolutionEndpoint, evolutionWebhookPlugin } from "./webhooks/evolution.webhook.js";
export { KEYCRM_STATUS_EVENT, keycrmDedupKey, normalizeKeycrmWebhook } from "./webhooks/keycrm.normalizer.js";
export {
  CONTACTS_WORKER_DURABLE,
  contactsBucketName,
  contactsTrigger,
  createDealContactsWorker,
  type DealContactsWorkerDeps,
  shouldFetchContacts,
} from "./workers/deal-contacts.worker.js";
export {
  createDictionaryWorker,
  type DictionarySyncResult,
  type DictionaryWorker,
  type DictionaryWorkerDeps,
} from "./workers/dictionary.worker.js";
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
} from "./workers/entity-fetch.worker.js";
export {
  createOrderItemsWorker,
  ITEMS_WORKER_DURABLE,
  itemsBucketName,
  itemsTrigger,
  type OrderItemsWorkerDeps,
  shouldFetchItems,
} from "./workers/order-items.worker.js";
