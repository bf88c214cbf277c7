import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { SaveBar, VersionNote } from "./save-bar.tsx";
import { putWorkingHours, type SettingsAccepted, type WorkingHoursResponse } from "./settings.api.ts";
import {
  type CalendarForm,
  type CalendarPreset,
  calendarForm,
  calendarPreset,
  calendarSettings,
  WEEKDAYS,
} from "./settings.model.ts";

/** One calendar: presets, 24/7 switch, windows per weekday, holidays, optional time zone. */
function CalendarEditor({
  id,
  legend,
  value,
  onChange,
  projectZone,
}: {
  id: string;
  legend: string;
  value: CalendarForm;
  onChange: (next: CalendarForm) => void;
  projectZone: string;
}) {
  const { t } = useTranslation("settings");
  const preset = (p: CalendarPreset) => onChange({ ...value, ...calendarPreset(p) });
  return (
    <fieldset className="calendar" data-testid={`calendar-${id}`}>
      <legend>{legend}</legend>
      <div className="row">
        <span className="muted">{t("hours.presets")}</span>
        <button type="button" onClick={() => preset("24/7")} data-testid={`calendar-${id}-preset-247`}>
          {t("hours.preset247")}
        </button>
        <button
          type="button"
          onClick={() => preset("mon-fri-9-18")}
          data-testid={`calendar-${id}-preset-office`}
        >
          {t("hours.presetOffice")}
        </button>
        <label className="field inline">
          <input
            type="checkbox"
            checked={value.alwaysOpen}
            onChange={(e) => onChange({ ...value, alwaysOpen: e.target.checked })}
          />
          <span>{t("hours.alwaysOpen")}</span>
        </label>
      </div>
      <div className="weekdays">
        {WEEKDAYS.map((d) => (
          <label key={d} className="field">
            <span>{t(`hours.day.${d}`)}</span>
            <input
              type="text"
              name={`${id}-${d}`}
              value={value.alwaysOpen ? "" : value.days[d]}
              placeholder={value.alwaysOpen ? t("hours.open247") : t("hours.dayOff")}
              disabled={value.alwaysOpen}
              aria-describedby={`${id}-windows-help`}
              onChange={(e) => onChange({ ...value, days: { ...value.days, [d]: e.target.value } })}
            />
          </label>
        ))}
      </div>
      <p className="muted" id={`${id}-windows-help`}>
        {t("hours.windowsHelp")}
      </p>
      <div className="row">
        <label className="field grow">
          <span>{t("hours.holidays")}</span>
          <textarea
            rows={2}
            name={`${id}-holidays`}
            value={value.holidays}
            placeholder="2026-12-25, 2027-01-01"
            onChange={(e) => onChange({ ...value, holidays: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("hours.timeZone")}</span>
          <input
            type="text"
            name={`${id}-zone`}
            value={value.timeZone}
            placeholder={projectZone}
            onChange={(e) => onChange({ ...value, timeZone: e.target.value })}
          />
        </label>
      </div>
    </fieldset>
  );
}

/**
 * Working hours: the default calendar and the status groups with their own, each with presets
 * ("24/7", "Mon–Fri 9–18") and holidays. Saving publishes `settings.working_hours_changed`.
 */
export function WorkingHoursForm({
  projectId,
  data,
  groups,
  projectZone,
  formatAt,
  onAccepted,
  onReload,
}: {
  projectId: string;
  data: WorkingHoursResponse;
  groups: readonly { group_id: number; name: string }[];
  projectZone: string;
  formatAt: (iso: string) => string;
  onAccepted: (a: SettingsAccepted) => void;
  onReload: () => void;
}) {
  const { t } = useTranslation("settings");
  const [def, setDef] = useState(() => calendarForm(data.settings.default));
  const [own, setOwn] = useState<[string, CalendarForm][]>(() =>
    Object.entries(data.settings.groups).map(([g, c]) => [g, calendarForm(c)]),
  );
  const [adding, setAdding] = useState("");
  const save = useMutation({
    mutationFn: () =>
      putWorkingHours(projectId, data.version, {
        default: calendarSettings(def),
        groups: Object.fromEntries(own.map(([g, c]) => [g, calendarSettings(c)])),
      }),
    onSuccess: onAccepted,
  });
  const nameOf = (id: string) => groups.find((g) => String(g.group_id) === id)?.name ?? `#${id}`;
  const free = groups.filter((g) => !own.some(([id]) => id === String(g.group_id)));

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  return (
    <form onSubmit={submit} aria-labelledby="hours-title" data-testid="working-hours-form">
      <h2 id="hours-title">{t("hours.title")}</h2>
      <VersionNote
        version={data.version}
        changedBy={data.changed_by}
        changedAt={data.changed_at}
        format={formatAt}
      />
      <CalendarEditor
        id="default"
        legend={t("hours.default")}
        value={def}
        onChange={setDef}
        projectZone={projectZone}
      />
      {own.map(([groupId, form], i) => (
        <div key={groupId} className="group-calendar">
          <CalendarEditor
            id={`group-${groupId}`}
            legend={t("hours.group", { name: nameOf(groupId) })}
            value={form}
            projectZone={projectZone}
            onChange={(next) => setOwn((list) => list.map((e, j) => (j === i ? [groupId, next] : e)))}
          />
          <button type="button" onClick={() => setOwn((list) => list.filter((_, j) => j !== i))}>
            {t("hours.removeGroup", { name: nameOf(groupId) })}
          </button>
        </div>
      ))}
      {free.length > 0 ? (
        <div className="row">
          <label className="field">
            <span>{t("hours.addGroup")}</span>
            <select value={adding} onChange={(e) => setAdding(e.target.value)} name="add-group">
              <option value="">—</option>
              {free.map((g) => (
                <option key={g.group_id} value={String(g.group_id)}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={adding === ""}
            onClick={() => {
              setOwn((list) => [...list, [adding, { ...def }]]);
              setAdding("");
            }}
          >
            {t("hours.add")}
          </button>
        </div>
      ) : null}
      <SaveBar id="working-hours" saving={save.isPending} error={save.error} onReload={onReload} />
    </form>
  );
}
