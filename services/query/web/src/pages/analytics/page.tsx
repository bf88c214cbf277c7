import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { api, unwrap } from "../../api/client.ts";
import type { GetJson } from "../../api/types.ts";
import { formatDuration, formatInstant, zonedToday } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import {
  addDays,
  chartRows,
  cycleSeries,
  groupKey,
  groupSeries,
  type Metric,
  type Series,
  seriesColour,
  urgencyRows,
} from "./analytics.data.ts";
import "./analytics.css";

/** `GET /api/analytics/status-durations` answer. */
type Durations = GetJson<"/api/analytics/status-durations">;
type Granularity = Durations["granularity"];
type Basis = Durations["basis"];
type Urgency = Durations["urgency"];
type Block = Durations["period"];

const GRANULARITIES: readonly Granularity[] = ["day", "week", "month"];
const BASES: readonly Basis[] = ["working", "wall"];
const URGENCIES: readonly Urgency[] = ["all", "normal", "urgent"];
const METRICS: readonly Metric[] = ["mean_seconds", "median_seconds", "p90_seconds", "total_seconds"];

/** The page's query, kept in the URL (`?from&to&granularity&basis&urgency&metric`) so a view can be shared. */
interface AnalyticsQuery {
  from: string;
  to: string;
  granularity: Granularity;
  basis: Basis;
  urgency: Urgency;
  metric: Metric;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

/** The query of the URL; a missing or malformed range is the last 30 days of the project's time zone. */
function readQuery(params: URLSearchParams, timeZone: string): AnalyticsQuery {
  const today = zonedToday(new Date(), timeZone);
  const to = DATE.test(params.get("to") ?? "") ? (params.get("to") as string) : today;
  const from = DATE.test(params.get("from") ?? "") ? (params.get("from") as string) : addDays(to, -29);
  return {
    from,
    to,
    granularity: oneOf(params.get("granularity"), GRANULARITIES, "day"),
    basis: oneOf(params.get("basis"), BASES, "working"),
    urgency: oneOf(params.get("urgency"), URGENCIES, "all"),
    metric: oneOf(params.get("metric"), METRICS, "mean_seconds"),
  };
}

function useDurations(projectId: string, q: AnalyticsQuery, urgency: Urgency, enabled = true) {
  return useQuery({
    queryKey: ["analytics", projectId, q.from, q.to, q.granularity, q.basis, urgency],
    enabled,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/analytics/status-durations", {
          params: {
            query: {
              project: projectId,
              from: q.from,
              to: q.to,
              granularity: q.granularity,
              basis: q.basis,
              urgency,
            },
          },
        }),
      ),
  });
}

