import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, unwrap } from "../../api/client.ts";
import { formatAgo, formatInstant } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import { freshnessOf, OUTCOMES, outcomesByDay } from "./webhooks.data.ts";
import "./webhooks.css";

const SOURCES = ["keycrm", "amocrm", "evolution"] as const;
type Source = (typeof SOURCES)[number];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Colour of each outcome in the chart (accepted green, problems warm). */
const OUTCOME_COLOURS: Record<(typeof OUTCOMES)[number], string> = {
  accepted: "#1f8a4c",
  duplicate: "#2456c7",
  ignored: "#9aa3b2",
  rejected: "#c98a00",
  unauthorized: "#7b3fb5",
  failed: "#c62f2f",
};

interface StatsQuery {
  from: string;
  to: string;
  source: Source | "";
}

function readQuery(params: URLSearchParams): StatsQuery {
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const source = SOURCES.find((s) => s === params.get("source")) ?? "";
  return { from: DATE.test(from) ? from : "", to: DATE.test(to) ? to : "", source };
}

function QueryForm({ value, onApply }: { value: StatsQuery; onApply: (q: StatsQuery) => void }) {
  const { t } = useTranslation("webhooks");
  const [draft, setDraft] = useState(value);
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft);
  }
  return (
    <form className="row webhooks-form" onSubmit={submit} aria-label={t("filters")}>
      <label className="field">
        <span>{t("from")}</span>
        <input
          type="date"
          name="from"
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t("to")}</span>
        <input
          type="date"
          name="to"
          value={draft.to}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t("source")}</span>
        <select
          name="source"
          value={draft.source}
          onChange={(e) => setDraft({ ...draft, source: SOURCES.find((s) => s === e.target.value) ?? "" })}
        >
          <option value="">{t("allSources")}</option>
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {s}
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

function WebhooksPage() {
  const { t, i18n } = useTranslation("webhooks");
  const lang = i18n.language;
  const { projectId, project } = useCurrentProject();
  const timeZone = project?.time_zone ?? "UTC";
  const [params, setParams] = useSearchParams();
  const q = readQuery(params);
  const stats = useQuery({
    queryKey: ["webhooks", "stats", projectId, q.from, q.to, q.source],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/webhooks/stats", {
          params: {
            query: {
              project: projectId,
              ...(q.from ? { from: q.from } : {}),
              ...(q.to ? { to: q.to } : {}),
              ...(q.source ? { source: q.source } : {}),
            },
          },
        }),
      ),
    refetchInterval: 60_000,
  });
  // Freshness is over all days and sources, whatever the filter.
  const now = new Date();

  function apply(next: StatsQuery) {
    const p: Record<string, string> = {};
    if (next.from) p["from"] = next.from;
    if (next.to) p["to"] = next.to;
    if (next.source) p["source"] = next.source;
    setParams(p, { replace: true });
  }

  const days = stats.data ? outcomesByDay(stats.data.rows) : [];
  return (
    <section aria-labelledby="webhooks-title" className="webhooks">
      <h1 id="webhooks-title">{t("title")}</h1>
      <QueryForm key={JSON.stringify(q)} value={q} onApply={apply} />
      {stats.isPending ? <Loading /> : null}
      {stats.isError ? <ErrorNotice error={stats.error} onRetry={() => void stats.refetch()} /> : null}
      {stats.data ? (
        <>
          <h2>{t("freshness")}</h2>
          {stats.data.freshness.length === 0 ? (
            <p className="muted">{t("noDeliveries")}</p>
          ) : (
            <table data-testid="freshness">
              <thead>
                <tr>
                  <th scope="col">{t("source")}</th>
                  <th scope="col">{t("state")}</th>
                  <th scope="col">{t("lastReceived")}</th>
                  <th scope="col">{t("lastAccepted")}</th>
                </tr>
              </thead>
              <tbody>
                {stats.data.freshness.map((f) => {
                  const fresh = freshnessOf(f.last_accepted_at ?? f.last_received_at, now.getTime());
                  return (
                    <tr key={f.source} data-source={f.source} data-freshness={fresh.state}>
                      <th scope="row">{f.source}</th>
                      <td>
                        <span className={`fresh fresh-${fresh.state}`}>
                          <span className="dot" aria-hidden="true" /> {t(`fresh.${fresh.state}`)}
                        </span>
                      </td>
                      <td>
                        {formatInstant(f.last_received_at, timeZone, lang)}{" "}
                        <span className="muted">({formatAgo(f.last_received_at, now, lang)})</span>
                      </td>
                      <td>
                        {formatInstant(f.last_accepted_at, timeZone, lang)}{" "}
                        <span className="muted">({formatAgo(f.last_accepted_at, now, lang)})</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <p className="muted">{t("freshnessNote", { zone: timeZone })}</p>

          <h2>{t("perDay")}</h2>
          <figure className="chart" data-testid="outcomes-chart" aria-labelledby="outcomes-title">
            <figcaption id="outcomes-title">{t("chartTitle")}</figcaption>
            {days.length === 0 ? (
              <p className="muted">{t("noRows")}</p>
            ) : (
              <div className="chart-box" role="img" aria-label={t("chartTitle")}>
                <ResponsiveContainer width="100%" height={280}>
                  <BarChart data={days} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="day" />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Legend />
                    {OUTCOMES.map((o) => (
                      <Bar
                        key={o}
                        dataKey={o}
                        name={t(`outcome.${o}`)}
                        stackId="outcomes"
                        fill={OUTCOME_COLOURS[o]}
                        isAnimationActive={false}
                      />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              </div>
            )}
          </figure>

          <table data-testid="stats-table">
            <caption>{t("tableCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("day")}</th>
                <th scope="col">{t("source")}</th>
                <th scope="col">{t("received")}</th>
                {OUTCOMES.map((o) => (
                  <th key={o} scope="col">
                    {t(`outcome.${o}`)}
                  </th>
                ))}
                <th scope="col">{t("eventsStored")}</th>
                <th scope="col">{t("lastReceived")}</th>
              </tr>
            </thead>
            <tbody>
              {stats.data.rows.map((r) => (
                <tr key={`${r.day}:${r.source}`} data-day={r.day} data-source={r.source}>
                  <th scope="row">{r.day}</th>
                  <td>{r.source}</td>
                  <td data-col="received">{r.received}</td>
                  {OUTCOMES.map((o) => (
                    <td key={o} data-col={o}>
                      {r[o]}
                    </td>
                  ))}
                  <td data-col="events_stored">{r.events_stored}</td>
                  <td>{formatInstant(r.last_received_at, timeZone, lang)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="stats-totals">
                <th scope="row" colSpan={2}>
                  {t("totals")}
                </th>
                <td data-col="received">{stats.data.totals.received}</td>
                {OUTCOMES.map((o) => (
                  <td key={o} data-col={o}>
                    {stats.data.totals[o]}
                  </td>
                ))}
                <td data-col="events_stored">{stats.data.totals.events_stored}</td>
                <td />
              </tr>
            </tfoot>
          </table>
          <p className="muted">{t("note")}</p>
        </>
      ) : null}
    </section>
  );
}

/** `/p/:projectId/webhooks`: webhook deliveries per source and day, their outcomes, and data freshness. */
export const page: PageModule = {
  id: "webhooks",
  scope: "project",
  access: "viewer",
  routes: [{ path: "webhooks", element: <WebhooksPage /> }],
  nav: { path: "webhooks", labelKey: "nav", order: 50 },
};
