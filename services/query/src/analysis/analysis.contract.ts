/**
 * The on-demand analysis trigger between the query API and the analyst (core NATS request/reply).
 * Kept here until it moves to `@pulse/events` beside `dictionaryRefreshSubject`; the analyst must
 * implement exactly this:
 *
 * - subject `{root}.cmd.{project}.analysis.run` ({@link analysisRunSubject});
 * - request JSON {@link AnalysisRunRequest}:
 *   `{project, shift_id?, from?, to?, min_incoming, max_dialogs?, requested_by}` — either `shift_id`
 *   or both `from` and `to` (ISO-8601 UTC instants with milliseconds);
 * - reply JSON {@link AnalysisRunReply}: `{run_id, dialogs_queued}` when the run was accepted
 *   (dialogs are analysed asynchronously; results arrive as `analysis.dialog_scored` /
 *   `analysis.dialog_failed` events), or `{error}` — a short, secret-free reason — when it was not.
 *
 * The query API waits {@link ANALYSIS_RUN_TIMEOUT_MS} for the reply.
 */
import { IsoInstant, ProjectId } from "@pulse/events";
import { z } from "zod";

/** How long the query API waits for the analyst's reply, milliseconds. */
export const ANALYSIS_RUN_TIMEOUT_MS = 2000;

/** Core-NATS subject on which the analyst answers on-demand run requests of one project. */
export function analysisRunSubject(scheme: { readonly root: string }, projectId: string): string {
  return `${scheme.root}.cmd.${projectId}.analysis.run`;
}

/** The request body sent to the analyst (see the module comment). */
export const AnalysisRunRequest = z
  .object({
    project: ProjectId,
    shift_id: z
      .string()
      .min(1)
      .optional()
      .describe("the shift to analyse (its id under the project's settings)"),
    from: IsoInstant.optional().describe("start of an on-demand window, inclusive"),
    to: IsoInstant.optional().describe("end of an on-demand window, exclusive"),
    min_incoming: z.number().int().nonnegative().describe("least incoming messages of a dialog to analyse"),
    max_dialogs: z.number().int().positive().optional().describe("analyse at most this many dialogs"),
    requested_by: z.string().min(1).describe("the principal that asked (audit)"),
  })
  .refine((r) => (r.shift_id !== undefined) !== (r.from !== undefined && r.to !== undefined), {
    message: "either shift_id or from and to",
  });
/** See {@link AnalysisRunRequest}. */
export type AnalysisRunRequest = z.infer<typeof AnalysisRunRequest>;

/** The analyst's reply when it accepted the run. */
export const AnalysisRunAccepted = z.looseObject({
  run_id: z.string().min(1).max(200),
  dialogs_queued: z.number().int().nonnegative(),
});
/** See {@link AnalysisRunAccepted}. */
export type AnalysisRunAccepted = z.infer<typeof AnalysisRunAccepted>;

/** The analyst's reply when it refused the run: a short, secret-free reason. */
export const AnalysisRunRefused = z.looseObject({ error: z.string().min(1) });
/** See {@link AnalysisRunRefused}. */
export type AnalysisRunRefused = z.infer<typeof AnalysisRunRefused>;

/** The analyst's reply: {@link AnalysisRunAccepted} or {@link AnalysisRunRefused}. */
export const AnalysisRunReply = z.union([AnalysisRunAccepted, AnalysisRunRefused]);
/** See {@link AnalysisRunReply}. */
export type AnalysisRunReply = z.infer<typeof AnalysisRunReply>;
