import type { SaleNotice } from "@pulse/events";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, unwrap } from "../../api/client.ts";
import { formatInstant, zonedToday } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import {
  chartRows,
  formatMoney,
  readSalesQuery,
  type SalesQuery,
  salesParams,
  teamColour,
  teamKey,
} from "./sales.data.ts";
import "./sales.css";

const PAGE_SIZE = 25;
const NO_TEAM = "none";
const CONFIDENCES = ["high", "medium", "low"] as const;

/** State of the live sales stream (`data-state` of the live badge). */
type StreamState = "connecting" | "live" | "offline";

/**
 * Follows `GET /api/stream/sales?project=…` (SSE, session cookie) while mounted: each
 * `sale_won` notice is handed to `onSale`; `reset`/`resync` and reconnects call `onResync`
 * (reload). Returns the connection state.
 */
function useSaleStream(
  projectId: string,
  onSale: (n: SaleNotice) => void,
  onResync: () => void,
): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const latest = useRef({ onSale, onResync });
  latest.current = { onSale, onResync };
  useEffect(() => {
    setState("connecting");
    const source = new EventSource(`/api/stream/sales?project=${encodeURIComponent(projectId)}`, {
      withCredentials: true,
    });
    let opened = false;
    source.onopen = () => {
      setState("live");
      if (opened) latest.current.onResync();
      opened = true;
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    source.addEventListener("sale_won", (e) => {
      try {
        latest.current.onSale(JSON.parse((e as MessageEvent<string>).data) as SaleNotice);
      } catch {
        latest.current.onResync();
      }
    });
    const resync = () => latest.current.onResync();
    source.addEventListener("reset", resync);
    source.addEventListener("resync", resync);
    return () => source.close();
  }, [projectId]);
  return state;
}

