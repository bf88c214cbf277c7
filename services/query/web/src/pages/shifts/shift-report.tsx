import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client.ts";
import type { GetJson } from "../../api/types.ts";
import { formatInstant, zonedDayStart } from "../../format/time.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import { addDays } from "../analytics/analytics.data.ts";
import { shiftDayStart } from "./shifts.data.ts";

type ShiftReport = GetJson<"/api/reports/shifts">;
type ShiftCounts = ShiftReport["totals"];
type DealsResponse = GetJson<"/api/shifts/{shiftId}/deals">;
type DealItem = DealsResponse["items"][number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The counts of a shift, a manager or the whole window, as table cells. */
function CountCells({ c }: { c: ShiftCounts }) {
  return (
    <>
      <td data-col="dialogs">{c.dialogs}</td>
      <td data-col="deals">{c.deals}</td>
      <td data-col="messages">
        {c.messages_in} / {c.messages_out}
      </td>
      <td data-col="analyzed">{c.analyzed}</td>
      <td data-col="errors">{c.errors}</td>
      <td data-col="interest">
        <span className="interest-hot">{c.hot}</span> / <span className="interest-warm">{c.warm}</span> /{" "}
        <span className="interest-cold">{c.cold}</span>
      </td>
      <td data-col="mean-score">{c.mean_score === null ? "—" : c.mean_score.toFixed(1)}</td>
    </>
  );
}

function CountHeaders() {
  const { t } = useTranslation("shifts");
  return (
    <>
      <th scope="col">{t("report.dialogs")}</th>
      <th scope="col">{t("report.deals")}</th>
      <th scope="col">{t("report.messages")}</th>
      <th scope="col">{t("report.analyzed")}</th>
      <th scope="col">{t("report.errors")}</th>
      <th scope="col">{t("report.interest")}</th>
      <th scope="col">{t("report.meanScore")}</th>
    </>
  );
}

/** One row of the shift deal table, with the window's dialog text behind a disclosure. */
function DealRow({ item, timeZone, lang }: { item: DealItem; timeZone: string; lang: string }) {
  const { t } = useTranslation("shifts");
  const a = item.analysis;
  return (
    <tr data-dialog-key={item.dialog_key} data-lead-id={item.lead_id ?? ""}>
      <td>
        {item.manager_name ?? (item.manager_id === null ? t("deals.unassigned") : `#${item.manager_id}`)}
      </td>
      <th scope="row">
        {item.deal_name ?? (item.lead_id === null ? item.phone : `#${item.lead_id}`)}
        {item.price === null ? null : <span className="muted"> · {item.price.toLocaleString(lang)}</span>}
      </th>
      <td>
        {item.pipeline_name ?? item.pipeline_id ?? "—"} → {item.status_name ?? item.status_id ?? "—"}
      </td>
      <td>{item.phones.length > 0 ? item.phones.join(", ") : (item.phone ?? "—")}</td>
      <td>
        {item.incoming} / {item.outgoing}
      </td>
      <td data-col="score">
        {a === null ? (
          <span className="muted">{t("deals.notAnalysed")}</span>
        ) : a.status === "failed" ? (
          <span className="sla-over">{t("deals.failed", { code: a.error_code ?? "" })}</span>
        ) : (
          <span className={`interest interest-${a.interest ?? "none"}`}>
            {a.score} · {a.interest ? t(`interest.${a.interest}`) : "—"}
          </span>
        )}
      </td>
      <td className="dialog-cell">
        {a?.summary ? <p>{a.summary}</p> : null}
        <details>
          <summary>
            {t("deals.dialog", {
              from: formatInstant(item.first_message_at, timeZone, lang),
              to: formatInstant(item.last_message_at, timeZone, lang),
            })}
          </summary>
          <pre className="dialog-text">{item.dialog_text || t("deals.noMessages")}</pre>
        </details>
      </td>
    </tr>
  );
}

/** The shift deal table of one shift (`GET /api/shifts/{shiftId}/deals`), optionally one manager's. */
function DealTable({
  projectId,
  shiftId,
  managers,
  timeZone,
  lang,
}: {
  projectId: string;
  shiftId: string;
  managers: { id: number; name: string }[];
  timeZone: string;
  lang: string;
}) {
  const { t } = useTranslation("shifts");
  const [manager, setManager] = useState("");
  const [minIncoming, setMinIncoming] = useState("");
  const deals = useQuery({
    queryKey: ["shift-deals", projectId, shiftId, manager, minIncoming],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/shifts/{shiftId}/deals", {
          params: {
            path: { shiftId },
            query: {
              project: projectId,
              ...(manager ? { manager: Number(manager) } : {}),
              ...(minIncoming ? { minIncoming: Number(minIncoming) } : {}),
            },
          },
        }),
      ),
  });
  return (
    <section aria-labelledby="deals-title" data-testid="shift-deals">
      <h2 id="deals-title">{t("deals.title", { shift: shiftId })}</h2>
      <div className="row">
        <label className="field">
          <span>{t("deals.manager")}</span>
          <select value={manager} onChange={(e) => setManager(e.target.value)} name="manager">
            <option value="">{t("deals.allManagers")}</option>
            {managers.map((m) => (
              <option key={m.id} value={String(m.id)}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("deals.minIncoming")}</span>
          <input
            type="number"
            min={0}
            max={1000}
            name="minIncoming"
            value={minIncoming}
            onChange={(e) => setMinIncoming(e.target.value)}
          />
        </label>
      </div>
      {deals.isPending ? <Loading /> : null}
      {deals.isError ? <ErrorNotice error={deals.error} onRetry={() => void deals.refetch()} /> : null}
      {deals.data ? (
        <>
          <p className="muted">
            {t("window", {
              from: formatInstant(deals.data.shift_start, timeZone, lang),
              to: formatInstant(deals.data.shift_end, timeZone, lang),
            })}
          </p>
          {deals.data.items.length === 0 ? (
            <p className="notice">{t("deals.none")}</p>
          ) : (
            <table className="deals">
              <thead>
                <tr>
                  <th scope="col">{t("deals.manager")}</th>
                  <th scope="col">{t("deals.deal")}</th>
                  <th scope="col">{t("deals.stage")}</th>
                  <th scope="col">{t("deals.phones")}</th>
                  <th scope="col">{t("report.messages")}</th>
                  <th scope="col">{t("deals.score")}</th>
                  <th scope="col">{t("deals.dialogCol")}</th>
                </tr>
              </thead>
              <tbody>
                {deals.data.items.map((item) => (
                  <DealRow key={item.dialog_key} item={item} timeZone={timeZone} lang={lang} />
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}

/**
 * The shift report per manager (`GET /api/reports/shifts`): by default the last fully closed shift,
 * or the shifts of chosen local days; and the deal table of the selected shift.
 */
export function ShiftReport({ projectId, timeZone }: { projectId: string; timeZone: string }) {
  const { t, i18n } = useTranslation("shifts");
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  const fromDay = DATE.test(params.get("from") ?? "") ? (params.get("from") as string) : "";
  const toDay = DATE.test(params.get("to") ?? "") ? (params.get("to") as string) : "";
  const [draft, setDraft] = useState({ from: fromDay, to: toDay });
  const shiftSettings = useQuery({
    queryKey: ["settings", projectId, "shifts"],
    queryFn: async () =>
      unwrap(await api.GET("/api/settings/shifts", { params: { query: { project: projectId } } })),
  });
  const zone = shiftSettings.data?.settings.time_zone;
  const range =
    fromDay && toDay && zone
      ? {
          from: shiftDayStart(fromDay, zone, zonedDayStart),
          to: shiftDayStart(addDays(toDay, 1), zone, zonedDayStart),
        }
      : null;
  const report = useQuery({
    queryKey: ["shift-report", projectId, range?.from ?? "", range?.to ?? ""],
    enabled: !(fromDay && toDay) || range !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/reports/shifts", {
          params: { query: { project: projectId, ...(range ? { from: range.from, to: range.to } : {}) } },
        }),
      ),
  });
  const shifts = report.data?.shifts ?? [];
  const selected =
    params.get("shift") ?? report.data?.window.shift_id ?? shifts[shifts.length - 1]?.shift_id ?? null;

  function submit(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams(params);
    next.delete("shift");
    if (draft.from && draft.to) {
      next.set("from", draft.from);
      next.set("to", draft.to);
    } else {
      next.delete("from");
      next.delete("to");
    }
    setParams(next, { replace: true });
  }
  function select(shiftId: string) {
    const next = new URLSearchParams(params);
    next.set("shift", shiftId);
    setParams(next, { replace: true });
  }

  const managers = new Map<number, string>();
  for (const s of shifts) {
    for (const m of s.managers)
      if (m.manager_id !== null) managers.set(m.manager_id, m.manager_name ?? `#${m.manager_id}`);
  }

  return (
    <>
      <form className="row" onSubmit={submit} aria-label={t("report.filters")}>
        <label className="field">
          <span>{t("report.fromDay")}</span>
          <input
            type="date"
            name="from"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("report.toDay")}</span>
          <input
            type="date"
            name="to"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </label>
        <button type="submit" className="primary">
          {t("apply")}
        </button>
        <span className="muted">{t("report.defaultHint")}</span>
      </form>
      {report.isPending && report.fetchStatus !== "idle" ? <Loading /> : null}
      {report.isError ? <ErrorNotice error={report.error} onRetry={() => void report.refetch()} /> : null}
      {shiftSettings.isError ? <ErrorNotice error={shiftSettings.error} /> : null}
      {report.data ? (
        <section aria-labelledby="report-title" data-testid="shift-report">
          <h2 id="report-title">{t("report.title")}</h2>
          <p className="muted">
            {t("window", {
              from: formatInstant(report.data.window.from, timeZone, lang),
              to: formatInstant(report.data.window.to, timeZone, lang),
            })}{" "}
            {t("report.settings", {
              zone: report.data.shift_settings.time_zone,
              hour: report.data.shift_settings.start_hour,
              length: report.data.shift_settings.length_hours,
            })}
          </p>
          {shifts.length === 0 ? (
            <p className="notice">{t("report.none")}</p>
          ) : (
            <table className="shift-report">
              <thead>
                <tr>
                  <th scope="col">{t("report.shift")}</th>
                  <th scope="col">{t("report.manager")}</th>
                  <CountHeaders />
                </tr>
              </thead>
              {shifts.map((s) => (
                <tbody
                  key={s.shift_id}
                  data-shift-id={s.shift_id}
                  className={s.shift_id === selected ? "selected" : undefined}
                >
                  {s.managers.map((m, i) => (
                    <tr key={m.manager_id ?? "none"} data-manager-id={m.manager_id ?? ""}>
                      {i === 0 ? (
                        <th scope="rowgroup" rowSpan={s.managers.length + 1}>
                          <button
                            type="button"
                            className="link"
                            aria-pressed={s.shift_id === selected}
                            onClick={() => select(s.shift_id)}
                          >
                            {s.shift_id}
                          </button>
                          <div className="muted">
                            {formatInstant(s.shift_start, timeZone, lang)} –{" "}
                            {formatInstant(s.shift_end, timeZone, lang)}
                          </div>
                        </th>
                      ) : null}
                      <td>
                        {m.manager_name ??
                          (m.manager_id === null ? t("deals.unassigned") : `#${m.manager_id}`)}
                      </td>
                      <CountCells c={m} />
                    </tr>
                  ))}
                  <tr className="subtotal">
                    <td>{t("report.shiftTotal")}</td>
                    <CountCells c={s.totals} />
                  </tr>
                </tbody>
              ))}
              <tfoot>
                <tr data-testid="report-totals">
                  <th scope="row" colSpan={2}>
                    {t("report.total")}
                  </th>
                  <CountCells c={report.data.totals} />
                </tr>
              </tfoot>
            </table>
          )}
        </section>
      ) : null}
      {selected ? (
        <DealTable
          key={selected}
          projectId={projectId}
          shiftId={selected}
          managers={[...managers.entries()].map(([id, name]) => ({ id, name }))}
          timeZone={timeZone}
          lang={lang}
        />
      ) : null}
    </>
  );
}
