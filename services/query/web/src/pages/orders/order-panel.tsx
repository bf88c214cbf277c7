import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client.ts";
import type { TimelineResponse } from "../../api/types.ts";
import {
  formatDuration,
  formatInstant,
  instantToZonedLocal,
  zonedLocalToInstant,
} from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";

type Interval = TimelineResponse["intervals"][number];

/**
 * One interval of the timeline: its status, its span in the project's time zone, and a bar whose
 * length is its wall-clock time, drawn as the API's segments in order: working parts solid,
 * non-working parts (nights, days off, holidays of the group's calendar) hatched, each labelled with
 * its span and duration; coloured by the SLA state it ended with.
 */
function IntervalRow({
  interval,
  timeZone,
  longest,
}: {
  interval: Interval;
  timeZone: string;
  longest: number;
}) {
  const { t, i18n } = useTranslation("orders");
  const lang = i18n.language;
  const state = interval.sla_state ?? "none";
  const wall = Math.max(interval.duration_seconds, 0);
  const working = Math.min(Math.max(interval.working_seconds, 0), wall);
  const width = longest > 0 ? Math.max((wall / longest) * 100, 1) : 1;
  return (
    <li
      className={`interval sla-${state}`}
      data-seq={interval.seq}
      data-sla={state}
      data-status-id={interval.status_id}
    >
      <div className="row spread">
        <strong>
          {interval.status_name ?? `#${interval.status_id}`}{" "}
          <span className="muted">{interval.status_group_name ?? ""}</span>
        </strong>
        <span className="muted small">
          {formatInstant(interval.started_at, timeZone, lang)} –{" "}
          {interval.open_at_as_of ? t("now") : formatInstant(interval.ended_at, timeZone, lang)}
        </span>
      </div>
      <ol
        className="segments"
        aria-label={t("segmentsLabel")}
        data-testid="segments"
        style={{ width: `${width}%` }}
      >
        {interval.segments.map((seg) => {
          const seconds = Math.max((Date.parse(seg.end) - Date.parse(seg.start)) / 1000, 0);
          const label = `${seg.working ? t("working") : t("nonWorking")}: ${formatInstant(seg.start, timeZone, lang)} – ${formatInstant(seg.end, timeZone, lang)} (${formatDuration(seconds, lang)})`;
          return (
            <li
              key={seg.start}
              className={`segment ${seg.working ? "working" : "off"}`}
              data-kind={seg.working ? "working" : "non-working"}
              style={{ flexGrow: seconds }}
              title={label}
            >
              <span className="sr-only">{label}</span>
            </li>
          );
        })}
      </ol>
      <div className="small muted">
        {t("working")}: {formatDuration(working, lang)} · {t("nonWorking")}:{" "}
        {formatDuration(wall - working, lang)}
        {interval.sla_limit_seconds !== null ? (
          <>
            {" "}
            · {t("limit")}: {formatDuration(interval.sla_limit_seconds, lang)} ·{" "}
            <span className={`dot sla-${state}`} aria-hidden="true" /> {t(`sla.${state}`)}
          </>
        ) : null}
        {interval.is_urgent ? ` · ${t("urgent")}` : ""}
      </div>
    </li>
  );
}

