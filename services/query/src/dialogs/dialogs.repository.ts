import type { Database } from "@pulse/infra";
import { type Kysely, type QueryCreator, type RawBuilder, type SqlBool, sql } from "kysely";
import type { AnalysisItem, AnalysisSortField, AnalysisSummary, DialogStats } from "./dialogs.schemas.js";

/**
 * Which dialogs a read covers. `shiftId` matches the shift recorded with the analysis (or the
 * shift deal table's `shift_id`); `from`/`to` select `[from, to)` on the midpoint of the dialog's
 * window, so a whole shift (22:00 → 22:00) lands in exactly one day, the one it mostly covers.
 */
export interface DialogWindowFilter {
  readonly projectId: string;
  readonly shiftId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** Filters of the analysis list and export, applied to each dialog's latest result. */
export interface AnalysisFilter extends DialogWindowFilter {
  readonly interest?: string | undefined;
  readonly minScore?: number | undefined;
  readonly funnelStage?: string | undefined;
  readonly qualificationComplete?: boolean | undefined;
  readonly managerId?: number | undefined;
  /** Also dialogs whose analysis failed and that have no scored result. */
  readonly includeFailed: boolean;
}

/** A page request of the analysis list; `page` is 1-based. */
export interface AnalysisPageRequest extends AnalysisFilter {
  readonly page: number;
  readonly pageSize: number;
  readonly sort: AnalysisSortField;
  readonly dir: "asc" | "desc";
}

/**
 * `start + (end − start) / 2` of two timestamptz columns (qualified references such as
 * `a.window_start`): the instant that places a window in a period `[from, to)`.
 */
export function windowMidpoint(start: string, end: string): RawBuilder<Date> {
  return sql<Date>`(${sql.ref(start)} + (${sql.ref(end)} - ${sql.ref(start)}) / 2)`;
}

/**
 * True when analysis result `a` and shift deal row `sd` (table aliases) are the same dialog: same
 * project and window, and the same deal — or, for a chat-only dialog (no lead), the same phone.
 * Windows rather than ids join them, because `dialog_key` of a result names its window
 * (`{lead | phone}:{start}:{end}`) while the shift table's is `lead:{id}` / `phone:{E.164}`.
 */
export function sameDialog(a: string, sd: string): RawBuilder<SqlBool> {
  const r = (alias: string, column: string) => sql.ref(`${alias}.${column}`);
  return sql<SqlBool>`(${r(sd, "project_id")} = ${r(a, "project_id")}
    AND ${r(sd, "shift_start")} = ${r(a, "window_start")} AND ${r(sd, "shift_end")} = ${r(a, "window_end")}
    AND CASE WHEN ${r(a, "lead_id")} IS NOT NULL THEN ${r(sd, "lead_id")} = ${r(a, "lead_id")}
             ELSE ${r(sd, "lead_id")} IS NULL AND ${r(sd, "phone")} = ${r(a, "phone")} END)`;
}

/** Scored results first, then the newest (recorded_at, then events-stream sequence). */
const PREFER_SCORED_THEN_LATEST = sql`a.status = 'scored' DESC, a.recorded_at DESC, a.event_seq DESC`;

/**
 * The latest result of every dialog of the window: one `rm.analysis_results` row per
 * `(dialog_key, window_start, window_end)`, the newest scored one; with `includeFailed`, a dialog
 * with no scored result is represented by its newest failed one (a later failed re-run never hides
 * an earlier score). Select from it as `l` in a `with`.
 */
export function latestResults(qc: QueryCreator<Database>, w: DialogWindowFilter, includeFailed: boolean) {
  return qc
    .selectFrom("rm.analysis_results as a")
    .distinctOn(["a.dialog_key", "a.window_start", "a.window_end"])
    .selectAll("a")
    .where("a.project_id", "=", w.projectId)
    .where("a.status", "in", includeFailed ? ["scored", "failed"] : ["scored"])
    .$if(w.shiftId !== undefined, (qb) => qb.where("a.shift_id", "=", w.shiftId as string))
    .$if(w.from !== undefined, (qb) =>
      qb.where(windowMidpoint("a.window_start", "a.window_end"), ">=", w.from as Date),
    )
    .$if(w.to !== undefined, (qb) =>
      qb
        .where("a.window_start", "<", w.to as Date) // start ≤ midpoint: lets the index work
        .where(windowMidpoint("a.window_start", "a.window_end"), "<", w.to as Date),
    )
    .orderBy("a.dialog_key")
    .orderBy("a.window_start")
    .orderBy("a.window_end")
    .orderBy(PREFER_SCORED_THEN_LATEST);
}

/**
 * The result that stands for shift deal row `sd` (alias): the latest scored result of the same
 * dialog ({@link sameDialog}), else the latest failed one; no row when none exists. For a lateral join.
 */
export function latestResultOfShiftDeal(qc: QueryCreator<Database>, sd: string) {
  return qc
    .selectFrom("rm.analysis_results as a")
    .select([
      "a.status",
      "a.score",
      "a.interest",
      "a.funnel_stage",
      "a.qualification_complete",
      "a.facts",
      "a.reasons",
      "a.mode",
      "a.model",
      "a.prompt_version",
      "a.error_code",
      "a.recorded_at",
    ])
    .where(sameDialog("a", sd))
    .where("a.status", "in", ["scored", "failed"])
    .orderBy(PREFER_SCORED_THEN_LATEST)
    .limit(1);
}

/** Latest results of the window with the list filters applied (aliased `l`). */
function filteredResults(qc: QueryCreator<Database>, f: AnalysisFilter) {
  return qc
    .with("l", (w) => latestResults(w, f, f.includeFailed))
    .selectFrom("l")
    .$if(f.interest !== undefined, (qb) => qb.where("l.interest", "=", f.interest as string))
    .$if(f.minScore !== undefined, (qb) => qb.where("l.score", ">=", f.minScore as number))
    .$if(f.funnelStage !== undefined, (qb) => qb.where("l.funnel_stage", "=", f.funnelStage as string))
    .$if(f.qualificationComplete !== undefined, (qb) =>
      qb.where("l.qualification_complete", "=", f.qualificationComplete as boolean),
    )
    .$if(f.managerId !== undefined, (qb) => qb.where("l.manager_id", "=", f.managerId as number));
}

/**
 * Lines of a dialog built from `rm.messages` when no shift deal table row holds its text: the
 * messages of the dialog's phones (the deal's `rm.deal_phones`, and the result's own phone) sent in
 * the window, oldest first, one per line: `[2026-10-21 17:05 UTC] client: текст` (`manager:` for
 * outgoing; `[media]` for a message without text).
 */
function messagesTextSql(l: string): RawBuilder<string | null> {
  const r = (column: string) => sql.ref(`${l}.${column}`);
  return sql<string | null>`(SELECT string_agg(
      '[' || to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC] '
        || CASE WHEN m.direction = 'incoming' THEN 'client' ELSE 'manager' END || ': '
        || COALESCE(m.text, '[' || COALESCE(m.media, 'media') || ']'),
      E'\n' ORDER BY m.sent_at, m.message_id)
    FROM rm.messages m
    WHERE m.project_id = ${r("project_id")}
      AND m.sent_at >= ${r("window_start")} AND m.sent_at < ${r("window_end")}
      AND m.phone IN (
        SELECT dp.phone FROM rm.deal_phones dp WHERE dp.project_id = ${r("project_id")} AND dp.lead_id = ${r("lead_id")}
        UNION ALL SELECT ${r("phone")} WHERE ${r("phone")} IS NOT NULL))`;
}

/** A row of `l` joined with its dialog text, ready for {@link toAnalysisItem}. */
interface ResultRowWithText {
  dialog_key: string;
  status: string;
  lead_id: number | null;
  phone: string | null;
  shift_id: string | null;
  window_start: Date;
  window_end: Date;
  manager_id: number | null;
  manager_name: string | null;
  score: number | null;
  interest: string | null;
  funnel_stage: string | null;
  qualification_complete: boolean | null;
  facts: unknown;
  evidence: unknown;
  reasons: unknown;
  incoming: number | null;
  outgoing: number | null;
  mode: string;
  model: string | null;
  prompt_version: string;
  input_hash: string;
  prompt_tokens: number;
  completion_tokens: number;
  duration_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  recorded_at: Date;
  shift_text: string | null;
  messages_text: string | null;
}

/**
 * Filtered latest results (`l`) with the shift table's text of the same dialog (`sdt`) and, only
 * when that is missing, the text built from the window's messages (a `CASE` branch Postgres
 * evaluates only when taken).
 */
function withDialogText(qc: QueryCreator<Database>, f: AnalysisFilter) {
  return filteredResults(qc, f)
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("rm.shift_deals as sd")
          .select("sd.dialog_text")
          .where(sameDialog("l", "sd"))
          .limit(1)
          .as("sdt"),
      (join) => join.onTrue(),
    )
    .leftJoin("rm.crm_users as mu", (join) =>
      join.onRef("mu.project_id", "=", "l.project_id").onRef("mu.user_id", "=", "l.manager_id"),
    )
    .selectAll("l")
    .select([
      "mu.name as manager_name",
      "sdt.dialog_text as shift_text",
      sql<string | null>`CASE WHEN sdt.dialog_text IS NULL THEN ${messagesTextSql("l")} END`.as(
        "messages_text",
      ),
    ]);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function recordOrNull(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function reasonsOrNull(value: unknown): { rule: string; points: number }[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(
    (r): r is { rule: string; points: number } =>
      typeof r === "object" && r !== null && typeof r.rule === "string" && typeof r.points === "number",
  );
}

function interestOrNull(value: string | null): "hot" | "warm" | "cold" | null {
  return value === "hot" || value === "warm" || value === "cold" ? value : null;
}

function statusOf(value: string): "scored" | "failed" {
  return value === "scored" ? "scored" : "failed";
}

function toAnalysisItem(r: ResultRowWithText): AnalysisItem {
  const facts = recordOrNull(r.facts);
  const text = r.shift_text ?? r.messages_text;
  return {
    dialog_key: r.dialog_key,
    status: statusOf(r.status),
    lead_id: r.lead_id,
    phone: r.phone,
    shift_id: r.shift_id,
    window_start: r.window_start.toISOString(),
    window_end: r.window_end.toISOString(),
    manager_id: r.manager_id,
    manager_name: r.manager_name,
    score: r.score,
    interest: interestOrNull(r.interest),
    funnel_stage: r.funnel_stage,
    qualification_complete: r.qualification_complete,
    summary: stringOrNull(facts?.["summary"]),
    facts,
    evidence: Array.isArray(r.evidence) ? (r.evidence as unknown[]) : null,
    reasons: reasonsOrNull(r.reasons),
    incoming: r.incoming,
    outgoing: r.outgoing,
    mode: r.mode,
    model: r.model,
    prompt_version: r.prompt_version,
    input_hash: r.input_hash,
    usage: { prompt_tokens: r.prompt_tokens, completion_tokens: r.completion_tokens },
    duration_ms: r.duration_ms,
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message },
    recorded_at: r.recorded_at.toISOString(),
    dialog_text: text,
    dialog_text_source: r.shift_text !== null ? "shift_deals" : r.messages_text !== null ? "messages" : null,
  };
}

/** The columns of a result that {@link resultSummaryOf} needs. */
export interface ResultSummaryInput {
  status: string;
  score: number | null;
  interest: string | null;
  funnel_stage: string | null;
  qualification_complete: boolean | null;
  facts: unknown;
  reasons: unknown;
  mode: string;
  model: string | null;
  prompt_version: string;
  error_code: string | null;
  recorded_at: Date;
}

/** The compact analysis of a shift deal (`AnalysisSummary`) from its result's columns; niche and summary come from `facts`. */
export function resultSummaryOf(r: ResultSummaryInput): ResultSummary {
  const facts = recordOrNull(r.facts);
  return {
    status: statusOf(r.status),
    score: r.score,
    interest: interestOrNull(r.interest),
    funnel_stage: r.funnel_stage,
    qualification_complete: r.qualification_complete,
    niche: stringOrNull(facts?.["niche"]),
    summary: stringOrNull(facts?.["summary"]),
    reasons: reasonsOrNull(r.reasons),
    mode: r.mode,
    model: r.model,
    prompt_version: r.prompt_version,
    error_code: r.error_code,
    recorded_at: r.recorded_at.toISOString(),
  };
}

/** See {@link AnalysisSummary}. */
export type ResultSummary = AnalysisSummary;

/**
 * One page of analysed dialogs — the latest result per dialog ({@link latestResults}) matching the
 * filters — and their total, from one snapshot (read-only repeatable-read transaction). Each item
 * carries its dialog text: the shift deal table's text of the same dialog, else the window's
 * messages. Sorting puts nulls last in both directions; ties are broken by dialog key, then window.
 * @throws the Postgres error when a query fails.
 */
export async function listAnalyses(
  db: Kysely<Database>,
  q: AnalysisPageRequest,
): Promise<{ total: number; items: AnalysisItem[] }> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const count = await filteredResults(trx, q)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const rows = await withDialogText(trx, q)
        .orderBy(`l.${q.sort}`, (ob) => (q.dir === "asc" ? ob.asc() : ob.desc()).nullsLast())
        .orderBy("l.dialog_key", q.dir)
        .orderBy("l.window_start", q.dir)
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return { total: Number(count.n), items: rows.map(toAnalysisItem) };
    });
}

