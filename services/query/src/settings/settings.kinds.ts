/**
 * The settings kinds the admin API edits, each tied to its event type, its body schema (from
 * @pulse/events), its SPEC default and its domain validation (the parsers of @pulse/domain), plus
 * the interpretation of stored working hours as per-group calendars for measuring open intervals.
 * Pure: no I/O.
 */
import {
  cycleRulesToJson,
  DEFAULT_AD_TEAM_SETTINGS,
  DEFAULT_SALES_SETTINGS,
  DEFAULT_SHIFT_SETTINGS,
  DEFAULT_UTM_FIELD_IDS,
  DEFAULT_WORKING_CALENDAR,
  EMPTY_SLA_SETTINGS,
  type OrderOverrides,
  parseCycleRules,
  parseOrderOverrides,
  parseSlaSettings,
  parseUrgentRules,
  parseWorkingCalendar,
  resolveShiftSettings,
  SettingsError,
  type SettingsIssue,
  slaSettingsToJson,
  urgentRulesToJson,
  workingCalendarToSettings,
} from "@pulse/domain";
import type { DomainEventType } from "@pulse/events";
import { ValidationError } from "@pulse/infra";
import type { z } from "zod";
import type { ProblemIssue } from "../http/problem.handler.js";
import {
  AdTeamsBody,
  CycleSettings,
  type OrderOverridesBody,
  PipelineProductsBody,
  QualifiedStagesBody,
  type SettingsKind,
  ShiftSettingsBody,
  SlaSettingsBody,
  UrgentRulesSettings,
  UtmFieldsBody,
  WorkingHoursSettings,
} from "./settings.schemas.js";

/**
 * One editable settings kind.
 * - `kind`: `rm.settings.kind` and the dedup-key token; `route`: path under `/api`;
 * - `eventType`: the `settings.*_changed` event a change publishes;
 * - `schema`: the settings body without `version` (the event's `data` minus `version`/`changed_by`);
 * - `defaults()`: what applies while the project never changed them (SPEC defaults);
 * - `normalize(settings)`: validates with the domain parser and returns the canonical form that is
 *   published (e.g. SLA limits as `hh:mm`, urgent-rule ids without leading zeros).
 *   @throws SettingsError listing every issue, paths in the body's own field names.
 */
export interface SettingsKindSpec<S extends z.ZodObject> {
  readonly kind: SettingsKind;
  readonly route: string;
  readonly eventType: DomainEventType;
  readonly title: string;
  readonly schema: S;
  readonly defaults: () => z.infer<S>;
  readonly normalize: (settings: z.infer<S>) => z.infer<S>;
}

/** Runs `parse`, moving the issues of a {@link SettingsError} into `issues`; other errors propagate. */
function collect(issues: SettingsIssue[], parse: () => void): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    issues.push(...error.issues);
  }
}

const GROUP_KEY = /^\d{1,15}$/;

/** Working hours: every calendar checked by `parseWorkingCalendar`; group keys must be status group ids. */
export const WORKING_HOURS_KIND: SettingsKindSpec<typeof WorkingHoursSettings> = {
  kind: "working_hours",
  route: "/settings/working-hours",
  eventType: "settings.working_hours_changed",
  title: "working hours",
  schema: WorkingHoursSettings,
  defaults: () => {
    // SPEC default: 24/7. No time_zone: the project's zone applies (it does not matter for 24/7).
    const { working_hours, holidays } = workingCalendarToSettings(DEFAULT_WORKING_CALENDAR);
    return { default: { working_hours, holidays }, groups: {} };
  },
  normalize: (settings) => {
    const issues: SettingsIssue[] = [];
    collect(issues, () => parseWorkingCalendar(settings.default, "default"));
    for (const [key, calendar] of Object.entries(settings.groups)) {
      if (!GROUP_KEY.test(key)) {
        issues.push({
          path: `groups.${key}`,
          message: "the key must be a status group id (a non-negative integer)",
        });
      }
      collect(issues, () => parseWorkingCalendar(calendar, `groups.${key}`));
    }
    if (issues.length > 0) throw new SettingsError(issues);
    return settings;
  },
};

