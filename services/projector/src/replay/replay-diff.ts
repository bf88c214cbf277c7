import type { Database, ReadModels } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import { diffLeadSchemas, type LeadsDiff } from "./leads-diff.js";

/**
 * One changed value of an order between two versions of the read models.
 * - per status group (`rm.order_group_sla`, with `group_id`): `sla_state` (the final state of a group
 *   the order has left: `state_if_closed`), `sla_near_at` / `sla_over_at` (the instants of the group
 *   the order is in now — past or predicted, ISO-8601 UTC — whose comparison with the clock gives its
 *   state);
 * - `cycle_working_seconds` / `cycle_wall_seconds` (`orders_current`, seconds): order-level;
 * - `last_status_group_id` (the group the order is in now) and `closed_at` (ISO-8601 UTC; `null` =
 *   open) of `orders_current`: order-level — what a dictionary change that moves a status or flips
 *   its `is_closing_order` changes.
 * `before` / `after` are the values (`null` = none).
 */
export interface DiffChange {
  readonly order_id: number;
  readonly field: string;
  readonly group_id?: number;
  readonly before: string | number | null;
  readonly after: string | number | null;
}

/**
 * The `ops.replays.diff` of a recomputation (the shape the query's `GET /api/replays/:id` serves):
 * `orders_changed` orders of the project whose SLA state, cycle time, current group or closing
 * time differ; `changes` the first {@link DIFF_LIMIT} changes ordered by order, field and group;
 * `truncated` when there were more. A project recompute adds the amoCRM leads whose qualification,
 * attribution or sale changed (`leads_changed`, `lead_changes`, `leads_truncated`: `LeadsDiff`).
 */
export interface ReplayDiff extends Partial<LeadsDiff> {
  readonly orders_changed: number;
  readonly changes: DiffChange[];
  readonly truncated: boolean;
}

/** At most this many changes are listed in a diff. */
export const DIFF_LIMIT = 500;

const ISO = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * The diff of project `projectId`'s orders between read-model schemas `before` and `after` (e.g. the
 * previous `rm`, renamed by the swap, and the new `rm`), with the rules of {@link DiffChange}:
 * group rows are matched by `(order, group)` and orders by id (both schemas hold the same events).
 * @throws Postgres errors (missing schema).
 */
export async function diffSchemas(
  db: Kysely<Database>,
  before: string,
  after: string,
  projectId: string,
  limit = DIFF_LIMIT,
): Promise<ReplayDiff> {
  const bg = sql.id(before, "order_group_sla");
  const ag = sql.id(after, "order_group_sla");
  const bc = sql.id(before, "orders_current");
  const ac = sql.id(after, "orders_current");
  const iso = (col: string) => sql`to_jsonb(to_char(${sql.ref(col)} AT TIME ZONE 'UTC', ${ISO}))`;
  const changes = sql`
    WITH j AS (
      SELECT a.order_id, a.group_id, a.running_since IS NOT NULL AS running,
             b.state_if_closed AS b_state, a.state_if_closed AS a_state, b.near_at AS b_near, a.near_at AS a_near,
             b.over_at AS b_over, a.over_at AS a_over
      FROM ${ag} a JOIN ${bg} b ON b.project_id = a.project_id AND b.order_id = a.order_id AND b.group_id = a.group_id
      WHERE a.project_id = ${projectId}
        AND ((a.running_since IS NULL AND a.state_if_closed IS DISTINCT FROM b.state_if_closed)
          OR (a.running_since IS NOT NULL AND (a.near_at IS DISTINCT FROM b.near_at
                                            OR a.over_at IS DISTINCT FROM b.over_at)))
    ), c AS (
      SELECT order_id, 'sla_state' AS field, group_id, to_jsonb(b_state) AS before, to_jsonb(a_state) AS after
        FROM j WHERE NOT running AND b_state IS DISTINCT FROM a_state
      UNION ALL
      SELECT order_id, 'sla_near_at', group_id, ${iso("b_near")}, ${iso("a_near")}
        FROM j WHERE running AND b_near IS DISTINCT FROM a_near
      UNION ALL
      SELECT order_id, 'sla_over_at', group_id, ${iso("b_over")}, ${iso("a_over")}
        FROM j WHERE running AND b_over IS DISTINCT FROM a_over
      UNION ALL
      SELECT a.order_id, 'cycle_working_seconds', NULL, to_jsonb(b.cycle_working_seconds), to_jsonb(a.cycle_working_seconds)
        FROM ${ac} a JOIN ${bc} b ON b.project_id = a.project_id AND b.order_id = a.order_id
        WHERE a.project_id = ${projectId} AND a.cycle_working_seconds IS DISTINCT FROM b.cycle_working_seconds
      UNION ALL
      SELECT a.order_id, 'cycle_wall_seconds', NULL, to_jsonb(b.cycle_wall_seconds), to_jsonb(a.cycle_wall_seconds)
        FROM ${ac} a JOIN ${bc} b ON b.project_id = a.project_id AND b.order_id = a.order_id
        WHERE a.project_id = ${projectId} AND a.cycle_wall_seconds IS DISTINCT FROM b.cycle_wall_seconds
      UNION ALL
      SELECT a.order_id, 'last_status_group_id', NULL, to_jsonb(b.last_status_group_id), to_jsonb(a.last_status_group_id)
        FROM ${ac} a JOIN ${bc} b ON b.project_id = a.project_id AND b.order_id = a.order_id
        WHERE a.project_id = ${projectId} AND a.last_status_group_id IS DISTINCT FROM b.last_status_group_id
      UNION ALL
      SELECT a.order_id, 'closed_at', NULL, ${iso("b.closed_at")}, ${iso("a.closed_at")}
        FROM ${ac} a JOIN ${bc} b ON b.project_id = a.project_id AND b.order_id = a.order_id
        WHERE a.project_id = ${projectId} AND a.closed_at IS DISTINCT FROM b.closed_at
    )`;
  const count = await sql<{ n: number }>`${changes} SELECT count(DISTINCT order_id)::int AS n FROM c`.execute(
    db,
  );
  const rows = await sql<{
    order_id: string | number;
    field: string;
    group_id: string | number | null;
    before: string | number | null;
    after: string | number | null;
  }>`${changes} SELECT * FROM c ORDER BY order_id, field, group_id NULLS FIRST LIMIT ${limit + 1}`.execute(
    db,
  );
  const list: DiffChange[] = rows.rows.slice(0, limit).map((r) =>
    r.group_id === null
      ? { order_id: Number(r.order_id), field: r.field, before: r.before, after: r.after }
      : {
          order_id: Number(r.order_id),
          field: r.field,
          group_id: Number(r.group_id),
          before: r.before,
          after: r.after,
        },
  );
  const leads = await diffLeadSchemas(db, before, after, projectId, limit);
  return {
    orders_changed: count.rows[0]?.n ?? 0,
    changes: list,
    truncated: rows.rows.length > limit,
    ...leads,
  };
}

