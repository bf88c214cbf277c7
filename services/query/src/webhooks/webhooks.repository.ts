import { WEBHOOK_STATS_COUNTERS } from "@pulse/events";
import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";
import type { WebhookFreshness, WebhookStatsRow, WebhookStatsTotals } from "./webhooks.routes.js";

/** Filter of {@link webhookStats}: UTC days `[fromDay, toDay]` (both inclusive, `YYYY-MM-DD`). */
export interface WebhookStatsFilter {
  readonly projectId: string;
  readonly fromDay?: string | undefined;
  readonly toDay?: string | undefined;
  readonly source?: string | undefined;
}

const COUNTERS = WEBHOOK_STATS_COUNTERS;

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

/**
 * Rows of `rm.webhook_stats` (by day, then source) and their totals within the filter, and the
 * freshness of each source of the project (latest receive times over all days, `source` filter
 * applied). Times are ISO-8601 UTC.
 * @throws the Postgres error when a query fails.
 */
export async function webhookStats(
  db: Kysely<Database>,
  f: WebhookStatsFilter,
): Promise<{ rows: WebhookStatsRow[]; totals: WebhookStatsTotals; freshness: WebhookFreshness[] }> {
  const project = db
    .selectFrom("rm.webhook_stats")
    .where("project_id", "=", f.projectId)
    .$if(f.source !== undefined, (qb) => qb.where("source", "=", f.source as string));
  const base = project
    .$if(f.fromDay !== undefined, (qb) => qb.where("day", ">=", f.fromDay as string))
    .$if(f.toDay !== undefined, (qb) => qb.where("day", "<=", f.toDay as string));
  const stored = await base
    .select(["day", "source", ...COUNTERS, "last_received_at", "last_accepted_at"])
    .orderBy("day")
    .orderBy("source")
    .execute();
  const rows = stored.map((r) => ({
    ...r,
    last_received_at: iso(r.last_received_at),
    last_accepted_at: iso(r.last_accepted_at),
  }));
  const totals = await base
    .select(COUNTERS.map((c) => sql<number>`COALESCE(sum(${sql.ref(c)}), 0)::float8`.as(c)))
    .executeTakeFirstOrThrow();
  const freshness = await webhookFreshness(db, f.projectId, f.source);
  return { rows, totals: totals as WebhookStatsTotals, freshness };
}

/**
 * Data freshness of each webhook source of a project (optionally one `source`): the latest receive
 * time of any request and of an accepted one, over all days (ISO-8601 UTC, null when none), sorted
 * by source. Also the webhook part of `GET /api/integrations/health`.
 * @throws the Postgres error when the query fails.
 */
export async function webhookFreshness(
  db: Kysely<Database>,
  projectId: string,
  source?: string,
): Promise<WebhookFreshness[]> {
  const latest = await db
    .selectFrom("rm.webhook_stats")
    .where("project_id", "=", projectId)
    .$if(source !== undefined, (qb) => qb.where("source", "=", source as string))
    .select([
      "source",
      sql<Date | null>`max(last_received_at)`.as("last_received_at"),
      sql<Date | null>`max(last_accepted_at)`.as("last_accepted_at"),
    ])
    .groupBy("source")
    .orderBy("source")
    .execute();
  return latest.map((r) => ({
    source: r.source,
    last_received_at: iso(r.last_received_at),
    last_accepted_at: iso(r.last_accepted_at),
  }));
}
