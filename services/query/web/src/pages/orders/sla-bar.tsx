import { useTranslation } from "react-i18next";
import type { GroupTime } from "../../api/types.ts";
import { formatDuration } from "../../format/time.ts";

/**
 * The order's time per status group as one bar: a segment per group, as wide as its share of the
 * order's time, coloured by its SLA state (grey without an SLA). Each segment names its group, time,
 * limit and state for screen readers and as a tooltip.
 */
export function SlaBar({ groups }: { groups: readonly GroupTime[] }) {
  const { t, i18n } = useTranslation("orders");
  const total = groups.reduce((s, g) => s + g.seconds, 0);
  if (groups.length === 0 || total <= 0) return <span className="muted">—</span>;
  return (
    <ul className="sla-bar" aria-label={t("slaBar")}>
      {groups.map((g) => {
        const state = g.sla_state ?? "none";
        const label = `${g.group_name ?? g.group_id ?? "?"}: ${formatDuration(g.working_seconds, i18n.language)}${
          g.sla_limit_seconds !== null ? ` / ${formatDuration(g.sla_limit_seconds, i18n.language)}` : ""
        } — ${t(`sla.${state}`)}`;
        return (
          <li
            key={String(g.group_id)}
            className={`sla-${state}`}
            data-group-id={g.group_id ?? ""}
            data-sla={state}
            style={{ flexGrow: Math.max(g.seconds, total / 50) }}
            title={label}
          >
            <span className="sr-only">{label}</span>
          </li>
        );
      })}
    </ul>
  );
}
