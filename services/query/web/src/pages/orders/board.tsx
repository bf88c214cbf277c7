import type { OrderUpdatedNotice } from "@pulse/events";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useParams, useSearchParams } from "react-router";
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, unwrap } from "../../api/client.ts";
import type { GetJson, OrderListResponse, OrderRow } from "../../api/types.ts";
import { formatDuration, formatInstant } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import {
  type BoardFilters,
  orderListQuery,
  PAGE_SIZE,
  readFilters,
  type SortField,
  writeFilters,
} from "./filters.ts";
import { SlaBar } from "./sla-bar.tsx";
import { useOrderStream } from "./use-order-stream.ts";

type StatusDictionary = GetJson<"/api/dicts/statuses">;

/** The status dictionary and the managers of a project (for the filters and names). */
function useDictionaries(projectId: string) {
  const statuses = useQuery({
    queryKey: ["dicts", "statuses", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/dicts/statuses", { params: { query: { project: projectId } } })),
    staleTime: 5 * 60_000,
  });
  const managers = useQuery({
    queryKey: ["dicts", "managers", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/dicts/managers", { params: { query: { project: projectId } } })),
    staleTime: 5 * 60_000,
  });
  return { statuses: statuses.data, managers: managers.data?.managers ?? [] };
}

function Filters({
  projectId,
  filters,
  onApply,
}: {
  projectId: string;
  filters: BoardFilters;
  onApply: (next: BoardFilters) => void;
}) {
  const { t } = useTranslation("orders");
  const { statuses, managers } = useDictionaries(projectId);
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const set = <K extends keyof BoardFilters>(key: K, value: BoardFilters[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({ ...draft, page: 1, cursor: "" });
  }

  return (
    <form className="card filters row" onSubmit={submit} aria-label={t("filters")}>
      <label className="field">
        <span>{t("from")}</span>
        <input type="date" name="from" value={draft.from} onChange={(e) => set("from", e.target.value)} />
      </label>
      <label className="field">
        <span>{t("to")}</span>
        <input type="date" name="to" value={draft.to} onChange={(e) => set("to", e.target.value)} />
      </label>
      <label className="field">
        <span>{t("orderNumber")}</span>
        <input
          name="order"
          inputMode="numeric"
          pattern="\d*"
          size={10}
          value={draft.order}
          onChange={(e) => set("order", e.target.value.replace(/\D/g, ""))}
        />
      </label>
      <label className="field">
        <span>{t("status")}</span>
        <select name="status" value={draft.status} onChange={(e) => set("status", e.target.value)}>
          <option value="">{t("any")}</option>
          {statuses?.groups.map((g) => (
            <optgroup key={g.group_id} label={g.name}>
              <option value={`g${g.group_id}`}>{t("wholeGroup", { name: g.name })}</option>
              {statuses.statuses
                .filter((s) => s.group_id === g.group_id)
                .map((s) => (
                  <option key={s.status_id} value={`s${s.status_id}`}>
                    {s.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("urgency")}</span>
        <select
          name="urgent"
          value={draft.urgent}
          onChange={(e) => set("urgent", e.target.value as BoardFilters["urgent"])}
        >
          <option value="">{t("any")}</option>
          <option value="true">{t("urgentOnly")}</option>
          <option value="false">{t("notUrgent")}</option>
        </select>
      </label>
      <label className="field">
        <span>{t("slaState")}</span>
        <select
          name="sla"
          value={draft.sla}
          onChange={(e) => set("sla", e.target.value as BoardFilters["sla"])}
        >
          <option value="">{t("any")}</option>
          <option value="ok">{t("sla.ok")}</option>
          <option value="near">{t("sla.near")}</option>
          <option value="over">{t("sla.over")}</option>
        </select>
      </label>
      <label className="field">
        <span>{t("manager")}</span>
        <select name="manager" value={draft.manager} onChange={(e) => set("manager", e.target.value)}>
          <option value="">{t("any")}</option>
          {managers.map((m) => (
            <option key={m.user_id} value={String(m.user_id)}>
              {m.name ?? `#${m.user_id}`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary">
        {t("apply")}
      </button>
      <button
        type="button"
        onClick={() =>
          onApply({ ...readFilters(new URLSearchParams()), sort: filters.sort, dir: filters.dir })
        }
      >
        {t("reset")}
      </button>
    </form>
  );
}

function Kpi({ data }: { data: OrderListResponse }) {
  const { t, i18n } = useTranslation("orders");
  const { kpi } = data;
  const pct = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} %`);
  const chart = kpi.groups
    .filter((g) => g.orders_visited > 0)
    .map((g) => ({
      name: g.group_name ?? String(g.group_id ?? "?"),
      hours: g.mean_seconds / 3600,
      seconds: g.mean_seconds,
    }));
  return (
    <section className="kpi" aria-label={t("kpi")}>
      <div className="tile" data-testid="kpi-orders">
        <span className="muted">{t("kpiOrders")}</span>
        <strong>{kpi.order_count}</strong>
      </div>
      <div className="tile sla-ok" data-testid="kpi-ok">
        <span className="muted">{t("sla.ok")}</span>
        <strong>{pct(kpi.sla.ok_percent)}</strong>
        <small className="muted">{kpi.sla.ok}</small>
      </div>
      <div className="tile sla-near" data-testid="kpi-near">
        <span className="muted">{t("sla.near")}</span>
        <strong>{pct(kpi.sla.near_percent)}</strong>
        <small className="muted">{kpi.sla.near}</small>
      </div>
      <div className="tile sla-over" data-testid="kpi-over">
        <span className="muted">{t("sla.over")}</span>
        <strong>{pct(kpi.sla.over_percent)}</strong>
        <small className="muted">{kpi.sla.over}</small>
      </div>
      <figure className="tile wide" aria-label={t("meanPerGroup")}>
        <figcaption className="muted">{t("meanPerGroup")}</figcaption>
        {chart.length === 0 ? (
          <p className="muted">—</p>
        ) : (
          <>
            {/* One 22 px row per group, so every group's name fits beside its bar. */}
            <div style={{ height: Math.max(80, chart.length * 22 + 8) }} aria-hidden="true">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={chart} layout="vertical" margin={{ left: 8, right: 8, top: 4, bottom: 4 }}>
                  <XAxis type="number" hide />
                  <YAxis type="category" dataKey="name" width={110} interval={0} tick={{ fontSize: 12 }} />
                  <Tooltip
                    formatter={(_v, _n, item) => formatDuration(item.payload.seconds, i18n.language)}
                  />
                  <Bar dataKey="hours" fill="#2456c7" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <ul className="sr-only">
              {chart.map((g) => (
                <li key={g.name}>
                  {g.name}: {formatDuration(g.seconds, i18n.language)}
                </li>
              ))}
            </ul>
          </>
        )}
      </figure>
    </section>
  );
}

function SortHeader({
  field,
  label,
  filters,
  onSort,
}: {
  field: SortField;
  label: string;
  filters: BoardFilters;
  onSort: (field: SortField) => void;
}) {
  const active = filters.sort === field;
  return (
    <th scope="col" aria-sort={active ? (filters.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" className="sort" onClick={() => onSort(field)}>
        {label} {active ? (filters.dir === "asc" ? "▲" : "▼") : ""}
      </button>
    </th>
  );
}

function OrderRows({
  items,
  timeZone,
  selected,
}: {
  items: OrderRow[];
  timeZone: string;
  selected: string | undefined;
}) {
  const { t, i18n } = useTranslation("orders");
  const [params] = useSearchParams();
  const search = params.toString() ? `?${params.toString()}` : "";
  return (
    <tbody>
      {items.map((o) => {
        const state = o.current_interval?.sla_state ?? "none";
        return (
          <tr
            key={o.order_id}
            data-order-id={o.order_id}
            data-status-id={o.last_status_id ?? ""}
            data-sla={state}
            className={selected === String(o.order_id) ? "selected" : undefined}
          >
            <td>
              <Link to={`${o.order_id}${search}`} aria-label={t("openOrder", { id: o.order_id })}>
                #{o.order_id}
              </Link>
              {o.is_urgent ? <span className="badge urgent">{t("urgent")}</span> : null}
            </td>
            <td data-testid="status">
              <span className={`dot sla-${state}`} aria-hidden="true" />{" "}
              {o.last_status_name ?? o.last_status_id ?? "—"}
              <div className="muted small">{o.last_status_group_name ?? ""}</div>
            </td>
            <td>{o.manager_name ?? (o.manager_id !== null ? `#${o.manager_id}` : "—")}</td>
            <td>{formatInstant(o.started_at, timeZone, i18n.language)}</td>
            <td>{formatInstant(o.last_changed_at, timeZone, i18n.language)}</td>
            <td className="bar-cell">
              <SlaBar groups={o.time_by_group} />
            </td>
          </tr>
        );
      })}
    </tbody>
  );
}

/**
 * The orders board of a project: filters (in the URL), KPI tiles, the order list with an SLA bar per
 * group, server paging and sorting, and live updates: every notice of the project's order stream
 * reloads the current page (coalesced), and so does the next SLA transition of a shown order.
 */
export function OrdersBoard() {
  const { t, i18n } = useTranslation("orders");
  const { projectId, project } = useCurrentProject();
  const { orderId } = useParams();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const timeZone = project?.time_zone ?? "UTC";
  const queryKey = useMemo(
    () => ["orders", projectId, filters, timeZone] as const,
    [projectId, filters, timeZone],
  );
  const client = useQueryClient();

  const orders = useQuery({
    queryKey,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/orders", { params: { query: orderListQuery(projectId, filters, timeZone) } }),
      ),
    placeholderData: keepPreviousData,
    enabled: project !== undefined,
  });

  // Live: a notice reloads the board (and an open order panel) at once; notices arriving while a
  // reload runs are coalesced into one more reload after it. The order a notice names is fetched on
  // its own too (one row: quicker than the page) and patched into the shown page.
  const inFlight = useRef(false);
  const dirty = useRef(false);
  const reload = useCallback(async () => {
    if (inFlight.current) {
      dirty.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        dirty.current = false;
        await Promise.all([
          client.invalidateQueries({ queryKey: ["orders", projectId] }),
          client.invalidateQueries({ queryKey: ["timeline", projectId] }),
        ]);
      } while (dirty.current);
    } finally {
      inFlight.current = false;
    }
  }, [client, projectId]);
  const patchRow = useCallback(
    async (changedOrderId: number) => {
      const shown = client.getQueryData<OrderListResponse>(queryKey);
      if (!shown?.items.some((o) => o.order_id === changedOrderId)) return;
      const fresh = unwrap(
        await api.GET("/api/orders", {
          params: { query: { project: projectId, orderId: changedOrderId, pageSize: 1 } },
        }),
      ).items[0];
      if (!fresh) return;
      client.setQueryData<OrderListResponse>(queryKey, (old) =>
        old ? { ...old, items: old.items.map((o) => (o.order_id === fresh.order_id ? fresh : o)) } : old,
      );
    },
    [client, projectId, queryKey],
  );
  const onNotice = useCallback(
    (notice: OrderUpdatedNotice) => {
      // The notice carries the order's new status: the shown row moves at once; the reload and the
      // row fetch bring the rest (times per group, SLA, KPI).
      const dict = client.getQueryData<StatusDictionary>(["dicts", "statuses", projectId]);
      client.setQueryData<OrderListResponse>(queryKey, (old) =>
        old
          ? {
              ...old,
              items: old.items.map((o) =>
                o.order_id === notice.order_id && notice.event_seq > o.last_event_seq
                  ? {
                      ...o,
                      last_status_id: notice.last_status_id,
                      last_status_group_id: notice.last_status_group_id,
                      last_status_name:
                        dict?.statuses.find((s) => s.status_id === notice.last_status_id)?.name ?? null,
                      last_status_group_name:
                        dict?.groups.find((g) => g.group_id === notice.last_status_group_id)?.name ?? null,
                      last_changed_at: notice.last_changed_at,
                      closed_at: notice.closed_at,
                      last_event_seq: notice.event_seq,
                    }
                  : o,
              ),
            }
          : old,
      );
      void reload();
      void patchRow(notice.order_id).catch(() => undefined);
    },
    [client, projectId, queryKey, reload, patchRow],
  );
  const onResync = useCallback(() => void reload(), [reload]);
  const stream = useOrderStream(projectId, { onNotice, onResync });

  // The next SLA transition of a shown order (near/over without any event) reloads the page too.
  const nextTransition = useMemo(() => {
    const times = (orders.data?.items ?? [])
      .map((o) => (o.sla_next_transition_at ? Date.parse(o.sla_next_transition_at) : Number.NaN))
      .filter((n) => Number.isFinite(n));
    return times.length ? Math.min(...times) : null;
  }, [orders.data]);
  useEffect(() => {
    if (nextTransition === null) return;
    const delay = Math.max(0, nextTransition - Date.now()) + 500;
    if (delay > 2 ** 31 - 1) return;
    const timer = setTimeout(() => void reload(), delay);
    return () => clearTimeout(timer);
  }, [nextTransition, reload]);

  const apply = (next: BoardFilters) => setParams(writeFilters(next));
  const onSort = (field: SortField) =>
    apply({
      ...filters,
      sort: field,
      dir: filters.sort === field && filters.dir === "desc" ? "asc" : "desc",
      page: 1,
      cursor: "",
    });
  const data = orders.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <div className={orderId ? "board with-panel" : "board"}>
      <div className="board-main">
        <div className="row spread">
          <h1>
            {t("title")} <span className="muted">{project?.name ?? projectId}</span>
          </h1>
          <output className={`live live-${stream}`} id="live-state" data-state={stream}>
            {t(`common:live.${stream}`)}
          </output>
        </div>
        <p className="muted small">{t("timeZoneNote", { zone: timeZone })}</p>
        <Filters projectId={projectId} filters={filters} onApply={apply} />
        {orders.isError ? <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} /> : null}
        {data ? <Kpi data={data} /> : orders.isPending ? <Loading /> : null}
        {data ? (
          <>
            <table className="orders" aria-label={t("list")} aria-busy={orders.isFetching}>
              <thead>
                <tr>
                  <SortHeader field="order_id" label={t("order")} filters={filters} onSort={onSort} />
                  <SortHeader
                    field="last_status_group_id"
                    label={t("status")}
                    filters={filters}
                    onSort={onSort}
                  />
                  <th scope="col">{t("manager")}</th>
                  <SortHeader field="started_at" label={t("started")} filters={filters} onSort={onSort} />
                  <SortHeader
                    field="last_changed_at"
                    label={t("lastChange")}
                    filters={filters}
                    onSort={onSort}
                  />
                  <th scope="col">{t("slaPerGroup")}</th>
                </tr>
              </thead>
              <OrderRows items={data.items} timeZone={timeZone} selected={orderId} />
            </table>
            {data.items.length === 0 ? <p className="notice">{t("empty")}</p> : null}
            <nav className="row pager" aria-label={t("pages")}>
              <button
                type="button"
                disabled={filters.page <= 1}
                onClick={() => apply({ ...filters, page: filters.page - 1, cursor: "" })}
              >
                {t("previous")}
              </button>
              <span data-testid="page-info">
                {t("pageOf", { page: filters.page, pages, total: data.total.toLocaleString(i18n.language) })}
              </span>
              <button
                type="button"
                disabled={data.next_cursor === null}
                onClick={() => apply({ ...filters, page: filters.page + 1, cursor: data.next_cursor ?? "" })}
              >
                {t("next")}
              </button>
            </nav>
          </>
        ) : null}
      </div>
      <Outlet />
    </div>
  );
}
