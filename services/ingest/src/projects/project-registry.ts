/**
 * The project registry: project configuration **with secrets** in the NATS KV bucket
 * `{EVENTS_STREAM}_PROJECTS` (docs/ARCHITECTURE.md "Projects and secrets"), read by ingest through
 * an in-memory map kept current by `kv.watch()` — the webhook hot path never reads KV.
 */
import { createHash } from "node:crypto";
import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { type KV, type KvEntry, Kvm, KvWatchInclude } from "@nats-io/kv";
import type { PhoneRegion } from "@pulse/domain";
import { type CrmKind, encodeEvent, eventSubject, ProjectRegistered, type SubjectRoot } from "@pulse/events";
import type { Logger } from "@pulse/infra";
import { phoneRegionOrDefault } from "../crm/phone-region.js";
import { ProjectRecord, type RadistSettings } from "./project-record.js";
import { openStoredProjectRecord, sealProjectRecord } from "./project-secrets.js";
import { processSecretsKeyring, type SecretsKeyring } from "./secrets.js";

export {
  ProjectRecord,
  RADIST_DEFAULT_BASE_URL,
  RadistSettings,
  TelegramSettings,
} from "./project-record.js";

/** The phone region of a project: its `phone_region`, else `KZ` (`DEFAULT_PHONE_REGION`). */
export function projectPhoneRegion(record: Pick<ProjectRecord, "phone_region">): PhoneRegion {
  return phoneRegionOrDefault(record.phone_region);
}

/** A registry entry: the record and the decoded secret digest (32 bytes) for constant-time checks. */
export interface ProjectEntry {
  readonly record: ProjectRecord;
  readonly secretDigest: Buffer;
}

/**
 * Read side of the registry. `get` is an in-memory lookup (no I/O); `onChange` is called after a
 * project was added, changed or removed (with `undefined`); `close` stops watching.
 */
export interface ProjectRegistry {
  get(projectId: string): ProjectEntry | undefined;
  list(): ProjectRecord[];
  onChange(listener: (projectId: string, entry: ProjectEntry | undefined) => void): () => void;
  close(): Promise<void>;
}

/** The KV bucket name of a deployment: `{EVENTS_STREAM}_PROJECTS`. */
export function projectsBucketName(eventsStream: string): string {
  return `${eventsStream}_PROJECTS`;
}

/** Lowercase hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * A public fingerprint of a secret: the first 12 hex characters of its SHA-256. Shown by
 * `project list` and carried by `project.registered`, never the secret.
 */
export function fingerprint(secret: string): string {
  return sha256Hex(secret).slice(0, 12);
}

/** Builds the in-memory entry of a record. */
export function toProjectEntry(record: ProjectRecord): ProjectEntry {
  return { record, secretDigest: Buffer.from(record.webhook_secret_sha256, "hex") };
}

/** Creates (if missing) and opens the projects KV bucket (keeps 5 revisions per key for audit). */
export async function openProjectsBucket(js: JetStreamClient, eventsStream: string): Promise<KV> {
  return new Kvm(js).create(projectsBucketName(eventsStream), { history: 5 });
}

/**
 * Writes a record to KV (validated first), its secrets sealed with the keyring's current key
 * (default: the process keyring from `SECRETS_KEY`).
 * @throws ZodError when the record is invalid; NATS errors when KV is unreachable.
 * @returns the KV revision.
 */
export async function putProject(
  kv: KV,
  record: ProjectRecord,
  keyring: SecretsKeyring = processSecretsKeyring(),
): Promise<number> {
  const valid = ProjectRecord.parse(record);
  return kv.put(valid.project_id, JSON.stringify(sealProjectRecord(keyring, valid)));
}

/**
 * Reads every project record of the bucket, secrets opened with `keyring` (records that fail the
 * schema or do not open are skipped and reported in `invalid`).
 */
export async function readProjects(
  kv: KV,
  keyring: SecretsKeyring = processSecretsKeyring(),
): Promise<{ projects: ProjectRecord[]; invalid: string[] }> {
  const projects: ProjectRecord[] = [];
  const invalid: string[] = [];
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  keys.sort();
  for (const key of keys) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== "PUT") continue;
    const record = decodeRecord(entry, keyring);
    if (record) projects.push(record);
    else invalid.push(key);
  }
  return { projects, invalid };
}

/**
 * Opens one KV entry of the bucket into its record (`undefined` when it does not open, fails the
 * schema, or its id differs from its key; a failed decryption is logged when `log` is given).
 */
