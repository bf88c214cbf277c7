import { type ResolvedTimeZone, resolveTimeZone } from "@pulse/domain";
import type { Database } from "@pulse/infra";
import { type Kysely, type RawBuilder, sql } from "kysely";
import { projectTimeZone } from "../settings/settings.repository.js";
import { type FunnelInterval, type FunnelStageFigures, pipelineFunnel } from "./funnel.js";
import {
  type Confidence,
  NO_TEAM,
  type QualificationBy,
  type QualificationRow,
  type SaleItem,
  type SalesGranularity,
  type TeamSalesStats,
} from "./sales.schemas.js";

/**
 * Reads of amoCRM sales and leads (issue 15 "Reads"; SPEC "amoCRM deals"). Sources: `rm.sales` (one
 * row per lead that is a sale now: in 142, with amount, product, contact, UTM and team attribution),
 * `rm.leads` (every lead with UTM, attribution and qualification), and for the funnel the leads'
 * status intervals (`rm.order_status_intervals`, pipeline = status group) and the stage dictionary
 * (`rm.statuses`). Local days are cut in the project's time zone (`rm.projects.time_zone`; UTC when
 * it is not a valid zone).
 */

/** The zone local days are cut in, and its Postgres form. */
interface Zone {
  readonly id: string;
  readonly sql: RawBuilder<unknown>;
}

/**
 * The project's zone as Postgres must see it: a fixed offset becomes an `interval` (Postgres reads a
 * text zone such as `+05:00` as POSIX, the opposite of ISO 8601).
 */
async function zoneOf(db: Kysely<Database>, projectId: string): Promise<Zone> {
  let zone: ResolvedTimeZone = { id: "UTC", fixedOffsetMs: 0 };
  try {
    zone = resolveTimeZone(await projectTimeZone(db, projectId));
  } catch {
    // A zone the domain does not know: cut in UTC (the answer's time_zone says so).
  }
  return {
    id: zone.id,
    sql:
      zone.fixedOffsetMs !== null
        ? sql`${`${zone.fixedOffsetMs / 1000} seconds`}::interval`
        : sql`${zone.id}::text`,
  };
}

/** `column` within local days `[from, to]` of `zone` (either bound optional). */
function inLocalDays(
  column: RawBuilder<unknown>,
  zone: Zone,
  from: string | undefined,
  to: string | undefined,
): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [];
  if (from !== undefined) out.push(sql`${column} >= (${from}::date::timestamp AT TIME ZONE ${zone.sql})`);
  if (to !== undefined) out.push(sql`${column} < ((${to}::date + 1)::timestamp AT TIME ZONE ${zone.sql})`);
  return out;
}

/** 100 × part / whole rounded to 0.1, or null for an empty whole. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}

/** Filters of the sales history (`GET /api/sales`, its CSV). */
export interface SalesFilter {
  readonly projectId: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** A team name, or {@link NO_TEAM} for sales attributed to none. */
  readonly team?: string | undefined;
  readonly pipelineId?: number | undefined;
  readonly managerId?: number | undefined;
  readonly confidence?: Confidence | undefined;
}

function salesWhere(f: SalesFilter, zone: Zone): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`s.project_id = ${f.projectId}`];
  conds.push(...inLocalDays(sql`s.sold_at`, zone, f.from, f.to));
  if (f.team !== undefined) conds.push(f.team === NO_TEAM ? sql`s.team IS NULL` : sql`s.team = ${f.team}`);
  if (f.pipelineId !== undefined) conds.push(sql`s.pipeline_id = ${f.pipelineId}`);
  if (f.managerId !== undefined) conds.push(sql`s.manager_id = ${f.managerId}`);
  if (f.confidence !== undefined) conds.push(sql`s.confidence = ${f.confidence}`);
  return sql.join(conds, sql` AND `);
}

