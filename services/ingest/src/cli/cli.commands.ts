/**
 * The admin CLI commands as plain async functions (tests call them directly; `cli.ts` wires them to
 * commander). They print through `ctx.out`, never print a secret, and throw {@link CliError} with a
 * message meant for the operator.
 */
import { readFile } from "node:fs/promises";
import { CrmKind, encodeEvent, eventSubject, ProjectId } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import { SingleBar } from "cli-progress";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { createProjectCrmHttpClient } from "../crm/crm-http.client.js";
import { dictionaryEvent, dictionaryFromJson } from "../crm/dictionary.mapper.js";
import { DEFAULT_PHONE_REGION, PhoneRegionCode } from "../crm/phone-region.js";
import type { IngestConfig } from "../ingest.config.js";
import { type AmocrmCatchupResult, createAmocrmEventsPoller } from "../pollers/amocrm-events.poller.js";
import {
  createKeycrmOrdersPoller,
  type KeycrmCatchupProgress,
  type KeycrmCatchupResult,
} from "../pollers/keycrm-orders.poller.js";
import { openPollerCheckpoints } from "../pollers/poller-checkpoints.store.js";
import { createRadistPoller, type RadistPollResult } from "../pollers/radist.poller.js";
import {
  assertTimeZone,
  fingerprint,
  openProjectsBucket,
  type ProjectRecord,
  RADIST_DEFAULT_BASE_URL,
  RadistSettings,
  readProjects,
  registerProject,
  setProjectRadist,
  staticProjectRegistry,
} from "../projects/project-registry.js";
import type { SecretsKeyring } from "../projects/secrets.js";
import { rotateProjectSecrets, type SecretsRotationResult } from "../projects/secrets-rotation.js";
import { createDictionaryWorker, type DictionarySyncResult } from "../workers/dictionary.worker.js";

/** An operator error: the CLI prints its message and exits with status 1. */
export class CliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
  }
}

/**
 * What every command needs: a NATS connection, the ingest config (stream/subject names, CRM limits),
 * a logger, the environment (for `--…-env VAR` options), an output line sink, a clock and ids.
 */
export interface CliContext {
  nats: Nats;
  config: IngestConfig;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  clock?: () => Date;
  newId?: () => string;
  fetch?: typeof fetch;
  /** The keys of the registry's secrets (default: the process keyring from `SECRETS_KEY`). */
  keyring?: SecretsKeyring;
  /** Draw progress bars (stdout is a terminal); otherwise progress goes out as plain lines. */
  isTTY?: boolean;
}

/** KeyCRM's Open API root, the default `--base-url` of a KeyCRM project (formats/keycrm.md §5). */
export const KEYCRM_DEFAULT_BASE_URL = "https://openapi.keycrm.app/v1";

/** Options of `project register` (commander names). */
export interface ProjectRegisterOptions {
  id: string;
  name: string;
  kind: string;
  timeZone?: string;
  webhookSecret?: string;
  webhookSecretEnv?: string;
  baseUrl?: string;
  token?: string;
  tokenEnv?: string;
  inactive?: boolean;
  phoneRegion?: string;
  /** After registering, import the orders updated since then (`catch-up keycrm|amocrm --since`). */
  importSince?: string;
}

const ids = monotonicFactory();

function secretFrom(
  ctx: CliContext,
  value: string | undefined,
  envName: string | undefined,
  what: string,
): string | undefined {
  if (value !== undefined && envName !== undefined)
    throw new CliError(`give either --${what} or --${what}-env, not both`);
  if (envName !== undefined) {
    const v = ctx.env[envName];
    if (v === undefined || v.length === 0)
      throw new CliError(`environment variable ${envName} (--${what}-env) is not set`);
    return v;
  }
  return value;
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ");
}

/**
 * `project register`: validates the options, writes the project (with the secret's SHA-256 and the
 * token) to the KV registry and publishes `project.registered` (fingerprints only). A KeyCRM project
 * without `--base-url` gets {@link KEYCRM_DEFAULT_BASE_URL}. `--phone-region` (ISO 3166-1 alpha-2,
 * e.g. `KZ`, `UA`) sets how national phone formats are read; without it a re-registered project
 * keeps its region and a new one has none (read as `KZ`). Radist settings of an existing project
 * are kept (`project set-radist` manages them). Prints one line with fingerprints.
 * @throws CliError for a bad id, kind, URL, time zone or phone region, a missing/short secret, or
 *   both a value and an `-env` option.
 */
