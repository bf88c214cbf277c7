/**
 * `@pulse/ingest` — receives CRM webhooks, normalises them into domain events and publishes them to
 * JetStream; keeps the project registry and the status dictionaries. Test support (the fake CRM)
 * lives behind `@pulse/ingest/testing`.
 */
export {
  AMOCRM_ENTITY_GROUPS,
  type AmocrmFormLimits,
  DEFAULT_FORM_LIMITS,
  normalizeAmocrmWebhook,
  parseAmocrmForm,
} from "./amocrm.normalizer.js";
export { buildIngestApp, type IngestAppDeps } from "./app.js";
export {
  type CliContext,
  CliError,
  type DictionaryImportResult,
  dictionaryImportCommand,
  dictionarySyncCommand,
  KEYCRM_DEFAULT_BASE_URL,
  type ProjectListing,
  type ProjectRegisterOptions,
  projectListCommand,
  projectRegisterCommand,
} from "./cli.commands.js";
export { buildCli, runCli } from "./cli.js";
export {
  type CrmHttpClient,
  CrmHttpError,
  type CrmHttpOptions,
  createCrmHttpClient,
} from "./crm-http.client.js";
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
export { type PublishOutcome, publishEvents } from "./event.publisher.js";
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
export {
  assertTimeZone,
  fingerprint,
  openProjectRegistry,
  openProjectsBucket,
  type ProjectEntry,
  ProjectRecord,
  type ProjectRegistry,
  projectRegisteredEvent,
  projectsBucketName,
  putProject,
  type RegisterProjectInput,
  readProjects,
  registerProject,
  sha256Hex,
  staticProjectRegistry,
} from "./project-registry.js";
export { type RunningIngest, startIngest } from "./server.js";
