/**
 * amoCRM leads: qualification, outcome (won / lost), sales and UTM values (SPEC "amoCRM deals").
 * Pure: every function takes the lead's facts and the project's settings as arguments.
 *
 * Rules decided here beyond the SPEC text (README "amoCRM sales and attribution"):
 * - **Stage entries** are the lead's status events (webhook `leads[status]`, the creation stage of
 *   `leads[add]`, events-API catch-up), ordered by their time, then stream position. The lead's
 *   current stage is that of the last entry. A Digital-Pipeline repeat of a change (no time) does
 *   not count ({@link effectiveStageEntries}).
 * - **Qualified** once it has entered a qualified stage; `qualified_at` is the first such entry
 *   (it stays qualified when it leaves the stage: qualification is a fact about the past).
 * - **Won** while its current stage is 142; `won_at` is the time of the entry into 142 that made it
 *   won now (the latest one), so won → reopened → won again is one sale dated at the second win.
 *   **Lost** while its current stage is 143 (with the API's loss reason when known).
 * - **Sale amount**: the lead's current price; when that is 0 or unknown, the pipeline product's
 *   price. A price change after the win changes the sale (the sale follows the lead's latest price).
 * - **UTM precedence**: per key the configured field ids in order — the first (primary, the
 *   `tracking_data` field) wins when it holds a non-blank value; otherwise the first duplicate that
 *   holds one. When the primary and a duplicate both hold values that differ (compared trimmed and
 *   case-folded) the lead reports a conflict; the primary's value is kept. Fixture ground truth
 *   (`expected-counts.json` `utm_sources`) counts by exactly this rule.
 */
import type { AdTeam, Attribution } from "./attribution.js";

/** amoCRM's system stage "won" (`Успешно реализовано`), the same id in every pipeline. */
export const WON_STATUS_ID = 142;
/** amoCRM's system stage "lost" (`Закрыто и не реализовано`), the same id in every pipeline. */
export const LOST_STATUS_ID = 143;

/** The UTM keys of a lead, in display order. */
export const UTM_KEYS = [
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
  "utm_referrer",
  "fbclid",
] as const;
/** One UTM key. */
export type UtmKeyName = (typeof UTM_KEYS)[number];

/** Per UTM key the custom-field ids to read, in precedence order (first = primary). */
export type UtmFieldIds = Readonly<Record<UtmKeyName, readonly number[]>>;

/**
 * The default UTM field ids (SPEC "amoCRM deals": UTM_SOURCE 434731, UTM_MEDIUM 434727,
 * UTM_CAMPAIGN 434729, UTM_CONTENT 434725, UTM_TERM 434733, UTM_REFERRER 434735, FBCLID 434761),
 * plus the duplicate `utm_source` text field 1037547 of the site-form integration that the
 * fixtures' account has (fixtures README "Lead custom fields").
 */
export const DEFAULT_UTM_FIELD_IDS: UtmFieldIds = Object.freeze({
  utm_source: [434731, 1037547],
  utm_medium: [434727],
  utm_campaign: [434729],
  utm_content: [434725],
  utm_term: [434733],
  utm_referrer: [434735],
  fbclid: [434761],
});

/** A lead custom field as the events carry it (`LeadSnapshot.custom_fields` of `@pulse/events`). */
export interface LeadCustomField {
  readonly id: number;
  readonly values: readonly { readonly value: string | null }[];
}

/**
 * A disagreement between the primary field of a UTM key and one of its duplicates: both hold a
 * value and they differ (trimmed, case-folded). `value` is the primary's (kept), `duplicate_value`
 * the other.
 */
export interface UtmConflict {
  readonly key: UtmKeyName;
  readonly field_id: number;
  readonly value: string;
  readonly duplicate_field_id: number;
  readonly duplicate_value: string;
}

/**
 * The UTM values of a lead: per key the value chosen by the precedence rule (`null` when no field
 * holds one), which field it came from, and the conflicts.
 */
