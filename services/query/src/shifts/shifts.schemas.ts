import { CrmId, ProjectId } from "@pulse/events";
import { z } from "zod";
import { AnalysisSummary, ShiftIdParam } from "../dialogs/dialogs.schemas.js";
import { IdParam, Instant, projectScope } from "../http/api.schemas.js";

/** Shift settings in effect (`rm.settings` kind `shifts` over the SPEC defaults). */
export const ShiftSettingsJson = z.object({
  time_zone: z.string().describe("IANA zone or ±hh:mm"),
  start_hour: z.number().int().describe("local hour a shift starts at"),
  length_hours: z.number().int(),
  lookback_hours: z.number().int().describe("catch-up after a shift ends, hours"),
});

/** Path of `GET /api/shifts/:shiftId/deals`. */
export const ShiftDealsParams = z.object({ shiftId: ShiftIdParam });

/** Query of `GET /api/shifts/:shiftId/deals`. */
export const ShiftDealsQuery = z.strictObject({
  ...projectScope,
  manager: IdParam.optional().describe("only deals of this responsible user"),
  minIncoming: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe("only dialogs with ≥ this many incoming messages"),
});

/** One row of the shift deal table. */
export const ShiftDealItem = z.object({
  dialog_key: z.string().describe("`lead:{id}` or, for a chat-only contact, `phone:{E.164}`"),
  lead_id: CrmId.nullable(),
  deal_name: z.string().nullable().describe("rm.deals_current.name"),
  price: z.number().nullable(),
  phone: z.string().nullable().describe("the contact phone of a chat-only row"),
  manager_id: CrmId.nullable().describe("responsible user at the window's end"),
  manager_name: z
    .string()
    .nullable()
    .describe("the manager's name from the CRM users dictionary; null when unknown (show manager_id)"),
  pipeline_id: CrmId.nullable().describe("pipeline at the window's end"),
  pipeline_name: z.string().nullable(),
  status_id: CrmId.nullable().describe("stage at the window's end"),
  status_name: z.string().nullable(),
  phones: z.array(z.string()).describe("the deal's contact phones, E.164"),
  updated_in_window: z.boolean(),
  messaged_in_window: z.boolean(),
  incoming: z.number().int(),
  outgoing: z.number().int(),
  dialog_text: z.string().describe("the window's messages as text"),
  first_message_at: Instant.nullable(),
  last_message_at: Instant.nullable(),
  analysis: AnalysisSummary.nullable().describe(
    "latest scored result, else latest failed; null if not analysed",
  ),
});
/** See {@link ShiftDealItem}. */
export type ShiftDealItem = z.infer<typeof ShiftDealItem>;

/** Answer of `GET /api/shifts/:shiftId/deals`. */
export const ShiftDealsResponse = z
  .object({
    project_id: ProjectId,
    shift_id: z.string(),
    shift_start: Instant,
    shift_end: Instant,
    shift_settings: ShiftSettingsJson,
    items: z.array(ShiftDealItem),
  })
  .describe("the shift deal table of one shift");
/** See {@link ShiftDealsResponse}. */
export type ShiftDealsResponse = z.infer<typeof ShiftDealsResponse>;
