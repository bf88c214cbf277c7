import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { text } from "./dialogs.csv.js";

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