export function decodeRecord(
  entry: KvEntry,
  keyring: SecretsKeyring,
  log?: Logger,
): ProjectRecord | undefined {
  try {
    const { record } = openStoredProjectRecord(keyring, entry.json());
    return record.project_id === entry.key ? record : undefined;
  } catch (error) {
    if (log && (error as Error).name === "SecretDecryptError")
      log.error({ key: entry.key, reason: (error as Error).message }, "project secrets do not open");
    return undefined;
  }
}

/**
 * Opens the KV-backed registry: creates the bucket if missing, starts a watch (initial values and
 * every later change) and loads a snapshot; resolves when the snapshot is in memory. Entries are
 * applied by KV revision, so the snapshot and the watch can interleave in any order. Invalid
 * values are logged and treated as absent (webhooks of that project get 401).
 */
export async function openProjectRegistry(
  js: JetStreamClient,
  eventsStream: string,
  log: Logger,
  keyring: SecretsKeyring = processSecretsKeyring(),
): Promise<ProjectRegistry> {
  const kv = await openProjectsBucket(js, eventsStream);
  const state = new Map<string, { entry: ProjectEntry | undefined; revision: number }>();
  const listeners = new Set<(projectId: string, entry: ProjectEntry | undefined) => void>();

  const apply = (e: KvEntry) => {
    const current = state.get(e.key);
    if (current && current.revision >= e.revision) return;
    let entry: ProjectEntry | undefined;
    if (e.operation === "PUT") {
      const record = decodeRecord(e, keyring, log);
      if (record) entry = toProjectEntry(record);
      else log.warn({ key: e.key, revision: e.revision }, "ignoring an invalid project record");
    }
    state.set(e.key, { entry, revision: e.revision });
    for (const l of listeners) {
      try {
        l(e.key, entry);
      } catch (error) {
        log.error({ err: error }, "project registry listener failed");
      }
    }
  };

  // The watch is an ordered consumer that nats.js re-creates after a reconnect; should it end
  // anyway (the client gave up re-creating it during a long outage), it is opened again with
  // backoff. Entries already applied (same revision) are skipped, so listeners see changes only.
  let closing = false;
  let watcher = await kv.watch({ include: KvWatchInclude.LastValue });
  let wake: (() => void) | null = null;
  const watching = (async () => {
    for (let failures = 0; !closing; ) {
      try {
        for await (const e of watcher) {
          failures = 0;
          if (state.get(e.key)?.revision === e.revision) continue;
          apply(e);
        }
      } catch (error) {
        log.warn({ err: error }, "project registry watch failed");
      }
      if (closing) break;
      failures++;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
      log.warn({ failures, retryInMs: delay }, "project registry watch ended; re-opening it");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
      if (closing) break;
      watcher = await kv.watch({ include: KvWatchInclude.LastValue }).catch((error: unknown) => {
        log.warn({ err: error }, "project registry watch not re-opened; retrying");
        return watcher;
      });
    }
  })().catch((error: unknown) => log.error({ err: error }, "project registry watch ended"));

  for await (const key of await kv.keys()) {
    const e = await kv.get(key);
    if (e) apply(e);
  }

  return {
    get: (projectId) => state.get(projectId)?.entry,
    list: () =>
      [...state.values()]
        .flatMap((s) => (s.entry ? [s.entry.record] : []))
        .sort((a, b) => (a.project_id < b.project_id ? -1 : 1)),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closing = true;
      watcher.stop();
      wake?.();
      await watching;
    },
  };
}

/** An in-memory registry over fixed records (tests, tools). */
export function staticProjectRegistry(records: readonly ProjectRecord[]): ProjectRegistry {
  const map = new Map(records.map((r) => [r.project_id, toProjectEntry(ProjectRecord.parse(r))]));
  return {
    get: (projectId) => map.get(projectId),
    list: () => [...map.values()].map((e) => e.record),
    onChange: () => () => undefined,
    close: async () => undefined,
  };
}

/**
 * Input of {@link registerProject}: the public settings plus the secrets in clear (they are hashed
 * or stored in KV only; never published, never logged). `phone_region` and `radist` are stored
 * only when given (see {@link ProjectRecord}).
 */
export interface RegisterProjectInput {
  project_id: string;
  name: string;
  kind: CrmKind;
  base_url: string | null;
  time_zone: string;
  active: boolean;
  webhook_secret: string;
  api_token: string | null;
  phone_region?: string | undefined;
  radist?: RadistSettings | undefined;
}

