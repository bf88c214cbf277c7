import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_BODY_DEPTH } from "../crm/crm-values.js";
import { ValidationError } from "../http/http.errors.js";
import { jsonNestingExceeds, parseJsonBody } from "./json-body.js";

const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}[1]${"}".repeat(depth - 1)}`;

describe("jsonNestingExceeds", () => {
  test("given JSON exactly maxDepth deep, when checked, then it does not exceed; one more level does", () => {
    assert.equal(jsonNestingExceeds(nested(5), 5), false);
    assert.equal(jsonNestingExceeds(nested(6), 5), true);
  });

  test("given brackets inside strings, escaped quotes included, when checked, then they do not count", () => {
    const text = `{"a":"[[[[{{{{\\"[[[[","b":[1]}`;
    assert.equal(jsonNestingExceeds(text, 2), false);
    assert.equal(jsonNestingExceeds(text, 1), true);
  });

  test("given siblings, when checked, then depth is the deepest path, not the count of brackets", () => {
    assert.equal(jsonNestingExceeds(`[${"[1],".repeat(1000)}[1]]`, 2), false);
  });
});

describe("parseJsonBody", () => {
  test("given a body nested 100 000 deep, when parsed, then it is a 400 ValidationError naming the limit", () => {
    assert.throws(
      () => parseJsonBody(`${"[".repeat(100_000)}${"]".repeat(100_000)}`),
      (e: unknown) =>
        e instanceof ValidationError && e.status === 400 && e.message.includes(String(MAX_BODY_DEPTH)),
    );
  });

  test("given a delivery nested MAX_BODY_DEPTH deep, when parsed, then it is accepted as JSON", () => {
    const value = parseJsonBody(nested(MAX_BODY_DEPTH));
    assert.equal(typeof value, "object");
  });

  test("given malformed JSON, when parsed, then the 400 detail does not quote the body", () => {
    assert.throws(
      () => parseJsonBody('{"secret-looking": tru'),
      (e: unknown) => e instanceof ValidationError && e.message === "malformed JSON body",
    );
  });
});
