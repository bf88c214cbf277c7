import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import {
  type DialogWindowFilter,
  latestResultOfShiftDeal,
  windowMidpoint,
} from "../dialogs/dialogs.repository.js";
import type { ManagerLine, ShiftCounts } from "./reports.schemas.js";

/** One manager in one shift, with the score sum that means are made of. */
export interface ShiftManagerRow extends ManagerLine {
  shift_id: string;
  shift_start: string;
  shift_end: string;
  /** Sum of the scores of the analysed rows (`mean_score = score_sum / analyzed`). */
  score_sum: number;
}

/**
 * Per shift and manager (`responsible_user_id` at the window's end), the rows of `rm.shift_deals`
 * in the window (`shiftId`, or shift midpoints in `[from, to)`): dialogs, deals, messages in/out,
 * and over each row's analysis (latest scored result of the same dialog, else latest failed):
 * analysed, errors, hot/warm/cold, score sum and mean; `manager_name` from `rm.crm_users` (null
 * when unknown). Sorted by shift start, then manager (unassigned last).
 * @throws the Postgres error when the query fails.
 */
export async function shiftManagerRows(
  db: Kysely<Database>,
  w: DialogWindowFilter,
): Promise<ShiftManagerRow[]> {
  const rows = await db
    .selectFrom("rm.shift_deals as sd")
    .leftJoinLateral(
      () => latestResultOfShiftDeal(db, "sd").as("r"),
      (join) => join.onTrue(),
    )
    .leftJoin("rm.crm_users as mu", (join) =>
      join.onRef("mu.project_id", "=", "sd.project_id").onRef("mu.user_id", "=", "sd.responsible_user_id"),
    )
    .where("sd.project_id", "=", w.projectId)
    .$if(w.shiftId !== undefined, (qb) => qb.where("sd.shift_id", "=", w.shiftId as string))
    .$if(w.from !== undefined, (qb) =>
      qb.where(windowMidpoint("sd.shift_start", "sd.shift_end"), ">=", w.from as Date),
    )
    .$if(w.to !== undefined, (qb) =>
      qb
        .where("sd.shift_start", "<", w.to as Date) // start ≤ midpoint: lets the index work
        .where(windowMidpoint("sd.shift_start", "sd.shift_end"), "<", w.to as Date),
    )
    .groupBy(["sd.shift_id", "sd.responsible_user_id"])
    .select([
      "sd.shift_id",
      sql<Date>`min(sd.shift_start)`.as("shift_start"),
      sql<Date>`max(sd.shift_end)`.as("shift_end"),
      "sd.responsible_user_id as manager_id",
      sql<string | null>`max(mu.name)`.as("manager_name"),
      sql<number>`count(*)::int`.as("dialogs"),
      sql<number>`count(sd.lead_id)::int`.as("deals"),
      sql<number>`COALESCE(sum(sd.incoming), 0)::int`.as("messages_in"),
      sql<number>`COALESCE(sum(sd.outgoing), 0)::int`.as("messages_out"),
      sql<number>`(count(*) FILTER (WHERE r.status = 'scored'))::int`.as("analyzed"),
      sql<number>`(count(*) FILTER (WHERE r.status = 'failed'))::int`.as("errors"),
      sql<number>`(count(*) FILTER (WHERE r.status = 'scored' AND r.interest = 'hot'))::int`.as("hot"),
      sql<number>`(count(*) FILTER (WHERE r.status = 'scored' AND r.interest = 'warm'))::int`.as("warm"),
      sql<number>`(count(*) FILTER (WHERE r.status = 'scored' AND r.interest = 'cold'))::int`.as("cold"),
      sql<number>`COALESCE(sum(r.score) FILTER (WHERE r.status = 'scored'), 0)::float8`.as("score_sum"),
    ])
    .orderBy(sql`min(sd.shift_start)`)
    .orderBy("sd.responsible_user_id", (ob) => ob.asc().nullsLast())
    .execute();
  return rows.map((r) => ({
    ...r,
    shift_start: r.shift_start.toISOString(),
    shift_end: r.shift_end.toISOString(),
    mean_score: r.analyzed === 0 ? null : r.score_sum / r.analyzed,
  }));
}

/** Counts that add up, with the score sum that the mean is made of. */
export interface SummableCounts extends ShiftCounts {
  score_sum: number;
}

/** All-zero {@link SummableCounts}. */
export function zeroCounts(): SummableCounts {
  return {
    dialogs: 0,
    deals: 0,
    messages_in: 0,
    messages_out: 0,
    analyzed: 0,
    errors: 0,
    hot: 0,
    warm: 0,
    cold: 0,
    mean_score: null,
    score_sum: 0,
  };
}

/** `into` plus `row` (mean recomputed from the sums); returns `into`. */
export function addCounts(into: SummableCounts, row: SummableCounts): SummableCounts {
  into.dialogs += row.dialogs;
  into.deals += row.deals;
  into.messages_in += row.messages_in;
  into.messages_out += row.messages_out;
  into.analyzed += row.analyzed;
  into.errors += row.errors;
  into.hot += row.hot;
  into.warm += row.warm;
  into.cold += row.cold;
  into.score_sum += row.score_sum;
  into.mean_score = into.analyzed === 0 ? null : into.score_sum / into.analyzed;
  return into;
}

/** {@link ShiftCounts} of `c` (drops the score sum). */
export function countsOf(c: SummableCounts): ShiftCounts {
  const { score_sum: _, ...counts } = c;
  return counts;
}

/**
 * Per manager over the whole window: {@link shiftManagerRows} summed across shifts (means from the
 * sums, not a mean of means), with the manager's name. Sorted by manager id, unassigned last.
 */
export function perManager(rows: readonly ShiftManagerRow[]): ManagerLine[] {
  const byManager = new Map<number | null, SummableCounts>();
  const names = new Map<number | null, string | null>();
  for (const r of rows) {
    const acc = byManager.get(r.manager_id) ?? zeroCounts();
    byManager.set(r.manager_id, addCounts(acc, r));
    names.set(r.manager_id, r.manager_name ?? names.get(r.manager_id) ?? null);
  }
  return [...byManager.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a - b))
    .map(([manager_id, c]) => ({ manager_id, manager_name: names.get(manager_id) ?? null, ...countsOf(c) }));
}

/**
 * Orders/deals that changed status in `[from, to)`: distinct orders with an effective status change
 * (`rm.order_status_events.is_effective`, by `status_changed_at`) and the number of those changes.
 * @throws the Postgres error when the query fails.
 */
export async function ordersMoved(
  db: Kysely<Database>,
  projectId: string,
  from: Date,
  to: Date,
): Promise<{ moved: number; statusChanges: number }> {
  const row = await db
    .selectFrom("rm.order_status_events")
    .where("project_id", "=", projectId)
    .where("is_effective", "=", true)
    .where("status_changed_at", ">=", from)
    .where("status_changed_at", "<", to)
    .select([
      sql<number>`count(DISTINCT order_id)::int`.as("moved"),
      sql<number>`count(*)::int`.as("status_changes"),
    ])
    .executeTakeFirstOrThrow();
  return { moved: row.moved, statusChanges: row.status_changes };
}

/**
 * The project's display name (`rm.projects.name`), or its id when unknown.
 * @throws the Postgres error when the query fails.
 */
export async function projectName(db: Kysely<Database>, projectId: string): Promise<string> {
  const row = await db
    .selectFrom("rm.projects")
    .select("name")
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  return row?.name ?? projectId;
}