/** SLA grids: checked and canonicalised by `parseSlaSettings` / `slaSettingsToJson`. */
export const SLA_KIND: SettingsKindSpec<typeof SlaSettingsBody> = {
  kind: "sla",
  route: "/settings/sla",
  eventType: "settings.sla_changed",
  title: "SLA",
  schema: SlaSettingsBody,
  defaults: () => slaSettingsToJson(EMPTY_SLA_SETTINGS),
  normalize: (settings) => slaSettingsToJson(parseSlaSettings(settings)),
};

/** Cycle rules: checked and canonicalised by `parseCycleRules` / `cycleRulesToJson`. */
export const CYCLE_KIND: SettingsKindSpec<typeof CycleSettings> = {
  kind: "cycle",
  route: "/settings/cycle",
  eventType: "settings.cycle_changed",
  title: "cycle rules",
  schema: CycleSettings,
  defaults: () => ({ rules: [] }),
  normalize: (settings) => ({ rules: cycleRulesToJson(parseCycleRules(settings.rules, "rules")) }),
};

/** Urgent rules: checked and canonicalised by `parseUrgentRules` / `urgentRulesToJson`. */
export const URGENT_RULES_KIND: SettingsKindSpec<typeof UrgentRulesSettings> = {
  kind: "urgent_rules",
  route: "/settings/urgent-rules",
  eventType: "settings.urgent_rules_changed",
  title: "urgent rules",
  schema: UrgentRulesSettings,
  defaults: () => ({ rules: [] }),
  normalize: (settings) => ({ rules: urgentRulesToJson(parseUrgentRules(settings.rules, "rules")) }),
};

/** The domain's camelCase fields of shift settings → the body's field names. */
const SHIFT_PATHS: Readonly<Record<string, string>> = {
  timeZone: "time_zone",
  startHour: "start_hour",
  lengthHours: "length_hours",
  lookbackHours: "lookback_hours",
};

/** Shift settings: checked by `resolveShiftSettings` (zone canonicalised, `+05` → `+05:00`). */
export const SHIFTS_KIND: SettingsKindSpec<typeof ShiftSettingsBody> = {
  kind: "shifts",
  route: "/settings/shifts",
  eventType: "settings.shifts_changed",
  title: "shift settings",
  schema: ShiftSettingsBody,
  defaults: () => ({
    time_zone: DEFAULT_SHIFT_SETTINGS.timeZone,
    start_hour: DEFAULT_SHIFT_SETTINGS.startHour,
    length_hours: DEFAULT_SHIFT_SETTINGS.lengthHours,
    lookback_hours: DEFAULT_SHIFT_SETTINGS.lookbackHours,
  }),
  normalize: (settings) => {
    try {
      const s = resolveShiftSettings({
        timeZone: settings.time_zone,
        startHour: settings.start_hour,
        lengthHours: settings.length_hours,
        lookbackHours: settings.lookback_hours,
      });
      return {
        time_zone: s.timeZone,
        start_hour: s.startHour,
        length_hours: s.lengthHours,
        lookback_hours: s.lookbackHours,
      };
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      throw new SettingsError(error.issues.map((i) => ({ ...i, path: SHIFT_PATHS[i.path] ?? i.path })));
    }
  },
};

/** Throws a {@link SettingsError} when `issues` is not empty. */
function throwIssues(issues: SettingsIssue[]): void {
  if (issues.length > 0) throw new SettingsError(issues);
}

/**
 * Qualified stages (SPEC "amoCRM deals"): each `(pipeline_id, status_id)` at most once; entries are
 * published sorted by pipeline, then stage.
 */