export async function projectRegisterCommand(
  ctx: CliContext,
  opts: ProjectRegisterOptions,
): Promise<ProjectRecord> {
  const id = ProjectId.safeParse(opts.id);
  if (!id.success)
    throw new CliError(`invalid --id "${opts.id}": lowercase letters, digits, - and _ (max 63)`);
  const kind = CrmKind.safeParse(opts.kind);
  if (!kind.success) throw new CliError(`invalid --kind "${opts.kind}": keycrm or amocrm`);
  const timeZone = opts.timeZone ?? "UTC";
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new CliError(`invalid --time-zone "${timeZone}": an IANA name (Europe/Kyiv) or ±hh:mm`);
  }
  const secret = secretFrom(ctx, opts.webhookSecret, opts.webhookSecretEnv, "webhook-secret");
  if (secret === undefined)
    throw new CliError("a webhook secret is required: --webhook-secret or --webhook-secret-env VAR");
  if (secret.length < 8) throw new CliError("the webhook secret must be at least 8 characters");
  const token = secretFrom(ctx, opts.token, opts.tokenEnv, "token") ?? null;
  if (opts.phoneRegion !== undefined && !PhoneRegionCode.safeParse(opts.phoneRegion).success)
    throw new CliError(
      `invalid --phone-region "${opts.phoneRegion}": an ISO 3166-1 alpha-2 region such as KZ or UA`,
    );
  const importSince = sinceOption(opts.importSince, "--import-since");
  const existing = (
    await readProjects(await openProjectsBucket(ctx.nats.js, ctx.config.EVENTS_STREAM), ctx.keyring)
  ).projects.find((p) => p.project_id === id.data);
  const baseUrl = opts.baseUrl ?? (kind.data === "keycrm" ? KEYCRM_DEFAULT_BASE_URL : null);
  if (baseUrl !== null && !z.url({ protocol: /^https?$/ }).safeParse(baseUrl).success) {
    throw new CliError(`invalid --base-url "${baseUrl}": an http(s) URL`);
  }
  const clock = ctx.clock ?? (() => new Date());
  try {
    const { record, event, ack } = await registerProject(
      {
        js: ctx.nats.js,
        eventsStream: ctx.config.EVENTS_STREAM,
        scheme: { root: ctx.config.SUBJECT_ROOT },
        now: clock(),
        newId: ctx.newId ?? (() => ids()),
        ...(ctx.keyring ? { keyring: ctx.keyring } : {}),
      },
      {
        project_id: id.data,
        name: opts.name,
        kind: kind.data,
        base_url: baseUrl,
        time_zone: timeZone,
        active: !opts.inactive,
        webhook_secret: secret,
        api_token: token,
        phone_region: opts.phoneRegion ?? existing?.phone_region,
        radist: existing?.radist,
      },
    );
    ctx.out(
      `registered project ${record.project_id} (${record.kind}, ${record.active ? "active" : "inactive"}, ${record.time_zone}, phones ${record.phone_region ?? `${DEFAULT_PHONE_REGION} (default)`})` +
        ` secret ${event.data.webhook_secret_fingerprint}… token ${event.data.token_fingerprint ?? "none"}${ack.duplicate && existing?.phone_region === record.phone_region ? " (unchanged)" : ""}`,
    );
    if (importSince !== undefined) {
      const since = importSince.toISOString();
      if (record.kind === "keycrm") await catchUpKeycrmCommand(ctx, { project: record.project_id, since });
      else await catchUpAmocrmCommand(ctx, { project: record.project_id, since });
    }
    return record;
  } catch (error) {
    if (error instanceof z.ZodError) throw new CliError(`invalid project: ${zodMessage(error)}`);
    throw error;
  }
}

/** One line of `project list`: public fields and fingerprints, never secrets. */
export interface ProjectListing {
  project_id: string;
  name: string;
  kind: CrmKind;
  active: boolean;
  time_zone: string;
  base_url: string | null;
  webhook_secret_fingerprint: string;
  token_fingerprint: string | null;
  /** The stored phone region, or null (read as `KZ`). */
  phone_region: string | null;
  /** Radist settings without the key: company, connections, base URL, key fingerprint; null when none. */
  radist: {
    company_id: number;
    connection_ids: number[];
    base_url: string;
    api_key_fingerprint: string;
  } | null;
}