/**
 * Builds the `project.registered` event of a record: public fields and fingerprints only.
 * Dedup key `project:{project}:{sha256 of the data}` — re-registering unchanged settings is one fact.
 * With `revision` (the record's KV revision, for edits through the API) the key is
 * `project:{project}:{sha256}:r{revision}`, so a field set back to an earlier value is a new fact
 * while a retried publish of one stored revision is still one.
 */
export function projectRegisteredEvent(
  record: ProjectRecord,
  now: Date,
  id: string,
  revision?: number,
): ProjectRegistered {
  const data = {
    project_id: record.project_id,
    name: record.name,
    kind: record.kind,
    base_url: record.base_url,
    time_zone: record.time_zone,
    active: record.active,
    webhook_secret_fingerprint: record.webhook_secret_sha256.slice(0, 12),
    token_fingerprint: record.api_token === null ? null : fingerprint(record.api_token),
  };
  return ProjectRegistered.parse({
    id,
    type: "project.registered",
    version: 1,
    project_id: record.project_id,
    occurred_at: now.toISOString(),
    recorded_at: now.toISOString(),
    dedup_key: `project:${record.project_id}:${sha256Hex(JSON.stringify(data))}${revision === undefined ? "" : `:r${revision}`}`,
    source: "cli",
    raw: null,
    data,
  });
}

/**
 * Registers (or updates) a project: validates the input, writes the record to KV, then publishes
 * `project.registered` to the events stream (msgID = dedup key).
 * @throws ZodError for invalid input (bad id, kind, URL, time zone, empty secret); NATS errors when
 *   KV or JetStream cannot be reached.
 */
export async function registerProject(
  deps: {
    js: JetStreamClient;
    eventsStream: string;
    scheme: SubjectRoot;
    now: Date;
    newId: () => string;
    keyring?: SecretsKeyring;
  },
  input: RegisterProjectInput,
): Promise<{ record: ProjectRecord; event: ProjectRegistered; ack: PubAck }> {
  if (input.webhook_secret.length < 8) throw new Error("the webhook secret must be at least 8 characters");
  const record = ProjectRecord.parse({
    project_id: input.project_id,
    name: input.name,
    kind: input.kind,
    base_url: input.base_url,
    time_zone: input.time_zone,
    active: input.active,
    webhook_secret_sha256: sha256Hex(input.webhook_secret),
    api_token: input.api_token,
    ...(input.phone_region === undefined ? {} : { phone_region: input.phone_region }),
    ...(input.radist === undefined ? {} : { radist: input.radist }),
  });
  assertTimeZone(record.time_zone);
  const kv = await openProjectsBucket(deps.js, deps.eventsStream);
  await putProject(kv, record, deps.keyring);
  const event = projectRegisteredEvent(record, deps.now, deps.newId());
  const ack = await deps.js.publish(eventSubject(deps.scheme, event), encodeEvent(event), {
    msgID: event.dedup_key,
  });
  return { record, event, ack };
}

/**
 * Sets (or, with `null`, removes) the Radist.Online settings of a registered project in KV, with a
 * compare-and-set on the KV revision so a concurrent `project register` is not overwritten. Nothing
 * is published: the settings are secrets and configuration, not facts of the business.
 * @throws Error for an unknown project; ZodError for invalid settings; NATS errors (also when the
 *   record changed between the read and the write — run the command again).
 * @returns the updated record.
 */
export async function setProjectRadist(
  js: JetStreamClient,
  eventsStream: string,
  projectId: string,
  radist: RadistSettings | null,
  keyring: SecretsKeyring = processSecretsKeyring(),
): Promise<ProjectRecord> {
  const kv = await openProjectsBucket(js, eventsStream);
  const entry = await kv.get(projectId);
  const current = entry && entry.operation === "PUT" ? decodeRecord(entry, keyring) : undefined;
  if (!entry || !current) throw new Error(`unknown project ${projectId}`);
  const { radist: _previous, ...rest } = current;
  const next = ProjectRecord.parse(radist === null ? rest : { ...rest, radist });
  await kv.update(projectId, JSON.stringify(sealProjectRecord(keyring, next)), entry.revision);
  return next;
}

/**
 * Checks that a time zone is an IANA name known to this runtime (`Europe/Kyiv`, `UTC`) or a fixed
 * `±hh:mm` offset within ±14:00.
 * @throws Error naming the zone otherwise.
 */
export function assertTimeZone(zone: string): void {
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (offset) {
    if (Number(offset[2]) <= 14 && Number(offset[3]) < 60) return;
  } else {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return;
    } catch {
      // fall through
    }
  }
  throw new Error(`unknown time zone: ${zone}`);
}
