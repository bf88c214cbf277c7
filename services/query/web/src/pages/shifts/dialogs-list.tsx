import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client.ts";
import type { GetJson } from "../../api/types.ts";
import { formatInstant } from "../../format/time.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import {
  type DialogFilters,
  dialogCsvUrl,
  dialogFilterParams,
  FUNNEL_STAGES,
  INTERESTS,
  pageCount,
  readDialogFilters,
  SORTS,
} from "./shifts.data.ts";

type AnalysisItem = GetJson<"/api/dialogs/analysis">["items"][number];

const PAGE_SIZE = 25;

/** The filter form; applies on submit. */
function FilterForm({ value, onApply }: { value: DialogFilters; onApply: (f: DialogFilters) => void }) {
  const { t } = useTranslation("shifts");
  const [f, setF] = useState(value);
  const set = <K extends keyof DialogFilters>(k: K, v: DialogFilters[K]) => setF((d) => ({ ...d, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({ ...f, page: 1 });
  }
  return (
    <form className="row dialog-filters" onSubmit={submit} aria-label={t("dialogs.filters")}>
      <label className="field">
        <span>{t("dialogs.interest")}</span>
        <select
          name="interest"
          value={f.interest}
          onChange={(e) => set("interest", INTERESTS.find((i) => i === e.target.value) ?? "")}
        >
          <option value="">{t("dialogs.any")}</option>
          {INTERESTS.map((i) => (
            <option key={i} value={i}>
              {t(`interest.${i}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("dialogs.minScore")}</span>
        <input
          type="number"
          name="minScore"
          min={0}
          max={100}
          value={f.minScore}
          onChange={(e) => set("minScore", e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t("dialogs.funnelStage")}</span>
        <select
          name="funnelStage"
          value={f.funnelStage}
          onChange={(e) => set("funnelStage", FUNNEL_STAGES.find((s) => s === e.target.value) ?? "")}
        >
          <option value="">{t("dialogs.any")}</option>
          {FUNNEL_STAGES.map((s) => (
            <option key={s} value={s}>
              {t(`stage.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("dialogs.qualification")}</span>
        <select
          name="qualificationComplete"
          value={f.qualificationComplete}
          onChange={(e) =>
            set(
              "qualificationComplete",
              e.target.value === "true" ? "true" : e.target.value === "false" ? "false" : "",
            )
          }
        >
          <option value="">{t("dialogs.any")}</option>
          <option value="true">{t("dialogs.complete")}</option>
          <option value="false">{t("dialogs.incomplete")}</option>
        </select>
      </label>
      <label className="field">
        <span>{t("dialogs.managerId")}</span>
        <input
          type="text"
          inputMode="numeric"
          pattern="\d*"
          name="manager"
          size={10}
          value={f.manager}
          onChange={(e) => set("manager", e.target.value.trim())}
        />
      </label>
      <label className="field">
        <span>{t("dialogs.shiftId")}</span>
        <input
          type="text"
          name="shiftId"
          placeholder="2026-10-21"
          size={12}
          value={f.shiftId}
          onChange={(e) => set("shiftId", e.target.value.trim())}
        />
      </label>
      <label className="field inline">
        <input
          type="checkbox"
          name="includeFailed"
          checked={f.includeFailed}
          onChange={(e) => set("includeFailed", e.target.checked)}
        />
        <span>{t("dialogs.includeFailed")}</span>
      </label>
      <label className="field">
        <span>{t("dialogs.sort")}</span>
        <select
          name="sort"
          value={f.sort}
          onChange={(e) => set("sort", SORTS.find((s) => s === e.target.value) ?? "score")}
        >
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`dialogs.sortBy.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("dialogs.dir")}</span>
        <select
          name="dir"
          value={f.dir}
          onChange={(e) => set("dir", e.target.value === "asc" ? "asc" : "desc")}
        >
          <option value="desc">{t("dialogs.desc")}</option>
          <option value="asc">{t("dialogs.asc")}</option>
        </select>
      </label>
      <button type="submit" className="primary">
        {t("apply")}
      </button>
    </form>
  );
}

function DialogRow({ item, timeZone, lang }: { item: AnalysisItem; timeZone: string; lang: string }) {
  const { t } = useTranslation("shifts");
  return (
    <tr data-dialog-key={item.dialog_key} data-status={item.status}>
      <th scope="row">{item.lead_id === null ? item.phone : `#${item.lead_id}`}</th>
      <td>
        {item.shift_id ?? "—"}
        <div className="muted">{formatInstant(item.window_start, timeZone, lang)}</div>
      </td>
      <td>{item.manager_name ?? (item.manager_id === null ? "—" : `#${item.manager_id}`)}</td>
      <td data-col="score">
        {item.status === "failed" ? (
          <span className="sla-over">{t("deals.failed", { code: item.error?.code ?? "" })}</span>
        ) : (
          <span className={`interest interest-${item.interest ?? "none"}`}>
            {item.score} · {item.interest ? t(`interest.${item.interest}`) : "—"}
          </span>
        )}
      </td>
      <td>
        {item.funnel_stage ? t(`stage.${item.funnel_stage}`, { defaultValue: item.funnel_stage }) : "—"}
      </td>
      <td>
        {item.qualification_complete === null
          ? "—"
          : item.qualification_complete
            ? t("dialogs.complete")
            : t("dialogs.incomplete")}
      </td>
      <td className="dialog-cell">
        {item.summary ? <p>{item.summary}</p> : null}
        <details>
          <summary>{t("dialogs.details", { in: item.incoming ?? 0, out: item.outgoing ?? 0 })}</summary>
          {item.reasons && item.reasons.length > 0 ? (
            <ul className="reasons">
              {item.reasons.map((r) => (
                <li key={r.rule}>
                  {r.rule}: {r.points > 0 ? `+${r.points}` : r.points}
                </li>
              ))}
            </ul>
          ) : null}
          <pre className="dialog-text">{item.dialog_text ?? t("deals.noMessages")}</pre>
        </details>
      </td>
    </tr>
  );
}

/**
 * The analysed dialogs (`GET /api/dialogs/analysis`) with filters from the URL, paging, sorting and a
 * CSV download of the same filters (`GET /api/dialogs/export.csv`, by the session cookie).
 */
export function DialogsList({ projectId, timeZone }: { projectId: string; timeZone: string }) {
  const { t, i18n } = useTranslation("shifts");
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  const filters = readDialogFilters(params);
  const [delimiter, setDelimiter] = useState<"comma" | "semicolon">(
    (i18n.resolvedLanguage ?? lang).startsWith("en") ? "comma" : "semicolon",
  );
  const list = useQuery({
    queryKey: ["dialogs", projectId, dialogFilterParams(filters)],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/dialogs/analysis", {
          params: {
            query: {
              project: projectId,
              ...(filters.interest ? { interest: filters.interest } : {}),
              ...(filters.minScore ? { minScore: Number(filters.minScore) } : {}),
              ...(filters.funnelStage ? { funnelStage: filters.funnelStage } : {}),
              ...(filters.qualificationComplete
                ? { qualificationComplete: filters.qualificationComplete }
                : {}),
              ...(filters.manager ? { manager: Number(filters.manager) } : {}),
              ...(filters.shiftId ? { shiftId: filters.shiftId } : {}),
              includeFailed: filters.includeFailed ? "true" : "false",
              sort: filters.sort,
              dir: filters.dir,
              page: filters.page,
              pageSize: PAGE_SIZE,
            },
          },
        }),
      ),
  });
  const apply = (f: DialogFilters) => setParams(dialogFilterParams(f), { replace: true });
  const pages = list.data ? pageCount(list.data.total, PAGE_SIZE) : 1;

  return (
    <section aria-labelledby="dialogs-title" data-testid="dialogs">
      <h2 id="dialogs-title">{t("dialogs.title")}</h2>
      <FilterForm key={params.toString()} value={filters} onApply={apply} />
      <div className="row csv">
        <label className="field">
          <span>{t("dialogs.delimiter")}</span>
          <select
            value={delimiter}
            onChange={(e) => setDelimiter(e.target.value === "comma" ? "comma" : "semicolon")}
            name="delimiter"
          >
            <option value="comma">{t("dialogs.comma")}</option>
            <option value="semicolon">{t("dialogs.semicolon")}</option>
          </select>
        </label>
        <a
          className="button"
          href={dialogCsvUrl(projectId, filters, delimiter)}
          download
          data-testid="dialogs-csv"
        >
          {t("dialogs.csv")}
        </a>
      </div>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data ? (
        <>
          <p className="muted" data-testid="dialogs-total">
            {t("dialogs.total", { count: list.data.total })}
          </p>
          {list.data.items.length > 0 ? (
            <table className="dialogs-table">
              <thead>
                <tr>
                  <th scope="col">{t("dialogs.contact")}</th>
                  <th scope="col">{t("report.shift")}</th>
                  <th scope="col">{t("report.manager")}</th>
                  <th scope="col">{t("deals.score")}</th>
                  <th scope="col">{t("dialogs.funnelStage")}</th>
                  <th scope="col">{t("dialogs.qualification")}</th>
                  <th scope="col">{t("deals.dialogCol")}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((item) => (
                  <DialogRow key={item.dialog_key} item={item} timeZone={timeZone} lang={lang} />
                ))}
              </tbody>
            </table>
          ) : null}
          <nav className="row pager" aria-label={t("dialogs.pages")}>
            <button
              type="button"
              disabled={filters.page <= 1}
              onClick={() => apply({ ...filters, page: filters.page - 1 })}
            >
              {t("dialogs.prev")}
            </button>
            <span>{t("dialogs.page", { page: filters.page, pages })}</span>
            <button
              type="button"
              disabled={filters.page >= pages}
              onClick={() => apply({ ...filters, page: filters.page + 1 })}
            >
              {t("dialogs.next")}
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}
