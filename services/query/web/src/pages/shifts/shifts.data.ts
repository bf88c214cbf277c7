/**
 * The Shifts and dialogs page's filters as plain data, read from and written to the URL, and the
 * query of `GET /api/dialogs/analysis` / `GET /api/dialogs/export.csv` they make. Pure: no DOM.
 */

/** Interest bands of a score (SPEC "Dialog scoring"). */
export const INTERESTS = ["hot", "warm", "cold"] as const;
/** Funnel stages of the analyst (SPEC "Dialog scoring"). */
export const FUNNEL_STAGES = [
  "new_lead",
  "not_qualified",
  "qualified",
  "consultation_booked",
  "consultation_completed",
  "deal_closed",
  "deal_lost",
] as const;
/** Sort columns of the dialog list. */
export const SORTS = ["score", "recorded_at", "window_start"] as const;

/** The dialog list's filters as the form edits them (`""` = not filtered). */
export interface DialogFilters {
  interest: (typeof INTERESTS)[number] | "";
  minScore: string;
  funnelStage: (typeof FUNNEL_STAGES)[number] | "";
  qualificationComplete: "true" | "false" | "";
  manager: string;
  shiftId: string;
  includeFailed: boolean;
  sort: (typeof SORTS)[number];
  dir: "asc" | "desc";
  page: number;
}

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | "" {
  return allowed.find((a) => a === value) ?? "";
}

const SHIFT_ID = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/;

/** The filters of the URL's query string; anything malformed is left unfiltered. */
export function readDialogFilters(params: URLSearchParams): DialogFilters {
  const minScore = params.get("minScore") ?? "";
  const manager = params.get("manager") ?? "";
  const shiftId = params.get("shiftId") ?? "";
  const page = Number(params.get("page") ?? "1");
  return {
    interest: pick(params.get("interest"), INTERESTS),
    minScore: /^\d{1,3}$/.test(minScore) && Number(minScore) <= 100 ? minScore : "",
    funnelStage: pick(params.get("funnelStage"), FUNNEL_STAGES),
    qualificationComplete: pick(params.get("qualificationComplete"), ["true", "false"] as const),
    manager: /^\d{1,15}$/.test(manager) ? manager : "",
    shiftId: SHIFT_ID.test(shiftId) ? shiftId : "",
    includeFailed: params.get("includeFailed") === "true",
    sort: pick(params.get("sort"), SORTS) || "score",
    dir: params.get("dir") === "asc" ? "asc" : "desc",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/**
 * The filters as query parameters (only those set; sort, dir and page only when not the default),
 * for the URL and, without paging and sorting, for the CSV export.
 */
export function dialogFilterParams(
  f: DialogFilters,
  opts: { paging: boolean } = { paging: true },
): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.interest) out["interest"] = f.interest;
  if (f.minScore) out["minScore"] = f.minScore;
  if (f.funnelStage) out["funnelStage"] = f.funnelStage;
  if (f.qualificationComplete) out["qualificationComplete"] = f.qualificationComplete;
  if (f.manager) out["manager"] = f.manager;
  if (f.shiftId) out["shiftId"] = f.shiftId;
  if (f.includeFailed) out["includeFailed"] = "true";
  if (opts.paging) {
    if (f.sort !== "score") out["sort"] = f.sort;
    if (f.dir !== "desc") out["dir"] = f.dir;
    if (f.page !== 1) out["page"] = String(f.page);
  }
  return out;
}

/**
 * The address of the CSV export of the filtered dialogs: same origin, so the session cookie goes
 * with it (no credential in the URL).
 */
export function dialogCsvUrl(projectId: string, f: DialogFilters, delimiter: "comma" | "semicolon"): string {
  const q = new URLSearchParams({
    project: projectId,
    ...dialogFilterParams(f, { paging: false }),
    delimiter,
  });
  return `/api/dialogs/export.csv?${q.toString()}`;
}

/** How many pages `total` rows make at `pageSize` a page (at least 1). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * The start of local day `date` (`YYYY-MM-DD`) in `zone` as an ISO instant. Shift zones may be
 * fixed offsets (`+05:00`, SPEC "Shift: time zone UTC+5"), which are computed here; IANA names go
 * to `zonedDayStart` (passed in: it lives in the app's time formatting).
 */
export function shiftDayStart(
  date: string,
  zone: string,
  zonedDayStart: (d: string, z: string) => string,
): string {
  const m = OFFSET.exec(zone);
  if (m === null) return zonedDayStart(date, zone);
  const sign = m[1] === "-" ? -1 : 1;
  const offsetMs = sign * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - offsetMs).toISOString();
}
