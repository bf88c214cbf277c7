import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SaleNotice } from "@pulse/events";
import {
  DEFAULT_SALE_TEMPLATE,
  formatAmount,
  renderSaleMessage,
  TELEGRAM_TEXT_LIMIT,
} from "./sale-message.template.js";

const sale: SaleNotice = {
  type: "sale_won",
  project_id: "demoacademy",
  lead_id: 31512345,
  event_seq: 42,
  sold_at: "2026-12-07T10:00:00.000Z",
  amount: 490000,
  currency: "KZT",
  product: "Flagship course",
  pipeline_id: 7001,
  manager: "Айгерим",
  client_name: "Асель Нурланова",
  team: "Kenesary",
  client_phone: null,
  utm_source: "fb_kenesary",
  utm_campaign: "tripwire_dec",
  utm_content: "video-3",
};

describe("formatAmount", () => {
  test("given whole amounts, then groups of three are separated by spaces and the currency follows", () => {
    assert.equal(formatAmount(490000, "KZT"), "490 000 KZT");
    assert.equal(formatAmount(5000, "KZT"), "5 000 KZT");
    assert.equal(formatAmount(999, null), "999");
    assert.equal(formatAmount(1234567, "UAH"), "1 234 567 UAH");
  });
  test("given fractions, negatives or no amount, then two decimals, a minus sign, or a dash", () => {
    assert.equal(formatAmount(1234.5, "UAH"), "1 234.50 UAH");
    assert.equal(formatAmount(-1500, "KZT"), "-1 500 KZT");
    assert.equal(formatAmount(null, "KZT"), "—");
    assert.equal(formatAmount(Number.NaN, "KZT"), "—");
  });
});

describe("renderSaleMessage", () => {
  test("given a template with team, client, amount, product and campaign, then each placeholder is the sale's value", () => {
    assert.equal(
      renderSaleMessage(
        "{team}: {client} paid {amount} for {product} ({campaign}, {source}) — {manager} #{lead_id}",
        sale,
      ),
      "Kenesary: Асель Нурланова paid 490 000 KZT for Flagship course (tripwire_dec, fb_kenesary) — Айгерим #31512345",
    );
  });
  test("given no template, then the default one is used", () => {
    const text = renderSaleMessage(null, sale);
    assert.ok(DEFAULT_SALE_TEMPLATE.includes("{amount}"));
    assert.match(text, /490 000 KZT/);
    assert.match(text, /Team: Kenesary/);
    assert.match(text, /Campaign: tripwire_dec/);
  });
  test("given a sale without team, campaign or product, then a dash stands for the missing values and no trailing spaces remain", () => {
    const text = renderSaleMessage("{team} \nCampaign: {campaign}\nProduct: {product}  ", {
      ...sale,
      team: null,
      utm_campaign: "  ",
      product: null,
    });
    assert.equal(text, "—\nCampaign: —\nProduct: —");
  });
  test("given unknown placeholders or braces, then they stay as written", () => {
    assert.equal(renderSaleMessage("{unknown} {Team} {} {team}", sale), "{unknown} {Team} {} Kenesary");
  });
  test("given values that look like placeholders, then they are not expanded again", () => {
    assert.equal(renderSaleMessage("{client}/{team}", { ...sale, client_name: "{team}" }), "{team}/Kenesary");
  });
  test("given a text over Telegram's limit, then it is cut to the limit with an ellipsis", () => {
    const text = renderSaleMessage("x".repeat(2000) + "{client}", {
      ...sale,
      client_name: "y".repeat(3000),
    });
    assert.equal(text.length, TELEGRAM_TEXT_LIMIT);
    assert.ok(text.endsWith("…"));
  });
});
