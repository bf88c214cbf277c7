/**
 * The text of a sale notification from a project's template (SPEC "amoCRM deals": optional
 * outbound notification of a sale; issue 15 item 6: team, client, amount, product, campaign).
 * Pure: no I/O, no clock.
 */
import type { SaleNotice } from "@pulse/events";

/**
 * The template used when a project sets none. Plain text (sent without `parse_mode`, so client names
 * with `*` or `<` need no escaping).
 */
export const DEFAULT_SALE_TEMPLATE =
  "💰 New sale: {amount}\nTeam: {team}\nClient: {client}\nProduct: {product}\nCampaign: {campaign}";

/** The placeholders a template may use; anything else in braces is left as written. */
export const SALE_TEMPLATE_PLACEHOLDERS = [
  "team",
  "client",
  "amount",
  "product",
  "campaign",
  "source",
  "manager",
  "lead_id",
  "sold_at",
] as const;

/** Telegram's limit of one message's text, in characters (Bot API `sendMessage`). */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Shown for a value the sale does not have. */
const MISSING = "—";

/**
 * Formats an amount as whole units with thin groups of three and the currency code:
 * `490000, "KZT"` → `490 000 KZT`; fractions kept to two places (`1234.5` → `1 234.50`); `null` → `—`.
 */
export function formatAmount(amount: number | null, currency: string | null): string {
  if (amount === null || !Number.isFinite(amount)) return MISSING;
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const whole = Math.trunc(abs);
  const cents = Math.round((abs - whole) * 100);
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  const text = `${negative ? "-" : ""}${grouped}${cents > 0 ? `.${String(cents).padStart(2, "0")}` : ""}`;
  return currency ? `${text} ${currency}` : text;
}

/** The value of each placeholder for a sale (missing values are `—`). */
export function saleTemplateValues(
  sale: SaleNotice,
): Record<(typeof SALE_TEMPLATE_PLACEHOLDERS)[number], string> {
  const v = (s: string | null | undefined) =>
    s === null || s === undefined || s.trim() === "" ? MISSING : s;
  return {
    team: v(sale.team),
    client: v(sale.client_name),
    amount: formatAmount(sale.amount, sale.currency),
    product: v(sale.product),
    campaign: v(sale.utm_campaign),
    source: v(sale.utm_source),
    manager: v(sale.manager),
    lead_id: String(sale.lead_id),
    sold_at: sale.sold_at,
  };
}

/**
 * Renders `template` (default {@link DEFAULT_SALE_TEMPLATE}) for a sale: each `{placeholder}` of
 * {@link SALE_TEMPLATE_PLACEHOLDERS} is replaced by its value, unknown braces stay as written, lines
 * left with trailing spaces are trimmed, and the text is cut to {@link TELEGRAM_TEXT_LIMIT}
 * characters (with `…`). Never fails.
 */
export function renderSaleMessage(template: string | null, sale: SaleNotice): string {
  const values: Record<string, string> = saleTemplateValues(sale);
  const text = (template ?? DEFAULT_SALE_TEMPLATE)
    .replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole)
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
  return text.length > TELEGRAM_TEXT_LIMIT ? `${text.slice(0, TELEGRAM_TEXT_LIMIT - 1)}…` : text;
}

/** A sale-shaped example for test messages (`POST /api/notifications/test`), marked as a test. */
export function testSaleNotice(projectId: string, at: Date): SaleNotice {
  return {
    type: "sale_won",
    project_id: projectId,
    lead_id: 0,
    event_seq: 0,
    sold_at: at.toISOString(),
    amount: 5000,
    currency: "KZT",
    product: "Test message from Pulse",
    pipeline_id: null,
    manager: null,
    client_name: "Test client",
    team: "Test team",
    client_phone: null,
    utm_source: null,
    utm_campaign: "test",
    utm_content: null,
  };
}
