import { ApiError, api, unwrap } from "../../api/client.ts";
import type { GetJson } from "../../api/types.ts";

/** `GET /api/settings/working-hours` answer. */
export type WorkingHoursResponse = GetJson<"/api/settings/working-hours">;
/** `GET /api/settings/sla` answer. */
export type SlaResponse = GetJson<"/api/settings/sla">;
/** `GET /api/settings/cycle` answer. */
export type CycleResponse = GetJson<"/api/settings/cycle">;
/** `GET /api/settings/urgent-rules` answer. */
export type UrgentRulesResponse = GetJson<"/api/settings/urgent-rules">;
/** Whether the read models follow the settings (`recompute` of every settings answer). */
export type RecomputeState = SlaResponse["recompute"];
/** `GET /api/replays/{id}` answer: a recomputation's progress and, once done, its diff. */
export type ReplayDetail = GetJson<"/api/replays/{id}">;
/** `GET /api/dicts/statuses` answer. */
export type StatusDictionary = GetJson<"/api/dicts/statuses">;

/** The settings kinds the page edits, by their `GET`/`PUT` path. */
export const SETTINGS_PATHS = {
  working_hours: "/api/settings/working-hours",
  sla: "/api/settings/sla",
  cycle: "/api/settings/cycle",
  urgent_rules: "/api/settings/urgent-rules",
} as const;
/** One of {@link SETTINGS_PATHS}' keys. */
export type SettingsKind = keyof typeof SETTINGS_PATHS;

/** Query key of one kind's settings of a project (invalidate after a save or a recompute). */
export function settingsKey(projectId: string, kind: SettingsKind): readonly string[] {
  return ["settings", projectId, kind];
}

/** One issue of a 400 `invalid_settings` answer: a JSON pointer into the body and the rule it broke. */
export interface SettingsIssue {
  path: string;
  message: string;
}

/**
 * A save the API refused: `code` `invalid_settings` (with `issues`), `version_conflict` (someone else
 * saved first: reload), `admin_required`, `events_unavailable` (503, retry later), ….
 */
export class SettingsSaveError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    /** The body's issues (400 `invalid_settings`); empty otherwise. */
    readonly issues: SettingsIssue[],
  ) {
    super(status, code, message);
    this.name = "SettingsSaveError";
  }
}

/** 202 answer of a settings `PUT`: where the recomputation it triggers can be followed. */
export interface SettingsAccepted {
  version: number | null;
  replay_id: string;
}

/**
 * The accepted answer of a `PUT`, or a {@link SettingsSaveError} with the problem's issues.
 * @throws SettingsSaveError on any non-2xx answer.
 */
function accepted(result: {
  data?: SettingsAccepted;
  error?: unknown;
  response: Response;
}): SettingsAccepted {
  if (result.response.ok && result.data !== undefined) return result.data;
  const problem = (result.error ?? {}) as { code?: unknown; detail?: unknown; issues?: unknown };
  const issues = Array.isArray(problem.issues)
    ? problem.issues.flatMap((i: unknown) => {
        const o = (i ?? {}) as { path?: unknown; message?: unknown };
        return typeof o.message === "string"
          ? [{ path: typeof o.path === "string" ? o.path : "", message: o.message }]
          : [];
      })
    : [];
  throw new SettingsSaveError(
    result.response.status,
    typeof problem.code === "string" ? problem.code : `http_${result.response.status}`,
    typeof problem.detail === "string" ? problem.detail : result.response.statusText,
    issues,
  );
}

/** The project's working hours (defaults with version 0 while never changed). */
export async function getWorkingHours(project: string): Promise<WorkingHoursResponse> {
  return unwrap(await api.GET("/api/settings/working-hours", { params: { query: { project } } }));
}

/** The project's SLA grids. */
export async function getSla(project: string): Promise<SlaResponse> {
  return unwrap(await api.GET("/api/settings/sla", { params: { query: { project } } }));
}

/** The project's cycle rules. */
export async function getCycle(project: string): Promise<CycleResponse> {
  return unwrap(await api.GET("/api/settings/cycle", { params: { query: { project } } }));
}

/** The project's urgent rules. */
export async function getUrgentRules(project: string): Promise<UrgentRulesResponse> {
  return unwrap(await api.GET("/api/settings/urgent-rules", { params: { query: { project } } }));
}

/** Saves working hours based on `version`. @throws SettingsSaveError */
export async function putWorkingHours(
  project: string,
  version: number,
  settings: WorkingHoursResponse["settings"],
): Promise<SettingsAccepted> {
  return accepted(
    await api.PUT("/api/settings/working-hours", {
      params: { query: { project } },
      body: { version, ...settings },
    }),
  );
}

/** Saves SLA grids based on `version`. @throws SettingsSaveError */
export async function putSla(
  project: string,
  version: number,
  settings: SlaResponse["settings"],
): Promise<SettingsAccepted> {
  return accepted(
    await api.PUT("/api/settings/sla", { params: { query: { project } }, body: { version, ...settings } }),
  );
}

/** Saves cycle rules based on `version`. @throws SettingsSaveError */
export async function putCycle(
  project: string,
  version: number,
  settings: CycleResponse["settings"],
): Promise<SettingsAccepted> {
  return accepted(
    await api.PUT("/api/settings/cycle", { params: { query: { project } }, body: { version, ...settings } }),
  );
}

/** Saves urgent rules based on `version`. @throws SettingsSaveError */
export async function putUrgentRules(
  project: string,
  version: number,
  settings: UrgentRulesResponse["settings"],
): Promise<SettingsAccepted> {
  return accepted(
    await api.PUT("/api/settings/urgent-rules", {
      params: { query: { project } },
      body: { version, ...settings },
    }),
  );
}

/**
 * A recomputation's progress and outcome, or `null` while the projector has not picked it up yet
 * (404 `replay_not_found`, usually for a second after the change).
 * @throws ApiError for other failures.
 */
export async function getReplay(project: string, id: string): Promise<ReplayDetail | null> {
  const result = await api.GET("/api/replays/{id}", { params: { path: { id }, query: { project } } });
  if (result.response.status === 404) return null;
  return unwrap(result);
}

/** The project's status groups and statuses. */
export async function getStatusDictionary(project: string): Promise<StatusDictionary> {
  return unwrap(await api.GET("/api/dicts/statuses", { params: { query: { project } } }));
}
