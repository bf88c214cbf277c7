/**
 * Ingest's answer to project commands from the query API (contract: `@pulse/events`
 * `project-commands.ts`): `project.show` answers a project's {@link ProjectView} (no secret), and
 * `project.update` applies a {@link ProjectPatch} to the sealed record in the KV registry
 * (compare-and-set on its revision, retried on a concurrent write), then publishes
 * `project.registered` (public fields and fingerprints) so the read models follow. Secrets are
 * never logged, never answered, never published.
 */
import type { KV, KvEntry } from "@nats-io/kv";
import type { Msg, Subscription } from "@nats-io/transport-node";
import {
  encodeEvent,
  eventSubject,
  PROJECT_COMMANDS_QUEUE,
  type ProjectCommandReply,
  type ProjectPatch,
  ProjectShowRequest,
  ProjectUpdateRequest,
  type ProjectView,
  projectCommandsWildcard,
  type SubjectRoot,
} from "@pulse/events";
import type { Logger, Nats } from "@pulse/infra";
import { ZodError } from "zod";
import { ProjectRecord } from "./project-record.js";
import {
  assertTimeZone,
  decodeRecord,
  fingerprint,
  openProjectsBucket,
  projectRegisteredEvent,
} from "./project-registry.js";
import { sealProjectRecord } from "./project-secrets.js";
import type { SecretsKeyring } from "./secrets.js";

/** How many times an update is retried when the record changed between its read and its write. */
const MAX_UPDATE_ATTEMPTS = 5;

/** What the responder needs. `newId` gives event ids; `clock` the event instants. */
export interface ProjectCommandsDeps {
  readonly nats: Nats;
  readonly eventsStream: string;
  readonly scheme: SubjectRoot;
  readonly keyring: SecretsKeyring;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly newId: () => string;
}

/** A running responder; `close` unsubscribes (requests in flight finish). */
export interface ProjectCommandsResponder {
  close(): Promise<void>;
}

/** The public view of a record: fields and fingerprints, never a secret. */
export function projectView(record: ProjectRecord): ProjectView {
  return {
    project_id: record.project_id,
    name: record.name,
    kind: record.kind,
    base_url: record.base_url,
    time_zone: record.time_zone,
    active: record.active,
    api_token_set: record.api_token !== null,
    api_token_fingerprint: record.api_token === null ? null : fingerprint(record.api_token),
    webhook_secret_fingerprint: record.webhook_secret_sha256.slice(0, 12),
    telegram: record.telegram
      ? {
          chat_id: record.telegram.chat_id,
          template: record.telegram.template,
          enabled: record.telegram.enabled,
          bot_token_set: true,
          bot_token_fingerprint: fingerprint(record.telegram.bot_token),
        }
      : null,
  };
}

/**
 * The record with `patch` applied (absent members keep their value; `null` clears `base_url`,
 * `api_token` or `telegram`; a `telegram` patch is merged into the current settings, a new block
 * defaulting to the default template and enabled), validated.
 * @throws ZodError when the result is not a valid {@link ProjectRecord}; Error for an unknown zone.
 */
export function applyProjectPatch(record: ProjectRecord, patch: ProjectPatch): ProjectRecord {
  const next = ProjectRecord.parse({
    ...record,
    ...(patch.base_url === undefined ? {} : { base_url: patch.base_url }),
    ...(patch.api_token === undefined ? {} : { api_token: patch.api_token }),
    ...(patch.time_zone === undefined ? {} : { time_zone: patch.time_zone }),
    ...(patch.active === undefined ? {} : { active: patch.active }),
    ...(patch.telegram === undefined
      ? {}
      : patch.telegram === null
        ? { telegram: undefined }
        : {
            telegram: {
              template: null,
              enabled: true,
              ...record.telegram,
              ...Object.fromEntries(Object.entries(patch.telegram).filter(([, v]) => v !== undefined)),
            },
          }),
  });
  assertTimeZone(next.time_zone);
  return next;
}

class Refusal extends Error {
  constructor(
    readonly code: "not_found" | "invalid" | "conflict" | "failed",
    message: string,
  ) {
    super(message);
  }
}

async function currentRecord(
  kv: KV,
  keyring: SecretsKeyring,
  projectId: string,
  log: Logger,
): Promise<{ entry: KvEntry; record: ProjectRecord }> {
  const entry = await kv.get(projectId);
  const record = entry && entry.operation === "PUT" ? decodeRecord(entry, keyring, log) : undefined;
  if (!entry || !record) throw new Refusal("not_found", `project ${projectId} is not registered`);
  return { entry, record };
}

