import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  adTeamsOf,
  attributionColumns,
  DEFAULT_AD_TEAM_SETTINGS,
  DEFAULT_UTM_FIELD_IDS,
  effectiveStageEntries,
  isQualifiedStage,
  leadOutcomeOf,
  qualificationOf,
  readUtm,
  type SalesSettings,
  type StageEntry,
  saleAmountOf,
} from "./amocrm-leads.js";
import { attributeUtmSource } from "./attribution.js";

const EXPRESS = 10350882;
const FLAGSHIP = 10418746;
const SALES: SalesSettings = {
  defaultCurrency: "KZT",
  products: [
    { pipeline_id: EXPRESS, name: "Express course", price: 5000, currency: "KZT" },
    { pipeline_id: FLAGSHIP, name: "Flagship course", price: 490000, currency: "KZT" },
  ],
};

let seq = 0;
const entry = (at: string, statusId: number, pipelineId: number | null = EXPRESS): StageEntry => ({
  at: `2026-10-2${at}:00.000Z`,
  seq: ++seq,
  pipelineId,
  statusId,
});

const field = (id: number, value: string | null) => ({ id, values: [{ value }] });

describe("qualification", () => {
  test("given no overrides, when stages are judged, then only 142 is qualified, in every pipeline", () => {
    assert.equal(isQualifiedStage([], EXPRESS, 142), true);
    assert.equal(isQualifiedStage([], FLAGSHIP, 142), true);
    assert.equal(isQualifiedStage([], EXPRESS, 81854618), false);
    assert.equal(isQualifiedStage([], null, 142), true);
  });

  test("given an override of one stage in one pipeline, when judged, then it applies there only and can unqualify 142", () => {
    const overrides = [
      { pipeline_id: FLAGSHIP, status_id: 83010178, is_qualified: true },
      { pipeline_id: EXPRESS, status_id: 142, is_qualified: false },
    ];
    assert.equal(isQualifiedStage(overrides, FLAGSHIP, 83010178), true);
    assert.equal(isQualifiedStage(overrides, EXPRESS, 83010178), false);
    assert.equal(isQualifiedStage(overrides, EXPRESS, 142), false);
    assert.equal(isQualifiedStage(overrides, FLAGSHIP, 142), true);
  });

  test("given a lead that entered a qualified stage twice and left it, when qualified, then qualified_at is the first entry", () => {
    const overrides = [{ pipeline_id: FLAGSHIP, status_id: 83010178, is_qualified: true }];
    const entries = [
      entry("1T10:00", 83010174, FLAGSHIP),
      entry("3T10:00", 83010178, FLAGSHIP),
      entry("2T10:00", 83010178, FLAGSHIP), // delivered late, earlier in time
      entry("4T10:00", 143, FLAGSHIP),
    ];
    assert.deepEqual(qualificationOf(entries, overrides), {
      isQualified: true,
      qualifiedAt: "2026-10-22T10:00:00.000Z",
    });
  });

  test("given a lead that never entered a qualified stage, when qualified, then it is not", () => {
    assert.deepEqual(qualificationOf([entry("1T10:00", 81856842)], []), {
      isQualified: false,
      qualifiedAt: null,
    });
  });
});

describe("sale lifecycle", () => {
  test("given won, reopened and won again, when the outcome is read, then it is one win at the second entry into 142", () => {
    const entries = [
      entry("1T10:00", 81856842),
      entry("2T10:00", 142),
      entry("3T10:00", 81854618),
      entry("4T10:00", 142),
    ];
    assert.deepEqual(leadOutcomeOf(entries), {
      state: "won",
      at: "2026-10-24T10:00:00.000Z",
      pipelineId: EXPRESS,
    });
  });

  test("given won then reopened, when the outcome is read, then the lead is open (no sale)", () => {
    const outcome = leadOutcomeOf([entry("1T10:00", 142), entry("2T10:00", 81854618)]);
    assert.equal(outcome.state, "open");
  });

  test("given a win delivered before an earlier stage change, when the outcome is read, then time order decides", () => {
    const outcome = leadOutcomeOf([entry("5T10:00", 142), entry("4T10:00", 81854618)]);
    assert.equal(outcome.state, "won");
  });

  test("given a Digital-Pipeline repeat (no time) received after the lead was won, when the outcome is read, then the repeat does not reopen it", () => {
    const webinar = entry("1T20:00", 81854618);
    const won = entry("1T20:01", 142);
    const repeat = { ...entry("1T20:02", 81854618), timeless: true };
    assert.equal(leadOutcomeOf([webinar, won, repeat]).state, "won");
    assert.deepEqual(effectiveStageEntries([webinar, won, repeat]), [webinar, won]);
  });

  test("given a timeless entry that repeats no known change, when filtered, then it counts", () => {
    const only = { ...entry("1T20:02", 81854618), timeless: true };
    assert.deepEqual(effectiveStageEntries([entry("1T10:00", 81856842), only]).length, 2);
  });

  test("given 143, when the outcome is read, then the lead is lost at that time", () => {
    assert.deepEqual(leadOutcomeOf([entry("1T10:00", 81856842), entry("2T11:00", 143)]), {
      state: "lost",
      at: "2026-10-22T11:00:00.000Z",
      pipelineId: EXPRESS,
    });
  });

  test("given price 0, when the amount is computed, then the pipeline product's price and name are used", () => {
    assert.deepEqual(saleAmountOf(0, EXPRESS, SALES), {
      amount: 5000,
      currency: "KZT",
      product: "Express course",
      priceSource: "product",
    });
    assert.equal(saleAmountOf(null, FLAGSHIP, SALES).amount, 490000);
  });

  test("given a price changed after the win, when the amount is computed from the current price, then the sale follows it", () => {
    assert.equal(saleAmountOf(490000, FLAGSHIP, SALES).amount, 490000);
    assert.deepEqual(saleAmountOf(441000, FLAGSHIP, SALES), {
      amount: 441000,
      currency: "KZT",
      product: "Flagship course",
      priceSource: "lead",
    });
  });

  test("given no product for the pipeline and price 0, when the amount is computed, then it is 0 in the default currency", () => {
    assert.deepEqual(saleAmountOf(0, 999, SALES), {
      amount: 0,
      currency: "KZT",
      product: null,
      priceSource: "none",
    });
  });
});

