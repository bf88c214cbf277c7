/**
 * The on-demand analysis trigger between the query API and the analyst (core NATS request/reply),
 * the analyst's side of `services/query/src/analysis/analysis.contract.ts`. The two copies must stay identical
 * until the contract moves to `@pulse/events` beside `dictionaryRefreshSubject`:
 *
 * - subject `{root}.cmd.{project}.analysis.run` ({@link analysisRunSubject}); the analyst listens on
 *   `{root}.cmd.*.analysis.run` ({@link analysisRunWildcard}) in the queue group
 *   {@link ANALYSIS_RUN_QUEUE}, so one of several analyst processes answers;
 * - request JSON {@link AnalysisRunRequest}:
 *   `{project, shift_id?, from?, to?, min_incoming, max_dialogs?, requested_by}` — either `shift_id`
 *   or both `from` and `to` (ISO-8601 UTC instants with milliseconds);
 * - reply JSON `{run_id, dialogs_queued}` when the run was accepted (dialogs are analysed
 *   asynchronously; results arrive as `analysis.dialog_scored` / `analysis.dialog_failed` events), or
 *   `{error}` — a short, secret-free reason — when it was not ({@link AnalysisRunReply}).
 *
 * The query API waits 2 s for the reply, so the analyst answers as soon as the run is queued.
 */
import { IsoInstant, ProjectId } from "@pulse/events";
import { z } from "zod";

/** Queue group of the run responders: one analyst process answers each request. */
export const ANALYSIS_RUN_QUEUE = "analyst";

/** Core-NATS subject on which the analyst answers on-demand run requests of one project. */
export function analysisRunSubject(scheme: { readonly root: string }, projectId: string): string {
  return `${scheme.root}.cmd.${projectId}.analysis.run`;
}

/** The subscription subject of the responder: run requests of every project. */
export function analysisRunWildcard(scheme: { readonly root: string }): string {
  return `${scheme.root}.cmd.*.analysis.run`;
}

/**
 * The project token of a run request's subject (`{root}.cmd.{project}.analysis.run`), or `null` when
 * the subject does not have that shape under `scheme`.
 */
export function projectOfRunSubject(scheme: { readonly root: string }, subject: string): string | null {
  const prefix = `${scheme.root}.cmd.`;
  const suffix = ".analysis.run";
  if (!subject.startsWith(prefix) || !subject.endsWith(suffix)) return null;
  const token = subject.slice(prefix.length, subject.length - suffix.length);
  return token.length > 0 && !token.includes(".") ? token : null;
}

/** The request body the query API sends (see the module comment). */
export const AnalysisRunRequest = z
  .object({
    project: ProjectId,
    shift_id: z.string().min(1).optional(),
    from: IsoInstant.optional(),
    to: IsoInstant.optional(),
    min_incoming: z.number().int().nonnegative(),
    max_dialogs: z.number().int().positive().optional(),
    requested_by: z.string().min(1),
  })
  .refine((r) => (r.shift_id !== undefined) !== (r.from !== undefined && r.to !== undefined), {
    message: "either shift_id or from and to",
  });
/** See {@link AnalysisRunRequest}. */
export type AnalysisRunRequest = z.infer<typeof AnalysisRunRequest>;

/** The reply when the run was accepted: its id (a ULID) and how many dialogs it will analyse. */
export interface AnalysisRunAccepted {
  readonly run_id: string;
  readonly dialogs_queued: number;
}

/** The reply when the run was refused: a short, secret-free reason (at most 300 characters). */
export interface AnalysisRunRefused {
  readonly error: string;
}

/** The analyst's reply: {@link AnalysisRunAccepted} or {@link AnalysisRunRefused}. */
export type AnalysisRunReply = AnalysisRunAccepted | AnalysisRunRefused;