/** The filter form; applies on submit. */
function QueryForm({
  value,
  onApply,
  teams,
  pipelines,
  managers,
}: {
  value: SalesQuery;
  onApply: (q: SalesQuery) => void;
  teams: string[];
  pipelines: { id: number; name: string }[];
  managers: { id: number; name: string }[];
}) {
  const { t } = useTranslation("sales");
  const [draft, setDraft] = useState(value);
  const set = <K extends keyof SalesQuery>(k: K, v: SalesQuery[K]) => setDraft((d) => ({ ...d, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({ ...draft, page: 1 });
  }
  return (
    <form className="row sales-form" onSubmit={submit} aria-label={t("filters")}>
      <label className="field">
        <span>{t("from")}</span>
        <input
          type="date"
          name="from"
          required
          value={draft.from}
          max={draft.to}
          onChange={(e) => set("from", e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t("to")}</span>
        <input
          type="date"
          name="to"
          required
          value={draft.to}
          min={draft.from}
          onChange={(e) => set("to", e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t("granularity")}</span>
        <select
          name="granularity"
          value={draft.granularity}
          onChange={(e) => set("granularity", e.target.value as SalesQuery["granularity"])}
        >
          {(["day", "week", "month"] as const).map((g) => (
            <option key={g} value={g}>
              {t(`granularities.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("team")}</span>
        <select name="team" value={draft.team} onChange={(e) => set("team", e.target.value)}>
          <option value="">{t("any")}</option>
          {teams.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          <option value={NO_TEAM}>{t("noTeam")}</option>
        </select>
      </label>
      <label className="field">
        <span>{t("pipeline")}</span>
        <select name="pipeline" value={draft.pipeline} onChange={(e) => set("pipeline", e.target.value)}>
          <option value="">{t("any")}</option>
          {pipelines.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("manager")}</span>
        <select name="manager" value={draft.manager} onChange={(e) => set("manager", e.target.value)}>
          <option value="">{t("any")}</option>
          {managers.map((m) => (
            <option key={m.id} value={String(m.id)}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("confidence")}</span>
        <select
          name="confidence"
          value={draft.confidence}
          onChange={(e) => set("confidence", e.target.value as SalesQuery["confidence"])}
        >
          <option value="">{t("any")}</option>
          {CONFIDENCES.map((c) => (
            <option key={c} value={c}>
              {t(`confidences.${c}`)}
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

function SalesPage() {
  const { t, i18n } = useTranslation("sales");
  const lang = i18n.language;
  const { projectId, project } = useCurrentProject();
  const timeZone = project?.time_zone ?? "UTC";
  const [params, setParams] = useSearchParams();
  const q = readSalesQuery(params, zonedToday(new Date(), timeZone));
  const [metric, setMetric] = useState<"count" | "revenue">("revenue");
  const [fresh, setFresh] = useState<SaleNotice[]>([]);
  const client = useQueryClient();

  const filters = {
    project: projectId,
    from: q.from,
    to: q.to,
    ...(q.team ? { team: q.team } : {}),
    ...(q.pipeline ? { pipeline: Number(q.pipeline) } : {}),
    ...(q.manager ? { manager: Number(q.manager) } : {}),
    ...(q.confidence ? { confidence: q.confidence } : {}),
  };
  const stats = useQuery({
    queryKey: ["sales", "stats", projectId, q.from, q.to, q.granularity],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/sales/stats", {
          params: { query: { project: projectId, from: q.from, to: q.to, granularity: q.granularity } },
        }),
      ),
  });
  const list = useQuery({
    queryKey: ["sales", "list", projectId, JSON.stringify(filters), q.page],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/sales", { params: { query: { ...filters, page: q.page, pageSize: PAGE_SIZE } } }),
      ),
  });
  const dict = useQuery({
    queryKey: ["dicts", "statuses", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/dicts/statuses", { params: { query: { project: projectId } } })),
  });
  const managers = useQuery({
    queryKey: ["dicts", "managers", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/dicts/managers", { params: { query: { project: projectId } } })),
  });
  const teamsSetting = useQuery({
    queryKey: ["settings", "ad-teams", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/settings/ad-teams", { params: { query: { project: projectId } } })),
  });

  const live = useSaleStream(
    projectId,
    (n) => {
      setFresh((f) => [n, ...f.filter((x) => x.lead_id !== n.lead_id)].slice(0, 10));
      void client.invalidateQueries({ queryKey: ["sales"] });
    },
    () => void client.invalidateQueries({ queryKey: ["sales"] }),
  );

  function apply(next: SalesQuery) {
    setParams(salesParams(next), { replace: true });
  }

  const teamNames = ((teamsSetting.data as { teams?: { name: string }[] } | undefined)?.teams ?? []).map(
    (x) => x.name,
  );
  const pipelines = (dict.data?.groups ?? []).map((g) => ({ id: g.group_id, name: g.name }));
  const managerOptions = (managers.data?.managers ?? []).map((m) => ({
    id: m.user_id,
    name: m.name ?? String(m.user_id),
  }));
  const csvQuery = new URLSearchParams(
    Object.entries(filters).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString();
  const teamLabel = (team: string | null) => team ?? t("noTeam");
  const s = stats.data;
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;

  return (
    <section aria-labelledby="sales-title" className="sales">
      <div className="row spread">
        <h1 id="sales-title">{t("title")}</h1>
        <span className={`live-badge live-${live}`} data-testid="sales-live" data-state={live}>
          {t(`live.${live}`)}
        </span>
      </div>
      <QueryForm
        key={JSON.stringify(q)}
        value={q}
        onApply={apply}
        teams={teamNames}
        pipelines={pipelines}
        managers={managerOptions}
      />
      <div aria-live="polite" data-testid="new-sales">
        {fresh.length > 0 ? (
          <ul className="new-sales">
            {fresh.map((n) => (
              <li key={`${n.lead_id}:${n.sold_at}`} data-lead={n.lead_id}>
                {t("newSale", {
                  team: teamLabel(n.team),
                  client: n.client_name ?? `#${n.lead_id}`,
                  amount: formatMoney(n.amount, n.currency, lang),
                  product: n.product ?? "—",
                })}
              </li>
            ))}
          </ul>
        ) : null}
      </div>

      <h2>{t("statsTitle")}</h2>
      {stats.isPending ? <Loading /> : null}
      {stats.isError ? <ErrorNotice error={stats.error} onRetry={() => void stats.refetch()} /> : null}
      {s ? (
        <>
          <fieldset className="row metric-switch">
            <legend>{t("chartShows")}</legend>
            {(["revenue", "count"] as const).map((m) => (
              <label key={m} className="field inline">
                <input
                  type="radio"
                  name="metric"
                  value={m}
                  checked={metric === m}
                  onChange={() => setMetric(m)}
                />
                <span>{t(`metrics.${m}`)}</span>
              </label>
            ))}
          </fieldset>
          <figure className="chart" data-testid="sales-chart" aria-labelledby="sales-chart-title">
            <figcaption id="sales-chart-title">
              {t("chartTitle", {
                metric: t(`metrics.${metric}`),
                granularity: t(`granularities.${q.granularity}`),
              })}
            </figcaption>
            {s.teams.length === 0 ? (
              <p className="muted">{t("noSales")}</p>
            ) : (
              <div
                className="chart-box"
                role="img"
                aria-label={t("chartTitle", {
                  metric: t(`metrics.${metric}`),
                  granularity: t(`granularities.${q.granularity}`),
                })}
              >
                <ResponsiveContainer width="100%" height={280}>
                  <BarChart
                    data={chartRows(s.buckets, s.teams, metric)}
                    margin={{ top: 8, right: 16, bottom: 8, left: 16 }}
                  >
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="bucket" />
                    <YAxis allowDecimals={false} width={90} />
                    <Tooltip />
                    <Legend />
                    {s.teams.map((team, i) => (
                      <Bar
                        key={teamKey(team)}
                        dataKey={teamKey(team)}
                        name={teamLabel(team)}
                        stackId="teams"
                        fill={teamColour(team, i)}
                        isAnimationActive={false}
                      />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              </div>
            )}
          </figure>
          <table data-testid="team-stats">
            <caption>{t("teamTable", { from: q.from, to: q.to, zone: s.time_zone })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("team")}</th>
                <th scope="col">{t("count")}</th>
                <th scope="col">{t("revenue")}</th>
                <th scope="col">{t("meanCheck")}</th>
              </tr>
            </thead>
            <tbody>
              {s.period.teams.map((row) => (
                <tr key={teamKey(row.team)} data-team={row.team ?? NO_TEAM}>
                  <th scope="row">{teamLabel(row.team)}</th>
                  <td data-col="count">{row.count}</td>
                  <td data-col="revenue" data-value={row.revenue}>
                    {formatMoney(row.revenue, null, lang)}
                  </td>
                  <td data-col="mean_check">{formatMoney(row.mean_check, null, lang)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="team-stats-total">
                <th scope="row">{t("total")}</th>
                <td data-col="count">{s.period.total.count}</td>
                <td data-col="revenue" data-value={s.period.total.revenue}>
                  {formatMoney(s.period.total.revenue, null, lang)}
                </td>
                <td data-col="mean_check">{formatMoney(s.period.total.mean_check, null, lang)}</td>
              </tr>
            </tfoot>
          </table>
          <details>
            <summary>{t("perBucket")}</summary>
            <table data-testid="bucket-stats">
              <thead>
                <tr>
                  <th scope="col">{t("bucket")}</th>
                  <th scope="col">{t("team")}</th>
                  <th scope="col">{t("count")}</th>
                  <th scope="col">{t("revenue")}</th>
                  <th scope="col">{t("meanCheck")}</th>
                </tr>
              </thead>
              <tbody>
                {s.buckets.flatMap((b) =>
                  b.teams.map((row) => (
                    <tr key={`${b.bucket}:${teamKey(row.team)}`}>
                      <th scope="row">{b.bucket}</th>
                      <td>{teamLabel(row.team)}</td>
                      <td>{row.count}</td>
                      <td>{formatMoney(row.revenue, null, lang)}</td>
                      <td>{formatMoney(row.mean_check, null, lang)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </details>
        </>
      ) : null}

      <div className="row spread">
        <h2>{t("historyTitle")}</h2>
        <a className="button" href={`/api/sales/export.csv?${csvQuery}`} download data-testid="sales-csv">
          {t("downloadCsv")}
        </a>
      </div>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data ? (
        <>
          <p data-testid="sales-summary" data-total={list.data.total} data-revenue={list.data.revenue}>
            {t("summary", { count: list.data.total, revenue: formatMoney(list.data.revenue, null, lang) })}
          </p>
          <div className="table-scroll">
            <table data-testid="sales-table">
              <thead>
                <tr>
                  <th scope="col">{t("soldAt")}</th>
                  <th scope="col">{t("lead")}</th>
                  <th scope="col">{t("client")}</th>
                  <th scope="col">{t("amount")}</th>
                  <th scope="col">{t("product")}</th>
                  <th scope="col">{t("manager")}</th>
                  <th scope="col">{t("pipeline")}</th>
                  <th scope="col">{t("team")}</th>
                  <th scope="col">{t("confidence")}</th>
                  <th scope="col">{t("campaign")}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((sale) => (
                  <tr key={sale.lead_id} data-lead={sale.lead_id}>
                    <td>{formatInstant(sale.sold_at, timeZone, lang)}</td>
                    <th scope="row">{sale.lead_id}</th>
                    <td>
                      {sale.contact_name ?? "—"}
                      {sale.phone ? <span className="muted"> {sale.phone}</span> : null}
                    </td>
                    <td data-col="amount" data-value={sale.amount}>
                      {formatMoney(sale.amount, sale.currency, lang)}
                    </td>
                    <td>{sale.product ?? "—"}</td>
                    <td>{sale.manager_name ?? sale.manager_id ?? "—"}</td>
                    <td>{sale.pipeline_name ?? sale.pipeline_id ?? "—"}</td>
                    <td>{sale.is_ambiguous ? t("ambiguous") : teamLabel(sale.team)}</td>
                    <td>{t(`confidences.${sale.confidence}`)}</td>
                    <td>{sale.utm_campaign ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t("pages")}>
            <button type="button" disabled={q.page <= 1} onClick={() => apply({ ...q, page: q.page - 1 })}>
              {t("previous")}
            </button>
            <span>{t("pageOf", { page: q.page, pages })}</span>
            <button
              type="button"
              disabled={q.page >= pages}
              onClick={() => apply({ ...q, page: q.page + 1 })}
            >
              {t("next")}
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}

/** `/p/:projectId/sales`: amoCRM sales per ad team (chart and table), the history with filters and CSV, new sales live. */
export const page: PageModule = {
  id: "sales",
  scope: "project",
  access: "viewer",
  routes: [{ path: "sales", element: <SalesPage /> }],
  nav: { path: "sales", labelKey: "nav", order: 35 },
};