export interface UtmReading {
  readonly values: Readonly<Record<UtmKeyName, string | null>>;
  readonly sourceFieldIds: Readonly<Record<UtmKeyName, number | null>>;
  readonly conflicts: readonly UtmConflict[];
}

const firstValue = (field: LeadCustomField | undefined): string | null => {
  for (const v of field?.values ?? []) {
    if (typeof v.value === "string" && v.value.trim() !== "") return v.value;
  }
  return null;
};

const sameUtm = (a: string, b: string): boolean =>
  a.normalize("NFC").trim().toLowerCase() === b.normalize("NFC").trim().toLowerCase();

/**
 * Reads the UTM values of a lead from its custom fields with the precedence rule of the module
 * comment: per key the first configured field id holding a non-blank value wins (the value is kept
 * as entered, e.g. with a trailing space); a duplicate whose value differs from the primary's is a
 * conflict. Field ids not configured are ignored; a field listed twice is read once.
 */
export function readUtm(
  customFields: readonly LeadCustomField[],
  fieldIds: UtmFieldIds = DEFAULT_UTM_FIELD_IDS,
): UtmReading {
  const byId = new Map<number, LeadCustomField>();
  for (const f of customFields) if (!byId.has(f.id)) byId.set(f.id, f);
  const values = {} as Record<UtmKeyName, string | null>;
  const sourceFieldIds = {} as Record<UtmKeyName, number | null>;
  const conflicts: UtmConflict[] = [];
  for (const key of UTM_KEYS) {
    const ids = [...new Set(fieldIds[key])];
    let chosen: { id: number; value: string } | null = null;
    const primaryId = ids[0];
    const primary = primaryId === undefined ? null : firstValue(byId.get(primaryId));
    for (const id of ids) {
      const value = firstValue(byId.get(id));
      if (value === null) continue;
      if (chosen === null) chosen = { id, value };
      if (primaryId !== undefined && id !== primaryId && primary !== null && !sameUtm(primary, value)) {
        conflicts.push({
          key,
          field_id: primaryId,
          value: primary,
          duplicate_field_id: id,
          duplicate_value: value,
        });
      }
    }
    values[key] = chosen?.value ?? null;
    sourceFieldIds[key] = chosen?.id ?? null;
  }
  return { values, sourceFieldIds, conflicts };
}

/** One qualified-stage override: `(pipeline, stage)` qualified or not. */
export interface QualifiedStageSetting {
  readonly pipeline_id: number;
  readonly status_id: number;
  readonly is_qualified: boolean;
}

/**
 * Whether `(pipelineId, statusId)` is a qualified stage: an override for exactly that pair wins;
 * otherwise the default — 142 (won) is qualified in every pipeline, every other stage is not
 * (SPEC "amoCRM deals": "142 qualified by default"). A `null` pipeline matches only the default.
 */
export function isQualifiedStage(
  overrides: readonly QualifiedStageSetting[],
  pipelineId: number | null,
  statusId: number,
): boolean {
  if (pipelineId !== null) {
    for (const o of overrides) {
      if (o.pipeline_id === pipelineId && o.status_id === statusId) return o.is_qualified;
    }
  }
  return statusId === WON_STATUS_ID;
}

/**
 * One entry of a lead into a stage: its time (ISO-8601 UTC), stream position, pipeline and stage;
 * `timeless` when the delivery had no time and the receive time stands in (a Digital-Pipeline body).
 */
export interface StageEntry {
  readonly at: string;
  readonly seq: number;
  readonly pipelineId: number | null;
  readonly statusId: number;
  readonly timeless?: boolean;
}

/**
 * The entries that count (fixtures README "DP bodies add nothing new"): a timeless entry is dropped
 * when an entry with a CRM time into the same stage exists at or before its receive time — it is
 * that change, delivered again by the Digital Pipeline. A timeless entry without such a match is kept
 * (the only trace of that change).
 */