interface SaleRow {
  lead_id: string | number;
  sold_at: Date;
  amount: string | number;
  currency: string | null;
  product: string | null;
  pipeline_id: string | number | null;
  pipeline_name: string | null;
  manager_id: string | number | null;
  manager_name: string | null;
  contact_name: string | null;
  phone: string | null;
  email: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  team: string | null;
  confidence: string | null;
  matched_rule: string | null;
  matched_pattern: string | null;
  is_ambiguous: boolean;
  price_source: string;
}

const SALE_COLUMNS = sql`s.lead_id, s.sold_at, s.amount, s.currency, s.product, s.pipeline_id,
  g.name AS pipeline_name, s.manager_id, coalesce(s.manager_name, u.name) AS manager_name,
  s.contact_name, s.contact_phone AS phone, s.contact_email AS email, s.utm_source, s.utm_medium,
  s.utm_campaign, s.utm_content, s.utm_term, s.team, s.confidence, s.matched_rule, s.matched_pattern,
  s.is_ambiguous, s.price_source`;

const SALE_JOINS = sql`LEFT JOIN rm.status_groups g ON g.project_id = s.project_id AND g.group_id = s.pipeline_id
  LEFT JOIN rm.crm_users u ON u.project_id = s.project_id AND u.user_id = s.manager_id`;

const idOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

function saleOf(r: SaleRow): SaleItem {
  const confidence = r.confidence === "high" || r.confidence === "medium" ? r.confidence : "low";
  return {
    lead_id: Number(r.lead_id),
    sold_at: r.sold_at.toISOString(),
    amount: Number(r.amount),
    currency: r.currency,
    product: r.product,
    pipeline_id: idOrNull(r.pipeline_id),
    pipeline_name: r.pipeline_name,
    manager_id: idOrNull(r.manager_id),
    manager_name: r.manager_name,
    contact_name: r.contact_name,
    phone: r.phone,
    email: r.email,
    utm_source: r.utm_source,
    utm_medium: r.utm_medium,
    utm_campaign: r.utm_campaign,
    utm_content: r.utm_content,
    utm_term: r.utm_term,
    team: r.team,
    confidence,
    matched_rule: r.matched_rule,
    matched_pattern: r.matched_pattern,
    is_ambiguous: r.is_ambiguous,
    price_source: r.price_source,
  };
}

/**
 * One page of the sales history, newest sale first (ties by lead id), with the count and revenue
 * of every matching sale. Period: local days of `sold_at`. Pipeline names come from the
 * dictionary, a missing manager name from `rm.crm_users`.
 * @throws the Postgres error when a query fails.
 */
export async function listSales(
  db: Kysely<Database>,
  f: SalesFilter & { readonly page: number; readonly pageSize: number },
): Promise<{ timeZone: string; total: number; revenue: number; items: SaleItem[] }> {
  const zone = await zoneOf(db, f.projectId);
  const where = salesWhere(f, zone);
  const [totals, rows] = await Promise.all([
    sql<{ total: number; revenue: string | null }>`
      SELECT count(*)::int AS total, sum(s.amount)::float8 AS revenue FROM rm.sales s WHERE ${where}`.execute(
      db,
    ),
    sql<SaleRow>`
      SELECT ${SALE_COLUMNS} FROM rm.sales s ${SALE_JOINS}
      WHERE ${where} ORDER BY s.sold_at DESC, s.lead_id DESC
      LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`.execute(db),
  ]);
  const t = totals.rows[0];
  return {
    timeZone: zone.id,
    total: t?.total ?? 0,
    revenue: Number(t?.revenue ?? 0),
    items: rows.rows.map(saleOf),
  };
}

const EXPORT_BATCH = 1000;

/**
 * Every sale matching `f`, newest first, in batches of up to 1 000 (keyset paging on
 * `(sold_at, lead_id)`, so a long export never holds one huge result).
 * @throws the Postgres error when a query fails (from the batch that failed).
 */
