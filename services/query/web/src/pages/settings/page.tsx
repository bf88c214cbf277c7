import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatInstant } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import { RecomputeTracker } from "./recompute-tracker.tsx";
import { CycleForm, UrgentRulesForm } from "./rules-forms.tsx";
import {
  getCycle,
  getSla,
  getStatusDictionary,
  getUrgentRules,
  getWorkingHours,
  type RecomputeState,
  type SettingsAccepted,
  type SettingsKind,
  settingsKey,
} from "./settings.api.ts";
import { SlaForm } from "./sla-form.tsx";
import { WorkingHoursForm } from "./working-hours-form.tsx";
import "./settings.css";

const TABS: readonly SettingsKind[] = ["sla", "working_hours", "cycle", "urgent_rules"];

/** Whether the read models follow the settings yet, when they do not (a recompute waits or failed). */
function RecomputeBanner({ state, onFollow }: { state: RecomputeState; onFollow: (id: string) => void }) {
  const { t } = useTranslation("settings");
  if (state.status === "up_to_date") return null;
  return (
    <output
      className={`notice block${state.status === "failed" ? " error" : ""}`}
      data-testid="recompute-banner"
    >
      <p>
        {t(`banner.${state.status}`)}
        {state.last_error ? ` (${state.last_error})` : null}
      </p>
      {state.replay_id ? (
        <button type="button" onClick={() => onFollow(state.replay_id as string)}>
          {t("banner.follow")}
        </button>
      ) : null}
    </output>
  );
}

function SettingsPage() {
  const { t, i18n } = useTranslation("settings");
  const { projectId, project } = useCurrentProject();
  const timeZone = project?.time_zone ?? "UTC";
  const [tab, setTab] = useState<SettingsKind>("sla");
  const [replayId, setReplayId] = useState<string | null>(null);
  const dict = useQuery({ queryKey: ["dicts", projectId], queryFn: () => getStatusDictionary(projectId) });
  const hours = useQuery({
    queryKey: settingsKey(projectId, "working_hours"),
    queryFn: () => getWorkingHours(projectId),
  });
  const sla = useQuery({ queryKey: settingsKey(projectId, "sla"), queryFn: () => getSla(projectId) });
  const cycle = useQuery({ queryKey: settingsKey(projectId, "cycle"), queryFn: () => getCycle(projectId) });
  const urgent = useQuery({
    queryKey: settingsKey(projectId, "urgent_rules"),
    queryFn: () => getUrgentRules(projectId),
  });

  const formatAt = (iso: string) => formatInstant(iso, timeZone, i18n.language);
  const groupName = (id: number) => dict.data?.groups.find((g) => g.group_id === id)?.name ?? `#${id}`;
  const accepted = (kind: SettingsKind) => (a: SettingsAccepted) => {
    setReplayId(a.replay_id);
    void { sla, hours, cycle, urgent }[kindQuery(kind)].refetch();
  };

  const groups = dict.data?.groups ?? [];
  const current = { sla, working_hours: hours, cycle, urgent_rules: urgent }[tab];
  return (
    <section aria-labelledby="settings-title" className="settings">
      <h1 id="settings-title">{t("title")}</h1>
      {sla.data ? <RecomputeBanner state={sla.data.recompute} onFollow={setReplayId} /> : null}
      {replayId ? (
        <RecomputeTracker
          key={replayId}
          projectId={projectId}
          replayId={replayId}
          timeZone={timeZone}
          groupName={groupName}
        />
      ) : null}
      <div role="tablist" aria-label={t("tabs")} className="tabs">
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            tabIndex={tab === k ? 0 : -1}
            data-testid={`tab-${k}`}
            onClick={() => setTab(k)}
            onKeyDown={(e) => {
              const i = TABS.indexOf(k);
              const next =
                e.key === "ArrowRight"
                  ? TABS[(i + 1) % TABS.length]
                  : e.key === "ArrowLeft"
                    ? TABS[(i + TABS.length - 1) % TABS.length]
                    : undefined;
              if (next) {
                e.preventDefault();
                setTab(next);
                document.getElementById(`tab-${next}`)?.focus();
              }
            }}
          >
            {t(`tab.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="card">
        {dict.isError ? <ErrorNotice error={dict.error} onRetry={() => void dict.refetch()} /> : null}
        {current.isError ? (
          <ErrorNotice error={current.error} onRetry={() => void current.refetch()} />
        ) : null}
        {dict.isPending || current.isPending ? <Loading /> : null}
        {dict.data && tab === "sla" && sla.data ? (
          <SlaForm
            key={`${projectId}:${sla.data.version}`}
            projectId={projectId}
            data={sla.data}
            groups={groups}
            formatAt={formatAt}
            onAccepted={accepted("sla")}
            onReload={() => void sla.refetch()}
          />
        ) : null}
        {dict.data && tab === "working_hours" && hours.data ? (
          <WorkingHoursForm
            key={`${projectId}:${hours.data.version}`}
            projectId={projectId}
            data={hours.data}
            groups={groups}
            projectZone={timeZone}
            formatAt={formatAt}
            onAccepted={accepted("working_hours")}
            onReload={() => void hours.refetch()}
          />
        ) : null}
        {dict.data && tab === "cycle" && cycle.data ? (
          <CycleForm
            key={`${projectId}:${cycle.data.version}`}
            projectId={projectId}
            data={cycle.data}
            dict={dict.data}
            formatAt={formatAt}
            onAccepted={accepted("cycle")}
            onReload={() => void cycle.refetch()}
          />
        ) : null}
        {tab === "urgent_rules" && urgent.data ? (
          <UrgentRulesForm
            key={`${projectId}:${urgent.data.version}`}
            projectId={projectId}
            data={urgent.data}
            formatAt={formatAt}
            onAccepted={accepted("urgent_rules")}
            onReload={() => void urgent.refetch()}
          />
        ) : null}
      </div>
    </section>
  );
}

/** The key of a kind's query in the page's `{sla, hours, cycle, urgent}` map. */
function kindQuery(kind: SettingsKind): "sla" | "hours" | "cycle" | "urgent" {
  return kind === "working_hours" ? "hours" : kind === "urgent_rules" ? "urgent" : kind;
}

/**
 * `/p/:projectId/settings` (admins of the project): working hours, SLA grids, cycle and urgent
 * rules; a save starts the recompute, whose progress and changed orders the page then shows.
 */
export const page: PageModule = {
  id: "settings",
  scope: "project",
  access: "admin",
  routes: [{ path: "settings", element: <SettingsPage /> }],
  nav: { path: "settings", labelKey: "nav", order: 60 },
};
