import { z } from "zod";
import { defineEvent } from "./envelope.js";
import { CrmId, IsoInstant } from "./primitives.js";

/**
 * What identifies an analysed dialog: the project's deal (or, for chat-only sources, the contact
 * phone) within a window (a shift, or an on-demand period). `dialog_key` is
 * `{lead id | phone}:{window start}:{window end}`.
 */
const DialogRef = {
  dialog_key: z.string().min(1).max(300),
  lead_id: CrmId.nullable(),
  phone: z.string().nullable(),
  shift_id: z.string().nullable(),
  window_start: IsoInstant,
  window_end: IsoInstant,
  manager_id: CrmId.nullable(),
  input_hash: z.string().min(8).max(128),
  prompt_version: z.string().min(1).max(50),
  mode: z.enum(["llm", "offline"]),
  model: z.string().nullable(),
};

/**
 * `analysis.dialog_scored` v1 — facts extracted from a dialog (by the LLM or the offline
 * extractor), quoted evidence per fact, and the score/interest computed from the facts by the
 * SPEC rules (`scoreDialog` of `@pulse/domain`), with the reasons. `usage` in tokens (0 offline).
 * Dedup key `analysis:{project}:{dialog_key}:{input_hash}:{prompt_version}`.
 */
export const DialogScored = defineEvent(
  "analysis.dialog_scored",
  1,
  z.object({
    ...DialogRef,
    facts: z.record(z.string(), z.unknown()),
    evidence: z.array(z.record(z.string(), z.unknown())),
    score: z.number().int().min(0).max(100),
    interest: z.enum(["hot", "warm", "cold"]),
    reasons: z.array(z.object({ rule: z.string(), points: z.number() })),
    incoming: z.number().int().nonnegative(),
    outgoing: z.number().int().nonnegative(),
    usage: z.object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
    }),
    duration_ms: z.number().nonnegative(),
  }),
);
/** See {@link DialogScored}. */
export type DialogScored = z.infer<typeof DialogScored>;

/**
 * `analysis.dialog_failed` v1 — the analysis of a dialog failed for good (after retries): `code`
 * is stable (`invalid_output`, `http_4xx`, `timeout`, `budget_exhausted`, …), `message` short and
 * free of secrets; `usage` = tokens spent on answers that were then rejected. Dedup key `analysis-failed:{project}:{dialog_key}:{input_hash}:{prompt_version}`.
 */
export const DialogFailed = defineEvent(
  "analysis.dialog_failed",
  1,
  z.object({
    ...DialogRef,
    code: z.string(),
    message: z.string().max(1000),
    attempts: z.number().int().nonnegative(),
    usage: z
      .object({
        prompt_tokens: z.number().int().nonnegative(),
        completion_tokens: z.number().int().nonnegative(),
      })
      .default({ prompt_tokens: 0, completion_tokens: 0 }),
  }),
);
/** See {@link DialogFailed}. */
export type DialogFailed = z.infer<typeof DialogFailed>;