/**
 * `project list`: prints every registered project (tab-separated; `KZ*` = the default phone region)
 * and returns the listings. Secrets appear as fingerprints only.
 */
export async function projectListCommand(ctx: CliContext): Promise<ProjectListing[]> {
  const kv = await openProjectsBucket(ctx.nats.js, ctx.config.EVENTS_STREAM);
  const { projects, invalid } = await readProjects(kv, ctx.keyring);
  const listings = projects.map((p) => ({
    project_id: p.project_id,
    name: p.name,
    kind: p.kind,
    active: p.active,
    time_zone: p.time_zone,
    base_url: p.base_url,
    webhook_secret_fingerprint: p.webhook_secret_sha256.slice(0, 12),
    token_fingerprint: p.api_token === null ? null : fingerprint(p.api_token),
    phone_region: p.phone_region ?? null,
    radist: p.radist
      ? {
          company_id: p.radist.company_id,
          connection_ids: p.radist.connection_ids,
          base_url: p.radist.base_url,
          api_key_fingerprint: fingerprint(p.radist.api_key),
        }
      : null,
  }));
  ctx.out(
    ["id", "kind", "active", "time_zone", "base_url", "secret", "token", "phones", "radist", "name"].join(
      "\t",
    ),
  );
  for (const l of listings) {
    ctx.out(
      [
        l.project_id,
        l.kind,
        l.active ? "yes" : "no",
        l.time_zone,
        l.base_url ?? "-",
        `${l.webhook_secret_fingerprint}…`,
        l.token_fingerprint ? `${l.token_fingerprint}…` : "-",
        l.phone_region ?? `${DEFAULT_PHONE_REGION}*`,
        l.radist
          ? `${l.radist.company_id}/${l.radist.connection_ids.join(",") || "whatsapp"} key ${l.radist.api_key_fingerprint}…`
          : "-",
        l.name,
      ].join("\t"),
    );
  }
  for (const key of invalid) ctx.out(`(invalid record under key ${key})`);
  return listings;
}

async function projectRecord(ctx: CliContext, projectId: string): Promise<ProjectRecord> {
  const kv = await openProjectsBucket(ctx.nats.js, ctx.config.EVENTS_STREAM);
  const { projects } = await readProjects(kv, ctx.keyring);
  const record = projects.find((p) => p.project_id === projectId);
  if (!record) throw new CliError(`unknown project "${projectId}" (register it first: project register)`);
  return record;
}

/**
 * `dictionary sync --project ID`: reads the project's status dictionary from its CRM API (same
 * limits as the worker: 1 request/s, retries on 429/5xx) and publishes `dictionary.statuses_synced`
 * (and, for amoCRM, `dictionary.users_synced`).
 * @throws CliError for an unknown project or one without base URL/token, or when the CRM fails.
 */
