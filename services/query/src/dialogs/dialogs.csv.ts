import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { AnalysisItem } from "./dialogs.schemas.js";

/** Media type of the dialog export. */
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

/**
 * Columns of the dialog export, in order: `[header, value]`. Values are strings (`""` for null);
 * booleans are `true`/`false`, instants ISO-8601 UTC, `reasons` is `rule +points; …`, `facts` the
 * extracted facts as JSON. Nothing here can carry a secret: results hold no tokens or keys, and the
 * analyst's error messages are secret-free by contract.
 */
export const CSV_COLUMNS: readonly (readonly [string, (item: AnalysisItem) => string])[] = [
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

/**
 * A free-text cell (client messages, LLM summaries) made safe for spreadsheets: a value starting
 * with `=`, `+`, `-`, `@`, tab or CR would be run as a formula by Excel/LibreOffice (CSV injection,
 * OWASP), so it gets a leading `'`. `null` → `""`.
 */
export function text(value: string | null): string {
  if (value === null) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The export row of one dialog, in {@link CSV_COLUMNS} order. */
export function csvRecordOf(item: AnalysisItem): string[] {
  return CSV_COLUMNS.map(([, value]) => value(item));
}

/**
 * The dialog export as a byte stream: a UTF-8 BOM (so Excel reads Cyrillic right), a header row,
 * then one record per dialog, pulled batch by batch from `batches` as the reader consumes (back
 * pressure reaches the database reads). RFC 4180 quoting: fields with the delimiter, a quote or a
 * line break are quoted, quotes doubled; records end with CRLF, line breaks inside a text stay as
 * they are. A failing batch destroys the stream with that error.
 */
export function analysisCsvStream(batches: AsyncIterable<AnalysisItem[]>, delimiter: "," | ";"): Readable {
  const records = Readable.from(
    (async function* () {
      for await (const batch of batches) for (const item of batch) yield csvRecordOf(item);
    })(),
  );
  const csv = stringify({
    bom: true,
    header: true,
    columns: CSV_COLUMNS.map(([header]) => header),
    delimiter,
    record_delimiter: "windows",
  });
  records.on("error", (error) => csv.destroy(error));
  return records.pipe(csv);
}
