import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { type GroupCalendars, groupCalendars } from "./settings.kinds.js";
import type { OrderOverridesBody, SettingsKind } from "./settings.schemas.js";

/** The current version of one settings kind of a project, as `rm.settings` holds it. */
export interface StoredSettings {
  readonly version: number;
  /** The `data` of the latest `settings.*_changed` event (may include `version`/`changed_by`). */
  readonly data: unknown;
  readonly changedBy: string;
  readonly changedAt: Date;
  /** Events-stream sequence of that event. */
  readonly eventSeq: number;
}

/**
 * The current settings of `kind` for `projectId`, or `undefined` when they were never changed (the
 * defaults apply, version 0).
 * @throws the Postgres error when the query fails.
 */
export async function currentSettings(
  db: Kysely<Database>,
  projectId: string,
  kind: SettingsKind,
): Promise<StoredSettings | undefined> {
  const row = await db
    .selectFrom("rm.settings")
    .select(["version", "data", "changed_by", "changed_at", "event_seq"])
    .where("project_id", "=", projectId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    version: row.version,
    data: row.data,
    changedBy: row.changed_by,
    changedAt: row.changed_at,
    eventSeq: row.event_seq,
  };
}

/**
 * The project's time zone (`rm.projects.time_zone`: IANA name or fixed offset), `UTC` when the
 * project is unknown.
 * @throws the Postgres error when the query fails.
 */
export async function projectTimeZone(db: Kysely<Database>, projectId: string): Promise<string> {
  const row = await db
    .selectFrom("rm.projects")
    .select("time_zone")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row?.time_zone ?? "UTC";
}

/**
 * The working calendar of each status group of `projectId`, from its current working-hours
 * settings and time zone (see {@link groupCalendars}: 24/7 when never set).
 * @throws the Postgres error when a query fails.
 */
export async function loadGroupCalendars(db: Kysely<Database>, projectId: string): Promise<GroupCalendars> {
  const [settings, zone] = await Promise.all([
    currentSettings(db, projectId, "working_hours"),
    projectTimeZone(db, projectId),
  ]);
  return groupCalendars(settings?.data, zone);
}

/**
 * True when `rm.orders_current` has the order (the unit order overrides apply to).
 * @throws the Postgres error when the query fails.
 */
export async function orderExists(
  db: Kysely<Database>,
  projectId: string,
  orderId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom("rm.orders_current")
    .select("order_id")
    .where("project_id", "=", projectId)
    .where("order_id", "=", orderId)
    .executeTakeFirst();
  return row !== undefined;
}

/** An order's current overrides with who set them; `undefined` from {@link orderOverrides} when none. */
export interface StoredOverrides {
  readonly overrides: OrderOverridesBody;
  readonly changedBy: string;
  readonly changedAt: Date;
}

/**
 * The current overrides of an order (`rm.order_overrides`), or `undefined` when none were set.
 * @throws the Postgres error when the query fails.
 */
export async function orderOverrides(
  db: Kysely<Database>,
  projectId: string,
  orderId: number,
): Promise<StoredOverrides | undefined> {
  const row = await db
    .selectFrom("rm.order_overrides")
    .select(["urgent", "sla_profile", "cycle_start_at", "cycle_end_at", "changed_by", "changed_at"])
    .where("project_id", "=", projectId)
    .where("order_id", "=", orderId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    overrides: {
      urgent: row.urgent,
      sla_profile: row.sla_profile,
      cycle_start_at: row.cycle_start_at === null ? null : row.cycle_start_at.toISOString(),
      cycle_end_at: row.cycle_end_at === null ? null : row.cycle_end_at.toISOString(),
    },
    changedBy: row.changed_by,
    changedAt: row.changed_at,
  };
}
