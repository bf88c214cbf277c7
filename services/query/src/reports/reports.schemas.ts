import { DEFAULT_MIN_INCOMING } from "@pulse/domain";
import { CrmId, ProjectId } from "@pulse/events";
import { z } from "zod";
import { ReportWindow } from "../dialogs/dialogs.schemas.js";
import { DateParam, Instant, InstantParam, projectScope } from "../http/api.schemas.js";
import { ShiftSettingsJson } from "../shifts/shifts.schemas.js";

/** Query of `GET /api/reports/shifts`: `[from, to)` on shift midpoints, or neither (the last closed shift). */
export const ShiftReportQuery = z
  .strictObject({
    ...projectScope,
    from: InstantParam.optional().describe(
      "inclusive lower bound on the shift's midpoint (ISO instant); with `to`, or neither (last closed shift)",
    ),
    to: InstantParam.optional().describe("exclusive upper bound on the shift's midpoint (ISO instant)"),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: "give both `from` and `to`, or neither",
    path: ["to"],
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: "`from` must be before `to`",
    path: ["from"],
  });

/** Counts of a set of shift deal rows (one manager in one shift, a shift, or the whole window). */
export const ShiftCounts = z.object({
  dialogs: z.number().int().describe("rows of the shift deal table (deals and chat-only contacts)"),
  deals: z.number().int().describe("rows with a deal (lead)"),
  messages_in: z.number().int().describe("incoming messages in the window"),
  messages_out: z.number().int().describe("outgoing messages in the window"),
  analyzed: z.number().int().describe("rows whose dialog has a scored result"),
  errors: z.number().int().describe("rows whose dialog has only failed results"),
  hot: z.number().int(),
  warm: z.number().int(),
  cold: z.number().int(),
  mean_score: z.number().nullable().describe("mean score over `analyzed`; null when 0"),
});
/** See {@link ShiftCounts}. */
export type ShiftCounts = z.infer<typeof ShiftCounts>;

/** One manager's line: the counts of the deals whose responsible user (at the window's end) it is. */
export const ManagerLine = ShiftCounts.extend({
  manager_id: CrmId.nullable().describe(
    "responsible_user_id; null = no responsible user (e.g. chat-only contacts)",
  ),
  manager_name: z
    .string()
    .nullable()
    .describe("the manager's name from the CRM users dictionary; null when unknown (show manager_id)"),
});
/** See {@link ManagerLine}. */
export type ManagerLine = z.infer<typeof ManagerLine>;

/** One shift of the report: its totals and a line per manager (unassigned last). */
export const ShiftReportShift = z.object({
  shift_id: z.string(),
  shift_start: Instant,
  shift_end: Instant,
  totals: ShiftCounts,
  managers: z.array(ManagerLine),
});
/** See {@link ShiftReportShift}. */
export type ShiftReportShift = z.infer<typeof ShiftReportShift>;

/** Answer of `GET /api/reports/shifts`. */
export const ShiftReportResponse = z
  .object({
    project_id: ProjectId,
    window: ReportWindow,
    shift_settings: ShiftSettingsJson,
    shifts: z.array(ShiftReportShift).describe("shifts with at least one row, oldest first"),
    totals: ShiftCounts.describe("over every shift of the window"),
  })
  .describe("per shift and manager: deals, messages, interest and mean score");
/** See {@link ShiftReportResponse}. */
export type ShiftReportResponse = z.infer<typeof ShiftReportResponse>;

/** Report periods: a local day, the ISO week (Monday–Sunday) or the calendar month containing `date`. */
export const ReportPeriod = z.enum(["day", "week", "month"]);
/** See {@link ReportPeriod}. */
export type ReportPeriod = z.infer<typeof ReportPeriod>;

/** Query of `GET /api/reports/text`. */
export const TextReportQuery = z.strictObject({
  ...projectScope,
  period: ReportPeriod.default("day"),
  date: DateParam.optional().describe(
    "a local date in the period (shift settings' zone); default: yesterday there",
  ),
  top: z.coerce.number().int().min(0).max(50).default(5).describe("how many hot dialogs to list"),
  minIncoming: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(DEFAULT_MIN_INCOMING)
    .describe("least incoming messages of an eligible dialog"),
});
