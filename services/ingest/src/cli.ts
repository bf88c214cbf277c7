/**
 * `pnpm cli …` — the admin CLI (commander). Uses the ingest env config (`NATS_URL`,
 * `EVENTS_STREAM`, `SUBJECT_ROOT`, …). Exits 0 on success, 1 with `error: …` on stderr otherwise.
 *
 *   project register --id ID --name NAME --kind keycrm|amocrm [--time-zone TZ] \
 *     (--webhook-secret S | --webhook-secret-env VAR) [--base-url URL] [--token T | --token-env VAR] \
 *     [--phone-region CC] [--inactive]
 *   project set-radist --project ID --company-id N (--api-key K | --api-key-env VAR) \
 *     [--connection-id N …] [--base-url URL] | --project ID --clear
 *   project list
 *   dictionary sync --project ID
 *   dictionary import --project ID --file PATH
 *   catch-up amocrm --project ID [--since ISO]
 *   catch-up radist --project ID [--since ISO]
 *   catch-up keycrm --project ID [--since ISO|date]
 *   project register … --import-since ISO|date   (register, then import: catch-up keycrm|amocrm)
 *   secrets rotate
 *   user create --login L [--owner] [--display-name N] [--password-file F | --password-env VAR] \
 *     [--member project:admin|viewer …] [--api-token-env VAR] [--if-absent]
 *     (uses DATABASE_URL; prompts without a password option)
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  connectNats,
  createDb,
  createLogger,
  ensureDatabase,
  ensureStreams,
  loadConfig,
  migrate,
} from "@pulse/infra";
import { Command, CommanderError, Option } from "commander";
import {
  type CliContext,
  CliError,
  catchUpAmocrmCommand,
  catchUpKeycrmCommand,
  catchUpRadistCommand,
  dictionaryImportCommand,
  dictionarySyncCommand,
  type ProjectSetRadistOptions,
  projectListCommand,
  projectRegisterCommand,
  projectSetRadistCommand,
  secretsRotateCommand,
} from "./cli/cli.commands.js";
import { type UserCliContext, type UserCreateOptions, userCreateCommand } from "./cli/user.commands.js";
import { IngestConfig } from "./ingest.config.js";
import { type SecretsKeyring, secretsKeyringFromEnv } from "./projects/secrets.js";

/** Runs a user command with a {@link UserCliContext} (a migrated database) and cleans up after it. */
export type WithUserContext = <T>(run: (ctx: UserCliContext) => Promise<T>) => Promise<T>;

/**
 * Builds the commander program. `withContext` provides a connected {@link CliContext} to a command
 * and cleans up after it; `withUsers` does the same for the account commands (tests can pass their
 * own; without it the account commands fail).
 */