/** What {@link diffSchemas} compares of one order's group, as loaded by {@link loadOrderDiffStates}. */
export interface GroupDiffState {
  readonly running: boolean;
  readonly sla_state: string | null;
  readonly sla_near_at: string | null;
  readonly sla_over_at: string | null;
}

/** What {@link diffSchemas} compares of one order, as loaded by {@link loadOrderDiffStates}. */
export interface OrderDiffState {
  /** Status group id → its SLA row. */
  readonly groups: ReadonlyMap<number, GroupDiffState>;
  readonly cycle_working_seconds: number | null;
  readonly cycle_wall_seconds: number | null;
  readonly last_status_group_id: number | null;
  /** ISO-8601 UTC, `null` when open. */
  readonly closed_at: string | null;
}

const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** Loads {@link OrderDiffState} of the given orders of one project (in the schema of `db`). */
export async function loadOrderDiffStates(
  db: Kysely<ReadModels>,
  projectId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrderDiffState>> {
  const out = new Map<number, OrderDiffState>();
  if (orderIds.length === 0) return out;
  const current = await db
    .selectFrom("orders_current")
    .select(["order_id", "cycle_working_seconds", "cycle_wall_seconds", "last_status_group_id", "closed_at"])
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  const groups = await db
    .selectFrom("order_group_sla")
    .select(["order_id", "group_id", "running_since", "state_if_closed", "near_at", "over_at"])
    .where("project_id", "=", projectId)
    .where("order_id", "in", orderIds)
    .execute();
  for (const c of current) {
    out.set(c.order_id, {
      groups: new Map(),
      cycle_working_seconds: c.cycle_working_seconds,
      cycle_wall_seconds: c.cycle_wall_seconds,
      last_status_group_id: c.last_status_group_id,
      closed_at: isoOrNull(c.closed_at),
    });
  }
  for (const g of groups) {
    const state = out.get(g.order_id);
    if (!state) continue;
    (state.groups as Map<number, GroupDiffState>).set(g.group_id, {
      running: g.running_since !== null,
      sla_state: g.state_if_closed,
      sla_near_at: isoOrNull(g.near_at),
      sla_over_at: isoOrNull(g.over_at),
    });
  }
  return out;
}

/**
 * The changes of one order between two states, with the rules and order of {@link diffSchemas}
 * (an order missing on either side has no comparable values: no changes). Pure.
 */
export function diffOrderStates(
  orderId: number,
  before: OrderDiffState | undefined,
  after: OrderDiffState | undefined,
): DiffChange[] {
  if (!before || !after) return [];
  const out: DiffChange[] = [];
  const ids = [...after.groups.keys()].filter((g) => before.groups.has(g)).sort((a, b) => a - b);
  const byField = (
    field: "sla_state" | "sla_near_at" | "sla_over_at",
    when: (running: boolean) => boolean,
  ) => {
    for (const groupId of ids) {
      const a = after.groups.get(groupId)!;
      const b = before.groups.get(groupId)!;
      if (!when(a.running) || a[field] === b[field]) continue;
      out.push({ order_id: orderId, field, group_id: groupId, before: b[field], after: a[field] });
    }
  };
  if (after.closed_at !== before.closed_at)
    out.push({ order_id: orderId, field: "closed_at", before: before.closed_at, after: after.closed_at });
  if (after.cycle_wall_seconds !== before.cycle_wall_seconds)
    out.push({
      order_id: orderId,
      field: "cycle_wall_seconds",
      before: before.cycle_wall_seconds,
      after: after.cycle_wall_seconds,
    });
  if (after.cycle_working_seconds !== before.cycle_working_seconds)
    out.push({
      order_id: orderId,
      field: "cycle_working_seconds",
      before: before.cycle_working_seconds,
      after: after.cycle_working_seconds,
    });
  if (after.last_status_group_id !== before.last_status_group_id)
    out.push({
      order_id: orderId,
      field: "last_status_group_id",
      before: before.last_status_group_id,
      after: after.last_status_group_id,
    });
  byField("sla_near_at", (running) => running);
  byField("sla_over_at", (running) => running);
  byField("sla_state", (running) => !running);
  return out;
}

/** A {@link ReplayDiff} of per-order change lists (orders in the given order), limited to `limit`. */
export function replayDiffOf(perOrder: readonly DiffChange[][], limit = DIFF_LIMIT): ReplayDiff {
  const all = perOrder.filter((c) => c.length > 0);
  const flat = all.flat();
  return { orders_changed: all.length, changes: flat.slice(0, limit), truncated: flat.length > limit };
}
