import { DEFAULT_MIN_INCOMING } from "@pulse/domain";
import { ProjectId } from "@pulse/events";
import { z } from "zod";
import { ShiftIdParam } from "../dialogs/dialogs.schemas.js";
import { InstantParam, tokenOnly } from "../http/api.schemas.js";

/** Body of `POST /api/analysis/run`: `shiftId`, or `from` and `to`. */
export const AnalysisRunBody = z
  .strictObject({
    project: ProjectId,
    shiftId: ShiftIdParam.optional(),
    from: InstantParam.optional().describe("start of the window, inclusive (ISO instant)"),
    to: InstantParam.optional().describe("end of the window, exclusive (ISO instant)"),
    minIncoming: z.number().int().min(0).max(1000).default(DEFAULT_MIN_INCOMING),
    maxDialogs: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((b) => (b.shiftId !== undefined) !== (b.from !== undefined || b.to !== undefined), {
    message: "give either `shiftId` or `from` and `to`",
    path: ["shiftId"],
  })
  .refine((b) => (b.from === undefined) === (b.to === undefined), {
    message: "give both `from` and `to`",
    path: ["to"],
  })
  .refine((b) => b.from === undefined || b.to === undefined || b.from < b.to, {
    message: "`from` must be before `to`",
    path: ["from"],
  });

/** Query of `POST /api/analysis/run`: only the optional token. */
export const AnalysisRunQuery = z.strictObject(tokenOnly);

/** Answer of `POST /api/analysis/run` (202): the analyst's reply. */
export const AnalysisRunResponse = z
  .object({
    project_id: ProjectId,
    run_id: z.string().describe("the analyst's id of the run"),
    dialogs_queued: z.number().int().describe("dialogs the analyst queued for analysis"),
  })
  .describe("the run was accepted; results arrive as analysis events");
