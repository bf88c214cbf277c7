import { DEFAULT_MIN_INCOMING, FUNNEL_STAGES, INTEREST_LEVELS } from "@pulse/domain";
import { CrmId, ProjectId } from "@pulse/events";
import { z } from "zod";
import {
  IdParam,
  Instant,
  InstantParam,
  isCalendarDay,
  isPlausibleDay,
  PLAUSIBLE_DAY_META,
  PLAUSIBLE_RANGE,
  projectScope,
} from "../http/api.schemas.js";

/**
 * A shift id in a query or path: `YYYY-MM-DD` (24 h shifts) or `YYYY-MM-DDTHH:mm` (shorter shifts),
 * the local wall-clock start of the shift (`Shift.shiftId` of `@pulse/domain`): a calendar date in
 * the API's plausible range (`PLAUSIBLE_RANGE`), and a time 00:00–23:59.
 */
export const ShiftIdParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d)?$/, "a shift id: YYYY-MM-DD or YYYY-MM-DDTHH:mm")
  .refine((id) => {
    const day = id.slice(0, 10);
    return isCalendarDay(day) && isPlausibleDay(day);
  }, `a shift id whose date is a calendar date from ${PLAUSIBLE_RANGE.firstDay} to ${PLAUSIBLE_RANGE.lastDay}`)
  .meta(PLAUSIBLE_DAY_META)
  .describe("shift id: the shift's local start date (24 h shifts, e.g. 2026-10-21) or date and time");

/** A boolean in a query string: exactly `true` or `false`. */
export const BooleanParam = z.enum(["true", "false"]).transform((v) => v === "true");

/** Largest page of `GET /api/dialogs/analysis`. */
export const MAX_DIALOG_PAGE_SIZE = 200;

/** Columns the analysis list can be sorted by (ties broken by dialog key in the same direction). */
export const AnalysisSortField = z.enum(["score", "recorded_at", "window_start"]);
/** See {@link AnalysisSortField}. */
export type AnalysisSortField = z.infer<typeof AnalysisSortField>;

const windowBounds = {
  from: InstantParam.optional().describe(
    "inclusive lower bound on the midpoint of the dialog's window (ISO instant): a whole shift falls in exactly one period",
  ),
  to: InstantParam.optional().describe("exclusive upper bound on the midpoint of the dialog's window"),
};

/** The filters shared by `GET /api/dialogs/analysis` and `GET /api/dialogs/export.csv`. */
const analysisFilters = {
  ...projectScope,
  interest: z
    .enum(INTEREST_LEVELS)
    .optional()
    .describe("interest band of the score: hot 75–100, warm 40–74, cold 0–39"),
  minScore: z.coerce.number().int().min(0).max(100).optional().describe("score ≥ minScore"),
  funnelStage: z.enum(FUNNEL_STAGES).optional(),
  qualificationComplete: BooleanParam.optional().describe(
    "every questionnaire question answered (true) or not",
  ),
  manager: IdParam.optional().describe("manager (responsible user id) recorded with the analysis"),
  shiftId: ShiftIdParam.optional().describe("only dialogs analysed for this shift"),
  ...windowBounds,
  includeFailed: BooleanParam.default(false).describe(
    "also list dialogs whose analysis failed and that have no scored result (status failed)",
  ),
};

const fromBeforeTo = <T extends { from?: Date | undefined; to?: Date | undefined }>(q: T) =>
  q.from === undefined || q.to === undefined || q.from < q.to;
const fromBeforeToIssue = { message: "`from` must be before `to`", path: ["from"] };

/** Query of `GET /api/dialogs/analysis`. */
export const AnalysisListQuery = z
  .strictObject({
    ...analysisFilters,
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_DIALOG_PAGE_SIZE).default(50),
    sort: AnalysisSortField.default("score"),
    dir: z.enum(["asc", "desc"]).default("desc"),
  })
  .refine(fromBeforeTo, fromBeforeToIssue);

/** Query of `GET /api/dialogs/export.csv`: the list's filters, no paging; rows by window start, then dialog key. */
export const AnalysisExportQuery = z
  .strictObject({
    ...analysisFilters,
    delimiter: z
      .enum(["comma", "semicolon"])
      .default("comma")
      .describe("field separator: semicolon suits Excel with a comma decimal separator (ru/uk/kk locales)"),
  })
  .refine(fromBeforeTo, fromBeforeToIssue);

/** Query of `GET /api/dialogs/stats`: one shift, or `[from, to)`, or (neither) the last fully closed shift. */
export const DialogStatsQuery = z
  .strictObject({
    ...projectScope,
    shiftId: ShiftIdParam.optional(),
    ...windowBounds,
    minIncoming: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(DEFAULT_MIN_INCOMING)
      .describe("least incoming messages for a dialog to count as eligible for analysis (default 3)"),
  })
  .refine(fromBeforeTo, fromBeforeToIssue)
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: "give both `from` and `to`, or neither",
    path: ["to"],
  })
  .refine((q) => q.shiftId === undefined || (q.from === undefined && q.to === undefined), {
    message: "give either `shiftId` or `from`/`to`, not both",
    path: ["shiftId"],
  });

/** One line of the score explanation: the rule and the points it added (SPEC "Dialog scoring"). */
export const ScoreReasonItem = z.object({ rule: z.string(), points: z.number() });

/** Token usage of one analysis (0 for offline rules). */
export const TokenUsage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
});

/** Why an analysis failed: the analyst's stable code and short message (never secrets). */
export const AnalysisError = z.object({
  code: z.string().describe("e.g. invalid_output, timeout, http_429, budget_exhausted"),
  message: z.string().nullable(),
});

