/**
 * `@pulse/ingest/testing` — test and demo support: the fixture-backed fake CRM API and the path of
 * the shared fixture corpus. Not for production code.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export { catalogueMismatches } from "./catalogue-check.js";
export {
  type FakeTelegram,
  startFakeTelegram,
  type TelegramRequest,
  type TelegramScript,
} from "./fake-telegram.server.js";
export {
  type FixtureCrm,
  type FixtureCrmOptions,
  type FixtureCrmRequest,
  startFixtureCrm,
} from "./fixture-crm.server.js";
export { recordingFetch, type SendLog, type SentRequest, shortGaps } from "./send-log.js";

/**
 * The fixture corpus directory: `FIXTURES_DIR` when set, else `../shared/fixtures` beside the
 * repository (the layout of developer machines and CI).
 */
export function defaultFixturesDir(env: NodeJS.ProcessEnv = process.env): string {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
  return resolve(env["FIXTURES_DIR"] ?? join(repo, "../shared/fixtures"));
}
