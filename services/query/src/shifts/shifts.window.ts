import { lastClosedShift, type ShiftSettings } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { DialogWindowFilter } from "../dialogs/dialogs.repository.js";
import type { ReportWindow } from "../dialogs/dialogs.schemas.js";
import { loadShiftSettings, resolveShift } from "./shifts.repository.js";

/** What a request asked for: one shift, a period `[from, to)`, or nothing (→ the last closed shift). */
export interface WindowRequest {
  readonly shiftId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** A resolved window: the filter for the repositories, the window to echo, and the shift settings used. */
export interface ResolvedWindow {
  readonly filter: DialogWindowFilter;
  readonly window: ReportWindow;
  readonly settings: ShiftSettings;
}

/**
 * Resolves the window of a stats or report request for `projectId`:
 * - `shiftId` → that shift (by `shift_id`; its bounds from the settings or the shift table);
 * - `from` and `to` → `[from, to)` on window midpoints;
 * - neither → the last fully closed shift at `now` under the project's shift settings (SPEC
 *   "reports use the last fully closed shift"), as the period `[start, end)`; `is_default: true`.
 * The routes' schemas require `from` and `to` together; one alone would count as neither.
 * @throws NotFoundError `shift_not_found`; ConflictError `invalid_shift_settings`; the Postgres error.
 */
export async function resolveWindow(
  db: Kysely<Database>,
  projectId: string,
  req: WindowRequest,
  now: Date,
): Promise<ResolvedWindow> {
  const settings = await loadShiftSettings(db, projectId);
  if (req.shiftId !== undefined) {
    const shift = await resolveShift(db, projectId, req.shiftId, settings);
    return {
      settings,
      filter: { projectId, shiftId: req.shiftId },
      window: { shift_id: shift.shiftId, from: shift.start, to: shift.end, is_default: false },
    };
  }
  if (req.from !== undefined && req.to !== undefined) {
    return {
      settings,
      filter: { projectId, from: req.from, to: req.to },
      window: { shift_id: null, from: req.from.toISOString(), to: req.to.toISOString(), is_default: false },
    };
  }
  const shift = lastClosedShift(now.getTime(), settings);
  return {
    settings,
    filter: { projectId, from: new Date(shift.start), to: new Date(shift.end) },
    window: { shift_id: shift.shiftId, from: shift.start, to: shift.end, is_default: true },
  };
}

/** Shift settings as API answers show them (snake_case, as stored in `rm.settings`). */
export function shiftSettingsJson(s: ShiftSettings): {
  time_zone: string;
  start_hour: number;
  length_hours: number;
  lookback_hours: number;
} {
  return {
    time_zone: s.timeZone,
    start_hour: s.startHour,
    length_hours: s.lengthHours,
    lookback_hours: s.lookbackHours,
  };
}