describe("UTM precedence between primary and duplicate fields", () => {
  test("given the same value in both fields, when read, then that value and no conflict", () => {
    const r = readUtm([field(434731, "kenesary"), field(1037547, "kenesary")]);
    assert.equal(r.values.utm_source, "kenesary");
    assert.equal(r.sourceFieldIds.utm_source, 434731);
    assert.deepEqual(r.conflicts, []);
  });

  test("given the value only in the duplicate field, when read, then the duplicate's value is used without conflict", () => {
    const r = readUtm([field(434731, "  "), field(1037547, "proftest")]);
    assert.equal(r.values.utm_source, "proftest");
    assert.equal(r.sourceFieldIds.utm_source, 1037547);
    assert.deepEqual(r.conflicts, []);
  });

  test("given different values, when read, then the primary wins and the conflict is reported", () => {
    const r = readUtm([field(1037547, "instagram"), field(434731, "alex_target"), field(434729, "launch")]);
    assert.equal(r.values.utm_source, "alex_target");
    assert.equal(r.values.utm_campaign, "launch");
    assert.deepEqual(r.conflicts, [
      {
        key: "utm_source",
        field_id: 434731,
        value: "alex_target",
        duplicate_field_id: 1037547,
        duplicate_value: "instagram",
      },
    ]);
  });

  test("given values differing only in case and spaces, when read, then it is not a conflict and the primary is kept as entered", () => {
    const r = readUtm([field(434731, "Google "), field(1037547, "google")]);
    assert.equal(r.values.utm_source, "Google ");
    assert.deepEqual(r.conflicts, []);
  });

  test("given configured field ids, when read, then other fields are ignored and empty keys are null", () => {
    const r = readUtm([field(434731, "muha"), field(777, "x")], {
      ...DEFAULT_UTM_FIELD_IDS,
      utm_source: [777],
    });
    assert.equal(r.values.utm_source, "x");
    assert.equal(r.values.fbclid, null);
  });
});

describe("attribution columns with the seeded teams", () => {
  const teams = adTeamsOf(DEFAULT_AD_TEAM_SETTINGS);
  const columns = (source: string | null) => attributionColumns(attributeUtmSource(source, teams));

  test("given an exact utm_source, when attributed, then high with the exact rule", () => {
    assert.deepEqual(columns("Muha"), {
      team: "Muha",
      confidence: "high",
      matched_rule: "exact_utm_source",
      matched_pattern: "muha",
      is_ambiguous: false,
      candidate_teams: [],
    });
  });

  test("given fb_<team>, when attributed, then medium with the fb_team rule", () => {
    const c = columns("fb_kenesary");
    assert.equal(c.team, "Kenesary");
    assert.equal(c.confidence, "medium");
    assert.equal(c.matched_rule, "fb_team");
  });

  test("given a Cyrillic and a spaced pattern, when attributed, then medium to their teams", () => {
    assert.equal(columns("запуск_ноябрь").team, "Muha");
    assert.equal(columns("запуск_ноябрь").matched_pattern, "запуск");
    assert.equal(columns("RM Almaty").team, "Arystan");
    assert.equal(columns("On AI").team, "Muha");
  });

  test("given pb_agency under two teams, when attributed, then ambiguous with both candidates and no team", () => {
    assert.deepEqual(columns("pb_agency"), {
      team: null,
      confidence: "low",
      matched_rule: "pattern",
      matched_pattern: "pb_agency",
      is_ambiguous: true,
      candidate_teams: ["Kenesary", "Traf4"],
    });
  });

  test("given no source or an unknown one, when attributed, then low without a rule", () => {
    for (const s of [null, "google", "Google ", ""]) {
      const c = columns(s);
      assert.equal(c.team, null);
      assert.equal(c.confidence, "low");
      assert.equal(c.matched_rule, null);
      assert.equal(c.is_ambiguous, false);
    }
  });
});