export function effectiveStageEntries<E extends StageEntry>(entries: readonly E[]): E[] {
  if (!entries.some((e) => e.timeless)) return [...entries];
  return entries.filter(
    (e) => !e.timeless || !entries.some((o) => !o.timeless && o.statusId === e.statusId && o.at <= e.at),
  );
}

/** Time order of stage entries: `at`, then stream position. */
export function compareStageEntries(a: StageEntry, b: StageEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.seq - b.seq;
}

/** A lead's qualification: whether it ever entered a qualified stage, and the first such entry's time. */
export interface Qualification {
  readonly isQualified: boolean;
  readonly qualifiedAt: string | null;
}

/**
 * The lead's qualification from its stage entries (any order) and the project's qualified-stage
 * overrides: qualified once it entered a qualified stage ({@link isQualifiedStage}); `qualifiedAt`
 * = the time of the first such entry.
 */
export function qualificationOf(
  entries: readonly StageEntry[],
  overrides: readonly QualifiedStageSetting[],
): Qualification {
  let first: StageEntry | null = null;
  for (const e of effectiveStageEntries(entries)) {
    if (!isQualifiedStage(overrides, e.pipelineId, e.statusId)) continue;
    if (first === null || compareStageEntries(e, first) < 0) first = e;
  }
  return { isQualified: first !== null, qualifiedAt: first?.at ?? null };
}

/**
 * The lead's outcome now: its current stage (the last entry), `won` while that is 142 with `wonAt`
 * = that entry's time, `lost` while it is 143 with `lostAt`; `open` otherwise. Won, reopened and
 * won again gives `won` once, at the second win.
 */
export type LeadOutcome =
  | { readonly state: "won"; readonly at: string; readonly pipelineId: number | null }
  | { readonly state: "lost"; readonly at: string; readonly pipelineId: number | null }
  | { readonly state: "open"; readonly current: StageEntry | null };

/** The outcome of a lead from its stage entries (any order; see {@link LeadOutcome}). */
export function leadOutcomeOf(entries: readonly StageEntry[]): LeadOutcome {
  let last: StageEntry | null = null;
  for (const e of effectiveStageEntries(entries))
    if (last === null || compareStageEntries(e, last) > 0) last = e;
  if (last?.statusId === WON_STATUS_ID) return { state: "won", at: last.at, pipelineId: last.pipelineId };
  if (last?.statusId === LOST_STATUS_ID) return { state: "lost", at: last.at, pipelineId: last.pipelineId };
  return { state: "open", current: last };
}

/** The product sold through a pipeline (settings `pipeline_products`): name, price, ISO 4217 currency. */
export interface PipelineProductSetting {
  readonly pipeline_id: number;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
}

/** The pipeline products and the currency of pipelines without one. */
export interface SalesSettings {
  readonly defaultCurrency: string;
  readonly products: readonly PipelineProductSetting[];
}

/**
 * The products of the fixtures' and demo account `demoacademy` are NOT defaults: a project starts
 * with no products and the currency `KZT` (SPEC "amoCRM deals" example currency); its admin enters
 * the products (the demo seeds Express 5 000 KZT and Flagship 490 000 KZT).
 */
export const DEFAULT_SALES_SETTINGS: SalesSettings = Object.freeze({ defaultCurrency: "KZT", products: [] });

/** Where a sale's amount came from: the lead's price, the pipeline product's price, or neither (0). */
export type PriceSource = "lead" | "product" | "none";

/** A sale's money: amount, currency, product name and where the amount came from. */
export interface SaleAmount {
  readonly amount: number;
  readonly currency: string;
  readonly product: string | null;
  readonly priceSource: PriceSource;
}

/**
 * The amount of a won lead (SPEC "amoCRM deals": "amount = the lead's price, or when it is 0 the
 * pipeline's product price"): a positive lead price is the amount; otherwise the product's price of
 * the lead's pipeline; with neither, 0 (`priceSource: "none"`). Currency and product are the
 * pipeline product's, else `settings.defaultCurrency` and `null`.
 */
