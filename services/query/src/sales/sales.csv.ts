import { type CsvColumn, text } from "../http/csv-export.js";
import type { SaleItem } from "./sales.schemas.js";

/**
 * Columns of the sales export, in order: `[header, value]`. Values are strings (`""` for null):
 * instants ISO-8601 UTC, amounts as plain numbers (no grouping), phones E.164 as they are (like the dialogs export). Free-text cells (names, UTM values,
 * products) go through the exports' formula guard ({@link text}).
 */
export const SALES_CSV_COLUMNS: readonly CsvColumn<SaleItem>[] = [
  ["lead_id", (s) => String(s.lead_id)],
  ["sold_at", (s) => s.sold_at],
  ["amount", (s) => String(s.amount)],
  ["currency", (s) => s.currency ?? ""],
  ["product", (s) => text(s.product)],
  ["pipeline_id", (s) => (s.pipeline_id === null ? "" : String(s.pipeline_id))],
  ["pipeline_name", (s) => text(s.pipeline_name)],
  ["manager_id", (s) => (s.manager_id === null ? "" : String(s.manager_id))],
  ["manager_name", (s) => text(s.manager_name)],
  ["contact_name", (s) => text(s.contact_name)],
  ["phone", (s) => s.phone ?? ""],
  ["email", (s) => text(s.email)],
  ["utm_source", (s) => text(s.utm_source)],
  ["utm_medium", (s) => text(s.utm_medium)],
  ["utm_campaign", (s) => text(s.utm_campaign)],
  ["utm_content", (s) => text(s.utm_content)],
  ["utm_term", (s) => text(s.utm_term)],
  ["team", (s) => text(s.team)],
  ["confidence", (s) => s.confidence],
  ["matched_rule", (s) => s.matched_rule ?? ""],
];