/** The filter form; applies on submit (dates are typed in several keystrokes). */
function QueryForm({ value, onApply }: { value: AnalyticsQuery; onApply: (q: AnalyticsQuery) => void }) {
  const { t } = useTranslation("analytics");
  const [draft, setDraft] = useState(value);
  const set = <K extends keyof AnalyticsQuery>(k: K, v: AnalyticsQuery[K]) =>
    setDraft((d) => ({ ...d, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft);
  }
  return (
    <form className="row analytics-form" onSubmit={submit} aria-label={t("filters")}>
      <label className="field">
        <span>{t("from")}</span>
        <input
          type="date"
          required
          value={draft.from}
          max={draft.to}
          onChange={(e) => set("from", e.target.value)}
          name="from"
        />
      </label>
      <label className="field">
        <span>{t("to")}</span>
        <input
          type="date"
          required
          value={draft.to}
          min={draft.from}
          onChange={(e) => set("to", e.target.value)}
          name="to"
        />
      </label>
      <label className="field">
        <span>{t("granularity")}</span>
        <select
          value={draft.granularity}
          onChange={(e) => set("granularity", oneOf(e.target.value, GRANULARITIES, "day"))}
          name="granularity"
        >
          {GRANULARITIES.map((g) => (
            <option key={g} value={g}>
              {t(`granularities.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("basis")}</span>
        <select
          value={draft.basis}
          onChange={(e) => set("basis", oneOf(e.target.value, BASES, "working"))}
          name="basis"
        >
          {BASES.map((b) => (
            <option key={b} value={b}>
              {t(`bases.${b}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("urgency")}</span>
        <select
          value={draft.urgency}
          onChange={(e) => set("urgency", oneOf(e.target.value, URGENCIES, "all"))}
          name="urgency"
        >
          {URGENCIES.map((u) => (
            <option key={u} value={u}>
              {t(`urgencies.${u}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("metric")}</span>
        <select
          value={draft.metric}
          onChange={(e) => set("metric", oneOf(e.target.value, METRICS, "mean_seconds"))}
          name="metric"
        >
          {METRICS.map((m) => (
            <option key={m} value={m}>
              {t(`metrics.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary">
        {t("apply")}
      </button>
    </form>
  );
}

/** A line chart of `series` over the buckets, with the values as a table for keyboard and screen-reader users. */
function SeriesChart({
  id,
  title,
  series,
  lang,
  emptyText,
}: {
  id: string;
  title: string;
  series: Series[];
  lang: string;
  emptyText: string;
}) {
  const { t } = useTranslation("analytics");
  const rows = chartRows(series);
  const fmt = (v: unknown) => (typeof v === "number" ? formatDuration(v, lang) : "—");
  return (
    <figure className="chart" data-testid={id} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {series.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <div className="chart-box" role="img" aria-label={title}>
          <ResponsiveContainer width="100%" height={280}>
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="bucket" />
              <YAxis tickFormatter={fmt} width={90} />
              <Tooltip formatter={(v) => fmt(v)} />
              <Legend />
              {series.map((s, i) => (
                <Line
                  key={s.key}
                  type="linear"
                  dataKey={s.key}
                  name={s.label}
                  stroke={seriesColour(i)}
                  dot
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {series.length > 0 ? (
        <details>
          <summary>{t("chartAsTable")}</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("bucket")}</th>
                {series.map((s) => (
                  <th key={s.key} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series[0]?.points.map((p, i) => (
                <tr key={p.bucket}>
                  <th scope="row">{p.bucket}</th>
                  {series.map((s) => {
                    const point = s.points[i];
                    return (
                      <td key={s.key}>
                        {point?.value == null ? "—" : `${fmt(point.value)} (n=${point.count})`}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </figure>
  );
}

/**
 * Mean, median and p90 per status group over the whole period, as bars labelled with their values
 * (`data-testid="group-bars"`; each label is the formatted duration).
 */
function GroupBars({ block, lang, unknownLabel }: { block: Block; lang: string; unknownLabel: string }) {
  const { t } = useTranslation("analytics");
  const data = block.groups
    .filter((g) => g.orders_visited > 0)
    .map((g) => ({
      key: groupKey(g),
      label: g.group_name ?? (g.group_id === null ? unknownLabel : `#${g.group_id}`),
      mean: g.mean_seconds,
      median: g.median_seconds,
      p90: g.p90_seconds,
      n: g.orders_visited,
    }));
  const fmt = (v: unknown) => (typeof v === "number" ? formatDuration(v, lang) : "—");
  const title = t("groupBarsTitle");
  return (
    <figure className="chart" data-testid="group-bars" aria-labelledby="group-bars-title">
      <figcaption id="group-bars-title">{title}</figcaption>
      {data.length === 0 ? (
        <p className="muted">{t("noData")}</p>
      ) : (
        <div className="chart-box" role="img" aria-label={title}>
          <ResponsiveContainer width="100%" height={Math.max(220, data.length * 70)}>
            <BarChart data={data} layout="vertical" margin={{ top: 8, right: 90, bottom: 8, left: 16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" tickFormatter={fmt} />
              <YAxis type="category" dataKey="label" width={160} />
              <Tooltip formatter={(v) => fmt(v)} />
              <Legend />
              {(["mean", "median", "p90"] as const).map((k, i) => (
                <Bar
                  key={k}
                  dataKey={k}
                  name={t(`short.${k}`)}
                  fill={seriesColour(i)}
                  isAnimationActive={false}
                >
                  <LabelList
                    dataKey={k}
                    position="right"
                    formatter={fmt}
                    className={`bar-label bar-label-${k}`}
                  />
                </Bar>
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

function Percent({ value }: { value: number | null }) {
  return <>{value === null ? "—" : `${value.toFixed(1)} %`}</>;
}

/** Per status group: the denominators, the time statistics and the SLA of the orders that visited. */
function GroupTable({ block, lang, unknownLabel }: { block: Block; lang: string; unknownLabel: string }) {
  const { t } = useTranslation("analytics");
  const d = (s: number) => formatDuration(s, lang);
  return (
    <table data-testid="group-table">
      <caption>{t("groupTable")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("group")}</th>
          <th scope="col">{t("ordersVisited")}</th>
          <th scope="col">{t("intervals")}</th>
          <th scope="col">{t("total")}</th>
          <th scope="col">{t("short.mean")}</th>
          <th scope="col">{t("short.median")}</th>
          <th scope="col">{t("short.p90")}</th>
          <th scope="col">{t("slaJudged")}</th>
          <th scope="col">{t("sla.ok")}</th>
          <th scope="col">{t("sla.near")}</th>
          <th scope="col">{t("sla.over")}</th>
        </tr>
      </thead>
      <tbody>
        {block.groups.map((g) => (
          <tr key={groupKey(g)} data-group-id={groupKey(g)}>
            <th scope="row">{g.group_name ?? (g.group_id === null ? unknownLabel : `#${g.group_id}`)}</th>
            <td data-col="orders">{g.orders_visited}</td>
            <td data-col="intervals">{g.intervals}</td>
            <td data-col="total">{d(g.total_seconds)}</td>
            <td data-col="mean">{d(g.mean_seconds)}</td>
            <td data-col="median">{d(g.median_seconds)}</td>
            <td data-col="p90">{d(g.p90_seconds)}</td>
            <td data-col="judged">{g.sla.judged}</td>
            <td className="sla-ok">
              <span className="dot" aria-hidden="true" /> {g.sla.ok} (<Percent value={g.sla.ok_percent} />)
            </td>
            <td className="sla-near">
              <span className="dot" aria-hidden="true" /> {g.sla.near} (<Percent value={g.sla.near_percent} />
              )
            </td>
            <td className="sla-over">
              <span className="dot" aria-hidden="true" /> {g.sla.over} (<Percent value={g.sla.over_percent} />
              )
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Per status: denominators and time statistics. */
function StatusTable({ block, lang }: { block: Block; lang: string }) {
  const { t } = useTranslation("analytics");
  const d = (s: number) => formatDuration(s, lang);
  return (
    <table data-testid="status-table">
      <caption>{t("statusTable")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("status")}</th>
          <th scope="col">{t("group")}</th>
          <th scope="col">{t("ordersVisited")}</th>
          <th scope="col">{t("intervals")}</th>
          <th scope="col">{t("total")}</th>
          <th scope="col">{t("short.mean")}</th>
          <th scope="col">{t("short.median")}</th>
          <th scope="col">{t("short.p90")}</th>
        </tr>
      </thead>
      <tbody>
        {block.statuses.map((s) => (
          <tr key={`${s.group_id ?? "unknown"}:${s.status_id}`} data-status-id={s.status_id}>
            <th scope="row">{s.status_name ?? `#${s.status_id}`}</th>
            <td>{s.group_name ?? (s.group_id === null ? t("unknownGroup") : `#${s.group_id}`)}</td>
            <td>{s.orders_visited}</td>
            <td>{s.intervals}</td>
            <td>{d(s.total_seconds)}</td>
            <td>{d(s.mean_seconds)}</td>
            <td>{d(s.median_seconds)}</td>
            <td>{d(s.p90_seconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Full cycles per rule over the period. */
function CycleTable({ block, lang }: { block: Block; lang: string }) {
  const { t } = useTranslation("analytics");
  const d = (s: number) => formatDuration(s, lang);
  if (block.cycles.length === 0) return <p className="muted">{t("noCycles")}</p>;
  return (
    <table data-testid="cycle-table">
      <caption>{t("cycleTable")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("rule")}</th>
          <th scope="col">{t("cycles")}</th>
          <th scope="col">{t("total")}</th>
          <th scope="col">{t("short.mean")}</th>
          <th scope="col">{t("short.median")}</th>
          <th scope="col">{t("short.p90")}</th>
        </tr>
      </thead>
      <tbody>
        {block.cycles.map((c) => (
          <tr key={c.rule_name}>
            <th scope="row">{c.rule_name}</th>
            <td>{c.cycles}</td>
            <td>{d(c.total_seconds)}</td>
            <td>{d(c.mean_seconds)}</td>
            <td>{d(c.median_seconds)}</td>
            <td>{d(c.p90_seconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Total time of all orders" per bucket, with what was left out (open, unmeasured intervals). */
function BucketTotals({ data, lang }: { data: Durations; lang: string }) {
  const { t } = useTranslation("analytics");
  const d = (s: number) => formatDuration(s, lang);
  return (
    <table data-testid="bucket-totals">
      <caption>{t("bucketTotals")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("bucket")}</th>
          <th scope="col">{t("orders")}</th>
          <th scope="col">{t("intervals")}</th>
          <th scope="col">{t("totalTime")}</th>
          <th scope="col">{t("openIntervals")}</th>
          <th scope="col">{t("unmeasured")}</th>
        </tr>
      </thead>
      <tbody>
        {data.buckets.map((b) => (
          <tr key={b.bucket} data-bucket={b.bucket}>
            <th scope="row">{b.bucket}</th>
            <td>{b.totals.orders}</td>
            <td>{b.totals.intervals}</td>
            <td>{d(b.totals.total_seconds)}</td>
            <td>{b.totals.open_intervals}</td>
            <td>{b.totals.unmeasured_intervals}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t("period")}</th>
          <td>{data.period.totals.orders}</td>
          <td>{data.period.totals.intervals}</td>
          <td>{d(data.period.totals.total_seconds)}</td>
          <td>{data.period.totals.open_intervals}</td>
          <td>{data.period.totals.unmeasured_intervals}</td>
        </tr>
      </tfoot>
    </table>
  );
}

/** Normal vs urgent orders per group: the chosen statistic and its denominator for each. */
function UrgencyComparison({ projectId, q, lang }: { projectId: string; q: AnalyticsQuery; lang: string }) {
  const { t } = useTranslation("analytics");
  const normal = useDurations(projectId, q, "normal");
  const urgent = useDurations(projectId, q, "urgent");
  if (normal.isPending || urgent.isPending) return <Loading />;
  if (normal.isError) return <ErrorNotice error={normal.error} onRetry={() => void normal.refetch()} />;
  if (urgent.isError) return <ErrorNotice error={urgent.error} onRetry={() => void urgent.refetch()} />;
  const rows = urgencyRows(normal.data.period.groups, urgent.data.period.groups, t("unknownGroup"));
  const cell = (s: { orders_visited: number } & Record<Metric, number>) =>
    s.orders_visited === 0 ? "—" : `${formatDuration(s[q.metric], lang)} (n=${s.orders_visited})`;
  return (
    <table data-testid="urgency-table">
      <caption>{t("urgencyTable", { metric: t(`metrics.${q.metric}`) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("group")}</th>
          <th scope="col">{t("urgencies.normal")}</th>
          <th scope="col">{t("urgencies.urgent")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-group-id={r.key}>
            <th scope="row">{r.label}</th>
            <td>{r.normal ? cell(r.normal) : "—"}</td>
            <td>{r.urgent ? cell(r.urgent) : "—"}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t("totalTime")}</th>
          <td>
            {formatDuration(normal.data.period.totals.total_seconds, lang)} (n=
            {normal.data.period.totals.orders})
          </td>
          <td>
            {formatDuration(urgent.data.period.totals.total_seconds, lang)} (n=
            {urgent.data.period.totals.orders})
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function AnalyticsPage() {
  const { t, i18n } = useTranslation("analytics");
  const lang = i18n.language;
  const { projectId, project } = useCurrentProject();
  const timeZone = project?.time_zone ?? "UTC";
  const [params, setParams] = useSearchParams();
  const q = readQuery(params, timeZone);
  const data = useDurations(projectId, q, q.urgency, project !== undefined);
  const headingId = useId();

  function apply(next: AnalyticsQuery) {
    setParams(
      {
        from: next.from,
        to: next.to,
        granularity: next.granularity,
        basis: next.basis,
        urgency: next.urgency,
        metric: next.metric,
      },
      { replace: true },
    );
  }

  const unknown = t("unknownGroup");
  return (
    <section aria-labelledby={headingId} className="analytics">
      <h1 id={headingId}>{t("title")}</h1>
      <QueryForm key={JSON.stringify(q)} value={q} onApply={apply} />
      {project === undefined ? <Loading /> : null}
      {data.isPending && project !== undefined ? <Loading /> : null}
      {data.isError ? <ErrorNotice error={data.error} onRetry={() => void data.refetch()} /> : null}
      {data.data ? (
        <div data-testid="analytics-result" data-state={data.isFetching ? "loading" : "ready"}>
          <p className="muted" data-testid="analytics-range">
            {t("rangeNote", {
              from: formatInstant(data.data.range_start, timeZone, lang),
              to: formatInstant(data.data.range_end, timeZone, lang),
              zone: data.data.time_zone,
            })}
          </p>
          <p className="muted" data-testid="analytics-coverage">
            {t("coverageNote", {
              asOf: formatInstant(data.data.coverage.as_of, timeZone, lang),
              aggregates: data.data.coverage.blocks_from_aggregates,
              intervals: data.data.coverage.blocks_from_intervals,
            })}{" "}
            {data.data.coverage.percentiles.method === "histogram"
              ? t("percentilesApproximate", {
                  percent: Math.round(data.data.coverage.percentiles.max_relative_error * 1000) / 10,
                })
              : t("percentilesExact")}
          </p>
          <dl className="facts totals" data-testid="period-totals">
            <dt>{t("orders")}</dt>
            <dd data-col="orders">{data.data.period.totals.orders}</dd>
            <dt>{t("intervals")}</dt>
            <dd data-col="intervals">{data.data.period.totals.intervals}</dd>
            <dt>{t("totalTime")}</dt>
            <dd data-col="total">{formatDuration(data.data.period.totals.total_seconds, lang)}</dd>
            <dt>{t("openIntervals")}</dt>
            <dd data-col="open">{data.data.period.totals.open_intervals}</dd>
          </dl>
          <h2>{t("byGroup")}</h2>
          <GroupBars block={data.data.period} lang={lang} unknownLabel={unknown} />
          <SeriesChart
            id="group-series"
            title={t("seriesTitle", {
              metric: t(`metrics.${q.metric}`),
              granularity: t(`granularities.${q.granularity}`),
            })}
            series={groupSeries(data.data.buckets, data.data.period.groups, q.metric, unknown)}
            lang={lang}
            emptyText={t("noData")}
          />
          <GroupTable block={data.data.period} lang={lang} unknownLabel={unknown} />
          <h2>{t("byStatus")}</h2>
          <StatusTable block={data.data.period} lang={lang} />
          <h2>{t("fullCycle")}</h2>
          <SeriesChart
            id="cycle-series"
            title={t("cycleSeriesTitle", { metric: t(`metrics.${q.metric}`) })}
            series={cycleSeries(data.data.buckets, q.metric)}
            lang={lang}
            emptyText={t("noCycles")}
          />
          <CycleTable block={data.data.period} lang={lang} />
          <h2>{t("totalsTitle")}</h2>
          <BucketTotals data={data.data} lang={lang} />
          {q.urgency === "all" ? (
            <>
              <h2>{t("normalVsUrgent")}</h2>
              <UrgencyComparison projectId={projectId} q={q} lang={lang} />
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** `/p/:projectId/analytics`: time per status and group, full cycles and totals, as charts and tables. */
export const page: PageModule = {
  id: "analytics",
  scope: "project",
  access: "viewer",
  routes: [{ path: "analytics", element: <AnalyticsPage /> }],
  nav: { path: "analytics", labelKey: "nav", order: 30 },
};
