import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { SettingsError } from "./settings-error.js";
import {
  isUrgentOrder,
  parseUrgentRules,
  type UrgencyOrderItem,
  type UrgentRule,
  urgentRulesToJson,
} from "./urgency.js";

const FIXTURES_DIR = resolve(
  process.env["FIXTURES_DIR"] ??
    join(fileURLToPath(new URL("../../../", import.meta.url)), "../shared/fixtures"),
);
const keycrmDir = join(FIXTURES_DIR, "keycrm");

const KYIV_RULES = parseUrgentRules([
  { match_type: "sku", match_value: "Термінове виготовлення" },
  { match_type: "offer_id", match_value: "16" },
  { match_type: "product_id", match_value: "2" },
]);
const urgentLine: UrgencyOrderItem = {
  sku: "Термінове виготовлення",
  offer: { id: 16, product_id: 2, sku: "Термінове виготовлення" },
};
const plainLine: UrgencyOrderItem = { sku: "PRN-WALL", offer: { id: 44, product_id: 10, sku: "PRN-WALL" } };

describe("parseUrgentRules", () => {
  test("given the projects.json shape, when parsed, then canonical rules", () => {
    assert.deepEqual(KYIV_RULES, [
      { matchType: "sku", matchValue: "Термінове виготовлення" },
      { matchType: "offer_id", matchValue: "16" },
      { matchType: "product_id", matchValue: "2" },
    ]);
    assert.deepEqual(parseUrgentRules(urgentRulesToJson(KYIV_RULES)), KYIV_RULES);
  });

  test("given numbers, leading zeros, spaces and duplicates, when parsed, then canonical values kept once", () => {
    assert.deepEqual(
      parseUrgentRules([
        { match_type: "offer_id", match_value: 16 },
        { match_type: "offer_id", match_value: " 016 " },
        { match_type: "sku", match_value: "  Експрес " },
      ]),
      [
        { matchType: "offer_id", matchValue: "16" },
        { matchType: "sku", matchValue: "Експрес" },
      ],
    );
  });

  test("given no rules, when parsed, then an empty list", () => {
    assert.deepEqual(parseUrgentRules(undefined), []);
    assert.deepEqual(parseUrgentRules([]), []);
  });

  test("given invalid rules, when parsed, then every issue with its path", () => {
    try {
      parseUrgentRules([
        { match_type: "name", match_value: "x" },
        { match_type: "sku", match_value: "   " },
        { match_type: "offer_id", match_value: "16a" },
        { match_type: "product_id", match_value: -2 },
        "sku=Експрес",
        { match_type: "sku", match_value: "A", note: "?" },
      ]);
      assert.fail("expected SettingsError");
    } catch (error) {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(
        error.issues.map((i) => i.path),
        [
          "urgent_rules[0].match_type",
          "urgent_rules[1].match_value",
          "urgent_rules[2].match_value",
          "urgent_rules[3].match_value",
          "urgent_rules[4]",
          "urgent_rules[5].note",
        ],
      );
    }
    assert.throws(() => parseUrgentRules({ match_type: "sku" }), SettingsError);
  });
});

