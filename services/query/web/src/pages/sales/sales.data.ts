/**
 * Pure helpers of the Sales page: the chart rows of the per-team stats, team colours and the
 * page's query in the URL. No React, so they are unit-tested directly.
 */

/** One team's figures in one bucket, as `GET /api/sales/stats` gives them. */
export interface TeamFigures {
  team: string | null;
  count: number;
  revenue: number;
  mean_check: number | null;
}

/** The chart key of a team (`null` = sales attributed to no team). */
export function teamKey(team: string | null): string {
  return team === null ? "__none" : `t:${team}`;
}

/**
 * Rows for a stacked bar chart: one per bucket, `{bucket, [teamKey]: value}` with `value` the
 * bucket's count or revenue of the team (0 when it had no sale there).
 */
export function chartRows(
  buckets: readonly { bucket: string; teams: readonly TeamFigures[] }[],
  teams: readonly (string | null)[],
  metric: "count" | "revenue",
): Record<string, string | number>[] {
  return buckets.map((b) => {
    const row: Record<string, string | number> = { bucket: b.bucket };
    for (const t of teams) row[teamKey(t)] = 0;
    for (const t of b.teams) row[teamKey(t.team)] = t[metric];
    return row;
  });
}

const PALETTE = ["#2456c7", "#1f8a4c", "#c98a00", "#7b3fb5", "#c62f2f", "#00838f", "#6d4c41"];

/** The colour of the `i`-th team of the chart; grey for sales attributed to no team. */
export function teamColour(team: string | null, i: number): string {
  return team === null ? "#9aa3b2" : (PALETTE[i % PALETTE.length] as string);
}

/** An amount with the locale's grouping and no decimals when whole, e.g. `3 140 000 KZT`. */
export function formatMoney(amount: number | null, currency: string | null, lang: string): string {
  if (amount === null) return "—";
  const n = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(amount);
  return currency ? `${n} ${currency}` : n;
}

/** The filters of the Sales page, kept in the URL. Empty strings mean "any". */
export interface SalesQuery {
  from: string;
  to: string;
  granularity: "day" | "week" | "month";
  team: string;
  pipeline: string;
  manager: string;
  confidence: "" | "high" | "medium" | "low";
  page: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^\d{1,15}$/;

/** Adds `days` to an ISO date. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The query of the URL; a missing or malformed range is the 30 days up to `today`. */
export function readSalesQuery(params: URLSearchParams, today: string): SalesQuery {
  const to = DATE.test(params.get("to") ?? "") ? (params.get("to") as string) : today;
  const from = DATE.test(params.get("from") ?? "") ? (params.get("from") as string) : addDays(to, -29);
  const g = params.get("granularity");
  const c = params.get("confidence");
  const page = Number(params.get("page") ?? "1");
  return {
    from: from <= to ? from : to,
    to,
    granularity: g === "week" || g === "month" ? g : "day",
    team: (params.get("team") ?? "").slice(0, 200),
    pipeline: ID.test(params.get("pipeline") ?? "") ? (params.get("pipeline") as string) : "",
    manager: ID.test(params.get("manager") ?? "") ? (params.get("manager") as string) : "",
    confidence: c === "high" || c === "medium" || c === "low" ? c : "",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The URL parameters of a query (defaults left out). */
export function salesParams(q: SalesQuery): Record<string, string> {
  const p: Record<string, string> = { from: q.from, to: q.to };
  if (q.granularity !== "day") p["granularity"] = q.granularity;
  if (q.team) p["team"] = q.team;
  if (q.pipeline) p["pipeline"] = q.pipeline;
  if (q.manager) p["manager"] = q.manager;
  if (q.confidence) p["confidence"] = q.confidence;
  if (q.page > 1) p["page"] = String(q.page);
  return p;
}
