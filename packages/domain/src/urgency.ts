/**
 * Urgent orders (SPEC "Order status analytics" → "Urgency"): per project a list of rules
 * `{match_type: "sku" | "offer_id" | "product_id", match_value}`; once an order's items are known
 * (KeyCRM `GET /order/{id}?include=products.offer`), an order with an item matching any rule is
 * urgent. Example (shop-kyiv): sku "Термінове виготовлення", offer_id 16, product_id 2.
 *
 * Matching semantics:
 * - `sku`: equal to the item's own `sku` (the order line's copy) **or** its `offer.sku` (the
 *   catalogue's current value) after trimming and Unicode NFC normalisation of both sides.
 *   Case-**sensitive**: an SKU is an identifier, and case-folding Cyrillic (`Експрес`/`ЕКСПРЕС`)
 *   would silently widen a rule; add a second rule for a variant spelling. Inner whitespace counts.
 * - `offer_id`: the item's `offer.id` equals the integer `match_value` (`"16"`, `"016"` and `16`
 *   are the same rule).
 * - `product_id`: the item's `offer.product_id` (the catalogue product of the offer) equals the
 *   integer `match_value`.
 * Rules are per project: in the fixtures offer_id 16 is the urgent service in shop-kyiv but plain
 * business cards in shop-lviv.
 */
import { IssueCollector, isRecord, quote } from "./settings-error.js";

/** How a rule matches an item: by SKU, by offer id, or by the offer's product id. */
export type UrgentMatchType = "sku" | "offer_id" | "product_id";

/** The match types, in the order the settings UI lists them. */
export const URGENT_MATCH_TYPES: readonly UrgentMatchType[] = ["sku", "offer_id", "product_id"];

/**
 * One urgency rule. `matchValue` is canonical: a trimmed NFC string for `sku`, a decimal integer
 * without leading zeros for `offer_id` / `product_id`.
 */
export interface UrgentRule {
  readonly matchType: UrgentMatchType;
  readonly matchValue: string;
}

/**
 * The fields of a KeyCRM order item (`products[]` of `GET /order/{id}?include=products.offer`) the
 * rules read. Anything may be missing or `null` (custom lines have no offer); ids may be numbers or
 * numeric strings.
 */
export interface UrgencyOrderItem {
  readonly sku?: string | null;
  readonly offer?: {
    readonly id?: number | string | null;
    readonly product_id?: number | string | null;
    readonly sku?: string | null;
  } | null;
}

/** Which item field a rule matched: the line's `sku`, or the offer's `sku`, `id` or `product_id`. */
export type UrgentMatchField = "sku" | "offer.sku" | "offer.id" | "offer.product_id";

/** One (rule, item) match: the rule, its index in the rule list, the item's index, the field. */
export interface UrgentRuleMatch {
  readonly rule: UrgentRule;
  readonly ruleIndex: number;
  readonly itemIndex: number;
  readonly field: UrgentMatchField;
}

/**
 * Result of {@link isUrgentOrder}: `urgent` when any rule matched; `rule` the first matching rule in
 * rule order (`null` when not urgent); `matches` every (rule, item) match, ordered by rule then item,
 * one per pair (a line whose `sku` and `offer.sku` both match reports `sku`).
 */
export interface UrgencyDecision {
  readonly urgent: boolean;
  readonly rule: UrgentRule | null;
  readonly matches: readonly UrgentRuleMatch[];
}

/**
 * Parses a project's urgent rules from settings JSON
 * `[{"match_type": "sku", "match_value": "Термінове виготовлення"}, {"match_type": "offer_id", "match_value": "16"}]`
 * (the `projects.json` shape). `match_value` may be a string or, for convenience, a number. Exact
 * duplicates are kept once.
 * @param path prefix for issue paths (default `urgent_rules`).
 * @throws SettingsError listing every issue: not a list, unknown `match_type`, empty `match_value`, a
 *   non-integer id, unknown fields.
 */
