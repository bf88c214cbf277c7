import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { text } from "../http/csv-export.js";
import { CSV_COLUMNS } from "./dialogs.csv.js";
import type { AnalysisItem } from "./dialogs.schemas.js";

describe("CSV text cells", () => {
  test("given values a spreadsheet would run as formulas, when made a cell, then they get a leading quote", () => {
    for (const v of ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]) {
      assert.equal(text(v), `'${v}`, JSON.stringify(v));
    }
  });

  test("given ordinary text, an inner '=' and null, when made a cell, then it stays as it is or becomes empty", () => {
    assert.equal(text("Клиент: 2+2=4"), "Клиент: 2+2=4");
    assert.equal(text("[22:05] client: привет"), "[22:05] client: привет");
    assert.equal(text(null), "");
  });
});

describe("CSV manager columns", () => {
  const cell = (header: string, item: Pick<AnalysisItem, "manager_id" | "manager_name">) =>
    CSV_COLUMNS.find(([h]) => h === header)![1](item as AnalysisItem);

  test("given a manager the users dictionary names, when exported, then the name sits beside the id", () => {
    const headers = CSV_COLUMNS.map(([h]) => h);
    assert.equal(headers.indexOf("manager_name"), headers.indexOf("manager_id") + 1);
    const item = { manager_id: 11840231, manager_name: "Айгерим Сейткали" };
    assert.equal(cell("manager_id", item), "11840231");
    assert.equal(cell("manager_name", item), "Айгерим Сейткали");
  });

  test("given a manager id the dictionary does not know, when exported, then the id stays and the name is empty", () => {
    const item = { manager_id: 999, manager_name: null };
    assert.equal(cell("manager_id", item), "999");
    assert.equal(cell("manager_name", item), "");
  });
});
