import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client.ts";
import { formatDuration } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import { formatMoney } from "../sales/sales.data.ts";
import "../sales/sales.css";

const BYS = ["campaign", "creative", "team"] as const;
type By = (typeof BYS)[number];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^\d{1,15}$/;

/** The page's query in the URL: optional local days, grouping, pipeline (empty = any / default). */
interface QualificationQuery {
  from: string;
  to: string;
  by: By;
  pipeline: string;
}

function readQuery(params: URLSearchParams): QualificationQuery {
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  return {
    from: DATE.test(from) ? from : "",
    to: DATE.test(to) ? to : "",
    by: BYS.find((b) => b === params.get("by")) ?? "campaign",
    pipeline: ID.test(params.get("pipeline") ?? "") ? (params.get("pipeline") as string) : "",
  };
}

function percent(v: number | null, lang: string): string {
  return v === null ? "—" : `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v)} %`;
}

function QueryForm({
  value,
  onApply,
  pipelines,
}: {
  value: QualificationQuery;
  onApply: (q: QualificationQuery) => void;
  pipelines: { id: number; name: string }[];
}) {
  const { t } = useTranslation("qualification");
  const [draft, setDraft] = useState(value);
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft);
  }
  return (
    <form className="row qualification-form" onSubmit={submit} aria-label={t("filters")}>
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
        <span>{t("by")}</span>
        <select
          name="by"
          value={draft.by}
          onChange={(e) => setDraft({ ...draft, by: BYS.find((b) => b === e.target.value) ?? "campaign" })}
        >
          {BYS.map((b) => (
            <option key={b} value={b}>
              {t(`bys.${b}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("pipeline")}</span>
        <select
          name="pipeline"
          value={draft.pipeline}
          onChange={(e) => setDraft({ ...draft, pipeline: e.target.value })}
        >
          <option value="">{t("anyPipeline")}</option>
          {pipelines.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.name}
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

function QualificationPage() {
  const { t, i18n } = useTranslation("qualification");
  const lang = i18n.language;
  const { projectId } = useCurrentProject();
  const [params, setParams] = useSearchParams();
  const q = readQuery(params);
  const period = { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
  const pipeline = q.pipeline ? { pipeline: Number(q.pipeline) } : {};
  const stats = useQuery({
    queryKey: ["qualification", projectId, q.from, q.to, q.by, q.pipeline],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/leads/qualification", {
          params: { query: { project: projectId, by: q.by, ...period, ...pipeline } },
        }),
      ),
  });
  const funnel = useQuery({
    queryKey: ["funnel", projectId, q.from, q.to, q.pipeline],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/leads/funnel", {
          params: { query: { project: projectId, ...period, ...pipeline } },
        }),
      ),
  });
  const dict = useQuery({
    queryKey: ["dicts", "statuses", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/dicts/statuses", { params: { query: { project: projectId } } })),
  });
  const pipelines = (dict.data?.groups ?? []).map((g) => ({ id: g.group_id, name: g.name }));

  function apply(next: QualificationQuery) {
    const p: Record<string, string> = { by: next.by };
    if (next.from) p["from"] = next.from;
    if (next.to) p["to"] = next.to;
    if (next.pipeline) p["pipeline"] = next.pipeline;
    setParams(p, { replace: true });
  }
  const keyLabel = (key: string | null) => key ?? t(`none.${q.by}`);

  return (
    <section aria-labelledby="qualification-title" className="qualification">
      <h1 id="qualification-title">{t("title")}</h1>
      <QueryForm key={JSON.stringify(q)} value={q} onApply={apply} pipelines={pipelines} />
      {stats.isPending ? <Loading /> : null}
      {stats.isError ? <ErrorNotice error={stats.error} onRetry={() => void stats.refetch()} /> : null}
      {stats.data ? (
        <table data-testid="qualification-table" data-by={stats.data.by}>
          <caption>{t("tableCaption", { by: t(`bys.${q.by}`) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t(`bys.${q.by}`)}</th>
              <th scope="col">{t("leads")}</th>
              <th scope="col">{t("qualified")}</th>
              <th scope="col">{t("qualificationRate")}</th>
              <th scope="col">{t("won")}</th>
              <th scope="col">{t("conversionRate")}</th>
              <th scope="col">{t("revenue")}</th>
            </tr>
          </thead>
          <tbody>
            {stats.data.rows.map((r) => (
              <tr key={r.key ?? "__none"} data-key={r.key ?? ""}>
                <th scope="row">{keyLabel(r.key)}</th>
                <td data-col="leads">{r.leads}</td>
                <td data-col="qualified">{r.qualified}</td>
                <td data-col="qualification_rate">{percent(r.qualification_rate, lang)}</td>
                <td data-col="won">{r.won}</td>
                <td data-col="conversion_rate">{percent(r.conversion_rate, lang)}</td>
                <td data-col="revenue">{formatMoney(r.revenue, null, lang)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="qualification-total">
              <th scope="row">{t("total")}</th>
              <td data-col="leads">{stats.data.total.leads}</td>
              <td data-col="qualified">{stats.data.total.qualified}</td>
              <td data-col="qualification_rate">{percent(stats.data.total.qualification_rate, lang)}</td>
              <td data-col="won">{stats.data.total.won}</td>
              <td data-col="conversion_rate">{percent(stats.data.total.conversion_rate, lang)}</td>
              <td data-col="revenue">{formatMoney(stats.data.total.revenue, null, lang)}</td>
            </tr>
          </tfoot>
        </table>
      ) : null}
      <p className="muted">{t("denominators")}</p>

      <h2>{t("funnelTitle")}</h2>
      {funnel.isPending ? <Loading /> : null}
      {funnel.isError ? <ErrorNotice error={funnel.error} onRetry={() => void funnel.refetch()} /> : null}
      {funnel.data ? (
        funnel.data.stages.length === 0 ? (
          <p className="muted">{t("noFunnel")}</p>
        ) : (
          <table data-testid="funnel-table" data-pipeline={funnel.data.pipeline_id ?? ""}>
            <caption>
              {t("funnelCaption", {
                pipeline: funnel.data.pipeline_name ?? funnel.data.pipeline_id,
                leads: funnel.data.leads,
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("stage")}</th>
                <th scope="col">{t("reached")}</th>
                <th scope="col">{t("entered")}</th>
                <th scope="col">{t("conversion")}</th>
                <th scope="col">{t("medianTime")}</th>
                <th scope="col">{t("lost")}</th>
              </tr>
            </thead>
            <tbody>
              {funnel.data.stages.map((s) => (
                <tr key={s.status_id} data-status={s.status_id}>
                  <th scope="row">
                    <span
                      className="funnel-bar"
                      style={{
                        width: `${funnel.data.leads === 0 ? 0 : (100 * s.reached) / funnel.data.leads}%`,
                      }}
                      aria-hidden="true"
                    />
                    {s.name ?? s.status_id}
                  </th>
                  <td data-col="reached">{s.reached}</td>
                  <td data-col="entered">{s.entered}</td>
                  <td data-col="conversion">{percent(s.conversion_from_previous, lang)}</td>
                  <td data-col="median">
                    {s.median_working_seconds === null ? "—" : formatDuration(s.median_working_seconds, lang)}
                  </td>
                  <td data-col="lost">{s.lost}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <p className="muted">{t("funnelNote")}</p>
    </section>
  );
}

/** `/p/:projectId/qualification`: lead qualification per campaign / creative / team and the pipeline funnel. */
export const page: PageModule = {
  id: "qualification",
  scope: "project",
  access: "viewer",
  routes: [{ path: "qualification", element: <QualificationPage /> }],
  nav: { path: "qualification", labelKey: "nav", order: 36 },
};
