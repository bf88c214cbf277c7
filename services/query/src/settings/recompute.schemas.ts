import { z } from "zod";
import { Instant } from "../http/api.schemas.js";

/**
 * Whether a project's read models follow its current settings (a settings change is applied to the
 * read models by a recompute over all history, which may wait, be retried or fail):
 * - `up_to_date`: no recompute is unfinished, the last one of the project completed;
 * - `pending`: a recompute is requested or running (normal for a few seconds after a change);
 * - `retrying`: the last attempt failed for a transient reason (NATS or Postgres unreachable, a
 *   crash); the projector retries at `next_attempt_at` and when NATS is back — until then the read
 *   models still follow the previous settings;
 * - `failed`: the recompute failed in a way retrying cannot fix (`last_error`); the read models do
 *   not follow the settings until a later change recomputes successfully.
 */
export const RecomputeState = z
  .object({
    status: z.enum(["up_to_date", "pending", "retrying", "failed"]),
    replay_id: z
      .string()
      .nullable()
      .describe("the newest unfinished (or, when none, the last) recompute of the project, if any"),
    replay_url: z.string().nullable().describe("where to follow it"),
    attempts: z.number().int().describe("attempts started by that recompute so far"),
    last_error: z.string().nullable().describe("error of its last failed attempt, while retrying or failed"),
    next_attempt_at: Instant.nullable().describe("when it is retried (retrying only)"),
  })
  .describe("whether the read models follow the current settings (see `status`)");
/** See {@link RecomputeState}. */
export type RecomputeState = z.infer<typeof RecomputeState>;

/** Counts of unfinished and failed recomputes of the whole installation, for `/ready`. */
export const RecomputeSummary = z
  .object({
    status: z
      .enum(["up_to_date", "pending", "retrying", "failed"])
      .describe("the worst of the counts below: failed > retrying > pending > up_to_date"),
    reason: z
      .string()
      .nullable()
      .describe(
        "one line for operators when not up_to_date, e.g. `1 recompute retrying: NatsUnavailableError: …`",
      ),
    pending: z.number().int().describe("recomputes requested or running"),
    retrying: z.number().int().describe("recomputes waiting to be retried after a transient failure"),
    failed: z
      .number()
      .int()
      .describe(
        "failed recomputes not superseded by a later completed one: read models behind their settings",
      ),
    last_error: z.string().nullable().describe("last error of a retrying or failed recompute"),
  })
  .describe("recomputes of the read models that have not completed");
/** See {@link RecomputeSummary}. */
export type RecomputeSummary = z.infer<typeof RecomputeSummary>;