export async function dictionarySyncCommand(
  ctx: CliContext,
  opts: { project: string },
): Promise<DictionarySyncResult> {
  const record = await projectRecord(ctx, opts.project);
  if (record.base_url === null || record.api_token === null) {
    throw new CliError(`project ${record.project_id} has no --base-url or --token: cannot call its CRM API`);
  }
  const worker = createDictionaryWorker({
    nats: ctx.nats,
    config: ctx.config,
    logger: ctx.logger,
    registry: staticProjectRegistry([record]),
    ...(ctx.clock ? { clock: ctx.clock } : {}),
    ...(ctx.newId ? { newId: ctx.newId } : {}),
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
  try {
    const result = await worker.syncNow(record.project_id, "manual");
    ctx.out(
      `synced ${result.statuses} statuses in ${result.groups} groups for ${record.project_id}${result.duplicate ? " (unchanged)" : ""}`,
    );
    if (result.users) {
      ctx.out(`synced ${result.users.count} users${result.users.duplicate ? " (unchanged)" : ""}`);
    }
    return result;
  } catch (error) {
    throw new CliError(`dictionary sync of ${record.project_id} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await worker.close();
  }
}

/** Result of `dictionary import`. */
export interface DictionaryImportResult {
  statuses: number;
  groups: number;
  dedupKey: string;
  duplicate: boolean;
}

/**
 * `dictionary import --project ID --file PATH`: reads a KeyCRM status array (`statuses.json`), a
 * KeyCRM page object or an amoCRM pipelines response, checks it matches the project's CRM kind and
 * publishes `dictionary.statuses_synced` (origin `file`, reason `manual`).
 * @throws CliError for an unknown project, an unreadable/non-JSON file, an unknown shape, or a
 *   dictionary of the other CRM kind.
 */
export async function dictionaryImportCommand(
  ctx: CliContext,
  opts: { project: string; file: string },
): Promise<DictionaryImportResult> {
  const record = await projectRecord(ctx, opts.project);
  let text: string;
  try {
    text = await readFile(opts.file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${opts.file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${opts.file} is not JSON`);
  }
  let content: ReturnType<typeof dictionaryFromJson>;
  try {
    content = dictionaryFromJson(json);
  } catch (error) {
    throw new CliError(`${opts.file}: ${(error as Error).message}`);
  }
  if (content.kind !== record.kind) {
    throw new CliError(
      `${opts.file} holds a dictionary of kind ${content.kind}, but project ${record.project_id} is ${record.kind}`,
    );
  }
  const clock = ctx.clock ?? (() => new Date());
  const event = dictionaryEvent(record.project_id, content, {
    origin: "file",
    reason: "manual",
    now: clock(),
    id: (ctx.newId ?? (() => ids()))(),
  });
  const ack = await ctx.nats.js.publish(
    eventSubject({ root: ctx.config.SUBJECT_ROOT }, event),
    encodeEvent(event),
    {
      msgID: event.dedup_key,
    },
  );
  ctx.out(
    `imported ${content.statuses.length} statuses in ${content.groups.length} groups for ${record.project_id}${ack.duplicate ? " (unchanged)" : ""}`,
  );
  return {
    statuses: content.statuses.length,
    groups: content.groups.length,
    dedupKey: event.dedup_key,
    duplicate: ack.duplicate,
  };
}

/** Options of `project set-radist` (commander names). */
export interface ProjectSetRadistOptions {
  project: string;
  companyId?: string;
  apiKey?: string;
  apiKeyEnv?: string;
  connectionId?: string[];
  baseUrl?: string;
  clear?: boolean;
}

/**
 * `project set-radist --project ID --company-id N (--api-key K | --api-key-env VAR)
 * [--connection-id N …] [--base-url URL]` stores the project's Radist.Online access in the KV registry
 * (the key in clear, as CRM tokens are: it must be sent; never printed — a fingerprint is);
 * `--clear` removes it. Without `--connection-id` the poller reads every WhatsApp source of the
 * company. Nothing is published. Ingest picks the change up through its registry watch.
 * @throws CliError for an unknown project, a bad company or connection id or URL, a missing key.
 */
export async function projectSetRadistCommand(
  ctx: CliContext,
  opts: ProjectSetRadistOptions,
): Promise<ProjectRecord> {
  try {
    if (opts.clear) {
      const record = await setProjectRadist(
        ctx.nats.js,
        ctx.config.EVENTS_STREAM,
        opts.project,
        null,
        ctx.keyring,
      );
      ctx.out(`removed the Radist settings of ${record.project_id}`);
      return record;
    }
    const key = secretFrom(ctx, opts.apiKey, opts.apiKeyEnv, "api-key");
    if (key === undefined) throw new CliError("a Radist API key is required: --api-key or --api-key-env VAR");
    const settings = RadistSettings.safeParse({
      base_url: opts.baseUrl ?? RADIST_DEFAULT_BASE_URL,
      company_id: Number(opts.companyId),
      api_key: key,
      connection_ids: (opts.connectionId ?? []).map(Number),
    });
    if (!settings.success) throw new CliError(`invalid Radist settings: ${zodMessage(settings.error)}`);
    const record = await setProjectRadist(
      ctx.nats.js,
      ctx.config.EVENTS_STREAM,
      opts.project,
      settings.data,
      ctx.keyring,
    );
    ctx.out(
      `set Radist for ${record.project_id}: company ${settings.data.company_id}, connections ${settings.data.connection_ids.join(",") || "all WhatsApp sources"}, key ${fingerprint(key)}…`,
    );
    return record;
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof z.ZodError) throw new CliError(`invalid project: ${zodMessage(error)}`);
    throw new CliError((error as Error).message, { cause: error });
  }
}

function sinceOption(since: string | undefined, flag = "--since"): Date | undefined {
  if (since === undefined) return undefined;
  const at = Date.parse(since);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(since))
    throw new CliError(
      `invalid ${flag} "${since}": an ISO-8601 time such as 2026-10-01T00:00:00Z or a date (UTC midnight)`,
    );
  return new Date(at);
}