export function saleAmountOf(
  price: number | null,
  pipelineId: number | null,
  settings: SalesSettings = DEFAULT_SALES_SETTINGS,
): SaleAmount {
  const product =
    pipelineId === null ? undefined : settings.products.find((p) => p.pipeline_id === pipelineId);
  const currency = product?.currency ?? settings.defaultCurrency;
  const name = product?.name ?? null;
  if (price !== null && Number.isFinite(price) && price > 0)
    return { amount: price, currency, product: name, priceSource: "lead" };
  if (product) return { amount: product.price, currency, product: name, priceSource: "product" };
  return { amount: 0, currency, product: name, priceSource: "none" };
}

/** An ad team as configured (settings `ad_teams`): the attribution fields plus colour and emoji. */
export interface AdTeamSetting {
  readonly name: string;
  readonly utm_source: string;
  readonly patterns: readonly string[];
  readonly colour: string;
  readonly emoji: string;
}

/**
 * The seeded teams (SPEC "amoCRM deals": Kenesary, Arystan, Muha, Traf4 with their patterns, and
 * `pb_agency` under two teams, as `DEFAULT_AD_TEAMS`), with a colour and an emoji each.
 */
export const DEFAULT_AD_TEAM_SETTINGS: readonly AdTeamSetting[] = Object.freeze([
  {
    name: "Kenesary",
    utm_source: "kenesary",
    patterns: ["tripwire", "nutcab", "kenesary", "nutrients", "kab3", "1day", "kenji", "kenes", "pb_agency"],
    colour: "#2e7d32",
    emoji: "🦅",
  },
  {
    name: "Arystan",
    utm_source: "arystan",
    patterns: ["arystan", "ar_", "ast_", "rm almaty", "rm_almaty"],
    colour: "#c62828",
    emoji: "🦁",
  },
  {
    name: "Muha",
    utm_source: "muha",
    patterns: [
      "onai",
      "on ai",
      "запуск",
      "muha",
      "yourmarketolog",
      "maqtakyz",
      "residence",
      "yourteam",
      "tima",
    ],
    colour: "#6a1b9a",
    emoji: "🪰",
  },
  {
    name: "Traf4",
    utm_source: "traf4",
    patterns: ["alex", "traf4", "proftest", "smmmcwin", "3-1", "pb_agency"],
    colour: "#1565c0",
    emoji: "🚀",
  },
]);

/** The attribution teams (`AdTeam` of `attribution.ts`) of configured team settings. */
export function adTeamsOf(settings: readonly AdTeamSetting[]): AdTeam[] {
  return settings.map((t) => ({ name: t.name, utmSource: t.utm_source, patterns: [...t.patterns] }));
}

/** The attribution columns of a lead or sale row (see `rm.leads`). */
export interface AttributionColumns {
  readonly team: string | null;
  readonly confidence: "high" | "medium" | "low";
  readonly matched_rule: "exact_utm_source" | "fb_team" | "pattern" | null;
  readonly matched_pattern: string | null;
  readonly is_ambiguous: boolean;
  readonly candidate_teams: readonly string[];
}

/** The row columns of an {@link Attribution}: team, confidence, rule and pattern, ambiguity and candidates. */
export function attributionColumns(a: Attribution): AttributionColumns {
  switch (a.status) {
    case "attributed":
      return {
        team: a.team,
        confidence: a.confidence,
        matched_rule: a.match.rule,
        matched_pattern: a.match.matched,
        is_ambiguous: false,
        candidate_teams: [],
      };
    case "ambiguous":
      return {
        team: null,
        confidence: "low",
        matched_rule: a.matches[0]?.rule ?? null,
        matched_pattern: a.matches[0]?.matched ?? null,
        is_ambiguous: true,
        candidate_teams: [...a.candidates],
      };
    default:
      return {
        team: null,
        confidence: "low",
        matched_rule: null,
        matched_pattern: null,
        is_ambiguous: false,
        candidate_teams: [],
      };
  }
}
