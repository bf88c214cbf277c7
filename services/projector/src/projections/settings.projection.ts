import {
  type OrderAnalyticsSettings,
  parseOrderAnalyticsSettings,
  type StoredProjectSettings,
} from "@pulse/domain";
import type { DomainEvent, EventOfType } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type RowOf, writeRows } from "../replay/table-writer.js";
import type { Projection } from "./projection.js";

/** The `settings.*_changed` event types and the `rm.settings.kind` each one writes. */
export const SETTINGS_KINDS = {
  "settings.working_hours_changed": "working_hours",
  "settings.sla_changed": "sla",
  "settings.cycle_changed": "cycle",
  "settings.urgent_rules_changed": "urgent_rules",
  "settings.shifts_changed": "shifts",
  "settings.qualified_stages_changed": "qualified_stages",
  "settings.pipeline_products_changed": "pipeline_products",
  "settings.utm_fields_changed": "utm_fields",
  "settings.ad_teams_changed": "ad_teams",
} as const;

/** A settings event type. */
export type SettingsEventType = keyof typeof SETTINGS_KINDS;
/** A settings event. */
export type SettingsEvent = EventOfType<SettingsEventType>;

/**
 * The settings event types whose change is recomputed over all history (SPEC: "the projections it
 * affects are recomputed over all history"): the order read models depend on working hours, SLA,
 * cycle and urgent rules; the shift deal tables (`rm.shift_deals`) on the shift settings — the
 * rebuild lays every shift out anew with the new zone, start hour and length, so the live tables
 * equal a replay again; the amoCRM lead and sale tables (`rm.leads`, `rm.sales`) on the qualified
 * stages, pipeline products, UTM field ids and ad teams.
 */
export const RECOMPUTE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "settings.working_hours_changed",
  "settings.sla_changed",
  "settings.cycle_changed",
  "settings.urgent_rules_changed",
  "settings.shifts_changed",
  "settings.qualified_stages_changed",
  "settings.pipeline_products_changed",
  "settings.utm_fields_changed",
  "settings.ad_teams_changed",
]);

/** True when `event` is one of the `settings.*_changed` events. */
export function isSettingsEvent(event: DomainEvent): event is SettingsEvent {
  return Object.hasOwn(SETTINGS_KINDS, event.type);
}

/** A `rm.settings` row (`data` as JSON text). */
export type SettingsRow = RowOf<"settings">;

/**
 * The `rm.settings` row of a settings event at stream position `seq` (pure): `kind` by
 * {@link SETTINGS_KINDS}; `data` = the event's data minus `version`/`changed_by`, as JSON text;
 * `changed_at` = the event's `occurred_at`. The latest event per (project, kind) in stream order wins.
 * Also returns `data` as an object (what the analytics parse).
 */
export function settingsRow(event: SettingsEvent, seq: number): { row: SettingsRow; data: unknown } {
  const { version, changed_by, ...data } = event.data;
  return {
    row: {
      project_id: event.project_id,
      kind: SETTINGS_KINDS[event.type],
      version,
      data: JSON.stringify(data),
      changed_by,
      changed_at: event.occurred_at,
      event_seq: seq,
    },
    data,
  };
}

/** Upserts `rm.settings` rows (unique by project and kind within one call). */
export async function writeSettings(
  db: Kysely<ReadModels>,
  schema: string,
  rows: readonly SettingsRow[],
): Promise<void> {
  await writeRows(db, schema, "settings", rows, { keys: ["project_id", "kind"], action: "replace" });
}

/**
 * The current analytics settings of a project (`parseOrderAnalyticsSettings` over its `rm.settings`
 * rows, in the zone of its `rm.projects` row — UTC when it is not registered).
 */
export async function loadAnalyticsSettings(
  db: Kysely<ReadModels>,
  projectId: string,
): Promise<OrderAnalyticsSettings> {
  const rows = await db
    .selectFrom("settings")
    .select(["kind", "data"])
    .where("project_id", "=", projectId)
    .execute();
  const project = await db
    .selectFrom("projects")
    .select("time_zone")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  const stored: Record<string, unknown> = {};
  for (const r of rows) stored[r.kind] = r.data;
  return parseOrderAnalyticsSettings(stored as StoredProjectSettings, project?.time_zone ?? "UTC");
}

/** A settings state: the `rm.settings` row and its data as an object (see {@link settingsRow}). */
export type SettingsState = ReturnType<typeof settingsRow>;

/**
 * The `rm.settings` projection: one state per project and kind (key: the kind), the latest
 * settings event of that kind in stream order ({@link settingsRow}; the stored row is not read).
 * Applied at the event's stream position (the orders before it use the old settings).
 */
export const settingsProjection: Projection<SettingsEvent, SettingsState, string> = {
  name: "settings",
  eventTypes: new Set(Object.keys(SETTINGS_KINDS) as SettingsEventType[]),
  keyOf: (event) => ({ projectId: event.project_id, id: SETTINGS_KINDS[event.type] }),
  evolve: (_state, event, seq) => settingsRow(event, seq),
  rows: (state) => ({ settings: [state.row] }),
  upsert: { settings: { keys: ["project_id", "kind"], action: "replace" } },
};