export async function* exportSales(db: Kysely<Database>, f: SalesFilter): AsyncGenerator<SaleItem[]> {
  const zone = await zoneOf(db, f.projectId);
  const where = salesWhere(f, zone);
  let after: { soldAt: Date; leadId: number } | null = null;
  for (;;) {
    const cursor: RawBuilder<unknown> = after
      ? sql`AND (s.sold_at, s.lead_id) < (${after.soldAt}, ${after.leadId})`
      : sql``;
    const rows = await sql<SaleRow>`
      SELECT ${SALE_COLUMNS} FROM rm.sales s ${SALE_JOINS}
      WHERE ${where} ${cursor} ORDER BY s.sold_at DESC, s.lead_id DESC LIMIT ${EXPORT_BATCH}`.execute(db);
    if (rows.rows.length === 0) return;
    yield rows.rows.map(saleOf);
    if (rows.rows.length < EXPORT_BATCH) return;
    const last = rows.rows[rows.rows.length - 1] as SaleRow;
    after = { soldAt: last.sold_at, leadId: Number(last.lead_id) };
  }
}

function teamStats(team: string | null, count: number, revenue: number): TeamSalesStats {
  return { team, count, revenue, mean_check: count === 0 ? null : Math.round((100 * revenue) / count) / 100 };
}

/** Result of {@link salesStats}. */
export interface SalesStatsResult {
  readonly timeZone: string;
  /** Teams with a sale in the range, by revenue descending (null = no team last among equals). */
  readonly teams: (string | null)[];
  readonly buckets: { bucket: string; teams: TeamSalesStats[]; total: TeamSalesStats }[];
  readonly period: { teams: TeamSalesStats[]; total: TeamSalesStats };
}

/**
 * Sales per team per local day, week (from Monday) or month of `sold_at` within local days
 * `[from, to]`: count, revenue and mean check (revenue / count, rounded to 0.01). Every bucket of
 * the range is listed, empty ones too.
 * @throws the Postgres error when a query fails.
 */
export async function salesStats(
  db: Kysely<Database>,
  q: { projectId: string; from: string; to: string; granularity: SalesGranularity },
): Promise<SalesStatsResult> {
  const zone = await zoneOf(db, q.projectId);
  const step = `1 ${q.granularity}`;
  const buckets = await sql<{ bucket: string }>`
    SELECT to_char(b, 'YYYY-MM-DD') AS bucket
    FROM generate_series(date_trunc(${q.granularity}, ${q.from}::date::timestamp),
                         ${q.to}::date::timestamp, ${step}::interval) AS b
    ORDER BY b`.execute(db);
  const rows = await sql<{ bucket: string; team: string | null; count: number; revenue: number }>`
    SELECT to_char(date_trunc(${q.granularity}, s.sold_at AT TIME ZONE ${zone.sql}), 'YYYY-MM-DD') AS bucket,
           s.team, count(*)::int AS count, coalesce(sum(s.amount), 0)::float8 AS revenue
    FROM rm.sales s
    WHERE ${salesWhere({ projectId: q.projectId, from: q.from, to: q.to }, zone)}
    GROUP BY 1, 2`.execute(db);

  const perTeam = new Map<string | null, { count: number; revenue: number }>();
  const perBucket = new Map<string, Map<string | null, { count: number; revenue: number }>>();
  for (const r of rows.rows) {
    const t = perTeam.get(r.team) ?? { count: 0, revenue: 0 };
    perTeam.set(r.team, { count: t.count + r.count, revenue: t.revenue + r.revenue });
    const b = perBucket.get(r.bucket) ?? new Map();
    b.set(r.team, { count: r.count, revenue: r.revenue });
    perBucket.set(r.bucket, b);
  }
  const teams = [...perTeam.entries()]
    .sort(
      ([ta, a], [tb, b]) =>
        b.revenue - a.revenue ||
        (ta === null ? 1 : 0) - (tb === null ? 1 : 0) ||
        String(ta).localeCompare(String(tb)),
    )
    .map(([t]) => t);
  const sum = (m: Map<string | null, { count: number; revenue: number }>) => {
    let count = 0;
    let revenue = 0;
    for (const v of m.values()) {
      count += v.count;
      revenue += v.revenue;
    }
    return teamStats(null, count, revenue);
  };
  const ordered = (m: Map<string | null, { count: number; revenue: number }>) =>
    teams
      .filter((t) => m.has(t))
      .map((t) => {
        const v = m.get(t) as { count: number; revenue: number };
        return teamStats(t, v.count, v.revenue);
      });
  return {
    timeZone: zone.id,
    teams,
    buckets: buckets.rows.map(({ bucket }) => {
      const m = perBucket.get(bucket) ?? new Map();
      return { bucket, teams: ordered(m), total: sum(m) };
    }),
    period: { teams: ordered(perTeam), total: sum(perTeam) },
  };
}