export function buildCli(
  withContext: <T>(run: (ctx: CliContext) => Promise<T>) => Promise<T>,
  withUsers?: WithUserContext,
): Command {
  const program = new Command("pulse").description("Pulse admin CLI").exitOverride().showHelpAfterError();
  const project = program.command("project").description("manage projects (tenants)");
  project
    .command("register")
    .description("register or update a project (writes the KV registry, publishes project.registered)")
    .requiredOption("--id <id>", "project id ([a-z0-9][a-z0-9_-]*)")
    .requiredOption("--name <name>", "display name")
    .addOption(new Option("--kind <kind>", "CRM kind").choices(["keycrm", "amocrm"]).makeOptionMandatory())
    .option("--time-zone <tz>", "IANA time zone or ±hh:mm", "UTC")
    .option("--webhook-secret <secret>", "webhook secret (prefer --webhook-secret-env)")
    .option("--webhook-secret-env <var>", "read the webhook secret from this environment variable")
    .option("--base-url <url>", "CRM API base URL (KeyCRM default https://openapi.keycrm.app/v1)")
    .option("--token <token>", "CRM API token (prefer --token-env)")
    .option("--token-env <var>", "read the CRM API token from this environment variable")
    .option(
      "--phone-region <cc>",
      "region of nationally written phones, ISO 3166-1 alpha-2 (KZ, UA); unset = KZ",
    )
    .option("--inactive", "register the project as inactive (its webhooks get 401)")
    .option(
      "--import-since <iso>",
      "then import the orders updated since this time or date (KeyCRM order list; amoCRM events API)",
    )
    .action(async (opts) => {
      await withContext((ctx) => projectRegisterCommand(ctx, opts));
    });
  project
    .command("set-radist")
    .description("set (or --clear) the Radist.Online access of a project; its WhatsApp chats are then polled")
    .requiredOption("--project <id>", "project id")
    .option("--company-id <n>", "Radist company id")
    .option("--api-key <key>", "Radist API key (prefer --api-key-env)")
    .option("--api-key-env <var>", "read the Radist API key from this environment variable")
    .option(
      "--connection-id <n...>",
      "WhatsApp connection id(s) whose chats are read (default: every WhatsApp source)",
    )
    .option("--base-url <url>", "Radist API root (default https://api.radist.online/v2)")
    .option("--clear", "remove the Radist settings")
    .action(async (opts: ProjectSetRadistOptions) => {
      await withContext((ctx) => projectSetRadistCommand(ctx, opts));
    });
  project
    .command("list")
    .description("list projects (fingerprints only, never secrets)")
    .action(async () => {
      await withContext((ctx) => projectListCommand(ctx));
    });
  const dictionary = program.command("dictionary").description("status dictionaries");
  dictionary
    .command("sync")
    .description("read the status dictionary from the project's CRM API and publish it")
    .requiredOption("--project <id>", "project id")
    .action(async (opts: { project: string }) => {
      await withContext((ctx) => dictionarySyncCommand(ctx, opts));
    });
  dictionary
    .command("import")
    .description("publish a status dictionary from a file (KeyCRM statuses array/page or amoCRM pipelines)")
    .requiredOption("--project <id>", "project id")
    .requiredOption("--file <path>", "JSON file")
    .action(async (opts: { project: string; file: string }) => {
      await withContext((ctx) => dictionaryImportCommand(ctx, opts));
    });
  const catchUp = program.command("catch-up").description("read missed events from CRM/chat APIs once");
  catchUp
    .command("amocrm")
    .description("publish lead status changes from the amoCRM events API (webhook duplicates are dropped)")
    .requiredOption("--project <id>", "project id")
    .option("--since <iso>", "window start (default: last run − AMOCRM_CATCHUP_LOOKBACK_HOURS)")
    .action(async (opts: { project: string; since?: string }) => {
      await withContext((ctx) => catchUpAmocrmCommand(ctx, opts));
    });
  catchUp
    .command("radist")
    .description("publish the WhatsApp messages of the project's Radist.Online chats")
    .requiredOption("--project <id>", "project id")
    .option("--since <iso>", "window start (default: last run − RADIST_LOOKBACK_HOURS)")
    .action(async (opts: { project: string; since?: string }) => {
      await withContext((ctx) => catchUpRadistCommand(ctx, opts));
    });
  catchUp
    .command("keycrm")
    .description(
      "import the current status of the orders updated since --since from the KeyCRM order list (webhook duplicates are dropped)",
    )
    .requiredOption("--project <id>", "project id")
    .option(
      "--since <iso>",
      "window start, a time or a date (default: last run − KEYCRM_CATCHUP_LOOKBACK_HOURS)",
    )
    .action(async (opts: { project: string; since?: string }) => {
      await withContext((ctx) => catchUpKeycrmCommand(ctx, opts));
    });
  const secrets = program.command("secrets").description("secrets at rest in the project registry");
  secrets
    .command("rotate")
    .description("re-encrypt every project record with SECRETS_KEY (SECRETS_KEY_PREVIOUS still decrypts)")
    .action(async () => {
      await withContext((ctx) => secretsRotateCommand(ctx));
    });
  const user = program.command("user").description("accounts of the query API (users, owner)");
  user
    .command("create")
    .description("create a user; --owner makes the instance owner (the first account)")
    .requiredOption("--login <login>", "login name")
    .option("--display-name <name>", "display name (default: the login)")
    .option("--owner", "the instance owner: manages users and every project")
    .option("--password-file <path>", "read the password from the first line of this file")
    .option("--password-env <var>", "read the password from this environment variable")
    .option("--member <project:role...>", "project roles, e.g. shop-kyiv:admin shop-lviv:viewer")
    .option(
      "--api-token-env <var>",
      "also store this variable's value (e.g. ADMIN_TOKEN) as an admin API token",
    )
    .option("--if-absent", "when the login exists, change nothing and exit 0 (bootstrap on every start)")
    .action(async (opts: UserCreateOptions) => {
      if (withUsers === undefined) throw new CliError("account commands are not available here");
      await withUsers((ctx) => userCreateCommand(ctx, opts));
    });
  return program;
}

/**
 * Runs the CLI on `argv` (without the node/script prefix) against the environment `env`.
 * @returns the process exit code (0 ok, 1 error); messages go to stdout/stderr.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const withContext = async <T>(run: (ctx: CliContext) => Promise<T>): Promise<T> => {
    let config: IngestConfig;
    try {
      config = loadConfig(IngestConfig, env);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const logger = createLogger("cli", env["LOG_LEVEL"] ?? "warn");
    let keyring: SecretsKeyring;
    try {
      keyring = secretsKeyringFromEnv({ ...config, NODE_ENV: env["NODE_ENV"] });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    if (keyring.source === "development")
      logger.warn(
        "SECRETS_KEY is not set: project secrets use the fixed development key (set it in production)",
      );
    let nats: Awaited<ReturnType<typeof connectNats>>;
    try {
      nats = await connectNats(config.NATS_URL, "pulse-cli");
    } catch (error) {
      throw new CliError(`cannot connect to NATS at ${config.NATS_URL}: ${(error as Error).message}`);
    }
    try {
      await ensureStreams(nats.jsm, config.EVENTS_STREAM, config.SUBJECT_ROOT);
      return await run({
        nats,
        config,
        logger,
        env,
        keyring,
        isTTY: process.stdout.isTTY === true,
        out: (line) => process.stdout.write(`${line}\n`),
      });
    } finally {
      await nats.nc.drain().catch(() => undefined);
    }
  };
  const withUsers: WithUserContext = async (run) => {
    let config: IngestConfig;
    try {
      config = loadConfig(IngestConfig, env);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    try {
      await ensureDatabase(config.DATABASE_URL);
    } catch (error) {
      throw new CliError(`cannot reach the database: ${(error as Error).message}`);
    }
    const db = createDb(config.DATABASE_URL, 2);
    try {
      try {
        await migrate(db);
      } catch (error) {
        throw new CliError(`cannot prepare the database: ${(error as Error).message}`);
      }
      return await run({ db, env, out: (line) => process.stdout.write(`${line}\n`) });
    } finally {
      await db.destroy();
    }
  };
  try {
    await buildCli(withContext, withUsers).parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