/** Position after the last row of an export batch (keyset on window start, dialog key, window end). */
interface ExportCursor {
  readonly windowStart: Date;
  readonly dialogKey: string;
  readonly windowEnd: Date;
}

/**
 * Every analysed dialog matching the filters, as {@link listAnalyses} items, in batches of
 * `batchSize` ordered by window start, dialog key (byte order), window end. Each batch is its own query (keyset
 * paging), so a slow reader holds no transaction open and memory stays at one batch.
 * @throws the Postgres error when a query fails (the iteration rejects).
 */
export async function* exportAnalyses(
  db: QueryCreator<Database>,
  f: AnalysisFilter,
  batchSize = 500,
): AsyncGenerator<AnalysisItem[]> {
  let after = null as ExportCursor | null;
  for (;;) {
    let query = withDialogText(db, f);
    if (after !== null) {
      query = query.where(
        sql<SqlBool>`(l.window_start, l.dialog_key COLLATE "C", l.window_end) > (${after.windowStart}::timestamptz, ${after.dialogKey}::text COLLATE "C", ${after.windowEnd}::timestamptz)`,
      );
    }
    const rows = await query
      .orderBy("l.window_start")
      // Byte order: the same on every server, whatever the database's collation.
      .orderBy(sql`l.dialog_key COLLATE "C"`)
      .orderBy("l.window_end")
      .limit(batchSize)
      .execute();
    if (rows.length > 0) yield rows.map(toAnalysisItem);
    const last = rows.at(-1);
    if (last === undefined || rows.length < batchSize) return;
    after = { windowStart: last.window_start, dialogKey: last.dialog_key, windowEnd: last.window_end };
  }
}