export const QUALIFIED_STAGES_KIND: SettingsKindSpec<typeof QualifiedStagesBody> = {
  kind: "qualified_stages",
  route: "/settings/qualified-stages",
  eventType: "settings.qualified_stages_changed",
  title: "qualified stages",
  schema: QualifiedStagesBody,
  defaults: () => ({ stages: [] }),
  normalize: (settings) => {
    const issues: SettingsIssue[] = [];
    const seen = new Set<string>();
    settings.stages.forEach((st, i) => {
      const key = `${st.pipeline_id}:${st.status_id}`;
      if (seen.has(key)) issues.push({ path: `stages[${i}]`, message: `stage ${key} is listed twice` });
      seen.add(key);
    });
    throwIssues(issues);
    const stages = [...settings.stages].sort(
      (a, b) => a.pipeline_id - b.pipeline_id || a.status_id - b.status_id,
    );
    return { stages };
  },
};

/** Pipeline products: one product per pipeline; published sorted by pipeline. */
export const PIPELINE_PRODUCTS_KIND: SettingsKindSpec<typeof PipelineProductsBody> = {
  kind: "pipeline_products",
  route: "/settings/pipeline-products",
  eventType: "settings.pipeline_products_changed",
  title: "pipeline products",
  schema: PipelineProductsBody,
  defaults: () => ({ default_currency: DEFAULT_SALES_SETTINGS.defaultCurrency, products: [] }),
  normalize: (settings) => {
    const issues: SettingsIssue[] = [];
    const seen = new Set<number>();
    settings.products.forEach((p, i) => {
      if (seen.has(p.pipeline_id))
        issues.push({
          path: `products[${i}].pipeline_id`,
          message: `pipeline ${p.pipeline_id} has two products`,
        });
      seen.add(p.pipeline_id);
    });
    throwIssues(issues);
    return {
      default_currency: settings.default_currency,
      products: [...settings.products].sort((a, b) => a.pipeline_id - b.pipeline_id),
    };
  },
};

/** UTM field ids: every key needs at least one field id; a field id may serve one key only. */
export const UTM_FIELDS_KIND: SettingsKindSpec<typeof UtmFieldsBody> = {
  kind: "utm_fields",
  route: "/settings/utm-fields",
  eventType: "settings.utm_fields_changed",
  title: "UTM field ids",
  schema: UtmFieldsBody,
  defaults: () => ({
    fields: Object.fromEntries(
      Object.entries(DEFAULT_UTM_FIELD_IDS).map(([k, ids]) => [k, [...ids]]),
    ) as UtmFieldsBody["fields"],
  }),
  normalize: (settings) => {
    const issues: SettingsIssue[] = [];
    const owner = new Map<number, string>();
    for (const [key, ids] of Object.entries(settings.fields)) {
      if (ids.length === 0) issues.push({ path: `fields.${key}`, message: "needs at least one field id" });
      ids.forEach((id, i) => {
        const other = owner.get(id);
        if (other !== undefined && other !== key)
          issues.push({ path: `fields.${key}[${i}]`, message: `field ${id} is already read as ${other}` });
        else if (other === key)
          issues.push({ path: `fields.${key}[${i}]`, message: `field ${id} is listed twice` });
        owner.set(id, key);
      });
    }
    throwIssues(issues);
    return settings;
  },
};

/**
 * Ad teams (the team constructor): team names unique (case-insensitive); a team's patterns are
 * trimmed, empty ones dropped, duplicates removed. A pattern under two teams is allowed — values
 * matching it are reported as ambiguous (SPEC "pb_agency").
 */
export const AD_TEAMS_KIND: SettingsKindSpec<typeof AdTeamsBody> = {
  kind: "ad_teams",
  route: "/settings/ad-teams",
  eventType: "settings.ad_teams_changed",
  title: "ad teams",
  schema: AdTeamsBody,
  defaults: () => ({ teams: DEFAULT_AD_TEAM_SETTINGS.map((t) => ({ ...t, patterns: [...t.patterns] })) }),
  normalize: (settings) => {
    const issues: SettingsIssue[] = [];
    const names = new Set<string>();
    const teams = settings.teams.map((t, i) => {
      const name = t.name.trim();
      if (name === "") issues.push({ path: `teams[${i}].name`, message: "a team needs a name" });
      if (names.has(name.toLowerCase()))
        issues.push({ path: `teams[${i}].name`, message: `team ${JSON.stringify(name)} is listed twice` });
      names.add(name.toLowerCase());
      const patterns = [...new Set(t.patterns.map((p) => p.trim()).filter((p) => p !== ""))];
      return { ...t, name, utm_source: t.utm_source.trim(), patterns };
    });
    throwIssues(issues);
    return { teams };
  },
};