/**
 * Qualification per campaign (`utm_campaign`), creative (`utm_content`) or team of the leads
 * created in local days `[from, to]` (every lead without bounds): leads, qualified (entered a
 * qualified stage: `rm.leads.is_qualified`), qualification_rate = qualified / leads, won (a sale
 * now: a row in `rm.sales`), conversion_rate = won / leads, and the revenue of those sales.
 * Rows by leads descending, then key; the row of leads without a key last.
 * @throws the Postgres error when a query fails.
 */
export async function qualificationStats(
  db: Kysely<Database>,
  q: {
    projectId: string;
    from?: string | undefined;
    to?: string | undefined;
    by: QualificationBy;
    pipelineId?: number | undefined;
  },
): Promise<{ timeZone: string; rows: QualificationRow[]; total: QualificationRow }> {
  const zone = await zoneOf(db, q.projectId);
  const key =
    q.by === "campaign" ? sql`l.utm_campaign` : q.by === "creative" ? sql`l.utm_content` : sql`l.team`;
  const conds: RawBuilder<unknown>[] = [sql`l.project_id = ${q.projectId}`];
  conds.push(sql`NOT l.deleted`);
  conds.push(...inLocalDays(sql`l.lead_created_at`, zone, q.from, q.to));
  if (q.pipelineId !== undefined) conds.push(sql`l.pipeline_id = ${q.pipelineId}`);
  const rows = await sql<{
    key: string | null;
    leads: number;
    qualified: number;
    won: number;
    revenue: number;
  }>`
    SELECT nullif(btrim(${key}), '') AS key, count(*)::int AS leads,
           count(*) FILTER (WHERE l.is_qualified)::int AS qualified,
           count(s.lead_id)::int AS won, coalesce(sum(s.amount), 0)::float8 AS revenue
    FROM rm.leads l
    LEFT JOIN rm.sales s ON s.project_id = l.project_id AND s.lead_id = l.lead_id
    WHERE ${sql.join(conds, sql` AND `)}
    GROUP BY 1`.execute(db);
  const rowOf = (k: string | null, leads: number, qualified: number, won: number, revenue: number) => ({
    key: k,
    leads,
    qualified,
    qualification_rate: percent(qualified, leads),
    won,
    conversion_rate: percent(won, leads),
    revenue,
  });
  const out = rows.rows
    .map((r) => rowOf(r.key, r.leads, r.qualified, r.won, r.revenue))
    .sort(
      (a, b) =>
        (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) ||
        b.leads - a.leads ||
        String(a.key).localeCompare(String(b.key)),
    );
  const total = out.reduce(
    (t, r) => ({
      leads: t.leads + r.leads,
      qualified: t.qualified + r.qualified,
      won: t.won + r.won,
      revenue: t.revenue + r.revenue,
    }),
    { leads: 0, qualified: 0, won: 0, revenue: 0 },
  );
  return {
    timeZone: zone.id,
    rows: out,
    total: rowOf(null, total.leads, total.qualified, total.won, total.revenue),
  };
}