/** {@link dialogStats}'s window plus the least number of incoming messages of an eligible dialog. */
export interface DialogStatsRequest extends DialogWindowFilter {
  readonly minIncoming: number;
}

function share(count: number, of: number): number | null {
  return of === 0 ? null : count / of;
}

/**
 * Counts of one window (SPEC "Reads: stats"), from one snapshot:
 * - `dialogs_total` / `dialogs_eligible`: rows of `rm.shift_deals` in the window (by `shift_id`, or
 *   the midpoint of the shift in `[from, to)`), all / with `incoming ≥ minIncoming`;
 * - over the latest result per dialog (scored preferred): `analyzed` (scored), `errors` (only
 *   failures), `new_leads`, hot/warm/cold and the mean score of the scored ones;
 * - over every result row in the window: `failed_results` and the tokens spent;
 * - shares, each with its denominator in its name (null when the denominator is 0).
 * @throws the Postgres error when a query fails.
 */
export async function dialogStats(db: Kysely<Database>, w: DialogStatsRequest): Promise<DialogStats> {
  return await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const deals = await trx
        .selectFrom("rm.shift_deals as sd")
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
        .select([
          sql<number>`count(*)::int`.as("total"),
          sql<number>`(count(*) FILTER (WHERE sd.incoming >= ${w.minIncoming}))::int`.as("eligible"),
        ])
        .executeTakeFirstOrThrow();
      const latest = await trx
        .with("l", (qc) => latestResults(qc, w, true))
        .selectFrom("l")
        .select([
          sql<number>`(count(*) FILTER (WHERE l.status = 'scored'))::int`.as("analyzed"),
          sql<number>`(count(*) FILTER (WHERE l.status = 'failed'))::int`.as("errors"),
          sql<number>`(count(*) FILTER (WHERE l.status = 'scored' AND l.funnel_stage = 'new_lead'))::int`.as(
            "new_leads",
          ),
          sql<number>`(count(*) FILTER (WHERE l.status = 'scored' AND l.interest = 'hot'))::int`.as("hot"),
          sql<number>`(count(*) FILTER (WHERE l.status = 'scored' AND l.interest = 'warm'))::int`.as("warm"),
          sql<number>`(count(*) FILTER (WHERE l.status = 'scored' AND l.interest = 'cold'))::int`.as("cold"),
          sql<number | null>`(avg(l.score) FILTER (WHERE l.status = 'scored'))::float8`.as("mean_score"),
        ])
        .executeTakeFirstOrThrow();
      const all = await trx
        .selectFrom("rm.analysis_results as a")
        .where("a.project_id", "=", w.projectId)
        .$if(w.shiftId !== undefined, (qb) => qb.where("a.shift_id", "=", w.shiftId as string))
        .$if(w.from !== undefined, (qb) =>
          qb.where(windowMidpoint("a.window_start", "a.window_end"), ">=", w.from as Date),
        )
        .$if(w.to !== undefined, (qb) =>
          qb
            .where("a.window_start", "<", w.to as Date) // start ≤ midpoint: lets the index work
            .where(windowMidpoint("a.window_start", "a.window_end"), "<", w.to as Date),
        )
        .select([
          sql<number>`(count(*) FILTER (WHERE a.status = 'failed'))::int`.as("failed_results"),
          sql<number>`COALESCE(sum(a.prompt_tokens), 0)::float8`.as("prompt"),
          sql<number>`COALESCE(sum(a.completion_tokens), 0)::float8`.as("completion"),
        ])
        .executeTakeFirstOrThrow();
      const attempted = latest.analyzed + latest.errors;
      return {
        dialogs_total: deals.total,
        dialogs_eligible: deals.eligible,
        analyzed: latest.analyzed,
        errors: latest.errors,
        failed_results: all.failed_results,
        new_leads: latest.new_leads,
        hot: latest.hot,
        warm: latest.warm,
        cold: latest.cold,
        mean_score: latest.mean_score,
        tokens: { prompt: all.prompt, completion: all.completion, total: all.prompt + all.completion },
        shares: {
          analyzed_of_eligible: share(latest.analyzed, deals.eligible),
          errors_of_attempted: share(latest.errors, attempted),
          new_leads_of_analyzed: share(latest.new_leads, latest.analyzed),
          hot_of_analyzed: share(latest.hot, latest.analyzed),
          warm_of_analyzed: share(latest.warm, latest.analyzed),
          cold_of_analyzed: share(latest.cold, latest.analyzed),
        },
      };
    });
}