/** The compact analysis of one dialog, as the shift deal table shows it. */
export const AnalysisSummary = z.object({
  status: z.enum(["scored", "failed"]),
  score: z.number().int().nullable().describe("0–100; null when failed"),
  interest: z.enum(INTEREST_LEVELS).nullable(),
  funnel_stage: z.string().nullable(),
  qualification_complete: z.boolean().nullable(),
  niche: z.string().nullable().describe("facts.niche"),
  summary: z.string().nullable().describe("facts.summary: one or two sentences"),
  reasons: z.array(ScoreReasonItem).nullable(),
  mode: z.string().describe("llm | offline"),
  model: z.string().nullable(),
  prompt_version: z.string(),
  error_code: z.string().nullable(),
  recorded_at: Instant,
});
/** See {@link AnalysisSummary}. */
export type AnalysisSummary = z.infer<typeof AnalysisSummary>;

/** One analysed dialog: the latest result of its `dialog_key` with facts, evidence and the dialog text. */
export const AnalysisItem = z.object({
  dialog_key: z.string().describe("`{lead id | phone}:{window start}:{window end}` (names the window)"),
  status: z.enum(["scored", "failed"]),
  lead_id: CrmId.nullable(),
  phone: z.string().nullable(),
  shift_id: z.string().nullable().describe("null for an on-demand window that is not a shift"),
  window_start: Instant,
  window_end: Instant,
  manager_id: CrmId.nullable(),
  manager_name: z
    .string()
    .nullable()
    .describe("the manager's name from the CRM users dictionary; null when unknown (show manager_id)"),
  score: z.number().int().nullable(),
  interest: z.enum(INTEREST_LEVELS).nullable(),
  funnel_stage: z.string().nullable(),
  qualification_complete: z.boolean().nullable(),
  summary: z.string().nullable().describe("facts.summary"),
  facts: z.record(z.string(), z.unknown()).nullable().describe("the extracted facts (DialogFacts)"),
  evidence: z.array(z.unknown()).nullable().describe("quotes supporting the facts"),
  reasons: z.array(ScoreReasonItem).nullable().describe("points per rule; they add up to the score"),
  incoming: z.number().int().nullable(),
  outgoing: z.number().int().nullable(),
  mode: z.string().describe("llm | offline"),
  model: z.string().nullable(),
  prompt_version: z.string(),
  input_hash: z.string(),
  usage: TokenUsage,
  duration_ms: z.number().nullable(),
  error: AnalysisError.nullable().describe("set when status is failed"),
  recorded_at: Instant,
  dialog_text: z
    .string()
    .nullable()
    .describe("the window's dialog: the shift deal table's text, else built from rm.messages; null if none"),
  dialog_text_source: z.enum(["shift_deals", "messages"]).nullable(),
});
/** See {@link AnalysisItem}. */
export type AnalysisItem = z.infer<typeof AnalysisItem>;

/** Answer of `GET /api/dialogs/analysis`. */
export const AnalysisListResponse = z
  .object({
    project_id: ProjectId,
    page: z.number().int(),
    page_size: z.number().int(),
    total: z.number().int().describe("dialogs matching the filters (all pages)"),
    items: z.array(AnalysisItem),
  })
  .describe("one page of analysed dialogs (latest result per dialog)");
/** See {@link AnalysisListResponse}. */
export type AnalysisListResponse = z.infer<typeof AnalysisListResponse>;

/** The window a stats or report answer covers. */
export const ReportWindow = z.object({
  shift_id: z.string().nullable().describe("set when the window is one shift"),
  from: Instant,
  to: Instant,
  is_default: z
    .boolean()
    .describe("true when no window was asked for and the last fully closed shift was used"),
});
/** See {@link ReportWindow}. */
export type ReportWindow = z.infer<typeof ReportWindow>;

/** Counts of `GET /api/dialogs/stats`; every share names its denominator and is null when that is 0. */
export const DialogStats = z.object({
  dialogs_total: z
    .number()
    .int()
    .describe("rows of the shift deal tables in the window (every deal/contact)"),
  dialogs_eligible: z.number().int().describe("of those, with ≥ min_incoming incoming messages"),
  analyzed: z.number().int().describe("dialogs in the window with a scored result (latest per dialog)"),
  errors: z.number().int().describe("dialogs whose analysis failed and that have no scored result"),
  failed_results: z.number().int().describe("failed results recorded in the window (every attempt)"),
  new_leads: z.number().int().describe("analysed dialogs at funnel stage new_lead"),
  hot: z.number().int(),
  warm: z.number().int(),
  cold: z.number().int(),
  mean_score: z.number().nullable().describe("mean score of the analysed dialogs; null when none"),
  tokens: z
    .object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() })
    .describe("tokens of every result in the window (scored and failed, every attempt)"),
  shares: z
    .object({
      analyzed_of_eligible: z.number().nullable().describe("analyzed / dialogs_eligible"),
      errors_of_attempted: z.number().nullable().describe("errors / (analyzed + errors)"),
      new_leads_of_analyzed: z.number().nullable().describe("new_leads / analyzed"),
      hot_of_analyzed: z.number().nullable().describe("hot / analyzed"),
      warm_of_analyzed: z.number().nullable().describe("warm / analyzed"),
      cold_of_analyzed: z.number().nullable().describe("cold / analyzed"),
    })
    .describe("fractions 0–1; the name says the denominator"),
});
/** See {@link DialogStats}. */
export type DialogStats = z.infer<typeof DialogStats>;

/** Answer of `GET /api/dialogs/stats`. */
export const DialogStatsResponse = z
  .object({
    project_id: ProjectId,
    window: ReportWindow,
    min_incoming: z.number().int(),
    stats: DialogStats,
  })
  .describe("dialog and analysis counts of one window");
/** See {@link DialogStatsResponse}. */
export type DialogStatsResponse = z.infer<typeof DialogStatsResponse>;
