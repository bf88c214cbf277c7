/**
 * The admin CLI commands as plain async functions (tests call them directly; `cli.ts` wires them to
 * commander). They print through `ctx.out`, never print a secret, and throw {@link CliError} with a
 * message meant for the operator.
 */
import { readFile } from "node:fs/promises";
import { CrmKind, encodeEvent, eventSubject, ProjectId } from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import { monotonicFactory } from "ulid";
import { z } from "zod";
import { dictionaryEvent, dictionaryFromJson } from "./dictionary.mapper.js";
import { createDictionaryWorker, type DictionarySyncResult } from "./dictionary.worker.js";
import type { IngestConfig } from "./ingest.config.js";
import {
  assertTimeZone,
  fingerprint,
  openProjectsBucket,
  type ProjectRecord,
  readProjects,
  registerProject,
  staticProjectRegistry,
} from "./project-registry.js";

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
 * without `--base-url` gets {@link KEYCRM_DEFAULT_BASE_URL}. Prints one line with fingerprints.
 * @throws CliError for a bad id, kind, URL or time zone, a missing/short secret, or both a value and
 *   an `-env` option.
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
      },
    );
    ctx.out(
      `registered project ${record.project_id} (${record.kind}, ${record.active ? "active" : "inactive"}, ${record.time_zone})` +
        ` secret ${event.data.webhook_secret_fingerprint}… token ${event.data.token_fingerprint ?? "none"}${ack.duplicate ? " (unchanged)" : ""}`,
    );
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
}

/** `project list`: prints every registered project (tab-separated) and returns the listings. */
export async function projectListCommand(ctx: CliContext): Promise<ProjectListing[]> {
  const kv = await openProjectsBucket(ctx.nats.js, ctx.config.EVENTS_STREAM);
  const { projects, invalid } = await readProjects(kv);
  const listings = projects.map((p) => ({
    project_id: p.project_id,
    name: p.name,
    kind: p.kind,
    active: p.active,
    time_zone: p.time_zone,
    base_url: p.base_url,
    webhook_secret_fingerprint: p.webhook_secret_sha256.slice(0, 12),
    token_fingerprint: p.api_token === null ? null : fingerprint(p.api_token),
  }));
  ctx.out(["id", "kind", "active", "time_zone", "base_url", "secret", "token", "name"].join("\t"));
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
        l.name,
      ].join("\t"),
    );
  }
  for (const key of invalid) ctx.out(`(invalid record under key ${key})`);
  return listings;
}

async function projectRecord(ctx: CliContext, projectId: string): Promise<ProjectRecord> {
  const kv = await openProjectsBucket(ctx.nats.js, ctx.config.EVENTS_STREAM);
  const { projects } = await readProjects(kv);
  const record = projects.find((p) => p.project_id === projectId);
  if (!record) throw new CliError(`unknown project "${projectId}" (register it first: project register)`);
  return record;
}

/**
 * `dictionary sync --project ID`: reads the project's status dictionary from its CRM API (same
 * limits as the worker: 1 request/s, retries on 429/5xx) and publishes `dictionary.statuses_synced`.
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
