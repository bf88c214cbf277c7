import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import type { WebhookStatsRow, WebhookStatsTotals } from "./webhooks.routes.js";

/** Filter of {@link webhookStats}: UTC days `[fromDay, toDay]` (both inclusive, `YYYY-MM-DD`). */
export interface WebhookStatsFilter {
  readonly projectId: string;
  readonly fromDay?: string | undefined;
  readonly toDay?: string | undefined;
  readonly source?: string | undefined;
}

/**
 * Rows of `rm.webhook_stats` (by day, then source) and their totals. In the totals, `duplicates`
 * includes `late_duplicates` (dropped by the projector's dedup key after the stream's duplicate
 * window), which is also given alone; rows keep the two apart as stored.
 * @throws the Postgres error when a query fails.
 */
export async function webhookStats(
  db: Kysely<Database>,
  f: WebhookStatsFilter,
): Promise<{ rows: WebhookStatsRow[]; totals: WebhookStatsTotals }> {
  const base = db
    .selectFrom("rm.webhook_stats")
    .where("project_id", "=", f.projectId)
    .$if(f.fromDay !== undefined, (qb) => qb.where("day", ">=", f.fromDay as string))
    .$if(f.toDay !== undefined, (qb) => qb.where("day", "<=", f.toDay as string))
    .$if(f.source !== undefined, (qb) => qb.where("source", "=", f.source as string));
  const rows = await base
    .select(["day", "source", "received", "accepted", "duplicates", "late_duplicates", "ignored", "rejected"])
    .orderBy("day")
    .orderBy("source")
    .execute();
  const totals = await base
    .select([
      sql<number>`COALESCE(sum(received), 0)::float8`.as("received"),
      sql<number>`COALESCE(sum(accepted), 0)::float8`.as("accepted"),
      sql<number>`COALESCE(sum(duplicates + late_duplicates), 0)::float8`.as("duplicates"),
      sql<number>`COALESCE(sum(late_duplicates), 0)::float8`.as("late_duplicates"),
      sql<number>`COALESCE(sum(ignored), 0)::float8`.as("ignored"),
      sql<number>`COALESCE(sum(rejected), 0)::float8`.as("rejected"),
    ])
    .executeTakeFirstOrThrow();
  return { rows, totals };
}