/** The overrides form (admins): urgency, SLA profile, cycle bounds (in the project's time zone). */
function Overrides({
  projectId,
  orderId,
  timeZone,
}: {
  projectId: string;
  orderId: number;
  timeZone: string;
}) {
  const { t } = useTranslation("orders");
  const client = useQueryClient();
  const current = useQuery({
    queryKey: ["overrides", projectId, orderId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/orders/{orderId}/overrides", {
          params: { path: { orderId }, query: { project: projectId } },
        }),
      ),
  });
  const sla = useQuery({
    queryKey: ["settings", "sla", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/settings/sla", { params: { query: { project: projectId } } })),
  });
  const [urgent, setUrgent] = useState("");
  const [profile, setProfile] = useState("");
  const [cycleStart, setCycleStart] = useState("");
  const [cycleEnd, setCycleEnd] = useState("");
  useEffect(() => {
    const o = current.data?.overrides;
    if (!o) return;
    setUrgent(o.urgent === null ? "" : String(o.urgent));
    setProfile(o.sla_profile ?? "");
    setCycleStart(instantToZonedLocal(o.cycle_start_at, timeZone));
    setCycleEnd(instantToZonedLocal(o.cycle_end_at, timeZone));
  }, [current.data, timeZone]);

  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT("/api/orders/{orderId}/overrides", {
          params: { path: { orderId }, query: { project: projectId } },
          body: {
            urgent: urgent === "" ? null : urgent === "true",
            sla_profile: profile === "" ? null : profile,
            cycle_start_at: cycleStart === "" ? null : zonedLocalToInstant(cycleStart, timeZone),
            cycle_end_at: cycleEnd === "" ? null : zonedLocalToInstant(cycleEnd, timeZone),
          },
        }),
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["overrides", projectId, orderId] });
    },
  });

  const grids =
    sla.data && "grids" in sla.data
      ? Object.keys((sla.data as { grids: Record<string, unknown> }).grids)
      : [];

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  return (
    <form className="overrides" onSubmit={submit} aria-labelledby="overrides-title" data-testid="overrides">
      <h3 id="overrides-title">{t("overrides")}</h3>
      <label className="field">
        <span>{t("urgency")}</span>
        <select name="urgent" value={urgent} onChange={(e) => setUrgent(e.target.value)}>
          <option value="">{t("byRules")}</option>
          <option value="true">{t("urgent")}</option>
          <option value="false">{t("notUrgent")}</option>
        </select>
      </label>
      <label className="field">
        <span>{t("slaProfile")}</span>
        <select name="sla_profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
          <option value="">{t("byRules")}</option>
          {[...new Set([...grids, ...(profile ? [profile] : [])])].map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("cycleStart")}</span>
        <input
          type="datetime-local"
          name="cycle_start_at"
          value={cycleStart}
          onChange={(e) => setCycleStart(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t("cycleEnd")}</span>
        <input
          type="datetime-local"
          name="cycle_end_at"
          value={cycleEnd}
          onChange={(e) => setCycleEnd(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t("saveOverrides")}
      </button>
      {save.isSuccess ? (
        <output className="small" data-testid="overrides-saved">
          {t("overridesSaved")}
        </output>
      ) : null}
      {save.isError ? <ErrorNotice error={save.error} /> : null}
      {current.data?.changed_by ? (
        <p className="small muted">{t("changedBy", { who: current.data.changed_by })}</p>
      ) : null}
    </form>
  );
}

/** The order panel beside the board: facts, SLA per group, the timeline, and (admins) overrides. */
export function OrderPanel() {
  const { t, i18n } = useTranslation("orders");
  const lang = i18n.language;
  const { projectId, project, role } = useCurrentProject();
  const { orderId: orderParam } = useParams();
  const [params] = useSearchParams();
  const orderId = Number(orderParam);
  const timeZone = project?.time_zone ?? "UTC";
  const timeline = useQuery({
    queryKey: ["timeline", projectId, orderId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/orders/{orderId}/timeline", {
          params: { path: { orderId }, query: { project: projectId } },
        }),
      ),
    enabled: Number.isInteger(orderId),
  });
  const back = `..${params.toString() ? `?${params.toString()}` : ""}`;
  const data = timeline.data;
  const order = data?.order ?? null;
  const longest = Math.max(0, ...(data?.intervals.map((i) => i.duration_seconds) ?? []));

  return (
    <aside
      className="panel card"
      aria-labelledby="panel-title"
      data-testid="order-panel"
      data-order-id={orderId}
    >
      <div className="row spread">
        <h2 id="panel-title">{t("orderTitle", { id: orderParam })}</h2>
        <Link to={back} relative="path" aria-label={t("close")}>
          ✕
        </Link>
      </div>
      {timeline.isPending ? <Loading /> : null}
      {timeline.isError ? (
        <ErrorNotice error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : null}
      {order ? (
        <dl className="facts">
          <dt>{t("status")}</dt>
          <dd>
            {order.last_status_name ?? order.last_status_id}{" "}
            <span className="muted">{order.last_status_group_name}</span>
          </dd>
          <dt>{t("manager")}</dt>
          <dd>{order.manager_name ?? (order.manager_id !== null ? `#${order.manager_id}` : "—")}</dd>
          <dt>{t("urgency")}</dt>
          <dd>
            {order.is_urgent ? t("urgent") : t("notUrgent")}{" "}
            <span className="muted small">({order.urgent_rule ?? order.urgent_source})</span>
          </dd>
          <dt>{t("started")}</dt>
          <dd>{formatInstant(order.started_at, timeZone, lang)}</dd>
          <dt>{t("cycle")}</dt>
          <dd>
            {formatInstant(order.cycle_started_at, timeZone, lang)} –{" "}
            {order.cycle_ended_at ? formatInstant(order.cycle_ended_at, timeZone, lang) : t("open")}
            {order.cycle_working_seconds !== null ? (
              <span className="muted small">
                {" "}
                ({formatDuration(order.cycle_working_seconds, lang)} {t("workingShort")})
              </span>
            ) : null}
          </dd>
        </dl>
      ) : null}
      {order && order.time_by_group.length > 0 ? (
        <>
          <h3>{t("slaPerGroup")}</h3>
          <table className="compact" data-testid="sla-per-group">
            <thead>
              <tr>
                <th scope="col">{t("group")}</th>
                <th scope="col">{t("working")}</th>
                <th scope="col">{t("limit")}</th>
                <th scope="col">{t("slaState")}</th>
              </tr>
            </thead>
            <tbody>
              {order.time_by_group.map((g) => (
                <tr
                  key={String(g.group_id)}
                  data-group-id={g.group_id ?? ""}
                  data-sla={g.sla_state ?? "none"}
                >
                  <td>{g.group_name ?? g.group_id ?? "?"}</td>
                  <td>{formatDuration(g.working_seconds, lang)}</td>
                  <td>{g.sla_limit_seconds === null ? "—" : formatDuration(g.sla_limit_seconds, lang)}</td>
                  <td>
                    <span className={`dot sla-${g.sla_state ?? "none"}`} aria-hidden="true" />{" "}
                    {t(`sla.${g.sla_state ?? "none"}`)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {data ? (
        <>
          <h3>{t("timeline")}</h3>
          {data.intervals.length === 0 ? <p className="muted">{t("noIntervals")}</p> : null}
          <ol className="timeline" data-testid="timeline">
            {data.intervals.map((i) => (
              <IntervalRow key={i.seq} interval={i} timeZone={timeZone} longest={longest} />
            ))}
          </ol>
        </>
      ) : null}
      {role === "admin" && Number.isInteger(orderId) ? (
        <Overrides projectId={projectId} orderId={orderId} timeZone={timeZone} />
      ) : null}
    </aside>
  );
}
