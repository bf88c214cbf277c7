import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { SaveBar, VersionNote } from "./save-bar.tsx";
import {
  type CycleResponse,
  putCycle,
  putUrgentRules,
  type SettingsAccepted,
  type StatusDictionary,
  type UrgentRulesResponse,
} from "./settings.api.ts";
import {
  type CycleRuleForm,
  cycleForms,
  cycleRules,
  type UrgentMatchType,
  type UrgentRule,
  urgentRules,
} from "./settings.model.ts";

const MATCH_TYPES: readonly UrgentMatchType[] = ["sku", "offer_id", "product_id"];

let lastRowKey = 0;
/** A key for a new form row: rows have no identity of their own until saved (names may be edited). */
function rowKey(): number {
  lastRowKey += 1;
  return lastRowKey;
}

/** A select of cycle boundaries: each status group, then the statuses of each group. */
function BoundarySelect({
  label,
  value,
  onChange,
  dict,
  name,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  dict: StatusDictionary;
  name: string;
}) {
  const { t } = useTranslation("settings");
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} name={name} required>
        <option value="">—</option>
        <optgroup label={t("cycle.groups")}>
          {dict.groups.map((g) => (
            <option key={g.group_id} value={`g:${g.group_id}`}>
              {g.name}
            </option>
          ))}
        </optgroup>
        {dict.groups.map((g) => (
          <optgroup key={g.group_id} label={t("cycle.statusesOf", { group: g.name })}>
            {dict.statuses
              .filter((s) => s.group_id === g.group_id)
              .map((s) => (
                <option key={s.status_id} value={`s:${g.group_id}:${s.status_id}`}>
                  {s.name}
                </option>
              ))}
          </optgroup>
        ))}
        {value !== "" && !value.startsWith("g:") && /^s::/.test(value) ? (
          <option value={value}>{value}</option>
        ) : null}
      </select>
    </label>
  );
}

/** Named cycle rules: from a start group or status to an end group or status, first or last entry. */
export function CycleForm({
  projectId,
  data,
  dict,
  formatAt,
  onAccepted,
  onReload,
}: {
  projectId: string;
  data: CycleResponse;
  dict: StatusDictionary;
  formatAt: (iso: string) => string;
  onAccepted: (a: SettingsAccepted) => void;
  onReload: () => void;
}) {
  const { t } = useTranslation("settings");
  const [rules, setRules] = useState<(CycleRuleForm & { key: number })[]>(() =>
    cycleForms(data.settings.rules).map((r) => ({ ...r, key: rowKey() })),
  );
  const save = useMutation({
    mutationFn: () => putCycle(projectId, data.version, { rules: cycleRules(rules) }),
    onSuccess: onAccepted,
  });
  const set = (i: number, patch: Partial<CycleRuleForm>) =>
    setRules((list) => list.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  const entry = (i: number, k: "startEntry" | "endEntry", label: string, value: "first" | "last") => (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => set(i, { [k]: e.target.value === "last" ? "last" : "first" })}>
        <option value="first">{t("cycle.first")}</option>
        <option value="last">{t("cycle.last")}</option>
      </select>
    </label>
  );
  return (
    <form onSubmit={submit} aria-labelledby="cycle-title" data-testid="cycle-form">
      <h2 id="cycle-title">{t("cycle.title")}</h2>
      <VersionNote
        version={data.version}
        changedBy={data.changed_by}
        changedAt={data.changed_at}
        format={formatAt}
      />
      {rules.length === 0 ? <p className="muted">{t("cycle.none")}</p> : null}
      {rules.map((r, i) => (
        <fieldset key={r.key} className="rule row">
          <legend>{t("cycle.rule", { n: i + 1 })}</legend>
          <label className="field">
            <span>{t("cycle.name")}</span>
            <input
              type="text"
              required
              maxLength={100}
              value={r.name}
              onChange={(e) => set(i, { name: e.target.value })}
            />
          </label>
          <BoundarySelect
            label={t("cycle.start")}
            value={r.start}
            onChange={(v) => set(i, { start: v })}
            dict={dict}
            name={`cycle-${i}-start`}
          />
          {entry(i, "startEntry", t("cycle.startEntry"), r.startEntry)}
          <BoundarySelect
            label={t("cycle.end")}
            value={r.end}
            onChange={(v) => set(i, { end: v })}
            dict={dict}
            name={`cycle-${i}-end`}
          />
          {entry(i, "endEntry", t("cycle.endEntry"), r.endEntry)}
          <button type="button" onClick={() => setRules((list) => list.filter((_, j) => j !== i))}>
            {t("remove")}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        onClick={() =>
          setRules((list) => [
            ...list,
            { name: "", start: "", end: "", startEntry: "first", endEntry: "first", key: rowKey() },
          ])
        }
      >
        {t("cycle.add")}
      </button>
      <SaveBar id="cycle" saving={save.isPending} error={save.error} onReload={onReload} />
    </form>
  );
}

/** Urgent rules: an order with an item matching any rule (SKU, offer id or product id) is urgent. */
export function UrgentRulesForm({
  projectId,
  data,
  formatAt,
  onAccepted,
  onReload,
}: {
  projectId: string;
  data: UrgentRulesResponse;
  formatAt: (iso: string) => string;
  onAccepted: (a: SettingsAccepted) => void;
  onReload: () => void;
}) {
  const { t } = useTranslation("settings");
  const [rules, setRules] = useState<(UrgentRule & { key: number })[]>(() =>
    data.settings.rules.map((r) => ({ ...r, key: rowKey() })),
  );
  const save = useMutation({
    mutationFn: () => putUrgentRules(projectId, data.version, { rules: urgentRules(rules) }),
    onSuccess: onAccepted,
  });
  const set = (i: number, patch: Partial<UrgentRule>) =>
    setRules((list) => list.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  return (
    <form onSubmit={submit} aria-labelledby="urgent-title" data-testid="urgent-form">
      <h2 id="urgent-title">{t("urgent.title")}</h2>
      <VersionNote
        version={data.version}
        changedBy={data.changed_by}
        changedAt={data.changed_at}
        format={formatAt}
      />
      <p className="muted">{t("urgent.help")}</p>
      {rules.map((r, i) => (
        <div key={r.key} className="row rule">
          <label className="field">
            <span>{t("urgent.matchType")}</span>
            <select
              value={r.match_type}
              onChange={(e) => set(i, { match_type: MATCH_TYPES.find((m) => m === e.target.value) ?? "sku" })}
            >
              {MATCH_TYPES.map((m) => (
                <option key={m} value={m}>
                  {t(`urgent.type.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("urgent.value")}</span>
            <input
              type="text"
              value={r.match_value}
              onChange={(e) => set(i, { match_value: e.target.value })}
            />
          </label>
          <button type="button" onClick={() => setRules((list) => list.filter((_, j) => j !== i))}>
            {t("remove")}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => setRules((list) => [...list, { match_type: "sku", match_value: "", key: rowKey() }])}
      >
        {t("urgent.add")}
      </button>
      <SaveBar id="urgent" saving={save.isPending} error={save.error} onReload={onReload} />
    </form>
  );
}