export function parseUrgentRules(input: unknown, path = "urgent_rules"): UrgentRule[] {
  const issues = new IssueCollector();
  if (input === null || input === undefined) return [];
  if (!Array.isArray(input)) {
    issues.add(path, `expected a list of {"match_type", "match_value"}, got ${quote(input)}`);
    issues.throwIfAny();
    return [];
  }
  const rules: UrgentRule[] = [];
  const seen = new Set<string>();
  input.forEach((raw: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(raw)) {
      issues.add(at, `expected {"match_type", "match_value"}, got ${quote(raw)}`);
      return;
    }
    for (const key of Object.keys(raw)) {
      if (key !== "match_type" && key !== "match_value")
        issues.add(`${at}.${key}`, "unknown field (expected match_type, match_value)");
    }
    const type = raw["match_type"];
    if (typeof type !== "string" || !(URGENT_MATCH_TYPES as readonly string[]).includes(type)) {
      issues.add(`${at}.match_type`, `expected one of ${URGENT_MATCH_TYPES.join(", ")}, got ${quote(type)}`);
      return;
    }
    const matchType = type as UrgentMatchType;
    const value = raw["match_value"];
    const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== "string" || text.trim() === "") {
      issues.add(`${at}.match_value`, `expected a non-empty string, got ${quote(value)}`);
      return;
    }
    const matchValue = matchType === "sku" ? canonicalSku(text) : canonicalId(text);
    if (matchValue === null) {
      issues.add(`${at}.match_value`, `${matchType} must be a non-negative integer, got ${quote(value)}`);
      return;
    }
    const key = `${matchType}\u0000${matchValue}`;
    if (seen.has(key)) return;
    seen.add(key);
    rules.push({ matchType, matchValue });
  });
  issues.throwIfAny();
  return rules;
}

/** The settings JSON of rules (`[{match_type, match_value}]`); the inverse of {@link parseUrgentRules}. */
export function urgentRulesToJson(
  rules: readonly UrgentRule[],
): { match_type: UrgentMatchType; match_value: string }[] {
  return rules.map((r) => ({ match_type: r.matchType, match_value: r.matchValue }));
}

/**
 * Whether an order is urgent by its items (SPEC: "an order with a matching item is urgent"), and
 * which rule matched. `items` is the order's `products` array; an empty list is not urgent. (Whether
 * the items are known at all is the caller's concern: SPEC fetches them asynchronously.)
 * Rules are expected from {@link parseUrgentRules}; a hand-built rule's value is canonicalised the
 * same way before comparing.
 */
export function isUrgentOrder(
  items: readonly UrgencyOrderItem[],
  rules: readonly UrgentRule[],
): UrgencyDecision {
  const matches: UrgentRuleMatch[] = [];
  rules.forEach((rule, ruleIndex) => {
    const wanted = rule.matchType === "sku" ? canonicalSku(rule.matchValue) : canonicalId(rule.matchValue);
    if (wanted === null) return;
    items.forEach((item, itemIndex) => {
      const field = matchField(item, rule.matchType, wanted);
      if (field !== null) matches.push({ rule, ruleIndex, itemIndex, field });
    });
  });
  return { urgent: matches.length > 0, rule: matches[0]?.rule ?? null, matches };
}

function matchField(item: UrgencyOrderItem, type: UrgentMatchType, wanted: string): UrgentMatchField | null {
  const offer = item.offer ?? null;
  switch (type) {
    case "sku":
      if (typeof item.sku === "string" && canonicalSku(item.sku) === wanted) return "sku";
      if (typeof offer?.sku === "string" && canonicalSku(offer.sku) === wanted) return "offer.sku";
      return null;
    case "offer_id":
      return idOf(offer?.id) === wanted ? "offer.id" : null;
    case "product_id":
      return idOf(offer?.product_id) === wanted ? "offer.product_id" : null;
  }
}

function canonicalSku(text: string): string | null {
  const value = text.normalize("NFC").trim();
  return value === "" ? null : value;
}

function canonicalId(text: string): string | null {
  const value = text.trim();
  if (!/^\d{1,16}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? String(n) : null;
}

function idOf(value: number | string | null | undefined): string | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value === "string") return canonicalId(value);
  return null;
}
