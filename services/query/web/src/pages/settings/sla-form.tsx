import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { SaveBar, VersionNote } from "./save-bar.tsx";
import { putSla, type SettingsAccepted, type SlaResponse } from "./settings.api.ts";
import { isSlaLimit, type SlaRow, slaRows, slaSettings } from "./settings.model.ts";

/**
 * The SLA grids: per status group a limit for normal and for urgent orders, typed as `hh:mm` (empty
 * = no SLA), and where `near` starts (share of the limit). Saving publishes `settings.sla_changed`.
 */
export function SlaForm({
  projectId,
  data,
  groups,
  formatAt,
  onAccepted,
  onReload,
}: {
  projectId: string;
  data: SlaResponse;
  groups: readonly { group_id: number; name: string }[];
  formatAt: (iso: string) => string;
  onAccepted: (a: SettingsAccepted) => void;
  onReload: () => void;
}) {
  const { t } = useTranslation("settings");
  const [rows, setRows] = useState<SlaRow[]>(() => slaRows(groups, data.settings));
  const [nearPercent, setNearPercent] = useState(() =>
    String(Math.round(data.settings.near_share * 1000) / 10),
  );
  const near = Number(nearPercent);
  const nearValid = Number.isFinite(near) && near > 0 && near <= 100;
  const invalid = rows.some(
    (r) => (r.normal !== "" && !isSlaLimit(r.normal)) || (r.urgent !== "" && !isSlaLimit(r.urgent)),
  );
  const save = useMutation({
    mutationFn: () => putSla(projectId, data.version, slaSettings(rows, near / 100, data.settings)),
    onSuccess: onAccepted,
  });
  const set = (i: number, k: "normal" | "urgent", v: string) =>
    setRows((list) => list.map((r, j) => (j === i ? { ...r, [k]: v } : r)));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!invalid && nearValid) save.mutate();
  }

  return (
    <form onSubmit={submit} aria-labelledby="sla-title" data-testid="sla-form" noValidate>
      <h2 id="sla-title">{t("sla.title")}</h2>
      <VersionNote
        version={data.version}
        changedBy={data.changed_by}
        changedAt={data.changed_at}
        format={formatAt}
      />
      <p className="muted" id="sla-help">
        {t("sla.help")}
      </p>
      <table className="sla-grid">
        <thead>
          <tr>
            <th scope="col">{t("sla.group")}</th>
            <th scope="col" id="sla-col-normal">
              {t("sla.normal")}
            </th>
            <th scope="col" id="sla-col-urgent">
              {t("sla.urgent")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.groupId} data-group-id={r.groupId}>
              <th scope="row" id={`sla-row-${r.groupId}`}>
                {r.groupName}
              </th>
              {(["normal", "urgent"] as const).map((k) => {
                const bad = r[k] !== "" && !isSlaLimit(r[k]);
                return (
                  <td key={k}>
                    <input
                      type="text"
                      inputMode="numeric"
                      name={`sla-${k}-${r.groupId}`}
                      data-testid={`sla-${k}-${r.groupId}`}
                      aria-label={t("sla.cellLabel", { grid: t(`sla.${k}`), group: r.groupName })}
                      aria-describedby="sla-help"
                      aria-invalid={bad}
                      placeholder="hh:mm"
                      size={8}
                      value={r[k]}
                      onChange={(e) => set(i, k, e.target.value)}
                    />
                    {bad ? (
                      <span className="field-error" role="alert">
                        {t("sla.badLimit")}
                      </span>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <label className="field inline">
        <span>{t("sla.nearShare")}</span>
        <input
          type="number"
          min={1}
          max={100}
          step={1}
          name="near-share"
          value={nearPercent}
          aria-invalid={!nearValid}
          onChange={(e) => setNearPercent(e.target.value)}
        />
        <span>%</span>
      </label>
      <SaveBar
        id="sla"
        saving={save.isPending}
        error={save.error}
        disabled={invalid || !nearValid}
        onReload={onReload}
      />
    </form>
  );
}
