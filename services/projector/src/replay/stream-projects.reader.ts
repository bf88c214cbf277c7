import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { DomainEvent, SubjectRoot } from "@pulse/events";
import type { Nats } from "@pulse/infra";

/**
 * The subject filter of one project's events (`{root}.events.{project}.>`, packages/events
 * subjects.ts): every event of the project and nothing else, when the stream follows the scheme.
 */
export function projectEventsFilter(scheme: SubjectRoot, projectId: string): string {
  return `${scheme.root}.events.${projectId}.>`;
}

/** The subject filter of one project's webhook receipts (`{root}.receipts.{project}.>`). */
export function projectReceiptsFilter(scheme: SubjectRoot, projectId: string): string {
  return `${scheme.root}.receipts.${projectId}.>`;
}

/**
 * The subject filter of the messages outside the project scheme: `{root}.events.{token}` /
 * `{root}.receipts.{token}` with nothing after the project token (no producer publishes there; a
 * message found there is read on its own, see `replayReadModels`).
 */
export function unscopedFilter(scheme: SubjectRoot, kind: "events" | "receipts"): string {
  return `${scheme.root}.${kind}.*`;
}

/**
 * What the streams hold, by project: the project tokens of their subjects and the messages outside
 * the project scheme.
 * - `projects`: every `{project}` of a `{root}.events.{project}.…` or `{root}.receipts.{project}.…`
 *   subject, registered or not, sorted (code-unit order, so two replays visit them alike);
 * - `events` / `receipts`: project → its message count in that stream;
 * - `unscoped`: messages on `{root}.{kind}.{token}` subjects (see {@link unscopedFilter}).
 */
export interface StreamProjects {
  readonly projects: readonly string[];
  readonly events: ReadonlyMap<string, number>;
  readonly receipts: ReadonlyMap<string, number>;
  readonly unscoped: { readonly events: number; readonly receipts: number };
}

/** Timeout of the subject-listing requests of {@link listStreamProjects}, in ms. */
export const SUBJECTS_TIMEOUT_MS = 120_000;

/**
 * Lists the projects of the events and receipts streams from the server's subject index: stream info
 * with `subjects_filter` (`{root}.events.>`, `{root}.receipts.>`; paged by the client), which
 * counts messages per subject without reading any. Costs one entry per distinct subject (an order,
 * a lead, a chat), never per message. Deterministic for a given stream content. The requests get
 * {@link SUBJECTS_TIMEOUT_MS} (a page of 100,000 subjects takes the server a while on a busy machine).
 * @throws JetStream errors (stream missing, connection closed, timeout).
 */
export async function listStreamProjects(
  nc: Nats["nc"],
  streams: { readonly events: string; readonly receipts: string },
  scheme: SubjectRoot,
): Promise<StreamProjects> {
  const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: SUBJECTS_TIMEOUT_MS });
  const byKind = async (stream: string, kind: "events" | "receipts") => {
    const prefix = `${scheme.root}.${kind}.`;
    const info = await jsm.streams.info(stream, { subjects_filter: `${prefix}>` });
    const counts = new Map<string, number>();
    let unscoped = 0;
    for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
      if (!subject.startsWith(prefix)) continue;
      const rest = subject.slice(prefix.length);
      const dot = rest.indexOf(".");
      if (dot <= 0) unscoped += n;
      else {
        const project = rest.slice(0, dot);
        counts.set(project, (counts.get(project) ?? 0) + n);
      }
    }
    return { counts, unscoped };
  };
  const events = await byKind(streams.events, "events");
  const receipts = await byKind(streams.receipts, "receipts");
  const projects = [...new Set([...events.counts.keys(), ...receipts.counts.keys()])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    projects,
    events: events.counts,
    receipts: receipts.counts,
    unscoped: { events: events.unscoped, receipts: receipts.unscoped },
  };
}

/**
 * A message whose content belongs to another project than its subject says (an event published by
 * hand on a foreign subject). A project-by-project read cannot place it; the replay then folds the
 * whole stream in one pass, and a project recompute falls back to a full replay.
 */
export class ProjectScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectScopeError";
  }
}

/**
 * The foreign project `event` touches when read under project `projectId`'s subjects, or null when
 * it touches `projectId` only: its `project_id`, and for a registration the registered project
 * (`rm.projects` is keyed by `data.project_id`).
 */
export function foreignProjectOf(event: DomainEvent, projectId: string): string | null {
  if (event.project_id !== projectId) return event.project_id;
  if (event.type === "project.registered" && event.data.project_id !== projectId)
    return event.data.project_id;
  return null;
}
