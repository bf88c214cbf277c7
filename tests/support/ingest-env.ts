/**
 * Ingest settings shared by the test stacks and benches: the environment variables (strings, as
 * `process.env` holds them) that keep an ingest process from calling any CRM or messenger API.
 */

/**
 * Ingest env with every background CRM call off: no order-items or deal-contacts fetch workers, no
 * amoCRM / KeyCRM catch-up or Radist polling (interval 0), no dictionary refresh or sync on start.
 * Spread it into a stack's env; webhooks are still accepted.
 */
export const INGEST_WITHOUT_CRM_CALLS = {
  ITEMS_WORKER_ENABLED: "false",
  CONTACTS_WORKER_ENABLED: "false",
  AMOCRM_CATCHUP_INTERVAL_SECONDS: "0",
  KEYCRM_CATCHUP_INTERVAL_SECONDS: "0",
  RADIST_POLL_INTERVAL_SECONDS: "0",
  DICTIONARY_REFRESH_INTERVAL_MINUTES: "0",
  DICTIONARY_SYNC_ON_START: "false",
} as const;