/**
 * What a one-off CLI catch-up poller of `record` runs on: the context's NATS, config, logger, clock
 * and id source, a registry holding only `record`, a CRM HTTP client of its kind and the stream's
 * poller checkpoints (so a CLI run moves the same checkpoint the service's scheduled runs do).
 * @throws when the poller checkpoints bucket cannot be opened.
 */
async function catchUpPollerDeps(ctx: CliContext, record: ProjectRecord) {
  return {
    nats: ctx.nats,
    config: ctx.config,
    logger: ctx.logger,
    registry: staticProjectRegistry([record]),
    http: createProjectCrmHttpClient(ctx.config, () => record.kind, ctx.logger, ctx.fetch),
    checkpoints: await openPollerCheckpoints(ctx.nats.js, ctx.config.EVENTS_STREAM),
    ...(ctx.clock ? { clock: ctx.clock } : {}),
    newId: ctx.newId ?? (() => ids()),
  };
}

/**
 * `catch-up amocrm --project ID [--since ISO]`: runs the amoCRM events-API catch-up of one project
 * once (window from `--since`, else the last run's start − `AMOCRM_CATCHUP_LOOKBACK_HOURS`) and
 * prints how many status changes were new and how many the stream already had (they came by
 * webhook). Moves the project's catch-up checkpoint.
 * @throws CliError for an unknown project, one that is not amoCRM with base URL and token, a bad
 *   `--since`, or when the API or JetStream fails.
 */
