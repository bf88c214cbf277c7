import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDuration, formatInstant } from "../../format/time.ts";
import { ErrorNotice } from "../../shell/status.tsx";
import { getReplay, type ReplayDetail } from "./settings.api.ts";
import { changesByOrder, type DiffChange, readReplayDiff } from "./settings.model.ts";

/** How often a running recomputation's progress is read, milliseconds. */
const POLL_MS = 1000;

/** True when the recomputation will not change any more (done or failed). */
function finished(replay: ReplayDetail | null | undefined): boolean {
  return replay?.status === "done" || replay?.status === "failed";
}

/**
 * A value of a diff change as people read it: SLA states by name, instants in the project's time
 * zone, seconds as durations, group ids by name.
 */
function DiffValue({
  change,
  value,
  timeZone,
  groupName,
}: {
  change: DiffChange;
  value: string | number | null;
  timeZone: string;
  groupName: (id: number) => string;
}) {
  const { t, i18n } = useTranslation("settings");
  if (value === null) return <span className="muted">{t("diff.none")}</span>;
  if (change.field === "sla_state" && typeof value === "string") {
    return (
      <span className={`sla-${value}`}>
        <span className="dot" aria-hidden="true" /> {t(`diff.sla.${value}`, { defaultValue: value })}
      </span>
    );
  }
  if (change.field.endsWith("_seconds") && typeof value === "number")
    return <>{formatDuration(value, i18n.language)}</>;
  if (change.field.endsWith("_at") && typeof value === "string")
    return <>{formatInstant(value, timeZone, i18n.language)}</>;
  if (change.field === "last_status_group_id" && typeof value === "number") return <>{groupName(value)}</>;
  return <>{String(value)}</>;
}

/**
 * Follows the recomputation `replayId` that a settings change started (`GET /api/replays/{id}`, read
 * every second until it is done or failed): its progress, then the orders whose SLA state, cycle,
 * group or closing time changed, each change as before → after.
 */
export function RecomputeTracker({
  projectId,
  replayId,
  timeZone,
  groupName,
}: {
  projectId: string;
  replayId: string;
  timeZone: string;
  groupName: (id: number) => string;
}) {
  const { t, i18n } = useTranslation("settings");
  const client = useQueryClient();
  const replay = useQuery({
    queryKey: ["replay", projectId, replayId],
    queryFn: () => getReplay(projectId, replayId),
    refetchInterval: (query) => (finished(query.state.data) ? false : POLL_MS),
    staleTime: 0,
  });
  const done = finished(replay.data);

  useEffect(() => {
    // The read models follow the new settings now: every cached read of the project is stale.
    if (done)
      void client.invalidateQueries({
        predicate: (q) => q.queryKey[0] !== "replay" && q.queryKey[0] !== "auth",
      });
  }, [done, client]);

  if (replay.isError) return <ErrorNotice error={replay.error} onRetry={() => void replay.refetch()} />;
  const r = replay.data;
  const state = r === undefined || r === null ? "waiting" : r.status;
  const diff = r ? readReplayDiff(r.diff) : null;
  const percent = r?.progress === null || r?.progress === undefined ? null : Math.round(r.progress * 100);
  return (
    <section
      className="card recompute"
      aria-labelledby="recompute-title"
      data-testid="recompute"
      data-state={state}
    >
      <h2 id="recompute-title">{t("recompute.title")}</h2>
      <output className="block" aria-live="polite" data-testid="recompute-status">
        {t(`recompute.state.${state}`, { defaultValue: state })}
        {r?.status === "retrying" && r.next_attempt_at
          ? ` — ${t("recompute.nextAttempt", { at: formatInstant(r.next_attempt_at, timeZone, i18n.language) })}`
          : null}
      </output>
      {r && !done ? (
        <div className="field">
          <span id="recompute-progress-label">
            {t("recompute.progress", { done: r.events_done, total: r.events_total || "?" })}
          </span>
          {percent === null ? (
            <progress aria-labelledby="recompute-progress-label" />
          ) : (
            <progress max={100} value={percent} aria-labelledby="recompute-progress-label">
              {percent} %
            </progress>
          )}
        </div>
      ) : null}
      {r?.status === "failed" || (r?.status === "retrying" && r.last_error) ? (
        <p className="notice error" role="alert">
          {r.error ?? r.last_error}
        </p>
      ) : null}
      {r?.status === "done" && diff ? (
        diff.ordersChanged === 0 ? (
          <p data-testid="diff-empty">{t("diff.noChanges")}</p>
        ) : (
          <>
            <p data-testid="diff-count">{t("diff.count", { count: diff.ordersChanged })}</p>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must be reachable by keyboard */}
            <section className="diff-scroll" tabIndex={0} aria-label={t("diff.caption")}>
              <table data-testid="diff">
                <caption>{t("diff.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("diff.order")}</th>
                    <th scope="col">{t("diff.what")}</th>
                    <th scope="col">{t("diff.before")}</th>
                    <th scope="col">{t("diff.after")}</th>
                  </tr>
                </thead>
                <tbody>
                  {changesByOrder(diff).flatMap(({ orderId, changes }) =>
                    changes.map((c, i) => (
                      <tr
                        key={`${orderId}:${c.field}:${c.group_id ?? ""}`}
                        data-order-id={orderId}
                        data-field={c.field}
                        data-group-id={c.group_id ?? ""}
                      >
                        {i === 0 ? (
                          <th scope="rowgroup" rowSpan={changes.length}>
                            <Link to={`/p/${encodeURIComponent(projectId)}/orders/${orderId}`}>
                              {orderId}
                            </Link>
                          </th>
                        ) : null}
                        <td>
                          {t(`diff.field.${c.field}`, { defaultValue: c.field })}
                          {c.group_id === null ? null : ` — ${groupName(c.group_id)}`}
                        </td>
                        <td data-col="before">
                          <DiffValue change={c} value={c.before} timeZone={timeZone} groupName={groupName} />
                        </td>
                        <td data-col="after">
                          <DiffValue change={c} value={c.after} timeZone={timeZone} groupName={groupName} />
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </section>
            {diff.truncated ? (
              <p className="muted">{t("diff.truncated", { shown: diff.changes.length })}</p>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}