/**
 * The funnel of one pipeline ({@link pipelineFunnel}) over the leads created in local days
 * `[from, to]` (`rm.orders_current.order_created_at`, else its first status change). Without
 * `pipelineId`, the pipeline with the most such leads.
 * @throws the Postgres error when a query fails.
 */
export async function leadFunnel(
  db: Kysely<Database>,
  q: {
    projectId: string;
    from?: string | undefined;
    to?: string | undefined;
    pipelineId?: number | undefined;
  },
): Promise<{
  timeZone: string;
  pipelineId: number | null;
  pipelineName: string | null;
  leads: number;
  stages: FunnelStageFigures[];
}> {
  const zone = await zoneOf(db, q.projectId);
  const conds: RawBuilder<unknown>[] = [sql`o.project_id = ${q.projectId}`];
  conds.push(...inLocalDays(sql`coalesce(o.order_created_at, o.started_at)`, zone, q.from, q.to));
  const intervals = await sql<{
    order_id: string;
    seq: number;
    status_id: string;
    status_group_id: string | null;
    working_seconds: number | null;
    closed: boolean;
  }>`
    SELECT i.order_id, i.seq, i.status_id, i.status_group_id, i.working_seconds, (i.ended_at IS NOT NULL) AS closed
    FROM rm.order_status_intervals i
    JOIN rm.orders_current o ON o.project_id = i.project_id AND o.order_id = i.order_id
    WHERE i.project_id = ${q.projectId} AND ${sql.join(conds, sql` AND `)}`.execute(db);
  const rows: FunnelInterval[] = intervals.rows.map((r) => ({
    leadId: Number(r.order_id),
    seq: r.seq,
    statusId: Number(r.status_id),
    pipelineId: idOrNull(r.status_group_id),
    workingSeconds: r.working_seconds === null ? null : Number(r.working_seconds),
    closed: r.closed,
  }));
  let pipelineId = q.pipelineId ?? null;
  if (pipelineId === null) {
    const leadsPer = new Map<number, Set<number>>();
    for (const r of rows) {
      if (r.pipelineId === null) continue;
      const s = leadsPer.get(r.pipelineId) ?? new Set<number>();
      s.add(r.leadId);
      leadsPer.set(r.pipelineId, s);
    }
    pipelineId =
      [...leadsPer.entries()].sort(([pa, a], [pb, b]) => b.size - a.size || pa - pb)[0]?.[0] ?? null;
  }
  if (pipelineId === null)
    return { timeZone: zone.id, pipelineId: null, pipelineName: null, leads: 0, stages: [] };
  const [stages, group] = await Promise.all([
    db
      .selectFrom("rm.statuses")
      .select(["status_id", "name", "sort"])
      .where("project_id", "=", q.projectId)
      .where("group_id", "=", pipelineId)
      .execute(),
    db
      .selectFrom("rm.status_groups")
      .select("name")
      .where("project_id", "=", q.projectId)
      .where("group_id", "=", pipelineId)
      .executeTakeFirst(),
  ]);
  const funnel = pipelineFunnel(
    pipelineId,
    stages.map((s) => ({ statusId: Number(s.status_id), name: s.name, sort: s.sort })),
    rows,
  );
  return { timeZone: zone.id, pipelineId, pipelineName: group?.name ?? null, ...funnel };
}

/** The attribution detail of one lead (`GET /api/leads/{leadId}/attribution`). */
export interface LeadAttribution {
  lead_id: number;
  name: string | null;
  pipeline_id: number | null;
  status_id: number | null;
  manager_id: number | null;
  manager_name: string | null;
  lead_created_at: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  utm_referrer: string | null;
  fbclid: string | null;
  utm_conflicts: unknown[];
  team: string | null;
  confidence: Confidence;
  matched_rule: string | null;
  matched_pattern: string | null;
  is_ambiguous: boolean;
  candidate_teams: string[];
  is_qualified: boolean;
  qualified_at: string | null;
  is_won: boolean;
  won_at: string | null;
  is_lost: boolean;
  lost_at: string | null;
  loss_reason: string | null;
  sale: { sold_at: string; amount: number; currency: string; product: string | null } | null;
}

