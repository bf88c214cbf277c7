/**
 * `@pulse/query/testing` — test builders: accounts with chosen passwords and API token values.
 */
export {
  seedApiToken,
  seedMemberships,
  seedOwnerToken,
  seedUser,
  TEST_OWNER_LOGIN,
  TEST_PASSWORD,
} from "./accounts.fixtures.js";
export { type OpenSseOptions, openSse, type SseReader } from "./sse-reader.js";