/** A scored dialog of {@link topHotDialogs}. */
export interface HotDialog {
  dialog_key: string;
  lead_id: number | null;
  phone: string | null;
  manager_id: number | null;
  manager_name: string | null;
  score: number;
  summary: string | null;
}

/**
 * The `limit` hot dialogs of the window with the highest score (latest scored result per dialog),
 * ties by newest result, then dialog key.
 * @throws the Postgres error when the query fails.
 */
export async function topHotDialogs(
  db: QueryCreator<Database>,
  w: DialogWindowFilter,
  limit: number,
): Promise<HotDialog[]> {
  const rows = await db
    .with("l", (qc) => latestResults(qc, w, false))
    .selectFrom("l")
    .where("l.interest", "=", "hot")
    .leftJoin("rm.crm_users as mu", (join) =>
      join.onRef("mu.project_id", "=", "l.project_id").onRef("mu.user_id", "=", "l.manager_id"),
    )
    .select([
      "l.dialog_key",
      "l.lead_id",
      "l.phone",
      "l.manager_id",
      "mu.name as manager_name",
      "l.score",
      "l.facts",
    ])
    .orderBy("l.score", "desc")
    .orderBy("l.recorded_at", "desc")
    .orderBy("l.dialog_key")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    dialog_key: r.dialog_key,
    lead_id: r.lead_id,
    phone: r.phone,
    manager_id: r.manager_id,
    manager_name: r.manager_name,
    score: r.score ?? 0,
    summary: stringOrNull(recordOrNull(r.facts)?.["summary"]),
  }));
}
