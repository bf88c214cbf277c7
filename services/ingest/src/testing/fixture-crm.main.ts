/**
 * The fake CRM as a process (used by `pnpm start`): env `FIXTURES_DIR` (default
 * `../shared/fixtures` beside the repository), `PORT` (default 3009), `HOST` (default 127.0.0.1).
 * Stops on SIGINT/SIGTERM.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFixtureCrm } from "./fixture-crm.server.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const crm = await startFixtureCrm({
  fixturesDir: resolve(process.env["FIXTURES_DIR"] ?? join(repo, "../shared/fixtures")),
  port: Number(process.env["PORT"] ?? 3009),
  host: process.env["HOST"] ?? "127.0.0.1",
});
process.stdout.write(`${JSON.stringify({ msg: "fixture CRM listening", url: crm.url })}\n`);
const stop = () => {
  crm.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
