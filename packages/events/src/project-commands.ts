/**
 * Project commands between the query API and ingest (core NATS request/reply). Ingest owns the
 * project record (sealed secrets in the KV registry, docs/ARCHITECTURE.md "Projects and secrets");
 * query relays an admin's edit to it and never holds a secret itself.
 *
 * - `{root}.cmd.{project}.project.show` ({@link projectShowSubject}): request
 *   {@link ProjectShowRequest} → reply {@link ProjectCommandReply} with `after` only (the current
 *   {@link ProjectView}).
 * - `{root}.cmd.{project}.project.update` ({@link projectUpdateSubject}): request
 *   {@link ProjectUpdateRequest} `{project, patch, requested_by}` → reply {@link ProjectCommandReply}
 *   `{before, after, changed}`; ingest re-seals and stores the record (compare-and-set on its KV
 *   revision) and publishes `project.registered` (public fields and fingerprints only) so the read
 *   models follow. A refusal is `{code, error}` ({@link ProjectCommandRefused}): a short, secret-free
 *   reason.
 *
 * Ingest answers in the queue group {@link PROJECT_COMMANDS_QUEUE} on
 * {@link projectCommandsWildcard}. Extending the record (for instance a `notifications` block with
 * a bot token): add an optional member to {@link ProjectPatch} (secrets write-only, `null` removes)
 * and a secret-free summary of it to {@link ProjectView}.
 */
import { z } from "zod";
import { CrmKind, ProjectId } from "./primitives.js";
import { TimeZoneName } from "./project.events.js";

/** How long the query API waits for ingest's reply to a project command, milliseconds. */
export const PROJECT_COMMAND_TIMEOUT_MS = 3000;

/** The queue group in which ingest instances answer project commands (one answers each request). */
export const PROJECT_COMMANDS_QUEUE = "ingest-project-commands";

/** Core-NATS subject of "update this project's fields". */
export function projectUpdateSubject(scheme: { readonly root: string }, projectId: string): string {
  return `${scheme.root}.cmd.${projectId}.project.update`;
}

/** Core-NATS subject of "show this project's fields (no secrets)". */
export function projectShowSubject(scheme: { readonly root: string }, projectId: string): string {
  return `${scheme.root}.cmd.${projectId}.project.show`;
}

/** The subject ingest subscribes to: every project command of every project. */
export function projectCommandsWildcard(scheme: { readonly root: string }): string {
  return `${scheme.root}.cmd.*.project.*`;
}

/**
 * True when `zone` is an IANA name this runtime knows (`Europe/Kyiv`, `UTC`) or a fixed `±hh:mm`
 * offset within ±14:00 (SPEC "Projects": the project's time zone).
 */
export function isKnownTimeZone(zone: string): boolean {
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (offset) return Number(offset[2]) <= 14 && Number(offset[3]) < 60;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Changes to a project's Telegram sale notifications (every member optional; absent = unchanged):
 * `bot_token` — **write-only** (never answered, never logged; `<bot id>:<secret>`), `chat_id` (a
 * numeric chat id or `@channel`), `template` (`null` = the default; placeholders `{team}`,
 * `{client}`, `{amount}`, `{product}`, `{campaign}`, `{source}`, `{manager}`,
 * `{lead_id}`, `{sold_at}`), `enabled`. The first patch must give `bot_token` and `chat_id`.
 */
export const TelegramPatch = z.strictObject({
  bot_token: z
    .string()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,200}$/, "a Telegram bot token: <bot id>:<secret>")
    .optional()
    .describe("Telegram bot token, write-only (never answered)"),
  chat_id: z
    .string()
    .regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/, "a chat id (-100…) or @channel")
    .optional(),
  template: z
    .string()
    .min(1)
    .max(2000)
    .nullable()
    .optional()
    .describe("message template; null = the default"),
  enabled: z.boolean().optional(),
});
/** See {@link TelegramPatch}. */
export type TelegramPatch = z.infer<typeof TelegramPatch>;

/**
 * The editable fields of a project; every member optional (absent = unchanged):
 * - `base_url`: the CRM API root (KeyCRM Open API root or the amoCRM account URL), `null` = none;
 * - `api_token`: the CRM API token — **write-only**: it is never answered, only whether it is set
 *   and its fingerprint; `null` removes it;
 * - `time_zone`: an IANA name or `±hh:mm` ({@link isKnownTimeZone});
 * - `active`: whether webhooks and pollers of the project are served;
 * - `telegram`: sale notifications ({@link TelegramPatch}); `null` removes them.
 * Unknown members are rejected (a strict object), so a typo is a 400, not a silent no-op.
 */