/**
 * Applies one update request: reads the record, applies the patch, stores it sealed with a
 * compare-and-set on the revision read (retried up to {@link MAX_UPDATE_ATTEMPTS} times), then
 * publishes `project.registered` with a dedup key bound to the stored revision. An unchanged
 * patch stores nothing and publishes nothing.
 * @throws Refusal (`not_found`, `invalid`, `conflict`); NATS errors.
 */
async function update(
  deps: ProjectCommandsDeps,
  kv: KV,
  request: ProjectUpdateRequest,
): Promise<ProjectCommandReply> {
  for (let attempt = 1; ; attempt++) {
    const { entry, record } = await currentRecord(kv, deps.keyring, request.project, deps.logger);
    let next: ProjectRecord;
    try {
      next = applyProjectPatch(record, request.patch);
    } catch (error) {
      const reason =
        error instanceof ZodError
          ? error.issues.map((i) => `${i.path.join(".") || "record"}: ${i.message}`).join("; ")
          : (error as Error).message;
      throw new Refusal("invalid", reason.slice(0, 400));
    }
    const before = projectView(record);
    if (JSON.stringify(next) === JSON.stringify(record)) {
      return { before, after: before, changed: false };
    }
    let revision: number;
    try {
      revision = await kv.update(
        request.project,
        JSON.stringify(sealProjectRecord(deps.keyring, next)),
        entry.revision,
      );
    } catch (error) {
      if (attempt >= MAX_UPDATE_ATTEMPTS)
        throw new Refusal("conflict", "the project kept changing during the update; retry");
      deps.logger.warn({ project: request.project, attempt, err: error }, "project update raced; retrying");
      continue;
    }
    const now = deps.clock();
    const event = projectRegisteredEvent(next, now, deps.newId(), revision);
    await deps.nats.js.publish(eventSubject(deps.scheme, event), encodeEvent(event), {
      msgID: event.dedup_key,
    });
    return { before, after: projectView(next), changed: true };
  }
}

/**
 * Starts answering project commands on `{root}.cmd.*.project.*` (queue group
 * {@link PROJECT_COMMANDS_QUEUE}). Each request is handled on its own; a malformed one, a project
 * named differently in the subject and the body, or an unknown verb is refused with `invalid`.
 * Logs name the project, the verb, the requester and which fields changed — never values of secrets.
 */
export async function startProjectCommands(deps: ProjectCommandsDeps): Promise<ProjectCommandsResponder> {
  const kv = await openProjectsBucket(deps.nats.js, deps.eventsStream);
  const log = deps.logger;
  const handle = async (msg: Msg): Promise<ProjectCommandReply> => {
    const parts = msg.subject.split(".");
    const verb = parts.at(-1);
    const subjectProject = parts.at(-3);
    let json: unknown;
    try {
      json = msg.json();
    } catch {
      throw new Refusal("invalid", "the request is not JSON");
    }
    if (verb === "show") {
      const req = ProjectShowRequest.safeParse(json);
      if (!req.success || req.data.project !== subjectProject)
        throw new Refusal("invalid", "malformed project.show request");
      const { record } = await currentRecord(kv, deps.keyring, req.data.project, log);
      const view = projectView(record);
      return { after: view, changed: false };
    }
    if (verb === "update") {
      const req = ProjectUpdateRequest.safeParse(json);
      if (!req.success || req.data.project !== subjectProject)
        throw new Refusal(
          "invalid",
          req.success
            ? "the subject and the body name different projects"
            : req.error.issues
                .map((i) => `${i.path.join(".")}: ${i.message}`)
                .join("; ")
                .slice(0, 400),
        );
      const reply = await update(deps, kv, req.data);
      log.info(
        {
          project: req.data.project,
          requested_by: req.data.requested_by,
          fields: Object.keys(req.data.patch),
          changed: "changed" in reply ? reply.changed : false,
        },
        "project updated",
      );
      return reply;
    }
    throw new Refusal("invalid", `unknown project command ${verb ?? ""}`);
  };
  const sub: Subscription = deps.nats.nc.subscribe(projectCommandsWildcard(deps.scheme), {
    queue: PROJECT_COMMANDS_QUEUE,
    callback: (error, msg) => {
      if (error) {
        log.error({ err: error }, "project commands subscription failed");
        return;
      }
      handle(msg)
        .catch((e: unknown): ProjectCommandReply => {
          if (e instanceof Refusal) return { code: e.code, error: e.message };
          log.error({ err: e, subject: msg.subject }, "project command failed");
          return { code: "failed", error: "the project store is unavailable; retry later" };
        })
        .then((reply) => msg.respond(JSON.stringify(reply)))
        .catch((e: unknown) => log.warn({ err: e }, "project command reply not sent"));
    },
  });
  return {
    async close() {
      await sub.drain().catch(() => undefined);
    },
  };
}