export async function catchUpAmocrmCommand(
  ctx: CliContext,
  opts: { project: string; since?: string },
): Promise<AmocrmCatchupResult> {
  const since = sinceOption(opts.since);
  const record = await projectRecord(ctx, opts.project);
  if (record.kind !== "amocrm" || record.base_url === null || record.api_token === null)
    throw new CliError(`project ${record.project_id} is not an amoCRM project with --base-url and --token`);
  const poller = createAmocrmEventsPoller(await catchUpPollerDeps(ctx, record));
  try {
    const r = await poller.runOnce(record.project_id, since ? { since } : {});
    ctx.out(
      `caught up ${record.project_id} from ${r.from}: ${r.items} status changes in ${r.pages} pages, ${r.published} new, ${r.duplicates} already stored, ${r.skipped} skipped`,
    );
    return r;
  } catch (error) {
    throw new CliError(`catch-up of ${record.project_id} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await poller.close();
  }
}

/**
 * `catch-up radist --project ID [--since ISO]`: polls the project's Radist.Online chats once (window
 * from `--since`, else the last run's start − `RADIST_LOOKBACK_HOURS`) and prints the counts. Moves
 * the project's Radist checkpoint.
 * @throws CliError for an unknown project or one without Radist settings, a bad `--since`, or when
 *   the API or JetStream fails.
 */
export async function catchUpRadistCommand(
  ctx: CliContext,
  opts: { project: string; since?: string },
): Promise<RadistPollResult> {
  const since = sinceOption(opts.since);
  const record = await projectRecord(ctx, opts.project);
  if (!record.radist)
    throw new CliError(`project ${record.project_id} has no Radist settings (project set-radist)`);
  const poller = createRadistPoller({
    nats: ctx.nats,
    config: ctx.config,
    logger: ctx.logger,
    registry: staticProjectRegistry([record]),
    checkpoints: await openPollerCheckpoints(ctx.nats.js, ctx.config.EVENTS_STREAM),
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    ...(ctx.clock ? { clock: ctx.clock } : {}),
    newId: ctx.newId ?? (() => ids()),
  });
  try {
    const r = await poller.runOnce(record.project_id, since ? { since } : {});
    ctx.out(
      `polled Radist for ${record.project_id} from ${r.from}: ${r.chats} chats, ${r.messages} messages, ${r.published} new, ${r.duplicates} already stored`,
    );
    return r;
  } catch (error) {
    throw new CliError(`Radist poll of ${record.project_id} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await poller.close();
  }
}

/**
 * Progress of an import page by page: a cli-progress bar (orders read of the window's total) when
 * `ctx.isTTY`, else one plain line per page through `ctx.out`. `stop` ends the bar.
 */
function importProgress(
  ctx: CliContext,
  projectId: string,
): { onPage: (p: KeycrmCatchupProgress) => void; stop: () => void } {
  if (!ctx.isTTY) {
    return {
      onPage: (p) =>
        ctx.out(
          `${projectId} page ${p.page}: ${p.orders}${p.total === null ? "" : `/${p.total}`} orders, ${p.published} new, ${p.duplicates} already stored`,
        ),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: `${projectId} [{bar}] {value}/{total} orders | page {page} | {published} new, {duplicates} already stored`,
    hideCursor: true,
    clearOnComplete: false,
    stream: process.stdout,
  });
  let started = false;
  return {
    onPage(p) {
      const total = Math.max(p.total ?? p.orders, p.orders);
      const payload = { page: p.page, published: p.published, duplicates: p.duplicates };
      if (!started) {
        bar.start(total, p.orders, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.orders, payload);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/**
 * `catch-up keycrm --project ID [--since ISO|date]`: imports the current status of every order of
 * the project updated in the window (from `--since`, else the last run's start −
 * `KEYCRM_CATCHUP_LOOKBACK_HOURS`, to now) from `GET /order` at the project's CRM rate, with a
 * progress bar (terminal) or a line per page, and prints a summary: pages, orders, events stored,
 * duplicates (already stored by a webhook or an earlier run), skipped rows. Moves the project's
 * KeyCRM catch-up checkpoint.
 * @throws CliError for an unknown project, one that is not KeyCRM with base URL and token, a bad
 *   `--since`, or when the API or JetStream fails.
 */
export async function catchUpKeycrmCommand(
  ctx: CliContext,
  opts: { project: string; since?: string },
): Promise<KeycrmCatchupResult> {
  const since = sinceOption(opts.since);
  const record = await projectRecord(ctx, opts.project);
  if (record.kind !== "keycrm" || record.base_url === null || record.api_token === null)
    throw new CliError(`project ${record.project_id} is not a KeyCRM project with --base-url and --token`);
  const poller = createKeycrmOrdersPoller(await catchUpPollerDeps(ctx, record));
  const progress = importProgress(ctx, record.project_id);
  try {
    const r = await poller.runOnce(record.project_id, {
      ...(since ? { since } : {}),
      onPage: progress.onPage,
    });
    progress.stop();
    ctx.out(
      `imported ${record.project_id} orders updated ${r.from} … ${r.to}: ${r.pages} pages, ${r.orders} orders, ${r.published} events stored, ${r.duplicates} duplicates, ${r.skipped} skipped`,
    );
    return r;
  } catch (error) {
    progress.stop();
    throw new CliError(`catch-up of ${record.project_id} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await poller.close();
  }
}

/**
 * `secrets rotate`: re-seals every project record with `SECRETS_KEY` (records sealed with
 * `SECRETS_KEY_PREVIOUS` or holding a secret in clear are rewritten; others are left as they are)
 * and prints the counts.
 * @throws CliError when a record does not open with either key (the others are still rotated).
 */
export async function secretsRotateCommand(ctx: CliContext): Promise<SecretsRotationResult> {
  const keyring = ctx.keyring;
  if (!keyring) throw new CliError("secrets rotate needs the keyring (SECRETS_KEY)");
  const r = await rotateProjectSecrets(ctx.nats.js, ctx.config.EVENTS_STREAM, keyring);
  ctx.out(
    `re-encrypted ${r.resealed} project records with the current key (${keyring.current.id}); ${r.current} already current`,
  );
  if (r.failed.length > 0)
    throw new CliError(
      `${r.failed.length} records do not open with SECRETS_KEY or SECRETS_KEY_PREVIOUS: ${r.failed.map((f) => `${f.key} (${f.reason})`).join("; ")}`,
    );
  return r;
}
