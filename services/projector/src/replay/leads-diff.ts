import type { Database } from "@pulse/infra";
import { type Kysely, sql } from "kysely";

/**
 * One changed value of an amoCRM lead between two versions of the read models (`rm.leads`,
 * `rm.sales`): `is_qualified`, `qualified_at`, `team`, `confidence`, `matched_rule`,
 * `is_ambiguous` (what a qualified-stage or ad-team change moves), and `sale_amount` /
 * `sale_currency` (`null` = no sale; what a pipeline-product change moves). Instants ISO-8601 UTC.
 */
export interface LeadDiffChange {
  readonly lead_id: number;
  readonly field: string;
  readonly before: string | number | boolean | null;
  readonly after: string | number | boolean | null;
}

/**
 * The lead part of a recomputation's diff: `leads_changed` leads of the project with any
 * {@link LeadDiffChange}, `lead_changes` the first `limit` changes ordered by lead and field,
 * `leads_truncated` when there were more.
 */
export interface LeadsDiff {
  readonly leads_changed: number;
  readonly lead_changes: LeadDiffChange[];
  readonly leads_truncated: boolean;
}

const ISO = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * The diff of project `projectId`'s leads between read-model schemas `before` and `after` (both hold
 * the same events, so leads are matched by id; a lead on one side only is not compared).
 * @throws Postgres errors (missing schema).
 */
export async function diffLeadSchemas(
  db: Kysely<Database>,
  before: string,
  after: string,
  projectId: string,
  limit: number,
): Promise<LeadsDiff> {
  const bl = sql.id(before, "leads");
  const al = sql.id(after, "leads");
  const bs = sql.id(before, "sales");
  const as = sql.id(after, "sales");
  const iso = (col: string) => sql`to_jsonb(to_char(${sql.ref(col)} AT TIME ZONE 'UTC', ${ISO}))`;
  const field = (name: string) =>
    sql`SELECT lead_id, ${sql.lit(name)}::text AS field, to_jsonb(${sql.ref(`b_${name}`)}) AS before, to_jsonb(${sql.ref(`a_${name}`)}) AS after
        FROM j WHERE ${sql.ref(`b_${name}`)} IS DISTINCT FROM ${sql.ref(`a_${name}`)}`;
  const changes = sql`
    WITH j AS (
      SELECT a.lead_id,
             b.is_qualified AS b_is_qualified, a.is_qualified AS a_is_qualified,
             b.qualified_at AS b_qualified_at, a.qualified_at AS a_qualified_at,
             b.team AS b_team, a.team AS a_team,
             b.confidence AS b_confidence, a.confidence AS a_confidence,
             b.matched_rule AS b_matched_rule, a.matched_rule AS a_matched_rule,
             b.is_ambiguous AS b_is_ambiguous, a.is_ambiguous AS a_is_ambiguous,
             bsale.amount AS b_sale_amount, asale.amount AS a_sale_amount,
             bsale.currency AS b_sale_currency, asale.currency AS a_sale_currency
      FROM ${al} a
      JOIN ${bl} b ON b.project_id = a.project_id AND b.lead_id = a.lead_id
      LEFT JOIN ${as} asale ON asale.project_id = a.project_id AND asale.lead_id = a.lead_id
      LEFT JOIN ${bs} bsale ON bsale.project_id = a.project_id AND bsale.lead_id = a.lead_id
      WHERE a.project_id = ${projectId}
    ), c AS (
      ${field("is_qualified")}
      UNION ALL
      SELECT lead_id, 'qualified_at', ${iso("b_qualified_at")}, ${iso("a_qualified_at")}
        FROM j WHERE b_qualified_at IS DISTINCT FROM a_qualified_at
      UNION ALL ${field("team")}
      UNION ALL ${field("confidence")}
      UNION ALL ${field("matched_rule")}
      UNION ALL ${field("is_ambiguous")}
      UNION ALL ${field("sale_amount")}
      UNION ALL ${field("sale_currency")}
    )`;
  const count = await sql<{ n: number }>`${changes} SELECT count(DISTINCT lead_id)::int AS n FROM c`.execute(
    db,
  );
  const rows = await sql<{
    lead_id: string | number;
    field: string;
    before: string | number | boolean | null;
    after: string | number | boolean | null;
  }>`${changes} SELECT * FROM c ORDER BY lead_id, field LIMIT ${limit + 1}`.execute(db);
  return {
    leads_changed: count.rows[0]?.n ?? 0,
    lead_changes: rows.rows.slice(0, limit).map((r) => ({
      lead_id: Number(r.lead_id),
      field: r.field,
      before: r.before,
      after: r.after,
    })),
    leads_truncated: rows.rows.length > limit,
  };
}
