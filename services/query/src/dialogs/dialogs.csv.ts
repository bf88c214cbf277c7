import { type CsvColumn, text } from "../http/csv-export.js";
import type { AnalysisItem } from "./dialogs.schemas.js";

/**
 * Columns of the dialog export, in order: `[header, value]`. Values are strings (`""` for null);
 * booleans are `true`/`false`, instants ISO-8601 UTC, `reasons` is `rule +points; …`, `facts` the
 * extracted facts as JSON. Nothing here can carry a secret: results hold no tokens or keys, and the
 * analyst's error messages are secret-free by contract.
 */
export const CSV_COLUMNS: readonly CsvColumn<AnalysisItem>[] = [
  ["dialog_key", (i) => i.dialog_key],
  ["status", (i) => i.status],
  ["window_start", (i) => i.window_start],
  ["window_end", (i) => i.window_end],
  ["shift_id", (i) => i.shift_id ?? ""],
  ["lead_id", (i) => num(i.lead_id)],
  ["phone", (i) => i.phone ?? ""],
  ["manager_id", (i) => num(i.manager_id)],
  ["manager_name", (i) => text(i.manager_name)],
  ["score", (i) => num(i.score)],
  ["interest", (i) => i.interest ?? ""],
  ["funnel_stage", (i) => i.funnel_stage ?? ""],
  [
    "qualification_complete",
    (i) => (i.qualification_complete === null ? "" : String(i.qualification_complete)),
  ],
  ["niche", (i) => text(typeof i.facts?.["niche"] === "string" ? i.facts["niche"] : null)],
  ["summary", (i) => text(i.summary)],
  [
    "reasons",
    (i) => (i.reasons ?? []).map((r) => `${r.rule} ${r.points >= 0 ? "+" : ""}${r.points}`).join("; "),
  ],
  ["facts", (i) => (i.facts === null ? "" : text(JSON.stringify(i.facts)))],
  ["incoming", (i) => num(i.incoming)],
  ["outgoing", (i) => num(i.outgoing)],
  ["mode", (i) => i.mode],
  ["model", (i) => i.model ?? ""],
  ["prompt_version", (i) => i.prompt_version],
  ["prompt_tokens", (i) => String(i.usage.prompt_tokens)],
  ["completion_tokens", (i) => String(i.usage.completion_tokens)],
  ["duration_ms", (i) => num(i.duration_ms)],
  ["error_code", (i) => i.error?.code ?? ""],
  ["error_message", (i) => text(i.error?.message ?? null)],
  ["recorded_at", (i) => i.recorded_at],
  ["dialog_text", (i) => text(i.dialog_text)],
];

function num(value: number | null): string {
  return value === null ? "" : String(value);
}
