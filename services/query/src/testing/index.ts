/**
 * `@pulse/query/testing` — test builders: accounts with chosen passwords and API token values; the
 * per-interval analytics computation (the oracle the aggregate reads are compared with).
 */

export { statusDurationsFromIntervals } from "../analytics/analytics.intervals.js";
export { statusDurations } from "../analytics/analytics.repository.js";
export { boardKpiFromAggregates, boardKpiFromIntervals, listOrders } from "../orders/orders.repository.js";
export {
  seedApiToken,
  seedMemberships,
  seedOwnerToken,
  seedUser,
  TEST_OWNER_LOGIN,
  TEST_PASSWORD,
} from "./accounts.fixtures.js";