export const ProjectPatch = z.strictObject({
  base_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional()
    .describe("CRM API root (http/https URL); null = the CRM API is not used"),
  api_token: z
    .string()
    .min(1)
    .max(4096)
    .refine((t) => t.trim() === t && !/[\r\n]/.test(t), "no surrounding spaces or line breaks")
    .nullable()
    .optional()
    .describe("CRM API token, write-only (never answered); null removes it"),
  time_zone: TimeZoneName.refine(isKnownTimeZone, "unknown time zone")
    .optional()
    .describe("IANA time zone (Europe/Kyiv) or ±hh:mm"),
  active: z.boolean().optional().describe("false stops webhooks and pollers of the project"),
  telegram: TelegramPatch.nullable().optional().describe("Telegram sale notifications; null removes them"),
});
/** See {@link ProjectPatch}. */
export type ProjectPatch = z.infer<typeof ProjectPatch>;

/**
 * A project's fields as anyone who may see the project may see them: public fields, and for each
 * secret only whether it is set and its fingerprint (first 12 hex characters of its SHA-256, as in
 * `project.registered`).
 */
export const ProjectView = z.object({
  project_id: ProjectId,
  name: z.string(),
  kind: CrmKind,
  base_url: z.string().nullable(),
  time_zone: z.string(),
  active: z.boolean(),
  api_token_set: z.boolean().describe("whether a CRM API token is stored (its value is never answered)"),
  api_token_fingerprint: z.string().nullable().describe("first 12 hex characters of the token's SHA-256"),
  webhook_secret_fingerprint: z.string().describe("first 12 hex characters of the webhook secret's SHA-256"),
  telegram: z
    .object({
      chat_id: z.string(),
      template: z.string().nullable(),
      enabled: z.boolean(),
      bot_token_set: z.boolean(),
      bot_token_fingerprint: z
        .string()
        .nullable()
        .describe("first 12 hex characters of the bot token's SHA-256"),
    })
    .nullable()
    .optional()
    .describe("Telegram sale notifications (the bot token only as set/fingerprint); null = off"),
});
/** See {@link ProjectView}. */
export type ProjectView = z.infer<typeof ProjectView>;

/** Request of `project.show`. */
export const ProjectShowRequest = z.object({ project: ProjectId });
/** See {@link ProjectShowRequest}. */
export type ProjectShowRequest = z.infer<typeof ProjectShowRequest>;

/** Request of `project.update`: the project, the patch, and the principal that asked (audit, logs). */
export const ProjectUpdateRequest = z.object({
  project: ProjectId,
  patch: ProjectPatch,
  requested_by: z.string().min(1).max(200),
});
/** See {@link ProjectUpdateRequest}. */
export type ProjectUpdateRequest = z.infer<typeof ProjectUpdateRequest>;

/**
 * Ingest's answer when it did the command: `after` is the project now; for an update `before` is
 * the project before it and `changed` whether anything changed (an unchanged patch stores nothing).
 */
export const ProjectCommandDone = z.object({
  before: ProjectView.optional(),
  after: ProjectView,
  changed: z.boolean(),
});
/** See {@link ProjectCommandDone}. */
export type ProjectCommandDone = z.infer<typeof ProjectCommandDone>;

/**
 * Ingest's refusal: `not_found` (no such project), `invalid` (the patched record fails validation),
 * `conflict` (the record kept changing under concurrent edits), `failed` (KV/JetStream error).
 * `error` is short and never holds a secret.
 */
export const ProjectCommandRefused = z.object({
  code: z.enum(["not_found", "invalid", "conflict", "failed"]),
  error: z.string().min(1).max(500),
});
/** See {@link ProjectCommandRefused}. */
export type ProjectCommandRefused = z.infer<typeof ProjectCommandRefused>;

/** Ingest's reply to a project command. */
export const ProjectCommandReply = z.union([ProjectCommandDone, ProjectCommandRefused]);
/** See {@link ProjectCommandReply}. */
export type ProjectCommandReply = z.infer<typeof ProjectCommandReply>;
