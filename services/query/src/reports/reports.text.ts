/**
 * The plain-text report (`GET /api/reports/text`): its period in the project's shift time zone and
 * its layout. Pure: the route reads the numbers, these functions place and print them.
 */
import { resolveShiftSettings, type ShiftSettings, shiftById, shiftOf } from "@pulse/domain";
import type { HotDialog } from "../dialogs/dialogs.repository.js";
import type { DialogStats } from "../dialogs/dialogs.schemas.js";
import type { ManagerLine, ReportPeriod } from "./reports.schemas.js";

/** A report period: local days `firstDay`…`lastDay` (inclusive) and the instants `[from, to)` they span. */
export interface PeriodWindow {
  readonly period: ReportPeriod;
  /** `YYYY-MM-DD`, local. */
  readonly firstDay: string;
  readonly lastDay: string;
  /** ISO-8601 UTC instants: local midnight of `firstDay` and of the day after `lastDay`. */
  readonly from: string;
  readonly to: string;
}

/** Whole local days in `timeZone`: the domain's 24 h "shifts" starting at 00:00, whose id is the local date. */
function daySettings(timeZone: string): ShiftSettings {
  return resolveShiftSettings({ timeZone, startHour: 0, lengthHours: 24, lookbackHours: 0 });
}

/** `date` (`YYYY-MM-DD`) plus `days` calendar days. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function localMidnight(date: string, days: ShiftSettings): string {
  const shift = shiftById(date, days);
  if (shift === null) throw new RangeError(`not a calendar date: ${date}`);
  return shift.start;
}

/**
 * The period of kind `period` that contains local date `date` in `timeZone`: the day itself, its
 * ISO week (Monday–Sunday) or its calendar month. Bounds are local midnights (DST-aware, via the
 * domain's shift rules with 24 h shifts at 00:00).
 * @throws RangeError for a date that is not a calendar date; SettingsError for an unknown zone.
 */
export function reportPeriod(period: ReportPeriod, date: string, timeZone: string): PeriodWindow {
  const days = daySettings(timeZone);
  let first: string;
  let next: string;
  if (period === "day") {
    first = date;
    next = addDays(date, 1);
  } else if (period === "week") {
    const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay(); // 0 = Sunday
    first = addDays(date, -((weekday + 6) % 7));
    next = addDays(first, 7);
  } else {
    first = `${date.slice(0, 7)}-01`;
    const d = new Date(`${first}T00:00:00.000Z`);
    d.setUTCMonth(d.getUTCMonth() + 1);
    next = d.toISOString().slice(0, 10);
  }
  return {
    period,
    firstDay: first,
    lastDay: addDays(next, -1),
    from: localMidnight(first, days),
    to: localMidnight(next, days),
  };
}

/**
 * The local date (`YYYY-MM-DD`) of `instantMs` (epoch ms) in `timeZone`.
 * @throws SettingsError for an unknown zone.
 */
export function localDateOf(instantMs: number, timeZone: string): string {
  return shiftOf(instantMs, daySettings(timeZone)).shiftId;
}

/** Everything the text report prints. */
export interface TextReportData {
  readonly projectId: string;
  readonly projectName: string;
  readonly window: PeriodWindow;
  readonly timeZone: string;
  /** ISO instant the report was made at. */
  readonly generatedAt: string;
  readonly orders: { readonly moved: number; readonly statusChanges: number };
  readonly minIncoming: number;
  readonly stats: DialogStats;
  readonly topHot: readonly HotDialog[];
  readonly managers: readonly ManagerLine[];
}

function fixed1(value: number | null): string {
  return value === null ? "n/a" : value.toFixed(1);
}

function percent(value: number | null): string {
  return value === null ? "n/a" : `${Math.round(value * 100)}%`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function who(d: { lead_id: number | null; phone: string | null }): string {
  if (d.lead_id !== null) return `deal ${d.lead_id}`;
  return d.phone !== null ? `contact ${d.phone}` : "dialog";
}

/**
 * How a manager is printed: `Айгерим Сейткали (11840231)` when the CRM users dictionary names them,
 * `manager 11840231` when it does not (the id stays visible), `unassigned` for none.
 */
export function managerLabel(m: { manager_id: number | null; manager_name: string | null }): string {
  if (m.manager_id === null) return "unassigned";
  const name = m.manager_name === null ? "" : oneLine(m.manager_name);
  return name === "" ? `manager ${m.manager_id}` : `${name} (${m.manager_id})`;
}

/**
 * The report as plain text with English labels, lines ending in `\n`: header (project, period with
 * its local days, zone and UTC bounds), orders/deals moved, dialog counts with denominators, interest
 * and mean score, tokens, the top hot dialogs with their summaries, and one line per manager.
 * Means have one decimal; shares are whole percents; missing values print `n/a`.
 */
export function formatTextReport(d: TextReportData): string {
  const w = d.window;
  const s = d.stats;
  const days = w.firstDay === w.lastDay ? w.firstDay : `${w.firstDay} to ${w.lastDay}`;
  const lines = [
    `Report: ${d.projectName} (${d.projectId})`,
    `Period: ${w.period} ${days} (time zone ${d.timeZone}; ${w.from} to ${w.to})`,
    `Generated: ${d.generatedAt}`,
    "",
    "Orders and deals",
    `  Moved (changed status): ${d.orders.moved}`,
    `  Status changes: ${d.orders.statusChanges}`,
    "",
    "Dialogs",
    `  In shift tables: ${s.dialogs_total}`,
    `  With at least ${d.minIncoming} incoming messages: ${s.dialogs_eligible}`,
    `  Analyzed: ${s.analyzed} (${percent(s.shares.analyzed_of_eligible)} of eligible)`,
    `  Analysis errors: ${s.errors}`,
    `  New leads: ${s.new_leads}`,
    `  Hot: ${s.hot}, warm: ${s.warm}, cold: ${s.cold}`,
    `  Mean score: ${fixed1(s.mean_score)}`,
    `  Tokens used: ${s.tokens.total} (prompt ${s.tokens.prompt}, completion ${s.tokens.completion})`,
    "",
    "Top hot dialogs",
  ];
  if (d.topHot.length === 0) lines.push("  none");
  d.topHot.forEach((h, i) => {
    const summary = h.summary === null || h.summary.trim() === "" ? "" : `: ${oneLine(h.summary)}`;
    lines.push(`  ${i + 1}. score ${h.score}, ${who(h)}, ${managerLabel(h)}${summary}`);
  });
  lines.push("", "Managers");
  if (d.managers.length === 0) lines.push("  none");
  for (const m of d.managers) {
    lines.push(
      `  ${managerLabel(m)}: dialogs ${m.dialogs}, deals ${m.deals}, messages ${m.messages_in} in / ` +
        `${m.messages_out} out, analyzed ${m.analyzed}, hot ${m.hot}, warm ${m.warm}, cold ${m.cold}, ` +
        `mean score ${fixed1(m.mean_score)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
