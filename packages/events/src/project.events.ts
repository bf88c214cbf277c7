import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmKind, ProjectId } from "./primitives.js";

/**
 * A project time zone: an IANA name (`Europe/Kyiv`) or a fixed offset (`+05:00`). Default `UTC`.
 */
export const TimeZoneName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*|[+-]\d{2}:\d{2})$/, "IANA time zone or ±hh:mm offset");

/**
 * `project.registered` v1 — a project was registered or its public settings changed (an upsert).
 * Secrets (the webhook secret, the CRM token) never enter the stream: only a short fingerprint
 * (first 12 hex chars of their SHA-256) so a change is visible in the history.
 * Dedup key: `project:{project}:{sha256 of the data}`.
 */
export const ProjectRegistered = defineEvent(
  "project.registered",
  1,
  z.object({
    project_id: ProjectId,
    name: z.string().min(1).max(200),
    kind: CrmKind,
    base_url: z.string().url().nullable(),
    time_zone: TimeZoneName,
    active: z.boolean(),
    webhook_secret_fingerprint: z.string(),
    token_fingerprint: z.string().nullable(),
  }),
);
/** See {@link ProjectRegistered}. */
export type ProjectRegistered = z.infer<typeof ProjectRegistered>;
