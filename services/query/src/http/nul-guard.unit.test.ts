import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findNulString } from "./nul-guard.js";

describe("findNulString", () => {
  test("given values without NUL, when scanned, then null", () => {
    assert.equal(findNulString({ a: ["x", 1, null, { b: "日本語" }] }), null);
    assert.equal(findNulString(undefined), null);
  });

  test("given NUL in a nested string or in a key, when scanned, then the JSON pointer of the first one", () => {
    assert.equal(findNulString({ grids: { normal: { "3": "01:00\u0000" } } }), "/grids/normal/3");
    assert.equal(findNulString({ a: [0, "ok", "b\u0000"] }), "/a/2");
    assert.equal(findNulString({ "a/b~c": { "x\u0000": 1 } }), "/a~1b~0c/x\u0000");
    assert.equal(findNulString("\u0000"), "");
  });

  test("given a value nested 100 000 deep with NUL at the bottom, when scanned, then it is found without overflowing the stack", () => {
    let v: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) v = [v];
    assert.equal(findNulString(v)?.split("/").length, 100_001);
  });

  test("given more nodes than the bound, when scanned, then it stops (the route's schema judges the rest)", () => {
    const big = [...new Array<string>(10).fill("x"), "\u0000"];
    assert.equal(findNulString(big, 5), null);
    assert.equal(findNulString(big, 100), "/10");
  });
});
