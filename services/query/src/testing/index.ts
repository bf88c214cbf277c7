/**
 * `@pulse/query/testing` — test builders: accounts with chosen passwords and API token values.
 */
export { seedApiToken, seedMemberships, seedOwnerToken, seedUser } from "./accounts.fixtures.js";