interface LeadRow {
  lead_id: string;
  name: string | null;
  pipeline_id: string | null;
  status_id: string | null;
  manager_id: string | null;
  manager_name: string | null;
  lead_created_at: Date | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  utm_referrer: string | null;
  fbclid: string | null;
  utm_conflicts: unknown;
  team: string | null;
  confidence: string;
  matched_rule: string | null;
  matched_pattern: string | null;
  is_ambiguous: boolean;
  candidate_teams: string[] | null;
  is_qualified: boolean;
  qualified_at: Date | null;
  is_won: boolean;
  won_at: Date | null;
  is_lost: boolean;
  lost_at: Date | null;
  loss_reason: string | null;
  sold_at: Date | null;
  amount: number | null;
  currency: string | null;
  product: string | null;
}

/**
 * The attribution detail of lead `leadId` of the project from `rm.leads` (UTM values after the
 * duplicate-field precedence, conflicts, team, confidence, matched rule and pattern, ambiguity,
 * qualification, outcome) with its sale (`rm.sales`) when it is one now; null when the project has
 * no such lead (a deleted lead included).
 * @throws the Postgres error when a query fails.
 */
export async function leadAttribution(
  db: Kysely<Database>,
  projectId: string,
  leadId: number,
): Promise<LeadAttribution | null> {
  const r = (
    await sql<LeadRow>`
      SELECT l.lead_id, l.name, l.pipeline_id, l.status_id, l.manager_id, l.manager_name, l.lead_created_at,
             l.utm_source, l.utm_medium, l.utm_campaign, l.utm_content, l.utm_term, l.utm_referrer, l.fbclid,
             l.utm_conflicts, l.team, l.confidence, l.matched_rule, l.matched_pattern, l.is_ambiguous,
             l.candidate_teams, l.is_qualified, l.qualified_at, l.is_won, l.won_at, l.is_lost, l.lost_at,
             l.loss_reason, s.sold_at, s.amount, s.currency, s.product
      FROM rm.leads l
      LEFT JOIN rm.sales s ON s.project_id = l.project_id AND s.lead_id = l.lead_id
      WHERE l.project_id = ${projectId} AND l.lead_id = ${leadId} AND NOT l.deleted`.execute(db)
  ).rows[0];
  if (!r) return null;
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return {
    lead_id: Number(r.lead_id),
    name: r.name,
    pipeline_id: idOrNull(r.pipeline_id),
    status_id: idOrNull(r.status_id),
    manager_id: idOrNull(r.manager_id),
    manager_name: r.manager_name,
    lead_created_at: iso(r.lead_created_at),
    utm_source: r.utm_source,
    utm_medium: r.utm_medium,
    utm_campaign: r.utm_campaign,
    utm_content: r.utm_content,
    utm_term: r.utm_term,
    utm_referrer: r.utm_referrer,
    fbclid: r.fbclid,
    utm_conflicts: Array.isArray(r.utm_conflicts) ? r.utm_conflicts : [],
    team: r.team,
    confidence: r.confidence === "high" || r.confidence === "medium" ? r.confidence : "low",
    matched_rule: r.matched_rule,
    matched_pattern: r.matched_pattern,
    is_ambiguous: r.is_ambiguous,
    candidate_teams: r.candidate_teams ?? [],
    is_qualified: r.is_qualified,
    qualified_at: iso(r.qualified_at),
    is_won: r.is_won,
    won_at: iso(r.won_at),
    is_lost: r.is_lost,
    lost_at: iso(r.lost_at),
    loss_reason: r.loss_reason,
    sale:
      r.sold_at === null
        ? null
        : {
            sold_at: r.sold_at.toISOString(),
            amount: Number(r.amount),
            currency: r.currency ?? "",
            product: r.product,
          },
  };
}