/**
 * Validates an order-overrides body with `parseOrderOverrides` (instants normalised to ISO-8601 UTC
 * with ms, end not before start) and checks that `sla_profile` names a grid of the project's SLA
 * settings (`normal` and `urgent` always exist). Returns the body to publish.
 * @param profiles the grid names of the project's current SLA settings.
 * @throws SettingsError listing every issue, paths in the body's field names.
 */
export function normalizeOverrides(
  body: OrderOverridesBody,
  profiles: readonly string[],
): OrderOverridesBody {
  const issues: SettingsIssue[] = [];
  let parsed: OrderOverrides = {};
  collect(issues, () => {
    // The domain names the cycle bounds `cycle_started_at`/`cycle_ended_at`; the event and the API
    // use `cycle_start_at`/`cycle_end_at`.
    parsed = parseOrderOverrides(
      {
        urgent: body.urgent,
        sla_profile: body.sla_profile,
        cycle_started_at: body.cycle_start_at,
        cycle_ended_at: body.cycle_end_at,
      },
      "",
    );
  });
  const renamed = issues.map((i) => ({
    ...i,
    path: i.path
      .replace(/^\./, "")
      .replace(/^cycle_started_at/, "cycle_start_at")
      .replace(/^cycle_ended_at/, "cycle_end_at"),
  }));
  const known = new Set(["normal", "urgent", ...profiles]);
  const profileMalformed = renamed.some((i) => i.path === "sla_profile");
  if (typeof body.sla_profile === "string" && !known.has(body.sla_profile) && !profileMalformed) {
    renamed.push({
      path: "sla_profile",
      message: `unknown SLA profile ${JSON.stringify(body.sla_profile)} (the SLA settings have: ${[...known].join(", ")})`,
    });
  }
  if (renamed.length > 0) throw new SettingsError(renamed);
  const instant = (v: unknown): string | null => (typeof v === "string" ? v : null);
  return {
    urgent: parsed.urgent ?? null,
    sla_profile: parsed.slaProfile ?? null,
    cycle_start_at: instant(parsed.cycleStartedAt),
    cycle_end_at: instant(parsed.cycleEndedAt),
  };
}

/**
 * A settings issue path (`default.working_hours.mon[1]`, `grids.urgent.3`, `rules[0].name`) as a
 * JSON pointer into the body (`/default/working_hours/mon/1`), the form of {@link ProblemIssue}
 * paths; `(root)` is the body itself (`""`).
 */
export function issuePointer(path: string): string {
  if (path === "(root)" || path === "") return "";
  const tokens = path
    .split(/\.|\[(\d+)\]/)
    .filter((t): t is string => t !== undefined && t !== "")
    .map((t) => t.replace(/~/g, "~0").replace(/\//g, "~1"));
  return `/${tokens.join("/")}`;
}

/**
 * The 400 answer for a {@link SettingsError}: code `invalid_settings`, the detail lists every
 * issue (`path: message; …`), and `issues` carries each with its JSON-pointer path into the body.
 */
export function settingsValidationError(error: SettingsError): ValidationError {
  const issues: ProblemIssue[] = error.issues.map((i) => ({
    location: "body",
    path: issuePointer(i.path),
    code: "invalid_settings",
    message: i.message,
  }));
  return new ValidationError("invalid_settings", error.message, { extensions: { issues } });
}

// The group → calendar rule is the domain's (`groupCalendars` of `@pulse/domain`), shared with the
// projector so reads and stored working seconds agree.
export { type GroupCalendars, groupCalendars } from "@pulse/domain";