describe("isUrgentOrder", () => {
  test("given the urgent line, when checked, then urgent by the first rule, with every match listed", () => {
    const d = isUrgentOrder([plainLine, urgentLine], KYIV_RULES);
    assert.equal(d.urgent, true);
    assert.deepEqual(d.rule, { matchType: "sku", matchValue: "Термінове виготовлення" });
    assert.deepEqual(
      d.matches.map((m) => [m.ruleIndex, m.itemIndex, m.field]),
      [
        [0, 1, "sku"],
        [1, 1, "offer.id"],
        [2, 1, "offer.product_id"],
      ],
    );
  });

  test("given no matching line or no lines, when checked, then not urgent", () => {
    assert.deepEqual(isUrgentOrder([plainLine], KYIV_RULES), { urgent: false, rule: null, matches: [] });
    assert.equal(isUrgentOrder([], KYIV_RULES).urgent, false);
    assert.equal(isUrgentOrder([urgentLine], []).urgent, false);
  });

  test("given the SKU with other case, when checked, then not urgent (case-sensitive)", () => {
    const rules = parseUrgentRules([{ match_type: "sku", match_value: "Експрес" }]);
    assert.equal(isUrgentOrder([{ sku: "ЕКСПРЕС" }], rules).urgent, false);
    assert.equal(isUrgentOrder([{ sku: "експрес" }], rules).urgent, false);
    assert.equal(isUrgentOrder([{ sku: "Експрес" }], rules).urgent, true);
  });

  test("given the SKU with surrounding spaces or decomposed letters, when checked, then urgent (trim + NFC)", () => {
    const rules = parseUrgentRules([{ match_type: "sku", match_value: "Їжак й" }]);
    const decomposed = "\u0406\u0308жак \u0438\u0306"; // І + combining diaeresis, и + combining breve
    assert.notEqual(decomposed, "Їжак й");
    assert.equal(isUrgentOrder([{ sku: ` ${decomposed}\t` }], rules).urgent, true);
    assert.equal(isUrgentOrder([{ sku: "Їжак  й" }], rules).urgent, false);
  });

  test("given a line without an offer, when checked, then only its own sku can match", () => {
    assert.equal(
      isUrgentOrder([{ sku: "Термінове виготовлення", offer: null }], KYIV_RULES).matches.length,
      1,
    );
    assert.equal(isUrgentOrder([{ sku: "custom", offer: null }], KYIV_RULES).urgent, false);
    assert.equal(isUrgentOrder([{}], KYIV_RULES).urgent, false);
  });

  test("given a renamed line whose offer still has the SKU, when checked, then urgent by offer.sku", () => {
    const d = isUrgentOrder([{ sku: "Терміново!", offer: { sku: "Термінове виготовлення" } }], KYIV_RULES);
    assert.deepEqual(
      d.matches.map((m) => m.field),
      ["offer.sku"],
    );
  });

  test("given ids as numeric strings, when checked, then they match the integer rules", () => {
    const d = isUrgentOrder([{ offer: { id: "16", product_id: "0002" } }], KYIV_RULES);
    assert.deepEqual(
      d.matches.map((m) => m.field),
      ["offer.id", "offer.product_id"],
    );
  });

  test("given offer_id 16 and a product_id rule of 16, when checked, then only the offer_id rule matches", () => {
    const rules: UrgentRule[] = [
      { matchType: "product_id", matchValue: "16" },
      { matchType: "offer_id", matchValue: "16" },
    ];
    const d = isUrgentOrder([{ offer: { id: 16, product_id: 3 } }], rules);
    assert.deepEqual(d.rule, { matchType: "offer_id", matchValue: "16" });
  });
});

interface FixtureProject {
  project: string;
  urgent_rules: unknown;
}
interface FixtureOrder {
  id: number;
  products: UrgencyOrderItem[];
}

describe(
  "isUrgentOrder on the KeyCRM fixtures",
  { skip: !existsSync(keycrmDir) && "fixtures not found" },
  () => {
    const projects = existsSync(keycrmDir)
      ? (JSON.parse(readFileSync(join(keycrmDir, "projects.json"), "utf8")) as { projects: FixtureProject[] })
          .projects
      : [];
    const rulesOf = new Map(projects.map((p) => [p.project, parseUrgentRules(p.urgent_rules)]));
    const ordersOf = (project: string): FixtureOrder[] => {
      const dir = join(keycrmDir, project, "orders");
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as FixtureOrder);
    };

    test("given each project's own rules, when every order detail is checked, then 27 + 19 = 46 urgent orders (README: 46)", () => {
      const counts = new Map<string, number>();
      for (const [project, rules] of rulesOf) {
        counts.set(project, ordersOf(project).filter((o) => isUrgentOrder(o.products, rules).urgent).length);
      }
      assert.deepEqual(Object.fromEntries(counts), { "shop-kyiv": 27, "shop-lviv": 19 });
      assert.equal(
        [...counts.values()].reduce((a, b) => a + b, 0),
        46,
      );
    });

    test("given the fixtures, when an order is urgent, then all three rules agree (sku, offer_id, product_id)", () => {
      for (const [project, rules] of rulesOf) {
        for (const order of ordersOf(project)) {
          const d = isUrgentOrder(order.products, rules);
          if (!d.urgent) continue;
          const types = new Set(d.matches.map((m) => m.rule.matchType));
          assert.deepEqual(
            [...types].sort(),
            ["offer_id", "product_id", "sku"],
            `${project} order ${order.id}`,
          );
        }
      }
    });

    test("given shop-kyiv's rules applied to shop-lviv orders, when checked, then wrong orders match by id only (rules are per project)", () => {
      const kyivRules = rulesOf.get("shop-kyiv") ?? [];
      const lvivRules = rulesOf.get("shop-lviv") ?? [];
      const lviv = ordersOf("shop-lviv");
      const wrong = lviv.filter((o) => isUrgentOrder(o.products, kyivRules).urgent);
      // Independent scan: lviv lines whose offer is 16 (business cards) or whose product is 2.
      const expected = lviv.filter((o) =>
        o.products.some((p) => p.offer?.id === 16 || p.offer?.product_id === 2),
      );
      assert.ok(expected.length > 0);
      assert.deepEqual(
        wrong.map((o) => o.id),
        expected.map((o) => o.id),
      );
      for (const o of wrong) {
        assert.ok(isUrgentOrder(o.products, kyivRules).matches.every((m) => m.rule.matchType !== "sku"));
      }
      const overlap = wrong.filter((o) => isUrgentOrder(o.products, lvivRules).urgent).length;
      assert.ok(overlap < wrong.length, "kyiv's rules flag lviv orders that lviv's own rules do not");
    });
  },
);
